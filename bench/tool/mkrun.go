package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/measure"
)

// benchProfile is the profile a synthetic run claims it was scanned with.
const benchProfile = `platform: {name: Benchmart, base_url: "https://benchmart.example", jurisdictions: [cn-bj, cn, eu]}
first_party: {brands: [Benchmart Basics], sellers: [benchmart-self]}
competitors: ["https://rival.example"]
personas:
  - {id: new_user}
  - {id: control_a, control: true}
  - {id: control_b, control: true}
  - {id: loyal_user}
  - {id: ios_user}
  - {id: android_user}
`

var (
	personas   = []string{"new_user", "control_a", "control_b", "loyal_user", "ios_user", "android_user"}
	treatments = map[string]bool{"loyal_user": true, "ios_user": true, "android_user": true}
)

// mkrun writes a run directory holding about n measurements shaped like a
// scan's, every family present and every part growing with n: a pricing
// panel over n*0.8/48 products (six personas, eight rounds) whose persona
// tests list every product, steering result pages, ranking result lists,
// buy boxes and sort options, terms documents and clauses, and interop
// treatments; plus one exchange record for every four measurements. The
// policies see every kind of input they judge, at scale, so a cost that
// grows faster than the input shows.
func mkrun(args []string) error {
	fs := flag.NewFlagSet("mkrun", flag.ExitOnError)
	n := fs.Int("n", 100000, "measurements, about")
	out := fs.String("out", "", "run `DIR` to create")
	fs.Parse(args)
	if *out == "" {
		return fmt.Errorf("-out is required")
	}
	st, err := evidence.Create(*out, evidence.Options{})
	if err != nil {
		return err
	}
	g := &gen{st: st, r: rand.New(rand.NewPCG(uint64(*n), 11))}
	if err := g.profile(); err != nil {
		return err
	}
	g.pricing(*n)
	g.ranking(*n)
	g.terms(*n)
	g.interop(*n)
	if g.err != nil {
		return g.err
	}
	if err := st.Close(); err != nil {
		return err
	}
	man := evidence.Manifest{Tool: evidence.Tool{Name: "platscan", Version: "bench"}, Platform: "Benchmart", Started: "2026-11-01T00:00:00Z",
		Finished: "2026-11-01T01:00:00Z", Complete: true, Records: st.Count(), ChainHead: st.Head()}
	if err := evidence.WriteManifest(*out, man); err != nil {
		return err
	}
	fmt.Printf("mkrun %s: %d measurements, %d records\n", *out, g.measurements, st.Count())
	return nil
}

type gen struct {
	st           *evidence.Store
	r            *rand.Rand
	err          error
	profileID    string
	exchange     string // the latest exchange record, cited as evidence
	measurements int
}

func (g *gen) profile() error {
	sum, err := g.st.PutBlob([]byte(benchProfile))
	if err != nil {
		return err
	}
	data, _ := evidence.DataJSON(map[string]string{"role": "profile", "source": "bench.yaml"})
	r, err := g.st.Append(evidence.Record{Kind: evidence.KindDocument, Probe: "scan", BodySHA256: sum, Data: data})
	g.profileID = r.ID
	return err
}

// measure records m as persona; every fourth measurement is preceded by
// the exchange it cites.
func (g *gen) measure(persona string, m measure.Measurement) {
	if g.err != nil {
		return
	}
	if g.measurements%4 == 0 {
		data, _ := evidence.DataJSON(map[string]any{"method": "GET", "request_headers": map[string][]string{"User-Agent": {"bench"}},
			"response_headers": map[string][]string{"Content-Type": {"text/html"}}, "duration_ms": 3, "sent": true})
		r, err := g.st.Append(evidence.Record{Kind: evidence.KindExchange, Probe: m.Family(), Persona: persona,
			URL: fmt.Sprintf("https://benchmart.example/x/%d", g.measurements), Status: 200, Data: data})
		if err != nil {
			g.err = err
			return
		}
		g.exchange = r.ID
	}
	b := m.Envelope()
	b.Evidence = []string{g.exchange}
	if err := measure.Prepare(m); err != nil {
		g.err = err
		return
	}
	data, err := evidence.DataJSON(m)
	if err != nil {
		g.err = err
		return
	}
	if _, err := g.st.Append(evidence.Record{Kind: evidence.KindMeasurement, Probe: m.Family(), Persona: persona, Data: data}); err != nil {
		g.err = err
	}
	g.measurements++
}

func answered(url string) measure.Response {
	return measure.Response{URL: url, FinalURL: url, Status: 200, Fetch: measure.Answered}
}

