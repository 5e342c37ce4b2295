package ranking

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ImportError is a problem in an imported ranking export, with its place.
type ImportError struct {
	File   string
	Line   int
	Column string
	Msg    string
}

func (e *ImportError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Column != "" {
		s += ": " + e.Column
	}
	return s + ": " + e.Msg
}

// Columns of a ranking export (docs/method-ranking.md). The first five are
// required.
var Columns = []string{"query", "position", "item", "first_party", "price", "seller", "brand", "shipping", "rating", "reviews", "sponsored", "ad_label", "self_label"}

// Import reads a whole ranking export held in memory (see Each).
func Import(name string, data []byte) ([]Row, error) {
	var rows []Row
	err := Each(name, bytes.NewReader(data), func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// Each reads a ranking export from r, one row at a time, and calls fn
// with each: CSV with a header row, or a JSON array of objects with the
// same keys (chosen by the first non-space byte). Memory does not grow
// with the export. It stops at the first bad row (an *ImportError naming
// the file and line or element) or the first error fn returns.
func Each(name string, r io.Reader, fn func(Row) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		b, err := br.Peek(1)
		if err != nil || !isSpace(b[0]) {
			break
		}
		br.ReadByte() //nolint:errcheck // the byte was just peeked
	}
	if b, err := br.Peek(1); err == nil && b[0] == '[' {
		return eachJSON(name, br, fn)
	}
	return eachCSV(name, br, fn)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func eachCSV(name string, in io.Reader, fn func(Row) error) error {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return &ImportError{File: name, Line: 1, Msg: "no header row: " + err.Error()}
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !contains(Columns, h) {
			return &ImportError{File: name, Line: 1, Column: h, Msg: fmt.Sprintf("unknown column (known: %s)", strings.Join(Columns, ", "))}
		}
		col[h] = i
	}
	for _, req := range Columns[:5] {
		if _, ok := col[req]; !ok {
			return &ImportError{File: name, Line: 1, Column: req, Msg: "required column missing"}
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			// A record that does not parse has no fields to point at: the
			// reader's own error carries the line.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line, err = pe.StartLine, pe.Err
			}
			return &ImportError{File: name, Line: line, Msg: err.Error()}
		}
		line, _ := r.FieldPos(0)
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row, err := parseRow(get)
		if err != nil {
			var ie *ImportError
			if errors.As(err, &ie) {
				ie.File, ie.Line = name, line
			}
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

func eachJSON(name string, in io.Reader, fn func(Row) error) error {
	dec := json.NewDecoder(in)
	bad := func(err error) error { return &ImportError{File: name, Msg: err.Error()} }
	if _, err := dec.Token(); err != nil { // the opening [
		return bad(err)
	}
	for i := 0; dec.More(); i++ {
		var o map[string]any
		if err := dec.Decode(&o); err != nil {
			return &ImportError{File: name, Column: fmt.Sprintf("[%d]", i), Msg: err.Error()}
		}
		for k := range o {
			if !contains(Columns, k) {
				return &ImportError{File: name, Column: fmt.Sprintf("[%d].%s", i, k), Msg: "unknown key"}
			}
		}
		get := func(k string) string {
			switch v := o[k].(type) {
			case nil:
				return ""
			case string:
				return v
			default:
				return fmt.Sprint(v)
			}
		}
		row, err := parseRow(get)
		if err != nil {
			var ie *ImportError
			if errors.As(err, &ie) {
				ie.File, ie.Column = name, fmt.Sprintf("[%d].%s", i, ie.Column)
			}
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ]
		return bad(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad(errors.New("data after the closing ]"))
	}
	return nil
}

func parseRow(get func(string) string) (Row, error) {
	bad := func(col, msg string) error { return &ImportError{Column: col, Msg: msg} }
	r := Row{Query: get("query"), Item: get("item"), Seller: get("seller"), Brand: get("brand"), AdLabel: true, SelfLabel: true}
	if r.Query == "" {
		return r, bad("query", "empty")
	}
	if r.Item == "" {
		return r, bad("item", "empty")
	}
	var err error
	if r.Position, err = strconv.Atoi(get("position")); err != nil || r.Position < 1 {
		return r, bad("position", fmt.Sprintf("%q is not a position (1, 2, ...)", get("position")))
	}
	if r.Price, err = strconv.ParseFloat(get("price"), 64); err != nil || !(r.Price >= 0) || math.IsInf(r.Price, 0) {
		return r, bad("price", fmt.Sprintf("%q is not a price", get("price")))
	}
	num := func(k string, dst *float64) error {
		if v := get(k); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			// NaN fails the comparison; counts beyond 1e15 are not counts.
			if err != nil || !(f >= 0 && f < 1e15) {
				return bad(k, fmt.Sprintf("%q is not a non-negative number", v))
			}
			*dst = f
		}
		return nil
	}
	if err := num("shipping", &r.Shipping); err != nil {
		return r, err
	}
	if err := num("rating", &r.Rating); err != nil {
		return r, err
	}
	var reviews float64
	if err := num("reviews", &reviews); err != nil {
		return r, err
	}
	r.Reviews = int(reviews)
	flag := func(k string, dst *bool) error {
		switch strings.ToLower(get(k)) {
		case "":
		case "1", "true", "yes", "y", "t":
			*dst = true
		case "0", "false", "no", "n", "f":
			*dst = false
		default:
			return bad(k, fmt.Sprintf("%q is not true or false", get(k)))
		}
		return nil
	}
	for _, f := range []struct {
		k string
		d *bool
	}{{"first_party", &r.FirstParty}, {"sponsored", &r.Sponsored}, {"ad_label", &r.AdLabel}, {"self_label", &r.SelfLabel}} {
		if err := flag(f.k, f.d); err != nil {
			return r, err
		}
	}
	if get("first_party") == "" {
		return r, bad("first_party", "empty")
	}
	return r, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
