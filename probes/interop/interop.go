// Package interop is the interoperability probe. Every check compares how
// the platform treats competitor targets with how it treats neutral
// control targets of the same kind, so that a blanket policy (a warning on
// every external link) is told apart from targeted blocking: shared links
// (the link checker and user content), crawlers, OAuth clients, the
// choice of payment and delivery at checkout, and the user's data export.
package interop

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/PuerkitoBio/goquery"
	"github.com/temoto/robotstxt"

	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/extract"
	"github.com/platscan/platscan/probes/fetch"
)

// ID is the probe's family name.
const ID = "interop"

func init() {
	probes.Register(probes.Info{ID: ID, Description: "blocking of competitors' links, crawlers, API clients; checkout choice; data export",
		New: func() probes.Probe { return &Probe{} }})
}

// Probe implements probes.Probe.
type Probe struct{}

// ID implements probes.Probe.
func (*Probe) ID() string { return ID }

// Kinds of target.
const (
	Competitor = "competitor"
	Control    = "control"
)

// Outcome ranks: how much a target was obstructed (0 none .. 3 blocked).
var outcomeRank = map[string]int{"direct": 0, "link": 0, "ok": 0, "allowed": 0,
	"interstitial": 1, "degraded": 1, "plain": 2, "disallowed": 2,
	"stripped": 3, "blocked": 3, "refused": 3, "forbidden": 3, "captcha": 3}

// Gather implements probes.Probe.
func (p *Probe) Gather(ctx context.Context, t *probes.Target) error {
	cfg := t.Profile.Interop
	if !cfg.Configured() {
		return nil
	}
	g := &gatherer{t: t}
	// Checks must see the platform's own answer, not follow it off-site.
	g.noRedirect = t.Fetcher.Derive(func(o *fetch.Options) { o.MaxRedirects = 0 })
	var err error
	g.persona = cfg.Persona
	if g.persona == "" {
		g.persona = t.DefaultPersona()
	}
	per, _ := t.Profile.Persona(g.persona)
	if g.plain, err = g.noRedirect.Session(g.persona+"-links", per.Headers, nil, t.Profile.Platform.BaseURL); err != nil {
		return err
	}
	setup := measure.Setup{Base: measure.Base{Type: "setup", Key: "setup", Evidence: []string{t.ProfileRecord}},
		Competitors: t.Profile.Competitors, Controls: cfg.Controls}
	steps := []struct {
		name string
		on   bool
		run  func(context.Context) error
	}{
		{"link_check", cfg.LinkCheck != "", g.linkCheck},
		{"ugc", cfg.UGC.URL != "", g.ugc},
		{"crawler", len(cfg.Crawlers.Competitor) > 0, g.crawlers},
		{"oauth", cfg.OAuth.Authorize != "", g.oauth},
		{"checkout", cfg.Checkout.URL != "", g.checkout},
		{"export", cfg.Export.URL != "", g.export},
	}
	for _, s := range steps {
		if s.on {
			setup.Checks = append(setup.Checks, s.name)
		}
	}
	if _, err := t.Measure("", &setup); err != nil {
		return err
	}
	for _, s := range steps {
		if !s.on {
			continue
		}
		if err := s.run(ctx); err != nil {
			return err
		}
	}
	return ctx.Err()
}

type gatherer struct {
	t          *probes.Target
	noRedirect *fetch.Fetcher
	plain      *fetch.Session // the persona's headers, no cookies, no redirects
	persona    string
}

func (g *gatherer) targets() []struct{ url, kind string } {
	var out []struct{ url, kind string }
	for _, c := range g.t.Profile.Competitors {
		out = append(out, struct{ url, kind string }{c, Competitor})
	}
	for _, c := range g.t.Profile.Interop.Controls {
		out = append(out, struct{ url, kind string }{c, Control})
	}
	return out
}

// treatment starts the measurement of how mechanism treated target,
// from the request that tested it.
func treatment(mechanism, target, kind, u string, page *fetch.Page) measure.Treatment {
	return measure.Treatment{Base: measure.Base{Type: "treatment", Evidence: page.Records}, Response: probes.Response(u, page),
		Mechanism: mechanism, Target: target, TargetKind: kind}
}

func (g *gatherer) record(m measure.Treatment) error {
	m.Rank = outcomeRank[m.Outcome]
	if m.Outcome != "error" {
		m.Key = treatmentKey(m.Mechanism, m.Target) // an error is tried again on resume
	}
	_, err := g.t.Measure(g.persona, &m)
	return err
}

