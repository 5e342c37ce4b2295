package price

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzParse checks that no string makes Parse panic and that what it
// returns keeps its promises: low <= high, Value is Amount, an ambiguous
// result says why, a free price is zero, related amounts are numbers.
func FuzzParse(f *testing.F) {
	for _, c := range loadCorpus(f) {
		f.Add(c.raw, c.hint.Lang, c.hint.Currency, c.hint.Machine, c.hint.Field)
	}
	f.Fuzz(func(t *testing.T, s, lang, cur string, machine, field bool) {
		p, ok := Parse(s, Hint{Lang: lang, Currency: cur, Machine: machine, Field: field})
		if !ok {
			return
		}
		if p.Kind == Free && (p.Amount != "0" || p.Value != 0 || p.High != 0) {
			t.Fatalf("%q: free with amount %q", s, p.Amount)
		}
		if (p.Value < 0) != strings.HasPrefix(p.Amount, "-") {
			t.Fatalf("%q: amount %q and value %v disagree on the sign", s, p.Amount, p.Value)
		}
		for _, x := range p.Related {
			if v, err := strconv.ParseFloat(x.Amount, 64); err != nil || v != x.Value || x.Role == "" {
				t.Fatalf("%q: related %+v", s, x)
			}
		}
		if p.Low > p.High || p.Value != p.Low {
			t.Fatalf("%q: low %v high %v value %v", s, p.Low, p.High, p.Value)
		}
		v, err := strconv.ParseFloat(p.Amount, 64)
		if err != nil || v != p.Value {
			t.Fatalf("%q: amount %q does not match value %v", s, p.Amount, p.Value)
		}
		if p.Ambiguous && p.Reason == "" {
			t.Fatalf("%q: ambiguous without a reason", s)
		}
		if (p.Kind == Range) != (p.HighAmount != "") {
			t.Fatalf("%q: kind %s with high %q", s, p.Kind, p.HighAmount)
		}
	})
}

// FuzzParseCount checks ParseCount never panics and never returns a
// negative count.
func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"1.2万", "10万+", "1,234 reviews", "3.5k", "(1.234)", "1,5 Tsd.", "999+", "Terjual 10rb+",
		"+10 mil vendidos", "2.3L ratings", "1万2", "1億2345万6789", "Đã bán 1tr2", "١٢٣"} {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, s, lang string) {
		c, ok := ParseCount(s, lang)
		if ok && c.Value < 0 {
			t.Fatalf("%q: negative count %d", s, c.Value)
		}
	})
}
