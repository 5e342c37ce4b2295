package interop

import (
	"encoding/json"
	"testing"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes/probetest"
)

func gather(t *testing.T, v fixtures.Variant) (map[string]measure.Treatment, measure.Checkout, measure.Export) {
	t.Helper()
	env := probetest.Fixture(t, v, probetest.Options{})
	recs := env.Gather(t, &Probe{})
	probetest.CheckMeasurements(t, recs)
	tr := map[string]measure.Treatment{}
	var co measure.Checkout
	var ex measure.Export
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement {
			continue
		}
		var head struct{ Type string }
		json.Unmarshal(r.Data, &head)
		switch head.Type {
		case "treatment":
			var m measure.Treatment
			json.Unmarshal(r.Data, &m)
			if len(m.Evidence) == 0 {
				t.Errorf("%s %s has no evidence", m.Mechanism, m.Target)
			}
			tr[m.Mechanism+" "+m.Target] = m
		case "checkout":
			json.Unmarshal(r.Data, &co)
		case "export":
			json.Unmarshal(r.Data, &ex)
		}
	}
	return tr, co, ex
}

const (
	rival   = "https://www.rival-mall.example/"
	neutral = "https://www.gov.cn/"
	bot     = "RivalBot/2.1 (+https://www.rival-mall.example/bot)"
	search  = "Mozilla/5.0 (compatible; ResearchBot/1.0; +https://www.example.org/bot)"
)

func TestShopmartTreatsTheRivalWorse(t *testing.T) {
	tr, co, ex := gather(t, fixtures.Shopmart)
	for key, want := range map[string]string{
		"link_check " + rival: "blocked", "link_check " + neutral: "direct",
		"ugc " + rival: "stripped", "ugc " + neutral: "link",
		"crawler " + bot: "forbidden", "crawler " + search: "allowed",
		"oauth rival-mall-app": "refused", "oauth campus-reading-app": "ok",
	} {
		if got := tr[key].Outcome; got != want {
			t.Errorf("%s: %q, want %q (%s)", key, got, want, tr[key].Detail)
		}
	}
	if len(co.Payments) != 1 || co.OwnPayments != 1 || co.OwnDeliveries != 1 {
		t.Errorf("checkout %+v", co)
	}
	if ex.Found || ex.Status != 404 {
		t.Errorf("export %+v", ex)
	}
}

func TestFairmarketWarnsEveryoneAlike(t *testing.T) {
	tr, co, ex := gather(t, fixtures.Fairmarket)
	for key, m := range tr {
		want := map[string]string{"link_check": "interstitial", "ugc": "link", "crawler": "allowed", "oauth": "ok"}[m.Mechanism]
		if m.Outcome != want {
			t.Errorf("%s: %q, want %q", key, m.Outcome, want)
		}
	}
	if len(tr) != 12 {
		t.Errorf("want 12 treatments (4 link targets x 2, 2 crawlers, 2 clients), got %d", len(tr))
	}
	if len(co.Payments) != 4 || co.OwnPayments != 1 {
		t.Errorf("checkout %+v", co)
	}
	if !ex.Found || !ex.MachineReadable || len(ex.Missing) != 0 {
		t.Errorf("export %+v", ex)
	}
}
