// Package extract gives the probes the commerce data of a page in the
// shape they record: the product's offer, the ranked result list and a
// product's offers from several sellers. It reads schema.org items
// through package schemaorg (JSON-LD, microdata, RDFa, OpenGraph, in that
// precedence) and falls back to the CSS selectors of the profile
// (Select, SelectOne) for pages without structured data.
package extract

import (
	"strings"

	"github.com/PuerkitoBio/goquery"

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

// ListItem is one ranked result.
type ListItem struct {
	Position int    `json:"position"`
	URL      string `json:"url"`
	Offer    *Offer `json:"offer,omitempty"`
}

// Structured reads the schema.org items of a goquery document, resolving
// links against the document's URL when it has one.
func Structured(doc *goquery.Document) *schemaorg.Data {
	base := ""
	if doc.Url != nil {
		base = doc.Url.String()
	}
	if len(doc.Nodes) == 0 {
		return &schemaorg.Data{Items: []*schemaorg.Item{}}
	}
	root := doc.Nodes[0]
	for root.Parent != nil {
		root = root.Parent
	}
	return schemaorg.ParseNode(root, base)
}

// source keeps the names measurements already use for each syntax.
func source(s schemaorg.Syntax) string {
	if s == schemaorg.JSONLD {
		return "jsonld"
	}
	return string(s)
}

// Product returns the page's product offer: the main product of the
// structured data (its first offer with a readable price, else its
// AggregateOffer's lowPrice). priceSelector, when not empty, is a CSS
// selector used if the structured data gives no price.
func Product(doc *goquery.Document, priceSelector string) (Offer, bool) {
	d := Structured(doc)
	base := ""
	if doc.Url != nil {
		base = doc.Url.String()
	}
	if c, ok := d.MainProduct(base); ok {
		if o, ok := offerOf(c.Product); ok {
			return o, true
		}
	}
	if priceSelector != "" {
		p, ok := price.Parse(doc.Find(priceSelector).First().Text(), price.Hint{Lang: d.Lang})
		if ok && !p.Ambiguous {
			return Offer{Price: p.Value, Currency: p.Currency, Source: "selector"}, true
		}
	}
	return Offer{}, false
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
		if off.Price != nil && !off.Price.Ambiguous {
			pr, o.Currency = off.Price, off.Currency
			if off.Seller.Name != "" {
				o.Seller = off.Seller.Name
			}
			break
		}
	}
	if a := priced.Aggregate; pr == nil && a != nil && a.Low != nil && !a.Low.Ambiguous {
		pr, o.Currency = a.Low, a.Currency
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

// ItemList returns the page's result list ordered by position (see
// schemaorg.Data.Results: a JSON-LD ItemList, else a list in any syntax,
// else the page's top-level products in order).
func ItemList(doc *goquery.Document) []ListItem {
	l, ok := Structured(doc).Results()
	if !ok {
		return nil
	}
	out := make([]ListItem, 0, len(l.Items))
	for _, it := range l.Items {
		li := ListItem{Position: it.Position, URL: it.URL}
		if it.Product != nil {
			if o, ok := offerOf(*it.Product); ok {
				li.Offer = &o
			}
		}
		out = append(out, li)
	}
	return out
}

// ParsePrice reads the price in s with no locale ("¥1,299.00" -> 1299,
// "1.299,00 €" -> 1299). A string that can be read more than one way
// ("1,234" with no currency) gives false rather than a guess; callers
// that know the page language or currency should use price.Parse.
func ParsePrice(s string) (float64, bool) {
	p, ok := price.Parse(s, price.Hint{})
	if !ok || p.Ambiguous {
		return 0, false
	}
	return p.Value, true
}

// ProductOffers returns every offer of the page's product (several sellers
// of one item, directly or in an AggregateOffer), with the seller's rating
// when the markup gives it. Offers whose price cannot be read without
// doubt are left out.
func ProductOffers(doc *goquery.Document) []Offer {
	d := Structured(doc)
	base := ""
	if doc.Url != nil {
		base = doc.Url.String()
	}
	c, ok := d.MainProduct(base)
	if !ok {
		return nil
	}
	prod, _ := c.Product.Priced()
	var out []Offer
	for _, off := range prod.AllOffers() {
		if off.Price == nil || off.Price.Ambiguous {
			continue
		}
		o := Offer{Price: off.Price.Value, Currency: off.Currency, Seller: off.Seller.Name, Source: source(off.Syntax)}
		if off.SellerRating != nil {
			o.Rating = off.SellerRating.Value
		}
		out = append(out, o)
	}
	return out
}

// trimText collapses white space the way a reader sees it.
func trimText(s string) string { return strings.Join(strings.Fields(s), " ") }
