package scan

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/profile"
)

// scanWorld scans the fixture served by h with v's profile, edited by
// edit, and returns the result and the error.
func scanWorld(t *testing.T, v fixtures.Variant, h http.Handler, edit func(*profile.Profile)) (*Result, error) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	raw, err := fixtures.Profile(v, map[string]string{v.Slug: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Parse(v.Slug+".yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	prof.Limits.RatePerSecond = 0
	if edit != nil {
		edit(prof)
	}
	return Run(context.Background(), prof, Options{Dir: filepath.Join(t.TempDir(), "run"), Engine: testEngine(t), Version: "test", Now: clock()})
}

func coverage(rep *policies.Report) map[string]policies.Coverage {
	out := map[string]policies.Coverage{}
	for _, c := range rep.Coverage {
		out[c.Rule] = c
	}
	return out
}

// dropAfter serves h for the first n requests, then resets every
// connection: a platform that goes down in the middle of a scan.
func dropAfter(n int64, h http.Handler) http.Handler {
	var seen atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) > n {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					if tc, ok := c.(*net.TCPConn); ok {
						tc.SetLinger(0) //nolint:errcheck // a reset, not a polite close
					}
					c.Close()
					return
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}

// A target that goes down midway: the scan stops probing it, keeps and
// judges what it read, writes findings.json, marks the run incomplete, and
// draws no finding and no pass from the requests that failed.
func TestTargetDownMidway(t *testing.T) {
	res, err := scanWorld(t, fixtures.Shopmart, dropAfter(400, fixtures.Handler(fixtures.Shopmart)), nil)
	if !errors.Is(err, ErrIncomplete) || fault.KindOf(err) != fault.KindIncomplete {
		t.Fatalf("want an incomplete scan, got %v", err)
	}
	if res == nil || res.Report == nil {
		t.Fatal("no report from an incomplete scan")
	}
	if res.Manifest.Complete || res.Manifest.Incomplete == "" {
		t.Errorf("manifest does not say the run is incomplete: %+v", res.Manifest)
	}
	if _, err := os.Stat(filepath.Join(res.Dir, evidence.FindingsFile)); err != nil {
		t.Fatal("findings.json not written")
	}
	if rep, err := evidence.VerifyWith(res.Dir, evidence.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("incomplete run does not verify: %v %+v", err, rep)
	}
	recs, err := evidence.ReadRecords(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]evidence.Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	for _, f := range res.Report.Findings {
		if strings.Contains(f.Summary, "could not be fetched") || strings.Contains(f.Summary, "HTTP 0") {
			t.Errorf("finding drawn from a failed request: %s", f.Summary)
		}
		for _, id := range f.Evidence {
			r := byID[id]
			var m struct {
				Fetch *string `json:"fetch"`
			}
			if r.Kind == evidence.KindMeasurement && json.Unmarshal(r.Data, &m) == nil && m.Fetch != nil && *m.Fetch != measure.Answered {
				t.Errorf("%s finding rests on a page that was not answered: %s", f.Rule, r.Data)
			}
		}
	}
	// The scan stops long before every page was tried: far fewer records
	// than a full scan, most of them answered.
	failed, notSent := 0, 0
	for _, r := range recs {
		var d struct{ Sent bool }
		if r.Kind == evidence.KindExchange && r.Status == 0 && json.Unmarshal(r.Data, &d) == nil {
			if d.Sent {
				failed++
			} else {
				notSent++
			}
		}
	}
	if failed > 20 || notSent > 20 {
		t.Errorf("%d failed and %d refused requests: the scan kept probing a dead target", failed, notSent)
	}
	t.Logf("incomplete: %s; %d records, %d failed, %d not sent", res.Manifest.Incomplete, len(recs), failed, notSent)
}

// Where nothing could be read, nothing passes and nothing fails.
func TestNothingPassesWithoutInput(t *testing.T) {
	res, err := scanWorld(t, fixtures.Shopmart, fixtures.Handler(fixtures.Shopmart), func(p *profile.Profile) { p.Limits.MaxPages = 1 })
	if err != nil && !errors.Is(err, ErrIncomplete) {
		t.Fatal(err)
	}
	for _, c := range res.Report.Coverage {
		if c.Status == policies.StatusPass || c.Status == policies.StatusFail {
			t.Errorf("one-request budget: %s is %s (%s)", c.Rule, c.Status, c.Reason)
		}
	}
	if len(res.Report.Findings) != 0 {
		t.Errorf("one-request budget gave findings: %+v", res.Report.Findings)
	}
}

// Bare markup: results and prices that cannot be read are unknown, not
// passes; what can be read is judged (a 3-day notice whose announcement
// has no id and no <time> still fires).
func TestBareMarkupIsUnknownNotPass(t *testing.T) {
	res, err := scanWorld(t, fixtures.Baremart, fixtures.Handler(fixtures.Baremart), func(p *profile.Profile) {
		p.Pricing.Products, p.Pricing.Rounds = p.Pricing.Products[:4], 2
	})
	if err != nil {
		t.Fatal(err)
	}
	cov := coverage(res.Report)
	for _, id := range []string{"CN-ECL-ART37-SELFOP", "CN-ECL-ART40-RANKING", "CN-ALGO-ART21-PRICE", "BJ-DEPR-ART49-SME"} {
		if s := cov[id].Status; s == policies.StatusPass {
			t.Errorf("%s passes though no result or price was read: %+v", id, cov[id])
		}
	}
	if !strings.Contains(cov["CN-ECL-ART37-SELFOP"].Reason, "0 results were read") {
		t.Errorf("ART37 unknown reason: %q", cov["CN-ECL-ART37-SELFOP"].Reason)
	}
	fired := false
	for _, f := range res.Report.Findings {
		if f.Rule == "CN-ECL-ART34-NOTICE7" && strings.Contains(f.Summary, "3 days' notice") {
			fired = true
		}
		if f.Rule == "CN-ECL-ART40-RANKING" {
			t.Errorf("sort finding on a result list that was not read: %s", f.Summary)
		}
	}
	if !fired {
		t.Error("the 3-day notice without an HTML id gave no finding")
	}
	// Payments without any delivery option are judged, not an error.
	if c := cov["BJ-DEPR-ART49-CONSUMER"]; c.Status != policies.StatusFail {
		t.Errorf("own-wallet-only checkout with no deliveries: %+v", c)
	}
}

// robots.txt that disallows everything: the crawled pages are not sent,
// and every obligation resting on them is unknown, never a breach; the
// personas' own actions (checkout, export) are not crawling and are read.
func TestRobotsDisallowAllIsUnknown(t *testing.T) {
	h := fixtures.Handler(fixtures.Fairmarket)
	res, err := scanWorld(t, fixtures.Fairmarket, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.Write([]byte("User-agent: *\nDisallow: /\n")) //nolint:errcheck
			return
		}
		h.ServeHTTP(w, r)
	}), func(p *profile.Profile) { p.Pricing.Products, p.Pricing.Rounds = p.Pricing.Products[:4], 2 })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Findings) != 0 {
		t.Errorf("findings from pages never requested: %+v", res.Report.Findings)
	}
	cov := coverage(res.Report)
	for _, id := range []string{"CN-ECL-ART33-PUBLISH", "CN-ECL-ART35-NOUNREASON", "CN-ECL-ART37-SELFOP", "CN-ALGO-ART21-PRICE"} {
		if cov[id].Status != policies.StatusUnknown {
			t.Errorf("%s: %+v", id, cov[id])
		}
	}
	if c := cov["CN-PIPL-ART45-PORTABILITY"]; c.Status != policies.StatusPass {
		t.Errorf("the signed-in export is a user action, not crawling: %+v", c)
	}
}

// An export with only its header row holds no result: the ranking
// obligations are unknown, never pass.
func TestEmptyExportIsUnknown(t *testing.T) {
	csv := filepath.Join(t.TempDir(), "ranking.csv")
	if err := os.WriteFile(csv, []byte("query,position,item,seller,first_party,price,rating,reviews\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Check(context.Background(), []string{csv}, CheckOptions{Dir: filepath.Join(t.TempDir(), "run"), Engine: testEngine(t), Version: "test",
		Platform: "P", Jurisdictions: []string{"cn-bj", "cn"}, TopK: 10, Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	cov := coverage(res.Report)
	for _, id := range []string{"CN-ECL-ART37-SELFOP", "CN-ECL-ART40-RANKING", "BJ-DEPR-ART49-SME"} {
		if cov[id].Status != policies.StatusUnknown {
			t.Errorf("%s on an empty export: %+v", id, cov[id])
		}
	}
	if !strings.Contains(cov["CN-ECL-ART37-SELFOP"].Reason, "holds no result rows") {
		t.Errorf("reason: %q", cov["CN-ECL-ART37-SELFOP"].Reason)
	}
}
