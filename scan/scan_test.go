package scan

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	iawarc "github.com/CorentinB/warc"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/internal/golden"
	"github.com/platscan/platscan/policies"
	_ "github.com/platscan/platscan/probes/all"
	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/rules"
)

func testEngine(t *testing.T) *policies.Engine { return testEngineB(t) }

func testEngineB(t testing.TB) *policies.Engine {
	t.Helper()
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, err := policies.New(context.Background(), policies.Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var testSigner = evidence.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize)))

func clock() func() time.Time {
	t := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Millisecond); return t }
}

func scanFixture(t *testing.T, v fixtures.Variant) (*Result, string) {
	t.Helper()
	srv := httptest.NewServer(fixtures.Handler(v))
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
	res, err := Run(context.Background(), prof, Options{Dir: filepath.Join(t.TempDir(), v.Slug), Engine: testEngine(t), Version: "test", Now: clock(), Signer: testSigner})
	if err != nil {
		t.Fatal(err)
	}
	return res, srv.URL
}

// summarise renders findings without the parts that change between runs
// (ports, record ids) for the golden files.
func summarise(rep *policies.Report, base string) []byte {
	var b strings.Builder
	for _, f := range rep.Findings {
		var cites []string
		for _, c := range f.Citations {
			cites = append(cites, c.Rule)
		}
		fmt.Fprintf(&b, "%s %s [%s] persona=%s evidence=%d\n  %s\n", f.Severity, f.Rule, strings.Join(cites, ", "), f.Persona, len(f.Evidence), strings.ReplaceAll(f.Summary, base, "BASE"))
		if f.Quote != "" {
			fmt.Fprintf(&b, "  quote: %s\n", f.Quote)
		}
	}
	for _, c := range rep.Coverage {
		if c.Status != policies.StatusUnknown || strings.Contains(c.Reason, "not checked automatically") {
			continue
		}
		fmt.Fprintf(&b, "coverage %s %s: %s\n", c.Rule, c.Status, c.Reason)
	}
	return []byte(b.String())
}

func TestScanFixtures(t *testing.T) {
	for _, v := range fixtures.Variants {
		t.Run(v.Slug, func(t *testing.T) {
			res, base := scanFixture(t, v)
			rep := res.Report
			golden.Compare(t, "testdata/e2e/"+v.Slug+".golden.txt", summarise(rep, base))

			rules := map[string]int{}
			for _, f := range rep.Findings {
				rules[f.Rule]++
			}
			if v.Slug == "fairmarket" && len(rep.Findings) != 0 {
				t.Errorf("compliant platform flagged: %v", rules)
			}
			if v.Slug == "shopmart" {
				for _, id := range []string{"CN-ECL-ART33-PUBLISH", "CN-ECL-ART34-NOTICE7", "CN-ECL-ART35-NOUNREASON", "CN-ALGO-ART21-PRICE", "CN-ECL-ART18-NONPERS",
					"CN-AUCL25-ART13", "BJ-DEPR-ART49-NOHINDER", "BJ-DEPR-ART49-CONSUMER",
					"BJ-DEPR-ART49-SME", "CN-ECL-ART40-RANKING", "CN-ECL-ART37-SELFOP"} {
					if rules[id] == 0 {
						t.Errorf("missing %s finding: %v", id, rules)
					}
				}
				// Members and iPhone users are charged more and steered;
				// Android, Shanghai and the controls are not.
				flagged := map[string]bool{}
				for _, f := range rep.Findings {
					if f.Rule == "CN-ALGO-ART21-PRICE" && f.Persona != "" {
						flagged[f.Persona] = true
					}
				}
				if len(flagged) != 2 || !flagged["loyal_user"] || !flagged["ios_user"] {
					t.Errorf("price findings for %v, want loyal_user and ios_user", flagged)
				}
			}
			cov := map[string]string{}
			for _, c := range rep.Coverage {
				cov[c.Rule] = c.Status
			}
			want := policies.StatusPass
			if v.Slug == "shopmart" {
				want = policies.StatusFail
			}
			for _, id := range []string{"CN-ECL-ART33-PUBLISH", "CN-ECL-ART34-NOTICE7", "CN-ECL-ART35-NOUNREASON", "BJ-DEPR-ART49-RULES", "BJ-DEPR-ART49-SME", "EU-P2B-ART3-TC",
				"CN-ALGO-ART21-PRICE", "BJ-DEPR-ART49-CONSUMER", "CN-ECL-ART18-NONPERS", "CN-ALGO-ART17-OPTOUT",
				"CN-AUCL25-ART13", "BJ-DEPR-ART49-NOHINDER", "CN-ECL-ART40-RANKING", "CN-ECL-ART37-SELFOP"} {
				if cov[id] != want {
					t.Errorf("coverage %s = %s, want %s", id, cov[id], want)
				}
			}
			// Shopmart has no data export, but PIPL Art. 45(3) binds only for a
			// transfer request meeting the CAC's conditions, which the export
			// probe does not establish: only an info finding naming the
			// condition, and coverage says why.
			if v.Slug == "shopmart" {
				for _, f := range rep.Findings {
					if f.Rule == "CN-PIPL-ART45-PORTABILITY" && (f.Severity != "info" || !strings.Contains(f.Condition, "transfer_conditions_met")) {
						t.Errorf("PIPL transfer raised without its condition: %+v", f)
					}
				}
				if cov["CN-PIPL-ART45-PORTABILITY"] != policies.StatusUnknown {
					t.Errorf("PIPL transfer coverage %s", cov["CN-PIPL-ART45-PORTABILITY"])
				}
			} else if cov["CN-PIPL-ART45-PORTABILITY"] != policies.StatusPass {
				t.Errorf("coverage CN-PIPL-ART45-PORTABILITY = %s, want pass", cov["CN-PIPL-ART45-PORTABILITY"])
			}

			vr, err := evidence.VerifyWith(res.Dir, evidence.VerifyOptions{TrustedKey: testSigner.KeyID()})
			if err != nil || !vr.OK() || len(vr.Warnings) != 0 || !vr.Signed {
				t.Fatalf("verify: %v %+v", err, vr)
			}
			// An independent WARC reader parses every record written.
			if n := countWARC(t, filepath.Join(res.Dir, "capture.warc.gz")); n != vr.WARCRecords || n < 3*len(rep.Findings) {
				t.Errorf("independent reader: %d records, verify: %d", n, vr.WARCRecords)
			}
			for _, f := range rep.Findings {
				if f.SummaryZH == "" {
					t.Errorf("%s finding has no Chinese summary", f.Rule)
				}
			}
			if !res.Manifest.Complete || res.Manifest.Records != vr.Records || res.Manifest.ProfileSHA256 == "" || len(res.Manifest.ClassifierSHA256) != 64 {
				t.Errorf("manifest %+v", res.Manifest)
			}
			// The manifest and every finding name the catalog version the
			// citations come from.
			if res.Manifest.CatalogVersion == "" {
				t.Errorf("manifest has no catalog version: %+v", res.Manifest)
			}
			for _, f := range rep.Findings {
				if f.CatalogVersion != res.Manifest.CatalogVersion {
					t.Errorf("%s finding cites catalog %q, the manifest %q", f.Rule, f.CatalogVersion, res.Manifest.CatalogVersion)
				}
			}
			// Every finding's evidence is in the run.
			recs, _ := evidence.ReadRecords(res.Dir)
			ids := map[string]bool{}
			for _, r := range recs {
				ids[r.ID] = true
			}
			for _, f := range rep.Findings {
				for _, id := range f.Evidence {
					if !ids[id] {
						t.Errorf("finding %s cites missing record %s", f.ID, id)
					}
				}
			}

			// Re-judging stored evidence gives the same report, offline.
			again, err := Eval(context.Background(), res.Dir, testEngine(t), "test")
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(rep)
			b, _ := json.Marshal(again)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("eval differs from scan:\n%s\n%s", a, b)
			}
		})
	}
}

