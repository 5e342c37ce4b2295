package ranking

import (
	"slices"

	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes/extract"
	"github.com/platscan/platscan/profile"
)

// Reading is what the ranking probe reads from one page: its result list
// (with each result's first-party status and labels), the next page, the
// sort options, and a product page's offers for the buy box.
type Reading struct {
	// Source is how the list was read (jsonld, microdata, rdfa,
	// opengraph, selector); "" when no result was read, and Unread says
	// why.
	Source   string               `json:"source"`
	Unread   string               `json:"unread,omitempty"`
	Implicit bool                 `json:"implicit"`
	Results  []ResultReading      `json:"results"`
	Next     string               `json:"next"`
	Sorts    []measure.SortOption `json:"sort_options"`
	// BuyBox are the product's offers, the one the buy box shows marked.
	BuyBox []Offer `json:"buybox_offers"`
	// BuyBoxRead says whether the page names the seller its buy box shows.
	BuyBoxRead bool `json:"buybox_read"`
}

// ResultReading is one result as read, with the row the probe records.
type ResultReading struct {
	extract.Result
	// Row is the ranked row recorded for it; FirstPartyBy says what made
	// it first-party (seller, brand or label; "" when it is not).
	Row          Row    `json:"row"`
	FirstPartyBy string `json:"first_party_by"`
}

// Inspect reads pg as the ranking probe would.
func Inspect(pg *extract.Page, prof *profile.Profile) Reading {
	l := pg.Results()
	r := Reading{Source: l.Source, Implicit: l.Implicit, Next: l.Next, Sorts: pg.SortOptions(), Results: []ResultReading{}}
	r.BuyBox, r.BuyBoxRead = BuyBoxOffers(pg, prof.FirstParty)
	if r.Sorts == nil {
		r.Sorts = []measure.SortOption{}
	}
	if r.BuyBox == nil {
		r.BuyBox = []Offer{}
	}
	for _, res := range l.Items {
		rr := ResultReading{Result: res, Row: RowOf("", res, prof.FirstParty)}
		switch {
		case slices.Contains(prof.FirstParty.Sellers, res.Seller):
			rr.FirstPartyBy = "seller"
		case slices.Contains(prof.FirstParty.Brands, res.Brand):
			rr.FirstPartyBy = "brand"
		case res.Card && res.SelfLabel:
			rr.FirstPartyBy = "label"
		}
		r.Results = append(r.Results, rr)
	}
	if len(r.Results) == 0 {
		r.Unread = "no schema.org result list (ItemList, or products marked one by one) and no extract.results selectors that match"
	}
	return r
}
