// Package profile loads and validates a platform profile: the YAML file that
// tells a scan what platform to visit, as whom, and what to look at.
// docs/profile.md is the reference for every field.
package profile

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/platscan/platscan/internal/yamlfile"
)

// Profile is a validated platform profile.
type Profile struct {
	Platform    Platform   `yaml:"platform"`
	FirstParty  FirstParty `yaml:"first_party"`
	Competitors []string   `yaml:"competitors"`
	Personas    []Persona  `yaml:"personas"`
	Pricing     Pricing    `yaml:"pricing"`
	Ranking     Ranking    `yaml:"ranking"`
	Terms       Terms      `yaml:"terms"`
	Interop     Interop    `yaml:"interop"`
	Extract     Extract    `yaml:"extract"`
	Limits      Limits     `yaml:"limits"`
	Redact      Redact     `yaml:"redact"`

	// Source is the file name and Raw its bytes, kept so a run can store
	// exactly the profile it was scanned with.
	Source string `yaml:"-"`
	Raw    []byte `yaml:"-"`
}

// Platform names the target.
type Platform struct {
	Name          string   `yaml:"name"`
	BaseURL       string   `yaml:"base_url"`
	Jurisdictions []string `yaml:"jurisdictions"`
	// Designations are regulatory designations that scope some duties:
	// "gatekeeper" (EU DMA), "vlop" (EU DSA very large online platform).
	Designations []string `yaml:"designations"`
}

// FirstParty says who counts as the platform itself.
type FirstParty struct {
	Brands  []string `yaml:"brands"`
	Sellers []string `yaml:"sellers"`
}

// Persona is one simulated user with its own cookie jar.
type Persona struct {
	ID      string            `yaml:"id"`
	Headers map[string]string `yaml:"headers"`
	Cookies map[string]string `yaml:"cookies"`
	Login   *Login            `yaml:"login"`
	Warmup  []string          `yaml:"warmup"`
	// Control marks a persona that duplicates another to measure noise.
	Control bool `yaml:"control"`
}

// Login is a form login performed before the persona does anything else.
type Login struct {
	URL  string            `yaml:"url"`
	Form map[string]string `yaml:"form"`
}

// Pricing configures the pricing probe (docs/method-pricing.md).
type Pricing struct {
	Products []string `yaml:"products"`
	Rounds   int      `yaml:"rounds"`
	// Reference is the persona others are compared with (default: the
	// first persona that is not a control).
	Reference string `yaml:"reference"`
	// Seed fixes the persona order shuffles and the statistics' random
	// draws, so a scan can be repeated exactly (default 1).
	Seed uint64 `yaml:"seed"`
	// Quote is a URL template for the platform's price quote or checkout
	// preview, with {sku} or {path}; when set, its final price is used.
	Quote    string   `yaml:"quote"`
	OptOut   OptOut   `yaml:"opt_out"`
	Steering Steering `yaml:"steering"`
}

// OptOut says where to look for the switch that turns personalisation off.
type OptOut struct {
	// Pages are searched for a form whose text mentions personalisation
	// (default ["/settings"]).
	Pages []string `yaml:"pages"`
	// Disabled skips the opt-out phase.
	Disabled bool `yaml:"disabled"`
}

// Steering configures the steering measurement.
type Steering struct {
	// Queries default to ranking.queries.
	Queries []string `yaml:"queries"`
	// Search is the search URL template with {query} (default /search?q={query}).
	Search string `yaml:"search"`
	// TopK results are weighed (default ranking.top_k, else 10).
	TopK int `yaml:"top_k"`
}

// Ranking configures the ranking probe.
type Ranking struct {
	Queries []string `yaml:"queries"`
	TopK    int      `yaml:"top_k"`
}

// Terms configures the terms probe.
type Terms struct {
	// Persona reads the documents; default the first persona.
	Persona string `yaml:"persona"`
	// Rules are the platform rules / trading rules pages, which the law
	// requires to be published and linked from the home page.
	Rules []string `yaml:"rules"`
	// Pages are other documents to read: terms, merchant agreements.
	Pages []string `yaml:"pages"`
	// Announcements are pages listing rule changes with their dates.
	Announcements []string `yaml:"announcements"`
	// Language is "auto", "zh" or "en".
	Language string `yaml:"language"`
}

