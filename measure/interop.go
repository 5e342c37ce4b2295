package measure

// Setup records what the profile asked the interop probe to compare.
type Setup struct {
	Base
	Competitors []string `json:"competitors"`
	Controls    []string `json:"controls"`
	// Checks lists the mechanisms configured (link_check, ugc, crawler,
	// oauth, checkout, export).
	Checks []string `json:"checks"`
}

// Family implements Measurement.
func (*Setup) Family() string { return Interop }

// Treatment is the measurement of how one target was treated by one
// mechanism. Response is the request that tested it.
type Treatment struct {
	Base
	Response
	// Mechanism is link_check, ugc, crawler or oauth.
	Mechanism string `json:"mechanism"`
	// Target is the URL, user agent or client id tested.
	Target string `json:"target"`
	// TargetKind is "competitor" or "control".
	TargetKind string `json:"target_kind" jsonschema:"enum=competitor,enum=control"`
	// Outcome is what the platform did (direct, interstitial, blocked,
	// ...), or "error" when the check could not be made.
	Outcome string `json:"outcome"`
	// Rank orders outcomes: 0 unobstructed .. 3 blocked.
	Rank int `json:"rank"`
	// Detail explains the outcome in words; "" when there is nothing more
	// to say.
	Detail string `json:"detail"`
}

// Family implements Measurement.
func (*Treatment) Family() string { return Interop }

// Checkout is the measurement of the choices offered at checkout.
type Checkout struct {
	Base
	Response
	// Payments and Deliveries are the values of the payment and delivery
	// choices; PaymentOptions and DeliveryOptions the same choices with
	// their labels and which one is pre-selected.
	Payments        []string         `json:"payments"`
	Deliveries      []string         `json:"deliveries"`
	PaymentOptions  []CheckoutChoice `json:"payment_options"`
	DeliveryOptions []CheckoutChoice `json:"delivery_options"`
	// AddOns are the other things the order form lets the buyer add
	// (shipping insurance, a membership, an extended warranty), each with
	// whether it is pre-selected and whether it costs money.
	AddOns []AddOn `json:"add_ons"`
	// FirstParty lists the option names the profile says are the
	// platform's own; OwnPayments and OwnDeliveries count them.
	FirstParty    []string `json:"first_party"`
	OwnPayments   int      `json:"own_payments"`
	OwnDeliveries int      `json:"own_deliveries"`
}

// Family implements Measurement.
func (*Checkout) Family() string { return Interop }

// CheckoutChoice is one payment or delivery option.
type CheckoutChoice struct {
	Value    string `json:"value"`
	Label    string `json:"label"`
	Selected bool   `json:"selected"`
}

// AddOn is an optional extra offered with an order.
type AddOn struct {
	// Name and Value are the form field and the value it submits.
	Name  string `json:"name"`
	Value string `json:"value"`
	// Label is the text the buyer sees.
	Label string `json:"label"`
	// Selected is true when the page serves it already chosen (a ticked
	// box, a pre-selected option).
	Selected bool `json:"selected"`
	// Paid is true when the page states a price above zero for it; Price
	// is that price (null when none is stated) in Currency.
	Paid     bool     `json:"paid"`
	Price    *float64 `json:"price" jsonschema:"nullable"`
	Currency string   `json:"currency"`
	// Markup is the control as served (truncated): the evidence of how it
	// was offered.
	Markup string `json:"markup"`
}

// Export is the measurement of the personal-data export.
type Export struct {
	Base
	Response
	Found           bool `json:"found"`
	MachineReadable bool `json:"machine_readable"`
	// Format is the media type served; "" when nothing was served.
	Format   string   `json:"format"`
	Sections []string `json:"sections"`
	Missing  []string `json:"missing"`
}

// Family implements Measurement.
func (*Export) Family() string { return Interop }
