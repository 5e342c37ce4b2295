package schemaorg

import (
	"encoding/json"
	"strings"
	"testing"
)

// These checks state, page by page, what a reader must get from the
// corpus; the golden files then pin everything else.

func loadPage(t *testing.T, name string) *Data {
	t.Helper()
	return readPage(t, "testdata/pages/"+name)
}

func mainOf(t *testing.T, d *Data, name string) Product {
	t.Helper()
	c, ok := d.MainProduct(pageBase + name)
	if !ok {
		t.Fatal("no main product")
	}
	if c.Ambiguous {
		t.Fatalf("main product ambiguous: %s", c.Reason)
	}
	return c.Product
}

func onlyOffer(t *testing.T, p Product) Offer {
	t.Helper()
	if len(p.Offers) != 1 {
		t.Fatalf("%d offers, want 1", len(p.Offers))
	}
	if p.Offers[0].Price == nil {
		t.Fatal("offer without a price")
	}
	return p.Offers[0]
}

func wantPrice(t *testing.T, o Offer, amount, currency string) {
	t.Helper()
	if o.Price == nil || o.Price.Amount != amount || o.Price.Ambiguous || o.Currency != currency {
		t.Fatalf("offer price %+v currency %q, want %s %s", o.Price, o.Currency, amount, currency)
	}
}

func TestWHATWGExamples(t *testing.T) {
	d := loadPage(t, "whatwg-names.html")
	var names []string
	for _, it := range d.Items {
		names = append(names, it.Get("name"))
	}
	if strings.Join(names, ",") != "Elizabeth,Daniel,Neil" || d.Items[2].Get("band") != "Four Parts Water" || d.Items[2].Get("nationality") != "British" {
		t.Errorf("names: %v", names)
	}

	d = loadPage(t, "whatwg-values.html")
	if len(d.Items) != 5 {
		t.Fatalf("%d items, want 5", len(d.Items))
	}
	if v, _ := d.Items[0].Value("image"); v.URL != "https://shop.test/pages/google-logo.png" {
		t.Errorf("img src: %+v", v)
	}
	if got := d.Items[1].Get("product-id"); got != "9678AOU879" {
		t.Errorf("data value: %q", got)
	}
	if r := d.Ratings(); len(r) != 1 || r[0].Value != 3.5 || r[0].Reviews != 11 {
		t.Errorf("meter value: %+v", r)
	}
	if got := d.Items[3].Get("birthday"); got != "2009-05-10" {
		t.Errorf("time datetime: %q", got)
	}
	if d.Items[4].Get("offered") != "true" || d.Items[4].Get("homepage") != "https://shop.test/about/" {
		t.Errorf("meta content / a href: %+v", d.Items[4].Props)
	}

	// The nested and the itemref forms are the same data.
	strip := func(d *Data) string {
		b, _ := json.Marshal(d.Items)
		return string(b)
	}
	if a, b := strip(loadPage(t, "whatwg-nested.html")), strip(loadPage(t, "whatwg-itemref.html")); a != b {
		t.Errorf("itemref differs from nesting:\n%s\n%s", a, b)
	}
	band := loadPage(t, "whatwg-itemref.html").Items[0].Items("band")
	if len(band) != 1 || band[0].Get("name") != "Jazz Band" || band[0].Get("size") != "12" {
		t.Errorf("itemref band: %+v", band)
	}

	d = loadPage(t, "whatwg-multi.html")
	if f := d.Items[0].Props["flavor"]; len(f) != 2 || f[0].Text != "Lemon sorbet" || f[1].Text != "Apricot sorbet" {
		t.Errorf("flavors: %+v", f)
	}
	if d.Items[1].Get("favorite-color") != "orange" || d.Items[1].Get("favorite-fruit") != "orange" {
		t.Errorf("two names: %+v", d.Items[1].Props)
	}

	d = loadPage(t, "whatwg-scope.html")
	cat := d.Items[0]
	if len(cat.Props["name"]) != 1 || cat.Get("name") != "Hedral" || cat.Items("owner")[0].Get("name") != "Jo" {
		t.Errorf("a nested item's property leaked into its parent: %+v", cat.Props)
	}
	if cat.Types[0] != "https://example.org/animals#cat" {
		t.Errorf("types: %v", cat.Types)
	}
	// x → b → y → d → x is cut by a reference.
	y := d.Items[1].Items("b")
	if len(y) != 1 || len(y[0].Props["d"]) != 1 || y[0].Props["d"][0].Ref == "" {
		t.Errorf("itemref cycle not cut: %+v", d.Items[1])
	}
}

