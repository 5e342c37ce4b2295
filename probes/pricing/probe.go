// Package pricing is the pricing probe: it has every persona fetch the
// same products within a short window, round after round, in a shuffled
// order, reads the final price (following the platform's quote step when
// the profile names one), measures steering in search results, looks for
// and uses the platform's non-personalised option, and runs the paired
// statistics of docs/method-pricing.md. It measures; the pricing policies
// judge.
package pricing

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"

	"github.com/platscan/platscan/internal/stats"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/extract"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/probes/price"
	"github.com/platscan/platscan/probes/ranking"
	"github.com/platscan/platscan/profile"
)

// ID is the probe's family name.
const ID = "pricing"

// Phases of a scan.
const (
	PhasePersonalised = "personalised"
	PhaseOptedOut     = "opted_out"
)

func init() {
	probes.Register(probes.Info{ID: ID, Description: "persona price differences, steering and the non-personalised option",
		New: func() probes.Probe { return &Probe{Method: DefaultMethod} }})
}

// Probe implements probes.Probe.
type Probe struct {
	Method Method
}

// ID implements probes.Probe.
func (*Probe) ID() string { return ID }

// Gather implements probes.Probe.
func (p *Probe) Gather(ctx context.Context, t *probes.Target) error {
	cfg := t.Profile.Pricing
	if len(cfg.Products) == 0 || cfg.Rounds == 0 {
		return nil
	}
	g, err := newGatherer(ctx, p, t)
	if err != nil {
		return err
	}
	if err := g.phase(ctx, PhasePersonalised); err != nil {
		return err
	}
	if cfg.OptOut.Disabled {
		return ctx.Err()
	}
	found, err := g.optOut(ctx)
	if err != nil || !found {
		return err
	}
	return g.phase(ctx, PhaseOptedOut)
}

type gatherer struct {
	t          *probes.Target
	cfg        profile.Pricing
	method     Method
	rng        *rand.Rand
	personas   []string
	reference  string
	controls   []string
	treatments []string
	sessions   map[string]*fetch.Session
	optSwitch  *measure.OptOut // the switch found, once known
	optedOut   map[string]bool // personas whose session has used it (true when it answered below 400)
	// optOutEvidence are the exchanges of submitting the switch.
	optOutEvidence []string
	queries        []string
	topK           int
	hints          extract.Hints
}

func newGatherer(ctx context.Context, p *Probe, t *probes.Target) (*gatherer, error) {
	cfg := t.Profile.Pricing
	m := p.Method
	if cfg.Seed != 0 {
		m.Seed = cfg.Seed
	}
	g := &gatherer{t: t, cfg: cfg, method: m, rng: rand.New(rand.NewPCG(m.Seed, 0x2545f4914f6cdd1d)),
		sessions: map[string]*fetch.Session{}, optedOut: map[string]bool{}}
	g.reference = cfg.Reference
	for _, per := range t.Profile.Personas {
		if g.reference == "" && !per.Control {
			g.reference = per.ID
		}
	}
	for _, per := range t.Profile.Personas {
		switch {
		case per.ID == g.reference:
		case per.Control:
			g.controls = append(g.controls, per.ID)
		default:
			g.treatments = append(g.treatments, per.ID)
		}
		g.personas = append(g.personas, per.ID)
	}
	g.queries = cfg.Steering.Queries
	if len(g.queries) == 0 {
		g.queries = t.Profile.Ranking.Queries
	}
	g.hints = extract.HintsFrom(t.Profile.Extract)
	g.topK = cfg.Steering.TopK
	if g.topK == 0 {
		g.topK = t.Profile.Ranking.TopK
	}
	if g.topK == 0 {
		g.topK = 10
	}
	return g, nil
}