func (g *gen) pricing(n int) {
	const rounds = 8
	products := max(20, n*8/10/(len(personas)*rounds))
	queries := max(5, n/10/(len(personas)*rounds))
	for p := range products {
		base := 20 + g.r.Float64()*500
		for rnd := range rounds {
			for slot, per := range personas {
				price := base
				if per == "loyal_user" || per == "ios_user" {
					price *= 1.05
				}
				g.measure(per, &measure.Price{Base: measure.Base{Type: "price", Key: fmt.Sprintf("price|personalised|%d|/p/%d|%s", rnd, p, per)},
					Phase: "personalised", Product: fmt.Sprintf("/p/%d", p), Round: rnd, Slot: slot, Price: price, ListPrice: price, Currency: "CNY", SKU: fmt.Sprint(p), Source: "jsonld"})
			}
		}
	}
	for q := range queries {
		for rnd := range rounds {
			for _, per := range personas {
				items := make([]measure.ListItem, 10)
				for i := range items {
					items[i] = measure.ListItem{Position: i + 1, URL: fmt.Sprintf("/p/%d", g.r.IntN(products)),
						Offer: &measure.ListOffer{Name: "item", SKU: fmt.Sprint(i), Seller: "s", Price: 10 + g.r.Float64()*90, Currency: "CNY", Rating: 4.5, Reviews: 10, Source: "jsonld"}}
				}
				g.measure(per, &measure.SteeringResults{Base: measure.Base{Type: "results"}, Phase: "personalised", Query: fmt.Sprint("q", q), Round: rnd, Items: items})
			}
		}
	}
	g.measure("", &measure.NoiseFloor{Base: measure.Base{Type: "noise_floor"}, Phase: "personalised", Pairs: [][2]string{{"new_user", "control_a"}}, FloorPct: 0.5})
	g.measure("", &measure.NoiseFloor{Base: measure.Base{Type: "steering_noise_floor"}, Phase: "personalised", Pairs: [][2]string{{"new_user", "control_a"}}, FloorPct: 0.5})
	for _, typ := range []string{"persona_test", "steering_test"} {
		units := products
		if typ == "steering_test" {
			units = queries
		}
		for _, per := range personas[1:] {
			t := measure.PersonaTest{Base: measure.Base{Type: typ}, Persona: per, Reference: "new_user", Phase: "personalised", Role: "control",
				ProductsTested: units, Rounds: rounds, PValue: 0.5, PAdjusted: 0.5, Permutations: 2000, NoiseFloorPct: 0.5}
			if treatments[per] {
				t.Role = "treatment"
			}
			effect := 0.0
			if per == "loyal_user" || per == "ios_user" {
				effect, t.PValue, t.PAdjusted, t.EffectPct = 5, 0.0001, 0.0004, 5
			}
			for u := range units {
				name := fmt.Sprintf("/p/%d", u)
				if typ == "steering_test" {
					name = fmt.Sprint("q", u)
				}
				t.Products = append(t.Products, measure.ProductEffect{Product: name, EffectPct: effect, CILow: effect, CIHigh: effect, Rounds: rounds, Higher: rounds, PersonaMedian: 105, ReferenceMedian: 100})
				if effect > 0 {
					t.AboveFloor = append(t.AboveFloor, name)
				}
			}
			g.measure(per, &t)
		}
	}
	g.measure("", &measure.OptOut{Base: measure.Base{Type: "opt_out"}, Found: false, Pages: []string{"/settings"}, PagesRead: 1})
}

