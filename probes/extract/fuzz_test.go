package extract

import (
	"math"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// FuzzReaders: the structured-data readers take any HTML without a panic
// and never return a negative or non-finite price, or a list out of
// order.
func FuzzReaders(f *testing.F) {
	for _, s := range []string{
		`<script type="application/ld+json">{"@type":"Product","name":"K","sku":"1","offers":{"price":"1,299.00","priceCurrency":"CNY","seller":{"name":"s"}},"aggregateRating":{"ratingValue":4.5,"reviewCount":"12"}}</script>`,
		`<script type="application/ld+json">{"@graph":[{"@type":"ItemList","itemListElement":[{"position":2,"url":"/b"},{"position":1,"item":{"@type":"Product","url":"/a","offers":{"price":3}}}]}]}</script>`,
		`<script type="application/ld+json">[{"@type":["Thing","Product"],"offers":[{"lowPrice":"5"},{"price":-1}]}]</script>`,
		`<script type="application/ld+json">{"@type":"Product","offers":{"price":1e400}}</script>`,
		`<script type="application/ld+json">{"@type":"Product","offers":{"price":"¥ 99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"}}</script>`,
		`<div itemscope><span itemprop="name">X</span><meta itemprop="price" content="12.5"><meta itemprop="priceCurrency" content="CNY"></div>`,
		`<div class="price">¥<b>1,2</b>3.4.5</div>`,
		`<script type="application/ld+json">` + strings.Repeat("[", 500) + `</script>`,
		"<html><<<\x00>>>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, html string) {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
		if err != nil {
			return
		}
		check := func(what string, o Offer) {
			if o.Price < 0 || math.IsNaN(o.Price) || math.IsInf(o.Price, 0) || o.Rating < 0 || o.Reviews < 0 {
				t.Fatalf("%s: %+v", what, o)
			}
		}
		if o, ok := Product(doc, ".price"); ok {
			check("Product", o)
		}
		for _, o := range ProductOffers(doc) {
			check("ProductOffers", o)
		}
		items := ItemList(doc)
		for i, it := range items {
			if i > 0 && it.Position < items[i-1].Position {
				t.Fatalf("ItemList out of order: %+v", items)
			}
			if it.Offer != nil {
				check("ItemList", *it.Offer)
			}
		}
	})
}

// FuzzParsePrice: a price read from text is a finite, non-negative number.
func FuzzParsePrice(f *testing.F) {
	for _, s := range []string{"¥1,299.00", "USD 5", "1，000.5元", "", "-3", "9" + strings.Repeat("9", 400), "1.2.3", "٣٤"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := ParsePrice(s); ok && (v < 0 || math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("ParsePrice(%q) = %v", s, v)
		}
	})
}
