package terms

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

type example struct {
	split, category, lang, text string
	positive                    bool
}

// is reports whether the example is a positive of cat.
func (e example) is(cat string) bool {
	if !e.positive {
		return false
	}
	for _, c := range strings.Split(e.category, "+") {
		if c == cat {
			return true
		}
	}
	return false
}

func loadCorpus(t testing.TB) []example {
	t.Helper()
	f, err := os.Open("testdata/corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []example
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 5 || (p[2] != "0" && p[2] != "1") {
			t.Fatalf("corpus.tsv:%d: want split, category, label, lang, text", n)
		}
		out = append(out, example{split: p[0], category: p[1], positive: p[2] == "1", lang: p[3], text: p[4]})
	}
	return out
}

type score struct{ tp, fp, fn int }

func (s score) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s score) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

// evaluate runs the classifier on every example of split and scores each
// category: a clause counts as predicted for a category when a
// non-negated hit of it is found; every clause of the split is a candidate
// for every category (so a hit on another category's clause is a false
// positive too).
func evaluate(t testing.TB, split string) map[string]*score {
	c, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	scores := map[string]*score{}
	for _, e := range loadCorpus(t) {
		for _, cat := range strings.Split(e.category, "+") {
			scores[cat] = &score{}
		}
	}
	for _, e := range loadCorpus(t) {
		if e.split != split {
			continue
		}
		got := map[string]bool{}
		for _, h := range c.Classify(e.text, e.lang) {
			if !h.Negated {
				got[h.Category] = true
			}
		}
		for cat, s := range scores {
			want := e.is(cat)
			switch {
			case want && got[cat]:
				s.tp++
			case want:
				s.fn++
			case got[cat]:
				s.fp++
			}
		}
	}
	return scores
}

// TestHeldOutPrecisionRecall measures the classifier on the held-out half
// of the corpus and fails below precision 0.9 or recall 0.8 for any
// category. The table is in docs/method-terms.md.
func TestHeldOutPrecisionRecall(t *testing.T) {
	scores := evaluate(t, "test")
	var cats []string
	for c := range scores {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		s := scores[c]
		t.Logf("| %s | %d | %.2f | %.2f |", c, s.tp+s.fn, s.precision(), s.recall())
		if s.precision() < 0.9 || s.recall() < 0.8 {
			t.Errorf("%s: precision %.2f recall %.2f (tp %d fp %d fn %d)", c, s.precision(), s.recall(), s.tp, s.fp, s.fn)
		}
	}
}

// Every category has positives and hard negatives in both languages and
// in both halves.
func TestCorpusBalance(t *testing.T) {
	count := map[string]int{}
	for _, e := range loadCorpus(t) {
		for _, cat := range strings.Split(e.category, "+") {
			count[fmt.Sprint(cat, e.split, e.lang, e.positive)]++
		}
	}
	c, _ := NewClassifier()
	for _, cat := range c.Categories() {
		for _, split := range []string{"dev", "test"} {
			for _, lang := range []string{"zh", "en"} {
				for _, pos := range []bool{true, false} {
					if count[fmt.Sprint(cat, split, lang, pos)] < 2 {
						t.Errorf("%s/%s/%s positive=%v: fewer than 2 examples", cat, split, lang, pos)
					}
				}
			}
		}
	}
}
