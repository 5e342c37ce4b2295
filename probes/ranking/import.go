package ranking

import (
	"bufio"
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

	"github.com/platscan/platscan/internal/table"
)

// ImportError is a problem in an imported ranking export, with its place:
// the error every export reader gives (internal/table).
type ImportError = table.Error

// Columns of a ranking export (docs/method-ranking.md). The first four
// are required; the others may be absent, and an empty cell is a value
// not known.
var Columns = []string{"query", "position", "item", "first_party", "price", "seller", "brand", "shipping", "rating", "reviews", "sponsored", "ad_label", "self_label"}

// required are the columns every row must fill.
var required = Columns[:4]

// RatingScale is the largest rating an export may hold: ratings are
// stars out of five, as the platforms that publish them show them.
const RatingScale = 5

// Import reads a whole ranking export held in memory (see Each). A row
// repeating another's query and position is an error wherever it stands.
func Import(name string, data []byte) ([]Row, error) {
	var rows []Row
	err := each(name, bytes.NewReader(data), false, func(r Row) error {
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
// same keys (chosen by the first non-space byte). A value that cannot be
// right (not a finite number, a rating off the scale, a negative count, a
// row repeating another's query and position, a field no column names,
// text that is not UTF-8) is an *ImportError naming the file, line and
// column; Each stops at the first, or at the first error fn returns.
// Memory does not grow with the export: a repeated query and position is
// caught among a query's consecutive rows (a query whose rows come back
// after another's is for the caller to refuse, as the Accumulator does).
func Each(name string, r io.Reader, fn func(Row) error) error {
	return each(name, r, true, fn)
}

func each(name string, r io.Reader, grouped bool, fn func(Row) error) error {
	br := bufio.NewReaderSize(&utf8Reader{r: r, name: name, line: 1}, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3) //nolint:errcheck // the bytes were just peeked
	}
	for {
		b, err := br.Peek(1)
		if err != nil || !isSpace(b[0]) {
			break
		}
		br.ReadByte() //nolint:errcheck // the byte was just peeked
	}
	var err error
	if b, perr := br.Peek(1); perr == nil && b[0] == '[' {
		err = eachJSON(name, br, grouped, fn)
	} else {
		err = eachCSV(name, br, grouped, fn)
	}
	// A byte that is not UTF-8 is reported as such, wherever the reader
	// above it met the error it caused.
	var ue *utf8Error
	if errors.As(err, &ue) {
		return ue.err
	}
	return err
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// utf8Error carries an invalid-UTF-8 ImportError through the CSV and
// JSON readers, which wrap or replace what their reader returns.
type utf8Error struct{ err *ImportError }

func (e *utf8Error) Error() string { return e.err.Error() }

// utf8Reader passes r through, failing at the first byte that is not
// UTF-8 with the line it is on.
type utf8Reader struct {
	r       io.Reader
	name    string
	line    int
	pending []byte // the start of a rune the last read cut
	err     error
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	if len(p) < utf8.UTFMax {
		return 0, io.ErrShortBuffer
	}
	k := copy(p, u.pending)
	u.pending = u.pending[:0]
	n, err := u.r.Read(p[k:])
	n += k
	i := 0
	for i < n {
		if p[i] < utf8.RuneSelf {
			if p[i] == '\n' {
				u.line++
			}
			i++
			continue
		}
		if !utf8.FullRune(p[i:n]) && err == nil {
			u.pending = append(u.pending, p[i:n]...)
			break
		}
		r, size := utf8.DecodeRune(p[i:n])
		if r == utf8.RuneError && size <= 1 {
			u.err = &utf8Error{&ImportError{File: u.name, Line: u.line, Msg: "invalid UTF-8: the export must be UTF-8 text"}}
			if i == 0 {
				return 0, u.err
			}
			return i, nil
		}
		i += size
	}
	if errors.Is(err, io.EOF) && len(u.pending) > 0 {
		err = nil // the held bytes come back, and fail, on the next read
	}
	return i, err
}

// seen finds rows that repeat an earlier row's query and position; when
// grouped, only among the current query's rows.
type seen struct {
	grouped bool
	query   string
	lines   map[[2]string]int
}

func (s *seen) check(r Row, line int) error {
	if s.lines == nil || s.grouped && r.Query != s.query {
		s.lines, s.query = map[[2]string]int{}, r.Query
	}
	k := [2]string{r.Query, strconv.Itoa(r.Position)}
	if first, dup := s.lines[k]; dup {
		return &ImportError{Column: "position", Msg: fmt.Sprintf("query %q has position %d twice (first at line %d)", r.Query, r.Position, first)}
	}
	s.lines[k] = line
	return nil
}

func eachCSV(name string, in io.Reader, grouped bool, fn func(Row) error) error {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		var ue *utf8Error
		if errors.As(err, &ue) {
			return err
		}
		return &ImportError{File: name, Line: 1, Msg: "no header row: " + err.Error()}
	}
	head = slices.Clone(head)
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(Columns, h) {
			return &ImportError{File: name, Line: 1, Column: h, Msg: fmt.Sprintf("unknown column (known: %s)", strings.Join(Columns, ", "))}
		}
		if _, dup := col[h]; dup {
			return &ImportError{File: name, Line: 1, Column: h, Msg: "column named twice"}
		}
		col[h] = i
	}
	for _, req := range required {
		if _, ok := col[req]; !ok {
			return &ImportError{File: name, Line: 1, Column: req, Msg: "required column missing"}
		}
	}
	dups := seen{grouped: grouped}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var ue *utf8Error
			if errors.As(err, &ue) {
				return err
			}
			// A record that does not parse has no fields to point at: the
			// reader's own error carries the line.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &ImportError{File: name, Line: pe.Line, Msg: pe.Err.Error()}
			}
			return &ImportError{File: name, Msg: err.Error()}
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(head) {
			return &ImportError{File: name, Line: line, Msg: fmt.Sprintf("%d fields, but the header names %d columns", len(rec), len(head))}
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
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

// lines maps offsets of a stream to line numbers, for offsets asked in
// increasing order: it keeps only the newlines not yet passed.
type lines struct {
	r      io.Reader
	off    int64
	nl     []int64 // offsets of newlines at or after the last offset asked
	before int     // newlines dropped from nl
}

func (l *lines) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			l.nl = append(l.nl, l.off+int64(i))
		}
	}
	l.off += int64(n)
	return n, err
}

