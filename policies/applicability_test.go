package policies

import (
	"context"
	"strings"
	"testing"

	"github.com/platscan/platscan/rules"
)

// checkoutInput is a platform whose checkout offers only its own payment
// service, which DMA Art. 5(7) covers once the platform is a gatekeeper.
func checkoutInput(started string, kinds []string, dated ...rules.Designation) *Input {
	return &Input{
		Platform: Platform{Name: "P", Jurisdictions: []string{"eu"}, Designations: kinds, Designated: dated},
		Run:      Run{Started: started},
		Measurements: map[string][]map[string]any{"interop": {
			{"type": "setup", "competitors": []any{"r"}, "controls": []any{"c"}, "checks": []any{"checkout"}, "record": "s0", "evidence": []any{}},
			{"type": "checkout", "url": "http://p.test/cart", "status": 200, "payments": []any{"P Pay"}, "deliveries": []any{"P Express", "Other Post"},
				"first_party": []any{"P Pay", "P Express"}, "own_payments": 1, "own_deliveries": 1, "record": "m1", "evidence": []any{"x1"}},
		}},
	}
}

func coverageOf(rep *Report, id string) Coverage {
	for _, c := range rep.Coverage {
		if c.Rule == id {
			return c
		}
	}
	return Coverage{}
}

func findingsOf(rep *Report, id string) []Finding {
	var out []Finding
	for _, f := range rep.Findings {
		if f.Rule == id {
			out = append(out, f)
		}
	}
	return out
}

// DMA duties bind a gatekeeper six months after its service is listed in
// the designation decision (Art. 3(10)), counted from the run's start.
func TestDMADutiesBindSixMonthsAfterDesignation(t *testing.T) {
	e := engine(t, Options{})
	ctx := context.Background()
	marketplace := rules.Designation{Kind: rules.Gatekeeper, Service: "P Marketplace", Date: "2023-09-06"}
	const id = "EU-DMA-ART5-7-NOFORCEDID-PAY"
	for _, c := range []struct {
		name     string
		in       *Input
		findings int
		status   string
		reason   string
	}{
		{"not designated", checkoutInput("2026-01-01T00:00:00Z", []string{}), 0, StatusNotApplicable, "designated gatekeeper"},
		{"the day before the six months end", checkoutInput("2024-03-06T23:00:00Z", []string{"gatekeeper"}, marketplace), 0, StatusNotApplicable,
			"binds the platform from 2024-03-07, 6 months after P Marketplace's designation on 2023-09-06"},
		{"six months on", checkoutInput("2024-03-07T08:00:00Z", []string{"gatekeeper"}, marketplace), 1, StatusFail, "see findings"},
		{"designated, date unknown", checkoutInput("2026-01-01T00:00:00Z", []string{"gatekeeper"}), 1, StatusFail, "the profile gives no date for the gatekeeper designation"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := e.Evaluate(ctx, c.in)
			if err != nil {
				t.Fatal(err)
			}
			cov := coverageOf(rep, id)
			if got := len(findingsOf(rep, id)); got != c.findings || cov.Status != c.status || !strings.Contains(cov.Reason, c.reason) {
				t.Fatalf("%d findings, coverage %+v; want %d, %s with %q", got, cov, c.findings, c.status, c.reason)
			}
			// Beijing's rule on the same checkout needs no designation.
			if len(findingsOf(rep, "BJ-DEPR-ART49-CONSUMER")) != 0 {
				t.Error("a Beijing duty applied to an EU-only platform")
			}
		})
	}
}

// A duty whose condition names facts is reported only when the policy
// establishes them; otherwise its coverage says what was missing.
func TestConditionalDutiesNeedTheirCondition(t *testing.T) {
	e := engine(t, Options{PolicyDirs: []string{"testdata/conditions"}})
	ctx := context.Background()
	in := func(established ...any) *Input {
		return &Input{Platform: Platform{Name: "P", Jurisdictions: []string{"cn", "eu"}, Designations: []string{}},
			Run: Run{Started: "2026-11-27T09:00:00Z"},
			Measurements: map[string][]map[string]any{"interop": {
				{"type": "transfer_request", "url": "http://p.test/transfer", "served": false, "established": established, "record": "t1", "evidence": []any{}},
				{"type": "recommender", "url": "http://p.test/feed", "selector": false, "established": established, "record": "r1", "evidence": []any{}},
			}}}
	}
	rep, err := e.Evaluate(ctx, in())
	if err != nil {
		t.Fatal(err)
	}
	for id, fact := range map[string]string{"CN-PIPL-ART45-PORTABILITY": "transfer_conditions_met", "EU-DSA-ART27-3-SELECT": "several_recommender_options"} {
		cov := coverageOf(rep, id)
		if len(findingsOf(rep, id)) != 0 || cov.Status != StatusUnknown || !strings.Contains(cov.Reason, "condition was not established ("+fact+")") {
			t.Errorf("%s raised without %s: %d findings, coverage %+v", id, fact, len(findingsOf(rep, id)), cov)
		}
	}
	rep, err = e.Evaluate(ctx, in("transfer_conditions_met", "several_recommender_options"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"CN-PIPL-ART45-PORTABILITY", "EU-DSA-ART27-3-SELECT"} {
		fs := findingsOf(rep, id)
		if len(fs) != 1 || coverageOf(rep, id).Status != StatusFail {
			t.Fatalf("%s with its condition established: %+v, coverage %+v", id, fs, coverageOf(rep, id))
		}
		if fs[0].CatalogVersion == "" || fs[0].CatalogVersion != e.CatalogVersion() {
			t.Errorf("%s finding carries catalog version %q, want %q", id, fs[0].CatalogVersion, e.CatalogVersion())
		}
	}
}

// A finding shows the statute and, apart from it, platscan's reading.
func TestCitationsCarryInterpretationApart(t *testing.T) {
	e := engine(t, Options{})
	in := checkoutInput("2026-01-01T00:00:00Z", []string{})
	in.Platform.Jurisdictions = []string{"cn-bj"}
	rep, err := e.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	fs := findingsOf(rep, "BJ-DEPR-ART49-CONSUMER")
	if len(fs) == 0 {
		t.Fatal("no Beijing consumer finding for an own-payment-only checkout")
	}
	c := fs[0].Citations[0]
	if c.Article != "Art. 49(1)" || !strings.HasPrefix(c.URL, "https://www.beijing.gov.cn/") || c.Interpretation == nil ||
		!strings.Contains(c.Interpretation.Text.EN, "checkout") || len(c.Interpretation.Support) == 0 {
		t.Errorf("citation %+v", c)
	}
}
