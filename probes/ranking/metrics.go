// Package ranking is the ranking probe and the self-preferencing metrics
// it and `platscan check` compute (docs/method-ranking.md): first-party
// share of the top of the results against its share of all results, the
// dominated-pair test, a rank model with a first-party coefficient, buy-box
// wins against better third-party offers, and unlabelled ads and
// first-party items.
package ranking

import (
	"fmt"
	"math"
	"sort"
	"strings"

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

// label counts r among the paid and first-party results and their labels,
// where its status and labels are known.
func label(r Row, m *Metrics) {
	if r.Sponsored != nil {
		m.SponsoredKnown++
		if *r.Sponsored {
			m.Sponsored++
			if r.AdLabel != nil && !*r.AdLabel {
				m.SponsoredUnlabelled++
			}
		}
	}
	if r.FirstParty {
		m.FirstPartyItems++
		if r.SelfLabel != nil {
			m.FirstPartyLabelsRead++
			if !*r.SelfLabel {
				m.FirstPartyUnlabeled++
			}
		}
	}
}

// gaps says which metrics the rows could not support: rows is their
// number, unreadAds the paid results whose ad label was not read, boxes
// the buy boxes read.
func gaps(m *Metrics, rows, unreadAds, boxes int) {
	add := func(metric, format string, args ...any) {
		m.Gaps = append(m.Gaps, measure.MetricGap{Metric: metric, Reason: fmt.Sprintf(format, args...)})
	}
	if rows == 0 {
		add("rank_model", "no results were read")
		return
	}
	if len(m.ModelCovariates) == 0 {
		add("rank_model", "neither price, rating nor reviews is stated for at least half of the %d results, so ranking beyond merit cannot be told from ranking on merit", rows)
		add("dominated_pairs", "no attribute to compare results on (price, rating or reviews)")
	} else if missing := absent(m.ModelCovariates); len(missing) > 0 {
		add("rank_model", "%s not stated for at least half of the results: the model compares results on %s only", strings.Join(missing, " and "), strings.Join(m.ModelCovariates, ", "))
	}
	if boxes == 0 {
		add("buybox", "no product page offering one item from several sellers was read")
	}
	switch {
	case m.SponsoredKnown == 0:
		add("ad_labels", "whether results are paid slots is not known for any of the %d results (no card of a result was found on the page, or the export has no sponsored column)", rows)
	case unreadAds > 0:
		add("ad_labels", "the ad labels of %d of %d paid results were not read", unreadAds, m.Sponsored)
	}
	if m.FirstPartyItems > m.FirstPartyLabelsRead {
		add("self_labels", "the self-operated labels of %d of %d first-party results were not read", m.FirstPartyItems-m.FirstPartyLabelsRead, m.FirstPartyItems)
	}
}

// covariates are the attributes results are compared on, in model order.
var covariates = []string{"price", "rating", "reviews"}

func absent(used []string) []string {
	var out []string
	for _, c := range covariates {
		if !contains(used, c) {
			out = append(out, c)
		}
	}
	return out
}

// attrs are a result's comparable attributes: log total price, rating,
// log(1 + reviews), each with whether it is stated.
func attrs(r Row) (x [3]float64, ok [3]bool) {
	if t, has := total(r); has && t > 0 {
		x[0], ok[0] = math.Log(t), true
	}
	if r.Rating != nil {
		x[1], ok[1] = *r.Rating, true
	}
	if r.Reviews != nil {
		x[2], ok[2] = math.Log1p(float64(*r.Reviews)), true
	}
	return x, ok
}

// total is price plus shipping (shipping counts as 0 when not stated);
// false when the price is not stated.
func total(r Row) (float64, bool) {
	if r.Price == nil {
		return 0, false
	}
	t := *r.Price
	if r.Shipping != nil {
		t += *r.Shipping
	}
	return t, true
}

// chooseCovariates picks the attributes stated for at least half the
// results (stated counts the results stating each): comparing on an
// attribute few results state would leave most of them out.
func chooseCovariates(rows int, stated [3]int) []bool {
	use := make([]bool, 3)
	for j := range stated {
		use[j] = rows > 0 && 2*stated[j] >= rows
	}
	return use
}

// dominates reports whether a result with attributes xa (stated where
// oka) is at least as good as one with xb on every attribute of mask (bit
// j: covariates[j]; higher rating and reviews, lower total price) and
// strictly better on one; false when either lacks one of them.
func dominates(xa [3]float64, oka [3]bool, xb [3]float64, okb [3]bool, mask int) bool {
	better, worse := false, false
	for j := range 3 {
		if mask&(1<<j) == 0 {
			continue
		}
		if !oka[j] || !okb[j] {
			return false
		}
		d := xa[j] - xb[j]
		if j == 0 {
			d = -d // cheaper is better
		}
		better = better || d > 0
		worse = worse || d < 0
	}
	return better && !worse
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
	if !b.FeaturedRead {
		return // who wins the buy box is not known
	}
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
