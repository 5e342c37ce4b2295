package schemaorg

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/platscan/platscan/probes/price"
)

// Party is a seller or brand: a name and, when given, its URL or @id.
type Party struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
	ID   string `json:"id,omitempty"`
}

// Empty reports a party with nothing known.
func (p Party) Empty() bool { return p == Party{} }

// Rating is an AggregateRating.
type Rating struct {
	Value float64 `json:"value"`
	Best  float64 `json:"best,omitempty"`
	Worst float64 `json:"worst,omitempty"`
	// Count is ratingCount and Reviews reviewCount; 0 when not given.
	Count   int64 `json:"count,omitempty"`
	Reviews int64 `json:"reviews,omitempty"`
	// Of and OfName say what is rated (the type and name of the item
	// holding the rating), when it is known.
	Of     string `json:"of,omitempty"`
	OfName string `json:"of_name,omitempty"`
	Syntax Syntax `json:"syntax"`
	Pos    int    `json:"pos"`
}

// Offer is one offer of a product.
type Offer struct {
	// Price is the price as read by package price, or nil when the offer
	// states none. Price.Ambiguous must be honoured.
	Price *price.Price `json:"price,omitempty"`
	// Currency is priceCurrency, else what the price string showed.
	Currency string `json:"currency,omitempty"`
	// Availability is the schema.org term ("InStock", "OutOfStock").
	Availability string `json:"availability,omitempty"`
	Seller       Party  `json:"seller,omitzero"`
	// SellerRating is the seller's own AggregateRating, if given.
	SellerRating *Rating `json:"seller_rating,omitempty"`
	URL          string  `json:"url,omitempty"`
	Syntax       Syntax  `json:"syntax"`
	Pos          int     `json:"pos"`
}

// AggregateOffer summarises several offers (a marketplace listing one
// product from many sellers).
type AggregateOffer struct {
	Low      *price.Price `json:"low,omitempty"`
	High     *price.Price `json:"high,omitempty"`
	Count    int64        `json:"count,omitempty"`
	Currency string       `json:"currency,omitempty"`
	// Seller is the seller the AggregateOffer itself names (one shop's
	// offers in several variants).
	Seller Party `json:"seller,omitzero"`
	// Offers are the individual offers it holds, if listed.
	Offers []Offer `json:"offers"`
	Pos    int     `json:"pos"`
}

// Product is a product as the page describes it.
type Product struct {
	Types []string `json:"type"`
	Name  string   `json:"name,omitempty"`
	SKU   string   `json:"sku,omitempty"`
	GTIN  string   `json:"gtin,omitempty"`
	MPN   string   `json:"mpn,omitempty"`
	URL   string   `json:"url,omitempty"`
	ID    string   `json:"id,omitempty"`
	Brand Party    `json:"brand,omitzero"`
	// Seller is the product's own seller property (not schema.org, but
	// common), else the seller shared by all its offers.
	Seller    Party           `json:"seller,omitzero"`
	Offers    []Offer         `json:"offers"`
	Aggregate *AggregateOffer `json:"aggregate,omitempty"`
	Rating    *Rating         `json:"rating,omitempty"`
	// Variants are the products of a ProductGroup (hasVariant), which
	// usually carry the offers the group itself lacks.
	Variants []Product `json:"variants,omitempty"`
	// Nested is set for a product inside another item (a result list, a
	// related product), which is not the page's own product.
	Nested bool   `json:"nested,omitempty"`
	Syntax Syntax `json:"syntax"`
	Pos    int    `json:"pos"`
	Item   *Item  `json:"-"`
}

// AllOffers returns the product's offers and those of its
// AggregateOffer.
func (p Product) AllOffers() []Offer {
	out := append([]Offer(nil), p.Offers...)
	if p.Aggregate != nil {
		out = append(out, p.Aggregate.Offers...)
	}
	return out
}