func TestJSONLDPages(t *testing.T) {
	t.Run("product", func(t *testing.T) {
		d := loadPage(t, "jsonld-product.html")
		p := mainOf(t, d, "jsonld-product.html")
		o := onlyOffer(t, p)
		wantPrice(t, o, "1299.00", "CNY")
		if p.Brand.Name != "Lumen" || o.Seller.Name != "Lumen 官方旗舰店" || o.Seller.URL != "https://shop.example/store/lumen" || o.Availability != "InStock" {
			t.Errorf("%+v", p)
		}
		if p.Rating == nil || p.Rating.Value != 4.8 || p.Rating.Reviews != 12000 || p.GTIN != "6901234567892" {
			t.Errorf("rating/gtin: %+v %s", p.Rating, p.GTIN)
		}
	})
	t.Run("graph", func(t *testing.T) {
		d := loadPage(t, "jsonld-graph.html")
		c, _ := d.MainProduct("https://market.example/item/77")
		p := c.Product
		if c.Reason != "mainEntity of the page" || p.Name != "Aero Kettle" || p.SKU != "AK-77" {
			t.Fatalf("%+v", c)
		}
		if p.Brand.Name != "Aero" || len(p.Offers) != 2 {
			t.Fatalf("brand or offers by @id: %+v", p)
		}
		wantPrice(t, p.Offers[0], "34.99", "GBP")
		if p.Offers[0].Seller.Name != "Market Ltd" || p.Offers[1].Seller.Name != "KettleCo" || p.Offers[1].Availability != "OutOfStock" {
			t.Errorf("sellers: %+v", p.Offers)
		}
		if lp, ok := p.LowPrice(); !ok || lp.Amount != "32.50" {
			t.Errorf("low price %+v", lp)
		}
	})
	t.Run("aggregate offer", func(t *testing.T) {
		p := mainOf(t, loadPage(t, "jsonld-aggregateoffer.html"), "jsonld-aggregateoffer.html")
		a := p.Aggregate
		if a == nil || a.Low.Amount != "189.00" || a.High.Amount != "249.90" || a.Count != 3 || len(a.Offers) != 3 {
			t.Fatalf("%+v", a)
		}
		if a.Offers[0].SellerRating == nil || a.Offers[0].SellerRating.Value != 4.1 || a.Offers[0].SellerRating.Count != 812 {
			t.Errorf("seller rating: %+v", a.Offers[0])
		}
		if len(p.AllOffers()) != 3 || p.AllOffers()[1].Seller.Name != "Marktplatz Eigenhandel" {
			t.Errorf("all offers: %+v", p.AllOffers())
		}
	})
	t.Run("ambiguous price", func(t *testing.T) {
		p := mainOf(t, loadPage(t, "jsonld-ambiguous-price.html"), "jsonld-ambiguous-price.html")
		if o := onlyOffer(t, p); !o.Price.Ambiguous {
			t.Errorf("price 1.299 EUR read without doubt: %+v", o.Price)
		}
		if _, ok := p.LowPrice(); ok {
			t.Error("an ambiguous price was offered as the low price")
		}
	})
	t.Run("broken blocks", func(t *testing.T) {
		d := loadPage(t, "jsonld-broken.html")
		if len(d.Problems) != 2 {
			t.Errorf("problems: %+v", d.Problems)
		}
		p := mainOf(t, d, "jsonld-broken.html")
		wantPrice(t, onlyOffer(t, p), "45.00", "USD")
		if len(d.ItemLists()) != 0 {
			t.Error("a BreadcrumbList was read as results")
		}
	})
	t.Run("item list", func(t *testing.T) {
		d := loadPage(t, "jsonld-itemlist.html")
		ls := d.ItemLists()
		if len(ls) != 1 || len(ls[0].Items) != 4 || ls[0].Count != 4 {
			t.Fatalf("%+v", ls)
		}
		for i, li := range ls[0].Items {
			if li.Position != i+1 {
				t.Errorf("item %d at position %d", i, li.Position)
			}
		}
		first := ls[0].Items[0]
		if first.URL != "https://shop.test/p/1001" || first.Product == nil || first.Product.Seller.Name != "shopmart-self" ||
			first.Product.Brand.Name != "Shopmart Basics" || first.Product.Rating.Reviews != 100000 {
			t.Errorf("first: %+v", first)
		}
		if ls[0].Items[1].Product.Aggregate == nil || ls[0].Items[1].Product.Aggregate.Low.Amount != "259" {
			t.Errorf("second: %+v", ls[0].Items[1].Product)
		}
		if ls[0].Items[3].URL != "https://shop.test/p/4004" || ls[0].Items[3].Name != "Echo 耳塞" {
			t.Errorf("fourth: %+v", ls[0].Items[3])
		}
		if !strings.HasSuffix(ls[0].Next, "page=2") {
			t.Errorf("next: %q", ls[0].Next)
		}
		if _, ok := d.MainProduct(pageBase + "jsonld-itemlist.html"); ok {
			t.Error("a results page has no main product")
		}
	})
	t.Run("offer in another block", func(t *testing.T) {
		d := loadPage(t, "jsonld-multiblock.html")
		o := onlyOffer(t, mainOf(t, d, "jsonld-multiblock.html"))
		wantPrice(t, o, "49.90", "EUR")
		if o.Availability != "PreOrder" || o.Seller.Name != "Boutique SAS" {
			t.Errorf("%+v", o)
		}
	})
	t.Run("reference cycle", func(t *testing.T) {
		d := loadPage(t, "jsonld-cycle.html")
		if p := mainOf(t, d, "jsonld-cycle.html"); p.Name != "Loop Chair" {
			t.Errorf("%+v", p)
		}
		if _, err := json.Marshal(d.Items); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("http context and priceSpecification", func(t *testing.T) {
		d := loadPage(t, "jsonld-http-context.html")
		p := mainOf(t, d, "jsonld-http-context.html")
		wantPrice(t, onlyOffer(t, p), "89.95", "USD")
		if p.SKU != "TS-42" {
			t.Errorf("productID: %q", p.SKU)
		}
		var org *Item
		for _, it := range d.All() {
			if it.Is("Organization") {
				org = it
			}
		}
		if org == nil || org.Items("logo")[0].Get("url") != "https://shop.test/logo.png" {
			t.Errorf("organization logo: %+v", org)
		}
	})
}

func TestMicrodataPages(t *testing.T) {
	t.Run("product", func(t *testing.T) {
		d := loadPage(t, "microdata-product.html")
		p := mainOf(t, d, "microdata-product.html")
		o := onlyOffer(t, p)
		wantPrice(t, o, "39.99", "USD")
		if p.ID != "https://fans.example/p/halo" || p.SKU != "HF-10" || p.Brand.Name != "Halo" || o.Seller.Name != "Breeze Goods" ||
			o.Seller.URL != "https://shop.test/sellers/breeze" || p.Rating.Reviews != 2381 || p.Rating.Value != 4.4 {
			t.Errorf("%+v", p)
		}
		if img := p.Item.Get("image"); img != "https://shop.test/img/halo.jpg" {
			t.Errorf("lazy image: %q", img)
		}
	})
	t.Run("unrelated price first", func(t *testing.T) {
		d := loadPage(t, "microdata-unrelated-first.html")
		c, ok := d.MainProduct(pageBase + "microdata-unrelated-first.html")
		if !ok || c.Product.Name != "Studio X Headphones" || c.Ambiguous {
			t.Fatalf("%+v", c)
		}
		wantPrice(t, onlyOffer(t, c.Product), "249.00", "USD")
		for _, p := range d.Products() {
			if p.Name == "Ear Pads" && !p.Nested {
				t.Error("a related product is not marked nested")
			}
		}
	})
	t.Run("search results", func(t *testing.T) {
		ls := loadPage(t, "microdata-itemlist-search.html").ItemLists()
		if len(ls) != 1 || len(ls[0].Items) != 3 || ls[0].Count != 3 {
			t.Fatalf("%+v", ls)
		}
		it := ls[0].Items
		if it[0].URL != "https://shop.test/item/501" || it[0].Product.Brand.Name != "Market Basics" ||
			it[0].Product.Seller != (Party{Name: "market-retail", URL: "https://shop.test/sellers/market-retail"}) {
			t.Errorf("first: %+v", it[0].Product)
		}
		wantPrice(t, it[1].Product.Offers[0], "1049.00", "GBP")
		if ls[0].Next != "https://shop.test/pages/microdata-itemlist-search.html?q=kettle&page=2" {
			t.Errorf("next: %q", ls[0].Next)
		}
	})
	t.Run("itemref", func(t *testing.T) {
		p := mainOf(t, loadPage(t, "microdata-itemref.html"), "microdata-itemref.html")
		wantPrice(t, onlyOffer(t, p), "34.90", "EUR")
		if p.Rating == nil || p.Rating.Value != 4.7 || p.Rating.Count != 1234 || p.Brand.Name != "Bialetto" {
			t.Errorf("%+v", p)
		}
	})
	t.Run("display prices in the page language", func(t *testing.T) {
		p := mainOf(t, loadPage(t, "microdata-de-prices.html"), "microdata-de-prices.html")
		if len(p.Offers) != 2 {
			t.Fatalf("%+v", p.Offers)
		}
		wantPrice(t, p.Offers[0], "1299.00", "EUR")
		wantPrice(t, p.Offers[1], "1249", "EUR")
	})
}

func TestOtherSyntaxes(t *testing.T) {
	t.Run("rdfa", func(t *testing.T) {
		p := mainOf(t, loadPage(t, "rdfa-product.html"), "rdfa-product.html")
		o := onlyOffer(t, p)
		wantPrice(t, o, "34.95", "EUR")
		if p.Syntax != RDFa || p.ID != "https://fiets.example/p/slot-7" || p.SKU != "KS-7" || p.Brand.Name != "Veilig" ||
			o.Seller.Name != "Veilig BV" || o.Availability != "InStock" || p.Rating.Value != 4.3 || p.Rating.Reviews != 87 {
			t.Errorf("%+v", p)
		}
	})
	t.Run("rdfa prefix", func(t *testing.T) {
		ls := loadPage(t, "rdfa-prefix.html").ItemLists()
		if len(ls) != 1 || ls[0].Name != "Sartenes" || len(ls[0].Items) != 2 || ls[0].Items[1].URL != "https://shop.test/p/sarten-24" {
			t.Fatalf("%+v", ls)
		}
	})
	t.Run("opengraph", func(t *testing.T) {
		p := mainOf(t, loadPage(t, "opengraph-only.html"), "opengraph-only.html")
		o := onlyOffer(t, p)
		wantPrice(t, o, "299.90", "BRL")
		if p.Syntax != OpenGraph || p.SKU != "LT-900" || p.Brand.Name != "Turbo" || o.Availability != "InStock" ||
			p.URL != "https://loja.example/p/turbo-900" || p.Item.Get("product:sale_price:amount") != "249.90" {
			t.Errorf("%+v", p)
		}
	})
	t.Run("one product in three syntaxes", func(t *testing.T) {
		d := loadPage(t, "mixed-syntaxes.html")
		p := mainOf(t, d, "mixed-syntaxes.html")
		if p.Syntax != JSONLD || p.Offers[0].Seller.Name != "Camp Direct" {
			t.Errorf("%+v", p)
		}
		if n := len(d.Products()); n != 4 {
			t.Errorf("%d products, want 4 (three views of one, one related)", n)
		}
	})
	t.Run("charsets", func(t *testing.T) {
		p := mainOf(t, loadPage(t, "gbk-product.html"), "gbk-product.html")
		wantPrice(t, onlyOffer(t, p), "359.00", "CNY")
		if p.Name != "京选 电饭煲 4L" || p.Offers[0].Seller.Name != "京选自营旗舰店" {
			t.Errorf("gbk: %+v", p)
		}
		ls := loadPage(t, "gb18030-list.html").ItemLists()
		if len(ls) != 1 || len(ls[0].Items) != 2 || ls[0].Items[0].Name != "象印 保温杯 480ml 𠀀限定" {
			t.Errorf("gb18030: %+v", ls)
		}
		wantPrice(t, ls[0].Items[1].Product.Offers[0], "59.9", "CNY")
		p = mainOf(t, loadPage(t, "big5-product.html"), "big5-product.html")
		wantPrice(t, onlyOffer(t, p), "1290", "TWD")
		if p.Name != "潔淨 電動牙刷 S2" || p.Seller.Name != "潔淨官方商店" {
			t.Errorf("big5: %+v", p)
		}
	})
}

func parseString(t *testing.T, s string) *Data {
	t.Helper()
	d, err := Parse(strings.NewReader(s), "https://x.test/p")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMainProductAmbiguity(t *testing.T) {
	two := `<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">A</span></div>
		<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">B</span></div>`
	c, ok := parseString(t, two).MainProduct("https://x.test/p")
	if !ok || !c.Ambiguous || c.Product.Name != "A" {
		t.Errorf("two different products: %+v", c)
	}
	same := `<script type="application/ld+json">{"@type":"Product","name":"A","sku":"1"}</script>
		<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">A</span><meta itemprop="sku" content="1"></div>`
	c, ok = parseString(t, same).MainProduct("https://x.test/p")
	if !ok || c.Ambiguous || c.Product.Syntax != JSONLD {
		t.Errorf("one product twice: %+v", c)
	}
	if _, ok := parseString(t, `<p>nothing</p>`).MainProduct(""); ok {
		t.Error("a main product on a page without one")
	}
}

// A teaser or a "bought together" product marked up before the page's
// own is told apart by where it links, or failing that by the heading.
func TestMainProductBesideTeasers(t *testing.T) {
	teaser := `<div itemscope itemtype="https://schema.org/Product"><a itemprop="url" href="/p/filter"><span itemprop="name">Filter</span></a>
			<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="990"></div></div>`
	main := `<main itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Vacuum V12</h1>
			<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="24990"></div></main>`
	strip := `<div itemscope itemtype="https://schema.org/Product"><a itemprop="url" href="/p/brush"><span itemprop="name">Brush</span></a></div>`
	c, ok := parseString(t, teaser+main+strip).MainProduct("https://x.test/p/vacuum")
	if !ok || c.Ambiguous || c.Product.Name != "Vacuum V12" {
		t.Errorf("teaser linking away taken for the page's product: %+v", c)
	}
	// Neither links anywhere: the heading decides.
	bare := `<title>Vacuum V12 – Shop</title><div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Filter</span></div>
		<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Vacuum V12</span></div>`
	c, ok = parseString(t, bare).MainProduct("https://x.test/p/vacuum")
	if !ok || c.Ambiguous || c.Product.Name != "Vacuum V12" {
		t.Errorf("the product the title names not chosen: %+v", c)
	}
	// Nothing tells them apart: ambiguous, and a reader must not guess.
	c, ok = parseString(t, `<h1>Deals</h1>`+teaser+strip).MainProduct("https://x.test/deals")
	if !ok || !c.Ambiguous {
		t.Errorf("two products linking away from a page that names neither: %+v", c)
	}
}

func TestJSONLDContexts(t *testing.T) {
	d := parseString(t, `<script type="application/ld+json">{"@type":"Product","name":"no context"}</script>
		<script type="application/ld+json">{"@context":"https://www.w3.org/ns/activitystreams","type":"Note","name":"not schema.org"}</script>
		<script type="application/ld+json">{"@context":{"s":"http://schema.org/"},"@type":"s:Offer","s:price":"5"}</script>`)
	all := d.All()
	if len(all) != 3 {
		t.Fatalf("%d items", len(all))
	}
	if !all[0].Is("Product") || all[0].Get("name") != "no context" {
		t.Errorf("no @context: %+v", all[0])
	}
	if all[1].Get("name") != "not schema.org" || len(all[1].Types) != 0 {
		t.Errorf("foreign context: %+v", all[1])
	}
	if !all[2].Is("Offer") || all[2].Get("price") != "5" {
		t.Errorf("prefix context: %+v", all[2])
	}
}

func TestGroupsAndImplicitLists(t *testing.T) {
	d := loadPage(t, "jsonld-productgroup.html")
	g := mainOf(t, d, "jsonld-productgroup.html")
	if !g.Item.Is("ProductGroup") || len(g.Variants) != 3 || len(g.Offers) != 0 {
		t.Fatalf("%+v", g)
	}
	v, ok := g.Priced()
	if !ok || v.SKU != "MT-S-NAVY" {
		t.Fatalf("priced variant: %+v", v)
	}
	wantPrice(t, onlyOffer(t, v), "59.00", "USD")
	if g.Variants[1].Offers[0].Availability != "OutOfStock" || g.Brand.Name != "Fjell" {
		t.Errorf("%+v", g.Variants[1])
	}
	if _, ok := d.Results(); ok {
		t.Error("variants of one product read as a result list")
	}

	d = loadPage(t, "microdata-cards-nolist.html")
	if len(d.ItemLists()) != 0 {
		t.Fatal("an ItemList where the page has none")
	}
	l, ok := d.Results()
	if !ok || !l.Implicit || len(l.Items) != 3 {
		t.Fatalf("%+v", l)
	}
	if l.Items[1].URL != "https://shop.test/oferta/czajnik-szklany-202" {
		t.Errorf("url: %q", l.Items[1].URL)
	}
	wantPrice(t, l.Items[1].Product.Offers[0], "1049.00", "PLN")
	if p := l.Items[2].Product.Offers[0].Price; p.Kind != "from" || p.Value != 129 {
		t.Errorf("from price: %+v", p)
	}
	// A list in the markup wins over the products around it.
	if l, ok := loadPage(t, "mixed-syntaxes.html").Results(); !ok || l.Implicit || len(l.Items) != 1 {
		t.Errorf("explicit list: %+v", l)
	}
}

func TestPageLanguage(t *testing.T) {
	for in, want := range map[string]string{
		`<html lang="de-AT"><meta property="og:locale" content="en_US"></html>`: "de-AT",
		`<html><meta property="og:locale" content="pl_PL"></html>`:              "pl-PL",
		`<html><meta http-equiv="Content-Language" content="zh-CN"></html>`:     "zh-CN",
		`<html><p>none</p></html>`: "",
	} {
		if got := parseString(t, in).Lang; got != want {
			t.Errorf("%s: lang %q, want %q", in, got, want)
		}
	}
	// The language decides how a displayed price is read: fuel at
	// "1,459 €/l" has three decimals, which only the locale can tell.
	const fuel = `<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Diesel</span><div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">1,459 €/l</span></div></div>`
	p := parseString(t, `<html><meta property="og:locale" content="de_DE">`+fuel+`</html>`).Products()[0].Offers[0].Price
	if p.Ambiguous || p.Amount != "1.459" || p.Kind != "per_unit" {
		t.Errorf("with a locale: %+v", p)
	}
	if p := parseString(t, `<html>`+fuel+`</html>`).Products()[0].Offers[0].Price; !p.Ambiguous {
		t.Errorf("without a locale: %+v", p)
	}
}
