package measure

// Input is the policy input document: what every policy sees as `input`
// (docs/input.md).
type Input struct {
	Platform    Platform   `json:"platform"`
	Run         Run        `json:"run"`
	Personas    []string   `json:"personas"`
	FirstParty  FirstParty `json:"first_party"`
	Competitors []string   `json:"competitors"`
	// Measurements holds, per family, the validated measurements in the
	// order they were recorded. Each is its record's data plus "record"
	// (the measurement's own record id) and "persona". They are kept as
	// generic JSON values: they were validated against the schema, and
	// policies read them as JSON.
	Measurements map[string][]map[string]any `json:"measurements"`
}

// Platform identifies the judged platform.
type Platform struct {
	Name    string `json:"name"`
	BaseURL string `json:"base_url"`
	// Jurisdictions are where the platform operates (cn, cn-bj, eu).
	Jurisdictions []string `json:"jurisdictions"`
	// Designations are the designation kinds (gatekeeper, vlop).
	Designations []string `json:"designations"`
	// Designated details designations with their services and dates, when
	// the profile gives them; a kind listed only in Designations counts as
	// designated on an unknown date.
	Designated []Designation `json:"designated"`
}

// Designation is a regulatory designation of the platform, or of one of
// its services, as the profile states it.
type Designation struct {
	Kind string `json:"kind"`
	// Service names the designated service as the decision lists it.
	Service string `json:"service"`
	// Date is when the service was listed in the designation decision
	// (DMA) or the designation was notified (DSA), YYYY-MM-DD; "" when the
	// profile does not say.
	Date string `json:"date"`
}

// Run describes the run the measurements come from.
type Run struct {
	// Started is the run's start time, RFC 3339.
	Started string `json:"started"`
	Tool    string `json:"tool"`
	// Probes lists the probe families that ran.
	Probes []string `json:"probes"`
	// Complete is false when the scan stopped before every probe finished
	// (the target stopped answering, or it was interrupted).
	Complete bool `json:"complete"`
	// Robots is how robots.txt was applied: crawl (public pages only),
	// strict (the personas' own actions too), ignored, or "" for an
	// import.
	Robots string `json:"robots"`
}

// FirstParty names who counts as the platform itself.
type FirstParty struct {
	Brands  []string `json:"brands"`
	Sellers []string `json:"sellers"`
}
