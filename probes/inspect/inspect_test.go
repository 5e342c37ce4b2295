package inspect

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/probes/probetest"
)

func page(t *testing.T, v fixtures.Variant, path, persona string) *Report {
	t.Helper()
	env := probetest.Fixture(t, v, probetest.Options{})
	u, err := env.Profile.Resolve(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Page(context.Background(), env.Target, persona, u)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	t.Log(b.String())
	return r
}

// One page each of the kinds a profile writer looks at: every probe's
// reading is there, with what made a result first-party.
func TestPage(t *testing.T) {
	s := page(t, fixtures.Shopmart, "/search?q=kettle", "new_user")
	if s.Ranking.Source != "microdata" || len(s.Ranking.Results) != 4 || s.Ranking.Results[0].FirstPartyBy != "seller" || !s.Ranking.Results[0].Row.FirstParty ||
		len(s.Ranking.Sorts) != 1 || s.Ranking.Next == "" || len(s.Records) == 0 || s.Lang != "zh-CN" {
		t.Errorf("search: %+v", s.Ranking)
	}
	if len(s.Items) != 1 || s.Items[0].Syntax != "microdata" || s.Items[0].Types[0] != "ItemList" {
		t.Errorf("structured data: %+v", s.Items)
	}
	p := page(t, fixtures.Shopmart, "/p/1001", "new_user")
	if p.Pricing.Offer == nil || p.Pricing.Offer.Source != "jsonld" || len(p.Ranking.BuyBox) != 3 || !p.Ranking.BuyBox[0].Featured {
		t.Errorf("product: %+v %+v", p.Pricing, p.Ranking.BuyBox)
	}
	c := page(t, fixtures.Shopmart, "/cart/confirm?sku=1001", "loyal_user")
	if len(c.Interop.AddOns) != 1 || !c.Interop.AddOns[0].Selected || strings.Join(c.Interop.Own, ",") != "Shopmart Pay,Shopmart Express" {
		t.Errorf("checkout: %+v", c.Interop)
	}
	o := page(t, fixtures.Shopmart, "/settings", "new_user")
	if o.Pricing.OptOut == nil || o.Pricing.OptOut.Method != "POST" || o.Pricing.OptOut.Fields["personalized"] != "0" {
		t.Errorf("opt-out: %+v", o.Pricing.OptOut)
	}
	m := page(t, fixtures.Shopmart, "/merchant/agreement", "new_user")
	cats := map[string]bool{}
	for _, cl := range m.Terms.Clauses {
		if !cl.Negated {
			cats[cl.Category] = true
		}
	}
	if !cats["exclusivity"] || !cats["price_parity"] {
		t.Errorf("clauses: %+v", m.Terms.Clauses)
	}
	h := page(t, fixtures.Fairmarket, "/rules", "new_user")
	if !h.Terms.Hub || len(h.Terms.RuleLinks) != 3 || len(h.Missed) == 0 {
		t.Errorf("rules centre: %+v", h.Terms)
	}
}
