package extract

import (
	"os"
	"strings"
	"testing"
)

func read(t *testing.T, html, u string, h Hints) *Page {
	t.Helper()
	p, err := Read(html, u, h)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, name, u string, h Hints) *Page {
	t.Helper()
	b, err := os.ReadFile(pages + name)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, string(b), u, h)
}

// A microdata result list: brand and seller are nested items, the paid
// slot is marked on the list entry around the product, the next page is
// rel=next. Every field belongs to its own result.
func TestResultsMicrodata(t *testing.T) {
	l := readFile(t, "microdata-itemlist-search.html", "https://shop.test/s?q=kettle", Hints{}).Results()
	if l.Source != "microdata" || len(l.Items) != 3 || l.Next != "https://shop.test/s?q=kettle&page=2" {
		t.Fatalf("%+v", l)
	}
	r := l.Items[1]
	if r.URL != "https://shop.test/item/777" || r.Brand != "Vortex" || r.Seller != "vortex-direct" || r.Price == nil || r.Price.Value != 1049 {
		t.Errorf("result 2: %+v", r)
	}
	if !r.Card || !r.AdMarkup || !r.AdLabel || r.SelfLabel {
		t.Errorf("result 2 labels: %+v", r)
	}
	if r := l.Items[0]; !r.Card || r.AdMarkup || r.AdLabel || r.Seller != "market-retail" {
		t.Errorf("result 1: %+v", r)
	}
	if r := l.Items[2]; r.Brand != "" || r.Rating != nil || r.Reviews != nil {
		t.Errorf("result 3 states no brand or rating: %+v", r)
	}
}

// A JSON-LD list with the visible cards elsewhere on the page: each card
// is found by its link, so labels belong to the right result whatever the
// order of the cards, and a result with no card has no labels read.
func TestResultsJSONLDCards(t *testing.T) {
	html := `<html lang="zh-CN"><body><script type="application/ld+json">{"@type":"ItemList","itemListElement":[
	 {"@type":"ListItem","position":1,"url":"/p/1","item":{"@type":"Product","brand":{"name":"Own"},"offers":{"@type":"Offer","price":"99","priceCurrency":"CNY","seller":{"name":"self"}},"aggregateRating":{"ratingValue":4.5,"reviewCount":"1.2万"}}},
	 {"@type":"ListItem","position":2,"url":"/p/2","item":{"@type":"Product","offers":{"@type":"Offer","price":"89"}}},
	 {"@type":"ListItem","position":3,"url":"/p/3"}]}</script>
	<div class="grid">
	  <div class="cell" data-ad="1"><div class="inner"><a href="/p/2"><img src="x.jpg" alt="商品"></a><a href="/p/2">Rival</a><span class="tag">广告</span></div></div>
	  <div class="cell"><a href="https://shop.test/p/1#reviews">Own kettle</a><i class="icon" title="自营"></i></div>
	</div></body></html>`
	l := read(t, html, "https://shop.test/search?q=k", Hints{}).Results()
	if len(l.Items) != 3 || l.Source != "jsonld" {
		t.Fatalf("%+v", l)
	}
	own, rival, bare := l.Items[0], l.Items[1], l.Items[2]
	if !own.Card || !own.SelfLabel || own.AdLabel || own.Rating == nil || *own.Rating != 4.5 || own.Reviews == nil || *own.Reviews != 12000 {
		t.Errorf("own: %+v", own)
	}
	if !rival.Card || !rival.AdLabel || !rival.AdMarkup || rival.SelfLabel || strings.Join(rival.Labels, ",") != "广告" {
		t.Errorf("rival: %+v", rival)
	}
	if bare.Card || bare.URL != "https://shop.test/p/3" {
		t.Errorf("a result without a card: %+v", bare)
	}
}

// A page with no structured data is read with the profile's selectors;
// without them it yields nothing (and says so by an empty Source).
func TestResultsSelectors(t *testing.T) {
	h := Hints{Results: selectorPages["selectors-lazy-zh.html"]}
	l := readFile(t, "selectors-lazy-zh.html", "https://search.shop.test/s", h).Results()
	if l.Source != "selector" || len(l.Items) != 3 {
		t.Fatalf("%+v", l)
	}
	if r := l.Items[0]; !r.Card || !r.SelfLabel || r.AdLabel || r.Price == nil || r.Price.Amount != "1299.00" {
		t.Errorf("row 1: %+v", r)
	}
	if l := readFile(t, "selectors-lazy-zh.html", "https://search.shop.test/s", Hints{}).Results(); l.Source != "" || len(l.Items) != 0 {
		t.Errorf("read without selectors: %+v", l)
	}
}

