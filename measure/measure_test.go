package measure

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/platscan/platscan/internal/golden"
)

func TestSchemaGolden(t *testing.T) {
	b, err := Schema(".")
	if err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "../docs/input.schema.json", append(b, '\n'))
	md, err := Markdown(b)
	if err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "../docs/input.md", []byte(md))
	for _, k := range Kinds() {
		if !strings.Contains(md, "### `"+k.Type+"`: "+k.Doc) {
			t.Errorf("docs/input.md lacks %s", k.Name())
		}
	}
}

// Every registered kind, prepared from its zero value with evidence,
// validates: the schema and the types agree, and Prepare leaves no null
// list behind.
func TestEveryKindValidates(t *testing.T) {
	v, err := DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds() {
		t.Run(k.Name(), func(t *testing.T) {
			m := valid(k)
			if err := Prepare(m); err != nil {
				t.Fatal(err)
			}
			doc := generic(t, m)
			if bytes.Contains(mustJSON(t, m), []byte("null")) && !nullable(k) {
				t.Errorf("%s encodes a null: %s", k.Name(), mustJSON(t, m))
			}
			if err := v.Validate(k.Family, doc); err != nil {
				t.Errorf("zero %s does not validate: %v", k.Name(), err)
			}
		})
	}
}

// valid returns the zero measurement of k with the fields that must be
// set (evidence, a fetch outcome) set.
func valid(k Kind) Measurement {
	m := k.New()
	m.Envelope().Evidence = []string{"r1"}
	if r, ok := any(m).(interface{ response() *Response }); ok {
		r.response().Fetch = Answered
	}
	switch x := m.(type) {
	case *Treatment:
		x.TargetKind = "control"
	case *Document:
		x.Role = "rules"
	case *Clause:
		x.Side, x.Level, x.Source = "merchant", 2, "model"
	}
	return m
}

// nullable reports whether k has a field the schema lets be null (its
// zero value encodes as null legitimately).
func nullable(k Kind) bool {
	switch k.Name() {
	case "terms.rule_change":
		return true
	}
	return false
}

func generic(t *testing.T, m Measurement) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(mustJSON(t, m)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	doc["record"], doc["persona"] = "rec", ""
	return doc
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPrepare(t *testing.T) {
	t.Run("nil lists become empty", func(t *testing.T) {
		c := &Checkout{Base: Base{Type: "checkout", Evidence: []string{"x"}}, Payments: []string{"wallet"}}
		if err := Prepare(c); err != nil {
			t.Fatal(err)
		}
		if c.Deliveries == nil || c.FirstParty == nil {
			t.Fatalf("nil slices left: %+v", c)
		}
		if got := string(mustJSON(t, c)); !strings.Contains(got, `"deliveries":[]`) {
			t.Errorf("deliveries not an empty list: %s", got)
		}
	})
	t.Run("nested nil lists become empty", func(t *testing.T) {
		p := &PersonaTest{Base: Base{Type: "persona_test", Evidence: []string{"x"}}, Products: []ProductEffect{{Product: "/p/1"}}}
		if err := Prepare(p); err != nil {
			t.Fatal(err)
		}
		if p.AboveFloor == nil {
			t.Error("above_floor left nil")
		}
	})
	cases := []struct {
		name string
		m    Measurement
		want string
	}{
		{"no evidence", &Document{Base: Base{Type: "document"}}, "no evidence"},
		{"empty evidence id", &Document{Base: Base{Type: "document", Evidence: []string{""}}}, "evidence[0] is empty"},
		{"NaN", &Price{Base: Base{Type: "price", Evidence: []string{"x"}}, Price: math.NaN()}, "terms.price"},
		{"infinite nested", &PersonaTest{Base: Base{Type: "persona_test", Evidence: []string{"x"}}, Products: []ProductEffect{{CILow: math.Inf(-1)}}}, "products[0].ci_low"},
		{"unregistered type", &Document{Base: Base{Type: "documnet", Evidence: []string{"x"}}}, "no kind terms.documnet"},
		{"wrong Go type for kind", &NoiseFloor{Base: Base{Type: "persona_test", Evidence: []string{"x"}}}, "held by"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Prepare(c.m)
			if err == nil {
				t.Fatalf("Prepare accepted it")
			}
			if c.name == "NaN" {
				c.want = "pricing.price.price"
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func TestValidateNamesTheField(t *testing.T) {
	v, err := DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	ok := func() map[string]any {
		m := &Checkout{Base: Base{Type: "checkout", Evidence: []string{"x"}}, Response: Response{Fetch: Answered}}
		if err := Prepare(m); err != nil {
			t.Fatal(err)
		}
		return generic(t, m)
	}
	cases := []struct {
		name   string
		edit   func(map[string]any)
		family string
		want   string
	}{
		{"null list", func(m map[string]any) { m["deliveries"] = nil }, Interop, "deliveries"},
		{"missing field", func(m map[string]any) { delete(m, "status") }, Interop, "status"},
		{"extra field", func(m map[string]any) { m["detial"] = "x" }, Interop, "detial"},
		{"wrong type", func(m map[string]any) { m["status"] = "200" }, Interop, "status"},
		{"empty evidence", func(m map[string]any) { m["evidence"] = []any{} }, Interop, "evidence"},
		{"unknown kind", func(m map[string]any) { m["type"] = "chekout" }, Interop, "chekout"},
		{"wrong family", func(m map[string]any) {}, Terms, "not a kind of terms"},
		{"unknown block", func(m map[string]any) { m["blocked"] = "paywall" }, Interop, "blocked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := ok()
			c.edit(m)
			err := v.Validate(c.family, m)
			if err == nil {
				t.Fatal("validated")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name %q", err, c.want)
			}
		})
	}
	if err := v.Validate(Interop, ok()); err != nil {
		t.Errorf("valid checkout refused: %v", err)
	}
}

// A page measurement recorded before block pages were told apart has no
// blocked field; it reads as not blocked.
func TestDecodeOlderPageMeasurement(t *testing.T) {
	v, err := DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	m := &Checkout{Base: Base{Type: "checkout", Evidence: []string{"x"}}, Response: Response{Fetch: Answered, Status: 200}}
	if err := Prepare(m); err != nil {
		t.Fatal(err)
	}
	old := generic(t, m)
	delete(old, "blocked")
	delete(old, "record")
	delete(old, "persona")
	data, _ := json.Marshal(old)
	doc, err := Decode(data, "r1", "")
	if err != nil {
		t.Fatal(err)
	}
	if doc["blocked"] != "" {
		t.Errorf("blocked = %v", doc["blocked"])
	}
	if err := v.Validate(Interop, doc); err != nil {
		t.Errorf("older measurement refused: %v", err)
	}
}

func TestKindsAreDistinctAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		if seen[k.Name()] {
			t.Errorf("%s registered twice", k.Name())
		}
		seen[k.Name()] = true
		if k.Doc == "" {
			t.Errorf("%s has no Doc", k.Name())
		}
		if got := k.New().Family(); got != k.Family {
			t.Errorf("%s: Go type says family %s", k.Name(), got)
		}
		if typeOf(k).Kind().String() != "struct" {
			t.Errorf("%s: not a struct", k.Name())
		}
	}
}
