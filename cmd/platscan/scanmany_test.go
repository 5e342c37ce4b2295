package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/policies"
)

// serveFixtures starts fresh fixture platforms and writes their profiles
// into a new directory, returning it and the URLs by slug.
func serveFixtures(t *testing.T, vs ...fixtures.Variant) (string, map[string]string) {
	t.Helper()
	urls := map[string]string{}
	for _, v := range vs {
		srv, err := fixtures.Start(v, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		urls[v.Slug] = srv.URL
	}
	dir := t.TempDir()
	for _, v := range vs {
		raw, err := fixtures.Profile(v, urls)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, v.Slug+".yaml"), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, urls
}

// findingLines reads a run's findings and coverage as lines with the
// platforms' URLs replaced, so runs against other ports compare equal.
func findingLines(t *testing.T, run string, urls map[string]string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(run, "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep policies.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string {
		for slug, u := range urls {
			s = strings.ReplaceAll(s, u, "<"+slug+">")
		}
		return s
	}
	var out []string
	for _, f := range rep.Findings {
		out = append(out, norm(fmt.Sprintf("finding %s %s %s %s | %s | evidence %d", f.Severity, f.Rule, f.Persona, f.Summary, f.Quote, len(f.Evidence))))
	}
	for _, c := range rep.Coverage {
		out = append(out, norm(fmt.Sprintf("coverage %s %s %s", c.Rule, c.Status, c.Reason)))
	}
	slices.Sort(out)
	return out
}

// Scanning the two demo platforms together gives the same findings as
// scanning them one by one, each into its own run, with a summary.
func TestScanProfilesSameAsOneByOne(t *testing.T) {
	vs := []fixtures.Variant{fixtures.Shopmart, fixtures.Fairmarket}
	one := map[string][]string{}
	{
		dir, urls := serveFixtures(t, vs...)
		for _, v := range vs {
			run := filepath.Join(t.TempDir(), v.Slug)
			code, _, stderr := platscan(t, "scan", "--profile", filepath.Join(dir, v.Slug+".yaml"), "--out", run)
			if code != exitOK && code != exitFindings {
				t.Fatalf("%s alone: exit %d\n%s", v.Slug, code, stderr)
			}
			one[v.Slug] = findingLines(t, run, urls)
		}
	}
	dir, urls := serveFixtures(t, vs...)
	out := t.TempDir()
	code, stdout, stderr := platscan(t, "scan", "--profiles", dir, "--out", out, "--parallel", "2")
	if code != exitFindings {
		t.Fatalf("--profiles: exit %d (want 1: Shopmart has high findings)\n%s\n%s", code, stdout, stderr)
	}
	for _, v := range vs {
		got := findingLines(t, filepath.Join(out, v.Slug), urls)
		if !slices.Equal(got, one[v.Slug]) {
			t.Errorf("%s: findings differ between --profiles and a scan of its own:\n%s", v.Slug, lineDiff(one[v.Slug], got))
		}
		if code, vout, _ := platscan(t, "verify", filepath.Join(out, v.Slug)); code != exitOK {
			t.Errorf("verify %s: %s", v.Slug, vout)
		}
	}
	for _, want := range []string{"PLATFORM", "Shopmart  ", "Fairmarket  ", "complete", "=== Shopmart", "=== Fairmarket"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// Not a terminal: progress is structured log lines.
	if !strings.Contains(stderr, `msg="scan ended" platform=Shopmart status=complete`) {
		t.Errorf("stderr lacks structured progress:\n%s", stderr)
	}
}

func lineDiff(want, got []string) string {
	var b strings.Builder
	for _, l := range want {
		if !slices.Contains(got, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

// One platform's failure does not stop the others: a bad profile and an
// unreachable platform are reported in the summary, the good platform is
// scanned, and the exit code is the worst outcome.
func TestScanProfilesFailuresAreTheirOwn(t *testing.T) {
	dir, _ := serveFixtures(t, fixtures.Fairmarket)
	bad := "platform: {name: Broken, base_url: http://127.0.0.1:1, jurisdictions: [cn]}\npersonas: []\n"
	os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte(bad), 0o644)
	gone := "platform: {name: Gone, base_url: http://127.0.0.1:1, jurisdictions: [cn]}\npersonas: [{id: a}]\nlimits: {allow_private: true, retries: 0, timeout: 2s}\n"
	os.WriteFile(filepath.Join(dir, "gone.yaml"), []byte(gone), 0o644)
	out := t.TempDir()
	code, stdout, stderr := platscan(t, "scan", "--profiles", dir, "--out", out, "--probe", "terms")
	if code != exitScan {
		t.Fatalf("exit %d, want %d (an unreachable platform)\n%s\n%s", code, exitScan, stdout, stderr)
	}
	lines := strings.Split(stdout, "\n")
	row := func(name string) string {
		for _, l := range lines {
			if strings.HasPrefix(l, name+" ") {
				return l
			}
		}
		return ""
	}
	if r := row("Fairmarket"); !strings.Contains(r, "complete") {
		t.Errorf("Fairmarket row: %q\n%s", r, stdout)
	}
	if r := row("broken.yaml"); !strings.Contains(r, "invalid profile") {
		t.Errorf("broken profile row: %q\n%s", r, stdout)
	}
	if r := row("Gone"); !strings.Contains(r, "unreachable") {
		t.Errorf("unreachable platform row: %q\n%s", r, stdout)
	}
	if !strings.Contains(stdout, "broken.yaml: ") || !strings.Contains(stdout, "personas") {
		t.Errorf("the bad profile's error is not explained:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "fairmarket", "findings.json")); err != nil {
		t.Errorf("the good platform was not judged: %v", err)
	}
}

// A profile aimed at loopback is refused by the address guard unless the
// target is marked as a lab target, by the profile or by the flag.
func TestScanAddressGuard(t *testing.T) {
	dir, _ := serveFixtures(t, fixtures.Fairmarket)
	path := filepath.Join(dir, "fairmarket.yaml")
	raw, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(raw), "allow_private: true", "allow_private: false", 1)), 0o644)

	platscan(t, "keys", "generate") // so stderr holds only the error
	code, _, stderr := platscan(t, "scan", "--profile", path, "--out", filepath.Join(t.TempDir(), "r"), "--probe", "terms")
	if code != exitInput {
		t.Fatalf("exit %d, want %d\n%s", code, exitInput, stderr)
	}
	oneLine(t, stderr, "loopback address (allow lab targets with limits.allow_private or --allow-private)")

	code, _, stderr = platscan(t, "scan", "--profile", path, "--out", filepath.Join(t.TempDir(), "r"), "--probe", "terms", "--allow-private")
	if code != exitOK {
		t.Fatalf("with --allow-private: exit %d\n%s", code, stderr)
	}
}
