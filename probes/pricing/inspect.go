package pricing

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/platscan/platscan/probes/extract"
)

// Reading is what the pricing probe reads from one page: the product
// offer it records as the page's price, every offer of the product, and
// the personalisation switch, when the page has them.
type Reading struct {
	// Offer is the offer recorded as the page's price; nil when none is
	// read, and NoOffer says why.
	Offer   *extract.Offer  `json:"offer"`
	NoOffer string          `json:"no_offer,omitempty"`
	Offers  []extract.Offer `json:"offers"`
	// OptOut is the form that switches personalisation off; nil when the
	// page has none.
	OptOut *Form `json:"opt_out"`
}

// Inspect reads pg as the pricing probe would.
func Inspect(pg *extract.Page) Reading {
	r := Reading{Offers: pg.Offers()}
	if r.Offers == nil {
		r.Offers = []extract.Offer{}
	}
	if o, ok := pg.Product(); ok {
		r.Offer = &o
	} else {
		r.NoOffer = "no schema.org offer with a price that reads one way, and no extract.product.price selector that matches"
	}
	if f, ok := OptOutForm(pg); ok {
		r.OptOut = &f
	}
	return r
}

// Form is an HTML form as a probe would submit it.
type Form struct {
	Action string            `json:"action"`
	Method string            `json:"method"`
	Fields map[string]string `json:"fields"`
	// Text is the form's text, white space collapsed.
	Text string `json:"text"`
}

var optOutCue = regexp.MustCompile(`(?i)个性化|personali[sz]`)

// OptOutForm finds the form whose text, button or surrounding section
// mentions personalisation: the switch that turns it off.
func OptOutForm(pg *extract.Page) (Form, bool) {
	base, _ := url.Parse(pg.URL)
	var out Form
	found := false
	pg.Doc.Find("form").EachWithBreak(func(_ int, f *goquery.Selection) bool {
		text := strings.TrimSpace(f.Text() + " " + f.Find("button,input[type=submit]").AttrOr("value", "") + " " + f.Parent().Text())
		if !optOutCue.MatchString(text) {
			return true
		}
		action, _ := url.Parse(f.AttrOr("action", ""))
		found = true
		out = Form{Method: strings.ToUpper(f.AttrOr("method", "GET")), Fields: map[string]string{}, Text: collapse(f.Text())}
		if base != nil && action != nil {
			out.Action = base.ResolveReference(action).String()
		}
		f.Find("input[name]").Each(func(_ int, in *goquery.Selection) {
			out.Fields[in.AttrOr("name", "")] = in.AttrOr("value", "")
		})
		return false
	})
	return out, found
}
