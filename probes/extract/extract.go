// Package extract reads structured commerce data from pages: schema.org
// Product/Offer and ItemList in JSON-LD first, then microdata, then CSS
// selectors the profile supplies.
package extract

import (
	"encoding/json"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
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

// Bounds on the JSON-LD read from one page, so that a hostile page costs
// little: a block larger than MaxJSONLDBlock is not parsed, at most
// MaxJSONLDBlocks blocks are looked at, and at most MaxJSONLDNodes nodes
// are kept. (encoding/json itself refuses nesting deeper than 10000.)
const (
	MaxJSONLDBlock  = 1 << 20
	MaxJSONLDBlocks = 64
	MaxJSONLDNodes  = 1000
)

// jsonLD returns the top-level JSON-LD nodes on the page, flattening
// arrays and @graph, within the bounds above. Blocks that are not JSON or
// are over the size bound are skipped.
func jsonLD(doc *goquery.Document) []any {
	var out []any
	var add func(v any, depth int)
	add = func(v any, depth int) {
		if len(out) >= MaxJSONLDNodes || depth > 8 {
			return
		}
		switch t := v.(type) {
		case []any:
			for _, x := range t {
				add(x, depth+1)
			}
		case map[string]any:
			if g, ok := t["@graph"]; ok {
				add(g, depth+1)
				return
			}
			out = append(out, t)
		}
	}
	doc.Find(`script[type="application/ld+json"]`).EachWithBreak(func(i int, s *goquery.Selection) bool {
		if i >= MaxJSONLDBlocks || len(out) >= MaxJSONLDNodes {
			return false
		}
		text := s.Text()
		if len(text) > MaxJSONLDBlock {
			return true
		}
		var v any
		if json.Unmarshal([]byte(text), &v) == nil {
			add(v, 0)
		}
		return true
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

// number reads a price, rating, count or position: a JSON number or a
// string holding one. Negative and non-finite values are not read (a
// price of -5 is no price).
func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, t >= 0 && !math.IsInf(t, 0) && !math.IsNaN(t)
	case string:
		return ParsePrice(t)
	}
	return 0, false
}

var priceRe = regexp.MustCompile(`\d[\d,，]*(?:\.\d+)?`)

// ParsePrice reads the first number in s, ignoring currency signs and
// thousands separators ("¥1,299.00" -> 1299).
func ParsePrice(s string) (float64, bool) {
	m := priceRe.FindString(s)
	if m == "" {
		return 0, false
	}
	m = strings.NewReplacer(",", "", "，", "").Replace(m)
	v, err := strconv.ParseFloat(m, 64)
	return v, err == nil
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
