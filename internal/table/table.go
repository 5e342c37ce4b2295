// Package table reads the tabular exports `platscan check` is given: CSV
// with a header row, or a JSON array of objects (chosen by the first
// non-space byte), into rows of named cells, with every problem placed at
// file:line: column. An empty cell is a missing value; what a value means
// is the caller's business.
package table

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a problem in an export, with its place.
type Error struct {
	File   string
	Line   int
	Column string
	Msg    string
}

func (e *Error) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Column != "" {
		s += ": " + e.Column
	}
	return s + ": " + e.Msg
}

// Row is one record of an export.
type Row struct {
	// Line is the record's line in a CSV file, or its 1-based index in a
	// JSON array.
	Line  int
	cells map[string]string
	file  string
	json  bool
}

// Get returns the cell of column (trimmed; "" when missing or empty).
func (r Row) Get(column string) string { return r.cells[column] }

// Errorf places a problem with column of r.
func (r Row) Errorf(column, format string, args ...any) error {
	e := &Error{File: r.file, Line: r.Line, Column: column, Msg: fmt.Sprintf(format, args...)}
	if r.json {
		e.Line, e.Column = 0, fmt.Sprintf("[%d].%s", r.Line-1, column)
	}
	return e
}

// Header reads only the column names of data (lower-cased), for telling
// kinds of export apart.
func Header(data []byte) []string { return HeaderFrom(bytes.NewReader(data)) }

// HeaderFrom is Header reading from r only as far as the column names (a
// JSON array's first object): a large export is told apart without being
// read whole. nil when r holds no header.
func HeaderFrom(r io.Reader) []string {
	br := bufio.NewReader(r)
	for {
		b, err := br.Peek(1)
		if err != nil || b[0] >= utf8.RuneSelf || !unicode.IsSpace(rune(b[0])) {
			break
		}
		br.ReadByte() //nolint:errcheck // the byte was just peeked
	}
	if b, err := br.Peek(1); err == nil && b[0] == '[' {
		dec := json.NewDecoder(br)
		var first map[string]any
		if _, err := dec.Token(); err != nil || !dec.More() || dec.Decode(&first) != nil {
			return nil
		}
		var out []string
		for k := range first {
			out = append(out, strings.ToLower(k))
		}
		slices.Sort(out)
		return out
	}
	head, err := csv.NewReader(br).Read()
	if err != nil {
		return nil
	}
	for i, h := range head {
		head[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	return head
}

// Read reads data (named name in errors). Every column must be one of
// known; every one of required must be present.
func Read(name string, data []byte, known, required []string) ([]Row, error) {
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidAt(data)], []byte("\n"))
		return nil, &Error{File: name, Line: line, Msg: "not valid UTF-8 (save the export as UTF-8)"}
	}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		return readJSON(name, data, known, required)
	}
	return readCSV(name, data, known, required)
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func readCSV(name string, data []byte, known, required []string) ([]Row, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, &Error{File: name, Line: 1, Msg: "no header row: " + err.Error()}
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(known, h) {
			return nil, &Error{File: name, Line: 1, Column: h, Msg: "unknown column (known: " + strings.Join(known, ", ") + ")"}
		}
		if _, dup := col[h]; dup {
			return nil, &Error{File: name, Line: 1, Column: h, Msg: "column given twice"}
		}
		col[h] = i
	}
	for _, req := range required {
		if _, ok := col[req]; !ok {
			return nil, &Error{File: name, Line: 1, Column: req, Msg: "required column missing"}
		}
	}
	var rows []Row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, &Error{File: name, Line: line, Msg: err.Error()}
		}
		if len(rec) > len(head) {
			return nil, &Error{File: name, Line: line, Msg: fmt.Sprintf("%d fields, but the header names %d", len(rec), len(head))}
		}
		row := Row{Line: line, cells: map[string]string{}, file: name}
		for h, i := range col {
			if i < len(rec) {
				row.cells[h] = strings.TrimSpace(rec[i])
			}
		}
		rows = append(rows, row)
	}
}

func readJSON(name string, data []byte, known, required []string) ([]Row, error) {
	var objs []map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&objs); err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	rows := make([]Row, 0, len(objs))
	for i, o := range objs {
		row := Row{Line: i + 1, cells: map[string]string{}, file: name, json: true}
		for k, v := range o {
			if !slices.Contains(known, k) {
				return nil, row.Errorf(k, "unknown key (known: %s)", strings.Join(known, ", "))
			}
			switch v := v.(type) {
			case nil:
			case string:
				row.cells[k] = strings.TrimSpace(v)
			case bool, json.Number:
				row.cells[k] = fmt.Sprint(v)
			default:
				return nil, row.Errorf(k, "must be a string, number or boolean")
			}
		}
		for _, req := range required {
			if _, ok := o[req]; !ok {
				return nil, row.Errorf(req, "required key missing")
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}
