package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platscan/platscan/probes/terms"
)

func TestPlainWithMapMatchesTheProbe(t *testing.T) {
	for _, body := range []string{
		"",
		"one line",
		"  Title  \n\n  First   sentence. Second\tone.\r\n\n\nLast line  ",
		"第一条  总则\n 商家不得 在其他平台开店。\n",
		"\n\n a \n b\n",
	} {
		got, m := plainWithMap(body)
		if want := terms.PlainText(body); got != want {
			t.Errorf("plainWithMap(%q) = %q, terms.PlainText = %q", body, got, want)
		}
		if len(m) != len(body)+1 || m[len(body)] != len(got) {
			t.Errorf("%q: map of length %d ending at %d", body, len(m), m[len(m)-1])
		}
		for i := range len(body) {
			if c := body[i]; c != ' ' && c != '\n' && c != '\t' && c != '\r' && got[m[i]] != c {
				t.Errorf("%q: byte %d (%q) maps to %q", body, i, c, got[m[i]])
			}
		}
	}
}

func TestUntagNestedAndLevels(t *testing.T) {
	raw := "Intro. <use2><pinc2>By using the site you accept these Terms and our Privacy Policy.</pinc2></use2> <j1>Courts of your home town.</j1> <countryM>x</countryM> <a>"
	text, spans, err := untag(raw, SchemeClaudette)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "<use2>") || !strings.Contains(text, "<countryM>") || !strings.Contains(text, "<a>") {
		t.Errorf("only scheme tags are removed: %q", text)
	}
	got := map[string]int{}
	for _, s := range spans {
		got[s.category] = s.level
		if s.category == "contract_by_using" && text[s.start:s.end] != "By using the site you accept these Terms and our Privacy Policy." {
			t.Errorf("span selects %q", text[s.start:s.end])
		}
	}
	if got["contract_by_using"] != 2 || got["privacy_included"] != 2 || got["jurisdiction"] != 1 {
		t.Errorf("spans %+v", spans)
	}
	if _, _, err := untag("<ch2>open", SchemeClaudette); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("unclosed tag: %v", err)
	}
	if _, _, err := untag("a\n</ter3>", SchemeClaudette); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("stray closing tag: %v", err)
	}
	mt, ms, err := untag("<exclusivity>乙方不得在其他平台开店。</exclusivity><ltd2>x</ltd2>", SchemeMerchant)
	if err != nil || len(ms) != 1 || ms[0].category != "exclusivity" || !strings.Contains(mt, "<ltd2>") {
		t.Errorf("merchant scheme: %q %+v %v", mt, ms, err)
	}
}

