package extract

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/platscan/platscan/internal/golden"
	"github.com/platscan/platscan/probes/price"
)

// The selector pages live with the rest of the markup corpus, in
// probes/schemaorg/testdata/pages, with their goldens beside them.
const pages = "../schemaorg/testdata/pages/"

func loadDoc(t *testing.T, name string) *goquery.Document {
	t.Helper()
	b, err := os.ReadFile(pages + name)
	if err != nil {
		t.Fatal(err)
	}
	return doc(t, string(b))
}

// selectorPages are the corpus pages without structured data, with the
// selectors a profile would give for them.
var selectorPages = map[string]Selectors{
	"selectors-results.html": {Container: "#list", Item: "li.card", Link: "a.title", Name: "a.title", Price: ".price",
		Seller: ".shop", Brand: ".brand", SelfLabel: ".self", AdLabel: ".ad-tag"},
	"selectors-lazy-zh.html": {Container: "#J_goodsList", Item: "li.gl-item", Link: ".p-name a", Name: ".p-name a",
		Price: ".p-price strong", Seller: ".p-shop a", SelfLabel: ".J-picon-tips", AdLabel: ".p-promo-flag"},
}

func TestSelectGolden(t *testing.T) {
	for name, sel := range selectorPages {
		t.Run(name, func(t *testing.T) {
			rows := Select(loadDoc(t, name), sel, "https://shop.test/pages/"+name, price.Hint{})
			got, err := json.MarshalIndent(rows, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, pages+strings.TrimSuffix(name, ".html")+".golden.json", append(got, '\n'))
		})
	}
}

func TestSelect(t *testing.T) {
	rows := Select(loadDoc(t, "selectors-results.html"), selectorPages["selectors-results.html"], "https://shop.test/s?q=lamp", price.Hint{})
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	// A price only in data-price (filled in by script) is read; so is a
	// link only in data-href and a name only in title.
	if r := rows[0]; r.Price == nil || r.Price.Amount != "129.00" || !r.Ad || r.Self || r.URL != "https://shop.test/g/10" || r.Seller != "Lumina Store" {
		t.Errorf("row 1: %+v", r)
	}
	if r := rows[1]; r.Price == nil || r.Price.Amount != "34.99" || r.Ad || !r.Self || r.Brand != "Market Basics" {
		t.Errorf("row 2: %+v", r)
	}
	if r := rows[2]; r.Price == nil || r.Price.Value != 1049 || r.URL != "https://shop.test/g/12" || r.Name != "Clip Lamp" {
		t.Errorf("row 3: %+v", r)
	}
	if r := rows[3]; r.Price != nil || r.Position != 4 {
		t.Errorf("row 4 has no price: %+v", r)
	}

	zh := Select(loadDoc(t, "selectors-lazy-zh.html"), selectorPages["selectors-lazy-zh.html"], "https://search.shop.test/s", price.Hint{})
	if len(zh) != 3 {
		t.Fatalf("%d rows", len(zh))
	}
	if r := zh[0]; r.Price == nil || r.Price.Amount != "1299.00" || !r.Self || r.Ad || r.URL != "https://item.shop.example/100012.html" || r.Seller != "京选自营旗舰店" {
		t.Errorf("zh row 1: %+v", r)
	}
	if r := zh[1]; r.Price == nil || r.Price.Value != 459 || r.Self || !r.Ad {
		t.Errorf("zh row 2: %+v", r)
	}
	if r := zh[2]; r.Price == nil || r.Price.Value != 199 || r.Name != "小熊 迷你电饭煲" {
		t.Errorf("zh row 3: %+v", r)
	}
	if Select(loadDoc(t, "selectors-results.html"), Selectors{}, "", price.Hint{}) != nil {
		t.Error("rows without an item selector")
	}
}

func TestSelectOne(t *testing.T) {
	d := doc(t, `<html lang="de"><h1 class="t">Kaffeemühle</h1><div class="p"><span class="now" data-price="49.90"></span></div><a class="shop" title="Mühlenhaus"></a></html>`)
	r := SelectOne(d, Selectors{Name: "h1.t", Price: ".now", Seller: ".shop"}, "", price.Hint{})
	if r.Name != "Kaffeemühle" || r.Price == nil || r.Price.Amount != "49.90" || r.Seller != "Mühlenhaus" {
		t.Errorf("%+v", r)
	}
}

// The markup that platscan used to misread: an unrelated price before the
// product's, and a microdata result list.
func TestStructuredPages(t *testing.T) {
	u := "https://s.test/x"
	if o, ok := readFile(t, "jsonld-productgroup.html", u, Hints{}).Product(); !ok || o.Price != 59 || o.Name != "Merino Tee" || o.Brand != "Fjell" {
		t.Errorf("product group: %+v", o)
	}
	if l := readFile(t, "microdata-cards-nolist.html", u, Hints{}).Results(); len(l.Items) != 3 || l.Items[1].Price == nil || l.Items[1].Price.Value != 1049 || !l.Implicit {
		t.Errorf("cards without a list: %+v", l)
	}
	if _, ok := readFile(t, "jsonld-ambiguous-price.html", u, Hints{}).Product(); ok {
		t.Error("an ambiguous price was recorded")
	}
}
