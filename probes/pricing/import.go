package pricing

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/platscan/platscan/internal/table"
	"github.com/platscan/platscan/probes/price"
)

// LogColumns are the columns of a pricing log (docs/method-pricing.md):
// who saw the price (segment, or persona), the product, the price, and
// optionally the currency, when it was shown and which round it belongs to.
var LogColumns = []string{"segment", "persona", "product", "price", "currency", "time", "round"}

// IsLog reports whether an export's columns make it a pricing log.
func IsLog(header []string) bool {
	return slices.Contains(header, "product") && slices.Contains(header, "price") &&
		(slices.Contains(header, "segment") || slices.Contains(header, "persona"))
}

// Log is a platform's own record of the prices it showed.
type Log struct {
	// Segments and Products in order of first appearance.
	Segments, Products []string
	Obs                []Observation
	// Missing counts rows whose price cell was empty.
	Missing int
}

// Observation is one price one segment was shown.
type Observation struct {
	Segment, Product, Currency string
	Price                      float64
	Time                       time.Time
	Round                      int // -1 when the log gives none
	Line                       int
}

// ImportLog reads a pricing log (CSV or a JSON array). Values that cannot
// be right are errors with their place: a price that is not a price, is
// negative or not finite, an unreadable time, a negative round.
func ImportLog(name string, data []byte) (*Log, error) {
	rows, err := table.Read(name, data, LogColumns, []string{"product", "price"})
	if err != nil {
		return nil, err
	}
	l := &Log{}
	seen := map[[3]string]int{}
	for _, r := range rows {
		seg := r.Get("segment")
		if seg == "" {
			seg = r.Get("persona")
		}
		if seg == "" {
			return nil, r.Errorf("segment", "every row needs the segment (or persona) that was shown the price")
		}
		prod := r.Get("product")
		if prod == "" {
			return nil, r.Errorf("product", "empty")
		}
		if r.Get("price") == "" {
			l.Missing++
			continue
		}
		p, ok := price.Parse(r.Get("price"), price.Hint{Currency: r.Get("currency"), Machine: true})
		switch {
		case !ok:
			return nil, r.Errorf("price", "%q is not a price", r.Get("price"))
		case p.Ambiguous:
			return nil, r.Errorf("price", "%q can be read more than one way (%s); write it with '.' as the decimal mark", r.Get("price"), p.Reason)
		case p.Value < 0 || strings.HasPrefix(r.Get("price"), "-") || strings.HasPrefix(r.Get("price"), "\u2212"):
			return nil, r.Errorf("price", "%q is negative", r.Get("price"))
		}
		o := Observation{Segment: seg, Product: prod, Price: p.Value, Currency: p.Currency, Round: -1, Line: r.Line}
		if o.Currency == "" {
			o.Currency = r.Get("currency")
		}
		if s := r.Get("time"); s != "" {
			if o.Time, err = parseTime(s); err != nil {
				return nil, r.Errorf("time", "%q is not a time (use RFC 3339, e.g. 2026-11-20T09:30:00Z)", s)
			}
		}
		if s := r.Get("round"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return nil, r.Errorf("round", "%q is not a round number (0, 1, 2, ...)", s)
			}
			o.Round = n
		}
		if o.Round >= 0 {
			k := [3]string{seg, prod, strconv.Itoa(o.Round)}
			if prev, dup := seen[k]; dup {
				return nil, r.Errorf("round", "%s saw %s in round %d already (row %d)", seg, prod, o.Round, prev)
			}
			seen[k] = r.Line
		}
		if !slices.Contains(l.Segments, seg) {
			l.Segments = append(l.Segments, seg)
		}
		if !slices.Contains(l.Products, prod) {
			l.Products = append(l.Products, prod)
		}
		l.Obs = append(l.Obs, o)
	}
	return l, nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, strconv.ErrSyntax
}

// Panel arranges the log for Analyze: for each segment and product, the
// prices in round order (the log's round column, else its time, else file
// order), every one citing record. Prices in another currency than the
// first the log gives for a product are left out, as the probe leaves them
// out.
func (l *Log) Panel(record string) *Panel {
	rounds := 0
	seq := map[[2]string][]Observation{}
	currency := map[string]string{}
	for _, o := range l.Obs {
		if c, ok := currency[o.Product]; ok && c != o.Currency {
			continue
		}
		currency[o.Product] = o.Currency
		k := [2]string{o.Segment, o.Product}
		seq[k] = append(seq[k], o)
	}
	for k, os := range seq {
		slices.SortStableFunc(os, func(a, b Observation) int {
			if a.Round >= 0 && b.Round >= 0 {
				return cmp.Compare(a.Round, b.Round)
			}
			return a.Time.Compare(b.Time)
		})
		seq[k] = os
		for i, o := range os {
			rounds = max(rounds, roundOf(o, i)+1)
		}
	}
	p := NewPanel(l.Products, l.Segments, rounds)
	for i, prod := range l.Products {
		for _, seg := range l.Segments {
			for n, o := range seq[[2]string{seg, prod}] {
				r := roundOf(o, n)
				p.Price[seg][i][r], p.Record[seg][i][r] = o.Price, record
			}
		}
	}
	return p
}

// roundOf is o's round: the log's, or its place among its segment's
// views of the product.
func roundOf(o Observation, place int) int {
	if o.Round >= 0 {
		return o.Round
	}
	return place
}