func TestTaggedDocLabelsSentencesByOverlap(t *testing.T) {
	dir := t.TempDir()
	doc := "Terms\n\nWelcome. <ter3>We may close your account at any time. We need not say why.</ter3> You may leave.\n<ltd1>We are liable as the law provides.</ltd1>\n"
	if err := os.WriteFile(filepath.Join(dir, "x.xml"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := loadTaggedDir(dir, SchemeClaudette, "en", ".xml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"Terms": 0, "Welcome.": 0, "We may close your account at any time.": 3, "We need not say why.": 3,
		"You may leave.": 0, "We are liable as the law provides.": 0,
	}
	if len(docs[0].Examples) != len(want) {
		t.Fatalf("sentences %+v", docs[0].Examples)
	}
	for _, e := range docs[0].Examples {
		lvl, ok := want[e.Text]
		if !ok {
			t.Errorf("unexpected sentence %q", e.Text)
			continue
		}
		if e.Labels["unilateral_termination"] != lvl || (lvl == 0 && len(e.Labels) != 0) {
			t.Errorf("%q: labels %v, want ter level %d", e.Text, e.Labels, lvl)
		}
		if e.Group != "x" || e.Side != terms.Consumer {
			t.Errorf("%q: group %q side %q", e.Text, e.Group, e.Side)
		}
	}
}

func TestLoadClausesErrorsNameLineAndField(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ body, want string }{
		{`{"id":"a","lang":"fr","text":"x","labels":[]}`, "bad.jsonl:1: lang"},
		{"\n" + `{"id":"a","lang":"en","text":"x","labels":["nonsense"]}`, "bad.jsonl:2: labels[0]: unknown category"},
		{`{"id":"a","lang":"en","text":"x","labels":[]}` + "\n" + `{"id":"a","lang":"en","text":"y","labels":[]}`, `bad.jsonl:2: id: "a" already used on line 1`},
		{`{"id":"a","lang":"en","text":"","labels":[]}`, "bad.jsonl:1: text: empty"},
		{`{"id":"a","lang":"en","text":"x","labels":[{"category":"ch","level":7}]}`, "level 7"},
		{`{"id":"a","lang":"en","txt":"x"}`, "bad.jsonl:1:"},
	} {
		p := filepath.Join(dir, "bad.jsonl")
		os.WriteFile(p, []byte(tc.body), 0o644)
		_, err := loadClauses(p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.body, err, tc.want)
		}
	}
	p := filepath.Join(dir, "ok.jsonl")
	os.WriteFile(p, []byte(`{"id":"1","lang":"zh","side":"merchant","text":"平台可随时修改规则。","labels":[{"category":"unilateral_change","level":2}],"note":""}`+"\n"+
		`{"id":"2","lang":"en","text":"We may change prices.","labels":["unilateral_change_m","price_parity"]}`+"\n"+
		`{"id":"3","lang":"en","text":"By using this you agree.","labels":["use"]}`), 0o644)
	ex, err := loadClauses(p)
	if err != nil {
		t.Fatal(err)
	}
	if ex[0].Labels["unilateral_change_m"] != 2 || ex[1].Labels["price_parity"] != 2 || ex[2].Labels["contract_by_using"] != 2 || ex[2].Side != terms.Consumer {
		t.Errorf("labels %+v", ex)
	}
}

func TestTargetCrossesSidesOnlyWhereTheLabelSaysSo(t *testing.T) {
	cat := func(n string) terms.Category { c, _ := terms.LookupCategory(n); return c }
	for _, tc := range []struct {
		e         Example
		cat       string
		pos, used bool
	}{
		{Example{Side: terms.Merchant, Labels: map[string]int{"unilateral_change_m": 2}}, "unilateral_change", true, true},
		{Example{Side: terms.Merchant, Labels: map[string]int{}}, "unilateral_change", false, true},
		{Example{Side: terms.Merchant, Labels: map[string]int{}}, "arbitration", false, true},
		{Example{Side: terms.Consumer, Labels: map[string]int{"unilateral_termination": 3}}, "suspension", true, true},
		{Example{Side: terms.Consumer, Labels: map[string]int{"unilateral_termination": 2}}, "suspension", false, false},
		{Example{Side: terms.Consumer, Labels: map[string]int{}}, "suspension", false, true},
		{Example{Side: terms.Consumer, Labels: map[string]int{"unilateral_change": 2}}, "unilateral_change", true, true},
	} {
		pos, used := target(tc.e, cat(tc.cat))
		if pos != tc.pos || used != tc.used {
			t.Errorf("%+v for %s: pos %v used %v, want %v %v", tc.e, tc.cat, pos, used, tc.pos, tc.used)
		}
	}
}

func TestBootstrapIsSeededAndBracketsTheEstimate(t *testing.T) {
	var rows []Scored
	for i := range 40 {
		truth := map[string]int{}
		if i%2 == 0 {
			truth["exclusivity"] = 2
		}
		rows = append(rows, Scored{Group: string(rune('a' + i%10)), Set: "merchant en", Truth: truth, Pred: map[string]bool{"exclusivity": i%4 == 0 || i%5 == 1}})
	}
	stat := func(x []Scored) float64 { return tally(x, "exclusivity").f1() }
	a := bootstrap(rows, 500, 7, stat)
	b := bootstrap(rows, 500, 7, stat)
	if a != b {
		t.Errorf("same seed, different intervals: %v %v", a, b)
	}
	if f := stat(rows); f < a.lo || f > a.hi || a.lo == a.hi {
		t.Errorf("F1 %.2f outside or degenerate interval %v", f, a)
	}
}
