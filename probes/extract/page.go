package extract

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/publicsuffix"

	"github.com/platscan/platscan/probes/price"
	"github.com/platscan/platscan/probes/schemaorg"
	"github.com/platscan/platscan/profile"
)

// Hints are what the profile says about a platform's pages that the pages
// may not say themselves: the language and currency prices are written
// in, and CSS selectors for pages without structured data.
type Hints struct {
	Lang     string
	Currency string
	// Product reads a product page; Results a result list.
	Product Selectors
	Results Selectors
}

// HintsFrom returns the hints of a profile's extract section.
func HintsFrom(e profile.Extract) Hints {
	p := e.ProductPage()
	r := e.Results
	return Hints{Lang: e.Lang, Currency: e.Currency,
		Product: Selectors{Name: p.Name, Price: p.Price, Seller: p.Seller, Brand: p.Brand},
		Results: Selectors{Container: r.Container, Item: r.Item, Link: r.Link, Name: r.Name, Price: r.Price,
			Seller: r.Seller, Brand: r.Brand, SelfLabel: r.SelfLabel, AdLabel: r.AdLabel}}
}

// Page is one page parsed once: its DOM for selectors and labels, and its
// structured data. Every reader works on the page's HTML text, so a page
// fetched over HTTP and a page rendered by a browser read alike.
type Page struct {
	// URL resolves the page's relative links (its final URL).
	URL  string
	Doc  *goquery.Document
	Data *schemaorg.Data
	// Lang is the page's declared language, else the profile's.
	Lang  string
	hints Hints
	// soldBy matches "sold by <this site>", made on first use.
	soldBy     *regexp.Regexp
	soldByMade bool
}

// Read parses text, the page's HTML as decoded by probes/fetch, served
// at pageURL.
func Read(text, pageURL string, h Hints) (*Page, error) {
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", pageURL, err)
	}
	doc := goquery.NewDocumentFromNode(root)
	if u, err := url.Parse(pageURL); err == nil {
		doc.Url = u
	}
	d := schemaorg.ParseNode(root, pageURL)
	if d.Lang == "" {
		d.Lang = h.Lang
	}
	d.Currency = h.Currency
	return &Page{URL: pageURL, Doc: doc, Data: d, Lang: d.Lang, hints: h}, nil
}

// hint is the price hint of a value the page shows to people.
func (p *Page) hint() price.Hint { return price.Hint{Lang: p.Lang, Currency: p.hints.Currency} }

// Product returns the page's product offer: the main product of the
// structured data (its first offer with a readable price, else its
// AggregateOffer's lowPrice), else what the profile's product selectors
// read. False when neither gives a price that can be read without doubt,
// or when the page marks up several products and none is plainly its own.
func (p *Page) Product() (Offer, bool) {
	// Of several products none of which is plainly the page's, taking
	// one would be a guess: the page reads as unread, not as the first.
	if c, ok := p.Data.MainProduct(p.URL); ok && !c.Ambiguous {
		if o, ok := offerOf(c.Product); ok {
			return o, true
		}
	}
	s := p.hints.Product
	if s.Price == "" {
		return Offer{}, false
	}
	r := SelectOne(p.Doc, s, p.URL, p.hint())
	if !usable(r.Price) {
		return Offer{}, false
	}
	return Offer{Name: r.Name, Seller: r.Seller, Brand: r.Brand, Price: r.Price.Value, Currency: r.Price.Currency, Source: "selector"}, true
}

// Offers returns every offer of the page's product (several sellers of
// one item, directly or in an AggregateOffer), with the seller's rating
// when the markup gives it. Offers whose price cannot be read without
// doubt are left out.
func (p *Page) Offers() []Offer {
	c, ok := p.Data.MainProduct(p.URL)
	if !ok || c.Ambiguous {
		return nil
	}
	prod, _ := c.Product.Priced()
	var out []Offer
	for _, off := range prod.AllOffers() {
		if !usable(off.Price) {
			continue
		}
		o := Offer{Price: off.Price.Value, Currency: off.Currency, Seller: off.Seller.Name, Source: source(off.Syntax)}
		if off.SellerRating != nil {
			o.Rating = off.SellerRating.Value
		}
		out = append(out, o)
	}
	return out
}

