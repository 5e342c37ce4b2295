package interop

import (
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes/extract"
	"github.com/platscan/platscan/probes/price"
)

// Order is what an order form offers: payment and delivery choices, and
// the extras a buyer may add, each with whether it is pre-selected.
type Order struct {
	Payments        []string                 `json:"payments"`
	Deliveries      []string                 `json:"deliveries"`
	PaymentOptions  []measure.CheckoutChoice `json:"payment_options"`
	DeliveryOptions []measure.CheckoutChoice `json:"delivery_options"`
	AddOns          []measure.AddOn          `json:"add_ons"`
}

// Empty reports a page with no order choices at all.
func (o Order) Empty() bool {
	return len(o.PaymentOptions)+len(o.DeliveryOptions)+len(o.AddOns) == 0
}

var (
	payCue      = regexp.MustCompile(`(?i)pay|支付|付款|钱包|wallet`)
	deliveryCue = regexp.MustCompile(`(?i)deliver|shipping|shipment|logistic|courier|carrier|express|配送|快递|物流|送货|运送`)
	// addOnCue marks extras sold with the order (insurance, warranties,
	// memberships, donations, gift wrap): checked before the delivery cue,
	// because shipping insurance (运费险) names shipping too.
	addOnCue = regexp.MustCompile(`(?i)insur|险|warrant|保修|延保|protect|保障|member|会员|vip|gift|礼品|wrap|包装|donat|捐|tip\b|小费|subscri|订阅|plan\b|服务费|service fee|guarantee|add-?on|加购|增值`)
	// consentCue marks boxes that accept terms or ask for mail: consent,
	// not an extra with a price.
	consentCue = regexp.MustCompile(`(?i)agree|同意|accept|terms|协议|条款|已阅读|privacy|隐私|newsletter|remember|记住`)
	freeCue    = regexp.MustCompile(`(?i)免费|free|不需要|无需|不购买|不加购|none|no thanks|^(no|without)\b|不用`)
	priceAttrs = []string{"data-price", "data-amount", "data-fee", "data-cost"}
	// template marks a field name left unrendered ({{code}}, ${id}).
	template = regexp.MustCompile(`\{\{.*\}\}|\$\{.*\}|<%.*%>`)
)

// control is one named group of choices on the form.
type control struct {
	name    string
	kind    string // radio, checkbox, select
	context string // the fieldset legend and the classes around it
	aria    bool   // drawn as elements with an ARIA role, not inputs
	items   []*goquery.Selection
}

