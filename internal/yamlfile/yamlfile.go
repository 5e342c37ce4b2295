// Package yamlfile decodes user-supplied YAML (or JSON) files strictly and
// turns every problem into one error line of the form file:line:col: msg.
package yamlfile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Error is a problem in a user file, with its position when known.
type Error struct {
	File   string
	Line   int // 1-based; 0 when unknown
	Column int
	Field  string // dotted path of the offending field, when known
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Doc is a parsed YAML document that can locate fields by path, so that
// validation done after decoding still reports a line.
type Doc struct {
	file string
	ast  *ast.File
}

// Decode parses data (named file in errors) and decodes it into v,
// rejecting unknown fields, duplicate keys and type mismatches.
func Decode(file string, data []byte, v any) (doc *Doc, err error) {
	// The decoder panics on some malformed input (a custom tag on a
	// scalar where a list is expected, found by FuzzParseProfile): a bad
	// file must be an error line, never a crash.
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, &Error{File: file, Msg: fmt.Sprintf("cannot be read as YAML (the decoder failed: %v)", r)}
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, convert(file, err)
	}
	if err := yaml.UnmarshalWithOptions(data, v, yaml.Strict()); err != nil {
		return nil, convert(file, err)
	}
	return &Doc{file: file, ast: f}, nil
}

// Errorf returns an *Error for the field at path, a YAML path such as
// "$.platform.base_url" or "$.personas[2].id". The line is that of the
// field's value, or 0 when the field is absent.
func (d *Doc) Errorf(path, format string, args ...any) *Error {
	e := &Error{File: d.file, Field: fieldName(path), Msg: fmt.Sprintf(format, args...)}
	if p, err := yaml.PathString(path); err == nil && d.ast != nil {
		if n, err := p.FilterFile(d.ast); err == nil && n != nil {
			if tk := n.GetToken(); tk != nil {
				e.Line, e.Column = tk.Position.Line, tk.Position.Column
			}
		}
	}
	return e
}

// Line returns the line of the field at path, or 0 when it is absent.
func (d *Doc) Line(path string) int {
	return d.Errorf(path, "").Line
}

func fieldName(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, "$"), ".")
}

func convert(file string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		e := &Error{File: file, Msg: firstLine(ye.GetMessage())}
		if tk := ye.GetToken(); tk != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
		var te *yaml.TypeError
		if errors.As(err, &te) && te.StructFieldName != nil {
			e.Field = *te.StructFieldName
		}
		return e
	}
	return &Error{File: file, Msg: firstLine(err.Error())}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
