package measure

// Price is the measurement of one price one persona saw.
type Price struct {
	Base
	// Phase is "personalised" or "opted_out" (after the non-personalised
	// switch was used).
	Phase   string `json:"phase"`
	Product string `json:"product"`
	Round   int    `json:"round"`
	// Slot is the persona's position in the round's shuffled order.
	Slot int `json:"slot"`
	// Price is the final price (from the quote step when there is one);
	// 0 when Error says why none was read.
	Price     float64 `json:"price"`
	ListPrice float64 `json:"list_price"`
	Currency  string  `json:"currency"`
	SKU       string  `json:"sku"`
	// Source is where the price came from: quote, jsonld, microdata or
	// selector; "" when none was read.
	Source string `json:"source"`
	// Error says why no price was read; "" when one was.
	Error string `json:"error"`
}

// Family implements Measurement.
func (*Price) Family() string { return Pricing }

// SteeringResults is the measurement of one search result page a persona
// saw, for steering.
type SteeringResults struct {
	Base
	Phase string     `json:"phase"`
	Query string     `json:"query"`
	Round int        `json:"round"`
	Items []ListItem `json:"items"`
	// Error says why no results were read; "" when they were.
	Error string `json:"error"`
}

// Family implements Measurement.
func (*SteeringResults) Family() string { return Pricing }

// ListItem is one ranked result as a page presents it.
type ListItem struct {
	Position int    `json:"position"`
	URL      string `json:"url"`
	// Offer is what the page says of the item; null when it says nothing.
	Offer *ListOffer `json:"offer" jsonschema:"nullable"`
}

// ListOffer is one product as a result list or product page presents it.
type ListOffer struct {
	Name     string  `json:"name"`
	SKU      string  `json:"sku"`
	Brand    string  `json:"brand"`
	Seller   string  `json:"seller"`
	Price    float64 `json:"price"`
	Currency string  `json:"currency"`
	Rating   float64 `json:"rating"`
	Reviews  int     `json:"reviews"`
	// Source says where the price came from: jsonld, microdata, rdfa,
	// opengraph or selector.
	Source string `json:"source"`
}

// NoiseFloor is the measurement of what identical personas show (types
// noise_floor and steering_noise_floor).
type NoiseFloor struct {
	Base
	Phase string `json:"phase"`
	// Pairs are the null pairs compared (reference and controls).
	Pairs [][2]string `json:"pairs"`
	// FloorPct is the largest |product effect| between any null pair.
	FloorPct float64 `json:"floor_pct"`
	// ProductsDiffering counts, per null pair, products with a non-zero
	// effect: the platform's own noise (A/B tests, sticky experiments).
	ProductsDiffering []int     `json:"products_differing"`
	PValues           []float64 `json:"p_values"`
}

// Family implements Measurement.
func (*NoiseFloor) Family() string { return Pricing }

// PersonaTest is the measurement of one persona against the reference
// (types persona_test and steering_test).
type PersonaTest struct {
	Base
	Persona   string `json:"persona"`
	Reference string `json:"reference"`
	Phase     string `json:"phase"`
	// Role is "treatment" or "control".
	Role           string  `json:"role"`
	ProductsTested int     `json:"products_tested"`
	Rounds         int     `json:"rounds"`
	Statistic      float64 `json:"statistic"`
	PValue         float64 `json:"p_value"`
	// PAdjusted is Holm-adjusted across the treatment personas of the phase.
	PAdjusted     float64 `json:"p_adjusted"`
	Permutations  int     `json:"permutations"`
	NoiseFloorPct float64 `json:"noise_floor_pct"`
	// AboveFloor lists products (or queries) whose |effect| exceeds the
	// noise floor; EffectPct is their median effect (0 if none).
	AboveFloor []string        `json:"above_floor"`
	EffectPct  float64         `json:"effect_pct"`
	CILow      float64         `json:"ci_low"`
	CIHigh     float64         `json:"ci_high"`
	Products   []ProductEffect `json:"products"`
}

// Family implements Measurement.
func (*PersonaTest) Family() string { return Pricing }

// ProductEffect is one product's (or query's) difference for a persona
// against the reference.
type ProductEffect struct {
	Product string `json:"product"`
	// EffectPct is the median over rounds of the % difference.
	EffectPct float64 `json:"effect_pct"`
	CILow     float64 `json:"ci_low"`
	CIHigh    float64 `json:"ci_high"`
	// Rounds counts rounds with both prices; Higher and Lower those where
	// the persona paid more or less.
	Rounds          int     `json:"rounds"`
	Higher          int     `json:"higher"`
	Lower           int     `json:"lower"`
	PersonaMedian   float64 `json:"persona_median"`
	ReferenceMedian float64 `json:"reference_median"`
}

// OptOut is the measurement of the search for a non-personalised option
// and of its use.
type OptOut struct {
	Base
	Found bool `json:"found"`
	// Pages are the settings pages searched; PagesRead how many of them
	// answered 2xx, so that "not found" means something.
	Pages     []string          `json:"pages"`
	PagesRead int               `json:"pages_read"`
	Action    string            `json:"action"`
	Method    string            `json:"method"`
	Fields    map[string]string `json:"fields"`
	Text      string            `json:"text"`
	// Applied lists the personas the switch was submitted for.
	Applied []string `json:"applied"`
}

// Family implements Measurement.
func (*OptOut) Family() string { return Pricing }
