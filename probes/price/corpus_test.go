package price

import (
	"bufio"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// corpusCase is one line of testdata/prices.txt.
type corpusCase struct {
	line      int
	raw       string
	hint      Hint
	kind      Kind
	low, high float64
	ambiguous bool // want: the parser must flag it
	none      bool // want: no price
	unit      bool // want: a range with a unit ("1.99..3.49/")
	currency  string
	related   map[Role]float64
}

func parseHint(s string) Hint {
	var h Hint
	for _, f := range strings.Fields(s) {
		switch {
		case f == "m":
			h.Machine = true
		case f == "f":
			h.Field = true
		case strings.HasPrefix(f, "l="):
			h.Lang = f[2:]
		case strings.HasPrefix(f, "c="):
			h.Currency = f[2:]
		}
	}
	return h
}

var escapes = strings.NewReplacer(`\u00a0`, "\u00a0", `\u202f`, "\u202f", `\u2009`, "\u2009", `\u2007`, "\u2007")

func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	f, err := os.Open("testdata/prices.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusCase
	var hint Hint
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
			continue
		case strings.HasPrefix(line, "@"):
			hint = parseHint(line[1:])
			continue
		}
		parts := strings.Split(line, " ;; ")
		if len(parts) < 2 {
			t.Fatalf("prices.txt:%d: want RAW ;; WANT", n)
		}
		c := corpusCase{line: n, raw: escapes.Replace(parts[0]), hint: hint, kind: Single}
		if len(parts) > 2 {
			c.hint = parseHint(parts[2])
		}
		fields := strings.Fields(parts[1])
		if len(fields) == 0 {
			t.Fatalf("prices.txt:%d: empty WANT", n)
		}
		want := fields[0]
		for _, f := range fields[1:] {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				t.Fatalf("prices.txt:%d: bad WANT field %q", n, f)
			}
			if k == "cur" {
				c.currency = v
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("prices.txt:%d: bad WANT field %q: %v", n, f, err)
			}
			if c.related == nil {
				c.related = map[Role]float64{}
			}
			c.related[Role(k)] = x
		}
		var err error
		switch {
		case want == "?":
			c.ambiguous = true
		case want == "-":
			c.none = true
		case want == "free":
			c.kind = Free
		case strings.Contains(want, ".."):
			lo, hi, _ := strings.Cut(want, "..")
			c.kind = Range
			if strings.HasSuffix(hi, "/") {
				c.unit, hi = true, strings.TrimSuffix(hi, "/")
			}
			c.low, err = strconv.ParseFloat(lo, 64)
			if err == nil {
				c.high, err = strconv.ParseFloat(hi, 64)
			}
		case strings.HasPrefix(want, ">="):
			c.kind = From
			c.low, err = strconv.ParseFloat(want[2:], 64)
		case strings.HasSuffix(want, "/"):
			c.kind = PerUnit
			c.low, err = strconv.ParseFloat(strings.TrimSuffix(want, "/"), 64)
		default:
			c.low, err = strconv.ParseFloat(want, 64)
		}
		if err != nil {
			t.Fatalf("prices.txt:%d: bad WANT %q: %v", n, want, err)
		}
		if c.high == 0 {
			c.high = c.low
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// grade says whether the parser got c right and, if not, whether it was
// wrong without saying so (a silent misread).
func grade(c corpusCase, p Price, ok bool) (right, silent bool) {
	switch {
	case c.none:
		return !ok, ok && !p.Ambiguous
	case c.ambiguous:
		return ok && p.Ambiguous, ok && !p.Ambiguous
	case !ok:
		return false, false
	case p.Ambiguous:
		return false, false
	}
	right = p.Kind == c.kind && near(p.Low, c.low) && near(p.High, c.high) && c.unit == (p.Kind == Range && p.Unit != "")
	if c.currency != "" && p.Currency != c.currency {
		right = false
	}
	for role, v := range c.related {
		found := false
		for _, x := range p.Related {
			found = found || (x.Role == role && near(x.Value, v))
		}
		right = right && found
	}
	return right, !right
}

// oldParsePrice is the reader platscan had before (probes/extract at
// 6b83d1c), kept here to measure what the rewrite changed.
var oldPriceRe = regexp.MustCompile(`\d[\d,，]*(?:\.\d+)?`)

func oldParsePrice(s string) (float64, bool) {
	m := oldPriceRe.FindString(s)
	if m == "" {
		return 0, false
	}
	m = strings.NewReplacer(",", "", "，", "").Replace(m)
	v, err := strconv.ParseFloat(m, 64)
	return v, err == nil
}

// TestCorpusAccuracy reads every string of testdata/prices.txt and
// requires at least 98% right and no silent misread. It also reports how
// the old reader did on the same strings (it is generous to the old
// reader: any string whose first number is the right low end counts).
func TestCorpusAccuracy(t *testing.T) {
	cases := loadCorpus(t)
	if len(cases) < 500 {
		t.Fatalf("corpus has %d strings, want at least 500", len(cases))
	}
	var right, silent, oldRight int
	for _, c := range cases {
		p, ok := Parse(c.raw, c.hint)
		r, s := grade(c, p, ok)
		if r {
			right++
		} else {
			t.Logf("prices.txt:%d: %q %+v: got ok=%v kind=%s low=%v high=%v ambiguous=%v (%s)", c.line, c.raw, c.hint, ok, p.Kind, p.Low, p.High, p.Ambiguous, p.Reason)
		}
		if s {
			silent++
			t.Errorf("prices.txt:%d: silent misread of %q: got %s %v..%v", c.line, c.raw, p.Kind, p.Low, p.High)
		}
		ov, ook := oldParsePrice(c.raw)
		if (c.none && !ook) || (!c.none && !c.ambiguous && ook && near(ov, c.low)) {
			oldRight++
		}
	}
	acc := float64(right) / float64(len(cases))
	oldAcc := float64(oldRight) / float64(len(cases))
	t.Logf("corpus: %d strings; new reader %d right (%.1f%%), %d silent misreads; old reader %d right (%.1f%%)",
		len(cases), right, 100*acc, silent, oldRight, 100*oldAcc)
	if acc < 0.98 {
		t.Errorf("accuracy %.1f%%, want at least 98%%", 100*acc)
	}
}

// BenchmarkParseCorpus reads every corpus string once per iteration.
func BenchmarkParseCorpus(b *testing.B) {
	cases := loadCorpus(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cases {
			Parse(c.raw, c.hint)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cases)), "ns/string")
}
