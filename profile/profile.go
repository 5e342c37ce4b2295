// Package profile loads and validates a platform profile: the YAML file that
// tells a scan what platform to visit, as whom, and what to look at.
// docs/profile.md is the reference for every field.
package profile

import (
	"fmt"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones in browser settings are checked where the system has no zoneinfo

	"github.com/andybalholm/cascadia"
	"golang.org/x/text/language"

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
	// Render is how pages are read: "http" (the default) or "browser" (a
	// headless Chromium runs their JavaScript); each probe may override it.
	Render  string  `yaml:"render"`
	Browser Browser `yaml:"browser"`

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
	Designations []Designation `yaml:"designations"`
}

// Designation is one designation of the platform or one of its services.
// In YAML it is either a bare kind ("gatekeeper": designated, date
// unknown) or a mapping {kind, service, date} naming the designated
// service and the date it was listed in the designation decision (DMA) or
// the designation was notified (DSA).
type Designation struct {
	Kind    string
	Service string
	Date    string

	problem, at string // a decoding problem, reported with its line by Load
}

// UnmarshalYAML accepts both forms; what is wrong is kept for validate,
// which can name the line.
func (d *Designation) UnmarshalYAML(unmarshal func(any) error) error {
	var v any
	if err := unmarshal(&v); err != nil {
		return err
	}
	switch t := v.(type) {
	case string:
		d.Kind = t
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			s, ok := t[k].(string)
			if !ok {
				d.problem, d.at = "must be text", "."+k
				return nil
			}
			switch k {
			case "kind":
				d.Kind = s
			case "service":
				d.Service = s
			case "date":
				d.Date = s
			default:
				d.problem, d.at = fmt.Sprintf("unknown key %q (use kind, service, date)", k), "."+k
				return nil
			}
		}
	default:
		d.problem = "is neither a designation kind nor a mapping {kind, service, date}"
	}
	return nil
}

// DesignationKinds lists the kinds of designation a profile may state.
var DesignationKinds = []string{"gatekeeper", "vlop"}

// Kinds returns the designation kinds, each once, in profile order.
func (p Platform) Kinds() []string {
	out := []string{}
	for _, d := range p.Designations {
		if !slices.Contains(out, d.Kind) {
			out = append(out, d.Kind)
		}
	}
	return out
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
	// Description says in words whom the persona stands for ("a
	// logged-in member with a purchase history"); complaint letters
	// describe personas with it rather than by id.
	Description Text `yaml:"description"`
	// Browser is the persona's device in browser mode, over the
	// profile's browser settings (an iPhone user: viewport and mobile).
	Browser *Emulation `yaml:"browser"`
}

// Text is a phrase in Chinese and English. In YAML it is either a plain
// string, used for both, or {zh: ..., en: ...}.
type Text struct {
	ZH string `yaml:"zh"`
	EN string `yaml:"en"`

	// problem is kept for validate, which can name the line.
	problem string
}

// UnmarshalYAML accepts a plain string or a {zh, en} mapping.
func (t *Text) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err == nil {
		t.ZH, t.EN = s, s
		return nil
	}
	var m map[string]string
	if err := unmarshal(&m); err != nil {
		t.problem = "must be a string or {zh: ..., en: ...}"
		return nil
	}
	for k := range m {
		if k != "zh" && k != "en" {
			t.problem = fmt.Sprintf("unknown language %q (use zh and en)", k)
		}
	}
	t.ZH, t.EN = m["zh"], m["en"]
	return nil
}

// In returns the text in lang ("zh" or "en"), falling back to the other
// language when that one is empty.
func (t Text) In(lang string) string {
	if lang == "zh" && t.ZH != "" || t.EN == "" {
		return t.ZH
	}
	return t.EN
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
	// Render overrides the profile's render for this probe.
	Render string `yaml:"render"`
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
	// Search is the old place of ranking.search, still read when
	// ranking.search is not given.
	//
	// Deprecated: use ranking.search.
	Search string `yaml:"search"`
	// TopK results are weighed (default ranking.top_k, else 10).
	TopK int `yaml:"top_k"`
}

