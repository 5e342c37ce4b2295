package schemaorg

import (
	"fmt"
	"strings"
	"testing"
)

// resultsPage builds a search page of n results carrying both a JSON-LD
// ItemList and microdata on every result card, the heaviest markup a
// marketplace results page has.
func resultsPage(n int) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en-US"><head><script type="application/ld+json">{"@context":"https://schema.org","@type":"ItemList","itemListElement":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"@type":"ListItem","position":%d,"url":"/p/%d","item":{"@type":"Product","name":"Item %d","sku":"%d","brand":{"@type":"Brand","name":"Brand %d"},"offers":{"@type":"Offer","price":"%d.99","priceCurrency":"USD","seller":{"@type":"Organization","name":"seller-%d"}}}}`, i+1, i, i, i, i%7, 10+i, i%13)
	}
	b.WriteString(`]}</script></head><body><ol itemscope itemtype="https://schema.org/ItemList">`)
	for i := range n {
		fmt.Fprintf(&b, `<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><meta itemprop="position" content="%d">
<div itemprop="item" itemscope itemtype="https://schema.org/Product"><a itemprop="url" href="/p/%d"><span itemprop="name">Item %d</span></a>
<img itemprop="image" src="/img/%d.jpg" alt=""><div class="badges"><span>Free delivery</span><span>Top rated</span></div>
<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">$%d.99</span><meta itemprop="priceCurrency" content="USD">
<span itemprop="seller" itemscope itemtype="https://schema.org/Organization"><span itemprop="name">seller-%d</span></span></div></div></li>`, i+1, i, i, i, 10+i, i%13)
	}
	b.WriteString(`</ol></body></html>`)
	return b.String()
}

// BenchmarkParseResultsPage parses a 200-result page (JSON-LD and
// microdata) and reads its lists, the work a ranking probe does per page.
func BenchmarkParseResultsPage(b *testing.B) {
	page := resultsPage(200)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := Parse(strings.NewReader(page), "https://bench.test/search")
		if err != nil {
			b.Fatal(err)
		}
		if ls := d.ItemLists(); len(ls) != 2 || len(ls[0].Items) != 200 {
			b.Fatalf("lists: %d", len(ls))
		}
	}
}
