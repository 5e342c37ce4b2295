package extract

import (
	"math"
	"strings"
	"testing"
)

// FuzzReaders: the page readers take any HTML without a panic and never
// return a negative or non-finite price, rating or review count.
func FuzzReaders(f *testing.F) {
	for _, s := range []string{
		`<script type="application/ld+json">{"@type":"Product","name":"K","sku":"1","offers":{"price":"1,299.00","priceCurrency":"CNY","seller":{"name":"s"}},"aggregateRating":{"ratingValue":4.5,"reviewCount":"12"}}</script>`,
		`<script type="application/ld+json">{"@graph":[{"@type":"ItemList","itemListElement":[{"position":2,"url":"/b"},{"position":1,"item":{"@type":"Product","url":"/a","offers":{"price":3}}}]}]}</script>`,
		`<script type="application/ld+json">[{"@type":["Thing","Product"],"offers":[{"lowPrice":"5"},{"price":-1}]}]</script>`,
		`<script type="application/ld+json">{"@type":"Product","offers":{"price":1e400}}</script>`,
		`<script type="application/ld+json">{"@type":"Product","offers":{"price":"¥ 99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"}}</script>`,
		`<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">X</span><meta itemprop="price" content="12.5"><meta itemprop="priceCurrency" content="CNY"></div>`,
		`<div class="price">¥<b>1,2</b>3.4.5</div>`,
		`<script type="application/ld+json">` + strings.Repeat("[", 500) + `</script>`,
		"<html><<<\x00>>>",
	} {
		f.Add(s)
	}
	hints := Hints{Product: Selectors{Price: ".price"}}
	f.Fuzz(func(t *testing.T, html string) {
		pg, err := Read(html, "https://p.test/item/1", hints)
		if err != nil {
			return
		}
		check := func(what string, o Offer) {
			if o.Price < 0 || math.IsNaN(o.Price) || math.IsInf(o.Price, 0) || o.Rating < 0 || math.IsNaN(o.Rating) || o.Reviews < 0 {
				t.Fatalf("%s: %+v", what, o)
			}
		}
		if o, ok := pg.Product(); ok {
			check("Product", o)
		}
		for _, o := range pg.Offers() {
			check("Offers", o)
		}
		for _, r := range pg.Results().Items {
			if r.Price != nil && (math.IsNaN(r.Price.Value) || math.IsInf(r.Price.Value, 0)) {
				t.Fatalf("Results: %+v", r.Price)
			}
		}
	})
}
