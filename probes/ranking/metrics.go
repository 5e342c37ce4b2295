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
)

// ID is the family name of ranking measurements.
const ID = "ranking"

// Row is one ranked result.
type Row struct {
	Query      string  `json:"query"`
	Position   int     `json:"position"`
	Item       string  `json:"item"`
	Seller     string  `json:"seller"`
	Brand      string  `json:"brand,omitempty"`
	FirstParty bool    `json:"first_party"`
	Price      float64 `json:"price"`
	Shipping   float64 `json:"shipping"`
	Rating     float64 `json:"rating"`
	Reviews    int     `json:"reviews"`
	Sponsored  bool    `json:"sponsored"`
	// AdLabel and SelfLabel say whether the page showed an "ad" or a
	// "self-operated" label on the item (unknown counts as shown).
	AdLabel   bool `json:"ad_label"`
	SelfLabel bool `json:"self_label"`
}

// Offer is one seller's offer in a product's buy box contest.
type Offer struct {
	Seller     string  `json:"seller"`
	FirstParty bool    `json:"first_party"`
	Price      float64 `json:"price"`
	Shipping   float64 `json:"shipping"`
	Rating     float64 `json:"rating"`
	Featured   bool    `json:"featured"`
}

// BuyBox is one product page's offers.
type BuyBox struct {
	Item   string  `json:"item"`
	Offers []Offer `json:"offers"`
}

// Metrics is the analysis of a set of result lists.
type Metrics struct {
	Type    string `json:"type"` // "ranking_metrics"
	Queries int    `json:"queries"`
	Rows    int    `json:"rows"`
	TopK    int    `json:"top_k"`

	// Share of first-party items at position 1, in the top k, and among
	// all results; the top-k excess is tested against random placement
	// (hypergeometric per query, normal approximation of the sum).
	FirstPartyTop1   float64 `json:"first_party_top1"`
	FirstPartyTopK   float64 `json:"first_party_topk"`
	FirstPartyAll    float64 `json:"first_party_all"`
	TopKExcessZ      float64 `json:"topk_excess_z"`
	TopKExcessPValue float64 `json:"topk_excess_p"`
	FirstPartyInTopK int     `json:"first_party_in_topk"`
	ExpectedInTopK   float64 `json:"expected_in_topk"`

	// Dominated pairs: how often a first-party item is ranked above a
	// third-party item at least as good on rating, reviews and total price
	// (and strictly better on one), against how often a third-party item
	// is ranked above a first-party item that dominates it.
	DominatedFP         int     `json:"dominated_fp_pairs"`
	DominatedFPAbove    int     `json:"dominated_fp_above"`
	DominatedTP         int     `json:"dominated_tp_pairs"`
	DominatedTPAbove    int     `json:"dominated_tp_above"`
	DominatedRateFP     float64 `json:"dominated_rate_fp"`
	DominatedRateTP     float64 `json:"dominated_rate_tp"`
	DominatedDiff       float64 `json:"dominated_diff"`
	DominatedDiffCILow  float64 `json:"dominated_diff_ci_low"`
	DominatedDiffCIHigh float64 `json:"dominated_diff_ci_high"`
	DominatedPValue     float64 `json:"dominated_p"`

	// Rank model (see rankModel): the first-party coefficient is how many
	// standard deviations higher first-party items rank than their price,
	// rating and reviews explain; positive means favoured.
	ModelN           int     `json:"model_n"`
	FirstPartyCoef   float64 `json:"first_party_coef"`
	FirstPartyCoefSE float64 `json:"first_party_coef_se"`
	FirstPartyCILow  float64 `json:"first_party_ci_low"`
	FirstPartyCIHigh float64 `json:"first_party_ci_high"`
	FirstPartyPValue float64 `json:"first_party_p"`

	// Buy box: contests where a third-party offer was cheaper (total) and
	// rated at least as well as the platform's own, and how many the
	// platform still won.
	BuyBoxContests    int `json:"buybox_contests"`
	BuyBoxPlatformWon int `json:"buybox_platform_won"`

	// Labels.
	Sponsored           int `json:"sponsored"`
	SponsoredUnlabelled int `json:"sponsored_unlabelled"`
	FirstPartyItems     int `json:"first_party_items"`
	FirstPartyUnlabeled int `json:"first_party_unlabelled"`
}

// Compute analyses rows (any order) and buy boxes; topK bounds "the top".
func Compute(rows []Row, boxes []BuyBox, topK int) Metrics {
	if topK <= 0 {
		topK = 10
	}
	m := Metrics{Type: "ranking_metrics", Rows: len(rows), TopK: topK}
	byQ := map[string][]Row{}
	for _, r := range rows {
		byQ[r.Query] = append(byQ[r.Query], r)
	}
	queries := make([]string, 0, len(byQ))
	for q := range byQ {
		queries = append(queries, q)
	}
	sort.Strings(queries)
	m.Queries = len(queries)
	var top1, fpAll, n int
	var topKN int
	var varSum float64
	for _, q := range queries {
		rs := byQ[q]
		sort.Slice(rs, func(i, j int) bool { return rs[i].Position < rs[j].Position })
		N, K := len(rs), 0
		for _, r := range rs {
			if r.FirstParty {
				K++
			}
		}
		k := min(topK, N)
		inTop := 0
		for i := range k {
			if rs[i].FirstParty {
				inTop++
			}
		}
		if N > 0 && rs[0].FirstParty {
			top1++
		}
		fpAll += K
		n += N
		topKN += k
		m.FirstPartyInTopK += inTop
		m.ExpectedInTopK += float64(k) * float64(K) / float64(N)
		if N > 1 {
			p := float64(K) / float64(N)
			varSum += float64(k) * p * (1 - p) * float64(N-k) / float64(N-1)
		}
		dominated(rs, &m)
	}
	if m.Queries > 0 {
		m.FirstPartyTop1 = float64(top1) / float64(m.Queries)
	}
	if topKN > 0 {
		m.FirstPartyTopK = float64(m.FirstPartyInTopK) / float64(topKN)
	}
	if n > 0 {
		m.FirstPartyAll = float64(fpAll) / float64(n)
	}
	if varSum > 0 {
		m.TopKExcessZ = (float64(m.FirstPartyInTopK) - m.ExpectedInTopK) / math.Sqrt(varSum)
		m.TopKExcessPValue = upperNormal(m.TopKExcessZ)
	} else {
		m.TopKExcessPValue = 1
	}
	finishDominated(&m)
	rankModel(rows, &m)
	for _, b := range boxes {
		contest(b, &m)
	}
	for _, r := range rows {
		if r.Sponsored {
			m.Sponsored++
			if !r.AdLabel {
				m.SponsoredUnlabelled++
			}
		}
		if r.FirstParty {
			m.FirstPartyItems++
			if !r.SelfLabel {
				m.FirstPartyUnlabeled++
			}
		}
	}
	return m
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