// LowPrice is the lowest price the product is offered at: the lowest
// unambiguous offer price, else the AggregateOffer's lowPrice.
func (p Product) LowPrice() (*price.Price, bool) {
	var best *price.Price
	for _, o := range p.AllOffers() {
		if o.Price != nil && !o.Price.Ambiguous && (best == nil || o.Price.Low < best.Low) {
			best = o.Price
		}
	}
	if best == nil && p.Aggregate != nil && p.Aggregate.Low != nil && !p.Aggregate.Low.Ambiguous {
		best = p.Aggregate.Low
	}
	return best, best != nil
}

// Priced returns the product itself when it has an offer or an
// AggregateOffer, else its first variant that has one (a ProductGroup
// page shows its default variant's price); false when none has.
func (p Product) Priced() (Product, bool) {
	if len(p.Offers) > 0 || p.Aggregate != nil {
		return p, true
	}
	for _, v := range p.Variants {
		if len(v.Offers) > 0 || v.Aggregate != nil {
			return v, true
		}
	}
	return p, false
}

// ListItem is one entry of a result list.
type ListItem struct {
	Position int    `json:"position"`
	URL      string `json:"url,omitempty"`
	Name     string `json:"name,omitempty"`
	// Item is the entry's item when the list gives one; Product is its
	// product view when that item is a product.
	Item    *Item    `json:"-"`
	Product *Product `json:"product,omitempty"`
}

// ItemList is an ordered list of results.
type ItemList struct {
	Name  string     `json:"name,omitempty"`
	Order string     `json:"order,omitempty"`
	Count int64      `json:"count,omitempty"`
	Items []ListItem `json:"items"`
	// Next is the page's rel=next link, for paged results.
	Next string `json:"next,omitempty"`
	// Implicit marks a list made by Results from top-level products.
	Implicit bool   `json:"implicit,omitempty"`
	Syntax   Syntax `json:"syntax"`
	Pos      int    `json:"pos"`
}

// productTypes are the schema.org types read as products.
var productTypes = []string{"Product", "ProductModel", "IndividualProduct", "SomeProducts", "ProductGroup", "Vehicle", "Car", "Motorcycle", "Book", "DietarySupplement", "Drug"}

// notProducts are types that may carry offers but are not products.
var notProducts = []string{"ItemList", "ListItem", "OfferCatalog", "Offer", "AggregateOffer", "WebPage", "ItemPage",
	"SearchResultsPage", "CollectionPage", "WebSite", "Organization", "Store", "OnlineStore", "Event", "Person", "Place"}

func isProduct(it *Item) bool {
	return it.Is(productTypes...) || (len(it.Props["offers"]) > 0 && !it.Is(notProducts...))
}

// edges maps every item to the items holding it and the property.
type edge struct {
	parent *Item
	prop   string
}

func (d *Data) parents() map[*Item][]edge {
	out := map[*Item][]edge{}
	for _, it := range d.All() {
		for _, k := range sortedKeys(it.Props) {
			for _, v := range it.Props[k] {
				if v.Item != nil {
					out[v.Item] = append(out[v.Item], edge{it, k})
				}
			}
		}
	}
	return out
}

// Products returns every product on the page, in document order.
func (d *Data) Products() []Product {
	par := d.parents()
	out := []Product{}
	for _, it := range d.All() {
		if isProduct(it) {
			out = append(out, d.product(it, par))
		}
	}
	return out
}