// session returns persona's session, logging it in on first use (so a
// resumed scan with nothing left to do for a persona never logs it in),
// and in the opted-out phase switches personalisation off first.
func (g *gatherer) session(ctx context.Context, persona, phase string) (*fetch.Session, error) {
	s, ok := g.sessions[persona]
	if !ok {
		var err error
		if s, err = g.t.Session(ctx, persona); err != nil {
			return nil, err
		}
		g.sessions[persona] = s
	}
	if _, tried := g.optedOut[persona]; phase == PhaseOptedOut && g.optSwitch != nil && g.optSwitch.Found && !tried {
		g.optedOut[persona] = g.applyOptOut(ctx, s)
	}
	return s, nil
}

func (g *gatherer) shuffled() []string {
	order := slices.Clone(g.personas)
	g.rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
	return order
}

// phase runs the interleaved rounds and records the analysis.
func (g *gatherer) phase(ctx context.Context, phase string) error {
	panel := NewPanel(g.cfg.Products, g.personas, g.cfg.Rounds)
	steer := NewPanel(g.queries, g.personas, g.cfg.Rounds)
	currency := map[string]string{}
	for r := range g.cfg.Rounds {
		for i, prod := range g.cfg.Products {
			for slot, per := range g.shuffled() {
				if err := ctx.Err(); err != nil {
					return err
				}
				key := fmt.Sprintf("price|%s|%d|%s|%s", phase, r, prod, per)
				var m measure.Price
				id, done := g.t.Prior(ID, key, &m)
				if !done {
					sess, err := g.session(ctx, per, phase)
					if err != nil {
						return err
					}
					m = g.price(ctx, sess, prod)
					m.Phase, m.Round, m.Slot = phase, r, slot
					if m.Error == "" {
						m.Key = key // a failure is tried again on resume
					}
					if id, err = g.t.Measure(per, &m); err != nil {
						return err
					}
				}
				if m.Error != "" {
					continue
				}
				// Prices in another currency than the first seen for the
				// product are kept as evidence but not compared.
				if c, ok := currency[prod]; ok && m.Currency != c {
					continue
				}
				currency[prod] = m.Currency
				panel.Price[per][i][r], panel.Record[per][i][r] = m.Price, id
			}
		}
		for qi, q := range g.queries {
			if err := g.steeringRound(ctx, phase, r, qi, q, steer); err != nil {
				return err
			}
		}
	}
	floor, tests := Analyze(panel, g.reference, g.controls, g.treatments, phase, g.method)
	if err := g.record(floor, tests); err != nil {
		return err
	}
	if len(g.queries) == 0 {
		return nil
	}
	sfloor, stests := Analyze(steer, g.reference, g.controls, g.treatments, phase, g.method)
	sfloor.Type = "steering_noise_floor"
	if len(sfloor.Evidence) == 0 {
		return nil // no result list was read: nothing to analyse
	}
	for i := range stests {
		stests[i].Type = "steering_test"
	}
	return g.record(sfloor, stests)
}

func (g *gatherer) record(floor NoiseFloor, tests []PersonaTest) error {
	if len(floor.Evidence) == 0 {
		return nil // no price was read: nothing to analyse
	}
	floor.Key = floor.Type + "|" + floor.Phase
	if _, err := g.t.Measure("", &floor); err != nil {
		return err
	}
	for _, pt := range tests {
		if len(pt.Evidence) == 0 {
			continue // this persona saw no price the reference saw too
		}
		pt.Key = pt.Type + "|" + pt.Phase + "|" + pt.Persona
		if _, err := g.t.Measure(pt.Persona, &pt); err != nil {
			return err
		}
	}
	return nil
}

