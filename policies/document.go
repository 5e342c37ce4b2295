package policies

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/measure"
)

// Document is a policy input document assembled one measurement at a
// time: each measurement is checked against the input schema as it is
// added and kept only in the form the policies read (OPA's), so a large
// run is held once, not as records, then maps, then values. Short strings
// that recur (types, personas, products, currencies) are held once.
type Document struct {
	head   Input
	fams   map[string][]*ast.Term
	family map[string]string // measurement record -> family
	size   int
	short  map[string]*ast.Term   // recurring keys and values, held once (convert)
	shorts []map[string]*ast.Term // the same, one per AddRaw worker (no locking)
}

// NewDocument starts a document with head's header (its measurements are
// not used). Every family is present, empty until measurements are added.
func NewDocument(head Input) *Document {
	head.Measurements = nil
	// No null where the schema has a list: a policy counting brands
	// must not fail on a header built without them.
	for _, l := range []*[]string{&head.Platform.Jurisdictions, &head.Platform.Designations, &head.Run.Probes, &head.Personas,
		&head.FirstParty.Brands, &head.FirstParty.Sellers, &head.Competitors} {
		if *l == nil {
			*l = []string{}
		}
	}
	d := &Document{head: head, fams: map[string][]*ast.Term{}, family: map[string]string{}, short: map[string]*ast.Term{}}
	for _, f := range measure.Families() {
		d.fams[f] = []*ast.Term{}
	}
	return d
}

// Add checks m, one measurement of family in its input form (its record's
// data plus "record" and "persona", decoded with exact numbers), against
// the input schema and adds it. The error names the record and the field.
// m is not kept.
func (d *Document) Add(family string, m map[string]any) error {
	t, err := prepare(family, m, len(d.fams[family]), d.short)
	if err != nil {
		return err
	}
	d.append(family, m["record"], t)
	return nil
}

// Raw is a stored measurement: its family, its record's id and persona,
// and its record's data (JSON).
type Raw struct {
	Family, Record, Persona string
	Data                    []byte
}

// AddRaw decodes each measurement of batch (as measure.Decode does),
// checks it and adds it, in batch order; the first error in batch order is
// returned and nothing after it is added. Decoding, checking and
// converting are done in parallel: they are most of the cost of judging a
// large run.
func (d *Document) AddRaw(batch []Raw) error {
	terms := make([]*ast.Term, len(batch))
	errs := make([]error, len(batch))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(batch)/64))
	for len(d.shorts) < workers {
		d.shorts = append(d.shorts, map[string]*ast.Term{})
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			short := d.shorts[w]
			for i := w; i < len(batch); i += workers {
				r := batch[i]
				m, err := measure.Decode(r.Data, r.Record, r.Persona)
				if err != nil {
					errs[i] = fault.Input(fmt.Errorf("measurement %s (%s): %w", r.Record, r.Family, err))
					continue
				}
				terms[i], errs[i] = prepare(r.Family, m, -1, short)
			}
		}()
	}
	wg.Wait()
	for i, r := range batch {
		if errs[i] != nil {
			return errs[i]
		}
		d.append(r.Family, r.Record, terms[i])
	}
	return nil
}

// prepare checks m against the input schema and converts it. at is its
// position in its family, for the error when it has no record id (-1:
// unknown).
func prepare(family string, m map[string]any, at int, short map[string]*ast.Term) (*ast.Term, error) {
	if !slices.Contains(measure.Families(), family) {
		return nil, fault.Inputf("policy input: family %q is not one platscan measures", family)
	}
	v, err := measure.DefaultValidator()
	if err != nil {
		return nil, err
	}
	rec, _ := m["record"].(string)
	if err := v.Validate(family, m); err != nil {
		if rec == "" {
			rec = fmt.Sprintf("#%d", at)
		}
		return nil, fault.Input(fmt.Errorf("policy input: measurement %s (%s): %w", rec, family, err))
	}
	val, err := convert(m, short)
	if err != nil {
		return nil, fmt.Errorf("policy input: measurement %s (%s): %w", rec, family, err)
	}
	return ast.NewTerm(val), nil
}

