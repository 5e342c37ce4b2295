package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The settled vocabulary of docs/cli.md, tried as a user would.

func TestDeprecatedSpellingsStillWork(t *testing.T) {
	dir, _ := sharedDemo(t)
	shop := filepath.Join(dir, "shopmart")
	cases := []struct {
		args    []string
		warning string
		check   func(t *testing.T, out string)
	}{
		{[]string{"verify", shop, "--json"}, "platscan: verify --json is deprecated; use --format json", func(t *testing.T, out string) {
			var v map[string]any
			if err := json.Unmarshal([]byte(out), &v); err != nil || v["problems"] == nil {
				t.Fatalf("verify --json: %v %s", err, out)
			}
		}},
		{[]string{"rules", "list", "--json"}, "platscan: rules list --json is deprecated; use --format json", func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "[") {
				t.Fatalf("rules list --json: %s", out)
			}
		}},
		{[]string{"rules", "show", "CN-ECL-ART34-NOTICE7", "--json=true"}, "platscan: rules show --json is deprecated", func(t *testing.T, out string) {
			if !strings.Contains(out, `"id": "CN-ECL-ART34-NOTICE7"`) {
				t.Fatalf("rules show --json: %s", out)
			}
		}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args[:2], " "), func(t *testing.T) {
			code, out, stderr := platscan(t, c.args...)
			if code != exitOK || !strings.Contains(stderr, c.warning) || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			c.check(t, out)
		})
	}

	// complaint --out FILE is now --output FILE.
	var rep struct {
		Findings []struct {
			ID string `json:"id"`
		} `json:"findings"`
	}
	b, _ := os.ReadFile(filepath.Join(shop, "findings.json"))
	json.Unmarshal(b, &rep)
	bundle := filepath.Join(t.TempDir(), "c.zip")
	code, _, stderr := platscan(t, "complaint", shop, "--finding", rep.Findings[0].ID, "--out", bundle)
	if code != exitOK || !strings.Contains(stderr, "complaint --out is deprecated; use --output") {
		t.Fatalf("complaint --out: %d %s", code, stderr)
	}
	if _, err := os.Stat(bundle); err != nil {
		t.Fatal("complaint --out wrote nothing")
	}

	// keys generate --out FILE likewise; --quiet does not hide the warning.
	key := filepath.Join(t.TempDir(), "k.pem")
	code, _, stderr = platscan(t, "keys", "generate", "--out="+key, "-q")
	if code != exitOK || !strings.Contains(stderr, "keys generate --out is deprecated") {
		t.Fatalf("keys generate --out: %d %s", code, stderr)
	}
	if _, err := os.Stat(key); err != nil {
		t.Fatal("keys generate --out wrote nothing")
	}
}

func TestVerifyJSONHasNoNulls(t *testing.T) {
	dir, _ := sharedDemo(t)
	code, out, _ := platscan(t, "verify", filepath.Join(dir, "fairmarket"), "--format", "json")
	if code != exitOK || strings.Contains(out, "null") || !strings.Contains(out, `"problems": []`) {
		t.Fatalf("verify --format json: %d\n%s", code, out)
	}
}

