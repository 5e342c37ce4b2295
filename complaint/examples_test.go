package complaint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/internal/golden"
	"github.com/platscan/platscan/internal/numfmt"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/report"
	"github.com/platscan/platscan/rules"
	"github.com/platscan/platscan/scan"
)

// inProcess serves the fixture platforms at the addresses their shipped
// profiles name, without a socket, so the examples show the URLs a user
// of `platscan fixtures serve` sees. Any other host is unreachable.
type inProcess map[string]http.Handler

func (p inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	h, ok := p[r.URL.Host]
	if !ok {
		return nil, errors.New("no network in tests: " + r.URL.Host)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// exampleRun scans Shopmart (pricing, terms, interop) with a fixed clock
// and key, as the demo does.
func exampleRun(t *testing.T) (string, *policies.Report) {
	t.Helper()
	rt := inProcess{}
	for slug, u := range fixtures.DefaultURLs {
		for _, v := range fixtures.Variants {
			if v.Slug == slug {
				rt[strings.TrimPrefix(u, "http://")] = fixtures.Handler(v)
			}
		}
	}
	raw, err := fixtures.Profile(fixtures.Shopmart, fixtures.DefaultURLs)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Parse("fixtures/profiles/shopmart.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := rules.Default()
	e, err := policies.New(context.Background(), policies.Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	dir := filepath.Join(t.TempDir(), "shopmart")
	res, err := scan.Run(context.Background(), prof, scan.Options{Dir: dir, Engine: e, Version: "example", Transport: rt, Signer: testSigner,
		Probes: []string{"pricing", "terms", "interop"}, Now: func() time.Time { clock = clock.Add(time.Millisecond); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	return dir, res.Report
}

// merkle matches the one volatile part of a letter: the Merkle root of a
// run whose records name random WARC record ids.
var merkle = regexp.MustCompile("(`|<code>)[0-9a-f]{64}(`|</code>)")

func normalise(b []byte) []byte { return merkle.ReplaceAll(b, []byte("${1}MERKLE-ROOT${2}")) }

// The letters under docs/examples are generated here from the demo
// platform: a pricing finding, a clause finding and an interop finding,
// in Chinese and English, in Markdown and HTML. Run with -update after a
// deliberate change and read the diff as a lawyer would.
func TestExampleLetters(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo platform")
	}
	dir, rep := exampleRun(t)
	pick := func(ok func(f policies.Finding) bool) policies.Finding {
		for _, f := range rep.Findings {
			if ok(f) {
				return f
			}
		}
		t.Fatal("no such finding in the demo run")
		return policies.Finding{}
	}
	examples := []struct {
		name, complainant string
		f                 policies.Finding
	}{
		{"pricing", "complainant-consumer.yaml", pick(func(f policies.Finding) bool {
			return f.Rule == "CN-ALGO-ART21-PRICE" && f.Persona == "loyal_user" && strings.Contains(f.Summary, "paid")
		})},
		{"clause", "complainant-merchant.yaml", pick(func(f policies.Finding) bool {
			return f.Rule == "CN-ECL-ART35-NOUNREASON" && f.Metrics["category"] == "exclusivity"
		})},
		{"interop", "complainant-merchant.yaml", pick(func(f policies.Finding) bool {
			return f.Rule == "BJ-DEPR-ART49-NOHINDER" && f.Metrics["mechanism"] == "oauth"
		})},
	}
	cat, _ := rules.Default()
	letters := map[string]string{}
	for _, ex := range examples {
		who, err := LoadComplainant(filepath.Join("..", "docs", "examples", ex.complainant))
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"zh", "en"} {
			var buf bytes.Buffer
			opt := Options{Lang: lang, Catalog: cat, Complainant: who, Now: func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }}
			if err := Build(context.Background(), dir, ex.f.ID, &buf, opt); err != nil {
				t.Fatal(err)
			}
			files := unzip(t, buf.Bytes())
			letters[ex.name+"-"+lang] = string(files[LetterMD])
			base := filepath.Join("..", "docs", "examples", ex.name+"-"+lang)
			golden.CompareNormalised(t, base+".md", files[LetterMD], normalise)
			golden.CompareNormalised(t, base+".html", files[LetterHTML], normalise)
		}
	}
	checkPricingBundle(t, dir, examples[0].f)
	checkLetters(t, letters, rep, examples[0].f)
	checkEveryFinding(t, dir, rep)
}

// Every finding of the demo makes a letter in both languages with no
// template slip: no persona id, no Go value dump, no missing key.
func checkEveryFinding(t *testing.T, dir string, rep *policies.Report) {
	t.Helper()
	recs, err := evidence.ReadRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := scan.LoadProfile(dir, recs)
	if err != nil {
		t.Fatal(err)
	}
	man, _ := evidence.ReadManifest(dir)
	cat, _ := rules.Default()
	au, _ := rules.DefaultAuthorities()
	for i := range rep.Findings {
		f := &rep.Findings[i]
		for _, lang := range []string{"zh", "en"} {
			md, html, err := letters(letterInput{f: f, rep: rep, man: man, prof: prof,
				opt: Options{Lang: lang, Catalog: cat, Authorities: au, Now: time.Now}})
			if err != nil {
				t.Fatalf("%s %s: %v", f.Rule, lang, err)
			}
			for _, bad := range []string{"loyal_user", "new_user", "ios_user", "<no value>", "%!", "map[", "[]interface"} {
				if strings.Contains(string(md), bad) || strings.Contains(string(html), bad) {
					t.Errorf("%s %s (%s) letter contains %q", f.Rule, lang, f.ID, bad)
				}
			}
		}
	}
}

// checkLetters holds the letters to what the issue found wrong: the
// honorific of an office, persona ids and raw keys in the data, the
// duty named as the conduct, and figures that disagree with the report.
func checkLetters(t *testing.T, letters map[string]string, rep *policies.Report, price policies.Finding) {
	t.Helper()
	var text bytes.Buffer
	if err := (report.Text{}).Write(&text, &report.Input{Report: &policies.Report{Platform: rep.Platform, Findings: []policies.Finding{price}}}); err != nil {
		t.Fatal(err)
	}
	for _, row := range price.Metrics["products"].([]any) {
		m := row.(map[string]any)
		for _, v := range []string{numfmt.Fixed(m["persona_median"], 2), numfmt.Fixed(m["reference_median"], 2), numfmt.Signed(m["effect_pct"], 1) + "%"} {
			if !strings.Contains(text.String(), v) || !strings.Contains(letters["pricing-zh"], v) || !strings.Contains(letters["pricing-en"], v) {
				t.Errorf("%s for %v is not in both the report and the letters", v, m["product"])
			}
		}
	}
	for name, l := range letters {
		for _, bad := range []string{"loyal_user", "new_user", "text_sha256", "category", "cue", "0.001999", "the following conduct of", "Art. "} {
			if strings.Contains(l, bad) {
				t.Errorf("%s letter contains %q", name, bad)
			}
		}
	}
	for name, want := range map[string][]string{
		"pricing-zh": {"请贵办依法调查处理", "**致**：国家互联网信息办公室", "已登录且有购买记录的老会员", "| 商品 | 受测用户中位价"},
		"pricing-en": {"I ask the Administration to investigate", "Article 21 of the Provisions", "a logged-in member with a purchase history"},
		"clause-zh":  {"请贵局依法调查处理", "该条款限制平台内经营者在其他平台开展经营", "| 文本语言 | 英文 |", "](https://"},
		"clause-en":  {"lays down the following duty: no unreasonable restrictions", "| Language of the text | English |"},
		"interop-zh": {"**致**：北京市市场监督管理局", "| 对竞争对手的处理 | 拒绝授权 |"},
		"interop-en": {"| Treatment of the competitor | authorisation refused |"},
	} {
		for _, w := range want {
			if !strings.Contains(letters[name], w) {
				t.Errorf("%s letter lacks %q", name, w)
			}
		}
	}
}

// A pricing bundle holds the page fetches its prices were read from, and
// their WARC records, not only the prices.
func checkPricingBundle(t *testing.T, dir string, f policies.Finding) {
	t.Helper()
	cat, _ := rules.Default()
	var buf bytes.Buffer
	if err := Build(context.Background(), dir, f.ID, &buf, Options{Lang: "zh", Catalog: cat}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pricing.zip")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	vr, err := Verify(path, evidence.VerifyOptions{TrustedKey: testSigner.KeyID()})
	if err != nil || !vr.OK() {
		t.Fatalf("pricing bundle: %v %v", err, vr.Problems)
	}
	files := unzip(t, buf.Bytes())
	ids := map[string]evidence.Record{}
	var measurements []evidence.Record
	for _, line := range strings.Split(strings.TrimSpace(string(files[evidence.RecordsFile])), "\n") {
		var r evidence.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		ids[r.ID] = r
		if r.Kind == evidence.KindMeasurement {
			measurements = append(measurements, r)
		}
	}
	pages := map[string]bool{}
	for _, m := range measurements {
		for _, id := range cited(m) {
			ex, ok := ids[id]
			if !ok {
				t.Fatalf("measurement %s cites %s, not in the bundle", m.ID, id)
			}
			if ex.Kind == evidence.KindExchange {
				pages[id] = true
				if _, ok := files["blobs/sha256/"+ex.BodySHA256[:2]+"/"+ex.BodySHA256]; ex.BodySHA256 != "" && !ok {
					t.Errorf("page %s of exchange %s is not in the bundle", ex.BodySHA256, id)
				}
			}
		}
	}
	if len(measurements) < 20 || len(pages) < len(measurements) {
		t.Fatalf("%d measurements, %d page fetches in the pricing bundle", len(measurements), len(pages))
	}
	if vr.WARCRecords < 2*len(pages) {
		t.Errorf("%d WARC records for %d page fetches", vr.WARCRecords, len(pages))
	}
}