func (d *Data) product(it *Item, par map[*Item][]edge) Product {
	p := Product{Types: it.Types, Name: it.Get("name"), SKU: first(it, "sku", "productID"), MPN: it.Get("mpn"),
		GTIN: first(it, "gtin", "gtin13", "gtin12", "gtin14", "gtin8"), URL: it.Get("url"), ID: it.ID,
		Offers: []Offer{}, Syntax: it.Syntax, Pos: it.Pos, Item: it}
	p.Brand = party(it, "brand")
	if p.Brand.Empty() {
		p.Brand = party(it, "manufacturer")
	}
	for _, o := range it.Items("offers") {
		if o.Is("AggregateOffer") {
			if p.Aggregate == nil {
				p.Aggregate = d.aggregate(o)
			}
			continue
		}
		p.Offers = append(p.Offers, d.offer(o))
	}
	if len(p.Offers) == 0 && p.Aggregate == nil && len(it.Props["price"]) > 0 {
		// A price put on the product itself, without an Offer: not what
		// the vocabulary says, but common, and still this product's.
		p.Offers = append(p.Offers, d.offer(it))
	}
	if r := it.Items("aggregateRating"); len(r) > 0 {
		p.Rating = d.rating(r[0], it)
	}
	for _, v := range it.Items("hasVariant") {
		if v != it && isProduct(v) {
			p.Variants = append(p.Variants, d.product(v, par))
		}
	}
	p.Seller = party(it, "seller")
	if p.Seller.Empty() {
		p.Seller = sharedSeller(p.AllOffers())
	}
	for _, e := range par[it] {
		if e.prop != "mainEntity" && e.prop != "about" && !e.parent.Is("WebPage", "ItemPage", "WebSite") {
			p.Nested = true
		}
	}
	return p
}

func sharedSeller(offers []Offer) Party {
	if len(offers) == 0 {
		return Party{}
	}
	s := offers[0].Seller
	for _, o := range offers[1:] {
		if o.Seller != s {
			return Party{}
		}
	}
	return s
}

func first(it *Item, props ...string) string {
	for _, p := range props {
		if v := it.Get(p); v != "" {
			return v
		}
	}
	return ""
}

// party reads a brand or seller: a nested item's name, URL and id, or a
// plain name.
func party(it *Item, prop string) Party {
	for _, v := range it.Props[prop] {
		switch {
		case v.Item != nil:
			p := Party{Name: v.Item.Get("name"), URL: v.Item.Get("url"), ID: v.Item.ID}
			if !p.Empty() {
				return p
			}
		case v.Ref != "":
			return Party{ID: v.Ref}
		case v.URL != "":
			return Party{URL: v.URL}
		case strings.TrimSpace(v.Text) != "":
			return Party{Name: strings.TrimSpace(v.Text)}
		}
	}
	return Party{}
}

// readPrice reads prop of it (or of its priceSpecification) with the
// currency and language of the page.
func (d *Data) readPrice(it *Item, prop, currency string) *price.Price {
	v, ok := it.Value(prop)
	if !ok {
		for _, spec := range it.Items("priceSpecification") {
			if v, ok = spec.Value(prop); ok {
				if currency == "" {
					currency = spec.Get("priceCurrency")
				}
				break
			}
		}
	}
	if !ok {
		return nil
	}
	if currency == "" {
		currency = d.Currency
	}
	p, ok := price.Parse(v.String(), price.Hint{Lang: d.Lang, Currency: currency, Machine: !v.Display})
	if !ok {
		return nil
	}
	return &p
}

func currencyOf(it *Item) string {
	if c := it.Get("priceCurrency"); c != "" {
		return strings.ToUpper(c)
	}
	for _, spec := range it.Items("priceSpecification") {
		if c := spec.Get("priceCurrency"); c != "" {
			return strings.ToUpper(c)
		}
	}
	return ""
}

func (d *Data) offer(o *Item) Offer {
	cur := currencyOf(o)
	off := Offer{Currency: cur, Availability: availability(o.Get("availability")), Seller: party(o, "seller"),
		URL: o.Get("url"), Syntax: o.Syntax, Pos: o.Pos}
	off.Price = d.readPrice(o, "price", cur)
	if off.Currency == "" && off.Price != nil {
		off.Currency = off.Price.Currency
	}
	for _, s := range o.Items("seller") {
		if r := s.Items("aggregateRating"); len(r) > 0 {
			off.SellerRating = d.rating(r[0], s)
		}
	}
	return off
}