// ReadOrder reads the order choices of a checkout page.
func ReadOrder(pg *extract.Page) Order {
	o := Order{Payments: []string{}, Deliveries: []string{}, PaymentOptions: []measure.CheckoutChoice{},
		DeliveryOptions: []measure.CheckoutChoice{}, AddOns: []measure.AddOn{}}
	var groups []*control
	byName := map[string]*control{}
	pg.Doc.Find("input[type=radio][name], input[type=checkbox][name], select[name]").Each(func(_ int, e *goquery.Selection) {
		name := e.AttrOr("name", "")
		kind := goquery.NodeName(e)
		if kind == "input" {
			kind = strings.ToLower(e.AttrOr("type", ""))
		}
		key := kind + "\x00" + name
		c, ok := byName[key]
		if !ok {
			c = &control{name: name, kind: kind, context: contextOf(e)}
			byName[key] = c
			groups = append(groups, c)
		}
		if kind == "select" {
			e.Find("option").Each(func(_ int, opt *goquery.Selection) { c.items = append(c.items, opt) })
			return
		}
		c.items = append(c.items, e)
	})
	// Script-drawn shops draw their boxes and buttons as elements with an
	// ARIA role; a screen reader, and a user, reads them as inputs.
	pg.Doc.Find(`[role=checkbox], [role=switch], [role=radio]`).Each(func(_ int, e *goquery.Selection) {
		if goquery.NodeName(e) == "input" {
			return
		}
		kind, name := "checkbox", ariaName(e)
		if e.AttrOr("role", "") == "radio" {
			kind = "radio"
			g := e.Closest("[role=radiogroup], [role=group], fieldset")
			if g.Length() == 0 {
				return // a radio in no group: which choice it belongs to is unknown
			}
			name = g.AttrOr("aria-label", g.AttrOr("id", g.AttrOr("data-name", "")))
			if name == "" {
				name = ariaLabel(g)
			}
		}
		key := "aria\x00" + kind + "\x00" + name
		c, ok := byName[key]
		if !ok || kind == "checkbox" && name == "" {
			c = &control{name: name, kind: kind, aria: true, context: contextOf(e) + " " + ariaLabel(e.Closest("[role=radiogroup], [role=group]"))}
			byName[key] = c
			groups = append(groups, c)
		}
		c.items = append(c.items, e)
	})
	h := price.Hint{Lang: pg.Lang, Currency: pgCurrency(pg)}
	for _, c := range groups {
		if template.MatchString(c.name) {
			continue // a row template the page's script fills in, not a choice
		}
		choices := choicesOf(c)
		labels := c.name + " " + c.context
		for _, ch := range choices {
			labels += " " + ch.Label
		}
		switch {
		case c.kind == "checkbox" && consentCue.MatchString(labels) && !addOnCue.MatchString(labels):
			continue
		case c.kind == "checkbox" || addOnCue.MatchString(c.name+" "+c.context):
			o.AddOns = append(o.AddOns, addOns(c, choices, h)...)
		case payCue.MatchString(c.name + " " + c.context):
			for _, ch := range choices {
				o.Payments = append(o.Payments, ch.Value)
				o.PaymentOptions = append(o.PaymentOptions, ch)
			}
		case deliveryCue.MatchString(c.name + " " + c.context):
			for _, ch := range choices {
				o.Deliveries = append(o.Deliveries, ch.Value)
				o.DeliveryOptions = append(o.DeliveryOptions, ch)
			}
		default:
			// A group of other choices counts as an extra only where it
			// puts a price on one: a size or colour picker is no extra.
			as := addOns(c, choices, h)
			for _, a := range as {
				if a.Paid {
					o.AddOns = append(o.AddOns, as...)
					break
				}
			}
		}
	}
	return o
}

func pgCurrency(pg *extract.Page) string { return pg.Data.Currency }

// choicesOf reads a group's choices: value, label, whether pre-selected
// (a select with none marked shows its first option).
func choicesOf(c *control) []measure.CheckoutChoice {
	var out []measure.CheckoutChoice
	anySelected := false
	for _, e := range c.items {
		ch := measure.CheckoutChoice{Value: strings.TrimSpace(e.AttrOr("value", "")), Label: labelFor(c, e)}
		switch {
		case c.aria:
			ch.Selected = e.AttrOr("aria-checked", "") == "true"
			ch.Value = strings.TrimSpace(e.AttrOr("data-value", e.AttrOr("id", "")))
			if ch.Value == "" {
				ch.Value = ch.Label
			}
		case c.kind == "select":
			_, ch.Selected = e.Attr("selected")
			if ch.Value == "" {
				ch.Value = ch.Label
			}
		default:
			_, ch.Selected = e.Attr("checked")
			if ch.Value == "" {
				ch.Value = "on" // what a browser submits for a box with no value
			}
		}
		anySelected = anySelected || ch.Selected
		out = append(out, ch)
	}
	if c.kind == "select" && !anySelected && len(out) > 0 {
		out[0].Selected = true
	}
	return out
}

func labelFor(c *control, e *goquery.Selection) string {
	if c.aria {
		return ariaLabel(e)
	}
	if c.kind == "select" {
		return strings.Join(strings.Fields(e.Text()), " ")
	}
	return extract.ControlLabel(e)
}

