package ranking

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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

// Columns of a ranking export (docs/method-ranking.md). The first four
// are required; the others may be absent, and an empty cell is a value
// not known.
var Columns = []string{"query", "position", "item", "first_party", "price", "seller", "brand", "shipping", "rating", "reviews", "sponsored", "ad_label", "self_label"}

// required are the columns every row must fill.
var required = Columns[:4]

// RatingScale is the largest rating an export may hold: ratings are
// stars out of five, as the platforms that publish them show them.
const RatingScale = 5

// Import reads a ranking export: CSV with a header row, or a JSON array of
// objects with the same keys (chosen by the first non-space byte). A value
// that cannot be right (not a finite number, a rating off the scale, a
// negative count, a row repeating another's query and position, a field
// no column names, text that is not UTF-8) is an *ImportError naming the
// file, line and column.
func Import(name string, data []byte) ([]Row, error) {
	if i := invalidUTF8(data); i >= 0 {
		return nil, &ImportError{File: name, Line: lineAt(data, i), Msg: "invalid UTF-8: the export must be UTF-8 text"}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var rows []Row
	var err error
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		rows, err = importJSON(name, data)
	} else {
		rows, err = importCSV(name, data)
	}
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

func lineAt(b []byte, off int) int { return bytes.Count(b[:min(off, len(b))], []byte("\n")) + 1 }

// seen finds rows that repeat an earlier row's query and position.
type seen map[[2]string]int

func (s seen) check(r Row, line int) error {
	k := [2]string{r.Query, strconv.Itoa(r.Position)}
	if first, dup := s[k]; dup {
		return &ImportError{Column: "position", Msg: fmt.Sprintf("query %q has position %d twice (first at line %d)", r.Query, r.Position, first)}
	}
	s[k] = line
	return nil
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
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(Columns, h) {
			return nil, &ImportError{File: name, Line: 1, Column: h, Msg: fmt.Sprintf("unknown column (known: %s)", strings.Join(Columns, ", "))}
		}
		if _, dup := col[h]; dup {
			return nil, &ImportError{File: name, Line: 1, Column: h, Msg: "column named twice"}
		}
		col[h] = i
	}
	for _, req := range required {
		if _, ok := col[req]; !ok {
			return nil, &ImportError{File: name, Line: 1, Column: req, Msg: "required column missing"}
		}
	}
	var rows []Row
	dups := seen{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &ImportError{File: name, Line: pe.Line, Msg: pe.Err.Error()}
			}
			return nil, &ImportError{File: name, Line: line, Msg: err.Error()}
		}
		if len(rec) != len(head) {
			return nil, &ImportError{File: name, Line: line, Msg: fmt.Sprintf("%d fields, but the header names %d columns", len(rec), len(head))}
		}
		get := func(k string) (string, bool) {
			i, ok := col[k]
			if !ok {
				return "", false
			}
			v := strings.TrimSpace(rec[i])
			return v, v != ""
		}
		row, err := parseRow(get)
		if err == nil {
			err = dups.check(row, line)
		}
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
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	bad := func(off int64, col, msg string) error {
		return &ImportError{File: name, Line: lineAt(data, int(off)), Column: col, Msg: msg}
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad(dec.InputOffset(), "", err.Error())
	}
	var rows []Row
	dups := seen{}
	for i := 0; dec.More(); i++ {
		// The object starts after the separator the offset may point at.
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.ContainsRune(", \t\r\n", rune(data[off])) {
			off++
		}
		var o map[string]any
		if err := dec.Decode(&o); err != nil {
			return nil, bad(dec.InputOffset(), fmt.Sprintf("[%d]", i), "not an object of export columns: "+err.Error())
		}
		for _, k := range slices.Sorted(maps.Keys(o)) {
			if !slices.Contains(Columns, k) {
				return nil, bad(off, fmt.Sprintf("[%d].%s", i, k), fmt.Sprintf("unknown key (known: %s)", strings.Join(Columns, ", ")))
			}
		}
		get := func(k string) (string, bool) {
			switch v := o[k].(type) {
			case nil:
				return "", false
			case string:
				v = strings.TrimSpace(v)
				return v, v != ""
			default:
				return fmt.Sprint(v), true
			}
		}
		row, err := parseRow(get)
		if err == nil {
			err = dups.check(row, lineAt(data, int(off)))
		}
		if err != nil {
			var ie *ImportError
			if errors.As(err, &ie) {
				ie.File, ie.Line, ie.Column = name, lineAt(data, int(off)), fmt.Sprintf("[%d].%s", i, ie.Column)
			}
			return nil, err
		}
		rows = append(rows, row)
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad(dec.InputOffset(), "", err.Error())
	}
	return rows, nil
}

// parseRow reads one row through get, which returns a cell's text and
// whether it holds a value (false for an empty cell or an absent column).
func parseRow(get func(string) (string, bool)) (Row, error) {
	bad := func(col, format string, args ...any) error {
		return &ImportError{Column: col, Msg: fmt.Sprintf(format, args...)}
	}
	var r Row
	for _, k := range required {
		if _, ok := get(k); !ok {
			return r, bad(k, "empty: every row needs %s", strings.Join(required, ", "))
		}
	}
	r.Query, _ = get("query")
	r.Item, _ = get("item")
	r.Seller, _ = get("seller")
	r.Brand, _ = get("brand")
	pos, _ := get("position")
	n, err := strconv.Atoi(pos)
	if err != nil || n < 1 {
		return r, bad("position", "%q is not a position (1, 2, ...)", pos)
	}
	r.Position = n
	num := func(k string) (*float64, error) {
		v, ok := get(k)
		if !ok {
			return nil, nil
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, bad(k, "%q is not a number", v)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad(k, "%q is not a finite number", v)
		}
		return &f, nil
	}
	if r.Price, err = num("price"); err != nil {
		return r, err
	}
	if r.Price != nil && *r.Price < 0 {
		return r, bad("price", "%v is negative", *r.Price)
	}
	if r.Shipping, err = num("shipping"); err != nil {
		return r, err
	}
	if r.Shipping != nil && *r.Shipping < 0 {
		return r, bad("shipping", "%v is negative", *r.Shipping)
	}
	if r.Rating, err = num("rating"); err != nil {
		return r, err
	}
	if r.Rating != nil && (*r.Rating < 0 || *r.Rating > RatingScale) {
		return r, bad("rating", "%v is outside the 0-%d star scale", *r.Rating, RatingScale)
	}
	reviews, err := num("reviews")
	if err != nil {
		return r, err
	}
	if reviews != nil {
		if *reviews < 0 || *reviews != math.Trunc(*reviews) || *reviews > math.MaxInt32 {
			return r, bad("reviews", "%v is not a count (0, 1, 2, ...)", *reviews)
		}
		c := int(*reviews)
		r.Reviews = &c
	}
	flag := func(k string) (*bool, error) {
		v, ok := get(k)
		if !ok {
			return nil, nil
		}
		switch strings.ToLower(v) {
		case "1", "true", "yes", "y", "t":
			t := true
			return &t, nil
		case "0", "false", "no", "n", "f":
			f := false
			return &f, nil
		}
		return nil, bad(k, "%q is not true or false", v)
	}
	fp, err := flag("first_party")
	if err != nil {
		return r, err
	}
	r.FirstParty = *fp
	if r.Sponsored, err = flag("sponsored"); err != nil {
		return r, err
	}
	if r.AdLabel, err = flag("ad_label"); err != nil {
		return r, err
	}
	if r.SelfLabel, err = flag("self_label"); err != nil {
		return r, err
	}
	return r, nil
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
