// Package inspect shows what every probe reads from one page: the offers
// the pricing probe would record, the result rows (with first-party flags
// and labels), sort options and buy box the ranking probe would record,
// the checkout choices of the interop probe, the clauses and rule links of
// the terms probe, and the structured data underneath. Someone writing a
// profile for a new platform sees in one page what is read and what is
// missed. The reading itself lives in each probe's Inspect.
package inspect

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/extract"
	"github.com/platscan/platscan/probes/interop"
	"github.com/platscan/platscan/probes/pricing"
	"github.com/platscan/platscan/probes/ranking"
	"github.com/platscan/platscan/probes/schemaorg"
	"github.com/platscan/platscan/probes/terms"
)

// Report is what every probe reads from one page.
type Report struct {
	Persona  string           `json:"persona"`
	Response measure.Response `json:"response"`
	// Records are the evidence records of the exchange.
	Records []string `json:"records"`
	// ContentType is the page's as served; Lang its language (declared,
	// else the profile's extract.lang).
	ContentType string `json:"content_type"`
	Lang        string `json:"lang"`
	// Items summarises the schema.org items on the page; Problems are
	// markup that could not be read.
	Items    []Item              `json:"structured_data"`
	Problems []schemaorg.Problem `json:"structured_data_problems"`
	Pricing  pricing.Reading     `json:"pricing"`
	Ranking  ranking.Reading     `json:"ranking"`
	Interop  interop.Reading     `json:"interop"`
	Terms    terms.Reading       `json:"terms"`
	// Missed says in words what was looked for and not found, with what
	// the profile could add.
	Missed []string `json:"missed"`
}

// Item is one top-level schema.org item of the page.
type Item struct {
	Syntax string   `json:"syntax"`
	Types  []string `json:"types"`
	Name   string   `json:"name"`
	// Nested counts the items inside it (offers, list entries, brands).
	Nested int `json:"nested"`
}

// Page fetches u as persona (recorded like any other exchange) and reads
// it with every probe's reader. A page that does not answer is a report
// that says so, not an error; the error is for evidence that could not
// be written or a session that could not be set up.
func Page(ctx context.Context, t *probes.Target, persona, u string) (*Report, error) {
	sess, err := t.Session(ctx, persona)
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", u, err)
	}
	page := sess.GetAsUser(ctx, "inspect", u)
	r := &Report{Persona: persona, Response: probes.Response(u, page), Records: page.Records, Items: []Item{}, Problems: []schemaorg.Problem{}, Missed: []string{}}
	if r.Records == nil {
		r.Records = []string{}
	}
	if page.Status == 0 {
		r.Missed = append(r.Missed, "the page did not answer: nothing was read")
		return r, ctx.Err()
	}
	r.ContentType = page.Header.Get("Content-Type")
	pg, err := extract.Read(page.Text, page.FinalURL, extract.HintsFrom(t.Profile.Extract))
	if err != nil {
		r.Missed = append(r.Missed, err.Error())
		return r, nil
	}
	r.read(pg, t, page.Text)
	return r, nil
}

// Read reads a page already fetched: its decoded text, Content-Type and
// final URL, with the target's profile (tests and stored pages).
func Read(t *probes.Target, text, contentType, finalURL string) (*Report, error) {
	r := &Report{Response: measure.Response{URL: finalURL, FinalURL: finalURL, Status: 200, Fetch: measure.Answered}, Records: []string{},
		ContentType: contentType, Items: []Item{}, Problems: []schemaorg.Problem{}, Missed: []string{}}
	pg, err := extract.Read(text, finalURL, extract.HintsFrom(t.Profile.Extract))
	if err != nil {
		return nil, err
	}
	r.read(pg, t, text)
	return r, nil
}

func (r *Report) read(pg *extract.Page, t *probes.Target, text string) {
	prof := t.Profile
	r.Lang = pg.Lang
	for _, it := range pg.Data.Items {
		r.Items = append(r.Items, Item{Syntax: string(it.Syntax), Types: it.Types, Name: it.Get("name"), Nested: nested(it)})
	}
	if pg.Data.Problems != nil {
		r.Problems = pg.Data.Problems
	}
	r.Pricing = pricing.Inspect(pg)
	r.Ranking = ranking.Inspect(pg, prof)
	r.Interop = interop.Inspect(pg, prof.Interop.Checkout.FirstParty)
	tr, err := terms.Inspect(text, r.ContentType, pg.URL, prof.Terms.Language)
	if err != nil {
		r.Missed = append(r.Missed, err.Error())
	}
	r.Terms = tr
	r.missed(prof.Extract.Lang, prof.Extract.Currency)
}

// missed lists what a profile writer may want to add.
func (r *Report) missed(lang, currency string) {
	add := func(format string, args ...any) { r.Missed = append(r.Missed, fmt.Sprintf(format, args...)) }
	if r.Pricing.Offer == nil {
		add("no product offer (if this is a product page: it has no schema.org Product with a price that reads one way; without structured data, set extract.product.price)")
	}
	if r.Ranking.Source == "" {
		add("no result list (if this is a result page: it has no schema.org ItemList nor products marked one by one; without structured data, set extract.results: item, link, name, price, seller, brand, self_label, ad_label)")
	} else {
		noCard := 0
		for _, x := range r.Ranking.Results {
			if !x.Card {
				noCard++
			}
		}
		if noCard > 0 {
			add("%d of %d results have no card on the page (no element links to them), so their ad and self-operated labels are not read", noCard, len(r.Ranking.Results))
		}
	}
	if len(r.Ranking.Sorts) < 2 && r.Ranking.Source != "" {
		add("%d sort options found: links, selects or buttons whose parameter or label says sort (sort=, order=, 排序, 价格, 销量 ...)", len(r.Ranking.Sorts))
	}
	if r.Lang == "" && lang == "" {
		add("the page declares no language and the profile sets no extract.lang: prices such as 1.299 cannot be read")
	}
	if currency == "" && slices.ContainsFunc(r.Items, func(i Item) bool { return slices.Contains(i.Types, "Product") }) {
		add("extract.currency is not set: a price whose offer names no currency keeps only its sign")
	}
}

func nested(it *schemaorg.Item) int {
	n := 0
	seen := map[*schemaorg.Item]bool{}
	var walk func(*schemaorg.Item)
	walk = func(x *schemaorg.Item) {
		for _, vs := range x.Props {
			for _, v := range vs {
				if v.Item != nil && !seen[v.Item] {
					seen[v.Item] = true
					n++
					walk(v.Item)
				}
			}
		}
	}
	walk(it)
	return n
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func typesOf(it Item) string {
	if len(it.Types) == 0 {
		return "(untyped)"
	}
	return strings.Join(it.Types, ",")
}
