package schemaorg

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary HTML to the reader, seeded with the corpus
// pages and a few hostile shapes. It must not panic, every item must
// encode to JSON (cycles cut), positions must be distinct, and the
// views must keep their promises.
func FuzzParse(f *testing.F) {
	for _, p := range corpusPages(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range []string{
		`<div itemscope id=a itemref=a itemprop=x><div itemscope itemprop=y itemref=a></div></div>`,
		`<script type="application/ld+json">{"@id":"a","k":{"@id":"a"}}</script>`,
		`<script type="application/ld+json">[[[{"@graph":{"@graph":[{"@type":"Product","offers":{"price":"1,2"}}]}}]]]</script>`,
		`<div typeof="Product" vocab="https://schema.org/"><span property="offers" typeof="Offer"><span property="price">¥99–199</span></span></div>`,
		`<meta property="og:type" content="product"><meta property="product:price:amount" content="1.234">`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(strings.NewReader(s), "https://fuzz.test/p")
		if err != nil {
			return
		}
		if _, err := json.Marshal(d.Items); err != nil {
			t.Fatalf("items do not encode: %v", err)
		}
		seen := map[int]bool{}
		for _, it := range d.All() {
			if seen[it.Pos] {
				t.Fatalf("two items at position %d", it.Pos)
			}
			seen[it.Pos] = true
		}
		for _, p := range d.Products() {
			for _, o := range p.AllOffers() {
				if o.Price != nil && o.Price.Low > o.Price.High {
					t.Fatalf("offer price low above high: %+v", o.Price)
				}
			}
		}
		for _, l := range d.ItemLists() {
			for i := 1; i < len(l.Items); i++ {
				if l.Items[i].Position < l.Items[i-1].Position {
					t.Fatalf("list out of order: %+v", l.Items)
				}
			}
		}
		d.MainProduct("https://fuzz.test/p")
		d.Ratings()
	})
}
