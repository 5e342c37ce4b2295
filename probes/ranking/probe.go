package ranking

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/extract"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/profile"
)

func init() {
	probes.Register(probes.Info{ID: ID, Description: "self-preferencing in rankings and the buy box; ad and self-operated labels; sort options",
		New: func() probes.Probe { return &Probe{} }})
}

// Probe implements probes.Probe.
type Probe struct{}

// ID implements probes.Probe.
func (*Probe) ID() string { return ID }

// Gather implements probes.Probe: it reads the result list of each
// profile query as the reference persona, the product page of every
// first-party result (for the buy box), and records the metrics.
func (p *Probe) Gather(ctx context.Context, t *probes.Target) error {
	cfg := t.Profile.Ranking
	if len(cfg.Queries) == 0 {
		return nil
	}
	persona := t.Profile.Pricing.Reference
	if persona == "" {
		persona = t.DefaultPersona()
	}
	sess, err := t.Session(ctx, persona)
	if err != nil {
		return err
	}
	hints := extract.HintsFrom(t.Profile.Extract)
	var rows []Row
	var boxes []BuyBox
	var evidence []string
	for _, q := range cfg.Queries {
		key := "results|" + q
		var m measure.RankedResults
		id, done := t.Prior(ID, key, &m)
		if !done {
			u, err := SearchURL(t.Profile, q)
			if err != nil {
				return err
			}
			s := ReadSearch(ctx, sess, ID, u, cfg.TopK, hints, t.APIResults)
			m = measure.RankedResults{Base: measure.Base{Type: "results", Key: key, Evidence: s.Records}, Response: s.Response,
				Query: q, Source: s.Source, Pages: s.Pages, Unread: s.Unread}
			for _, r := range s.Results {
				m.Rows = append(m.Rows, RowOf(q, r, t.Profile.FirstParty))
			}
			if m.Fetch != measure.Answered {
				m.Key = "" // not answered: try again on resume
			}
			if s.Sorted {
				sorts := measure.SortOptions{Base: measure.Base{Type: "sort_options", Key: "sort|" + q, Evidence: s.FirstRecords}, Query: q, Options: s.Sorts}
				if _, err := t.Measure(persona, &sorts); err != nil {
					return err
				}
			}
			if id, err = t.Measure(persona, &m); err != nil {
				return err
			}
		}
		evidence = append(evidence, id)
		rows = append(rows, m.Rows...)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if !r.FirstParty || seen[r.Item] {
			continue
		}
		seen[r.Item] = true
		b, id, err := buyBox(ctx, t, sess, persona, r.Item, hints)
		if err != nil {
			return err
		}
		if len(b.Offers) > 1 {
			boxes = append(boxes, b)
			evidence = append(evidence, id)
		}
	}
	m := Compute(rows, boxes, cfg.TopK)
	m.Key, m.Evidence = "metrics", evidence
	_, err = t.Measure(persona, &m)
	return err
}

// SearchURL is the platform's search page for query q (the profile's
// search template, ranking.search).
func SearchURL(p *profile.Profile, q string) (string, error) {
	return p.Resolve(strings.ReplaceAll(p.SearchTemplate(), "{query}", url.QueryEscape(q)))
}

// maxPages bounds how many result pages one query may take.
const maxPages = 10

// Search is one query's result list as read from its pages.
type Search struct {
	// Response is what became of the first page's request.
	Response measure.Response
	// Records are the exchanges of every page read; FirstRecords those of
	// the first page, where the sort options are read.
	Records, FirstRecords []string
	// Results are in order, positions continuing across pages.
	Results []extract.Result
	// Source is how the first page's list was read ("" for none), Pages
	// how many pages were read, Unread why no result was read from an
	// answered page.
	Source string
	Pages  int
	Unread string
	// Sorts are the first page's sort options; Sorted is true when that
	// page answered, so that no options means none were offered.
	Sorts  []measure.SortOption
	Sorted bool
}

