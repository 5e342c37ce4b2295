package measure

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Markdown renders docs/input.md from the schema (as Schema returns it,
// with the Go comments as descriptions) and the Go types: one table of
// fields a kind of measurement, in the order the types declare them. The
// prose around the tables is here too, so the whole page is generated and
// checked, and cannot drift from the code.
func Markdown(schema []byte) (string, error) {
	var doc struct {
		Defs       map[string]node `json:"$defs"`
		Properties map[string]node `json:"properties"`
	}
	if err := json.Unmarshal(schema, &doc); err != nil {
		return "", fmt.Errorf("input schema: %w", err)
	}
	var b strings.Builder
	b.WriteString(docIntro)
	b.WriteString("\n## The document\n\n")
	writeTable(&b, reflect.TypeOf(Input{}), doc.Properties, nil)
	for _, name := range []string{"platform", "run", "first_party"} {
		p := doc.Properties[name]
		fmt.Fprintf(&b, "\n### `%s`\n\n", name)
		t, _ := reflect.TypeOf(Input{}).FieldByNameFunc(func(f string) bool {
			ft, _ := reflect.TypeOf(Input{}).FieldByName(f)
			return jsonName(ft) == name
		})
		writeTable(&b, t.Type, p.Properties, nil)
	}
	d := doc.Properties["platform"].Properties["designated"]
	if d.Items != nil {
		b.WriteString("\n### `platform.designated[]`\n\n")
		writeTable(&b, reflect.TypeOf(Designation{}), d.Items.Properties, nil)
	}
	for _, fam := range Families() {
		fmt.Fprintf(&b, "\n## %s\n", fam)
		for _, k := range Kinds() {
			if k.Family != fam {
				continue
			}
			def := doc.Defs[k.Name()]
			fmt.Fprintf(&b, "\n### `%s`: %s\n\n", k.Type, k.Doc)
			writeTable(&b, typeOf(k), def.Properties, []string{"record", "persona"})
			for _, sub := range nested(typeOf(k)) {
				if p, ok := findProps(def, sub.path); ok {
					fmt.Fprintf(&b, "\n`%s` holds:\n\n", sub.path)
					writeTable(&b, sub.t, p, nil)
				}
			}
		}
	}
	return b.String(), nil
}

// node is the part of a JSON Schema the page needs.
type node struct {
	Type        any             `json:"type"`
	Const       any             `json:"const"`
	Enum        []any           `json:"enum"`
	Description string          `json:"description"`
	Items       *node           `json:"items"`
	AnyOf       []node          `json:"anyOf"`
	Properties  map[string]node `json:"properties"`
	Additional  any             `json:"additionalProperties"`
}

func (n node) kind() string {
	switch {
	case n.Const != nil:
		return fmt.Sprintf("`%v`", n.Const)
	case len(n.AnyOf) > 0:
		var alts []string
		for _, a := range n.AnyOf {
			alts = append(alts, a.kind())
		}
		return strings.Join(alts, " or ")
	case n.Items != nil:
		return "list of " + n.Items.kind()
	case len(n.Enum) > 0:
		var vs []string
		for _, v := range n.Enum {
			vs = append(vs, fmt.Sprint(v))
		}
		return "one of " + strings.Join(vs, ", ")
	}
	switch t := n.Type.(type) {
	case string:
		if t == "object" && len(n.Properties) == 0 {
			return "object (string values)"
		}
		return t
	}
	return "any"
}

func (n node) describe() string {
	d := n.Description
	for _, a := range n.AnyOf {
		if d == "" {
			d = a.Description
		}
	}
	return strings.Join(strings.Fields(d), " ")
}

// writeTable writes the fields of struct t (embedded structs flattened,
// in declaration order), then extra schema-only fields.
func writeTable(b *strings.Builder, t reflect.Type, props map[string]node, extra []string) {
	b.WriteString("| field | type | meaning |\n|---|---|---|\n")
	seen := map[string]bool{}
	for _, name := range fieldNames(t) {
		p, ok := props[name]
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", name, p.kind(), p.describe())
	}
	for _, name := range extra {
		if p, ok := props[name]; ok && !seen[name] {
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", name, p.kind(), p.describe())
		}
	}
}

func fieldNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, fieldNames(f.Type)...)
			continue
		}
		out = append(out, jsonName(f))
	}
	return out
}

// sub is a struct nested in a measurement (a list element or an object).
type sub struct {
	path string
	t    reflect.Type
}

func nested(t reflect.Type) []sub {
	var out []sub
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, nested(f.Type)...)
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			out = append(out, sub{path: jsonName(f), t: ft})
		}
	}
	return out
}

func findProps(def node, name string) (map[string]node, bool) {
	p, ok := def.Properties[name]
	if !ok {
		return nil, false
	}
	for p.Items != nil || len(p.AnyOf) > 0 {
		if p.Items != nil {
			p = *p.Items
			continue
		}
		p = p.AnyOf[0]
	}
	return p.Properties, len(p.Properties) > 0
}

const docIntro = `# Policy input document

<!-- Generated from the measurement types in measure/ by ` + "`go test ./measure -update`" + `; do not edit. -->

Every policy sees one JSON document as ` + "`input`" + `. It is built by one builder
(` + "`scan.BuildInput`" + `) for ` + "`scan`, `eval`, `eval --previous` and `check`" + ` alike, from the
measurement records of a run; ` + "`platscan eval`" + ` rebuilds it from stored records, so it never
depends on the network.

The contract is checked three ways. Its JSON Schema, ` + "[input.schema.json](input.schema.json)" + `, is
generated from the Go types of package ` + "`measure`" + ` (the only place a measurement's shape is
written). Every measurement is validated against it when a probe records it and again before
evaluation; a measurement that does not validate stops the evaluation with an input error naming
its record and field. And every policy, the user's included, is type-checked against it when it
compiles: a reference to a field no measurement has is a compile error with its file and line.

Fields a policy reads are never left out: "could not say" is written explicitly (an empty string
or list, ` + "`fetch`" + ` other than ` + "`answered`" + `, or ` + "`null`" + ` where a field says so). Every
family is present, as an empty list when its probe did not run. platscan adds two keys to each
measurement: ` + "`record`" + ` (its own record id) and ` + "`persona`" + ` (the persona it was measured as, unless
the measurement has its own). Every measurement has ` + "`evidence`" + `, the ids of the records it was
computed from, never empty, so a finding can cite ` + "`array.concat([m.record], m.evidence)`" + `.

A page that was not requested (robots.txt, the address guard, the request budget, a target that
stopped answering) or not answered (refused, timed out), or answered with nothing that can be
read as the page (a body cut short or in an unreadable encoding, a redirect loop), has ` + "`fetch`" + `
` + "`not_sent`" + ` or ` + "`failed`" + `; policies treat it, and an
answer that says nothing about the page (5xx, 429), as unknown, never as evidence of a breach
(` + "`data.platscan.lib.answered`" + `). docs/policies.md says how policies state what they checked.
`
