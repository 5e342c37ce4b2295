package complaint

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/policies"
	_ "github.com/platscan/platscan/probes/all"
	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/rules"
	"github.com/platscan/platscan/scan"
)

var testSigner = evidence.NewEd25519Signer(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))

var (
	runOnce sync.Once
	runDir  string
	runErr  error
)

// shopmartRun scans Shopmart's terms once (the cheapest probe that yields
// quotable findings) into a signed run shared by the tests.
func shopmartRun(t *testing.T) string {
	t.Helper()
	runOnce.Do(func() {
		srv := httptest.NewServer(fixtures.Handler(fixtures.Shopmart))
		defer srv.Close()
		raw, _ := fixtures.Profile(fixtures.Shopmart, map[string]string{"shopmart": srv.URL})
		prof, err := profile.Parse("shopmart.yaml", raw)
		if err != nil {
			runErr = err
			return
		}
		cat, _ := rules.Default()
		e, err := policies.New(context.Background(), policies.Options{Catalog: cat})
		if err != nil {
			runErr = err
			return
		}
		dir, _ := os.MkdirTemp("", "platscan-complaint-*")
		runDir = filepath.Join(dir, "run")
		_, runErr = scan.Run(context.Background(), prof, scan.Options{Dir: runDir, Engine: e, Version: "test", Probes: []string{"terms"},
			Signer: testSigner})
	})
	if runErr != nil {
		t.Fatal(runErr)
	}
	return runDir
}

func findingOf(t *testing.T, dir, rule string) policies.Finding {
	t.Helper()
	b, _ := os.ReadFile(filepath.Join(dir, evidence.FindingsFile))
	var rep policies.Report
	json.Unmarshal(b, &rep)
	for _, f := range rep.Findings {
		if f.Rule == rule {
			return f
		}
	}
	t.Fatalf("no %s finding", rule)
	return policies.Finding{}
}

