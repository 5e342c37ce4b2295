// Package extract gives the probes the commerce data of a page in the
// shape they record: the product's offer, a product's offers from several
// sellers, the result list with each result's labels, the sort options
// and the next page. Read parses a page once; it reads schema.org items
// through package schemaorg (JSON-LD, microdata, RDFa, OpenGraph, in that
// precedence), prices through package price with the page's language and
// the profile's hints, and falls back to the profile's CSS selectors
// (Select, SelectOne) for pages without structured data.
package extract

import (
	"math"
	"strings"

	"github.com/platscan/platscan/probes/price"
	"github.com/platscan/platscan/probes/schemaorg"
)

// Offer is one product as a page presents it.
type Offer struct {
	Name     string  `json:"name,omitempty"`
	SKU      string  `json:"sku,omitempty"`
	Brand    string  `json:"brand,omitempty"`
	Seller   string  `json:"seller,omitempty"`
	Price    float64 `json:"price"`
	Currency string  `json:"currency,omitempty"`
	Rating   float64 `json:"rating,omitempty"`
	Reviews  int     `json:"reviews,omitempty"`
	// Source says where the price came from: jsonld, microdata, rdfa,
	// opengraph or selector.
	Source string `json:"source"`
}

// source keeps the names measurements already use for each syntax.
func source(s schemaorg.Syntax) string {
	if s == schemaorg.JSONLD {
		return "jsonld"
	}
	return string(s)
}

// offerOf flattens a product into the recorded Offer; false when it has
// no price that can be read without doubt.
func offerOf(p schemaorg.Product) (Offer, bool) {
	priced, _ := p.Priced()
	o := Offer{Name: p.Name, SKU: p.SKU, Brand: p.Brand.Name, Seller: p.Seller.Name, Source: source(p.Syntax)}
	if p.Rating != nil {
		o.Rating, o.Reviews = p.Rating.Value, int(max(p.Rating.Reviews, p.Rating.Count))
	}
	var pr *price.Price
	for _, off := range priced.Offers {
		if usable(off.Price) {
			pr, o.Currency = off.Price, off.Currency
			if off.Seller.Name != "" {
				o.Seller = off.Seller.Name
			}
			break
		}
	}
	if a := priced.Aggregate; pr == nil && a != nil && usable(a.Low) {
		pr, o.Currency = a.Low, a.Currency
		if s := lowSeller(a); s != "" {
			o.Seller = s
		}
	}
	if pr == nil {
		return Offer{}, false
	}
	o.Price = pr.Value
	if o.Currency == "" {
		o.Currency = pr.Currency
	}
	return o, true
}

// usable reports whether p is a price that can be recorded: read without
// doubt, finite and not negative (a product priced -5 on a hostile or
// broken page has no price; a negative amount is a discount or a credit,
// never what the product costs).
func usable(p *price.Price) bool {
	return p != nil && !p.Ambiguous && p.Value >= 0 && !math.IsInf(p.Value, 0) && !math.IsNaN(p.Value)
}

// lowSeller is the seller of an AggregateOffer's low price: the seller
// it names itself, else the one seller among its listed offers at that
// price; "" when that is not one seller.
func lowSeller(a *schemaorg.AggregateOffer) string {
	if a.Seller.Name != "" {
		return a.Seller.Name
	}
	seller := ""
	for _, off := range a.Offers {
		if off.Price == nil || off.Price.Ambiguous || off.Price.Low != a.Low.Low || off.Seller.Name == "" {
			continue
		}
		if seller != "" && seller != off.Seller.Name {
			return ""
		}
		seller = off.Seller.Name
	}
	return seller
}

// trimText collapses white space the way a reader sees it.
func trimText(s string) string { return strings.Join(strings.Fields(s), " ") }