func treatmentKey(mech, target string) string { return "treatment|" + mech + "|" + target }

// done reports whether a resumed run already checked target with mech.
func (g *gatherer) done(mech, target string) bool {
	_, ok := g.t.Prior(ID, treatmentKey(mech, target), nil)
	return ok
}

// linkCheck asks the platform's outbound-link endpoint for each target.
func (g *gatherer) linkCheck(ctx context.Context) error {
	for _, tg := range g.targets() {
		if g.done("link_check", tg.url) {
			continue
		}
		u, err := g.t.Profile.Resolve(strings.ReplaceAll(g.t.Profile.Interop.LinkCheck, "{url}", url.QueryEscape(tg.url)))
		if err != nil {
			return err
		}
		page := g.plain.GetAsUser(ctx, ID, u) // following a link is a user's click
		m := treatment("link_check", tg.url, tg.kind, u, page)
		switch {
		case page.Status == 0:
			m.Outcome, m.Detail = "error", errText(page)
		case page.Status >= 300 && page.Status < 400:
			loc := page.Header.Get("Location")
			if sameTarget(loc, tg.url) {
				m.Outcome = "direct"
			} else {
				m.Outcome, m.Detail = "blocked", "redirected to "+loc
			}
		case page.Status >= 400:
			m.Outcome = "blocked"
		case linksTo(page.Text, tg.url):
			m.Outcome, m.Detail = "interstitial", "a page stands between the user and the link"
		default:
			m.Outcome, m.Detail = "blocked", "the page offers no way on to the target"
		}
		if err := g.record(m); err != nil {
			return err
		}
	}
	return nil
}

// ugc posts a review containing each target and reads how it is shown.
func (g *gatherer) ugc(ctx context.Context) error {
	cfg := g.t.Profile.Interop.UGC
	field := cfg.Field
	if field == "" {
		field = "text"
	}
	u, err := g.t.Profile.Resolve(cfg.URL)
	if err != nil {
		return err
	}
	sess, err := g.t.Session(ctx, g.persona)
	if err != nil {
		return err
	}
	for _, tg := range g.targets() {
		if g.done("ugc", tg.url) {
			continue
		}
		page := sess.PostForm(ctx, ID, u, url.Values{field: {"这家店的东西不错，详情见 " + tg.url + " 欢迎交流"}})
		m := treatment("ugc", tg.url, tg.kind, u, page)
		switch {
		case !page.OK():
			m.Outcome, m.Detail = "error", errText(page)
		case linksTo(page.Text, tg.url):
			m.Outcome = "link"
		case strings.Contains(page.Text, tg.url):
			m.Outcome, m.Detail = "plain", "shown as text, not as a link"
		default:
			m.Outcome, m.Detail = "stripped", "the address was removed from the text"
		}
		if err := g.record(m); err != nil {
			return err
		}
	}
	return nil
}

