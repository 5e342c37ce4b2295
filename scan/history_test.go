package scan

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/internal/fault"
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

// eval --previous compares two runs of one platform, earlier against
// later: a run of another platform, or the later run given as previous,
// is an input error (it would report changes that never happened).
func TestEvalAgainstRefusesWrongPrevious(t *testing.T) {
	root := t.TempDir()
	shop, fair := filepath.Join(root, "shop"), filepath.Join(root, "fair")
	termsRun(t, fixtures.Shopmart, shop)
	srv := httptest.NewServer(fixtures.Handler(fixtures.Fairmarket))
	defer srv.Close()
	raw, _ := fixtures.Profile(fixtures.Fairmarket, map[string]string{"fairmarket": srv.URL})
	prof, err := profile.Parse("fairmarket.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	later := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := Run(context.Background(), prof, Options{Dir: fair, Engine: testEngine(t), Version: "test", Probes: []string{"terms"}, Now: func() time.Time { return later }}); err != nil {
		t.Fatal(err)
	}
	e := testEngine(t)
	_, err = EvalAgainst(context.Background(), shop, fair, e, "test")
	if fault.KindOf(err) != fault.KindInput || !strings.Contains(err.Error(), "runs of different platforms cannot be compared") {
		t.Errorf("another platform's run as previous: %v", err)
	}
	// A run of Shopmart that started after shop, given as shop's previous.
	next := filepath.Join(root, "next")
	srv2 := httptest.NewServer(fixtures.Handler(fixtures.Shopmart))
	defer srv2.Close()
	raw, _ = fixtures.Profile(fixtures.Shopmart, map[string]string{"shopmart": srv2.URL})
	prof, _ = profile.Parse("shopmart.yaml", raw)
	if _, err := Run(context.Background(), prof, Options{Dir: next, Engine: e, Version: "test", Probes: []string{"terms"}, Now: func() time.Time { return later }}); err != nil {
		t.Fatal(err)
	}
	_, err = EvalAgainst(context.Background(), shop, next, e, "test")
	if fault.KindOf(err) != fault.KindInput || !strings.Contains(err.Error(), "give the earlier run as --previous") {
		t.Errorf("a later run as previous: %v", err)
	}
	if _, err := EvalAgainst(context.Background(), next, shop, e, "test"); err != nil {
		t.Errorf("the right order is refused: %v", err)
	}
}