// at is the line of offset off.
func (l *lines) at(off int64) int {
	i := 0
	for i < len(l.nl) && l.nl[i] < off {
		i++
	}
	l.before += i
	l.nl = l.nl[i:]
	return l.before + 1
}

func eachJSON(name string, in io.Reader, grouped bool, fn func(Row) error) error {
	src := &lines{r: in}
	dec := json.NewDecoder(src)
	dec.UseNumber()
	bad := func(off int64, col, msg string) error {
		return &ImportError{File: name, Line: src.at(off), Column: col, Msg: msg}
	}
	fail := func(off int64, col, msg string, err error) error {
		var ue *utf8Error
		if errors.As(err, &ue) {
			return err
		}
		return bad(off, col, msg+err.Error())
	}
	if _, err := dec.Token(); err != nil { // the opening [
		return fail(dec.InputOffset(), "", "", err)
	}
	dups := seen{grouped: grouped}
	for i := 0; dec.More(); i++ {
		// The object starts after the separator the offset may point at.
		off := dec.InputOffset()
		if buf, ok := dec.Buffered().(*bytes.Reader); ok {
			for {
				c, err := buf.ReadByte()
				if err != nil || !strings.ContainsRune(", \t\r\n", rune(c)) {
					break
				}
				off++
			}
		}
		var o map[string]any
		if err := dec.Decode(&o); err != nil {
			return fail(dec.InputOffset(), fmt.Sprintf("[%d]", i), "not an object of export columns: ", err)
		}
		for _, k := range slices.Sorted(maps.Keys(o)) {
			if !slices.Contains(Columns, k) {
				return bad(off, fmt.Sprintf("[%d].%s", i, k), fmt.Sprintf("unknown key (known: %s)", strings.Join(Columns, ", ")))
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
		line := src.at(off)
		row, err := parseRow(get)
		if err == nil {
			err = dups.check(row, line)
		}
		if err != nil {
			var ie *ImportError
			if errors.As(err, &ie) {
				ie.File, ie.Line, ie.Column = name, line, fmt.Sprintf("[%d].%s", i, ie.Column)
			}
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ]
		return fail(dec.InputOffset(), "", "", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fail(dec.InputOffset(), "", "", errors.New("data after the closing ]"))
	}
	return nil
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