// Interop configures the interoperability probe (docs/method-interop.md).
// Every check compares the profile's competitors with neutral controls of
// the same kind.
type Interop struct {
	// Controls are neutral sites, treated as the baseline for competitors.
	Controls []string `yaml:"controls"`
	// LinkCheck is the platform's outbound-link endpoint, with {url}.
	LinkCheck string `yaml:"link_check"`
	// UGC renders user content (a review or message preview) from a form.
	UGC UGC `yaml:"ugc"`
	// Crawlers are user agents of competitors' crawlers and of neutral ones.
	Crawlers Crawlers `yaml:"crawlers"`
	// OAuth is the authorisation endpoint, with {client} and {redirect}.
	OAuth OAuth `yaml:"oauth"`
	// Checkout lists payment and delivery options.
	Checkout Checkout `yaml:"checkout"`
	// Export is the user's data export.
	Export Export `yaml:"export"`
	// Persona runs the checks that need an account (default the first).
	Persona string `yaml:"persona"`
}

// UGC is a form that renders user-written text.
type UGC struct {
	URL   string `yaml:"url"`
	Field string `yaml:"field"`
}

// Crawlers names the crawler user agents to compare.
type Crawlers struct {
	Competitor []string `yaml:"competitor"`
	Neutral    []string `yaml:"neutral"`
	Paths      []string `yaml:"paths"`
}

// OAuth describes third-party login or API authorisation.
type OAuth struct {
	Authorize  string   `yaml:"authorize"`
	Competitor []Client `yaml:"competitor"`
	Control    []Client `yaml:"control"`
}

// Client is an OAuth client registration.
type Client struct {
	ID       string `yaml:"id"`
	Redirect string `yaml:"redirect"`
}

// Checkout is a page with the payment and delivery choices.
type Checkout struct {
	URL string `yaml:"url"`
	// FirstParty names the platform's own payment and delivery services
	// as they appear on the page.
	FirstParty []string `yaml:"first_party"`
}

// Export is the personal-data export.
type Export struct {
	URL string `yaml:"url"`
	// Expect lists the sections a complete export contains.
	Expect []string `yaml:"expect"`
}

// Configured reports whether any interoperability check is set up.
func (i Interop) Configured() bool {
	return i.LinkCheck != "" || i.UGC.URL != "" || len(i.Crawlers.Competitor) > 0 || i.OAuth.Authorize != "" ||
		i.Checkout.URL != "" || i.Export.URL != ""
}

// Extract overrides how structured data is read from pages.
type Extract struct {
	Price   string `yaml:"price"`
	Name    string `yaml:"name"`
	Results string `yaml:"results"`
}

// Redact marks personal data to remove before anything is stored.
type Redact struct {
	// Literals are exact strings (a test account's name, phone number).
	Literals []string `yaml:"literals"`
	// Patterns are regular expressions (RE2), e.g. 1[3-9]\d{9} for
	// mainland mobile numbers.
	Patterns []string `yaml:"patterns"`
}

// Matcher returns one expression matching every marked item, the login
// form values of every persona included (the password is removed anyway),
// or nil when nothing is marked.
func (p *Profile) Matcher() *regexp.Regexp {
	var alts []string
	for _, l := range p.Redact.Literals {
		if l != "" {
			alts = append(alts, regexp.QuoteMeta(l))
		}
	}
	for _, per := range p.Personas {
		if per.Login == nil {
			continue
		}
		for _, v := range per.Login.Form {
			if len(v) >= 3 {
				alts = append(alts, regexp.QuoteMeta(v))
			}
		}
	}
	alts = append(alts, p.Redact.Patterns...)
	if len(alts) == 0 {
		return nil
	}
	re, err := regexp.Compile("(?:" + strings.Join(alts, ")|(?:") + ")")
	if err != nil {
		return nil // patterns are checked when the profile loads
	}
	return re
}

// Limits keeps a scan polite and bounded.
type Limits struct {
	Rate       string `yaml:"rate"` // "2/s", "30/m", or "off"
	MaxPages   int    `yaml:"max_pages"`
	MaxBody    string `yaml:"max_body"` // "8MiB"
	ObeyRobots *bool  `yaml:"obey_robots"`
	// StrictRobots applies robots.txt to the personas' own actions too
	// (login, account, checkout, settings), not only to crawling.
	StrictRobots bool   `yaml:"strict_robots"`
	Timeout      string `yaml:"timeout"` // per request, "30s"
	MaxRedirects *int   `yaml:"max_redirects"`
	Retries      *int   `yaml:"retries"`
	// AllowPrivate lets the scan reach private, loopback and link-local
	// addresses: for lab targets (the fixtures, a staging host) only. By
	// default the address guard refuses them (docs/profile.md).
	AllowPrivate bool `yaml:"allow_private"`

	// Parsed forms, filled by Load.
	RatePerSecond float64       `yaml:"-"`
	MaxBodyBytes  int64         `yaml:"-"`
	TimeoutDur    time.Duration `yaml:"-"`
}