// The profile's language and currency decide prices the page leaves
// open; the page's own declarations win.
func TestProductHints(t *testing.T) {
	html := `<div class="pp"><span class="price">1.299</span></div>`
	h := Hints{Product: Selectors{Price: ".price"}}
	if _, ok := read(t, html, "https://s.test/p/1", h).Product(); ok {
		t.Error("read 1.299,00 with no currency and no language")
	}
	h.Lang, h.Currency = "de-DE", "EUR"
	o, ok := read(t, html, "https://s.test/p/1", h).Product()
	if !ok || o.Price != 1299 || o.Currency != "EUR" || o.Source != "selector" {
		t.Errorf("with hints: %+v %v", o, ok)
	}
	ld := `<script type="application/ld+json">{"@type":"Product","name":"K","offers":{"@type":"Offer","price":"12.50"}}</script>`
	if o, ok := read(t, ld, "https://s.test/p/1", Hints{Currency: "CNY"}).Product(); !ok || o.Currency != "CNY" || o.Price != 12.5 {
		t.Errorf("currency hint for an offer without priceCurrency: %+v", o)
	}
	if o, ok := read(t, `<html lang="en-US"><body><b class="price">1,299.00</b></body></html>`, "https://s.test/p", Hints{Lang: "de-DE", Product: Selectors{Price: ".price"}}).Product(); !ok || o.Price != 1299 {
		t.Errorf("the page's own language must win over the hint: %+v", o)
	}
}

func TestProductAndOffers(t *testing.T) {
	if o, ok := readFile(t, "microdata-unrelated-first.html", "https://s.test/x", Hints{}).Product(); !ok || o.Price != 249 || o.Source != "microdata" {
		t.Errorf("product: %+v", o)
	}
	offers := readFile(t, "jsonld-aggregateoffer.html", "https://s.test/x", Hints{}).Offers()
	if len(offers) != 3 || offers[0].Seller != "Haushalt24" || offers[0].Rating != 4.1 || offers[2].Price != 249.9 {
		t.Errorf("offers: %+v", offers)
	}
	if _, ok := read(t, `<p>nothing</p>`, "https://s.test/x", Hints{}).Product(); ok {
		t.Error("a price on a page without one")
	}
}

func TestSortOptions(t *testing.T) {
	html := `<html><body>
	<div class="filter"><a href="?sort=price">价格</a> <a href="?sort=sales" class="cur">销量</a> <a href="?sort=price">价格</a>
	 <a href="/guide/price">价格说明</a> <a href="?q=k&page=2">2</a> <a href="?q=k&st=3">评分</a></div>
	<form action="/search"><input type="hidden" name="q" value="k"><select name="order"><option value="rel" selected>Relevance</option><option value="new">Newest</option></select></form>
	<button data-sort="rating">好评</button>
	<select name="colour"><option>Red</option><option>Blue</option></select>
	</body></html>`
	opts := read(t, html, "https://s.test/search?q=k", Hints{}).SortOptions()
	var got []string
	for _, o := range opts {
		got = append(got, o.Kind+":"+o.Param+"="+o.Value+":"+o.Label)
	}
	want := "link:sort=price:价格|link:sort=sales:销量|link:st=3:评分|select:order=rel:Relevance|select:order=new:Newest|button:data-sort=rating:好评"
	if strings.Join(got, "|") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, "|"), want)
	}
	if opts[0].URL != "https://s.test/search?sort=price" || !opts[1].Selected || opts[0].Selected || opts[3].URL != "https://s.test/search?order=rel&q=k" {
		t.Errorf("urls and selection: %+v", opts)
	}
	if !strings.HasPrefix(opts[0].Markup, `<a href="?sort=price">`) {
		t.Errorf("markup: %q", opts[0].Markup)
	}
	// One order only, and none at all.
	if o := read(t, `<div class="sort">排序: <a href="?q=k&sort=default">综合</a></div>`, "https://s.test/s?q=k", Hints{}).SortOptions(); len(o) != 1 || o[0].Label != "综合" {
		t.Errorf("one order: %+v", o)
	}
	if o := read(t, `<p><a href="/p/1">Kettle, best price</a></p>`, "https://s.test/s?q=k", Hints{}).SortOptions(); len(o) != 0 {
		t.Errorf("a product link is no sort option: %+v", o)
	}
}

