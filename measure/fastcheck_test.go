package measure

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// filled returns a kind's measurement with every field set (one element
// in every list, enums at their first value), so that the checks of
// nested items are exercised too.
func filled(t testing.TB, k Kind) map[string]any {
	t.Helper()
	m := k.New()
	fill(reflect.ValueOf(m).Elem())
	m.Envelope().Type = k.Type
	m.Envelope().Evidence = []string{"e1"}
	if err := Prepare(m); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Decode(b, "r1", "p")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("s")
	case reflect.Int, reflect.Int64:
		v.SetInt(2)
	case reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0))
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i))
		}
	case reflect.Map:
		mv := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k)
		fill(e)
		mv.SetMapIndex(k, e)
		v.Set(mv)
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fill(v.Field(i))
			if tag := f.Tag.Get("jsonschema"); strings.Contains(tag, "enum=") && v.Field(i).Kind() == reflect.String {
				first := strings.SplitN(strings.SplitN(tag, "enum=", 2)[1], ",", 2)[0]
				v.Field(i).SetString(first)
			}
			// A bounded number takes its maximum: in range, and on the
			// edge the fast check must still accept.
			if tag := f.Tag.Get("jsonschema"); strings.Contains(tag, "maximum=") && v.Field(i).Kind() == reflect.Float64 {
				bound := strings.SplitN(strings.SplitN(tag, "maximum=", 2)[1], ",", 2)[0]
				if x, err := strconv.ParseFloat(bound, 64); err == nil {
					v.Field(i).SetFloat(x)
				}
			}
		}
	}
}

// mutations are the values a broken measurement might hold instead.
var mutations = []any{nil, "x", json.Number("1.5"), json.Number("7"), json.Number("1e400"), true, []any{}, []any{"x"}, map[string]any{},
	map[string]any{"x": "y"}, float64(3), int(4)}

// each calls fn with every copy of v that has one thing changed: a value
// replaced by a mutation, a key removed, a key added, an item added.
func each(v any, fn func(any)) {
	switch x := v.(type) {
	case map[string]any:
		for k := range x {
			for _, mu := range mutations {
				c := cloneMap(x)
				c[k] = mu
				fn(c)
			}
			c := cloneMap(x)
			delete(c, k)
			fn(c)
			each(x[k], func(inner any) {
				c := cloneMap(x)
				c[k] = inner
				fn(c)
			})
		}
		c := cloneMap(x)
		c["unexpected"] = "x"
		fn(c)
	case []any:
		for i := range x {
			each(x[i], func(inner any) {
				c := append([]any(nil), x...)
				c[i] = inner
				fn(c)
			})
		}
		for _, mu := range mutations {
			fn(append(append([]any(nil), x...), mu))
		}
	}
}

func cloneMap(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// The fast check never accepts what the schema rejects: over every kind,
// a filled measurement and every one-change mutation of it, whenever the
// fast check says valid, the general validator agrees. (It may reject
// more; the general validator then decides.)
func TestFastCheckIsSound(t *testing.T) {
	v, err := DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds() {
		c := v.fast[k.Name()]
		if c == nil {
			t.Errorf("%s: the fast check does not compile", k.Name())
			continue
		}
		s := v.kinds[k.Name()]
		base := filled(t, k)
		if !c.valid(base) || s.Validate(base) != nil {
			t.Fatalf("%s: a filled measurement is refused: fast %v, schema %v", k.Name(), c.valid(base), s.Validate(base))
		}
		tried, refused := 0, 0
		each(base, func(m any) {
			tried++
			if !c.valid(m) {
				refused++
				return
			}
			if err := s.Validate(m); err != nil {
				b, _ := json.Marshal(m)
				t.Errorf("%s: the fast check accepts what the schema refuses (%v):\n%s", k.Name(), fieldError(err), b)
			}
		})
		if refused == 0 {
			t.Errorf("%s: %d mutations tried, none refused", k.Name(), tried)
		}
	}
}

// FuzzFastCheck: for any JSON object and kind, the fast check accepts only
// what the schema accepts.
func FuzzFastCheck(f *testing.F) {
	for i, k := range Kinds() {
		b, _ := json.Marshal(filled(f, k))
		f.Add(b, uint8(i))
	}
	f.Add([]byte(`{"type":"price","key":"","evidence":[],"record":"r","persona":"p"}`), uint8(0))
	v, err := DefaultValidator()
	if err != nil {
		f.Fatal(err)
	}
	kinds := Kinds()
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		k := kinds[int(which)%len(kinds)]
		var m any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if dec.Decode(&m) != nil {
			return
		}
		if v.fast[k.Name()].valid(m) {
			if err := v.kinds[k.Name()].Validate(m); err != nil {
				t.Fatalf("%s: fast check accepts what the schema refuses: %v", k.Name(), err)
			}
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	v, _ := DefaultValidator()
	k, _ := Lookup(Pricing, "persona_test")
	m := filled(b, k)
	ps := m["products"].([]any)
	for i := range 1000 {
		ps = append(ps, ps[0])
		_ = i
	}
	m["products"] = ps
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if err := v.Validate(Pricing, m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("schema", func(b *testing.B) {
		for b.Loop() {
			if err := v.kinds[k.Name()].Validate(m); err != nil {
				b.Fatal(fmt.Sprint(err))
			}
		}
	})
}
