package ranking

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// Import reads a ranking export: CSV with a header row, or a JSON array of
// objects with the same keys (chosen by the first non-space byte).
func Import(name string, data []byte) ([]Row, error) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		return importJSON(name, data)
	}
	return importCSV(name, data)
}

func importCSV(name string, data []byte) ([]Row, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, &ImportError{File: name, Line: 1, Msg: "no header row: " + err.Error()}
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !contains(Columns, h) {
			return nil, &ImportError{File: name, Line: 1, Column: h, Msg: fmt.Sprintf("unknown column (known: %s)", strings.Join(Columns, ", "))}
		}
		col[h] = i
	}
	for _, req := range Columns[:5] {
		if _, ok := col[req]; !ok {
			return nil, &ImportError{File: name, Line: 1, Column: req, Msg: "required column missing"}
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
			return nil, &ImportError{File: name, Line: line, Msg: err.Error()}
		}
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
			return nil, err
		}
		rows = append(rows, row)
	}
}

func importJSON(name string, data []byte) ([]Row, error) {
	var objs []map[string]any
	if err := json.Unmarshal(data, &objs); err != nil {
		return nil, &ImportError{File: name, Msg: err.Error()}
	}
	rows := make([]Row, 0, len(objs))
	for i, o := range objs {
		for k := range o {
			if !contains(Columns, k) {
				return nil, &ImportError{File: name, Column: fmt.Sprintf("[%d].%s", i, k), Msg: "unknown key"}
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
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
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
	if r.Price, err = strconv.ParseFloat(get("price"), 64); err != nil || r.Price < 0 {
		return r, bad("price", fmt.Sprintf("%q is not a price", get("price")))
	}
	num := func(k string, dst *float64) error {
		if v := get(k); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return bad(k, fmt.Sprintf("%q is not a number", v))
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
