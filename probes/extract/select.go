package extract

import (
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/platscan/platscan/probes/price"
)

// Selectors are a profile's CSS selectors for pages without structured
// data. Container and Item find the results; the others are looked up
// inside each result (or in the whole page for a product page).
type Selectors struct {
	Container string // the result list, e.g. "#J_goodsList"; empty means the page
	Item      string // one result inside Container, e.g. "li.gl-item"
	Link      string // the result's link
	Name      string
	Price     string
	Seller    string
	Brand     string
	// SelfLabel and AdLabel mark a first-party (self-operated) result
	// and a paid one; they match inside the result or the result itself.
	SelfLabel string
	AdLabel   string
}

// Row is one result read with selectors.
type Row struct {
	Position int    `json:"position"`
	URL      string `json:"url,omitempty"`
	Name     string `json:"name,omitempty"`
	// Price is nil when the result shows none that can be read.
	Price  *price.Price `json:"price,omitempty"`
	Seller string       `json:"seller,omitempty"`
	Brand  string       `json:"brand,omitempty"`
	Self   bool         `json:"self,omitempty"`
	Ad     bool         `json:"ad,omitempty"`
}

// priceAttrs hold the price where a script fills in the visible text
// later (lazy loading): the served HTML has the number only here.
var priceAttrs = []string{"data-price", "data-value", "data-amount", "content", "value"}

// textAttrs hold a name or seller where the element's text is empty.
var textAttrs = []string{"title", "data-name", "alt", "aria-label", "content"}

// linkAttrs hold a link where there is no href.
var linkAttrs = []string{"href", "data-href", "data-url"}

// Select reads the results of a page with the profile's selectors, in
// page order. base resolves links; h.Lang defaults to <html lang>.
func Select(doc *goquery.Document, s Selectors, base string, h price.Hint) []Row {
	if s.Item == "" {
		return nil
	}
	if h.Lang == "" {
		h.Lang = strings.TrimSpace(doc.Find("html").AttrOr("lang", ""))
	}
	scope := doc.Selection
	if s.Container != "" {
		scope = doc.Find(s.Container).First()
	}
	rows := []Row{}
	scope.Find(s.Item).Each(func(i int, it *goquery.Selection) {
		r := readRow(it, s, base, h)
		r.Position = i + 1
		rows = append(rows, r)
	})
	return rows
}

// SelectOne reads one product from a whole page (a product page) with
// the same selectors; Container, Item and Link are not used.
func SelectOne(doc *goquery.Document, s Selectors, base string, h price.Hint) Row {
	if h.Lang == "" {
		h.Lang = strings.TrimSpace(doc.Find("html").AttrOr("lang", ""))
	}
	s.Link = ""
	return readRow(doc.Selection, s, base, h)
}

func readRow(it *goquery.Selection, s Selectors, base string, h price.Hint) Row {
	var r Row
	if s.Link != "" {
		if l := firstAttr(it.Find(s.Link).First(), linkAttrs); l != "" {
			r.URL = resolve(base, l)
		}
	}
	r.Name = textOr(it, s.Name, textAttrs)
	r.Seller = textOr(it, s.Seller, textAttrs)
	r.Brand = textOr(it, s.Brand, textAttrs)
	if s.Price != "" {
		r.Price = readPrice(it.Find(s.Price).First(), h)
	}
	r.Self = matches(it, s.SelfLabel)
	r.Ad = matches(it, s.AdLabel)
	return r
}

// readPrice reads the element's text, then its descendants' price
// attributes, then its own.
func readPrice(el *goquery.Selection, h price.Hint) *price.Price {
	if el.Length() == 0 {
		return nil
	}
	if p, ok := price.Parse(el.Text(), h); ok {
		return &p
	}
	mh := h
	mh.Machine = true // attribute values are written for scripts, not people
	for _, sel := range []*goquery.Selection{el, el.Find("*")} {
		for _, a := range priceAttrs {
			var found *price.Price
			sel.EachWithBreak(func(_ int, x *goquery.Selection) bool {
				if v, ok := x.Attr(a); ok {
					if p, ok := price.Parse(v, mh); ok {
						found = &p
						return false
					}
				}
				return true
			})
			if found != nil {
				return found
			}
		}
	}
	return nil
}

func textOr(it *goquery.Selection, sel string, attrs []string) string {
	if sel == "" {
		return ""
	}
	el := it.Find(sel).First()
	if el.Length() == 0 {
		return ""
	}
	if t := trimText(el.Text()); t != "" {
		return t
	}
	for _, x := range []*goquery.Selection{el, el.Find("*")} {
		if v := firstAttr(x, attrs); v != "" {
			return v
		}
	}
	return ""
}

func firstAttr(sel *goquery.Selection, attrs []string) string {
	for _, a := range attrs {
		found := ""
		sel.EachWithBreak(func(_ int, x *goquery.Selection) bool {
			if v := strings.TrimSpace(x.AttrOr(a, "")); v != "" {
				found = v
				return false
			}
			return true
		})
		if found != "" {
			return found
		}
	}
	return ""
}

func matches(it *goquery.Selection, sel string) bool {
	return sel != "" && (it.Is(sel) || it.Find(sel).Length() > 0)
}

func resolve(base, href string) string {
	r, err := url.Parse(href)
	if err != nil {
		return href
	}
	b, err := url.Parse(base)
	if err != nil || base == "" {
		return r.String()
	}
	return b.ResolveReference(r).String()
}