// crawlers compares robots.txt rules and actual answers for competitors'
// crawlers and neutral ones. These requests ignore robots.txt on purpose:
// what the platform serves a disallowed crawler is the evidence.
func (g *gatherer) crawlers(ctx context.Context) error {
	cfg := g.t.Profile.Interop.Crawlers
	paths := cfg.Paths
	if len(paths) == 0 {
		paths = []string{"/"}
	}
	pending := false
	for _, a := range append(append([]string{}, cfg.Competitor...), cfg.Neutral...) {
		pending = pending || !g.done("crawler", a)
	}
	if !pending {
		return nil
	}
	robotsURL, err := g.t.Profile.Resolve("/robots.txt")
	if err != nil {
		return err
	}
	rp := g.plain.Get(ctx, ID, robotsURL)
	var robots *robotstxt.RobotsData
	if rp.Err == nil {
		robots, _ = robotstxt.FromStatusAndBytes(rp.Status, rp.Body)
	}
	ignoring := g.noRedirect.Derive(func(o *fetch.Options) { o.ObeyRobots = false })
	type agent struct{ ua, kind string }
	var agents []agent
	for _, a := range cfg.Competitor {
		agents = append(agents, agent{a, Competitor})
	}
	for _, a := range cfg.Neutral {
		agents = append(agents, agent{a, Control})
	}
	for _, a := range agents {
		if g.done("crawler", a.ua) {
			continue
		}
		s, err := ignoring.Session("crawler:"+a.ua, map[string]string{"User-Agent": a.ua}, nil, g.t.Profile.Platform.BaseURL)
		if err != nil {
			return err
		}
		m := treatment("crawler", a.ua, a.kind, robotsURL, rp)
		m.Evidence, m.Outcome = slices.Clone(rp.Records), "allowed"
		var details []string
		answered := 0
		for _, p := range paths {
			if robots != nil && !robots.TestAgent(p, a.ua) {
				details = append(details, p+": disallowed by robots.txt")
				if outcomeRank[m.Outcome] < outcomeRank["disallowed"] {
					m.Outcome = "disallowed"
				}
			}
			u, err := g.t.Profile.Resolve(p)
			if err != nil {
				return err
			}
			page := s.Get(ctx, ID, u)
			m.Evidence = append(m.Evidence, page.Records...)
			m.Response = probes.Response(u, page)
			out := "allowed"
			switch {
			case page.Status == 0:
				details = append(details, fmt.Sprintf("%s: no answer (%s)", p, errText(page)))
				continue
			case page.Status == http.StatusForbidden || page.Status == http.StatusUnauthorized || page.Status == http.StatusTooManyRequests:
				out = "forbidden"
			case page.Blocked == fetch.BlockedCaptcha || page.Blocked == fetch.BlockedSlider || page.OK() && captcha(page.Text):
				out = "captcha"
			case page.Blocked == fetch.BlockedDenied || page.Blocked == fetch.BlockedLogin || page.Status < 200 || page.Status >= 300:
				// A crawler served a JavaScript shell is served the page.
				out = "forbidden"
			}
			if out != "allowed" {
				details = append(details, fmt.Sprintf("%s: %s (HTTP %d)", p, out, page.Status))
				if outcomeRank[out] > outcomeRank[m.Outcome] {
					m.Outcome = out
				}
			}
			answered++
		}
		if answered == 0 {
			m.Outcome = "error" // robots.txt alone says what is asked, not what is done
		}
		m.Detail = strings.Join(details, "; ")
		if err := g.record(m); err != nil {
			return err
		}
	}
	return nil
}

// oauth asks the authorisation endpoint to start a login for each client.
func (g *gatherer) oauth(ctx context.Context) error {
	cfg := g.t.Profile.Interop.OAuth
	type client struct{ id, redirect, kind string }
	var clients []client
	for _, c := range cfg.Competitor {
		clients = append(clients, client{c.ID, c.Redirect, Competitor})
	}
	for _, c := range cfg.Control {
		clients = append(clients, client{c.ID, c.Redirect, Control})
	}
	for _, c := range clients {
		if g.done("oauth", c.id) {
			continue
		}
		ref := strings.NewReplacer("{client}", url.QueryEscape(c.id), "{redirect}", url.QueryEscape(c.redirect)).Replace(cfg.Authorize)
		u, err := g.t.Profile.Resolve(ref)
		if err != nil {
			return err
		}
		page := g.plain.GetAsUser(ctx, ID, u) // a user starting a login
		m := treatment("oauth", c.id, c.kind, u, page)
		loc := page.Header.Get("Location")
		switch {
		case page.Status == 0:
			m.Outcome, m.Detail = "error", errText(page)
		case page.Status >= 400:
			m.Outcome, m.Detail = "refused", oauthError(page.Text)
		case page.Status >= 300 && strings.Contains(loc, "error="):
			m.Outcome, m.Detail = "refused", "redirected with "+loc
		default:
			m.Outcome = "ok"
		}
		if err := g.record(m); err != nil {
			return err
		}
	}
	return nil
}

// accountPage fetches path as the (logged-in) interop persona, unless a
// resumed run already measured key; page is nil then.
func (g *gatherer) accountPage(ctx context.Context, key, path string) (*fetch.Page, string, error) {
	if _, done := g.t.Prior(ID, key, nil); done {
		return nil, "", nil
	}
	u, err := g.t.Profile.Resolve(path)
	if err != nil {
		return nil, "", err
	}
	sess, err := g.t.Session(ctx, g.persona)
	if err != nil {
		return nil, "", err
	}
	return sess.GetAsUser(ctx, ID, u), u, nil
}