func (d *Data) aggregate(o *Item) *AggregateOffer {
	cur := currencyOf(o)
	a := &AggregateOffer{Currency: cur, Seller: party(o, "seller"), Offers: []Offer{}, Pos: o.Pos}
	a.Low = d.readPrice(o, "lowPrice", cur)
	if a.Low == nil {
		a.Low = d.readPrice(o, "price", cur)
	}
	a.High = d.readPrice(o, "highPrice", cur)
	if c, ok := price.ParseCount(o.Get("offerCount"), d.Lang); ok && !c.Ambiguous {
		a.Count = c.Value
	}
	for _, x := range o.Items("offers") {
		a.Offers = append(a.Offers, d.offer(x))
	}
	return a
}

// availability shortens a schema.org availability IRI, and maps the
// plain words OpenGraph and some shops use onto the same terms.
func availability(s string) string {
	s = short(s)
	switch strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "").Replace(s)) {
	case "":
		return ""
	case "instock", "available":
		return "InStock"
	case "outofstock", "oos", "soldout":
		return "OutOfStock"
	case "preorder":
		return "PreOrder"
	case "backorder", "availablefororder":
		return "BackOrder"
	case "discontinued":
		return "Discontinued"
	}
	return s
}

// Ratings returns every AggregateRating on the page with what it rates.
func (d *Data) Ratings() []Rating {
	par := d.parents()
	out := []Rating{}
	for _, it := range d.All() {
		if !it.Is("AggregateRating") {
			continue
		}
		var of *Item
		for _, e := range par[it] {
			if e.prop == "aggregateRating" {
				of = e.parent
				break
			}
		}
		if r := d.rating(it, of); r != nil {
			out = append(out, *r)
		}
	}
	return out
}

func (d *Data) rating(it, of *Item) *Rating {
	r := &Rating{Syntax: it.Syntax, Pos: it.Pos}
	num := func(prop string) float64 {
		v, ok := it.Value(prop)
		if !ok {
			return 0
		}
		p, ok := price.Parse(v.String(), price.Hint{Lang: d.Lang, Machine: !v.Display})
		if !ok || p.Ambiguous {
			return 0
		}
		return p.Value
	}
	count := func(prop string) int64 {
		c, ok := price.ParseCount(it.Get(prop), d.Lang)
		if !ok || c.Ambiguous {
			return 0
		}
		return c.Value
	}
	r.Value, r.Best, r.Worst = num("ratingValue"), num("bestRating"), num("worstRating")
	r.Count, r.Reviews = count("ratingCount"), count("reviewCount")
	if of != nil {
		if len(of.Types) > 0 {
			r.Of = of.Types[0]
		}
		r.OfName = of.Get("name")
	}
	return r
}

// listTypes are read as result lists; a BreadcrumbList is navigation.
var listTypes = []string{"ItemList", "OfferCatalog", "HowToSection"}

// ItemLists returns the page's result lists, each ordered by position.
func (d *Data) ItemLists() []ItemList {
	par := d.parents()
	out := []ItemList{}
	for _, it := range d.All() {
		if !it.Is(listTypes...) || it.Is("BreadcrumbList") {
			continue
		}
		l := ItemList{Name: it.Get("name"), Order: short(it.Get("itemListOrder")), Items: []ListItem{}, Next: d.Next, Syntax: it.Syntax, Pos: it.Pos}
		if c, ok := price.ParseCount(it.Get("numberOfItems"), d.Lang); ok && !c.Ambiguous {
			l.Count = c.Value
		}
		for i, v := range it.Props["itemListElement"] {
			l.Items = append(l.Items, d.listItem(i, v, par))
		}
		sort.SliceStable(l.Items, func(a, b int) bool { return l.Items[a].Position < l.Items[b].Position })
		out = append(out, l)
	}
	return out
}

