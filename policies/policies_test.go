package policies

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/internal/yamlfile"
	"github.com/platscan/platscan/measure"
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
	for _, ob := range catalog(t).All() {
		if ob.Automated && !e.judges(ob.ID) {
			t.Errorf("%s is marked automated but no policy judges it", ob.ID)
		}
		if !ob.Automated && e.judges(ob.ID) {
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
		// A field no measurement has is a compile error, not a rule that
		// is silently never true.
		"misspelt":      "testdata/misspelt/p.rego:11:2: rego_type_error: undefined ref: m.outcom",
		"misspeltparam": "testdata/misspeltparam/p.rego:3:15: rego_type_error: m.outcom: no object of the input has a field \"outcom\"",
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
	in := input(t, []string{"cn"}, change(t, 10))
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

// meas turns a typed measurement into its input form, as the builder does.
func meas(t testing.TB, m measure.Measurement, record, persona string) map[string]any {
	t.Helper()
	if err := measure.Prepare(m); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out, err := measure.Decode(b, record, persona)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func answered(url string) measure.Response {
	return measure.Response{URL: url, FinalURL: url, Status: 200, Fetch: measure.Answered}
}

func change(t testing.TB, days int) map[string]any {
	return meas(t, &measure.RuleChange{Base: measure.Base{Type: "rule_change", Evidence: []string{"x1"}}, URL: "http://p.test/a", ID: "n1", Title: "t", Text: "x",
		Published: "2026-11-01", Effective: "2026-11-11", NoticeDays: &days}, "m1", "p")
}

func input(t testing.TB, jurisdictions []string, ms ...map[string]any) *Input {
	terms := []map[string]any{
		meas(t, &measure.HomeLinks{Base: measure.Base{Type: "home_links", Evidence: []string{"h0"}}, Pages: []string{"http://p.test/"}, Complete: true}, "mh", "p"),
		meas(t, &measure.AnnouncementsPage{Base: measure.Base{Type: "announcements_page", Evidence: []string{"x0"}}, Response: answered("http://p.test/a"), Reachable: true, Count: 1}, "m0", "p"),
		meas(t, &measure.Document{Base: measure.Base{Type: "document", Evidence: []string{"x9"}}, Response: answered("http://p.test/rules"), Role: "rules",
			Reachable: true, Chars: 500, LinkedFromHome: true, Categories: []string{"exclusivity", "price_parity", "penalty_promotion", "unilateral_change_m", "suspension"}}, "m9", "p"),
	}
	return &Input{Platform: Platform{Name: "P", Jurisdictions: jurisdictions},
		Measurements: map[string][]map[string]any{"terms": append(terms, ms...), "pricing": {}, "interop": {}, "ranking": {}}}
}

func TestEvaluateCitationsAndCoverage(t *testing.T) {
	e := engine(t, Options{})
	ctx := context.Background()
	rep, err := e.Evaluate(ctx, input(t, []string{"cn-bj", "cn", "eu"}, change(t, 3)))
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
	rep, err = e.Evaluate(ctx, input(t, []string{"cn"}, change(t, 3)))
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
	a, _ := e.Evaluate(context.Background(), input(t, []string{"cn"}, change(t, 3)))
	b, _ := e.Evaluate(context.Background(), input(t, []string{"cn"}, change(t, 3)))
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
			c := change(b, 3)
			c["id"] = fmt.Sprint("n", i)
			ms = append(ms, c)
		case 1:
			ms = append(ms, meas(b, &measure.Clause{Base: measure.Base{Type: "clause", Evidence: []string{"x"}}, Category: "exclusivity", Side: "merchant", Level: 2,
				URL: "u", Lang: "zh", Text: "t", Start: i, End: i + 5, Cue: "c", Source: "cue", Negated: true, TextSHA256: "h"}, fmt.Sprint("m", i), "p"))
		default:
			ms = append(ms, meas(b, &measure.Document{Base: measure.Base{Type: "document", Evidence: []string{"x"}}, Response: answered(fmt.Sprint("http://p.test/", i)),
				Role: "terms", Reachable: true, Chars: 500, LinkedFromHome: true}, fmt.Sprint("m", i), "p"))
		}
	}
	in := input(b, []string{"cn", "eu"}, ms...)
	b.ResetTimer()
	for b.Loop() {
		rep, err := e.Evaluate(context.Background(), in)
		if err != nil {
			b.Fatal(err)
		}
		// 20,000 late rule changes under two obligations, and the
		// agreement's missing ranking description.
		if len(rep.Findings) != 40001 || rep.Summary.Errors != 0 {
			rules := map[string]int{}
			for _, f := range rep.Findings {
				rules[f.Rule]++
			}
			b.Fatalf("%d findings %v, %d errors", len(rep.Findings), rules, rep.Summary.Errors)
		}
	}
}

// A policy that fails at runtime costs only the obligation it judges: it
// is reported as error with the message, every other obligation is judged,
// and Evaluate says a policy failed.
func TestRuntimeErrorIsolated(t *testing.T) {
	e := engine(t, Options{PolicyDirs: []string{"testdata/failing"}})
	rep, err := e.Evaluate(context.Background(), input(t, []string{"cn"}, change(t, 3)))
	if fault.KindOf(err) != fault.KindPolicy {
		t.Fatalf("want a policy error, got %v", err)
	}
	if rep == nil {
		t.Fatal("no report beside the policy error")
	}
	status := map[string]Coverage{}
	for _, c := range rep.Coverage {
		status[c.Rule] = c
	}
	if c := status["CN-AUCL-ART12"]; c.Status != StatusError || !strings.Contains(c.Reason, "to_number") {
		t.Errorf("failing obligation: %+v", c)
	}
	if c := status["CN-ECL-ART34-NOTICE7"]; c.Status != StatusFail {
		t.Errorf("the other policies were not judged: %+v", c)
	}
	if c := status["CN-ECL-ART33-PUBLISH"]; c.Status != StatusPass {
		t.Errorf("the other policies were not judged: %+v", c)
	}
	if rep.Summary.Errors != 1 || len(rep.Findings) != 1 || rep.Findings[0].Rule != "CN-ECL-ART34-NOTICE7" {
		t.Errorf("summary %+v findings %+v", rep.Summary, rep.Findings)
	}
}

// An input that breaks the schema is refused before any policy sees it,
// naming the record and the field.
func TestInvalidInputRefused(t *testing.T) {
	e := engine(t, Options{})
	in := input(t, []string{"cn"}, change(t, 3))
	delete(in.Measurements["terms"][3], "id")
	_, err := e.Evaluate(context.Background(), in)
	if fault.KindOf(err) != fault.KindInput || !strings.Contains(err.Error(), "measurement m1 (terms)") || !strings.Contains(err.Error(), "'id'") {
		t.Fatalf("got %v", err)
	}
	in = input(t, []string{"cn"}, change(t, 3))
	in.Measurements["interop"] = append(in.Measurements["interop"], map[string]any{"type": "checkout", "record": "c1", "deliveries": nil})
	if _, err := e.Evaluate(context.Background(), in); err == nil || !strings.Contains(err.Error(), "measurement c1 (interop)") {
		t.Fatalf("got %v", err)
	}
}

// Finding families come from the measurements a finding rests on, not the
// catalog entry's family.
func TestFindingFamilyFromEvidence(t *testing.T) {
	e := engine(t, Options{})
	rep, err := e.Evaluate(context.Background(), input(t, []string{"cn"}, change(t, 3)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Family != "terms" {
			t.Errorf("%s: family %s", f.Rule, f.Family)
		}
	}
	// BJ-DEPR-ART49-SME is filed under terms in the catalog; a breach
	// measured in the rankings is a ranking finding.
	in := input(t, []string{"cn-bj", "cn"})
	in.Measurements["ranking"] = []map[string]any{meas(t, &measure.RankingMetrics{Base: measure.Base{Type: "ranking_metrics", Evidence: []string{"r1"}},
		Queries: 9, Rows: 90, TopK: 10, ModelN: 90, FirstPartyCoef: 1.2, FirstPartyPValue: 0.0001, FirstPartyItems: 20}, "rm", "p")}
	rep, err = e.Evaluate(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Rule == "BJ-DEPR-ART49-SME" {
			found = true
			if f.Family != "ranking" {
				t.Errorf("self-preferencing finding filed under %s", f.Family)
			}
		}
	}
	if ob, _ := catalog(t).Lookup("BJ-DEPR-ART49-SME"); !found || ob.Family == "ranking" {
		t.Fatalf("test premise: finding %v, catalog family %s", found, ob.Family)
	}
}

// Conduct the Anti-Monopoly Law forbids only to a dominant undertaking is
// reported as an info finding naming the missing condition, never as a
// breach and never in silence.
func TestDominanceIsNamedNotAssumed(t *testing.T) {
	e := engine(t, Options{})
	clause := meas(t, &measure.Clause{Base: measure.Base{Type: "clause", Evidence: []string{"d1", "x1"}}, ID: "c1", Category: "exclusivity",
		Side: "merchant", Level: 2, URL: "http://p.test/agreement", Lang: "zh", Text: "商家不得在其他电子商务平台开设店铺。", Start: 1, End: 18,
		Score: 0.97, Threshold: 0.6, Cue: "不得在其他", Source: "both", TextSHA256: "abc"}, "m1", "p")
	rep, err := e.Evaluate(context.Background(), input(t, []string{"cn"}, clause))
	if err != nil {
		t.Fatal(err)
	}
	var aml []Finding
	for _, f := range rep.Findings {
		if f.Rule == "CN-AML-ART22-1-4-EXCL" {
			aml = append(aml, f)
		}
	}
	if len(aml) != 1 || aml[0].Severity != "info" || !strings.Contains(aml[0].Condition, "dominant_position") {
		t.Fatalf("AML findings %+v", aml)
	}
	cov := map[string]Coverage{}
	for _, c := range rep.Coverage {
		cov[c.Rule] = c
	}
	if c := cov["CN-AML-ART22-1-4-EXCL"]; c.Status != StatusUnknown || !strings.Contains(c.Reason, "dominant_position") {
		t.Errorf("coverage %+v", c)
	}
	if c := cov["CN-ECL-ART35-NOUNREASON"]; c.Status != StatusFail {
		t.Errorf("the unconditional duty on the same clause: %+v", c)
	}
}

// A finding a policy marks for review is reported as info, and its
// obligation stays unknown: a potentially unfair term is not a breach.
func TestReviewIsInfoAndUnknown(t *testing.T) {
	e := engine(t, Options{})
	clause := meas(t, &measure.Clause{Base: measure.Base{Type: "clause", Evidence: []string{"d1"}}, ID: "c1", Category: "unilateral_change",
		Side: "consumer", Level: 2, URL: "http://p.test/terms", Lang: "en", Text: "We may revise these terms; we will email you 30 days before.",
		Start: 1, End: 60, Score: 0.9, Threshold: 0.6, Source: "model", TextSHA256: "abc"}, "m1", "p")
	rep, err := e.Evaluate(context.Background(), input(t, []string{"cn", "eu"}, clause))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Rule == "EU-UCTD-ART3-UNFAIR" || f.Rule == "CN-CPL-ART26-STDTERMS" {
			n++
			if f.Severity != "info" || f.Review == "" || !strings.HasPrefix(f.Summary, "For review: ") {
				t.Errorf("not for review: %+v", f)
			}
		}
	}
	cov := map[string]Coverage{}
	for _, c := range rep.Coverage {
		cov[c.Rule] = c
	}
	if n != 2 || cov["EU-UCTD-ART3-UNFAIR"].Status != StatusUnknown || !strings.Contains(cov["EU-UCTD-ART3-UNFAIR"].Reason, "person's judgement") {
		t.Errorf("%d review findings, coverage %+v", n, cov["EU-UCTD-ART3-UNFAIR"])
	}
}
