package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/report"
)

func platscan(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	if os.Getenv("PLATSCAN_KEY") == "" {
		t.Setenv("PLATSCAN_KEY", filepath.Join(t.TempDir(), "key.pem"))
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"platscan"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// oneLine asserts the CLI's error output is exactly one line (no stack
// trace, no usage dump) that contains want.
func oneLine(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Count(strings.TrimRight(stderr, "\n"), "\n") != 0 || !strings.Contains(stderr, want) {
		t.Fatalf("stderr should be one line containing %q, got:\n%s", want, stderr)
	}
}

// testRoot holds what tests share across the package (the demo run); a
// test's own files go in t.TempDir().
var testRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "platscan-cmd-test-")
	if err != nil {
		panic(err)
	}
	testRoot = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// The demo takes most of this package's test time, so the tests that only
// read its runs share one.
var demoRun struct {
	sync.Once
	dir, out, stderr string
	code             int
}

// sharedDemo runs `platscan demo` once and returns its output directory
// and standard output. Tests must not modify it.
func sharedDemo(t *testing.T) (string, string) {
	t.Helper()
	demoRun.Do(func() {
		t.Setenv("PLATSCAN_KEY", filepath.Join(testRoot, "key.pem"))
		demoRun.dir = filepath.Join(testRoot, "demo")
		demoRun.code, demoRun.out, demoRun.stderr = platscan(t, "demo", "--out", demoRun.dir)
	})
	if demoRun.code != exitOK {
		t.Fatalf("demo exit %d\n%s\n%s", demoRun.code, demoRun.out, demoRun.stderr)
	}
	return demoRun.dir, demoRun.out
}

func TestDemoEndToEnd(t *testing.T) {
	dir, out := sharedDemo(t)
	if !strings.Contains(out, "Shopmart: 80 findings") || !strings.Contains(out, "Fairmarket: 0 findings") ||
		!strings.Contains(out, "a week later") || !strings.Contains(out, "/rules changed between the scans") {
		t.Fatalf("demo output:\n%s", out)
	}
	for _, want := range []string{"E-Commerce Law of the PRC Art. 34", "evidence: ", "商家在本平台经营期间"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	shop := filepath.Join(dir, "shopmart")

	if code, out, _ := platscan(t, "verify", shop); code != exitOK || !strings.HasPrefix(out, "OK ") || !strings.Contains(out, "signed by sha256:") {
		t.Fatalf("verify clean run: %d %s", code, out)
	}
	if !strings.Contains(out, "platscan complaint "+shop+" --finding ") {
		t.Fatalf("demo does not say how to build a complaint bundle:\n%s", out)
	}

	// A complaint bundle for a finding verifies on its own.
	var rep0 policies.Report
	b, _ := os.ReadFile(filepath.Join(shop, "findings.json"))
	json.Unmarshal(b, &rep0)
	bundle := filepath.Join(t.TempDir(), "c.zip")
	if code, out, stderr := platscan(t, "complaint", shop, "--finding", rep0.Findings[0].ID, "--lang", "zh", "--output", bundle); code != exitOK {
		t.Fatalf("complaint: %d %s %s", code, out, stderr)
	}
	if code, out, _ := platscan(t, "verify", bundle); code != exitOK || !strings.HasPrefix(out, "OK ") {
		t.Fatalf("verify bundle: %d %s", code, out)
	}
	if code, _, stderr := platscan(t, "complaint", shop, "--finding", "nope"); code != exitInput {
		t.Fatalf("unknown finding: %d %s", code, stderr)
	}
	// --complainant fills the letter; a bad file is one line with its place.
	who := filepath.Join(t.TempDir(), "who.yaml")
	os.WriteFile(who, []byte("name: 李明\norganisation: 杭州明远贸易有限公司\ncontact: 电话 0571-0000 0000\nrole: merchant\nrequest: [责令平台删除相关条款]\n"), 0o644)
	signed := filepath.Join(t.TempDir(), "signed.zip")
	if code, out, stderr := platscan(t, "complaint", shop, "--finding", rep0.Findings[0].ID, "--complainant", who, "--lang", "zh", "--output", signed); code != exitOK {
		t.Fatalf("complaint --complainant: %d %s %s", code, out, stderr)
	}
	if letter := zipEntry(t, signed, "complaint.md"); !strings.Contains(letter, "李明（杭州明远贸易有限公司），平台内经营者") || !strings.Contains(letter, "1. 责令平台删除相关条款") || strings.Contains(letter, "待填写") {
		t.Errorf("letter does not name the complainant:\n%s", letter)
	}
	os.WriteFile(who, []byte("name: 李明\ncontact: x\nrole: seller\n"), 0o644)
	code, _, stderr := platscan(t, "complaint", shop, "--finding", rep0.Findings[0].ID, "--complainant", who, "--output", signed, "--force")
	if code != exitInput {
		t.Fatalf("bad complainant: exit %d", code)
	}
	oneLine(t, stderr, who+":3:7: role: \"seller\" is not merchant or consumer")

	// eval re-judges offline; with findings at high it exits 1.
	code, out, _ = platscan(t, "eval", shop, "--format", "json")
	var rep policies.Report
	if code != exitFindings || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Findings) != 80 {
		t.Fatalf("eval: exit %d, %d findings", code, len(rep.Findings))
	}
	if code, _, _ := platscan(t, "eval", filepath.Join(dir, "fairmarket")); code != exitOK {
		t.Fatalf("eval fairmarket exit %d", code)
	}
	if code, out, _ := platscan(t, "report", shop, "--format", "json"); code != exitOK || !strings.Contains(out, `"rule": "CN-ECL-ART35-NOUNREASON"`) {
		t.Fatalf("report: %d", code)
	}
}

// Running the demo again replaces its own runs, and the findings keep
// their ids (and so their SARIF fingerprints) although every fixture
// listens on a new port.
func TestDemoRerunKeepsFingerprints(t *testing.T) {
	dir, _ := sharedDemo(t)
	again := filepath.Join(t.TempDir(), "demo")
	if err := os.CopyFS(again, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := platscan(t, "demo", "--out", again); code != exitOK {
		t.Fatalf("second demo: %d %s", code, stderr)
	}
	fingerprints := func(run string) []string {
		code, out, stderr := platscan(t, "report", run, "--format", "sarif")
		if code != exitOK {
			t.Fatalf("report sarif: %d %s", code, stderr)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					PartialFingerprints map[string]string `json:"partialFingerprints"`
					Locations           []struct {
						PhysicalLocation struct {
							ArtifactLocation struct {
								URI string `json:"uri"`
							} `json:"artifactLocation"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatal(err)
		}
		var fps []string
		for _, r := range log.Runs[0].Results {
			fps = append(fps, r.PartialFingerprints[report.FingerprintKey])
		}
		return fps
	}
	first, second := fingerprints(filepath.Join(dir, "shopmart")), fingerprints(filepath.Join(again, "shopmart"))
	if len(first) != 80 || !slices.Equal(first, second) {
		t.Fatalf("fingerprints changed between runs:\n%v\n%v", first, second)
	}

	// Tamper with one byte of a blob: verify fails and names it.
	shop := filepath.Join(again, "shopmart")
	recs, _ := evidence.ReadRecords(shop)
	var blob string
	for _, r := range recs {
		if r.BodySHA256 != "" && r.Kind == evidence.KindExchange {
			blob = r.BodySHA256
			break
		}
	}
	path := evidence.BlobPath(shop, blob)
	b, _ := os.ReadFile(path)
	b[len(b)/2] ^= 0x01
	os.Chmod(path, 0o644)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := platscan(t, "verify", shop)
	if code != exitFindings || !strings.Contains(out, "FAIL blobs/sha256/"+blob[:2]+"/"+blob) || !strings.Contains(out, ": 1 problem\n") {
		t.Fatalf("verify after tamper: %d\n%s", code, out)
	}
}

func TestScanExitCodes(t *testing.T) {
	srv := httptest.NewServer(fixtures.Handler(fixtures.Fairmarket))
	defer srv.Close()
	raw, _ := fixtures.Profile(fixtures.Fairmarket, map[string]string{"fairmarket": srv.URL})
	prof := filepath.Join(t.TempDir(), "fm.yaml")
	os.WriteFile(prof, raw, 0o644)
	out := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := platscan(t, "scan", "--profile", prof, "--out", out); code != exitOK {
		t.Fatalf("compliant scan exit %d: %s", code, stderr)
	}
	// The same run directory cannot be written twice.
	code, _, stderr := platscan(t, "scan", "--profile", prof, "--out", out)
	if code != exitInput {
		t.Fatalf("rescan into existing run: %d %s", code, stderr)
	}
	oneLine(t, stderr, "already holds records")

	dead := httptest.NewServer(nil)
	deadURL := dead.URL
	dead.Close()
	raw, _ = fixtures.Profile(fixtures.Shopmart, map[string]string{"shopmart": deadURL})
	os.WriteFile(prof, raw, 0o644)
	out = filepath.Join(t.TempDir(), "dead")
	code, _, stderr = platscan(t, "scan", "--profile", prof, "--out", out)
	if code != exitScan {
		t.Fatalf("unreachable target exit %d: %s", code, stderr)
	}
	oneLine(t, stderr, "target unreachable")
	if _, err := os.Stat(filepath.Join(out, "records.jsonl")); err != nil {
		t.Fatal("unreachable scan lost its records")
	}
}

func TestBadInputIsOneLineExit2(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--profile", "testdata/bad-profile.yaml"}, "testdata/bad-profile.yaml:7:5: unknown field \"hedaers\""},
		{[]string{"scan", "--profile", "testdata/missing.yaml"}, "no such file"},
		{[]string{"eval", "testdata", "--data", "testdata/bad-data.yaml"}, "not a platscan run directory"},
		{[]string{"eval", "a", "b"}, "eval takes one run directory"},
		{[]string{"policy", "test", "--data", "testdata/bad-data.yaml"}, "testdata/bad-data.yaml:4:20: platscan.thresholds.rules.notice_days: unknown key"},
		{[]string{"policy", "test", "../../policies/testdata/httpsend"}, "../../policies/testdata/httpsend/p.rego:8:"},
		{[]string{"rules", "show", "NOPE"}, "no obligation \"NOPE\""},
		{[]string{"report", "testdata"}, "not a platscan run directory"},
		{[]string{"scan", "--profile", "testdata/bad-profile.yaml", "--fail-on", "critical"}, "bad-profile.yaml"},
		{[]string{"nonsense"}, "nonsense"},
		{[]string{"scan", "--profile", "../../fixtures/profiles/shopmart.yaml", "--probe", "nope", "--out", "testdata/never"}, "unknown probe \"nope\" (known: interop, pricing, ranking, terms)"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, _, stderr := platscan(t, c.args...)
			if code != exitInput {
				t.Fatalf("exit %d, want %d; stderr: %s", code, exitInput, stderr)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Fatalf("stack trace:\n%s", stderr)
			}
			if c.args[0] != "nonsense" {
				oneLine(t, stderr, c.want)
			}
		})
	}
}

func TestRulesAndPolicyTest(t *testing.T) {
	code, out, _ := platscan(t, "rules", "list")
	if code != exitOK || !strings.Contains(out, "CN-ECL-ART34-NOTICE7") {
		t.Fatalf("rules list: %d", code)
	}
	code, out, _ = platscan(t, "rules", "show", "BJ-DEPR-ART49-CONSUMER")
	if code != exitOK || !strings.Contains(out, "不得对消费者实施不公平的差别待遇") || !strings.Contains(out, "Art. 49(1)") {
		t.Fatalf("rules show:\n%s", out)
	}
	code, out, _ = platscan(t, "policy", "test", "../../policies/testdata/good")
	if code != exitOK || !strings.Contains(out, " 0 failed") || !strings.Contains(out, "PASS data.platscan.acme_test.test_short_rules_flagged") {
		t.Fatalf("policy test: %d\n%s", code, out)
	}
}

func TestInterspersed(t *testing.T) {
	app := newApp(nil, nil)
	for in, want := range map[string]string{
		"platscan eval RUN --format json --fail-on low": "platscan eval --format json --fail-on low RUN",
		"platscan --verbose verify RUN --json":          "platscan --verbose verify --json RUN",
		"platscan rules show ID --json":                 "platscan rules show --json ID",
		"platscan demo --out=x":                         "platscan demo --out=x",
		"platscan nonsense a --b":                       "platscan nonsense a --b",
	} {
		if got := strings.Join(interspersed(app, strings.Fields(in)), " "); got != want {
			t.Errorf("%s\n got  %s\n want %s", in, got, want)
		}
	}
}

func TestResumeFlag(t *testing.T) {
	if code, _, stderr := platscan(t, "scan", "--resume", "testdata"); code != exitInput || !strings.Contains(stderr, "not a platscan run directory") {
		t.Fatalf("resume of a non-run: %d %s", code, stderr)
	}
	if code, _, stderr := platscan(t, "scan"); code != exitInput || !strings.Contains(stderr, "needs --profile") {
		t.Fatalf("scan without profile: %d %s", code, stderr)
	}
}

func TestCheckImport(t *testing.T) {
	code, out, stderr := platscan(t, "check", "--input", "testdata/ranking-boosted.csv", "--jurisdiction", "cn-bj", "--format", "json")
	var rep policies.Report
	if code != exitFindings || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Findings) != 1 || rep.Findings[0].Rule != "BJ-DEPR-ART49-SME" {
		t.Fatalf("boosted export: exit %d %s %s", code, out, stderr)
	}
	if code, out, _ := platscan(t, "check", "--input", "testdata/ranking-merit.csv", "--jurisdiction", "cn-bj"); code != exitOK || !strings.Contains(out, "0 findings") {
		t.Fatalf("merit export: exit %d\n%s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("query,position,item,first_party,price\nq,1,a,true,9\nq,x,b,false,8\n"), 0o644)
	code, _, stderr = platscan(t, "check", "--input", bad)
	if code != exitInput {
		t.Fatalf("bad export: exit %d", code)
	}
	oneLine(t, stderr, "bad.csv:3: position:")
	// A kept check run is a signed run like any other.
	dir := filepath.Join(t.TempDir(), "run")
	platscan(t, "check", "--input", "testdata/ranking-merit.csv", "--out", dir)
	if code, out, _ := platscan(t, "verify", dir); code != exitOK || !strings.Contains(out, "signed by") {
		t.Fatalf("verify check run: %d %s", code, out)
	}
}

func zipEntry(t *testing.T, path, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	t.Fatalf("%s has no %s", path, name)
	return ""
}