func (d *Data) listItem(i int, v Value, par map[*Item][]edge) ListItem {
	li := ListItem{Position: i + 1}
	if v.Item == nil {
		li.URL = v.String()
		return li
	}
	entry := v.Item
	if entry.Is("ListItem") {
		if n, err := strconv.Atoi(strings.TrimSpace(entry.Get("position"))); err == nil {
			li.Position = n
		}
		li.URL, li.Name = entry.Get("url"), entry.Get("name")
		if items := entry.Items("item"); len(items) > 0 {
			entry = items[0]
		} else {
			if li.URL == "" {
				li.URL = entry.Get("item")
			}
			return li
		}
	}
	li.Item = entry
	if li.URL == "" {
		li.URL = entry.Get("url")
	}
	if li.URL == "" && entry.ID != "" && !strings.HasPrefix(entry.ID, "_:") {
		li.URL = entry.ID
	}
	if li.Name == "" {
		li.Name = entry.Get("name")
	}
	if isProduct(entry) {
		p := d.product(entry, par)
		li.Product = &p
	}
	return li
}

// Results returns the page's result list: its first JSON-LD list, else
// its first list in any syntax, else, where a page marks each result as a
// top-level product without a list around them, those products in
// document order (Implicit set). False when the page has none of these.
func (d *Data) Results() (ItemList, bool) {
	lists := d.ItemLists()
	for _, l := range lists {
		if l.Syntax == JSONLD {
			return l, true
		}
	}
	if len(lists) > 0 {
		return lists[0], true
	}
	var top []Product
	for _, p := range d.Products() {
		if !p.Nested {
			top = append(top, p)
		}
	}
	if len(top) < 2 {
		return ItemList{}, false
	}
	l := ItemList{Items: []ListItem{}, Next: d.Next, Syntax: top[0].Syntax, Pos: top[0].Pos, Implicit: true}
	for i, p := range top {
		li := ListItem{Position: i + 1, URL: p.URL, Name: p.Name, Item: p.Item, Product: &top[i]}
		if li.URL == "" && p.ID != "" && !strings.HasPrefix(p.ID, "_:") {
			li.URL = p.ID
		}
		l.Items = append(l.Items, li)
	}
	return l, true
}

// Choice is the product a page is about, and why it was chosen.
type Choice struct {
	Product Product `json:"product"`
	// Reason says how it was chosen; Ambiguous is set when several
	// different products were equally likely and the first was taken.
	Reason    string `json:"reason"`
	Ambiguous bool   `json:"ambiguous,omitempty"`
}

