package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/platscan/platscan/probes/terms"
)

// Scored is one evaluated sentence: its truth and what was predicted.
type Scored struct {
	Group string // bootstrap unit (a document, or the clause itself)
	Set   string // report group: "merchant zh", "CLAUDETTE en", ...
	Truth map[string]int
	Pred  map[string]bool
}

// counts is a confusion count for one category.
type counts struct{ tp, fp, fn int }

func (c counts) precision() float64 {
	if c.tp+c.fp == 0 {
		return 0
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c counts) recall() float64 {
	if c.tp+c.fn == 0 {
		return 0
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

func (c counts) f1() float64 {
	if 2*c.tp+c.fp+c.fn == 0 {
		return 0
	}
	return 2 * float64(c.tp) / float64(2*c.tp+c.fp+c.fn)
}

func tally(rows []Scored, cat string) counts {
	var c counts
	for _, r := range rows {
		want, got := r.Truth[cat] >= 2, r.Pred[cat]
		switch {
		case want && got:
			c.tp++
		case want:
			c.fn++
		case got:
			c.fp++
		}
	}
	return c
}

// setCategories are the categories scored in a report group: the merchant
// categories for merchant text, CLAUDETTE's nine for consumer text (tying
// is reported but kept out of the CLAUDETTE macro-average).
func setCategories(set string) (scored, macro []string) {
	for _, c := range terms.Taxonomy {
		switch {
		case strings.HasPrefix(set, "merchant") && c.Side == terms.Merchant:
			scored, macro = append(scored, c.Name), append(macro, c.Name)
		case !strings.HasPrefix(set, "merchant") && c.Side == terms.Consumer:
			scored = append(scored, c.Name)
			if c.Code != "" {
				macro = append(macro, c.Name)
			}
		}
	}
	return scored, macro
}

// interval is a bootstrap percentile interval.
type interval struct{ lo, hi float64 }

// bootstrap resamples the groups (documents) of rows with replacement b
// times and returns the 95% percentile interval of stat.
func bootstrap(rows []Scored, b int, seed uint64, stat func([]Scored) float64) interval {
	byGroup := map[string][]Scored{}
	var groups []string
	for _, r := range rows {
		if _, ok := byGroup[r.Group]; !ok {
			groups = append(groups, r.Group)
		}
		byGroup[r.Group] = append(byGroup[r.Group], r)
	}
	sort.Strings(groups)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	vals := make([]float64, b)
	sample := make([]Scored, 0, len(rows))
	for i := range b {
		sample = sample[:0]
		for range groups {
			sample = append(sample, byGroup[groups[rng.IntN(len(groups))]]...)
		}
		vals[i] = stat(sample)
	}
	slices.Sort(vals)
	return interval{lo: vals[int(0.025*float64(b))], hi: vals[min(b-1, int(0.975*float64(b)))]}
}

func macroF1(rows []Scored, cats []string) float64 {
	if len(cats) == 0 {
		return 0
	}
	var sum float64
	for _, c := range cats {
		sum += tally(rows, c).f1()
	}
	return sum / float64(len(cats))
}

// Report is the figures of one report group.
type Report struct {
	Set     string
	Rows    int
	Cats    []CatFigures
	Macro   float64
	MacroCI interval
	// Confusion[a][b] counts sentences of true category a (or "none")
	// predicted as b.
	Confusion map[string]map[string]int
	Scored    []string
}

// CatFigures are one category's figures.
type CatFigures struct {
	Name           string
	Pos            int
	counts         counts
	P, R, F1       float64
	PCI, RCI, F1CI interval
}

const bootstrapRounds = 1000

// report computes the figures of every report group in rows.
func report(rows []Scored, seed uint64) []Report {
	bySet := map[string][]Scored{}
	for _, r := range rows {
		bySet[r.Set] = append(bySet[r.Set], r)
	}
	var out []Report
	for _, set := range slices.Sorted(mapKeys(bySet)) {
		rs := bySet[set]
		scored, macro := setCategories(set)
		rep := Report{Set: set, Rows: len(rs), Scored: scored, Confusion: map[string]map[string]int{}}
		for i, c := range scored {
			ct := tally(rs, c)
			f := CatFigures{Name: c, Pos: ct.tp + ct.fn, counts: ct, P: ct.precision(), R: ct.recall(), F1: ct.f1()}
			s := seed + uint64(i)*7919
			f.PCI = bootstrap(rs, bootstrapRounds, s, func(x []Scored) float64 { return tally(x, c).precision() })
			f.RCI = bootstrap(rs, bootstrapRounds, s+1, func(x []Scored) float64 { return tally(x, c).recall() })
			f.F1CI = bootstrap(rs, bootstrapRounds, s+2, func(x []Scored) float64 { return tally(x, c).f1() })
			rep.Cats = append(rep.Cats, f)
		}
		rep.Macro = macroF1(rs, macro)
		rep.MacroCI = bootstrap(rs, bootstrapRounds, seed+99991, func(x []Scored) float64 { return macroF1(x, macro) })
		for _, r := range rs {
			var truths []string
			for _, c := range scored {
				if r.Truth[c] >= 2 {
					truths = append(truths, c)
				}
			}
			if len(truths) == 0 {
				truths = []string{"none"}
			}
			var preds []string
			for _, c := range scored {
				if r.Pred[c] {
					preds = append(preds, c)
				}
			}
			if len(preds) == 0 {
				preds = []string{"none"}
			}
			for _, t := range truths {
				if rep.Confusion[t] == nil {
					rep.Confusion[t] = map[string]int{}
				}
				for _, p := range preds {
					rep.Confusion[t][p]++
				}
			}
		}
		out = append(out, rep)
	}
	return out
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// writeReport prints the figures as Markdown tables.
func writeReport(w io.Writer, reps []Report) {
	for _, rep := range reps {
		fmt.Fprintf(w, "\n### %s (%d sentences)\n\n", rep.Set, rep.Rows)
		fmt.Fprintln(w, "| category | positives | precision [95% CI] | recall [95% CI] | F1 [95% CI] | tp/fp/fn |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|")
		for _, c := range rep.Cats {
			fmt.Fprintf(w, "| %s | %d | %.2f [%.2f, %.2f] | %.2f [%.2f, %.2f] | %.2f [%.2f, %.2f] | %d/%d/%d |\n", c.Name, c.Pos,
				c.P, c.PCI.lo, c.PCI.hi, c.R, c.RCI.lo, c.RCI.hi, c.F1, c.F1CI.lo, c.F1CI.hi, c.counts.tp, c.counts.fp, c.counts.fn)
		}
		fmt.Fprintf(w, "\nmacro-F1 %s: %.3f [%.3f, %.3f]\n", rep.Set, rep.Macro, rep.MacroCI.lo, rep.MacroCI.hi)
		writeConfusion(w, rep)
	}
}

// short names categories in the confusion table's header.
func short(cat string) string {
	if c, ok := terms.LookupCategory(cat); ok && c.Code != "" {
		return c.Code
	}
	abbrev := map[string]string{"exclusivity": "excl", "price_parity": "parity", "penalty_promotion": "penalty", "unilateral_change_m": "change_m",
		"suspension": "susp", "ranking_disclosure": "ranking", "own_treatment": "own", "tying": "tying"}
	if a, ok := abbrev[cat]; ok {
		return a
	}
	return cat
}

func writeConfusion(w io.Writer, rep Report) {
	fmt.Fprintf(w, "\nConfusion (%s): rows are the true category, columns the predicted ones; a sentence of two categories counts in both rows.\n\n", rep.Set)
	cols := append(append([]string{}, rep.Scored...), "none")
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "true \\ predicted\t")
	for _, c := range cols {
		fmt.Fprintf(tw, "%s\t", short(c))
	}
	fmt.Fprintln(tw)
	for _, r := range cols {
		fmt.Fprintf(tw, "%s\t", short(r))
		for _, c := range cols {
			fmt.Fprintf(tw, "%d\t", rep.Confusion[r][c])
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}
