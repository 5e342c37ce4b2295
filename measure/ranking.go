package measure

// RankedResults is the measurement of one query's result list.
type RankedResults struct {
	Base
	Response
	Query string      `json:"query"`
	Rows  []RankedRow `json:"rows"`
}

// Family implements Measurement.
func (*RankedResults) Family() string { return Ranking }

// RankedRow is one ranked result.
type RankedRow struct {
	Query      string  `json:"query"`
	Position   int     `json:"position"`
	Item       string  `json:"item"`
	Seller     string  `json:"seller"`
	Brand      string  `json:"brand"`
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

// SortOptions is the measurement of how a result list can be ordered.
type SortOptions struct {
	Base
	Query   string   `json:"query"`
	Options []string `json:"options"`
}

// Family implements Measurement.
func (*SortOptions) Family() string { return Ranking }

// BuyBoxPage is the measurement of one product page's offers.
type BuyBoxPage struct {
	Base
	BuyBox
}

// Family implements Measurement.
func (*BuyBoxPage) Family() string { return Ranking }

// BuyBox is one product page's offers.
type BuyBox struct {
	Item   string        `json:"item"`
	Offers []BuyBoxOffer `json:"offers"`
}

// BuyBoxOffer is one seller's offer in a product's buy-box contest.
type BuyBoxOffer struct {
	Seller     string  `json:"seller"`
	FirstParty bool    `json:"first_party"`
	Price      float64 `json:"price"`
	Shipping   float64 `json:"shipping"`
	Rating     float64 `json:"rating"`
	Featured   bool    `json:"featured"`
}

// RankingMetrics is the analysis of a set of result lists
// (docs/method-ranking.md).
type RankingMetrics struct {
	Base
	Queries int `json:"queries"`
	Rows    int `json:"rows"`
	TopK    int `json:"top_k"`

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

	// Rank model: the first-party coefficient is how many standard
	// deviations higher first-party items rank than their price, rating
	// and reviews explain; positive means favoured.
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

// Family implements Measurement.
func (*RankingMetrics) Family() string { return Ranking }