// price fetches one product page as persona, and the quote when the
// profile names one.
func (g *gatherer) price(ctx context.Context, sess *fetch.Session, prod string) measure.Price {
	m := measure.Price{Base: measure.Base{Type: "price"}, Product: prod}
	u, err := g.t.Profile.Resolve(prod)
	if err != nil {
		m.Error = err.Error()
		m.Evidence = []string{g.t.ProfileRecord}
		return m
	}
	page := sess.Get(ctx, ID, u)
	m.Evidence = append(m.Evidence, page.Records...)
	if !page.OK() {
		m.Error = pageError(page)
		return m
	}
	pg, err := extract.Read(page.Text, page.FinalURL, g.hints)
	if err != nil {
		m.Error = err.Error()
		return m
	}
	offer, ok := pg.Product()
	if !ok {
		m.Error = "no price found on the page (no schema.org offer with a price that reads one way, and no extract.product.price selector that matches)"
		if page.Truncated {
			m.Error = fmt.Sprintf("no price found in the first %d bytes of the page, which is longer (limits.max_body)", len(page.Body))
		}
		return m
	}
	m.Price, m.ListPrice, m.Currency, m.SKU, m.Source = offer.Price, offer.Price, offer.Currency, offer.SKU, offer.Source
	if g.cfg.Quote == "" {
		return m
	}
	if strings.Contains(g.cfg.Quote, "{sku}") && offer.SKU == "" {
		m.Error = "the quote template needs {sku} but the page gives none"
		return m
	}
	q := strings.NewReplacer("{sku}", url.QueryEscape(offer.SKU), "{path}", url.QueryEscape(prod)).Replace(g.cfg.Quote)
	qu, err := g.t.Profile.Resolve(q)
	if err != nil {
		m.Error = err.Error()
		return m
	}
	qp := sess.GetAsUser(ctx, ID, qu) // the price a buyer is quoted
	m.Evidence = append(m.Evidence, qp.Records...)
	if !qp.OK() {
		m.Error = "quote: " + pageError(qp)
		return m
	}
	final, cur, ok := quotePrice(qp.Text, price.Hint{Lang: g.hints.Lang, Currency: m.Currency})
	if !ok {
		m.Error = "quote: no final price in the response"
		return m
	}
	m.Price, m.Source = final, "quote"
	if cur != "" {
		m.Currency = cur
	}
	return m
}

// quotePrice reads a final price from a quote response: a JSON object with
// one of the usual keys. A price given as text is read with the page's
// currency and language (h), and refused when it reads more than one way.
func quotePrice(body string, h price.Hint) (float64, string, bool) {
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil {
		return 0, "", false
	}
	cur, _ := m["currency"].(string)
	if cur != "" {
		h.Currency = strings.ToUpper(cur)
	}
	for _, k := range []string{"final_price", "finalPrice", "total", "payable", "amount", "price"} {
		switch v := m[k].(type) {
		case float64:
			return v, cur, true
		case string:
			if p, ok := price.Parse(v, h); ok && !p.Ambiguous {
				if cur == "" {
					cur = p.Currency
				}
				return p.Value, cur, true
			}
		}
	}
	return 0, "", false
}

func pageError(p *fetch.Page) string { return p.Problem() }

// steeringRound has every persona run query q and fills the steering
// panel with each persona's position-weighted price. Each item's price is
// the median of what the personas were shown for it in this round, so the
// measure reflects the order of results, not the prices themselves.
func (g *gatherer) steeringRound(ctx context.Context, phase string, r, qi int, q string, steer *Panel) error {
	u, err := ranking.SearchURL(g.t.Profile, q)
	if err != nil {
		return err
	}
	lists := map[string][]measure.ListItem{}
	ids := map[string]string{}
	seen := map[string][]float64{}
	for _, per := range g.shuffled() {
		if err := ctx.Err(); err != nil {
			return err
		}
		key := fmt.Sprintf("results|%s|%d|%s|%s", phase, r, q, per)
		var m measure.SteeringResults
		id, done := g.t.Prior(ID, key, &m)
		if !done {
			sess, err := g.session(ctx, per, phase)
			if err != nil {
				return err
			}
			s := ranking.ReadSearch(ctx, sess, ID, u, g.topK, g.hints, g.t.APIResults)
			m = measure.SteeringResults{Base: measure.Base{Type: "results", Key: key, Evidence: s.Records}, Phase: phase, Query: q, Round: r,
				Items: listItems(s.Results, s.Source)}
			if s.Response.Status < 200 || s.Response.Status >= 300 {
				m.Error, m.Key = responseError(s.Response), ""
			}
			if id, err = g.t.Measure(per, &m); err != nil {
				return err
			}
		}
		lists[per], ids[per] = m.Items, id
		for _, it := range m.Items {
			if it.Offer != nil {
				seen[it.URL] = append(seen[it.URL], it.Offer.Price)
			}
		}
	}
	for per, items := range lists {
		var num, den float64
		for i, it := range items {
			ps, ok := seen[it.URL]
			if !ok {
				continue
			}
			w := 1 / math.Log2(float64(i)+2)
			num += w * stats.Median(ps)
			den += w
		}
		if den > 0 {
			steer.Price[per][qi][r], steer.Record[per][qi][r] = num/den, ids[per]
		}
	}
	return nil
}