// ariaLabel is an ARIA element's accessible name: aria-label, else the
// text of the elements aria-labelledby names, else its own text.
func ariaLabel(e *goquery.Selection) string {
	if e.Length() == 0 {
		return ""
	}
	if l := strings.TrimSpace(e.AttrOr("aria-label", "")); l != "" {
		return l
	}
	if ids := strings.Fields(e.AttrOr("aria-labelledby", "")); len(ids) > 0 {
		doc := e.Parents().Last()
		var parts []string
		for _, id := range ids {
			parts = append(parts, doc.Find(`[id="`+id+`"]`).First().Text())
		}
		if l := strings.Join(strings.Fields(strings.Join(parts, " ")), " "); l != "" {
			return l
		}
	}
	if l := strings.Join(strings.Fields(e.Text()), " "); l != "" {
		return l
	}
	// A drawn box with no name of its own is named by what follows it, as
	// a sighted user reads it: the text up to the next control or block.
	// Text nodes count too ("<span role=checkbox></span> 运费险 ¥3").
	var parts []string
	for n := e.Nodes[0].NextSibling; n != nil; n = n.NextSibling {
		if n.Type == html.TextNode {
			parts = append(parts, n.Data)
			continue
		}
		if n.Type != html.ElementNode {
			continue
		}
		sib := goquery.NewDocumentFromNode(n).Selection
		if n.Data == "input" && strings.EqualFold(sib.AttrOr("type", ""), "hidden") {
			continue
		}
		if _, ok := sib.Attr("role"); ok || blockish[n.Data] || n.Data == "input" {
			break
		}
		parts = append(parts, sib.Text())
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

var blockish = map[string]bool{"p": true, "div": true, "br": true, "li": true, "ul": true, "section": true, "fieldset": true, "select": true, "button": true}

// ariaName names a lone ARIA box as a form would: its data-name or id.
func ariaName(e *goquery.Selection) string {
	return e.AttrOr("data-name", e.AttrOr("name", e.AttrOr("id", "")))
}

// addOns turns a group's choices into extras with their prices.
func addOns(c *control, choices []measure.CheckoutChoice, h price.Hint) []measure.AddOn {
	var out []measure.AddOn
	for i, ch := range choices {
		e := c.items[i]
		a := measure.AddOn{Name: c.name, Value: ch.Value, Label: ch.Label, Selected: ch.Selected, Markup: extract.Markup(e)}
		if p, ok := addOnPrice(e, ch.Label, h); ok {
			v := p.Value
			a.Price, a.Currency, a.Paid = &v, p.Currency, v > 0
		}
		out = append(out, a)
	}
	return out
}

// addOnPrice reads what an extra costs: a price attribute on the control
// or its label, else the price its label states, else nothing when the
// label says free or "no". A price that reads more than one way is no
// price: the extra is then not counted as paid.
func addOnPrice(e *goquery.Selection, label string, h price.Hint) (price.Price, bool) {
	mh := h
	mh.Machine = true
	for _, s := range []*goquery.Selection{e, e.Closest("label")} {
		for _, a := range priceAttrs {
			if v, ok := s.Attr(a); ok {
				if p, ok := price.Parse(v, mh); ok && !p.Ambiguous {
					return p, true
				}
			}
		}
	}
	if p, ok := price.Parse(label, h); ok && !p.Ambiguous {
		return p, true
	}
	if freeCue.MatchString(label) {
		return price.Price{Raw: label, Amount: "0", Kind: price.Single, Currency: h.Currency}, true
	}
	return price.Price{}, false
}

// contextOf is what names a control's group: the legend of its fieldset
// and the classes and ids of the elements around it.
func contextOf(e *goquery.Selection) string {
	parts := []string{e.Closest("fieldset").Find("legend").First().Text()}
	for i, p := 0, e.Parent(); i < 4 && p.Length() > 0 && goquery.NodeName(p) != "form"; i, p = i+1, p.Parent() {
		parts = append(parts, p.AttrOr("class", ""), p.AttrOr("id", ""))
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}