func TestNextPage(t *testing.T) {
	for html, want := range map[string]string{
		`<link rel="next" href="/s?page=2">`:                 "https://s.test/s?page=2",
		`<a class="pn-next" href="?page=3"><em>下一页</em></a>`: "https://s.test/s?page=3",
		`<a href="?page=4">Next ›</a>`:                       "https://s.test/s?page=4",
		`<a href="javascript:void(0)">下一页</a>`:               "",
		`<a href="/s?page=2">2</a>`:                          "",
	} {
		if got := read(t, html, "https://s.test/s?q=k", Hints{}).NextPage(); got != want {
			t.Errorf("%s: got %q, want %q", html, got, want)
		}
	}
}

// Several different products marked up and none plainly the page's: the
// page's price is unread, not the first product's.
func TestProductOfSeveralIsUnread(t *testing.T) {
	two := `<html><body><h1>Offers of the week</h1><script type="application/ld+json">[
	 {"@type":"Product","name":"Kettle A","url":"/p/a","offers":{"@type":"Offer","price":"19.99","priceCurrency":"EUR"}},
	 {"@type":"Product","name":"Toaster B","url":"/p/b","offers":{"@type":"Offer","price":"29.99","priceCurrency":"EUR"}}]</script></body></html>`
	p := read(t, two, "https://s.test/deals", Hints{})
	if o, ok := p.Product(); ok {
		t.Errorf("read %+v from a page of two products", o)
	}
	if o := p.Offers(); len(o) != 0 {
		t.Errorf("offers of a page of two products: %+v", o)
	}
	// The same two, with the page's heading naming one: that one.
	one := strings.Replace(two, "Offers of the week", "Toaster B", 1)
	if o, ok := read(t, one, "https://s.test/deals", Hints{}).Product(); !ok || o.Price != 29.99 {
		t.Errorf("the product the heading names: %+v %v", o, ok)
	}
}

// Paid-slot words in other languages, and short ones ("PR", "Anzeige")
// only as the whole text of an element: a model number "PR-1000" or a
// name with "pub" in it is no label.
func TestAdLabelsAcrossLanguages(t *testing.T) {
	list := `<script type="application/ld+json">{"@type":"ItemList","itemListElement":[
	 {"@type":"ListItem","position":1,"url":"/p/1"},{"@type":"ListItem","position":2,"url":"/p/2"},
	 {"@type":"ListItem","position":3,"url":"/p/3"},{"@type":"ListItem","position":4,"url":"/p/4"},
	 {"@type":"ListItem","position":5,"url":"/p/5"}]}</script>`
	cards := `<ul>
	 <li><a href="/p/1">Kamera</a><span>PR</span></li>
	 <li><a href="/p/2">Canon PR-1000 printer</a><em>Pub crawl guide</em></li>
	 <li><a href="/p/3">Wasserkocher</a><small class="hint">Gesponsert</small></li>
	 <li><a href="/p/4">ケトル</a><span>広告</span></li>
	 <li><a href="/p/5">Чайник</a><div><b>Anzeige</b> bei uns</div></li></ul>`
	l := read(t, "<html><body>"+list+cards+"</body></html>", "https://s.test/s?q=k", Hints{}).Results()
	if len(l.Items) != 5 {
		t.Fatalf("%+v", l)
	}
	want := []bool{true, false, true, true, true}
	for i, r := range l.Items {
		if r.AdLabel != want[i] {
			t.Errorf("result %d (%s): ad label %v, want %v", i+1, r.URL, r.AdLabel, want[i])
		}
	}
}

// Orders offered as radio buttons whose field name says nothing, and a
// link to the page itself marked as the current order.
func TestSortOptionsByLabelAndCurrentLink(t *testing.T) {
	html := `<html lang="fr"><body><form action="/recherche"><input type="hidden" name="q" value="k">
	<label><input type="radio" name="t" value="1" checked> Pertinence</label>
	<label><input type="radio" name="t" value="2"> Prix croissant</label>
	<label><input type="radio" name="t" value="3"> Prix décroissant</label></form>
	<form><label><input type="radio" name="c" value="r"> Rouge</label><label><input type="radio" name="c" value="b"> Bleu</label></form>
	</body></html>`
	opts := read(t, html, "https://s.test/recherche?q=k", Hints{}).SortOptions()
	if len(opts) != 3 || opts[0].Param != "t" || !opts[0].Selected || opts[2].Label != "Prix décroissant" {
		t.Errorf("radio orders: %+v", opts)
	}
	links := `<nav class="sort"><a href="/s?q=k" class="active">Relevance</a> <a href="/s?q=k&sort=price_asc">Price: low to high</a> <a href="/s?q=k">Home</a></nav>`
	opts = read(t, links, "https://s.test/s?q=k", Hints{}).SortOptions()
	if len(opts) != 2 || opts[0].Label != "Relevance" || !opts[0].Selected || opts[1].Value != "price_asc" {
		t.Errorf("current order as a link to the page itself: %+v", opts)
	}
}