func (g *gatherer) checkout(ctx context.Context) error {
	cfg := g.t.Profile.Interop.Checkout
	page, u, err := g.accountPage(ctx, "checkout", cfg.URL)
	if page == nil || err != nil {
		return err
	}
	m := measure.Checkout{Base: measure.Base{Type: "checkout", Evidence: page.Records}, Response: probes.Response(u, page), FirstParty: cfg.FirstParty}
	if page.OK() {
		if pg, err := extract.Read(page.Text, page.FinalURL, extract.HintsFrom(g.t.Profile.Extract)); err == nil {
			o := ReadOrder(pg)
			m.Payments, m.Deliveries, m.PaymentOptions, m.DeliveryOptions, m.AddOns = o.Payments, o.Deliveries, o.PaymentOptions, o.DeliveryOptions, o.AddOns
		}
	}
	for _, o := range m.PaymentOptions {
		if own(o, cfg.FirstParty) {
			m.OwnPayments++
		}
	}
	for _, o := range m.DeliveryOptions {
		if own(o, cfg.FirstParty) {
			m.OwnDeliveries++
		}
	}
	if page.OK() {
		m.Key = "checkout"
	}
	_, err = g.t.Measure(g.persona, &m)
	return err
}

// own reports whether a checkout choice is one of the platform's own
// services the profile names: by its submitted value or its label, equal
// after normalising case and separators ("bazaar_wallet" is "Bazaar
// Wallet"), or the label naming it among other words ("集市钱包 Bazaar
// Wallet"). A Latin name must appear as whole words, so "Pay" is not
// found in "Alipay".
func own(c measure.CheckoutChoice, firstParty []string) bool {
	value, label := normName(c.Value), normName(c.Label)
	for _, f := range firstParty {
		name := normName(f)
		switch {
		case name == "":
		case name == value || name == label:
			return true
		case hasHan(name) && strings.Contains(label, name):
			return true
		case !hasHan(name) && strings.Contains(" "+label+" ", " "+name+" "):
			return true
		}
	}
	return false
}

// normName lower-cases s, turns separators into spaces and collapses them.
func normName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '/' || r == '.' || r == '·' || unicode.IsSpace(r) {
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func (g *gatherer) export(ctx context.Context) error {
	cfg := g.t.Profile.Interop.Export
	page, u, err := g.accountPage(ctx, "export", cfg.URL)
	if page == nil || err != nil {
		return err
	}
	m := measure.Export{Base: measure.Base{Type: "export", Evidence: page.Records}, Response: probes.Response(u, page)}
	if page.OK() && !strings.Contains(strings.ToLower(page.FinalURL), "login") {
		m.Found = true
		ct := strings.ToLower(page.Header.Get("Content-Type"))
		var obj map[string]any
		switch {
		case strings.Contains(ct, "json") && json.Unmarshal(page.Body, &obj) == nil:
			m.MachineReadable, m.Format = true, "json"
			for k := range obj {
				m.Sections = append(m.Sections, k)
			}
		case strings.Contains(ct, "csv"):
			if head, err := csv.NewReader(strings.NewReader(page.Text)).Read(); err == nil {
				m.MachineReadable, m.Format, m.Sections = true, "csv", head
			}
		default:
			m.Format = ct
		}
		slices.Sort(m.Sections)
	}
	for _, want := range cfg.Expect {
		if !slices.Contains(m.Sections, want) {
			m.Missing = append(m.Missing, want)
		}
	}
	if m.Fetch == measure.Answered {
		m.Key = "export"
	}
	_, err = g.t.Measure(g.persona, &m)
	return err
}

// sameTarget reports whether loc points at target (ignoring a trailing
// slash).
func sameTarget(loc, target string) bool {
	return strings.TrimSuffix(loc, "/") == strings.TrimSuffix(target, "/")
}

// linksTo reports whether the page has a link to target, directly or
// through the platform's own link endpoint.
func linksTo(page, target string) bool {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		return false
	}
	found := false
	esc := url.QueryEscape(target)
	doc.Find("a[href]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		h := s.AttrOr("href", "")
		if sameTarget(h, target) || strings.Contains(h, esc) {
			found = true
		}
		return !found
	})
	return found
}

func captcha(text string) bool {
	l := strings.ToLower(text)
	return strings.Contains(l, "captcha") || strings.Contains(text, "验证码") || strings.Contains(text, "人机验证")
}

func oauthError(body string) string {
	var e struct {
		Error string `json:"error"`
		Desc  string `json:"error_description"`
	}
	if json.Unmarshal([]byte(body), &e) == nil && e.Error != "" {
		return strings.TrimSpace(e.Error + " " + e.Desc)
	}
	return ""
}

func errText(p *fetch.Page) string { return p.Problem() }

var _ probes.Probe = (*Probe)(nil)
