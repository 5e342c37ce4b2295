package measure

// RankedResults is the measurement of one query's result list (its
// pages followed by rel=next until top_k results are read). Response is
// the first page's.
type RankedResults struct {
	Base
	Response
	Query string      `json:"query"`
	Rows  []RankedRow `json:"rows"`
	// Source is how the list was read: jsonld, microdata, rdfa,
	// opengraph (schema.org data) or selector (the profile's CSS
	// selectors); "" when no result was read.
	Source string `json:"source"`
	// Pages counts the result pages read.
	Pages int `json:"pages"`
	// Unread says why no result was read from an answered page; "" when
	// results were read or the page did not answer.
	Unread string `json:"unread"`
}

// Family implements Measurement.
func (*RankedResults) Family() string { return Ranking }

// RankedRow is one ranked result. What the page or the export does not
// state is null, never a made-up zero or "shown": the metrics use what
// is known and say what they could not compute (RankingMetrics.Gaps).
type RankedRow struct {
	Query      string `json:"query"`
	Position   int    `json:"position"`
	Item       string `json:"item"`
	Seller     string `json:"seller"`
	Brand      string `json:"brand"`
	FirstParty bool   `json:"first_party"`
	// Price, Shipping, Rating and Reviews are null when not stated.
	Price    *float64 `json:"price" jsonschema:"nullable"`
	Shipping *float64 `json:"shipping" jsonschema:"nullable"`
	Rating   *float64 `json:"rating" jsonschema:"nullable"`
	Reviews  *int     `json:"reviews" jsonschema:"nullable"`
	// Sponsored says whether the result is a paid slot; null when that is
	// not known (no card of the result was found on the page, or the
	// export has no such column).
	Sponsored *bool `json:"sponsored" jsonschema:"nullable"`
	// AdLabel and SelfLabel say whether the page showed an "ad" or a
	// "self-operated" label on the result; null when not read.
	AdLabel   *bool `json:"ad_label" jsonschema:"nullable"`
	SelfLabel *bool `json:"self_label" jsonschema:"nullable"`
}

// SortOptions is the measurement of how a result list can be ordered.
type SortOptions struct {
	Base
	Query string `json:"query"`
	// Options are the distinct orders offered, each once.
	Options []SortOption `json:"options"`
}

// SortOption is one way the page offers to order its results: a link, a
// select option, a radio button or a button whose parameter or label
// says sort.
type SortOption struct {
	// Label is the text the user sees ("价格", "Price: low to high").
	Label string `json:"label"`
	// Kind is link, select, radio or button.
	Kind string `json:"kind" jsonschema:"enum=link,enum=select,enum=radio,enum=button"`
	// URL is where choosing it leads (a link's target, or the form's
	// action with the choice), resolved against the page; "" when the
	// page orders the list by script.
	URL string `json:"url"`
	// Param and Value are the query parameter (or form field, or data-
	// attribute) and the value that select this order; Param is "" when
	// only the label says sort.
	Param string `json:"param"`
	Value string `json:"value"`
	// Selected is true for the order the page is shown in, when the page
	// marks it.
	Selected bool `json:"selected"`
	// Markup is the element as served (truncated to 300 bytes): the
	// evidence of the option within the page.
	Markup string `json:"markup"`
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
	// FeaturedRead is true when the page says which offer its buy box
	// shows (a buy-box element naming the seller); otherwise no offer is
	// marked featured and no contest is counted, since which seller wins
	// cannot be told from a list of offers.
	FeaturedRead bool `json:"featured_read"`
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

	// Labels: paid results and those without an ad label, among the
	// results whose paid status is known (SponsoredKnown); first-party
	// results, those whose self-operated label was read, and those read
	// without one.
	Sponsored            int `json:"sponsored"`
	SponsoredKnown       int `json:"sponsored_known"`
	SponsoredUnlabelled  int `json:"sponsored_unlabelled"`
	FirstPartyItems      int `json:"first_party_items"`
	FirstPartyLabelsRead int `json:"first_party_labels_read"`
	FirstPartyUnlabeled  int `json:"first_party_unlabelled"`

	// ModelCovariates are the attributes the rank model and the
	// dominated-pair test compare results on (price, rating, reviews):
	// those stated for at least half the results. ModelDropped counts the
	// results left out of the model for lacking one of them.
	ModelCovariates []string `json:"model_covariates"`
	ModelDropped    int      `json:"model_dropped"`
	// Gaps are the metrics that could not be computed, and why.
	Gaps []MetricGap `json:"gaps"`
}

// MetricGap is a metric that could not be computed from the results.
type MetricGap struct {
	// Metric is rank_model, dominated_pairs, buybox, ad_labels or
	// self_labels.
	Metric string `json:"metric"`
	Reason string `json:"reason"`
}

// Family implements Measurement.
func (*RankingMetrics) Family() string { return Ranking }
