package policies

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/platscan/platscan/internal/yamlfile"
	"github.com/platscan/platscan/rules"
)

func catalog(t testing.TB) *rules.Catalog {
	t.Helper()
	c, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func engine(t testing.TB, opts Options) *Engine {
	t.Helper()
	opts.Catalog = catalog(t)
	e, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The Rego unit tests beside each policy run here, so `go test ./...`
// covers Go and Rego alike.
func TestRegoUnitTests(t *testing.T) {
	e := engine(t, Options{PolicyDirs: []string{"testdata/good"}})
	results, err := e.Test(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < 15 {
		t.Fatalf("only %d Rego tests ran", len(results))
	}
	for _, r := range results {
		if r.Fail || r.Error != nil {
			t.Errorf("%s.%s (%s): fail=%v err=%v\n%s", r.Package, r.Name, r.Location, r.Fail, r.Error, r.Output)
		}
	}
}

// Every policy must cite a catalog entry (New enforces it), and every
// catalog entry marked automated must be judged by some policy, directly
// or as a related entry of one.
func TestCatalogAndPoliciesAgree(t *testing.T) {
	e := engine(t, Options{})
	judged := e.judged()
	for _, ob := range catalog(t).All() {
		if ob.Automated && judged[ob.ID] == "" {
			t.Errorf("%s is marked automated but no policy judges it", ob.ID)
		}
		if !ob.Automated && judged[ob.ID] != "" {
			t.Errorf("%s is judged by a policy but not marked automated in the catalog", ob.ID)
		}
	}
	for id := range e.Meta() {
		if ob, _ := catalog(t).Lookup(id); ob.Severity == "" {
			t.Errorf("policy rule %s not in catalog", id)
		}
	}
}

func TestBadPolicies(t *testing.T) {
	cases := map[string]string{
		"httpsend": "testdata/httpsend/p.rego:8:",
		"nometa":   "testdata/nometa/p.rego:3: findings rule needs a METADATA block",
		"badrule":  "testdata/badrule/p.rego:7: METADATA custom.rule CN-NOT-A-RULE is not in the rules catalog",
	}
	for dir, want := range cases {
		t.Run(dir, func(t *testing.T) {
			_, err := New(context.Background(), Options{Catalog: catalog(t), PolicyDirs: []string{"testdata/" + dir}})
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("want *PolicyError, got %v", err)
			}
			if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %q, want one line starting %q", err, want)
			}
		})
	}
	_, err := New(context.Background(), Options{Catalog: catalog(t), PolicyDirs: []string{"testdata/httpsend"}})
	if !strings.Contains(err.Error(), "http.send") {
		t.Fatalf("error should name the forbidden built-in: %v", err)
	}
}

func TestDataFiles(t *testing.T) {
	for file, want := range map[string]string{
		"testdata/badkey.yaml":  "testdata/badkey.yaml:5:23: platscan.thresholds.rules.notice_dayz_eu: unknown key",
		"testdata/badtype.yaml": "testdata/badtype.yaml:4:23: platscan.thresholds.rules.notice_days_cn: must be a number",
	} {
		_, err := New(context.Background(), Options{Catalog: catalog(t), DataFiles: []string{file}})
		var ye *yamlfile.Error
		if !errors.As(err, &ye) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", file, err, want)
		}
	}
	def := engine(t, Options{})
	over := engine(t, Options{DataFiles: []string{"testdata/good/data.yaml"}})
	if def.BundleHash() == over.BundleHash() {
		t.Error("bundle hash ignores data overrides")
	}
	in := input([]string{"cn"}, change(10))
	for _, c := range []struct {
		e    *Engine
		want int
	}{{def, 0}, {over, 1}} {
		rep, err := c.e.Evaluate(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(rep.Findings); got != c.want {
			t.Errorf("10 days' notice with notice_days_cn override: %d findings, want %d", got, c.want)
		}
	}
}

func change(days int) map[string]any {
	return map[string]any{"type": "rule_change", "url": "http://p.test/a", "id": "n1", "title": "t", "text": "x",
		"published": "2026-11-01", "effective": "2026-11-11", "notice_days": days, "persona": "p", "record": "m1", "evidence": []any{"x1"}}
}

func input(jurisdictions []string, ms ...map[string]any) *Input {
	return &Input{Platform: Platform{Name: "P", Jurisdictions: jurisdictions},
		Measurements: map[string][]map[string]any{"terms": append([]map[string]any{
			{"type": "announcements_page", "url": "http://p.test/a", "reachable": true, "record": "m0", "evidence": []any{"x0"}},
			{"type": "document", "role": "rules", "url": "http://p.test/rules", "reachable": true, "chars": 500, "linked_from_home": true, "login_wall": false, "status": 200, "record": "m9", "evidence": []any{"x9"}},
		}, ms...)}}
}

func TestEvaluateCitationsAndCoverage(t *testing.T) {
	e := engine(t, Options{})
	ctx := context.Background()
	rep, err := e.Evaluate(ctx, input([]string{"cn-bj", "cn", "eu"}, change(3)))
	if err != nil {
		t.Fatal(err)
	}
	byRule := map[string]Finding{}
	for _, f := range rep.Findings {
		byRule[f.Rule] = f
	}
	cn, ok := byRule["CN-ECL-ART34-NOTICE7"]
	if !ok || len(byRule) != 2 {
		t.Fatalf("findings: %+v", rep.Findings)
	}
	if len(cn.Citations) != 2 || cn.Citations[1].Rule != "BJ-DEPR-ART49-RULES" || cn.Citations[0].Article != "Art. 34" {
		t.Errorf("citations: %+v", cn.Citations)
	}
	if cn.Evidence[0] != "m1" || cn.ID == "" || cn.TitleZH == "" || rep.Summary.High != 2 {
		t.Errorf("finding: %+v summary %+v", cn, rep.Summary)
	}
	status := map[string]Coverage{}
	for _, c := range rep.Coverage {
		status[c.Rule] = c
	}
	for id, want := range map[string]string{
		"CN-ECL-ART34-NOTICE7": StatusFail, "BJ-DEPR-ART49-RULES": StatusFail, "EU-P2B-ART3-TC": StatusFail,
		"CN-ECL-ART33-PUBLISH": StatusPass, "CN-ECL-ART35-NOUNREASON": StatusPass, "CN-ALGO-ART21-PRICE": StatusUnknown,
	} {
		if status[id].Status != want {
			t.Errorf("%s: %+v, want %s", id, status[id], want)
		}
	}
	if len(rep.Coverage) != len(catalog(t).All()) {
		t.Errorf("coverage has %d lines for %d obligations", len(rep.Coverage), len(catalog(t).All()))
	}

	// Outside the EU and Beijing, those obligations do not apply.
	rep, err = e.Evaluate(ctx, input([]string{"cn"}, change(3)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || len(rep.Findings[0].Citations) != 1 {
		t.Fatalf("cn only: %+v", rep.Findings)
	}
	for _, c := range rep.Coverage {
		if (strings.HasPrefix(c.Rule, "EU-") || strings.HasPrefix(c.Rule, "BJ-")) && c.Status != StatusNotApplicable {
			t.Errorf("%s should be not_applicable for a cn-only platform: %+v", c.Rule, c)
		}
	}
}

func TestFindingIDsAreStable(t *testing.T) {
	e := engine(t, Options{})
	a, _ := e.Evaluate(context.Background(), input([]string{"cn"}, change(3)))
	b, _ := e.Evaluate(context.Background(), input([]string{"cn"}, change(3)))
	if a.Findings[0].ID != b.Findings[0].ID {
		t.Fatal("same input, different finding ids")
	}
}

// BenchmarkEvaluate100k judges 100,000 measurements, a fifth of them
// breaches, as a large platform's export might produce.
func BenchmarkEvaluate100k(b *testing.B) {
	e := engine(b, Options{})
	var ms []map[string]any
	for i := range 100000 {
		switch i % 5 {
		case 0:
			c := change(3)
			c["id"] = fmt.Sprint("n", i)
			ms = append(ms, c)
		case 1:
			ms = append(ms, map[string]any{"type": "clause", "category": "exclusivity", "url": "u", "lang": "zh", "text": "t",
				"start": i, "end": i + 5, "cue": "c", "negated": true, "text_sha256": "h", "record": fmt.Sprint("m", i), "evidence": []any{"x"}})
		default:
			ms = append(ms, map[string]any{"type": "document", "role": "terms", "url": fmt.Sprint("http://p.test/", i), "reachable": true,
				"chars": 500, "linked_from_home": true, "login_wall": false, "status": 200, "record": fmt.Sprint("m", i), "evidence": []any{"x"}})
		}
	}
	in := input([]string{"cn", "eu"}, ms...)
	b.ResetTimer()
	for b.Loop() {
		rep, err := e.Evaluate(context.Background(), in)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Findings) != 40000 {
			b.Fatalf("%d findings", len(rep.Findings))
		}
	}
}
