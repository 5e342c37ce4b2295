package scan

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/profile"
)

func termsRun(t *testing.T, v fixtures.Variant, dir string) {
	t.Helper()
	srv := httptest.NewServer(fixtures.Handler(v))
	defer srv.Close()
	raw, _ := fixtures.Profile(v, map[string]string{"shopmart": srv.URL})
	prof, err := profile.Parse("shopmart.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), prof, Options{Dir: dir, Engine: testEngine(t), Version: "test", Probes: []string{"terms"}}); err != nil {
		t.Fatal(err)
	}
}

func changeFindings(rep *policies.Report) []policies.Finding {
	var out []policies.Finding
	for _, f := range rep.Findings {
		if f.Metrics["added"] != nil {
			out = append(out, f)
		}
	}
	return out
}

// Across two runs a rules change is found, tied to the announcement
// published in between, and judged on its notice; two runs of unchanged
// rules report nothing.
func TestRuleChangeAcrossRuns(t *testing.T) {
	root := t.TempDir()
	first, again, later := filepath.Join(root, "1"), filepath.Join(root, "2"), filepath.Join(root, "3")
	termsRun(t, fixtures.Shopmart, first)
	termsRun(t, fixtures.Shopmart, again)
	termsRun(t, fixtures.ShopmartV2, later)
	e := testEngine(t)

	rep, err := EvalAgainst(context.Background(), again, first, e, "test")
	if err != nil {
		t.Fatal(err)
	}
	if fs := changeFindings(rep); len(fs) != 0 {
		t.Fatalf("unchanged rules reported as changed: %+v", fs)
	}

	rep, err = EvalAgainst(context.Background(), later, first, e, "test")
	if err != nil {
		t.Fatal(err)
	}
	fs := changeFindings(rep)
	rules := map[string]bool{}
	for _, f := range fs {
		rules[f.Rule] = true
		if !strings.Contains(f.Summary, "/rules changed") || !strings.Contains(f.Summary, "at most 3 days' notice") || !strings.Contains(f.Quote, "20000") {
			t.Errorf("summary %q quote %q", f.Summary, f.Quote)
		}
		if len(f.Evidence) < 5 {
			t.Errorf("evidence should name both runs' records and the announcement: %v", f.Evidence)
		}
	}
	if !rules["CN-ECL-ART34-NOTICE7"] || !rules["EU-P2B-ART3-TC"] {
		t.Fatalf("change findings %v", rules)
	}
}