// MainProduct chooses the product the page is about: the mainEntity of
// the page, else the product whose url or @id is the page (or its
// canonical URL), else the only product not nested in another item
// (descriptions of one product in several syntaxes count as one,
// JSON-LD first), else the only one that does not link to another page,
// else the only one the page's heading names. Failing all of these the
// first is returned marked Ambiguous. It returns false when the page has
// no product.
func (d *Data) MainProduct(pageURL string) (Choice, bool) {
	all := d.Products()
	var top []Product
	for _, p := range all {
		if !p.Nested {
			top = append(top, p)
		}
	}
	if len(top) == 0 {
		return Choice{}, false
	}
	par := d.parents()
	for _, p := range top {
		for _, e := range par[p.Item] {
			if e.prop == "mainEntity" {
				return Choice{Product: p, Reason: "mainEntity of the page"}, true
			}
		}
		if p.Item.Get("mainEntityOfPage") != "" || len(p.Item.Items("mainEntityOfPage")) > 0 {
			return Choice{Product: p, Reason: "mainEntityOfPage"}, true
		}
	}
	// Each step below picks a product; the description returned is the
	// fullest of that product (JSON-LD before microdata, RDFa and
	// OpenGraph), since og:url may name the page where JSON-LD does not.
	sort.SliceStable(top, func(i, j int) bool { return top[i].Syntax.rank() < top[j].Syntax.rank() })
	best := func(p Product) Product {
		for _, q := range top {
			if sameProduct(p, q) {
				return q
			}
		}
		return p
	}
	// OpenGraph tags describe the page itself, in fewer words (og:title
	// is often shorter than the product's name): beside exactly one
	// product in another syntax they describe that product.
	var marked []Product
	for _, p := range top {
		if p.Syntax != OpenGraph {
			marked = append(marked, p)
		}
	}
	if one, ok := single(marked); ok && len(marked) < len(top) {
		return Choice{Product: one, Reason: "the only product not nested in another item"}, true
	}
	pages := []string{normURL(pageURL), normURL(d.Canonical)}
	for _, p := range top {
		for _, u := range []string{normURL(p.URL), normURL(p.ID)} {
			if u != "" && (u == pages[0] || u == pages[1]) {
				return Choice{Product: best(p), Reason: "its url is the page's"}, true
			}
		}
	}
	if one, ok := single(top); ok {
		return Choice{Product: one, Reason: "the only product not nested in another item"}, true
	}
	// Several different products: a teaser, a "bought together" strip
	// or a recently-viewed item marked up beside the page's own. Those
	// link to their own pages; the page's product does not link away, or
	// is named by the page's heading.
	if pages[0] != "" || pages[1] != "" {
		var here []Product
		for _, p := range top {
			if u := normURL(p.URL); u == "" || u == pages[0] || u == pages[1] {
				here = append(here, p)
			}
		}
		if one, ok := single(here); ok {
			return Choice{Product: best(one), Reason: "the only product that does not link to another page"}, true
		}
	}
	var named []Product
	for _, p := range top {
		if d.titled(p.Name) {
			named = append(named, p)
		}
	}
	if one, ok := single(named); ok {
		return Choice{Product: best(one), Reason: "its name is the page's heading"}, true
	}
	return Choice{Product: top[0], Reason: "first of several different products not nested in another item", Ambiguous: true}, true
}

// single returns the product ps describe when they all describe one
// (several syntaxes of the same product count as one; the first, of the
// best-ranked syntax, is returned).
func single(ps []Product) (Product, bool) {
	if len(ps) == 0 {
		return Product{}, false
	}
	for _, p := range ps[1:] {
		if !sameProduct(ps[0], p) {
			return Product{}, false
		}
	}
	return ps[0], true
}

// titled reports whether name is what the page's heading or og:title
// says, or is contained in its <title> (which adds the shop's name).
func (d *Data) titled(name string) bool {
	n := strings.ToLower(strings.Join(strings.Fields(name), " "))
	if len([]rune(n)) < 4 {
		return false
	}
	for i, t := range d.Titles {
		t = strings.ToLower(t)
		if t == n || (i == len(d.Titles)-1 && strings.Contains(t, n)) {
			return true
		}
	}
	return false
}

// sameProduct reports two descriptions of one product (JSON-LD and
// microdata of the same page, say).
//
// Names settle it before URLs: a JSON-LD block's URL often carries a
// variant query that the page's og:url leaves out.
func sameProduct(a, b Product) bool {
	switch {
	case a.SKU != "" && b.SKU != "":
		return a.SKU == b.SKU
	case a.GTIN != "" && b.GTIN != "":
		return a.GTIN == b.GTIN
	case a.Name != "" && b.Name != "":
		return strings.EqualFold(strings.Join(strings.Fields(a.Name), " "), strings.Join(strings.Fields(b.Name), " "))
	case a.URL != "" && b.URL != "":
		return normURL(a.URL) == normURL(b.URL)
	}
	return false
}

// normURL drops what does not change which page a URL names here: the
// fragment and a trailing slash.
func normURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || s == "" {
		return ""
	}
	u.Fragment = ""
	return strings.TrimSuffix(u.String(), "/")
}
