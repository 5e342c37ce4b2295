package extract

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func doc(t *testing.T, html string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestProductJSONLD(t *testing.T) {
	pg := read(t, `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"Organization","name":"x"},
	 {"@type":"Product","sku":"1001","name":"Kettle","brand":{"@type":"Brand","name":"Lumen"},
	  "aggregateRating":{"ratingValue":"4.5","reviewCount":120},
	  "offers":[{"@type":"Offer","price":"1,299.00","priceCurrency":"CNY","seller":{"name":"lumen-flagship"}}]}]}</script>`, "https://s.test/p/1001", Hints{})
	o, ok := pg.Product()
	if !ok || o.Price != 1299 || o.Currency != "CNY" || o.SKU != "1001" || o.Brand != "Lumen" || o.Seller != "lumen-flagship" || o.Rating != 4.5 || o.Reviews != 120 || o.Source != "jsonld" {
		t.Fatalf("%+v", o)
	}
}

func TestProductFallbacks(t *testing.T) {
	o, ok := read(t, `<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Pot</span>
		<meta itemprop="priceCurrency" content="CNY"><span itemprop="price" content="88.50">¥88.50</span></div>`, "https://s.test/p", Hints{}).Product()
	if !ok || o.Price != 88.5 || o.Source != "microdata" || o.Currency != "CNY" {
		t.Fatalf("microdata: %+v", o)
	}
	o, ok = read(t, `<p class="now">现价 ￥2,019.9</p>`, "https://s.test/p", Hints{Product: Selectors{Price: "p.now"}}).Product()
	if !ok || o.Price != 2019.9 || o.Source != "selector" {
		t.Fatalf("selector: %+v", o)
	}
	// Structured data wins over a selector that would read another price.
	o, ok = read(t, `<script type="application/ld+json">{"@type":"Product","offers":{"@type":"Offer","price":"10"}}</script><p class="now">¥99</p>`,
		"https://s.test/p", Hints{Product: Selectors{Price: "p.now"}}).Product()
	if !ok || o.Price != 10 || o.Source != "jsonld" {
		t.Fatalf("precedence: %+v", o)
	}
}

func TestItemListOrderedByPosition(t *testing.T) {
	l := read(t, `<script type="application/ld+json">{"@type":"ItemList","itemListElement":[
	 {"@type":"ListItem","position":2,"url":"/p/2","item":{"@type":"Product","offers":{"@type":"Offer","price":"20"}}},
	 {"@type":"ListItem","position":1,"url":"/p/1","item":{"@type":"Product","offers":{"@type":"Offer","price":10}}}]}</script>`, "https://s.test/s", Hints{}).Results()
	if len(l.Items) != 2 || l.Items[0].URL != "https://s.test/p/1" || l.Items[0].Price.Value != 10 || l.Items[1].Price.Value != 20 {
		t.Fatalf("%+v", l)
	}
}
