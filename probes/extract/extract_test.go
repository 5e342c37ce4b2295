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
	d := doc(t, `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"Organization","name":"x"},
	 {"@type":"Product","sku":"1001","name":"Kettle","brand":{"@type":"Brand","name":"Lumen"},
	  "aggregateRating":{"ratingValue":"4.5","reviewCount":120},
	  "offers":[{"@type":"Offer","price":"1,299.00","priceCurrency":"CNY","seller":{"name":"lumen-flagship"}}]}]}</script>`)
	o, ok := Product(d, "")
	if !ok || o.Price != 1299 || o.Currency != "CNY" || o.SKU != "1001" || o.Brand != "Lumen" || o.Seller != "lumen-flagship" || o.Rating != 4.5 || o.Reviews != 120 || o.Source != "jsonld" {
		t.Fatalf("%+v", o)
	}
}

func TestProductFallbacks(t *testing.T) {
	o, ok := Product(doc(t, `<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Pot</span>
		<meta itemprop="priceCurrency" content="CNY"><span itemprop="price" content="88.50">¥88.50</span></div>`), "")
	if !ok || o.Price != 88.5 || o.Source != "microdata" || o.Currency != "CNY" {
		t.Fatalf("microdata: %+v", o)
	}
	o, ok = Product(doc(t, `<p class="now">现价 ￥2,019.9</p>`), "p.now")
	if !ok || o.Price != 2019.9 || o.Source != "selector" {
		t.Fatalf("selector: %+v", o)
	}
	if _, ok := Product(doc(t, `<p>no price</p>`), ""); ok {
		t.Fatal("found a price on a page without one")
	}
}

func TestItemList(t *testing.T) {
	d := doc(t, `<script type="application/ld+json">{"@type":"ItemList","itemListElement":[
	 {"@type":"ListItem","position":2,"url":"/p/2","item":{"@type":"Product","offers":{"@type":"Offer","price":"20"}}},
	 {"@type":"ListItem","position":1,"url":"/p/1","item":{"@type":"Product","offers":{"@type":"Offer","price":10}}}]}</script>`)
	items := ItemList(d)
	if len(items) != 2 || items[0].URL != "/p/1" || items[0].Offer.Price != 10 || items[1].Offer.Price != 20 {
		t.Fatalf("%+v", items)
	}
}

func TestParsePrice(t *testing.T) {
	for in, want := range map[string]float64{"¥1,299.00": 1299, "15,95 €": 15.95, "1 849 руб.": 1849, "1.727 Ft": 1727, "$1 298,00": 1298} {
		if got, ok := ParsePrice(in); !ok || got != want {
			t.Errorf("ParsePrice(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	// An ambiguous string is refused, not guessed.
	if got, ok := ParsePrice("1,234"); ok {
		t.Errorf("ParsePrice(1,234) = %v, want no reading without a cue", got)
	}
}
