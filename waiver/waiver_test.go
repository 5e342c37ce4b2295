package waiver

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/internal/yamlfile"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/rules"
)

func catalog(t *testing.T) *rules.Catalog {
	t.Helper()
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func day(s string) time.Time {
	d, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return d
}

func report() *policies.Report {
	return &policies.Report{Platform: "Shopmart", Findings: []policies.Finding{
		{ID: "aaaaaaaaaaaaaaa1", Rule: "CN-ECL-ART33-PUBLISH", Persona: "new_user", Metrics: map[string]any{"url": "http://127.0.0.1:4000/rules"}},
		{ID: "aaaaaaaaaaaaaaa2", Rule: "EU-P2B-ART4-SUSPEND", Metrics: map[string]any{"url": "http://127.0.0.1:4000/en/merchant/agreement"}},
		{ID: "aaaaaaaaaaaaaaa3", Rule: "EU-P2B-ART4-SUSPEND", Metrics: map[string]any{"url": "http://127.0.0.1:4000/merchant/agreement"}},
		{ID: "aaaaaaaaaaaaaaa4", Rule: "CN-ALGO-ART21-PRICE", Persona: "loyal_user", Metrics: map[string]any{}},
		{ID: "aaaaaaaaaaaaaaa5", Rule: "CN-ALGO-ART21-PRICE", Persona: "ios_user", Metrics: map[string]any{}},
	}}
}

func TestApply(t *testing.T) {
	set, err := Load("testdata/waivers.yaml", catalog(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Waivers) != 4 || set.Waivers[0].Line != 2 || set.Waivers[1].Line != 8 || set.Waivers[1].Where() != "testdata/waivers.yaml:8" {
		t.Fatalf("waivers or their lines: %+v", set.Waivers)
	}
	res := set.Apply(report(), day("2026-03-01T12:00:00Z"))
	want := map[string]struct {
		waived  bool
		expired bool
	}{
		"aaaaaaaaaaaaaaa1": {true, false},  // whole rule on the platform
		"aaaaaaaaaaaaaaa2": {true, false},  // rule glob and url path glob (/en/**)
		"aaaaaaaaaaaaaaa4": {true, true},   // persona glob, but expired on 2026-01-31
		"aaaaaaaaaaaaaaa3": {false, false}, // url outside /en/
		"aaaaaaaaaaaaaaa5": {false, false}, // another persona
	}
	for id, w := range want {
		v, ok := res.ByFinding[id]
		if ok != w.waived || v.Expired != w.expired {
			t.Errorf("%s: matched %v expired %v, want %v %v", id, ok, v.Expired, w.waived, w.expired)
		}
	}
	if len(res.Unused) != 1 || res.Unused[0].Rule != "CN-ECL-ART40-RANKING" {
		t.Errorf("unused: %+v", res.Unused)
	}
}

func TestExpiryIsEndOfDayUTC(t *testing.T) {
	set, err := Parse("w.yaml", []byte("- {rule: CN-ECL-ART33-PUBLISH, platform: Shopmart, reason: r, approver: a, expires: 2026-12-31}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	w := set.Waivers[0]
	if !w.InForce(day("2026-12-31T23:59:59Z")) {
		t.Error("a waiver holds through its last day")
	}
	if w.InForce(day("2027-01-01T00:00:00Z")) {
		t.Error("a waiver lapses the day after it expires")
	}
	rep := report()
	if v := set.Apply(rep, day("2027-01-01T00:00:00Z")).ByFinding["aaaaaaaaaaaaaaa1"]; !v.Expired {
		t.Errorf("verdict after expiry: %+v", v)
	}
}

func TestInForceBeatsExpired(t *testing.T) {
	set, err := Parse("w.yaml", []byte(`
- {rule: CN-ECL-ART33-PUBLISH, platform: Shopmart, reason: old, approver: a, expires: 2025-01-01}
- {rule: CN-ECL-ART33-PUBLISH, platform: Shopmart, reason: renewed, approver: a, expires: 2027-01-01}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	v := set.Apply(report(), day("2026-03-01T00:00:00Z")).ByFinding["aaaaaaaaaaaaaaa1"]
	if v.Expired || v.Waiver.Reason != "renewed" {
		t.Fatalf("verdict: %+v", v)
	}
}

func TestIDScope(t *testing.T) {
	set, err := Parse("w.yaml", []byte("- {rule: '*', platform: '*', scope: 'id:aaaaaaaaaaaaaaa5', reason: r, approver: a, expires: 2030-01-01}\n"), catalog(t))
	if err != nil {
		t.Fatal(err)
	}
	res := set.Apply(report(), day("2026-03-01T00:00:00Z"))
	if len(res.ByFinding) != 1 || res.ByFinding["aaaaaaaaaaaaaaa5"].Waiver.Reason != "r" {
		t.Fatalf("id scope matched %v", res.ByFinding)
	}
}

func TestBadFiles(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"missing reason", "- rule: CN-ECL-ART33-PUBLISH\n  platform: Shopmart\n  approver: a\n  expires: 2026-12-31\n", "w.yaml:1:7: [0].reason: is required"},
		{"unknown rule", "- rule: CN-ECL-ART99\n  platform: Shopmart\n  reason: r\n  approver: a\n  expires: 2026-12-31\n", `w.yaml:1:9: [0].rule: "CN-ECL-ART99" names no obligation in the catalog`},
		{"bad date", "- rule: CN-ECL-ART33-PUBLISH\n  platform: Shopmart\n  reason: r\n  approver: a\n  expires: next year\n", `w.yaml:5:12: [0].expires: "next year" is not a date (YYYY-MM-DD)`},
		{"impossible date", "- {rule: CN-ECL-ART33-PUBLISH, platform: S, reason: r, approver: a, expires: 2026-02-30}\n", `[0].expires: "2026-02-30" is not a date`},
		{"bad scope kind", "- {rule: CN-ECL-ART33-PUBLISH, platform: S, reason: r, approver: a, expires: 2026-12-31, scope: 'seller:x'}\n", `[0].scope: "seller:x": use id:<finding id>, persona:<glob> or url:<glob>`},
		{"bad id", "- {rule: CN-ECL-ART33-PUBLISH, platform: S, reason: r, approver: a, expires: 2026-12-31, scope: 'id:XYZ'}\n", "16 lower-case hex digits"},
		{"bad glob", "- {rule: CN-ECL-ART33-PUBLISH, platform: S, reason: r, approver: a, expires: 2026-12-31, scope: 'url:/[a'}\n", `bad glob "/[a"`},
		{"bad rule glob", "- {rule: 'CN-[x', platform: S, reason: r, approver: a, expires: 2026-12-31}\n", `[0].rule: bad glob "CN-[x"`},
		{"unknown field", "- rule: CN-ECL-ART33-PUBLISH\n  platfrom: S\n", "w.yaml:2:3:"},
		{"not a list", "rule: x\n", "w.yaml:1:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("w.yaml", []byte(c.yaml), catalog(t))
			var ye *yamlfile.Error
			if err == nil || !errors.As(err, &ye) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
		})
	}
}

func TestURLMatching(t *testing.T) {
	for _, c := range []struct {
		pattern, url string
		want         bool
	}{
		{"/en/*", "http://h:1/en/terms", true},
		{"/en/*", "http://h:1/en/merchant/agreement", false},
		{"/en/**", "http://h:1/en/merchant/agreement", true},
		{"/en/**", "http://h:1/zh/terms", false},
		{"/p/{1001,1002}", "http://h:1/p/1002", true},
		{"/rules", "https://other.example/rules", true},
		{"http://h:1/*", "http://h:1/rules", true},
		{"http://h:1/*", "http://h:2/rules", false},
		{"/*", "", false},
	} {
		if got := matchURL(scope{kind: ScopeURL, pattern: c.pattern}, c.url); got != c.want {
			t.Errorf("matchURL(%q, %q) = %v", c.pattern, c.url, got)
		}
	}
}