func TestUnreachableKeepsWhatWasRecorded(t *testing.T) {
	srv := httptest.NewServer(fixtures.Handler(fixtures.Shopmart))
	url := srv.URL
	srv.Close()
	raw, _ := fixtures.Profile(fixtures.Shopmart, map[string]string{"shopmart": url})
	prof, err := profile.Parse("shopmart.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	prof.Limits.RatePerSecond = 0
	r0 := 0
	prof.Limits.Retries = &r0
	dir := filepath.Join(t.TempDir(), "run")
	_, err = Run(context.Background(), prof, Options{Dir: dir, Engine: testEngine(t), Version: "test"})
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("want ErrUnreachable, got %v", err)
	}
	vr, err := evidence.Verify(dir)
	if err != nil || !vr.OK() || vr.Records < 2 {
		t.Fatalf("run after failure: %v %+v", err, vr)
	}
	m, err := evidence.ReadManifest(dir)
	if err != nil || m.Complete {
		t.Fatalf("manifest should exist and say incomplete: %+v %v", m, err)
	}
}

// BenchmarkScanShopmart runs a whole scan of the Shopmart fixture over
// loopback with the rate limit off: fetching, recording (fsync per
// record), extraction and policy evaluation.
func BenchmarkScanShopmart(b *testing.B) {
	srv := httptest.NewServer(fixtures.Handler(fixtures.Shopmart))
	defer srv.Close()
	raw, _ := fixtures.Profile(fixtures.Shopmart, map[string]string{"shopmart": srv.URL})
	cat, _ := rules.Default()
	e, err := policies.New(context.Background(), policies.Options{Catalog: cat})
	if err != nil {
		b.Fatal(err)
	}
	root := b.TempDir()
	i := 0
	for b.Loop() {
		prof, err := profile.Parse("shopmart.yaml", raw)
		if err != nil {
			b.Fatal(err)
		}
		prof.Limits.RatePerSecond = 0
		i++
		res, err := Run(context.Background(), prof, Options{Dir: filepath.Join(root, fmt.Sprint(i)), Engine: e, Version: "bench"})
		if err != nil || len(res.Report.Findings) != 80 {
			b.Fatalf("scan: %v", err)
		}
	}
}

func countWARC(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := iawarc.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		rec, err := r.ReadRecord()
		if err != nil || rec == nil {
			return n
		}
		n++
	}
}