// Known jurisdiction codes.
var Jurisdictions = []string{"cn", "cn-bj", "eu"}

var personaID = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// Load reads and validates the profile at path.
func Load(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load profile: %w", err)
	}
	return Parse(path, b)
}

// Parse validates a profile held in memory; name is used in errors.
func Parse(name string, data []byte) (*Profile, error) {
	var p Profile
	doc, err := yamlfile.Decode(name, data, &p)
	if err != nil {
		return nil, err
	}
	p.Source, p.Raw = name, data
	if err := p.validate(doc); err != nil {
		return nil, err
	}
	return &p, nil
}

func (p *Profile) validate(doc *yamlfile.Doc) error {
	if p.Platform.Name == "" {
		return doc.Errorf("$.platform.name", "is required")
	}
	u, err := url.Parse(p.Platform.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return doc.Errorf("$.platform.base_url", "%q is not an absolute http(s) URL", p.Platform.BaseURL)
	}
	if len(p.Platform.Jurisdictions) == 0 {
		return doc.Errorf("$.platform.jurisdictions", "name at least one of %v", Jurisdictions)
	}
	for i, j := range p.Platform.Jurisdictions {
		if !slices.Contains(Jurisdictions, strings.ToLower(j)) {
			return doc.Errorf(fmt.Sprintf("$.platform.jurisdictions[%d]", i), "%q is not one of %v", j, Jurisdictions)
		}
		p.Platform.Jurisdictions[i] = strings.ToLower(j)
	}
	for i, d := range p.Platform.Designations {
		if d != "gatekeeper" && d != "vlop" {
			return doc.Errorf(fmt.Sprintf("$.platform.designations[%d]", i), "%q is not gatekeeper or vlop", d)
		}
	}
	if p.Interop.Configured() && len(p.Competitors) == 0 && len(p.Interop.OAuth.Competitor) == 0 && len(p.Interop.Crawlers.Competitor) == 0 {
		return doc.Errorf("$.competitors", "interoperability checks compare competitors with controls: name at least one competitor")
	}
	if p.Interop.LinkCheck != "" && !strings.Contains(p.Interop.LinkCheck, "{url}") {
		return doc.Errorf("$.interop.link_check", "template %q has no {url}", p.Interop.LinkCheck)
	}
	if (p.Interop.LinkCheck != "" || p.Interop.UGC.URL != "") && len(p.Interop.Controls) == 0 {
		return doc.Errorf("$.interop.controls", "link checks need neutral control URLs to compare competitors with")
	}
	if p.Interop.Persona != "" {
		if _, ok := p.Persona(p.Interop.Persona); !ok {
			return doc.Errorf("$.interop.persona", "unknown persona %q", p.Interop.Persona)
		}
	}
	for i, c := range p.Competitors {
		if cu, err := url.Parse(c); err != nil || cu.Host == "" {
			return doc.Errorf(fmt.Sprintf("$.competitors[%d]", i), "%q is not an absolute URL", c)
		}
	}
	if len(p.Personas) == 0 {
		return doc.Errorf("$.personas", "define at least one persona")
	}
	seen := map[string]bool{}
	for i, per := range p.Personas {
		at := fmt.Sprintf("$.personas[%d]", i)
		if !personaID.MatchString(per.ID) {
			return doc.Errorf(at+".id", "%q must be lower-case letters, digits, - or _", per.ID)
		}
		if seen[per.ID] {
			return doc.Errorf(at+".id", "duplicate persona %q", per.ID)
		}
		seen[per.ID] = true
		if per.Login != nil && per.Login.URL == "" {
			return doc.Errorf(at+".login.url", "is required")
		}
	}
	if p.Terms.Persona != "" && !seen[p.Terms.Persona] {
		return doc.Errorf("$.terms.persona", "unknown persona %q", p.Terms.Persona)
	}
	switch p.Terms.Language {
	case "", "auto", "zh", "en":
	default:
		return doc.Errorf("$.terms.language", "%q is not auto, zh or en", p.Terms.Language)
	}
	if p.Pricing.Rounds < 0 {
		return doc.Errorf("$.pricing.rounds", "must not be negative")
	}
	if r := p.Pricing.Reference; r != "" {
		per, ok := p.Persona(r)
		if !ok {
			return doc.Errorf("$.pricing.reference", "unknown persona %q", r)
		}
		if per.Control {
			return doc.Errorf("$.pricing.reference", "%q is a control persona; the reference must not be one", r)
		}
	}
	if q := p.Pricing.Quote; q != "" && !strings.Contains(q, "{sku}") && !strings.Contains(q, "{path}") {
		return doc.Errorf("$.pricing.quote", "template %q has neither {sku} nor {path}", q)
	}
	if s := p.Pricing.Steering.Search; s != "" && !strings.Contains(s, "{query}") {
		return doc.Errorf("$.pricing.steering.search", "template %q has no {query}", s)
	}
	if p.Ranking.TopK < 0 {
		return doc.Errorf("$.ranking.top_k", "must not be negative")
	}
	for i, pat := range p.Redact.Patterns {
		if _, err := regexp.Compile(pat); err != nil {
			return doc.Errorf(fmt.Sprintf("$.redact.patterns[%d]", i), "not a regular expression: %v", err)
		}
	}
	return p.Limits.parse(doc)
}

