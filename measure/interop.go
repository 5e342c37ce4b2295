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
	Payments   []string `json:"payments"`
	Deliveries []string `json:"deliveries"`
	// FirstParty lists the option names the profile says are the
	// platform's own; OwnPayments and OwnDeliveries count them.
	FirstParty    []string `json:"first_party"`
	OwnPayments   int      `json:"own_payments"`
	OwnDeliveries int      `json:"own_deliveries"`
}

// Family implements Measurement.
func (*Checkout) Family() string { return Interop }

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
