package policies

import (
	"context"
	"strings"
	"testing"

	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/rules"
)

// checkoutInput is a platform whose checkout offers only its own payment
// service, which DMA Art. 5(7) covers once the platform is a gatekeeper.
func checkoutInput(t testing.TB, started string, kinds []string, dated ...measure.Designation) *Input {
	in := input(t, []string{"eu"})
	in.Platform.Designations, in.Platform.Designated = kinds, dated
	in.Run.Started = started
	in.Measurements["interop"] = []map[string]any{
		meas(t, &measure.Setup{Base: measure.Base{Type: "setup", Evidence: []string{"p0"}}, Competitors: []string{"r"}, Controls: []string{"c"}, Checks: []string{"checkout"}}, "s0", ""),
		meas(t, &measure.Checkout{Base: measure.Base{Type: "checkout", Evidence: []string{"x1"}}, Response: answered("http://p.test/cart"),
			Payments: []string{"P Pay"}, Deliveries: []string{"P Express", "Other Post"}, FirstParty: []string{"P Pay", "P Express"}, OwnPayments: 1, OwnDeliveries: 1}, "m1", "p"),
	}
	return in
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
	marketplace := measure.Designation{Kind: rules.Gatekeeper, Service: "P Marketplace", Date: "2023-09-06"}
	const id = "EU-DMA-ART5-7-NOFORCEDID-PAY"
	for _, c := range []struct {
		name     string
		in       *Input
		severity string // of the one finding: info when the designation is missing
		status   string
		reason   string
	}{
		{"not designated", checkoutInput(t, "2026-01-01T00:00:00Z", []string{}), "info", StatusNotApplicable, "designated gatekeeper"},
		{"the day before the six months end", checkoutInput(t, "2024-03-06T23:00:00Z", []string{"gatekeeper"}, marketplace), "info", StatusNotApplicable,
			"binds the platform from 2024-03-07, 6 months after P Marketplace's designation on 2023-09-06"},
		{"six months on", checkoutInput(t, "2024-03-07T08:00:00Z", []string{"gatekeeper"}, marketplace), "high", StatusFail, "see findings"},
		{"designated, date unknown", checkoutInput(t, "2026-01-01T00:00:00Z", []string{"gatekeeper"}), "high", StatusFail, "the profile gives no date for the gatekeeper designation"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := e.Evaluate(ctx, c.in)
			if err != nil {
				t.Fatal(err)
			}
			cov := coverageOf(rep, id)
			fs := findingsOf(rep, id)
			if len(fs) != 1 || fs[0].Severity != c.severity || cov.Status != c.status || !strings.Contains(cov.Reason, c.reason) {
				t.Fatalf("findings %+v, coverage %+v; want one %s finding, %s with %q", fs, cov, c.severity, c.status, c.reason)
			}
			// The conduct without the condition is said, not claimed: an
			// info finding that names what is missing.
			if c.severity == "info" && (fs[0].Condition == "" || !strings.Contains(fs[0].Summary, "cannot establish")) {
				t.Errorf("info finding does not name the missing condition: %+v", fs[0])
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
	ctx := context.Background()
	in := input(t, []string{"cn", "eu"})
	in.Run.Started = "2026-11-27T09:00:00Z"
	in.Measurements["interop"] = []map[string]any{meas(t, &measure.Export{Base: measure.Base{Type: "export", Evidence: []string{"x"}},
		Response: answered("http://p.test/transfer")}, "t1", "p")}
	in.Measurements["ranking"] = []map[string]any{meas(t, &measure.SortOptions{Base: measure.Base{Type: "sort_options", Evidence: []string{"y"}}, Query: "feed"}, "r1", "p")}
	rep, err := engine(t, Options{PolicyDirs: []string{"testdata/conditions"}}).Evaluate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	for id, fact := range map[string]string{"CN-PIPL-ART45-PORTABILITY": "transfer_conditions_met", "EU-DSA-ART27-3-SELECT": "several_recommender_options"} {
		cov := coverageOf(rep, id)
		if cov.Status != StatusUnknown || !strings.Contains(cov.Reason, "condition was not established ("+fact+")") {
			t.Errorf("%s raised without %s: coverage %+v", id, fact, cov)
		}
		for _, f := range findingsOf(rep, id) {
			if f.Severity != "info" || !strings.Contains(f.Condition, fact) {
				t.Errorf("%s without %s: %+v", id, fact, f)
			}
		}
	}
	e := engine(t, Options{PolicyDirs: []string{"testdata/conditions"}, DataFiles: []string{"testdata/conditions/established.yaml"}})
	rep, err = e.Evaluate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"CN-PIPL-ART45-PORTABILITY", "EU-DSA-ART27-3-SELECT"} {
		var fs []Finding
		for _, f := range findingsOf(rep, id) {
			if f.Severity != "info" { // the built-in policy still lacks the facts
				fs = append(fs, f)
			}
		}
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
	in := checkoutInput(t, "2026-01-01T00:00:00Z", []string{})
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