// Result is one entry of a result list, with what its card on the page
// shows.
type Result struct {
	Position int    `json:"position"`
	URL      string `json:"url"`
	Name     string `json:"name"`
	Seller   string `json:"seller"`
	Brand    string `json:"brand"`
	// Price is nil when the result states none that can be read without
	// doubt; Rating and Reviews are nil when not stated.
	Price   *price.Price `json:"price"`
	Rating  *float64     `json:"rating"`
	Reviews *int         `json:"reviews"`
	// Card is true when the element that shows the result on the page was
	// found; the labels below are read from it and mean nothing without it.
	Card bool `json:"card"`
	// AdLabel and SelfLabel are true when the card shows an "ad" or a
	// "self-operated" label (text, or the profile's label selectors);
	// AdMarkup when its markup marks a paid slot (data-ad, a sponsored
	// class) whether or not a label is shown.
	AdLabel   bool `json:"ad_label"`
	SelfLabel bool `json:"self_label"`
	AdMarkup  bool `json:"ad_markup"`
	// Labels are the label texts the card shows.
	Labels []string `json:"labels"`
}

// Listing is a page's result list.
type Listing struct {
	// Source says how it was read: jsonld, microdata, rdfa, opengraph or
	// selector; "" when nothing was read.
	Source string `json:"source"`
	// Implicit is set when the page marks each result as a product with
	// no list around them.
	Implicit bool     `json:"implicit"`
	Items    []Result `json:"items"`
	// Next is the link to the next page of results; "" when none.
	Next string `json:"next"`
}

// Results reads the page's result list: the structured list
// (schemaorg.Data.Results), else the profile's result selectors. Each
// result's labels are read from its card: the largest element around its
// link that holds no other result.
func (p *Page) Results() Listing {
	l := Listing{Items: []Result{}, Next: p.NextPage()}
	if list, ok := p.Data.Results(); ok && len(list.Items) > 0 {
		l.Source, l.Implicit = source(list.Syntax), list.Implicit
		for _, it := range list.Items {
			r := Result{Position: it.Position, URL: p.abs(it.URL), Name: it.Name, Labels: []string{}}
			if it.Product != nil {
				p.fromProduct(&r, *it.Product)
			}
			l.Items = append(l.Items, r)
		}
		p.readCards(l.Items)
		return l
	}
	s := p.hints.Results
	if s.Item == "" {
		return l
	}
	l.Source = "selector"
	scope := p.Doc.Selection
	if s.Container != "" {
		scope = p.Doc.Find(s.Container).First()
	}
	scope.Find(s.Item).Each(func(i int, card *goquery.Selection) {
		row := readRow(card, s, p.URL, p.langHint())
		r := Result{Position: i + 1, URL: row.URL, Name: row.Name, Seller: row.Seller, Brand: row.Brand, Labels: []string{}}
		if row.Price != nil && !row.Price.Ambiguous {
			r.Price = row.Price
		}
		p.labels(&r, card)
		l.Items = append(l.Items, r)
	})
	return l
}

// Listing is items (a result list read elsewhere, such as the platform's
// JSON API) as a listing of this page: each result's labels are read from
// its card on the page.
func (p *Page) Listing(source string, items []Result) Listing {
	for i := range items {
		items[i].URL = p.abs(items[i].URL)
	}
	p.readCards(items)
	return Listing{Source: source, Items: items, Next: p.NextPage()}
}

func (p *Page) langHint() price.Hint {
	h := p.hint()
	if h.Lang == "" {
		h.Lang = strings.TrimSpace(p.Doc.Find("html").AttrOr("lang", ""))
	}
	return h
}

func (p *Page) fromProduct(r *Result, prod schemaorg.Product) {
	if r.Name == "" {
		r.Name = prod.Name
	}
	if r.URL == "" {
		r.URL = p.abs(prod.URL)
	}
	r.Seller, r.Brand = prod.Seller.Name, prod.Brand.Name
	priced, _ := prod.Priced()
	for _, off := range priced.Offers {
		if off.Price != nil && !off.Price.Ambiguous {
			r.Price = off.Price
			if off.Seller.Name != "" {
				r.Seller = off.Seller.Name
			}
			break
		}
	}
	if a := priced.Aggregate; r.Price == nil && a != nil && a.Low != nil && !a.Low.Ambiguous {
		r.Price = a.Low
	}
	if prod.Rating != nil {
		v := prod.Rating.Value
		r.Rating = &v
		if n := max(prod.Rating.Reviews, prod.Rating.Count); n > 0 {
			c := int(n)
			r.Reviews = &c
		}
	}
}

func (p *Page) abs(ref string) string {
	if ref == "" {
		return ""
	}
	return resolve(p.URL, ref)
}

// NextPage is the link to the page's next page of results: rel=next, else
// a link whose text or class says next; "" when there is none.
func (p *Page) NextPage() string {
	if p.Data.Next != "" {
		return p.Data.Next
	}
	href := ""
	p.Doc.Find("a[href]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		t := trimText(s.Text())
		if nextWords.MatchString(t) || nextClass.MatchString(s.AttrOr("class", "")) {
			href = s.AttrOr("href", "")
		}
		return href == ""
	})
	if href == "" || strings.HasPrefix(strings.ToLower(href), "javascript:") {
		return ""
	}
	return p.abs(href)
}