func TestQuietAndVerboseAnywhere(t *testing.T) {
	dir := t.TempDir()
	// A fresh key path: signing would normally announce the new key.
	t.Setenv("PLATSCAN_KEY", filepath.Join(dir, "key.pem"))
	for _, args := range [][]string{
		{"--quiet", "check", "--input", "testdata/ranking-merit.csv", "--out", filepath.Join(dir, "a")},
		{"check", "--input", "testdata/ranking-merit.csv", "--out", filepath.Join(dir, "b"), "--quiet"},
		{"check", "-q", "--input", "testdata/ranking-merit.csv", "--out", filepath.Join(dir, "c")},
	} {
		code, out, stderr := platscan(t, args...)
		if code != exitOK || stderr != "" || !strings.Contains(out, "0 findings") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	// Without --quiet the same command tells where the run is.
	code, _, stderr := platscan(t, "check", "--input", "testdata/ranking-merit.csv", "--out", filepath.Join(dir, "d"))
	if code != exitOK || !strings.Contains(stderr, "run stored in") {
		t.Errorf("notes: %d %q", code, stderr)
	}
	// --verbose works after the command too (it turns on debug logging).
	for _, args := range [][]string{
		{"--verbose", "check", "--input", "testdata/ranking-merit.csv"},
		{"check", "--input", "testdata/ranking-merit.csv", "--verbose"},
		{"check", "--input", "testdata/ranking-merit.csv", "-v"},
	} {
		if code, _, stderr := platscan(t, args...); code != exitOK || strings.Contains(stderr, "flag provided but not defined") {
			t.Errorf("%v: %d %s", args, code, stderr)
		}
	}
	if code, _, stderr := platscan(t, "check", "--input", "testdata/ranking-merit.csv", "-q", "-v"); code != exitInput {
		t.Errorf("--quiet with --verbose: %d %s", code, stderr)
	} else {
		oneLine(t, stderr, "--quiet and --verbose contradict each other")
	}
	code, out, _ := platscan(t, "-V")
	if code != exitOK || out != "platscan version "+version+"\n" {
		t.Errorf("-V: %d %q", code, out)
	}
	if code, out, _ := platscan(t, "rules", "list", "--version"); code != exitOK || !strings.Contains(out, version) {
		t.Errorf("--version after a command: %d %q", code, out)
	}
}

func TestLangValidated(t *testing.T) {
	dir, _ := sharedDemo(t)
	shop := filepath.Join(dir, "shopmart")
	for _, args := range [][]string{
		{"rules", "list", "--lang", "fr"},
		{"complaint", shop, "--finding", "x", "--lang", "fr"},
		{"report", shop, "--format", "html", "--lang", "fr"},
		{"eval", shop, "--lang", "de"},
	} {
		code, _, stderr := platscan(t, args...)
		if code != exitInput {
			t.Errorf("%v: exit %d", args, code)
			continue
		}
		oneLine(t, stderr, `: use en or zh`)
	}
	// One default everywhere (en), and PLATSCAN_LANG sets it.
	if _, out, _ := platscan(t, "rules", "list"); !strings.Contains(out, "Rule changes consulted on publicly") {
		t.Errorf("rules list default language:\n%s", out)
	}
	t.Setenv("PLATSCAN_LANG", "zh")
	if _, out, _ := platscan(t, "rules", "list"); !strings.Contains(out, "修改平台服务协议和交易规则应公开征求意见") {
		t.Errorf("PLATSCAN_LANG=zh ignored")
	}
}

func TestNoOverwriteWithoutForce(t *testing.T) {
	dir, _ := sharedDemo(t)
	shop := filepath.Join(dir, "shopmart")
	out := filepath.Join(t.TempDir(), "report.md")
	if err := os.WriteFile(out, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"report", shop, "--format", "md", "--output", out},
		{"eval", shop, "--format", "md", "-o", out},
		{"check", "--input", "testdata/ranking-merit.csv", "--output", out},
		{"complaint", shop, "--finding", "x", "--output", out},
		{"keys", "generate", "--output", out},
	} {
		code, _, stderr := platscan(t, args...)
		if code != exitInput {
			t.Errorf("%v: exit %d", args, code)
			continue
		}
		oneLine(t, stderr, out+" exists; use --force to overwrite it")
	}
	if b, _ := os.ReadFile(out); string(b) != "keep me" {
		t.Fatal("file overwritten without --force")
	}
	if code, _, stderr := platscan(t, "report", shop, "--format", "md", "--output", out, "--force"); code != exitOK {
		t.Fatalf("--force: %d %s", code, stderr)
	}
	if b, _ := os.ReadFile(out); !strings.HasPrefix(string(b), "## platscan report: Shopmart") {
		t.Fatalf("--force did not write the report:\n%.200s", b)
	}
}

func TestMessagesReadAsEnglish(t *testing.T) {
	code, _, stderr := platscan(t, "check", "--input", "testdata/ranking-merit.csv", "--fail-on", "critical")
	if code != exitInput || strings.Contains(stderr, "[") {
		t.Fatalf("fail-on: %d %s", code, stderr)
	}
	oneLine(t, stderr, `--fail-on "critical": use high, medium, low or info`)
	code, _, stderr = platscan(t, "check", "--input", "testdata/ranking-merit.csv", "--format", "pdf")
	if code != exitInput || strings.Contains(stderr, "[") {
		t.Fatalf("format: %d %s", code, stderr)
	}
	oneLine(t, stderr, "known: html, json, junit, md, sarif, text")
	// One finding is "1 finding".
	code, out, _ := platscan(t, "check", "--input", "testdata/ranking-boosted.csv", "--jurisdiction", "cn-bj")
	if code != exitFindings || !strings.Contains(out, "self-audit: 1 finding (1 high") || strings.Contains(out, "1 findings") {
		t.Fatalf("plural: %d\n%s", code, out)
	}
}