func build(t *testing.T, dir, id, lang string) string {
	t.Helper()
	cat, _ := rules.Default()
	var buf bytes.Buffer
	if err := Build(context.Background(), dir, id, &buf, Options{Lang: lang, Catalog: cat}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bundle.zip")
	os.WriteFile(path, buf.Bytes(), 0o644)
	return path
}

func TestBundleVerifies(t *testing.T) {
	dir := shopmartRun(t)
	f := findingOf(t, dir, "CN-ECL-ART35-NOUNREASON")
	for _, lang := range []string{"zh", "en"} {
		path := build(t, dir, f.ID, lang)
		rep, err := Verify(path, evidence.VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || !rep.Signed || rep.Records < 4 || rep.WARCRecords < 3 {
			t.Fatalf("%s bundle: %+v", lang, rep)
		}
		letter := readEntry(t, path, LetterMD)
		if lang == "zh" {
			for _, want := range []string{"**致**：国家市场监督管理总局", "向贵局投诉（举报）", "《中华人民共和国电子商务法》第三十五条", "默克尔树根值", "> " + f.Quote,
				"第" + fmtInt(f.Metrics["start"]) + "至" + fmtInt(f.Metrics["end"]) + "字符", "＿＿＿＿＿＿＿＿〔待填写"} {
				if !strings.Contains(letter, want) {
					t.Errorf("zh letter lacks %q", want)
				}
			}
		} else {
			for _, want := range []string{"Article 35 of the E-Commerce Law of the PRC", "asks the Administration to investigate", "Merkle root", "[to be completed"} {
				if !strings.Contains(letter, want) {
					t.Errorf("en letter lacks %q", want)
				}
			}
		}
		// The clause finding rests on a measurement, read from a document,
		// read from an exchange: all three travel, with the page itself.
		files := unzip(t, mustRead(t, path))
		if _, ok := files["capture.warc.gz"]; !ok || !strings.Contains(string(files[ReadMe]), "capture.warc.gz") {
			t.Errorf("%s bundle lacks the WARC capture or does not list it", lang)
		}
		kinds := map[string]int{}
		for _, line := range strings.Split(strings.TrimSpace(string(files["records.jsonl"])), "\n") {
			var r evidence.Record
			json.Unmarshal([]byte(line), &r)
			kinds[string(r.Kind)]++
		}
		if kinds["measurement"] < 1 || kinds["exchange"] < 1 || kinds["document"] < 2 {
			t.Errorf("%s bundle records by kind: %v", lang, kinds)
		}
	}
	if _, err := Verify(build(t, dir, f.ID, "zh"), evidence.VerifyOptions{TrustedKey: "sha256:00"}); err != nil {
		t.Fatal(err)
	}
	if rep, _ := Verify(build(t, dir, f.ID, "zh"), evidence.VerifyOptions{TrustedKey: "sha256:00"}); rep.OK() {
		t.Fatal("untrusted signer accepted")
	}
}

func readEntry(t *testing.T, path, name string) string {
	t.Helper()
	raw, _ := os.ReadFile(path)
	files := unzip(t, raw)
	return string(files[name])
}

// Any single byte changed anywhere in a bundle is caught.
func TestBundleByteFlips(t *testing.T) {
	dir := shopmartRun(t)
	path := build(t, dir, findingOf(t, dir, "CN-ECL-ART34-NOTICE7").ID, "zh")
	orig, _ := os.ReadFile(path)
	step := len(orig)/400 + 1
	for i := 0; i < len(orig); i += step {
		mod := append([]byte(nil), orig...)
		mod[i] ^= 0x01
		os.WriteFile(path, mod, 0o644)
		rep, err := Verify(path, evidence.VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK() {
			t.Fatalf("byte %d of %d flipped: verify passed", i, len(orig))
		}
		if !strings.HasPrefix(rep.Problems[0].File, "bundle.zip") {
			t.Fatalf("byte %d: problem does not name the bundle: %v", i, rep.Problems[0])
		}
	}
}

// A bundle whose archive hash was recomputed after a record was edited is
// still caught, naming the record file.
func TestBundleEditedInside(t *testing.T) {
	dir := shopmartRun(t)
	path := build(t, dir, findingOf(t, dir, "CN-ECL-ART34-NOTICE7").ID, "en")
	raw, _ := os.ReadFile(path)
	files := unzip(t, raw)
	files["records.jsonl"] = bytes.Replace(files["records.jsonl"], []byte(`"status":200`), []byte(`"status":201`), 1)
	repacked := rezip(t, files)
	os.WriteFile(path, repacked, 0o644)
	rep, _ := Verify(path, evidence.VerifyOptions{})
	if rep.OK() || !strings.Contains(rep.Problems[0].File, "records.jsonl") {
		t.Fatalf("edited record not caught: %+v", rep.Problems)
	}
}

func TestUnknownFinding(t *testing.T) {
	err := Build(context.Background(), shopmartRun(t), "nope", &bytes.Buffer{}, Options{Lang: "en"})
	if err == nil || !strings.Contains(err.Error(), "no such finding") {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fmtInt(v any) string { return strconv.Itoa(int(v.(float64))) }

// A bundle that leaves out a record its measurements cite fails verify,
// naming the citing record, even when everything left is intact.
func TestBundleMissingCitedRecord(t *testing.T) {
	dir := shopmartRun(t)
	f := findingOf(t, dir, "CN-ECL-ART35-NOUNREASON")
	path := build(t, dir, f.ID, "en")
	files := unzip(t, mustRead(t, path))
	var kept []string
	dropped := ""
	for _, line := range strings.Split(strings.TrimSpace(string(files["records.jsonl"])), "\n") {
		var r evidence.Record
		json.Unmarshal([]byte(line), &r)
		if r.Kind == evidence.KindExchange && dropped == "" {
			dropped = r.ID
			delete(files, "blobs/sha256/"+r.BodySHA256[:2]+"/"+r.BodySHA256)
			continue
		}
		kept = append(kept, line)
	}
	if dropped == "" {
		t.Fatal("no exchange in the bundle")
	}
	files["records.jsonl"] = []byte(strings.Join(kept, "\n") + "\n")
	os.WriteFile(path, rezip(t, files), 0o644)
	rep, err := Verify(path, evidence.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range rep.Problems {
		found = found || strings.Contains(p.Msg, "cites record "+dropped+", which is not in the bundle")
	}
	if !found {
		t.Fatalf("dropped exchange %s not reported: %v", dropped, rep.Problems)
	}
}

func TestMDEscape(t *testing.T) {
	for in, want := range map[string]string{
		"p < 0.0001":                "p < 0.0001",
		"unauthorized_client":       "unauthorized_client",
		"_em_ and *strong*":         `\_em\_ and \*strong\*`,
		"<script>alert(1)</script>": `\<script>alert(1)\</script>`,
		"# not a heading":           `\# not a heading`,
		"a | b [link](x)":           `a \| b \[link\](x)`,
		"> not a quote, but a > b":  `\> not a quote, but a > b`,
		"商家在本平台的售价不得高于其他平台": "商家在本平台的售价不得高于其他平台",
	} {
		if got := mdEscape(in); got != want {
			t.Errorf("mdEscape(%q) = %q, want %q", in, got, want)
		}
	}
}

// A run made by `platscan check` from a platform's own ranking export has
// no scan profile and no web pages; its findings still make a bundle that
// verifies, and a letter without an address or personas.
func TestBundleFromCheckRun(t *testing.T) {
	cat, _ := rules.Default()
	e, err := policies.New(context.Background(), policies.Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "check")
	res, err := scan.Check(context.Background(), []string{"../cmd/platscan/testdata/ranking-boosted.csv"}, scan.CheckOptions{Dir: dir, Engine: e, Version: "test",
		Platform: "Shopmart", Jurisdictions: []string{"cn-bj", "cn", "eu"}, Signer: testSigner})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Findings) == 0 {
		t.Fatal("the boosted export has no findings")
	}
	path := build(t, dir, res.Report.Findings[0].ID, "zh")
	rep, err := Verify(path, evidence.VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("check-run bundle: %v %+v", err, rep)
	}
	letter := readEntry(t, path, LetterMD)
	if strings.Contains(letter, "网址") || !strings.Contains(letter, "**被投诉（举报）人**：Shopmart") || strings.Contains(string(unzip(t, mustRead(t, path))[ReadMe]), "capture.warc.gz") {
		t.Errorf("check-run letter or README:\n%s", letter)
	}
}