var (
	nextWords = regexp.MustCompile(`^(下一页|下页|后一页|›|»|>|(?i)next( page)?( ?[›»>])?)$`)
	nextClass = regexp.MustCompile(`(?i)(^|[\s_-])(next|pn-next)($|[\s_-])`)

	// adText are words that mark a paid slot wherever they stand on a
	// card; adWord are short ones ("PR", "Anzeige") that also mean other
	// things, so they count only as the whole text of an element.
	adText    = regexp.MustCompile(`广告|推广|赞助|廣告|広告|광고|(?i)реклама|gesponsert|sponsoris[ée]e?|patrocinado|sponsorizzato|gesponsord|sponsorowane|\b(ad|sponsored|promoted)\b`)
	adWord    = regexp.MustCompile(`^(?i)(ad|ads|pr|anzeige|annonce|pub|publicit[ée]|werbung|reklam|reklama)$`)
	selfText  = regexp.MustCompile(`自营|自營|(?i)sold by (the )?platform|\bsold by [a-z0-9 ]+ itself\b`)
	adMarkup  = regexp.MustCompile(`(?i)(^|[\s_-])(ad|ads|advert|sponsor|sponsored|promoted|cpc)($|[\s_-])`)
	labelLike = regexp.MustCompile(`(?i)badge|tag|label|flag|icon|mark|promo|sponsor|self|(^|[\s_-])ad($|[\s_-])`)
)

// readCards finds each result's card and reads its labels. A card is the
// largest element around a link to the result that contains no link to
// another result, so it works on lists in any markup.
func (p *Page) readCards(items []Result) {
	idx := map[string][]int{}
	for i, r := range items {
		if k := normLink(r.URL); k != "" {
			idx[k] = append(idx[k], i)
		}
	}
	if len(idx) == 0 {
		return
	}
	// anchors[i] are the elements linking to result i's URL; under[n]
	// the results whose links lie under element n.
	anchors := map[int][]*html.Node{}
	under := map[*html.Node]map[string]bool{}
	p.Doc.Find("[href], [itemid], meta[itemprop=url][content]").Each(func(_ int, s *goquery.Selection) {
		ref := s.AttrOr("href", s.AttrOr("itemid", s.AttrOr("content", "")))
		k := normLink(p.abs(ref))
		is, ok := idx[k]
		if !ok {
			return
		}
		n := s.Nodes[0]
		for _, i := range is {
			anchors[i] = append(anchors[i], n)
		}
		for a := n; a != nil; a = a.Parent {
			if under[a] == nil {
				under[a] = map[string]bool{}
			}
			under[a][k] = true
		}
	})
	for i := range items {
		as := anchors[i]
		if len(as) == 0 {
			continue
		}
		k := normLink(items[i].URL)
		card := as[0]
		for par := card.Parent; par != nil && par.Type == html.ElementNode && par.Data != "body" && par.Data != "html"; par = par.Parent {
			if len(under[par]) > 1 || !under[par][k] {
				break
			}
			card = par
		}
		sel := goquery.NewDocumentFromNode(card).Selection
		p.labels(&items[i], sel)
		if items[i].Price == nil {
			items[i].Price = p.cardPrice(sel)
		}
	}
}

var (
	// cardPriceSel are elements a card marks as its price.
	cardPriceSel = `[itemprop=price], [data-price], [class*=price], [class*=Price], [class*=amount]`
	// notCurrent marks prices that are not what the item costs now: the
	// struck-through former price, a list price, a unit price, a saving.
	// Class names are matched as words (a "product-list" or "super" card
	// is no list or unit price) or as the usual compounds.
	// A "discount" or "sale" price is the current one, so those words are
	// not in the list; a saving or coupon amount is no price at all.
	notCurrent = regexp.MustCompile(`(?i)(^|[^a-z])(old|was|orig|original|before|strike|strikethrough|strikeout|crossed|rrp|uvp|msrp|regular|unit|per|save|saving|coupon|installments?|monthly)([^a-z]|$)|line-?through|compare-?(at)?|(old|was|list|unit|regular|base|strike)-?price|price-?(old|was|before|list|unit)`)
)