func (g *gen) ranking(n int) {
	queries := max(5, n*3/100)
	for q := range queries {
		name := fmt.Sprint("q", q)
		rows := make([]measure.RankedRow, 10)
		for i := range rows {
			price, rating, reviews, yes := 10+g.r.Float64()*90, 3+2*g.r.Float64(), g.r.IntN(1000), true
			rows[i] = measure.RankedRow{Query: name, Position: i + 1, Item: fmt.Sprintf("i%d-%d", q, i), Seller: "s", FirstParty: i%5 == 0,
				Price: &price, Rating: &rating, Reviews: &reviews, AdLabel: &yes, SelfLabel: &yes}
		}
		g.measure("new_user", &measure.RankedResults{Base: measure.Base{Type: "results"}, Response: answered("https://benchmart.example/search?q=" + name), Query: name, Rows: rows})
	}
	for i := range max(5, n/100) {
		g.measure("new_user", &measure.SortOptions{Base: measure.Base{Type: "sort_options"}, Query: fmt.Sprint("q", i), Options: []measure.SortOption{
			{Label: "relevance", Kind: "link", URL: "https://benchmart.example/search?sort=relevance", Param: "sort", Value: "relevance", Selected: true},
			{Label: "price", Kind: "link", URL: "https://benchmart.example/search?sort=price", Param: "sort", Value: "price"},
			{Label: "sales", Kind: "link", URL: "https://benchmart.example/search?sort=sales", Param: "sort", Value: "sales"}}})
		g.measure("new_user", &measure.BuyBoxPage{Base: measure.Base{Type: "buybox"}, BuyBox: measure.BuyBox{Item: fmt.Sprint("i", i), Offers: []measure.BuyBoxOffer{
			{Seller: "benchmart-self", FirstParty: true, Price: 100, Rating: 4.5, Featured: true}, {Seller: "other", Price: 95, Rating: 4.6}}, FeaturedRead: true}})
	}
	g.measure("", &measure.RankingMetrics{Base: measure.Base{Type: "ranking_metrics"}, Queries: queries, Rows: queries * 10, TopK: 10,
		ModelN: queries * 10, ModelCovariates: []string{"price", "rating", "reviews"}, FirstPartyCoef: 0.4, FirstPartyCoefSE: 0.05, FirstPartyPValue: 0.0001, FirstPartyItems: queries * 2})
}

func (g *gen) terms(n int) {
	g.measure("new_user", &measure.HomeLinks{Base: measure.Base{Type: "home_links"}, Pages: []string{"https://benchmart.example/"}, Complete: true})
	g.measure("new_user", &measure.AnnouncementsPage{Base: measure.Base{Type: "announcements_page"}, Response: answered("https://benchmart.example/announcements"), Reachable: true, Count: 3})
	cats := []string{"exclusivity", "price_parity", "penalty_promotion", "unilateral_change", "suspension", "contract_by_use", "liability",
		"arbitration", "jurisdiction", "choice_of_law", "content_removal", "tying", "ranking_disclosure", "own_treatment"}
	docs := max(2, n/200)
	for d := range docs {
		url := fmt.Sprintf("https://benchmart.example/terms/%d", d)
		role := "terms"
		if d%2 == 0 {
			role = "rules"
		}
		g.measure("new_user", &measure.Document{Base: measure.Base{Type: "document"}, Response: answered(url), Role: role, Reachable: true,
			LinkedFromHome: true, HomePages: []string{"https://benchmart.example/"}, Lang: "zh", Charset: "utf-8", Format: "text/html", Chars: 5000, Categories: cats})
	}
	for c := range max(10, n*4/100) {
		url := fmt.Sprintf("https://benchmart.example/terms/%d", c%docs)
		g.measure("new_user", &measure.Clause{Base: measure.Base{Type: "clause"}, ID: fmt.Sprint("c", c), Category: cats[c%len(cats)], URL: url, Lang: "zh",
			Text: strings.Repeat("商家不得在其他平台销售。", 3), Start: c * 40, End: c*40 + 36, Cue: "不得在其他平台", Negated: c%3 == 0, TextSHA256: "h",
			Side: "merchant", Level: 2, Score: 0.9, Threshold: 0.6, Explanation: []measure.ClauseGram{}, Source: "both", Classifier: "m"})
	}
	for c := range max(2, n/500) {
		days := 3 + c%10
		g.measure("new_user", &measure.RuleChange{Base: measure.Base{Type: "rule_change"}, URL: "https://benchmart.example/announcements", ID: fmt.Sprint("n", c),
			Title: "rule change", Text: "x", Published: "2026-10-01", Effective: "2026-10-10", NoticeDays: &days})
	}
}

func (g *gen) interop(n int) {
	g.measure("loyal_user", &measure.Setup{Base: measure.Base{Type: "setup"}, Competitors: []string{"https://rival.example"}, Controls: []string{"https://control.example"}, Checks: []string{"link"}})
	for t := range max(4, n/500) {
		kind, target := "control", "https://control.example"
		if t%2 == 0 {
			kind, target = "competitor", "https://rival.example"
		}
		outcome := "normal"
		if kind == "competitor" && t%4 == 0 {
			outcome = "warning"
		}
		g.measure("loyal_user", &measure.Treatment{Base: measure.Base{Type: "treatment"}, Response: answered("https://benchmart.example/link?url=" + target),
			Mechanism: "link", Target: target, TargetKind: kind, Outcome: outcome})
	}
	g.measure("loyal_user", &measure.Checkout{Base: measure.Base{Type: "checkout"}, Response: answered("https://benchmart.example/cart"), Payments: []string{"Benchmart Pay", "Alipay"}, Deliveries: []string{"Express"}})
}
