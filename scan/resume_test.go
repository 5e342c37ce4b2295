package scan

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/profile"
)

// pageFetches counts the successful product-page exchanges of the pricing
// probe and the price measurements per unit of work.
func pageFetches(t *testing.T, dir string) (int, map[string]int) {
	t.Helper()
	recs, err := evidence.ReadRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	units := map[string]int{}
	for _, r := range recs {
		if r.Kind == evidence.KindExchange && r.Probe == "pricing" && r.Status == 200 && strings.Contains(r.URL, "/p/") {
			pages++
		}
		if r.Kind == evidence.KindMeasurement && r.Probe == "pricing" {
			var m struct{ Type, Key, Error string }
			json.Unmarshal(r.Data, &m)
			if m.Type == "price" && m.Error == "" {
				units[m.Key]++
			}
		}
	}
	return pages, units
}

func findingSet(dir string) map[string]bool {
	b, _ := os.ReadFile(filepath.Join(dir, evidence.FindingsFile))
	var rep struct {
		Findings []struct{ Rule, Persona string }
	}
	json.Unmarshal(b, &rep)
	out := map[string]bool{}
	for _, f := range rep.Findings {
		out[f.Rule+"/"+f.Persona] = true
	}
	return out
}

// A scan killed mid-way (and its journal cut mid-line, as a crash leaves
// it) still verifies up to the last whole record, and resuming it
// finishes the scan without repeating completed work.
func TestResumeAfterCrash(t *testing.T) {
	srv := httptest.NewServer(fixtures.Handler(fixtures.Shopmart))
	defer srv.Close()
	raw, _ := fixtures.Profile(fixtures.Shopmart, map[string]string{"shopmart": srv.URL})
	prof, err := profile.Parse("shopmart.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	prof.Limits.RatePerSecond = 0
	e := testEngine(t)

	clean := filepath.Join(t.TempDir(), "clean")
	if _, err := Run(context.Background(), prof, Options{Dir: clean, Engine: e, Version: "test", Signer: testSigner}); err != nil {
		t.Fatal(err)
	}
	cleanPages, _ := pageFetches(t, clean)

	dir := filepath.Join(t.TempDir(), "crashed")
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Run(ctx, prof, Options{Dir: dir, Engine: e, Version: "test", Signer: testSigner,
		OnRecord: func(n int) {
			if n == 2500 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted scan: %v", err)
	}
	// The crash: no manifest, and the last record half written.
	os.Remove(filepath.Join(dir, evidence.ManifestFile))
	os.Remove(filepath.Join(dir, evidence.SignatureFile))
	path := filepath.Join(dir, evidence.RecordsFile)
	b, _ := os.ReadFile(path)
	os.WriteFile(path, b[:len(b)-40], 0o644)

	vr, err := evidence.Verify(dir)
	if err != nil || !vr.OK() {
		t.Fatalf("crashed run should verify up to its last whole record: %v %+v", err, vr.Problems)
	}
	before := vr.Records

	// The stored profile has the member's password redacted: resuming
	// needs the original, and only the original.
	if _, err := Resume(context.Background(), Options{Dir: dir, Engine: e, Version: "test", Signer: testSigner}); !errors.Is(err, ErrProfileNeeded) {
		t.Fatalf("resume without the original profile: %v", err)
	}
	other, _ := profile.Parse("other.yaml", []byte(strings.Replace(string(raw), "rounds: 8", "rounds: 9", 1)))
	if _, err := Resume(context.Background(), Options{Dir: dir, Engine: e, Version: "test", Signer: testSigner, Profile: other}); !errors.Is(err, ErrProfileMismatch) {
		t.Fatalf("resume with another profile: %v", err)
	}
	res, err := Resume(context.Background(), Options{Dir: dir, Engine: e, Version: "test", Signer: testSigner, Profile: prof})
	if err != nil {
		t.Fatal(err)
	}
	vr, err = evidence.VerifyWith(dir, evidence.VerifyOptions{TrustedKey: testSigner.KeyID()})
	if err != nil || !vr.OK() || !vr.Signed || vr.Records <= before || !res.Manifest.Complete {
		t.Fatalf("resumed run: %v %+v", err, vr)
	}
	pages, units := pageFetches(t, dir)
	for k, n := range units {
		if n != 1 {
			t.Errorf("unit %s measured %d times", k, n)
		}
	}
	if want := 20 * 7 * 8 * 2; len(units) != want {
		t.Errorf("%d price units measured, want %d", len(units), want)
	}
	// Only the unit the interruption cut off may have been fetched twice.
	if pages < cleanPages || pages > cleanPages+1 {
		t.Errorf("product pages fetched: %d, a clean run fetches %d", pages, cleanPages)
	}
	got, want := findingSet(dir), findingSet(clean)
	for k := range want {
		if !got[k] {
			t.Errorf("resumed run lacks finding %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("resumed run has extra finding %s", k)
		}
	}
}

// In a real signed run, a byte changed anywhere in any file is caught and
// the problem names that file. (Positions are sampled; evidence's own
// tests flip every byte of a small run.)
func TestVerifyNamesTamperedFileInRealRun(t *testing.T) {
	srv := httptest.NewServer(fixtures.Handler(fixtures.Fairmarket))
	defer srv.Close()
	raw, _ := fixtures.Profile(fixtures.Fairmarket, map[string]string{"fairmarket": srv.URL})
	prof, _ := profile.Parse("fairmarket.yaml", raw)
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := Run(context.Background(), prof, Options{Dir: dir, Engine: testEngine(t), Version: "test", Probes: []string{"terms"}, Signer: testSigner}); err != nil {
		t.Fatal(err)
	}
	var files []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, rel)
		}
		return nil
	})
	if len(files) < 8 {
		t.Fatalf("run has only %v", files)
	}
	for _, rel := range files {
		path := filepath.Join(dir, rel)
		orig, _ := os.ReadFile(path)
		step := len(orig)/25 + 1
		for i := 0; i < len(orig); i += step {
			mod := append([]byte(nil), orig...)
			mod[i] ^= 0x04
			os.WriteFile(path, mod, 0o644)
			rep, err := evidence.VerifyWith(dir, evidence.VerifyOptions{TrustedKey: testSigner.KeyID()})
			if err != nil {
				t.Fatal(err)
			}
			named := false
			for _, p := range rep.Problems {
				named = named || p.File == rel
			}
			if rep.OK() || !named {
				t.Fatalf("%s byte %d: ok=%v problems %v", rel, i, rep.OK(), rep.Problems)
			}
		}
		os.WriteFile(path, orig, 0o644)
	}
}