// cardPrice reads the price a result's card shows, for lists whose
// structured data names the items but not their prices: the elements the
// card marks as a price, leaving out struck-through, former, list and unit
// prices. Nil unless they all read as one amount without doubt: a card
// that shows two current-looking prices is not guessed at.
func (p *Page) cardPrice(card *goquery.Selection) *price.Price {
	h := p.langHint()
	var found *price.Price
	ok := true
	card.Find(cardPriceSel).Each(func(_ int, e *goquery.Selection) {
		if !ok || e.Find(cardPriceSel).Length() > 0 {
			return // the innermost price element speaks for itself
		}
		for x := e; x.Length() > 0 && x.Nodes[0] != card.Nodes[0]; x = x.Parent() {
			switch goquery.NodeName(x) {
			case "s", "del", "strike":
				return
			}
			if notCurrent.MatchString(x.AttrOr("class", "") + " " + x.AttrOr("itemprop", "")) {
				return
			}
		}
		pr := readPrice(e, h)
		if pr == nil {
			return
		}
		switch {
		case pr.Ambiguous, found != nil && (found.Value != pr.Value || found.Currency != pr.Currency):
			ok = false
		case found == nil:
			found = pr
		}
	})
	if !ok {
		return nil
	}
	return found
}

// soldByWords are the phrases with which a card names who sells (and
// ships) the item, in the languages of the large marketplaces.
const soldByWords = `(sold|ships from and sold|shipped and sold|fulfilled and sold|dispatched and sold|verkauf( und versand)?|versand und verkauf|vendu( et exp[ée]di[ée])?|exp[ée]di[ée] et vendu|vendido( y enviado)?|vendido e entregue|venduto( e spedito)?|verkocht( en verzonden)?|sprzedawane)\s+(by|durch|par|por|da|door|przez)\s+`

// soldBySite reports a card that says the item is sold by the site
// itself ("Verkauf und Versand durch shop.example", "Ships from and sold
// by Amazon.de"): the platform's own offer, named by its host or by the
// first label of its host's registrable domain.
func (p *Page) soldBySite(text string) bool {
	if !p.soldByMade {
		p.soldBy, p.soldByMade = soldByRegexp(p.URL), true
	}
	return p.soldBy != nil && p.soldBy.MatchString(text)
}

func soldByRegexp(pageURL string) *regexp.Regexp {
	u, err := url.Parse(pageURL)
	if err != nil || u.Hostname() == "" || net.ParseIP(u.Hostname()) != nil {
		return nil
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	names := []string{regexp.QuoteMeta(host)}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		if label, _, ok := strings.Cut(d, "."); ok && len(label) >= 3 {
			names = append(names, regexp.QuoteMeta(label)+`(\.[a-z.]+)?`)
		}
	}
	re, err := regexp.Compile(`(?i)` + soldByWords + `(` + strings.Join(names, "|") + `)($|[^\w-])`)
	if err != nil {
		return nil
	}
	return re
}

// labels reads the labels shown on a result's card.
func (p *Page) labels(r *Result, card *goquery.Selection) {
	r.Card = true
	s := p.hints.Results
	text := cardText(card)
	r.AdLabel = adText.MatchString(text) || matches(card, s.AdLabel)
	r.SelfLabel = selfText.MatchString(text) || matches(card, s.SelfLabel) || p.soldBySite(text)
	r.AdMarkup = adMarkup.MatchString(markupOf(card))
	seen := map[string]bool{}
	card.Find("*").AddSelection(card).Each(func(_ int, e *goquery.Selection) {
		if !r.AdLabel && e.Children().Length() == 0 && adWord.MatchString(trimText(e.Text())) {
			r.AdLabel = true
		}
		if !labelLike.MatchString(e.AttrOr("class", "")) && !matchesSel(e, s.AdLabel) && !matchesSel(e, s.SelfLabel) {
			return
		}
		if t := trimText(e.Text()); t != "" && len([]rune(t)) <= 16 && !seen[t] {
			seen[t] = true
			r.Labels = append(r.Labels, t)
		}
	})
}

// cardText is what a reader sees on a card: its text and the text
// alternatives of its images and icons.
func cardText(card *goquery.Selection) string {
	parts := []string{card.Text()}
	card.Find("[alt], [title], [aria-label]").Each(func(_ int, e *goquery.Selection) {
		for _, a := range []string{"alt", "title", "aria-label"} {
			if v, ok := e.Attr(a); ok {
				parts = append(parts, v)
			}
		}
	})
	return strings.Join(parts, " ")
}

// markupOf lists the card's class values and attribute names (data-
// prefix dropped), where sites mark paid slots.
func markupOf(card *goquery.Selection) string {
	var b strings.Builder
	for _, n := range card.Nodes {
		for _, a := range n.Attr {
			b.WriteString(strings.TrimPrefix(a.Key, "data-") + " ")
			if a.Key == "class" {
				b.WriteString(a.Val + " ")
			}
		}
	}
	return b.String()
}

func matchesSel(e *goquery.Selection, sel string) bool { return sel != "" && e.Is(sel) }

// normLink is a link's identity for matching results with their cards:
// no fragment, no trailing slash.
func normLink(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || s == "" {
		return ""
	}
	u.Fragment = ""
	return strings.TrimSuffix(u.String(), "/")
}
