// Package measure defines the measurements probes record and policies
// judge: the one contract between them. Every measurement is a Go type
// here, embedding Base (its type, unit-of-work key and evidence); the
// policy input document (Input) is built from them, its JSON Schema is
// generated from these types (Schema), every measurement is validated
// against that schema before it is stored or judged, and the policies are
// type-checked against it when they compile. A field that a policy reads
// is never omitted: "could not say" is written explicitly (an empty
// string, an empty list, or null where the schema says a value may be
// unknown).
//
// The package is a leaf: it imports nothing else of platscan.
package measure

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
)

// Families of measurements, one a probe.
const (
	Terms   = "terms"
	Pricing = "pricing"
	Interop = "interop"
	Ranking = "ranking"
)

// Families lists the measurement families in a fixed order.
func Families() []string { return []string{Interop, Pricing, Ranking, Terms} }

// Base is the envelope every measurement carries.
type Base struct {
	// Type names the kind of measurement within its family ("document").
	Type string `json:"type"`
	// Key names the unit of work the measurement completes, so a resumed
	// scan can skip it; "" for outcomes a resumed scan should try again.
	Key string `json:"key"`
	// Evidence lists the ids of the records (exchanges, documents, other
	// measurements, imports) the measurement was computed from. Never
	// empty: a measurement nobody can trace is not evidence.
	Evidence []string `json:"evidence" jsonschema:"minItems=1"`
}

// Envelope returns the measurement's envelope.
func (b *Base) Envelope() *Base { return b }

// Measurement is implemented by every measurement type.
type Measurement interface {
	// Family is the probe family the measurement belongs to.
	Family() string
	// Envelope returns the embedded Base.
	Envelope() *Base
}

// Kind is one registered kind of measurement: a family, a type name and
// the Go type that holds it.
type Kind struct {
	Family string
	Type   string
	// Doc says in a sentence what the measurement is; docs/input.md shows it.
	Doc string
	new func() Measurement
}

// New returns a zero measurement of the kind, with its type set.
func (k Kind) New() Measurement {
	m := k.new()
	m.Envelope().Type = k.Type
	return m
}

// Name is the kind's schema name, family.type.
func (k Kind) Name() string { return k.Family + "." + k.Type }

// Kinds lists every kind of measurement, sorted by family and type.
func Kinds() []Kind {
	out := append([]Kind(nil), kinds...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// Lookup returns the kind of family and type.
func Lookup(family, typ string) (Kind, bool) {
	for _, k := range kinds {
		if k.Family == family && k.Type == typ {
			return k, true
		}
	}
	return Kind{}, false
}

// KindOf returns the registered kind of m, by its family and type.
func KindOf(m Measurement) (Kind, error) {
	k, ok := Lookup(m.Family(), m.Envelope().Type)
	if !ok {
		return Kind{}, fmt.Errorf("measurement %T: no kind %s.%s is registered", m, m.Family(), m.Envelope().Type)
	}
	if reflect.TypeOf(k.new()) != reflect.TypeOf(m) {
		return Kind{}, fmt.Errorf("measurement %T: kind %s is held by %T", m, k.Name(), k.new())
	}
	return k, nil
}

// Prepare makes m ready to be stored: it checks that m is a registered
// kind with evidence, that no number is NaN or infinite, and replaces nil
// slices and maps by empty ones, so that nothing a policy reads as a list
// arrives as null.
func Prepare(m Measurement) error {
	k, err := KindOf(m)
	if err != nil {
		return err
	}
	b := m.Envelope()
	if len(b.Evidence) == 0 {
		return fmt.Errorf("measurement %s: no evidence: every measurement must cite the records it was computed from", k.Name())
	}
	for i, id := range b.Evidence {
		if id == "" {
			return fmt.Errorf("measurement %s: evidence[%d] is empty", k.Name(), i)
		}
	}
	return normalise(reflect.ValueOf(m).Elem(), k.Name())
}

// normalise walks v, filling nil slices and maps and rejecting NaN and
// infinities; path names the field in errors.
func normalise(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("measurement %s: %v is not a number a policy can judge", path, f)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return normalise(v.Elem(), path)
		}
	case reflect.Slice:
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			}
			return nil
		}
		for i := range v.Len() {
			if err := normalise(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if err := normalise(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeMap(v.Type()))
			}
			return nil
		}
		iter := v.MapRange()
		for iter.Next() {
			// Map values are not addressable; only numbers need checking.
			if err := normalise(iter.Value(), path+"."+fmt.Sprint(iter.Key())); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := jsonName(f)
			p := path
			if !f.Anonymous {
				p = path + "." + name
			}
			if err := normalise(v.Field(i), p); err != nil {
				return err
			}
		}
	}
	return nil
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}
