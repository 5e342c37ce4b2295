// Package extract reads structured commerce data from pages: schema.org
// Product/Offer and ItemList in JSON-LD first, then microdata, then CSS
// selectors the profile supplies.
package extract

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/platscan/platscan/probes/price"
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
	// Source says where the price came from: jsonld, microdata or selector.
	Source string `json:"source"`
}

// ListItem is one ranked result.
type ListItem struct {
	Position int    `json:"position"`
	URL      string `json:"url"`
	Offer    *Offer `json:"offer,omitempty"`
}

// Product returns the page's product offer. priceSelector, when not empty,
// is a CSS selector used if neither JSON-LD nor microdata gives a price.
func Product(doc *goquery.Document, priceSelector string) (Offer, bool) {
	for _, node := range jsonLD(doc) {
		if o, ok := productOf(node); ok {
			return o, true
		}
	}
	if s := doc.Find("[itemprop=price]").First(); s.Length() > 0 {
		raw := s.AttrOr("content", s.Text())
		if v, ok := ParsePrice(raw); ok {
			o := Offer{Price: v, Source: "microdata"}
			o.Currency = doc.Find("[itemprop=priceCurrency]").First().AttrOr("content", "")
			o.Name = strings.TrimSpace(doc.Find("[itemprop=name]").First().Text())
			o.SKU = doc.Find("[itemprop=sku]").First().AttrOr("content", "")
			return o, true
		}
	}
	if priceSelector != "" {
		if v, ok := ParsePrice(doc.Find(priceSelector).First().Text()); ok {
			return Offer{Price: v, Source: "selector"}, true
		}
	}
	return Offer{}, false
}

// ItemList returns the page's first schema.org ItemList, ordered by
// position.
func ItemList(doc *goquery.Document) []ListItem {
	for _, node := range jsonLD(doc) {
		m, ok := node.(map[string]any)
		if !ok || !isType(m, "ItemList") {
			continue
		}
		els, _ := m["itemListElement"].([]any)
		var out []ListItem
		for i, e := range els {
			em, ok := e.(map[string]any)
			if !ok {
				continue
			}
			li := ListItem{Position: i + 1}
			if p, ok := number(em["position"]); ok {
				li.Position = int(p)
			}
			li.URL, _ = em["url"].(string)
			if item, ok := em["item"].(map[string]any); ok {
				if o, ok := productOf(item); ok {
					li.Offer = &o
				}
				if li.URL == "" {
					li.URL, _ = item["url"].(string)
				}
			}
			out = append(out, li)
		}
		sort.SliceStable(out, func(a, b int) bool { return out[a].Position < out[b].Position })
		return out
	}
	return nil
}

// jsonLD returns every top-level JSON-LD node on the page, flattening
// arrays and @graph.
func jsonLD(doc *goquery.Document) []any {
	var out []any
	var add func(v any)
	add = func(v any) {
		switch t := v.(type) {
		case []any:
			for _, x := range t {
				add(x)
			}
		case map[string]any:
			if g, ok := t["@graph"]; ok {
				add(g)
				return
			}
			out = append(out, t)
		}
	}
	doc.Find(`script[type="application/ld+json"]`).Each(func(_ int, s *goquery.Selection) {
		var v any
		if json.Unmarshal([]byte(s.Text()), &v) == nil {
			add(v)
		}
	})
	return out
}

func isType(m map[string]any, want string) bool {
	switch t := m["@type"].(type) {
	case string:
		return t == want || strings.HasSuffix(t, "/"+want)
	case []any:
		for _, x := range t {
			if s, _ := x.(string); s == want {
				return true
			}
		}
	}
	return false
}

func productOf(node any) (Offer, bool) {
	m, ok := node.(map[string]any)
	if !ok || !isType(m, "Product") {
		return Offer{}, false
	}
	o := Offer{Source: "jsonld", Name: str(m["name"]), SKU: str(m["sku"])}
	o.Brand = nameOf(m["brand"])
	if ar, ok := m["aggregateRating"].(map[string]any); ok {
		o.Rating, _ = number(ar["ratingValue"])
		n, _ := number(ar["reviewCount"])
		o.Reviews = int(n)
	}
	offers := m["offers"]
	if arr, ok := offers.([]any); ok && len(arr) > 0 {
		offers = arr[0]
	}
	om, ok := offers.(map[string]any)
	if !ok {
		return Offer{}, false
	}
	price, ok := number(om["price"])
	if !ok {
		price, ok = number(om["lowPrice"]) // AggregateOffer
	}
	if !ok {
		return Offer{}, false
	}
	o.Price = price
	o.Currency = str(om["priceCurrency"])
	o.Seller = nameOf(om["seller"])
	return o, true
}

func nameOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str(t["name"])
	}
	return ""
}

func str(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return ""
}

func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case string:
		return ParsePrice(t)
	}
	return 0, false
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
// of one item), with the seller's rating when the markup gives it.
func ProductOffers(doc *goquery.Document) []Offer {
	for _, node := range jsonLD(doc) {
		m, ok := node.(map[string]any)
		if !ok || !isType(m, "Product") {
			continue
		}
		var list []any
		switch o := m["offers"].(type) {
		case []any:
			list = o
		case map[string]any:
			list = []any{o}
		}
		var out []Offer
		for _, x := range list {
			om, ok := x.(map[string]any)
			if !ok {
				continue
			}
			price, ok := number(om["price"])
			if !ok {
				continue
			}
			o := Offer{Price: price, Currency: str(om["priceCurrency"]), Seller: nameOf(om["seller"]), Source: "jsonld"}
			if s, ok := om["seller"].(map[string]any); ok {
				if ar, ok := s["aggregateRating"].(map[string]any); ok {
					o.Rating, _ = number(ar["ratingValue"])
				}
			}
			out = append(out, o)
		}
		return out
	}
	return nil
}