// ReadSearch fetches the result page u as sess (recording the exchanges
// under family), reads its result list with the profile's hints, and
// follows the next-page link until want results are read (want 0: the
// first page only), never to a page already read and at most maxPages.
//
// api, when not nil, reads the result list from the JSON the page's script
// fetched from the platform's own API (Target.APIResults); the page's
// markup is the fallback.
func ReadSearch(ctx context.Context, sess *fetch.Session, family, u string, want int, h extract.Hints, api func(*fetch.Page) ([]extract.Result, bool)) Search {
	var s Search
	seen := map[string]bool{}
	for pageNo := 0; u != "" && !seen[u] && pageNo < maxPages; pageNo++ {
		seen[u] = true
		page := sess.Get(ctx, family, u)
		s.Records = append(s.Records, page.Records...)
		if pageNo == 0 {
			s.Response = probes.Response(u, page)
			s.FirstRecords = page.Records
		}
		if !page.OK() {
			break
		}
		pg, err := extract.Read(page.Text, page.FinalURL, h)
		if err != nil {
			break
		}
		s.Pages++
		l := pg.Results()
		if api != nil {
			if items, ok := api(page); ok {
				l = pg.Listing("api", items)
			}
		}
		if pageNo == 0 {
			s.Source, s.Sorts, s.Sorted = l.Source, pg.SortOptions(), true
		}
		offset := len(s.Results)
		for _, r := range l.Items {
			if r.Position <= offset { // positions restart on each page
				r.Position += offset
			}
			s.Results = append(s.Results, r)
		}
		u = ""
		if want > 0 && len(s.Results) < want && len(l.Items) > 0 {
			u = l.Next
		}
	}
	if want > 0 && len(s.Results) > want {
		s.Results = s.Results[:want]
	}
	if len(s.Results) == 0 && s.Pages > 0 {
		s.Unread = "0 results read: the page has no schema.org result list (ItemList, or products marked one by one) and the profile gives no extract.results selectors that match"
	}
	return s
}

// RowOf is one read result as a ranked row: first-party when its seller
// or brand is the platform's own, or its card says self-operated. What the
// card was not found for (paid status, labels) stays unknown.
func RowOf(q string, r extract.Result, fp profile.FirstParty) Row {
	row := Row{Query: q, Position: r.Position, Item: r.URL, Seller: r.Seller, Brand: r.Brand, Rating: r.Rating, Reviews: r.Reviews}
	if r.Price != nil {
		v := r.Price.Value
		row.Price = &v
	}
	row.FirstParty = slices.Contains(fp.Sellers, r.Seller) || slices.Contains(fp.Brands, r.Brand) || (r.Card && r.SelfLabel)
	if r.Card {
		sponsored, ad, self := r.AdMarkup || r.AdLabel, r.AdLabel, r.SelfLabel
		row.Sponsored, row.AdLabel, row.SelfLabel = &sponsored, &ad, &self
	}
	return row
}

// buyBox reads a product page's offers and which seller holds the buy box.
func buyBox(ctx context.Context, t *probes.Target, sess *fetch.Session, persona, item string, h extract.Hints) (BuyBox, string, error) {
	key := "buybox|" + item
	var m measure.BuyBoxPage
	if id, done := t.Prior(ID, key, &m); done {
		return m.BuyBox, id, nil
	}
	u, err := t.Profile.Resolve(item)
	if err != nil {
		return BuyBox{}, "", err
	}
	page := sess.Get(ctx, ID, u)
	m = measure.BuyBoxPage{Base: measure.Base{Type: "buybox", Key: key, Evidence: page.Records}, BuyBox: BuyBox{Item: item}}
	if page.OK() {
		if pg, err := extract.Read(page.Text, page.FinalURL, h); err == nil {
			m.Offers, m.FeaturedRead = BuyBoxOffers(pg, t.Profile.FirstParty)
		}
	} else {
		m.Key = ""
	}
	id, err := t.Measure(persona, &m)
	return m.BuyBox, id, err
}

// BuyBoxOffers are a product page's offers, with the one the buy box
// shows marked Featured: the seller its buy-box element names. A page
// whose buy box names no seller marks none (read is false): the order of
// a list of offers does not say which one the platform puts in front.
func BuyBoxOffers(pg *extract.Page, fp profile.FirstParty) (out []Offer, read bool) {
	featured := pg.Doc.Find("[data-seller].buybox, .buybox[data-seller], #buybox[data-seller]").First().AttrOr("data-seller", "")
	for _, o := range pg.Offers() {
		out = append(out, Offer{Seller: o.Seller, FirstParty: slices.Contains(fp.Sellers, o.Seller),
			Price: o.Price, Rating: o.Rating, Featured: featured != "" && o.Seller == featured})
	}
	return out, featured != ""
}

var _ probes.Probe = (*Probe)(nil)