func (l *Limits) parse(doc *yamlfile.Doc) error {
	var err error
	if l.RatePerSecond, err = ParseRate(l.Rate); err != nil {
		return doc.Errorf("$.limits.rate", "%v", err)
	}
	if l.MaxBodyBytes, err = ParseSize(l.MaxBody); err != nil {
		return doc.Errorf("$.limits.max_body", "%v", err)
	}
	l.TimeoutDur = 30 * time.Second
	if l.Timeout != "" {
		if l.TimeoutDur, err = time.ParseDuration(l.Timeout); err != nil || l.TimeoutDur <= 0 {
			return doc.Errorf("$.limits.timeout", "%q is not a positive duration such as 30s", l.Timeout)
		}
	}
	if l.MaxPages < 0 {
		return doc.Errorf("$.limits.max_pages", "must not be negative")
	}
	if l.MaxRedirects != nil && *l.MaxRedirects < 0 {
		return doc.Errorf("$.limits.max_redirects", "must not be negative")
	}
	if l.Retries != nil && *l.Retries < 0 {
		return doc.Errorf("$.limits.retries", "must not be negative")
	}
	return nil
}

// ObeysRobots reports whether robots.txt is obeyed (the default).
func (l Limits) ObeysRobots() bool { return l.ObeyRobots == nil || *l.ObeyRobots }

// RobotsPolicy names how robots.txt is applied: "crawl" (public pages
// only, the default), "strict" (the personas' own actions too) or
// "ignored".
func (l Limits) RobotsPolicy() string {
	switch {
	case !l.ObeysRobots():
		return "ignored"
	case l.StrictRobots:
		return "strict"
	}
	return "crawl"
}

// Redirects is the redirect limit (default 10).
func (l Limits) Redirects() int {
	if l.MaxRedirects == nil {
		return 10
	}
	return *l.MaxRedirects
}

// RetryCount is how often a failed request is retried (default 2).
func (l Limits) RetryCount() int {
	if l.Retries == nil {
		return 2
	}
	return *l.Retries
}

// ParseRate reads "2/s", "30/m", "1/h" or "off" ("" means the default of
// 2/s). It returns requests per second; 0 means no limit.
func ParseRate(s string) (float64, error) {
	switch strings.TrimSpace(s) {
	case "":
		return 2, nil
	case "off", "0":
		return 0, nil
	}
	n, unit, ok := strings.Cut(strings.TrimSpace(s), "/")
	v, err := strconv.ParseFloat(n, 64)
	if !ok || err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a rate such as 2/s, 30/m or off", s)
	}
	switch unit {
	case "s":
		return v, nil
	case "m":
		return v / 60, nil
	case "h":
		return v / 3600, nil
	}
	return 0, fmt.Errorf("%q: unit must be s, m or h", s)
}

// ParseSize reads sizes such as "8MiB", "512KiB", "1000000" ("" means the
// default of 8 MiB).
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 8 << 20, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a size such as 8MiB", s)
	}
	return v * mult, nil
}

// Resolve turns a path from the profile into an absolute URL on the
// platform. Absolute URLs are returned unchanged.
func (p *Profile) Resolve(ref string) (string, error) {
	base, err := url.Parse(p.Platform.BaseURL)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", ref, err)
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", ref, err)
	}
	return base.ResolveReference(r).String(), nil
}

// Persona returns the persona with id.
func (p *Profile) Persona(id string) (Persona, bool) {
	for _, per := range p.Personas {
		if per.ID == id {
			return per, true
		}
	}
	return Persona{}, false
}
