package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/profile"
)

// needBrowser skips a browser test where no Chromium is installed, except
// in CI (.ci/run installs Debian's chromium), where it fails.
func needBrowser(t *testing.T) {
	t.Helper()
	if _, err := fetch.FindBrowser(""); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("browser tests need Chromium in CI: %v", err)
		}
		t.Skipf("skipping browser test: %v", err)
	}
}

// scanAs scans the platform v serves with the shipped profile of js (a
// JavaScript storefront), in the given render mode, limited to probes.
func scanAs(t *testing.T, v, js fixtures.Variant, render string, edit func(*profile.Profile), probeIDs ...string) (*Result, string) {
	t.Helper()
	srv := httptest.NewServer(fixtures.Handler(v))
	t.Cleanup(srv.Close)
	raw, err := fixtures.Profile(js, map[string]string{js.Slug: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Parse(js.Slug+".yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	prof.Render = render
	if render == profile.RenderHTTP {
		prof.Pricing.Render, prof.Ranking.Render, prof.Terms.Render = "", "", ""
	}
	if edit != nil {
		edit(prof)
	}
	res, err := Run(context.Background(), prof, Options{Dir: filepath.Join(t.TempDir(), v.Slug), Engine: testEngine(t), Version: "test",
		Now: clock(), Signer: testSigner, Probes: probeIDs})
	if err != nil {
		t.Fatal(err)
	}
	return res, srv.URL
}

// findingKeys are the findings as a reader weighs them: rule, severity
// and persona (evidence counts, record ids and text offsets differ
// between a page read over HTTP and one rendered in a browser).
func findingKeys(rep *policies.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, fmt.Sprintf("%s %s %s", f.Severity, f.Rule, f.Persona))
	}
	slices.Sort(out)
	return out
}

// Read in a browser, the JavaScript storefronts give the findings their
// server-rendered twins give over HTTP: the same rules, severities and
// personas, on the violating and the compliant platform. The run
// verifies, and its findings cite the rendered pages and screenshots.
func TestBrowserScanFindsWhatHTTPFindsOnStaticPages(t *testing.T) {
	needBrowser(t)
	for _, c := range []struct{ static, js fixtures.Variant }{{fixtures.Shopmart, fixtures.ShopmartJS}, {fixtures.Fairmarket, fixtures.FairmarketJS}} {
		t.Run(c.js.Slug, func(t *testing.T) {
			probes := []string{"interop", "ranking", "terms"} // pricing: TestBrowserReadsTheSamePrices
			want, _ := scanAs(t, c.static, c.js, profile.RenderHTTP, nil, probes...)
			got, _ := scanAs(t, c.js, c.js, profile.RenderBrowser, nil, probes...)
			if w, g := findingKeys(want.Report), findingKeys(got.Report); !slices.Equal(w, g) {
				t.Errorf("browser mode on the JavaScript storefront:\n  %s\nHTTP mode on the static pages:\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
			}
			t.Logf("%d findings over HTTP on static pages, %d in a browser on the JavaScript storefront", len(want.Report.Findings), len(got.Report.Findings))
			if c.static.Slug == "shopmart" && len(want.Report.Findings) < 20 {
				t.Fatalf("only %d findings on Shopmart", len(want.Report.Findings))
			}
			if c.static.Slug == "fairmarket" && len(got.Report.Findings) != 0 {
				t.Errorf("the compliant storefront was flagged: %v", findingKeys(got.Report))
			}
			checkBrowserRun(t, got)
		})
	}
}

// checkBrowserRun verifies a browser-mode run and checks that its
// findings rest on rendered pages with their screenshots.
func checkBrowserRun(t *testing.T, res *Result) {
	t.Helper()
	rep, err := evidence.Verify(res.Dir)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
	recs, err := evidence.ReadRecords(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	role := map[string]string{}
	exchanges := 0
	for _, r := range recs {
		var d struct {
			Browser bool   `json:"browser"`
			Role    string `json:"role"`
		}
		json.Unmarshal(r.Data, &d) //nolint:errcheck
		if d.Browser && r.Kind == evidence.KindExchange {
			exchanges++
		}
		if d.Browser && d.Role != "" {
			role[r.ID] = d.Role
		}
	}
	measurements := map[string][]string{}
	for _, r := range recs {
		var m struct{ Evidence []string }
		if r.Kind == evidence.KindMeasurement && json.Unmarshal(r.Data, &m) == nil {
			measurements[r.ID] = m.Evidence
		}
	}
	cited := map[string]bool{}
	for _, f := range res.Report.Findings {
		for _, id := range f.Evidence {
			for _, e := range append([]string{id}, measurements[id]...) {
				cited[role[e]] = true
			}
		}
	}
	if exchanges == 0 || len(role) == 0 {
		t.Fatalf("%d browser exchanges, %d rendered documents", exchanges, len(role))
	}
	if len(res.Report.Findings) > 0 && (!cited[fetch.RoleScreenshot] || !cited[fetch.RoleRenderedDOM]) {
		t.Errorf("findings do not cite the screenshots and rendered pages they rest on: %v", cited)
	}
}

// The prices a browser reads from the JavaScript storefront are the
// prices HTTP mode reads from the server-rendered pages, persona by
// persona and round by round: the platform charges each view the same
// way, and browser mode reads the view faithfully.
func TestBrowserReadsTheSamePrices(t *testing.T) {
	needBrowser(t)
	small := func(p *profile.Profile) {
		p.Pricing.Products, p.Pricing.Rounds, p.Pricing.OptOut.Disabled = []string{"/p/1002", "/p/1003"}, 2, true
		p.Pricing.Steering.Queries = []string{"kettle"}
	}
	want, _ := scanAs(t, fixtures.Shopmart, fixtures.ShopmartJS, profile.RenderHTTP, small, "pricing")
	got, _ := scanAs(t, fixtures.ShopmartJS, fixtures.ShopmartJS, profile.RenderBrowser, small, "pricing")
	read := func(res *Result) map[string]string {
		recs, err := evidence.ReadRecords(res.Dir)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, r := range recs {
			var m struct {
				Type, Product, Phase, Query, Error string
				Round                              int
				Price                              float64
				Items                              []struct{ URL string }
			}
			if r.Kind != evidence.KindMeasurement || json.Unmarshal(r.Data, &m) != nil {
				continue
			}
			switch m.Type {
			case "price":
				out[fmt.Sprintf("price %s %d %s", m.Product, m.Round, r.Persona)] = fmt.Sprintf("%.2f %s", m.Price, m.Error)
			case "results":
				var urls []string
				for _, it := range m.Items {
					// The two fixtures run on different ports: compare paths.
					if u, err := url.Parse(it.URL); err == nil {
						urls = append(urls, u.RequestURI())
					} else {
						urls = append(urls, it.URL)
					}
				}
				out[fmt.Sprintf("results %s %d %s", m.Query, m.Round, r.Persona)] = strings.Join(urls, " ")
			}
		}
		return out
	}
	w, g := read(want), read(got)
	if len(w) != 2*2*5+1*2*5 {
		t.Fatalf("%d price and result measurements over HTTP", len(w))
	}
	for k, v := range w {
		if g[k] != v {
			t.Errorf("%s: browser read %q, HTTP read %q", k, g[k], v)
		}
	}
}

// Over HTTP, the JavaScript storefront is empty shells: no price, no
// result and no rules text is read, and every obligation resting on them
// is unknown, never a pass and never a breach. Only the server-rendered
// interoperability checks are judged.
func TestHTTPModeOnJavaScriptStorefrontIsUnknown(t *testing.T) {
	res, _ := scanAs(t, fixtures.ShopmartJS, fixtures.ShopmartJS, profile.RenderHTTP, func(p *profile.Profile) {
		p.Pricing.Products, p.Pricing.Rounds = p.Pricing.Products[:2], 1
	})
	for _, f := range res.Report.Findings {
		if f.Family != "interop" {
			t.Errorf("a %s finding from empty shells: %s %s", f.Family, f.Rule, f.Summary)
		}
	}
	cov := map[string]policies.Coverage{}
	for _, c := range res.Report.Coverage {
		cov[c.Rule] = c
	}
	for _, id := range []string{"CN-ECL-ART33-PUBLISH", "CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC", "CN-ECL-ART35-NOUNREASON", "CN-ALGO-ART21-PRICE",
		"BJ-DEPR-ART49-SME", "CN-ECL-ART40-RANKING", "CN-ECL-ART37-SELFOP", "CN-ECL-ART18-NONPERS"} {
		if c := cov[id]; c.Status != policies.StatusUnknown {
			t.Errorf("%s is %s (%s), want unknown", id, c.Status, c.Reason)
		}
	}
	if r := cov["CN-ECL-ART33-PUBLISH"].Reason; !strings.Contains(r, "empty JavaScript application shell") {
		t.Errorf("the rules are unknown for another reason: %s", r)
	}
	if cov["CN-AUCL25-ART13"].Status != policies.StatusFail {
		t.Errorf("the server-rendered interoperability checks were not judged: %+v", cov["CN-AUCL25-ART13"])
	}
}

// A profile that asks for a browser where there is none is refused with
// one line naming the install command, before a run directory is made.
func TestBrowserMissing(t *testing.T) {
	t.Setenv(fetch.BrowserEnv, filepath.Join(t.TempDir(), "no-chromium"))
	raw, err := fixtures.Profile(fixtures.ShopmartJS, map[string]string{"shopmart-js": "http://127.0.0.1:9"})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Parse("shopmart-js.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	_, err = Run(context.Background(), prof, Options{Dir: dir, Engine: testEngine(t), Version: "test"})
	if err == nil || !strings.Contains(err.Error(), "apt-get install chromium") || strings.Contains(err.Error(), "\n") || fault.KindOf(err) != fault.KindInput {
		t.Fatalf("error %q", err)
	}
	if _, serr := os.Stat(dir); serr == nil {
		t.Error("a run directory was made")
	}
	// The interoperability checks of this profile read over HTTP: they
	// need no browser (and here find no platform).
	_, err = Run(context.Background(), prof, Options{Dir: dir, Engine: testEngine(t), Version: "test", Probes: []string{"interop"}})
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("interop alone: %v", err)
	}
}
