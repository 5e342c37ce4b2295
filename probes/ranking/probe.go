package ranking

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/extract"
	"github.com/platscan/platscan/probes/fetch"
)

func init() {
	probes.Register(probes.Info{ID: ID, Description: "self-preferencing in rankings and the buy box; ad and self-operated labels; sort options",
		New: func() probes.Probe { return &Probe{} }})
}

// Probe implements probes.Probe.
type Probe struct{}

// ID implements probes.Probe.
func (*Probe) ID() string { return ID }

var (
	adLabel   = regexp.MustCompile(`广告|推广|(?i)\b(ad|sponsored|promoted)\b`)
	selfLabel = regexp.MustCompile(`自营|(?i)sold by (the )?platform`)
	adMarkup  = regexp.MustCompile(`(?i)\b(ad|ads|sponsor|sponsored|promoted|cpc)\b`)
)

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
	search := t.Profile.Pricing.Steering.Search
	if search == "" {
		search = "/search?q={query}"
	}
	var rows []Row
	var boxes []BuyBox
	var evidence []string
	for _, q := range cfg.Queries {
		key := "results|" + q
		var m measure.RankedResults
		id, done := t.Prior(ID, key, &m)
		if !done {
			u, err := t.Profile.Resolve(strings.ReplaceAll(search, "{query}", url.QueryEscape(q)))
			if err != nil {
				return err
			}
			m = measure.RankedResults{Base: measure.Base{Type: "results", Key: key}, Query: q}
			var sorts measure.SortOptions
			// Follow "next page" links until top_k results are in hand.
			for pageNo := 0; u != "" && pageNo < maxPages; pageNo++ {
				page := sess.Get(ctx, ID, u)
				m.Evidence = append(m.Evidence, page.Records...)
				if pageNo == 0 {
					m.Response = probes.Response(u, page)
				}
				if !page.OK() {
					if pageNo == 0 && m.Fetch != measure.Answered {
						m.Key = "" // not answered: try again on resume
					}
					break
				}
				doc, err := goquery.NewDocumentFromReader(strings.NewReader(page.Text))
				if err != nil {
					break
				}
				items := extract.ItemList(doc)
				if api, ok := t.APIResults(page); ok {
					items = api
				}
				more := readRows(doc, items, q, 0, t.Profile.FirstParty.Sellers, t.Profile.FirstParty.Brands)
				offset := len(m.Rows)
				for _, r := range more {
					if r.Position <= offset { // positions restart on each page
						r.Position += offset
					}
					m.Rows = append(m.Rows, r)
				}
				if pageNo == 0 {
					sorts = measure.SortOptions{Base: measure.Base{Type: "sort_options", Key: "sort|" + q, Evidence: page.Records}, Query: q, Options: sortOptions(doc)}
				}
				u = ""
				if cfg.TopK > 0 && len(m.Rows) < cfg.TopK && len(more) > 0 {
					u = nextPage(doc, page.FinalURL)
				}
			}
			if cfg.TopK > 0 && len(m.Rows) > cfg.TopK {
				m.Rows = m.Rows[:cfg.TopK]
			}
			if sorts.Type != "" {
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
		b, id, err := buyBox(ctx, t, sess, persona, r.Item)
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

// maxPages bounds how many result pages one query may take.
const maxPages = 10

// nextPage finds the link to the next result page: rel="next", or a link
// whose class or text says next.
func nextPage(doc *goquery.Document, base string) string {
	href := doc.Find(`a[rel="next"], link[rel="next"]`).First().AttrOr("href", "")
	if href == "" {
		doc.Find("a").EachWithBreak(func(_ int, s *goquery.Selection) bool {
			t := strings.TrimSpace(s.Text())
			if strings.Contains(s.AttrOr("class", ""), "next") || t == "下一页" || strings.EqualFold(t, "next") || t == "›" {
				href = s.AttrOr("href", "")
			}
			return href == ""
		})
	}
	if href == "" {
		return ""
	}
	b, err := url.Parse(base)
	r, err2 := url.Parse(href)
	if err != nil || err2 != nil {
		return ""
	}
	return b.ResolveReference(r).String()
}

// readRows pairs the result items (the page's schema.org ItemList, or
// what its API returned) with the visible result list (for labels and ad
// markup), marking first-party items by seller or brand.
func readRows(doc *goquery.Document, items []extract.ListItem, q string, topK int, sellers, brands []string) []Row {
	lis := doc.Find("ol.results > li, ul.results > li, .results li")
	var rows []Row
	for i, it := range items {
		if topK > 0 && len(rows) >= topK {
			break
		}
		r := Row{Query: q, Position: it.Position, Item: it.URL, AdLabel: true, SelfLabel: true}
		if it.Offer != nil {
			r.Seller, r.Brand, r.Price, r.Rating, r.Reviews = it.Offer.Seller, it.Offer.Brand, it.Offer.Price, it.Offer.Rating, it.Offer.Reviews
		}
		r.FirstParty = slices.Contains(sellers, r.Seller) || slices.Contains(brands, r.Brand)
		if i < lis.Length() {
			li := lis.Eq(i)
			text := li.Text()
			markup := strings.Join([]string{li.AttrOr("class", ""), attrNames(li)}, " ")
			r.Sponsored = adMarkup.MatchString(markup) || adLabel.MatchString(text)
			r.AdLabel = adLabel.MatchString(text)
			r.SelfLabel = selfLabel.MatchString(text)
			if selfLabel.MatchString(text) {
				r.FirstParty = true
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// attrNames lists an element's attribute names and values, where sites
// mark paid slots (data-ad="1", class="sponsored").
func attrNames(s *goquery.Selection) string {
	var b strings.Builder
	for _, n := range s.Nodes {
		for _, a := range n.Attr {
			b.WriteString(strings.ReplaceAll(a.Key, "data-", "") + " ")
		}
	}
	return b.String()
}

// sortOptions reads the ways the page offers to order the results.
func sortOptions(doc *goquery.Document) []string {
	var out []string
	doc.Find(".sort a, a.sort-option, select[name=sort] option, [class*=sort] a").Each(func(_ int, s *goquery.Selection) {
		if t := strings.TrimSpace(s.Text()); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	})
	return out
}

// buyBox reads a product page's offers and which seller holds the buy box.
func buyBox(ctx context.Context, t *probes.Target, sess *fetch.Session, persona, item string) (BuyBox, string, error) {
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
		if doc, err := goquery.NewDocumentFromReader(strings.NewReader(page.Text)); err == nil {
			featured := doc.Find("[data-seller].buybox, .buybox[data-seller], #buybox[data-seller]").First().AttrOr("data-seller", "")
			for i, o := range extract.ProductOffers(doc) {
				m.Offers = append(m.Offers, Offer{Seller: o.Seller, FirstParty: slices.Contains(t.Profile.FirstParty.Sellers, o.Seller),
					Price: o.Price, Rating: o.Rating, Featured: o.Seller == featured || (featured == "" && i == 0)})
			}
		}
	} else {
		m.Key = ""
	}
	id, err := t.Measure(persona, &m)
	return m.BuyBox, id, err
}

var _ probes.Probe = (*Probe)(nil)