func TestWaiversAndBaselineInCI(t *testing.T) {
	dir := t.TempDir()
	boosted := []string{"check", "--input", "testdata/ranking-boosted.csv", "--jurisdiction", "cn-bj"}
	// Without a waiver the boosted export fails.
	if code, _, _ := platscan(t, boosted...); code != exitFindings {
		t.Fatalf("boosted: %d", code)
	}
	w := filepath.Join(dir, "waivers.yaml")
	os.WriteFile(w, []byte("- rule: BJ-DEPR-ART49-SME\n  platform: self-audit\n  reason: ranking fix ships in 3.2\n  approver: cto@example.com\n  expires: 2999-12-31\n"), 0o644)
	code, out, stderr := platscan(t, append(boosted, "--waivers", w)...)
	if code != exitOK || !strings.Contains(out, "waived until 2999-12-31 by cto@example.com") {
		t.Fatalf("waived: %d\n%s\n%s", code, out, stderr)
	}
	// An expired waiver turns the finding back on, and says so.
	os.WriteFile(w, []byte("- rule: BJ-DEPR-ART49-SME\n  platform: self-audit\n  reason: ranking fix ships in 3.2\n  approver: cto@example.com\n  expires: 2020-01-31\n"), 0o644)
	code, out, stderr = platscan(t, append(boosted, "--waivers", w)...)
	if code != exitFindings || !strings.Contains(out, "WAIVER EXPIRED on 2020-01-31") || !strings.Contains(stderr, "waivers.yaml:1: the waiver for BJ-DEPR-ART49-SME expired on 2020-01-31") {
		t.Fatalf("expired: %d\n%s\n%s", code, out, stderr)
	}
	// A bad waiver file is one line with file:line:col and exit 2.
	os.WriteFile(w, []byte("- rule: BJ-DEPR-ART49-SME\n  platform: self-audit\n  reason: r\n  approver: a\n  expires: soon\n"), 0o644)
	code, _, stderr = platscan(t, append(boosted, "--waivers", w)...)
	if code != exitInput {
		t.Fatalf("bad waiver: %d", code)
	}
	oneLine(t, stderr, w+`:5:12: [0].expires: "soon" is not a date (YYYY-MM-DD)`)

	// A baseline that holds the finding: nothing new, exit 0.
	base := filepath.Join(dir, "base.json")
	if code, _, _ := platscan(t, append(boosted, "--format", "json", "--output", base)...); code != exitFindings {
		t.Fatalf("baseline run: %d", code)
	}
	if code, out, _ := platscan(t, append(boosted, "--baseline", base)...); code != exitOK || !strings.Contains(out, "Baseline: 0 new, 1 unchanged") {
		t.Fatalf("with baseline: %d\n%s", code, out)
	}
	// A baseline from a clean export: the finding is new and fails.
	clean := filepath.Join(dir, "clean.json")
	platscan(t, "check", "--input", "testdata/ranking-merit.csv", "--jurisdiction", "cn-bj", "--format", "json", "--output", clean)
	if code, out, _ := platscan(t, append(boosted, "--baseline", clean)...); code != exitFindings || !strings.Contains(out, "Baseline: 1 new, 0 unchanged") {
		t.Fatalf("new finding: %d\n%s", code, out)
	}
	os.WriteFile(filepath.Join(dir, "junk.json"), []byte("{"), 0o644)
	if code, _, stderr := platscan(t, append(boosted, "--baseline", filepath.Join(dir, "junk.json"))...); code != exitInput {
		t.Fatalf("junk baseline: %d %s", code, stderr)
	} else {
		oneLine(t, stderr, "not a findings.json")
	}
}

func TestCheckSARIFPointsAtTheExport(t *testing.T) {
	code, out, stderr := platscan(t, "check", "--input", "./testdata/ranking-boosted.csv", "--jurisdiction", "cn-bj", "--format", "sarif")
	if code != exitFindings {
		t.Fatalf("%d %s", code, stderr)
	}
	if !strings.Contains(out, `"uri": "testdata/ranking-boosted.csv"`) {
		t.Fatalf("SARIF location is not the export:\n%.3000s", out)
	}
}

func TestArgumentRewriting(t *testing.T) {
	app := newApp(nil, nil)
	for in, want := range map[string]string{
		"platscan eval RUN --format json -q":                  "platscan -q eval RUN --format json",
		"platscan check --input a.csv --verbose --out d":      "platscan --verbose check --input a.csv --out d",
		"platscan report RUN -V":                              "platscan -V report RUN",
		"platscan verify RUN --json":                          "platscan verify RUN --format json",
		"platscan verify RUN --json=false":                    "platscan verify RUN",
		"platscan rules show X -json":                         "platscan rules show X --format json",
		"platscan complaint RUN --finding F --out c.zip":      "platscan complaint RUN --finding F --output c.zip",
		"platscan complaint RUN --out=c.zip":                  "platscan complaint RUN --output=c.zip",
		"platscan keys generate --out k.pem":                  "platscan keys generate --output k.pem",
		"platscan scan --profile p.yaml --out dir":            "platscan scan --profile p.yaml --out dir",
		"platscan -q demo --out d":                            "platscan -q demo --out d",
		"platscan check --input a.csv -- --verbose":           "platscan check --input a.csv -- --verbose",
		"platscan --verbose rules list --json --lang zh":      "platscan --verbose rules list --format json --lang zh",
		"platscan fixtures serve --out profiles --addr :8480": "platscan fixtures serve --out profiles --addr :8480",
	} {
		var stderr strings.Builder
		got := strings.Join(hoistGlobal(app, deprecate(app, strings.Fields(in), &stderr)), " ")
		if got != want {
			t.Errorf("%s\n got  %s\n want %s", in, got, want)
		}
		if warned := stderr.Len() > 0; warned != (strings.Contains(in, "-json") || strings.Contains(in, "complaint") || strings.Contains(in, "keys")) {
			t.Errorf("%s: deprecation warning %q", in, stderr.String())
		}
	}
}