func (d *Document) append(family string, record any, t *ast.Term) {
	d.fams[family] = append(d.fams[family], t)
	if rec, _ := record.(string); rec != "" {
		d.family[strings.Clone(rec)] = family
	}
	d.size++
}

// SetProbes sets the families whose probes ran (run.probes).
func (d *Document) SetProbes(probes []string) { d.head.Run.Probes = probes }

// Len is the number of measurements added.
func (d *Document) Len() int { return d.size }

// Platform is the judged platform.
func (d *Document) Platform() Platform { return d.head.Platform }

// value is the whole document as OPA's input value.
func (d *Document) value() (ast.Value, error) {
	doc, err := headerMap(d.head)
	if err != nil {
		return nil, fmt.Errorf("policy input: %w", err)
	}
	hv, err := ast.InterfaceToValue(doc)
	if err != nil {
		return nil, fmt.Errorf("policy input: %w", err)
	}
	obj := hv.(ast.Object)
	fams := make([][2]*ast.Term, 0, len(d.fams))
	for _, f := range measure.Families() {
		fams = append(fams, [2]*ast.Term{ast.StringTerm(f), ast.ArrayTerm(d.fams[f]...)})
	}
	obj.Insert(ast.StringTerm("measurements"), ast.ObjectTerm(fams...))
	return obj, nil
}

// headerMap is the document's header as generic JSON.
func headerMap(head Input) (map[string]any, error) {
	head.Measurements = nil
	b, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	delete(doc, "measurements")
	return doc, nil
}

// WriteJSON writes the document as the JSON input document policies see
// (docs/input.md), for inspection or for judging the same input with
// another Rego engine.
func (d *Document) WriteJSON(w io.Writer) error {
	v, err := d.value()
	if err != nil {
		return err
	}
	x, err := ast.JSON(v)
	if err != nil {
		return fmt.Errorf("policy input: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(x)
}

// convert turns one decoded JSON value (as measure.Decode gives: strings,
// json.Number, bools, nil, []any, map[string]any) into OPA's form. A
// scan's input is tens of thousands of small objects whose keys and most
// values recur (types, personas, products, currencies, round numbers):
// those terms are made once and shared (terms are never changed once
// made; OPA shares its own interned terms the same way), which is most of
// the input's memory. A string or number met once keeps sharing the
// decoder's buffer: the measurement's own text, the most compact form.
func convert(x any, short map[string]*ast.Term) (ast.Value, error) {
	t, err := convertTerm(x, short)
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

func convertTerm(x any, short map[string]*ast.Term) (*ast.Term, error) {
	switch v := x.(type) {
	case string:
		if len(v) > 64 {
			return ast.StringTerm(v), nil
		}
		return shared(short, v, func(c string) ast.Value { return ast.String(c) }), nil
	case json.Number:
		if len(v) > 24 {
			return ast.NumberTerm(v), nil
		}
		// "#" keeps a number apart from a string of the same text.
		return shared(short, "#"+string(v), func(c string) ast.Value { return ast.Number(c[1:]) }), nil
	case bool:
		return ast.InternedTerm(v), nil
	case nil:
		return ast.NullTerm(), nil
	case []any:
		terms := make([]*ast.Term, len(v))
		for i, e := range v {
			t, err := convertTerm(e, short)
			if err != nil {
				return nil, err
			}
			terms[i] = t
		}
		return ast.ArrayTerm(terms...), nil
	case map[string]any:
		kvs := make([][2]*ast.Term, 0, len(v))
		for k, e := range v {
			val, err := convertTerm(e, short)
			if err != nil {
				return nil, err
			}
			kvs = append(kvs, [2]*ast.Term{shared(short, k, func(c string) ast.Value { return ast.String(c) }), val})
		}
		return ast.ObjectTerm(kvs...), nil
	}
	val, err := ast.InterfaceToValue(x)
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(val), nil
}

// shared returns the term for key, making it with mk (from a copy of key,
// so that it does not hold the decoder's buffer) the first time.
func shared(short map[string]*ast.Term, key string, mk func(string) ast.Value) *ast.Term {
	if t, ok := short[key]; ok {
		return t
	}
	if len(short) >= 1<<16 {
		return ast.NewTerm(mk(key))
	}
	c := strings.Clone(key)
	t := ast.NewTerm(mk(c))
	short[c] = t
	return t
}