// Ranking configures the ranking probe.
type Ranking struct {
	Queries []string `yaml:"queries"`
	TopK    int      `yaml:"top_k"`
	// Search is the search URL template with {query} (default
	// /search?q={query}); the pricing probe's steering measure uses it too.
	Search string `yaml:"search"`
	// Render overrides the profile's render for this probe.
	Render string `yaml:"render"`
	// API, in browser mode, names the JSON API the search page fetches its
	// results from; the results are read from that recorded response
	// rather than from the page's markup (the steering measurement of the
	// pricing probe reads the same search pages).
	API *API `yaml:"api"`
}

// DefaultSearch is the search URL template used when the profile names none.
const DefaultSearch = "/search?q={query}"

// SearchTemplate is the platform's search URL template: ranking.search,
// else the deprecated pricing.steering.search, else DefaultSearch.
func (p *Profile) SearchTemplate() string {
	switch {
	case p.Ranking.Search != "":
		return p.Ranking.Search
	case p.Pricing.Steering.Search != "":
		return p.Pricing.Steering.Search
	}
	return DefaultSearch
}

// API says where a page's data sits in the JSON a platform's own API
// returned to the browser (docs/browser.md).
type API struct {
	// Path is the API's URL path (/api/search); the page's last response
	// from that path is read.
	Path string `yaml:"path"`
	// Items is the dotted path to the list of results in the response
	// (data.items); "" when the response is the list.
	Items string `yaml:"items"`
	// Fields maps result fields (url, name, sku, brand, seller, price,
	// currency, rating, reviews, position) to dotted paths within an item.
	Fields map[string]string `yaml:"fields"`
}

// APIFields are the result fields an API mapping may name.
var APIFields = []string{"url", "name", "sku", "brand", "seller", "price", "currency", "rating", "reviews", "position"}

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
	// Render overrides the profile's render for this probe.
	Render string `yaml:"render"`
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
	// Render overrides the profile's render for the checks made as the
	// persona (UGC, checkout, export); link, crawler and OAuth checks
	// read the platform's raw answers over HTTP whatever it says.
	Render string `yaml:"render"`
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

// Extract says how to read a platform whose pages carry no structured
// data (CSS selectors), and what to assume about prices a page does not
// qualify (language and currency). Structured data (schema.org JSON-LD,
// microdata, RDFa, OpenGraph) is always read first; the selectors are
// used where it yields nothing (docs/method-extraction.md).
type Extract struct {
	// Lang is the page language to assume when a page declares none
	// (BCP 47, such as zh-CN or de-DE): it decides whether "1.299" is a
	// thousand or a decimal.
	Lang string `yaml:"lang"`
	// Currency is the ISO 4217 code prices are in when a page does not
	// say (CNY, EUR); it names an ambiguous sign such as ¥ or $.
	Currency string `yaml:"currency"`
	// Price and Name are the old places of product.price and
	// product.name, still read when those are not given.
	//
	// Deprecated: use product.price and product.name.
	Price string `yaml:"price"`
	Name  string `yaml:"name"`
	// Product reads a product page.
	Product ProductSelectors `yaml:"product"`
	// Results reads a search result page.
	Results ResultSelectors `yaml:"results"`
}

// ProductSelectors are CSS selectors for the fields of a product page.
type ProductSelectors struct {
	Name   string `yaml:"name"`
	Price  string `yaml:"price"`
	Seller string `yaml:"seller"`
	Brand  string `yaml:"brand"`
}

// ResultSelectors are CSS selectors for a result list: Item finds each
// result (inside Container, when given); the others are looked up inside
// each result.
type ResultSelectors struct {
	Container string `yaml:"container"`
	Item      string `yaml:"item"`
	Link      string `yaml:"link"`
	Name      string `yaml:"name"`
	Price     string `yaml:"price"`
	Seller    string `yaml:"seller"`
	Brand     string `yaml:"brand"`
	// SelfLabel matches the platform's "self-operated" (自营) mark and
	// AdLabel its "ad" (广告) mark, inside a result or on the result itself.
	SelfLabel string `yaml:"self_label"`
	AdLabel   string `yaml:"ad_label"`
}