// optOut looks for a form that switches personalisation off and records
// what it found; the personas use it as they start the opted-out phase.
func (g *gatherer) optOut(ctx context.Context) (bool, error) {
	var m measure.OptOut
	if _, done := g.t.Prior(ID, "opt_out", &m); done {
		g.optSwitch = &m
		return m.Found, nil
	}
	pages := g.cfg.OptOut.Pages
	if len(pages) == 0 {
		pages = []string{"/settings"}
	}
	m = measure.OptOut{Base: measure.Base{Type: "opt_out", Key: "opt_out"}}
	ref, err := g.session(ctx, g.reference, PhasePersonalised)
	if err != nil {
		return false, err
	}
	for _, p := range pages {
		u, err := g.t.Profile.Resolve(p)
		if err != nil {
			return false, err
		}
		m.Pages = append(m.Pages, u)
		page := ref.GetAsUser(ctx, ID, u) // the persona's own settings
		m.Evidence = append(m.Evidence, page.Records...)
		if !page.OK() {
			continue
		}
		m.PagesRead++
		if m.Found {
			continue
		}
		pg, err := extract.Read(page.Text, page.FinalURL, g.hints)
		if err != nil {
			continue
		}
		if f, ok := OptOutForm(pg); ok {
			m.Found, m.Action, m.Method, m.Fields, m.Text = true, f.Action, f.Method, f.Fields, f.Text
		}
	}
	if m.Found {
		g.optSwitch = &m
		// Everyone switches now, so the measurement records who could.
		for _, per := range g.personas {
			if _, err := g.session(ctx, per, PhaseOptedOut); err != nil {
				return false, err
			}
			if g.optedOut[per] {
				m.Applied = append(m.Applied, per)
			}
		}
		m.Evidence = append(m.Evidence, g.optOutEvidence...)
	}
	if _, err := g.t.Measure(g.reference, &m); err != nil {
		return false, err
	}
	return m.Found, ctx.Err()
}

// applyOptOut submits the opt-out form in a session and reports whether
// the platform accepted it.
func (g *gatherer) applyOptOut(ctx context.Context, s *fetch.Session) bool {
	m := g.optSwitch
	form := url.Values{}
	for k, v := range m.Fields {
		form.Set(k, v)
	}
	var page *fetch.Page
	if m.Method == "POST" {
		page = s.PostForm(ctx, ID, m.Action, form)
	} else {
		page = s.GetAsUser(ctx, ID, m.Action+"?"+form.Encode())
	}
	g.optOutEvidence = append(g.optOutEvidence, page.Records...)
	return page.Status > 0 && page.Status < 400
}

// listItems converts the results read into the measurement's form: an
// item has an offer when a price was read for it.
func listItems(in []extract.Result, source string) []measure.ListItem {
	out := make([]measure.ListItem, len(in))
	for i, it := range in {
		out[i] = measure.ListItem{Position: it.Position, URL: it.URL}
		if it.Price == nil {
			continue
		}
		o := &measure.ListOffer{Name: it.Name, Brand: it.Brand, Seller: it.Seller, Price: it.Price.Value, Currency: it.Price.Currency, Source: source}
		if it.Rating != nil {
			o.Rating = *it.Rating
		}
		if it.Reviews != nil {
			o.Reviews = *it.Reviews
		}
		out[i].Offer = o
	}
	return out
}

func responseError(r measure.Response) string {
	if r.Error != "" {
		return r.Error
	}
	return fmt.Sprintf("HTTP %d", r.Status)
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

var _ probes.Probe = (*Probe)(nil)
