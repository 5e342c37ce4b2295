package inspect

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the report for a person: what each probe read, then
// what it missed.
func (r *Report) WriteText(w io.Writer) error {
	b := &errWriter{w: w}
	resp := r.Response
	b.printf("%s as %s: ", resp.URL, r.Persona)
	switch {
	case resp.Status == 0:
		b.printf("no answer (%s: %s)\n", resp.Fetch, resp.Error)
	default:
		b.printf("HTTP %d, %s, language %q; evidence %s\n", resp.Status, orDash(r.ContentType), r.Lang, strings.Join(r.Records, ", "))
	}
	if resp.FinalURL != "" && resp.FinalURL != resp.URL {
		b.printf("  redirected to %s\n", resp.FinalURL)
	}
	b.printf("\nStructured data: %d top-level items\n", len(r.Items))
	for _, it := range r.Items {
		b.printf("  %-9s %s %q (%d nested)\n", it.Syntax, typesOf(it), it.Name, it.Nested)
	}
	for _, p := range r.Problems {
		b.printf("  not read: %s at element %d: %s\n", p.Syntax, p.Element, p.Err)
	}

	b.printf("\nPricing\n")
	if o := r.Pricing.Offer; o != nil {
		b.printf("  offer: %v %s (from %s) %q brand %q seller %q\n", o.Price, o.Currency, o.Source, o.Name, o.Brand, o.Seller)
	} else {
		b.printf("  offer: none (%s)\n", r.Pricing.NoOffer)
	}
	for _, o := range r.Pricing.Offers {
		b.printf("  - %v %s from %q (seller rating %v)\n", o.Price, o.Currency, o.Seller, o.Rating)
	}
	if f := r.Pricing.OptOut; f != nil {
		b.printf("  personalisation switch: %s %s fields %v (%q)\n", f.Method, f.Action, f.Fields, f.Text)
	}

	rk := r.Ranking
	b.printf("\nRanking\n")
	if rk.Source == "" {
		b.printf("  results: none (%s)\n", rk.Unread)
	} else {
		b.printf("  %d results from %s; next page: %s\n", len(rk.Results), rk.Source, orDash(rk.Next))
		tw := tabwriter.NewWriter(b, 2, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  #\tfirst-party\tcard\tpaid\tad label\tself label\tprice\tseller\tbrand\turl\n")
		for _, x := range rk.Results {
			price := "-"
			if x.Price != nil {
				price = x.Price.Amount + " " + x.Price.Currency
			}
			fp := yesNo(x.Row.FirstParty)
			if x.FirstPartyBy != "" {
				fp += " (" + x.FirstPartyBy + ")"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.Position, fp, yesNo(x.Card), known(x.Card, x.AdMarkup || x.AdLabel),
				known(x.Card, x.AdLabel), known(x.Card, x.SelfLabel), strings.TrimSpace(price), orDash(x.Seller), orDash(x.Brand), x.URL)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	b.printf("  sort options: %d\n", len(rk.Sorts))
	for _, o := range rk.Sorts {
		sel := ""
		if o.Selected {
			sel = " [current]"
		}
		b.printf("  - %q %s %s=%s%s %s\n", o.Label, o.Kind, orDash(o.Param), o.Value, sel, o.URL)
	}
	if len(rk.BuyBox) > 0 {
		b.printf("  buy box offers:\n")
		for _, o := range rk.BuyBox {
			b.printf("  - %q %v first-party %s featured %s\n", o.Seller, o.Price, yesNo(o.FirstParty), yesNo(o.Featured))
		}
	}

	co := r.Interop
	if !co.Empty() {
		b.printf("\nCheckout\n")
		for _, c := range co.PaymentOptions {
			b.printf("  payment  %q (%s)%s\n", c.Label, c.Value, selected(c.Selected))
		}
		for _, c := range co.DeliveryOptions {
			b.printf("  delivery %q (%s)%s\n", c.Label, c.Value, selected(c.Selected))
		}
		for _, a := range co.AddOns {
			cost := "no price stated"
			if a.Price != nil {
				cost = fmt.Sprintf("%v %s", *a.Price, a.Currency)
			}
			b.printf("  extra    %q (%s=%s) %s%s\n", a.Label, a.Name, a.Value, cost, selected(a.Selected))
		}
		if len(co.Own) > 0 {
			b.printf("  the platform's own (interop.checkout.first_party): %s\n", strings.Join(co.Own, ", "))
		}
	}

	t := r.Terms
	b.printf("\nTerms\n")
	if t.Unsupported {
		b.printf("  %s is not read\n", t.Format)
	} else {
		b.printf("  %d characters of readable text, %s; rules centre: %s\n", t.Chars, t.Lang, yesNo(t.Hub))
	}
	for _, l := range t.RuleLinks {
		b.printf("  rule document %q %s\n", l.Label, l.URL)
	}
	for _, c := range t.Clauses {
		neg := ""
		if c.Negated {
			neg = " (negated: " + c.Negation + ")"
		}
		b.printf("  clause [%s] %d-%d %q%s\n", c.Category, c.Start, c.End, c.Text, neg)
	}
	if len(r.Missed) > 0 {
		b.printf("\nNot read\n")
		for _, m := range r.Missed {
			b.printf("  - %s\n", m)
		}
	}
	return b.err
}

func known(card, v bool) string {
	if !card {
		return "?"
	}
	return yesNo(v)
}

func selected(b bool) string {
	if b {
		return " [pre-selected]"
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// errWriter keeps the first write error, so the report is written in
// straight lines and the error returned once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
