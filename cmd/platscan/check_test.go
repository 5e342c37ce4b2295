package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An export without prices is read: self-preferencing is judged on rating
// and reviews, and the report says price was not used.
func TestCheckExportWithoutPrices(t *testing.T) {
	code, out, stderr := platscan(t, "check", "--input", "testdata/ranking-noprice.csv", "--jurisdiction", "cn-bj", "--format", "json")
	if code != exitFindings {
		t.Fatalf("%d %s", code, stderr)
	}
	var rep struct {
		Findings []struct {
			Rule    string         `json:"rule"`
			Summary string         `json:"summary"`
			Metrics map[string]any `json:"metrics"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Rule == "BJ-DEPR-ART49-SME" && strings.Contains(f.Summary, "higher than their rating and reviews explain") {
			found = true
			if gaps, _ := f.Metrics["gaps"].([]any); len(gaps) == 0 || !strings.Contains(fmt.Sprint(gaps[0]), "price not stated") {
				t.Errorf("gaps: %v", f.Metrics["gaps"])
			}
		}
	}
	if !found {
		t.Errorf("no self-preferencing finding on rating and reviews:\n%s", out)
	}
}

// Values that cannot be right are one line, file:line: column, exit 2.
func TestCheckImpossibleValues(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ body, want string }{
		"nan.csv":    {"query,position,item,first_party,price\nq,1,a,true,9\nq,2,b,false,NaN\n", `nan.csv:3: price: "NaN" is not a finite number`},
		"rating.csv": {"query,position,item,first_party,rating\nq,1,a,true,99\n", "rating.csv:2: rating: 99 is outside the 0-5 star scale"},
		"dup.csv":    {"query,position,item,first_party\nq,1,a,true\nq,1,b,false\n", `dup.csv:3: position: query "q" has position 1 twice (first at line 2)`},
		"extra.csv":  {"query,position,item,first_party\nq,1,a,true,oops\n", "extra.csv:2: 5 fields, but the header names 4 columns"},
		"utf8.csv":   {"query,position,item,first_party\nq\xff,1,a,true\n", "utf8.csv:2: invalid UTF-8"},
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(c.body), 0o644)
		code, _, stderr := platscan(t, "check", "-q", "--input", p)
		if code != exitInput {
			t.Errorf("%s: exit %d (%s)", name, code, stderr)
			continue
		}
		oneLine(t, stderr, c.want)
	}
}

// Without the Beijing jurisdiction or a gatekeeper designation a boosted
// export gets no finding; the output says which duties were left out and
// why, so an engineer is not misled into green.
func TestCheckSaysWhatIsOutOfScope(t *testing.T) {
	code, out, stderr := platscan(t, "check", "--input", "testdata/ranking-boosted.csv")
	if code != exitOK || strings.Contains(out, "BJ-DEPR-ART49-SME  No harm") {
		t.Fatalf("%d\n%s", code, out)
	}
	for _, want := range []string{"not judged: 2 duties the export speaks to are out of scope", "BJ-DEPR-ART49-SME: applies in cn-bj; the platform's jurisdictions are cn",
		"EU-DMA-ART6-5-SELFPREF: applies in eu", "--jurisdiction (cn, cn-bj, eu)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, _, stderr := platscan(t, "check", "--input", "testdata/ranking-boosted.csv", "--jurisdiction", "cn-bj", "--jurisdiction", "eu", "--designation", "gatekeeper"); strings.Contains(stderr, "not judged") {
		t.Errorf("every ranking duty in scope, yet: %s", stderr)
	}
}

// Terms documents and a rule-change log are judged like the pages a scan
// reads: a merchant agreement's exclusivity clause and a three-day notice
// are findings; a fair agreement with 30 days' notice is none. A change
// log with a date that cannot be read is one line and exit 2.
func TestCheckTermsAndChangeLog(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	bad := write("merchant-agreement.txt", "商家入驻协议\n第三条 商家在合作期间不得在其他电子商务平台开设店铺或销售同款商品，违反本条的，本平台有权扣除全部保证金。\n")
	badLog := write("changes.csv", "published,effective,title\n2026-11-20,2026-11-23,关于调整商家保证金规则的公告\n")
	code, out, stderr := platscan(t, "check", "--input", bad, "--input", badLog, "--jurisdiction", "cn", "--format", "json")
	if code != exitFindings {
		t.Fatalf("violating terms: exit %d %s", code, stderr)
	}
	for _, want := range []string{"CN-ECL-ART35-NOUNREASON", "CN-ECL-ART34-NOTICE7", "3 days' notice", `"url": "file:changes.csv"`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in:\n%s", want, out)
		}
	}
	fair := write("merchant-agreement-fair.txt", "商家入驻协议\n第三条 本平台不要求商家独家经营，商家可以自由选择同时在其他平台开设店铺。\n第九条 本平台修改本协议的，将至少提前三十日公示并通知商家。\n")
	fairLog := write("changes-fair.csv", "published,effective,title\n2026-10-01,2026-11-01,关于调整商家保证金规则的公告\n")
	code, out, stderr = platscan(t, "check", "--input", fair, "--input", fairLog, "--jurisdiction", "cn", "--format", "json")
	if code != exitOK || strings.Contains(out, `"severity": "high"`) {
		t.Errorf("compliant terms: exit %d %s\n%s", code, stderr, out)
	}
	var rep struct {
		Coverage []struct{ Rule, Status, Reason string } `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Coverage {
		// The log gave 31 days' notice: the notice duty is checked and met.
		if c.Rule == "CN-ECL-ART34-NOTICE7" && c.Status != "pass" {
			t.Errorf("notice duty with a 31-day change log: %s (%s)", c.Status, c.Reason)
		}
	}
	wrong := write("changes-bad.csv", "published,effective,title\n2026-11-20,next monday,x\n")
	code, _, stderr = platscan(t, "check", "-q", "--input", wrong)
	if code != exitInput {
		t.Fatalf("bad change log: exit %d %s", code, stderr)
	}
	oneLine(t, stderr, `changes-bad.csv:2: effective: "next monday" is not a date`)
	gbk := write("gbk-terms.txt", "商家协议\n第一条 \xc9\xcc\xbc\xd2\n")
	if code, _, stderr = platscan(t, "check", "-q", "--input", gbk); code != exitInput {
		t.Fatalf("non-UTF-8 document: exit %d %s", code, stderr)
	}
	oneLine(t, stderr, "gbk-terms.txt:2: invalid UTF-8")
	os.Mkdir(filepath.Join(dir, "b"), 0o755)
	twin := filepath.Join(dir, "b", "merchant-agreement.txt")
	os.WriteFile(twin, []byte("协议\n"), 0o644)
	if code, _, stderr = platscan(t, "check", "-q", "--input", bad, "--input", twin); code != exitInput {
		t.Fatalf("two inputs of one name: exit %d %s", code, stderr)
	}
	oneLine(t, stderr, "two inputs named merchant-agreement.txt")
}