// A JSON-LD list that names its items but not their prices: each price is
// read from its card, leaving out the struck-through former price and a
// unit price; a card showing two different current prices is not read.
func TestResultPricesFromCards(t *testing.T) {
	html := `<html lang="de-DE"><body><script type="application/ld+json">{"@type":"ItemList","itemListElement":[
	 {"@type":"ListItem","position":1,"url":"/p/1"},{"@type":"ListItem","position":2,"url":"/p/2"},
	 {"@type":"ListItem","position":3,"url":"/p/3"},{"@type":"ListItem","position":4,"url":"/p/4"},
	 {"@type":"ListItem","position":5,"url":"/p/5"},{"@type":"ListItem","position":6,"url":"/p/6"}]}</script>
	<div class="tile"><a href="/p/1">Wasserkocher</a><span class="price-box"><s class="price">39,99 €</s> <b class="price">29,99 €</b></span><span class="unit-price">(14,99 €/l)</span><span>4,5 Sterne (1.234)</span></div>
	<div class="tile"><a href="/p/2">Toaster</a><span class="price-old">59,00 €</span><span class="price-now">49,00 €</span></div>
	<div class="tile"><a href="/p/3">Mixer</a><span class="price">19,00 €</span><span class="price">24,00 €</span></div>
	<div class="tile"><a href="/p/4">Kaffeemühle</a><span>ab 12 Monatsraten</span></div>
	<div class="tile"><a href="/p/5">Waage</a><span class="discount-price">9,99 €</span><span class="price line-through">19,99 €</span></div>
	<div class="tile"><a href="/p/6">Mühle</a><span class="price">14,99 €</span><span class="compare-at-price">24,99 €</span></div>
	</body></html>`
	l := read(t, html, "https://s.test/suche?q=k", Hints{}).Results()
	if len(l.Items) != 6 {
		t.Fatalf("%+v", l)
	}
	want := []float64{29.99, 49, 0, 0, 9.99, 14.99}
	for i, r := range l.Items {
		got := 0.0
		if r.Price != nil {
			got = r.Price.Value
		}
		if got != want[i] {
			t.Errorf("result %d: price %v, want %v", i+1, got, want[i])
		}
	}
}

// A card that says the site itself sells the item is the platform's own
// offer; a merchant whose name merely starts with the site's is not.
func TestSoldBySiteIsOwnOffer(t *testing.T) {
	html := `<html lang="de"><body><script type="application/ld+json">{"@type":"ItemList","itemListElement":[
	 {"@type":"ListItem","position":1,"url":"/p/1"},{"@type":"ListItem","position":2,"url":"/p/2"},{"@type":"ListItem","position":3,"url":"/p/3"}]}</script>
	<div><a href="/p/1">Kopfhörer</a><div class="seller">Verkauf und Versand durch shop.example</div></div>
	<div><a href="/p/2">Lautsprecher</a><div class="seller">Händler: Elektro Schmidt e.K.</div></div>
	<div><a href="/p/3">Radio</a><div class="seller">Verkauf durch shop-partner Handels GmbH</div></div></body></html>`
	l := read(t, html, "https://www.shop.example/suche?q=k", Hints{}).Results()
	if len(l.Items) != 3 || !l.Items[0].SelfLabel || l.Items[1].SelfLabel || l.Items[2].SelfLabel {
		t.Errorf("%+v", l.Items)
	}
	en := `<script type="application/ld+json">{"@type":"ItemList","itemListElement":[{"@type":"ListItem","position":1,"url":"/dp/1"}]}</script>
	<div><a href="/dp/1">Kettle</a><span>Ships from and sold by Amazon.de</span></div>`
	if l := read(t, en, "https://www.amazon.de/s?k=kettle", Hints{}).Results(); len(l.Items) != 1 || !l.Items[0].SelfLabel {
		t.Errorf("amazon: %+v", l.Items)
	}
}

// Order names that end in a letter outside ASCII are read too (Go's \b
// knows only ASCII letters).
func TestSortLabelsEndingOutsideASCII(t *testing.T) {
	for _, label := range []string{"Popularité", "Novità", "Trafność", "Popularność"} {
		html := `<div class="sort"><a href="?q=k&o=1">` + label + `</a> <a href="?q=k&o=2">Prix</a></div>`
		opts := read(t, html, "https://s.test/s?q=k", Hints{}).SortOptions()
		found := false
		for _, o := range opts {
			found = found || o.Label == label
		}
		if !found {
			t.Errorf("%s not read as an order: %+v", label, opts)
		}
	}
}
