package profile

import (
	"fmt"
	"strconv"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Field says what a string in a profile is, so a Scrubber can decide
// whether it is a secret.
type Field int

// The kinds of profile strings a Scrubber is shown.
const (
	// FieldText is any string not listed below (names, paths, URLs).
	FieldText Field = iota
	// FieldHeader is the value of a persona's request header; the name
	// is the header's.
	FieldHeader
	// FieldCookie is the value of a persona's cookie.
	FieldCookie
	// FieldLogin is a value of a persona's login form; the name is the
	// form field's.
	FieldLogin
	// FieldLiteral is an entry of redact.literals: personal data itself.
	FieldLiteral
	// FieldPattern is an entry of redact.patterns: a rule, not data.
	FieldPattern
)

// A Scrubber returns what a profile string becomes when the profile is
// stored; name is the header, cookie or form field it belongs to, if any.
type Scrubber func(f Field, name, value string) string

// Redacted returns the profile's source with every string passed through
// scrub, keeping comments and layout, and checks that the result still
// loads as a profile (a stored run is re-judged from it). Mapping keys
// are kept: they name fields and headers, not secrets. Changed strings
// are written double-quoted, so a replacement such as "[REDACTED]" stays
// a string.
func (p *Profile) Redacted(scrub Scrubber) ([]byte, error) {
	f, err := parser.ParseBytes(p.Raw, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("redact profile %s: %w", p.Source, err)
	}
	changed := false
	for _, d := range f.Docs {
		if d.Body != nil {
			d.Body = walk(d.Body, nil, scrub, &changed)
		}
	}
	if !changed {
		return p.Raw, nil
	}
	out := []byte(f.String())
	if len(out) == 0 || out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	if _, err := Parse(p.Source+" (redacted)", out); err != nil {
		return nil, fmt.Errorf("redact profile %s: the redacted profile no longer loads: %w", p.Source, err)
	}
	return out, nil
}

// walk visits n, whose position in the document is path (mapping keys;
// sequence entries add ""), and returns n or its replacement.
func walk(n ast.Node, path []string, scrub Scrubber, changed *bool) ast.Node {
	switch t := n.(type) {
	case *ast.MappingNode:
		for _, v := range t.Values {
			walk(v, path, scrub, changed)
		}
	case *ast.MappingValueNode:
		key := ""
		if k, ok := t.Key.(ast.ScalarNode); ok {
			key = fmt.Sprint(k.GetValue())
		}
		if t.Value != nil {
			t.Value = walk(t.Value, append(path[:len(path):len(path)], key), scrub, changed)
		}
	case *ast.SequenceNode:
		for i, v := range t.Values {
			t.Values[i] = walk(v, append(path[:len(path):len(path)], ""), scrub, changed)
		}
	case *ast.AnchorNode:
		t.Value = walk(t.Value, path, scrub, changed)
	case *ast.TagNode:
		t.Value = walk(t.Value, path, scrub, changed)
	case ast.ScalarNode:
		if _, isNull := t.(*ast.NullNode); isNull {
			return n
		}
		value := fmt.Sprint(t.GetValue())
		if s, ok := t.(*ast.StringNode); ok {
			value = s.Value
		}
		field, name := classify(path)
		got := scrub(field, name, value)
		if got == value {
			return n
		}
		*changed = true
		old := n.GetToken()
		tk := token.New(got, strconv.Quote(got), old.Position)
		tk.Type = token.DoubleQuoteType
		s := ast.String(tk)
		s.Value = got
		if c := n.GetComment(); c != nil {
			s.SetComment(c) //nolint:errcheck // a comment group is always accepted
		}
		return s
	}
	return n
}

// classify names the kind of string at path, for example
// personas.[].login.form.password.
func classify(path []string) (Field, string) {
	at := func(i int, s string) bool { return len(path) > i && path[i] == s }
	switch {
	case at(0, "personas") && at(2, "headers") && len(path) == 4:
		return FieldHeader, path[3]
	case at(0, "personas") && at(2, "cookies") && len(path) == 4:
		return FieldCookie, path[3]
	case at(0, "personas") && at(2, "login") && at(3, "form") && len(path) == 5:
		return FieldLogin, path[4]
	case at(0, "redact") && at(1, "literals"):
		return FieldLiteral, ""
	case at(0, "redact") && at(1, "patterns"):
		return FieldPattern, ""
	}
	return FieldText, ""
}