// ProductPage returns the product page selectors with the deprecated
// extract.price and extract.name filled in where product gives none.
func (e Extract) ProductPage() ProductSelectors {
	s := e.Product
	if s.Price == "" {
		s.Price = e.Price
	}
	if s.Name == "" {
		s.Name = e.Name
	}
	return s
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

// Render modes.
const (
	RenderHTTP    = "http"
	RenderBrowser = "browser"
)

// Browser configures browser mode (docs/browser.md).
type Browser struct {
	// Path is the Chromium executable (default: $PLATSCAN_CHROME, then
	// chromium on PATH).
	Path string `yaml:"path"`
	// SettleMS is how long, in milliseconds, the network must stay quiet
	// after a page loads before it is read (default 500).
	SettleMS *int `yaml:"settle_ms"`
	// Timeout bounds one page load, settling included (default
	// limits.timeout).
	Timeout string `yaml:"timeout"`
	// Screenshots keeps a full-page screenshot of every page (default
	// true); pixels cannot be redacted, so turn it off when a persona's
	// pages show personal data.
	Screenshots *bool `yaml:"screenshots"`
	// Emulation is every persona's device unless its own says otherwise.
	Emulation `yaml:",inline"`

	// Parsed forms, filled by Load.
	TimeoutDur time.Duration `yaml:"-"`
}

// Emulation is how a persona's browser presents itself.
type Emulation struct {
	// Viewport is WIDTHxHEIGHT in CSS pixels (default 1366x900, or
	// 390x844 when mobile).
	Viewport string `yaml:"viewport"`
	// Mobile emulates a phone (touch, mobile viewport); default: when the
	// persona's User-Agent says Mobile, iPhone or Android.
	Mobile *bool `yaml:"mobile"`
	// Locale is an ICU locale such as zh_CN.
	Locale string `yaml:"locale"`
	// Timezone is an IANA time zone such as Asia/Shanghai.
	Timezone    string       `yaml:"timezone"`
	Geolocation *Geolocation `yaml:"geolocation"`

	// Width and Height are Viewport parsed by Load.
	Width  int `yaml:"-"`
	Height int `yaml:"-"`
}

// Geolocation is a position the browser reports, in degrees (accuracy in
// metres, default 50).
type Geolocation struct {
	Latitude  float64 `yaml:"latitude"`
	Longitude float64 `yaml:"longitude"`
	Accuracy  float64 `yaml:"accuracy"`
}

// RenderOf returns how probe reads pages: its own render, else the
// profile's, else http.
func (p *Profile) RenderOf(probe string) string {
	own := map[string]string{"pricing": p.Pricing.Render, "ranking": p.Ranking.Render, "terms": p.Terms.Render, "interop": p.Interop.Render}[probe]
	switch {
	case own != "":
		return own
	case p.Render != "":
		return p.Render
	}
	return RenderHTTP
}

// UsesBrowser reports whether any probe reads pages in a browser.
func (p *Profile) UsesBrowser() bool {
	for _, probe := range []string{"pricing", "ranking", "terms", "interop"} {
		if p.RenderOf(probe) == RenderBrowser {
			return true
		}
	}
	return false
}

// EmulationOf returns per's device in browser mode: its own settings over
// the profile's, mobile when its User-Agent says so and nothing says
// otherwise.
func (p *Profile) EmulationOf(per Persona) Emulation {
	e := p.Browser.Emulation
	if o := per.Browser; o != nil {
		if o.Viewport != "" {
			e.Viewport, e.Width, e.Height = o.Viewport, o.Width, o.Height
		}
		if o.Mobile != nil {
			e.Mobile = o.Mobile
		}
		if o.Locale != "" {
			e.Locale = o.Locale
		}
		if o.Timezone != "" {
			e.Timezone = o.Timezone
		}
		if o.Geolocation != nil {
			e.Geolocation = o.Geolocation
		}
	}
	if e.Mobile == nil {
		ua := per.Headers["User-Agent"]
		mobile := strings.Contains(ua, "Mobile") || strings.Contains(ua, "iPhone") || strings.Contains(ua, "Android")
		e.Mobile = &mobile
	}
	return e
}

var viewport = regexp.MustCompile(`^([1-9][0-9]{1,4})x([1-9][0-9]{1,4})$`)

func (e *Emulation) parse(doc *yamlfile.Doc, at string) error {
	if e.Viewport != "" {
		m := viewport.FindStringSubmatch(e.Viewport)
		if m == nil {
			return doc.Errorf(at+".viewport", "%q is not WIDTHxHEIGHT in pixels, such as 1366x900", e.Viewport)
		}
		e.Width, _ = strconv.Atoi(m[1])
		e.Height, _ = strconv.Atoi(m[2])
	}
	if e.Timezone != "" {
		if _, err := time.LoadLocation(e.Timezone); err != nil || e.Timezone == "Local" {
			return doc.Errorf(at+".timezone", "%q is not an IANA time zone such as Asia/Shanghai", e.Timezone)
		}
	}
	if e.Locale != "" && !locale.MatchString(e.Locale) {
		return doc.Errorf(at+".locale", "%q is not a locale such as zh_CN or en_US", e.Locale)
	}
	if g := e.Geolocation; g != nil {
		switch {
		case g.Latitude < -90 || g.Latitude > 90:
			return doc.Errorf(at+".geolocation.latitude", "%v is not between -90 and 90", g.Latitude)
		case g.Longitude < -180 || g.Longitude > 180:
			return doc.Errorf(at+".geolocation.longitude", "%v is not between -180 and 180", g.Longitude)
		case g.Accuracy < 0:
			return doc.Errorf(at+".geolocation.accuracy", "must not be negative")
		}
	}
	return nil
}

var locale = regexp.MustCompile(`^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$`)

// parseBrowser checks the render modes and browser settings.
func (p *Profile) parseBrowser(doc *yamlfile.Doc) error {
	for _, r := range []struct{ at, mode string }{{"$.render", p.Render}, {"$.pricing.render", p.Pricing.Render},
		{"$.ranking.render", p.Ranking.Render}, {"$.terms.render", p.Terms.Render}, {"$.interop.render", p.Interop.Render}} {
		if r.mode != "" && r.mode != RenderHTTP && r.mode != RenderBrowser {
			return doc.Errorf(r.at, "%q is not http or browser", r.mode)
		}
	}
	b := &p.Browser
	if b.SettleMS != nil && *b.SettleMS < 0 {
		return doc.Errorf("$.browser.settle_ms", "must not be negative")
	}
	b.TimeoutDur = p.Limits.TimeoutDur
	if b.Timeout != "" {
		d, err := time.ParseDuration(b.Timeout)
		if err != nil || d <= 0 {
			return doc.Errorf("$.browser.timeout", "%q is not a positive duration such as 30s", b.Timeout)
		}
		b.TimeoutDur = d
	}
	if err := b.Emulation.parse(doc, "$.browser"); err != nil {
		return err
	}
	for i := range p.Personas {
		if e := p.Personas[i].Browser; e != nil {
			if err := e.parse(doc, fmt.Sprintf("$.personas[%d].browser", i)); err != nil {
				return err
			}
		}
	}
	if a := p.Ranking.API; a != nil {
		if !strings.HasPrefix(a.Path, "/") {
			return doc.Errorf("$.ranking.api.path", "%q is not a URL path such as /api/search", a.Path)
		}
		if _, ok := a.Fields["url"]; !ok {
			return doc.Errorf("$.ranking.api.fields", "name at least the url field (and seller, brand, price... as the API has them)")
		}
		for _, k := range slices.Sorted(maps.Keys(a.Fields)) {
			if !slices.Contains(APIFields, k) {
				return doc.Errorf("$.ranking.api.fields."+k, "unknown field (use %s)", strings.Join(APIFields, ", "))
			}
		}
	}
	return nil
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
		return doc.Errorf("$.platform.jurisdictions", "name at least one of %s", strings.Join(Jurisdictions, ", "))
	}
	for i, j := range p.Platform.Jurisdictions {
		if !slices.Contains(Jurisdictions, strings.ToLower(j)) {
			return doc.Errorf(fmt.Sprintf("$.platform.jurisdictions[%d]", i), "%q is not one of %s", j, strings.Join(Jurisdictions, ", "))
		}
		p.Platform.Jurisdictions[i] = strings.ToLower(j)
	}
	for i, d := range p.Platform.Designations {
		at := fmt.Sprintf("$.platform.designations[%d]", i)
		switch {
		case d.problem != "":
			return doc.Errorf(at+d.at, "%s", d.problem)
		case !slices.Contains(DesignationKinds, d.Kind):
			return doc.Errorf(at, "%q is not gatekeeper or vlop", d.Kind)
		case d.Date != "" && !validDate(d.Date):
			return doc.Errorf(at+".date", "%q is not a YYYY-MM-DD date", d.Date)
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
		if per.Description.problem != "" {
			return doc.Errorf(at+".description", "%s", per.Description.problem)
		}
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
	if s := p.Ranking.Search; s != "" && !strings.Contains(s, "{query}") {
		return doc.Errorf("$.ranking.search", "template %q has no {query}", s)
	}
	if a, b := p.Ranking.Search, p.Pricing.Steering.Search; a != "" && b != "" && a != b {
		return doc.Errorf("$.pricing.steering.search", "differs from ranking.search; the search template belongs to ranking.search (steering uses it too): remove this one")
	}
	if p.Ranking.TopK < 0 {
		return doc.Errorf("$.ranking.top_k", "must not be negative")
	}
	if err := p.Extract.validate(doc); err != nil {
		return err
	}
	for i, pat := range p.Redact.Patterns {
		if _, err := regexp.Compile(pat); err != nil {
			return doc.Errorf(fmt.Sprintf("$.redact.patterns[%d]", i), "not a regular expression: %v", err)
		}
	}
	if err := p.Limits.parse(doc); err != nil {
		return err
	}
	return p.parseBrowser(doc)
}

// currencyCode is an ISO 4217 alphabetic code.
var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

func (e *Extract) validate(doc *yamlfile.Doc) error {
	if e.Lang != "" {
		if _, err := language.Parse(e.Lang); err != nil {
			return doc.Errorf("$.extract.lang", "%q is not a language tag such as zh-CN or de-DE", e.Lang)
		}
	}
	if e.Currency != "" {
		e.Currency = strings.ToUpper(strings.TrimSpace(e.Currency))
		if !currencyCode.MatchString(e.Currency) {
			return doc.Errorf("$.extract.currency", "%q is not an ISO 4217 code such as CNY or EUR", e.Currency)
		}
	}
	r := e.Results
	sels := []struct{ at, sel string }{
		{"price", e.Price}, {"name", e.Name},
		{"product.name", e.Product.Name}, {"product.price", e.Product.Price}, {"product.seller", e.Product.Seller}, {"product.brand", e.Product.Brand},
		{"results.container", r.Container}, {"results.item", r.Item}, {"results.link", r.Link}, {"results.name", r.Name},
		{"results.price", r.Price}, {"results.seller", r.Seller}, {"results.brand", r.Brand},
		{"results.self_label", r.SelfLabel}, {"results.ad_label", r.AdLabel},
	}
	for _, s := range sels {
		if s.sel == "" {
			continue
		}
		if _, err := cascadia.Compile(s.sel); err != nil {
			return doc.Errorf("$.extract."+s.at, "%q is not a CSS selector: %v", s.sel, err)
		}
	}
	if r.Item == "" && (r != ResultSelectors{}) {
		return doc.Errorf("$.extract.results", "item is required when any results selector is given: it finds each result")
	}
	return nil
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == len(time.DateOnly)
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
