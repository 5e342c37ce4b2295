// Package ranking is the ranking probe and the self-preferencing metrics
// it and `platscan check` compute (docs/method-ranking.md): first-party
// share of the top of the results against its share of all results, the
// dominated-pair test, a rank model with a first-party coefficient, buy-box
// wins against better third-party offers, and unlabelled ads and
// first-party items.
package ranking

import (
	"math"
	"sort"

	"github.com/platscan/platscan/measure"
)

// ID is the family name of ranking measurements.
const ID = "ranking"

// The ranking measurements and their parts (package measure).
type (
	Row     = measure.RankedRow
	Offer   = measure.BuyBoxOffer
	BuyBox  = measure.BuyBox
	Metrics = measure.RankingMetrics
)

// Compute analyses rows (any order) and buy boxes; topK bounds "the top".
// It groups the rows by query and runs them through an Accumulator, the
// same arithmetic `platscan check` applies to an export it streams.
func Compute(rows []Row, boxes []BuyBox, topK int) Metrics {
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rows[idx[a]].Query < rows[idx[b]].Query })
	acc := NewAccumulator(topK)
	for _, i := range idx {
		acc.Add(rows[i]) //nolint:errcheck // grouped by the sort: cannot fail
	}
	return acc.Metrics(boxes)
}

func total(r Row) float64 { return r.Price + r.Shipping }

// dominates reports whether a is at least as good as b on rating, reviews
// and total price, and strictly better on one.
func dominates(a, b Row) bool {
	if a.Rating < b.Rating || a.Reviews < b.Reviews || total(a) > total(b) {
		return false
	}
	return a.Rating > b.Rating || a.Reviews > b.Reviews || total(a) < total(b)
}

// dominated counts, within one query's list sorted by position, the pairs
// where one side dominates the other and which one was ranked higher.
func dominated(rs []Row, m *Metrics) {
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			a, b := rs[i], rs[j] // a is ranked above b
			if a.FirstParty == b.FirstParty {
				continue
			}
			fp, tp := a, b
			if b.FirstParty {
				fp, tp = b, a
			}
			switch {
			case dominates(tp, fp):
				m.DominatedFP++
				if a.FirstParty {
					m.DominatedFPAbove++
				}
			case dominates(fp, tp):
				m.DominatedTP++
				if !a.FirstParty {
					m.DominatedTPAbove++
				}
			}
		}
	}
}

// finishDominated compares the two inversion rates with a two-proportion
// z-test and a Wald interval for their difference.
func finishDominated(m *Metrics) {
	m.DominatedPValue = 1
	if m.DominatedFP == 0 || m.DominatedTP == 0 {
		if m.DominatedFP > 0 {
			m.DominatedRateFP = float64(m.DominatedFPAbove) / float64(m.DominatedFP)
		}
		return
	}
	p1 := float64(m.DominatedFPAbove) / float64(m.DominatedFP)
	p2 := float64(m.DominatedTPAbove) / float64(m.DominatedTP)
	m.DominatedRateFP, m.DominatedRateTP, m.DominatedDiff = p1, p2, p1-p2
	se := math.Sqrt(p1*(1-p1)/float64(m.DominatedFP) + p2*(1-p2)/float64(m.DominatedTP))
	m.DominatedDiffCILow, m.DominatedDiffCIHigh = p1-p2-1.96*se, p1-p2+1.96*se
	pool := float64(m.DominatedFPAbove+m.DominatedTPAbove) / float64(m.DominatedFP+m.DominatedTP)
	sp := math.Sqrt(pool * (1 - pool) * (1/float64(m.DominatedFP) + 1/float64(m.DominatedTP)))
	if sp > 0 {
		m.DominatedPValue = upperNormal((p1 - p2) / sp)
	} else if p1 > p2 {
		m.DominatedPValue = 0
	}
}

// contest records a buy-box contest if a third-party offer beat the
// platform's own on total price while rated at least as well.
func contest(b BuyBox, m *Metrics) {
	var own *Offer
	for i := range b.Offers {
		if b.Offers[i].FirstParty {
			own = &b.Offers[i]
		}
	}
	if own == nil {
		return
	}
	for _, o := range b.Offers {
		if !o.FirstParty && o.Price+o.Shipping < own.Price+own.Shipping && o.Rating >= own.Rating {
			m.BuyBoxContests++
			if own.Featured {
				m.BuyBoxPlatformWon++
			}
			return
		}
	}
}

// upperNormal is P(Z >= z) for a standard normal Z.
func upperNormal(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }
