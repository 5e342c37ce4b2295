package rules

import (
	"errors"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/internal/golden"
	"github.com/platscan/platscan/internal/yamlfile"
)

func TestDefaultCatalog(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	// The issue names these as the minimum the catalog must hold.
	for _, id := range []string{
		"BJ-DEPR-ART49-RULES", "BJ-DEPR-ART49-NOHINDER", "BJ-DEPR-ART49-SME", "BJ-DEPR-ART49-CONSUMER", "BJ-DEPR-ART26-OPEN",
		"CN-AML-ART9", "CN-AML-ART22-1-6-DISCRIM", "CN-ECL-ART18-NONPERS", "CN-ECL-ART19-TYING", "CN-ECL-ART32-FAIRRULES",
		"CN-ECL-ART33-PUBLISH", "CN-ECL-ART34-NOTICE7", "CN-ECL-ART35-NOUNREASON", "CN-ECL-ART37-SELFOP", "CN-ECL-ART40-RANKING",
		"CN-AUCL-ART12", "CN-AUCL25-ART13", "CN-ALGO-ART16-NOTICE", "CN-ALGO-ART17-OPTOUT", "CN-ALGO-ART21-PRICE",
		"EU-DMA-ART5-3-PARITY", "EU-DMA-ART6-5-SELFPREF", "EU-P2B-ART3-TC", "EU-P2B-ART5-RANKING", "EU-P2B-ART7-DIFFTREAT",
		"EU-P2B-ART10-MFN", "EU-DSA-ART25-DARKPAT", "EU-DSA-ART27-RECSYS", "EU-DSA-ART38-NONPROFILING",
		"EU-DSA-ART27-3-SELECT", "CN-PIPL-ART45-COPY", "CN-PIPL-ART45-PORTABILITY",
	} {
		if _, ok := c.Lookup(id); !ok {
			t.Errorf("catalog lacks %s", id)
		}
	}
	o, _ := c.Lookup("BJ-DEPR-ART26-OPEN")
	if !o.Advisory || o.Severity != "info" {
		t.Errorf("Art. 26 must be advisory with severity info: %+v", o)
	}
	all := c.All()
	for i := 1; i < len(all); i++ {
		if all[i-1].ID >= all[i].ID {
			t.Fatalf("catalog not sorted at %s", all[i].ID)
		}
	}
	if c.Version() == "" || len(c.Digest()) != 64 {
		t.Errorf("catalog version %q, digest %q", c.Version(), c.Digest())
	}
}

func TestAppliesTo(t *testing.T) {
	bj := Obligation{Jurisdiction: "cn-bj"}
	cn := Obligation{Jurisdiction: "cn"}
	eu := Obligation{Jurisdiction: "eu"}
	for _, c := range []struct {
		o    Obligation
		js   []string
		want bool
	}{
		{bj, []string{"cn-bj"}, true}, {cn, []string{"cn-bj"}, true}, {bj, []string{"cn"}, false},
		{eu, []string{"cn-bj", "cn"}, false}, {eu, []string{"EU"}, true},
	} {
		if got := c.o.AppliesTo(c.js); got != c.want {
			t.Errorf("%s applies to %v = %v, want %v", c.o.Jurisdiction, c.js, got, c.want)
		}
	}
}

func TestParseErrorsNameFileLineField(t *testing.T) {
	good := "- id: CN-X-1\n  title: {en: a, zh: 甲}\n  instrument: {en: a, zh: 甲}\n  article: Art. 1\n  jurisdiction: cn\n  effective_from: 2020-01-01\n" +
		"  effective_clause: Art. 9\n  url: https://www.npc.gov.cn/x/law.html\n  summary: {en: a, zh: 甲}\n  evidence: e\n  family: rules\n  automated: false\n  severity: high\n" +
		"  checked: 2026-11-27\n  checked_against: the text\n"
	eu := strings.NewReplacer("jurisdiction: cn", "jurisdiction: eu", "Art. 1\n", "Art. 6(12)\n").Replace(good)
	cases := map[string]struct{ in, want string }{
		"unknown field":   {good + "  colour: red\n", "bad.yaml:16:3: "},
		"bad family":      {strings.Replace(good, "family: rules", "family: fun", 1), "bad.yaml:11:11: [0].family: \"fun\" is not one of"},
		"missing zh":      {strings.Replace(good, "title: {en: a, zh: 甲}", "title: {en: a}", 1), "bad.yaml:2:10: [0].title: needs both"},
		"duplicate id":    {good + good, "bad.yaml:16:7: [1].id: duplicate id CN-X-1"},
		"unknown related": {good + "  related: [CN-NOPE]\n", "bad.yaml:16:13: [0].related[0]: unknown catalog id CN-NOPE"},
		"home page":       {strings.Replace(good, "https://www.npc.gov.cn/x/law.html", "https://flk.npc.gov.cn/", 1), "bad.yaml:8:8: [0].url: \"https://flk.npc.gov.cn/\" is a home page"},
		"bare host":       {strings.Replace(good, "https://www.npc.gov.cn/x/law.html", "https://www.cac.gov.cn", 1), "bad.yaml:8:8: [0].url: \"https://www.cac.gov.cn\" is a home page"},
		"unofficial host": {strings.Replace(good, "www.npc.gov.cn", "laws.example.com", 1), "bad.yaml:8:8: [0].url: \"https://laws.example.com/x/law.html\" is not an official page"},
		"eu no anchor": {strings.Replace(eu, "https://www.npc.gov.cn/x/law.html", "http://data.europa.eu/eli/reg/2022/1925/oj", 1),
			"bad.yaml:8:8: [0].url: \"http://data.europa.eu/eli/reg/2022/1925/oj\": cite EU acts on eur-lex.europa.eu"},
		"eu wrong article": {strings.Replace(eu, "https://www.npc.gov.cn/x/law.html", "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32022R1925#art_5", 1),
			"bad.yaml:8:8: [0].url: \"https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32022R1925#art_5\" does not point at the article: end it with #art_6"},
		"no clause":       {strings.Replace(good, "  effective_clause: Art. 9\n", "", 1), "bad.yaml: [0].effective_clause: name the commencement clause"},
		"until before":    {good + "  effective_until: 2019-12-31\n", "bad.yaml:16:20: [0].effective_until: \"2019-12-31\" is not a YYYY-MM-DD date on or after effective_from"},
		"not checked":     {strings.Replace(good, "  checked: 2026-11-27\n", "", 1), "bad.yaml: [0].checked: \"\" is not a YYYY-MM-DD date"},
		"bad check date":  {strings.Replace(good, "checked: 2026-11-27", "checked: 2026-02-30", 1), "bad.yaml:14:12: [0].checked: \"2026-02-30\""},
		"checked against": {strings.Replace(good, "  checked_against: the text\n", "", 1), "bad.yaml: [0].checked_against: name the text"},
		"bad scope":       {good + "  scope: giant\n", "bad.yaml:16:10: [0].scope: \"giant\" is not one of"},
		"unsupported interpretation": {good + "  interpretation:\n    text: {en: a, zh: 甲}\n",
			"bad.yaml:17:9: [0].interpretation: an interpretation needs support"},
		"support without title": {good + "  interpretation:\n    text: {en: a, zh: 甲}\n    support:\n      - url: https://x.gov.cn/a\n",
			"bad.yaml:19:12: [0].interpretation.support[0]: a source needs a title"},
		"months without scope": {good + "  condition:\n    text: {en: a, zh: 甲}\n    months_after_designation: 6\n",
			"bad.yaml:18:31: [0].condition.months_after_designation: counts from a designation"},
		"bad fact": {good + "  condition:\n    text: {en: a, zh: 甲}\n    requires: [Dominance]\n",
			"bad.yaml:18:16: [0].condition.requires[0]: \"Dominance\" is not a fact name"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(c.in))
			var ye *yamlfile.Error
			if !errors.As(err, &ye) {
				t.Fatalf("want *yamlfile.Error, got %v", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %q, want prefix %q", err, c.want)
			}
		})
	}
	for name, in := range map[string]string{"cn": good, "eu": strings.Replace(eu, "https://www.npc.gov.cn/x/law.html", "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32022R1925#art_6", 1)} {
		if _, err := Parse("ok.yaml", []byte(in)); err != nil {
			t.Fatalf("good %s entry rejected: %v", name, err)
		}
	}
}

// docs/rules.md is generated from the catalog; this keeps it in step.
func TestMarkdownPage(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "../docs/rules.md", []byte(c.Markdown()))
}

// The catalog's version goes into every manifest and finding, so a change
// to the entries without a new version would let two different catalogs
// pass as one. testdata/catalog-version.txt pins the version to the digest
// of the YAML; -update refreshes it, but never for an unchanged version.
func TestCatalogVersionFollowsContent(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	const pinned = "testdata/catalog-version.txt"
	if b, err := os.ReadFile(pinned); err == nil {
		version, digest, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
		if digest != c.Digest() && version == c.Version() {
			t.Fatalf("the catalog changed but rules/catalog/VERSION still says %s: give it a new version, then run go test ./rules -update", version)
		}
	}
	golden.Compare(t, pinned, []byte(c.Version()+" "+c.Digest()+"\n"))
}

// Every entry cites the page that holds its article, never a home page:
// EU acts by their EUR-Lex address with the article's anchor, Chinese
// instruments by an official gov.cn page with a path.
func TestSourcesAreArticleLevel(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range c.All() {
		u, err := url.Parse(o.URL)
		if err != nil || u.Path == "" || u.Path == "/" {
			t.Errorf("%s cites %q, not a page holding the text", o.ID, o.URL)
			continue
		}
		if o.Jurisdiction == "eu" {
			if u.Host != "eur-lex.europa.eu" || !strings.Contains(u.RawQuery, "CELEX:") || u.Fragment != "art_"+articleNumber(o.Article) {
				t.Errorf("%s cites %q, not the EUR-Lex article %s", o.ID, o.URL, o.Article)
			}
		} else if !strings.HasSuffix(u.Host, ".gov.cn") {
			t.Errorf("%s cites %q, not an official gov.cn page", o.ID, o.URL)
		}
		for _, s := range o.Interpretation.sources() {
			if s.URL != "" && strings.TrimSuffix(s.URL, "/") == "https://"+hostOf(s.URL) {
				t.Errorf("%s: interpretation support cites a home page %q", o.ID, s.URL)
			}
		}
	}
}

func hostOf(s string) string {
	u, _ := url.Parse(s)
	return u.Host
}

func (i *Interpretation) sources() []Source {
	if i == nil {
		return nil
	}
	return i.Support
}

// Each instrument's entries take effective_from from its own commencement
// clause (or the amending act's).
func TestEffectiveDatesMatchCommencementClauses(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		prefix, from, clause, until string
	}{
		{"BJ-DEPR-", "2023-01-01", "Art. 58", ""},
		{"CN-ECL-", "2019-01-01", "Art. 89", ""},
		{"CN-AML-", "2022-08-01", "Decision of 24 June 2022", ""},
		{"CN-AUCL-ART12", "2018-01-01", "Art. 33 of the 2017 revision", "2025-10-14"},
		{"CN-AUCL25-", "2025-10-15", "Art. 41", ""},
		{"CN-ALGO-", "2022-03-01", "Art. 35", ""},
		{"CN-PIPL-", "2021-11-01", "Art. 74", ""},
		{"CN-CPL-", "2014-03-15", "Decision of 25 October 2013", ""},
		{"EU-DMA-", "2023-05-02", "Art. 54", ""},
		{"EU-DSA-", "2024-02-17", "Art. 93(2)", ""},
		{"EU-P2B-", "2020-07-12", "Art. 19(2)", ""},
		{"EU-UCTD-", "1995-01-01", "Art. 10(1)", ""},
	}
	seen := map[string]int{}
	for _, o := range c.All() {
		matched := false
		for _, w := range want {
			if !strings.HasPrefix(o.ID, w.prefix) {
				continue
			}
			matched = true
			seen[w.prefix]++
			if o.EffectiveFrom != w.from || !strings.HasPrefix(o.EffectiveClause, w.clause) || o.EffectiveUntil != w.until {
				t.Errorf("%s: in force %s (%s) until %q, want %s (%s...) until %q", o.ID, o.EffectiveFrom, o.EffectiveClause, o.EffectiveUntil, w.from, w.clause, w.until)
			}
		}
		if !matched {
			t.Errorf("%s: no commencement clause pinned for its instrument", o.ID)
		}
	}
	for _, w := range want {
		if seen[w.prefix] == 0 {
			t.Errorf("no entry for %s", w.prefix)
		}
	}
}

// The corrections the catalog audit asked for, one assertion each, so
// that none of the overstatements comes back.
func TestAuditCorrections(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	get := func(id string) Obligation {
		o, ok := c.Lookup(id)
		if !ok {
			t.Fatalf("no %s", id)
		}
		return o
	}
	says := func(o Obligation, what string, t2 Text, all ...string) {
		t.Helper()
		for _, s := range all {
			if !strings.Contains(t2.EN+"\n"+t2.ZH, s) {
				t.Errorf("%s %s lacks %q", o.ID, what, s)
			}
		}
	}
	never := func(o Obligation, what string, t2 Text, all ...string) {
		t.Helper()
		for _, s := range all {
			if strings.Contains(strings.ToLower(t2.EN+"\n"+t2.ZH), strings.ToLower(s)) {
				t.Errorf("%s %s says %q", o.ID, what, s)
			}
		}
	}
	interpreted := func(o Obligation, support string) {
		t.Helper()
		if o.Interpretation == nil {
			t.Fatalf("%s has no interpretation", o.ID)
		}
		for _, s := range o.Interpretation.Support {
			if strings.Contains(s.Title, support) {
				return
			}
		}
		t.Errorf("%s interpretation is not supported by %q", o.ID, support)
	}

	refusal := get("CN-AML-ART22-1-3-REFUSAL")
	never(refusal, "summary", refusal.Summary, "interface", "data", "接口", "数据")
	interpreted(refusal, "Anti-Monopoly Guidelines for the Platform Economy")
	says(refusal, "interpretation", refusal.Interpretation.Text, "interface")

	rulesDuty := get("BJ-DEPR-ART49-RULES")
	never(rulesDuty, "summary", rulesDuty.Summary, "find", "user", "merchant", "查阅", "公示")
	says(rulesDuty, "summary", rulesDuty.Summary, "管理制度和规则")
	interpreted(rulesDuty, "E-Commerce Law of the PRC, Arts. 33 and 34")

	sme := get("BJ-DEPR-ART49-SME")
	never(sme, "summary", sme.Summary, "exclusiv", "penalt", "self-pref", "独家", "处罚", "自营")
	interpreted(sme, "no self-preferencing")

	consumer := get("BJ-DEPR-ART49-CONSUMER")
	says(consumer, "summary", consumer.Summary, "unfair restrictions on what they may choose", "不公平的差别待遇", "不公平的限制")
	says(consumer, "title", consumer.Title, "no unfair restriction of their choice", "不公平的差别待遇和选择限制")

	for _, id := range []string{"BJ-DEPR-ART49-NOHINDER"} {
		o := get(id)
		says(o, "summary", o.Summary, "排除或者限制", "独立运行", "exclude or restrict", "independent operation")
		never(o, "summary", o.Summary, "妨碍", "排斥", "独立运营")
		says(o, "title", o.Title, "排除或者限制", "独立运行")
	}

	aucl25 := get("CN-AUCL25-ART13")
	says(aucl25, "summary", aucl25.Summary, "fake transactions, fake reviews or malicious returns", "虚假交易、虚假评价或者恶意退货")
	never(aucl25, "summary", aucl25.Summary, "against other merchants")

	aucl := get("CN-AUCL-ART12")
	says(aucl, "summary", aucl.Summary, "或者其他方式", "or in other ways")
	if aucl.EffectiveFrom != "2018-01-01" || aucl.EffectiveUntil == "" {
		t.Errorf("CN-AUCL-ART12 in force %s until %s", aucl.EffectiveFrom, aucl.EffectiveUntil)
	}

	dark := get("EU-DSA-ART25-DARKPAT")
	says(dark, "summary", dark.Summary, "2005/29/EC", "GDPR", "para. 2")
	requires(t, dark, "outside_ucpd_and_gdpr")

	recsys := get("EU-DSA-ART27-RECSYS")
	never(recsys, "summary", recsys.Summary, "functionality", "directly", "reachable")
	sel := get("EU-DSA-ART27-3-SELECT")
	says(sel, "summary", sel.Summary, "Where several options are available")
	requires(t, sel, "several_recommender_options")

	uctd := get("EU-UCTD-ART3-UNFAIR")
	says(uctd, "summary", uctd.Summary, "not binding", "Art. 6(1)", "national law")
	never(uctd, "summary", uctd.Summary, "forbidden", "may not use", "不得使用")
	never(uctd, "title", uctd.Title, "No unfair")

	optout := get("CN-ALGO-ART17-OPTOUT")
	says(optout, "title", optout.Title, " or an easy way", "或便捷")
	never(optout, "title", optout.Title, "and an easy")
	says(optout, "summary", optout.Summary, ", or a convenient option", "或者便捷")

	port := get("CN-PIPL-ART45-PORTABILITY")
	says(port, "title", port.Title, "where the conditions set by the national cyberspace authority are met", "符合国家网信部门规定条件")
	requires(t, port, "transfer_conditions_met")
	if port.Article != "Art. 45(3)" {
		t.Errorf("PIPL portability cites %s", port.Article)
	}

	for _, o := range c.All() {
		switch {
		case strings.HasPrefix(o.ID, "EU-DMA-"):
			if o.Scope != Gatekeeper || o.Condition == nil || o.Condition.MonthsAfterDesignation != 6 {
				t.Errorf("%s does not bind six months after designation: %+v", o.ID, o.Condition)
			}
		case o.Scope == VLOP:
			if o.Condition == nil || o.Condition.MonthsAfterDesignation != 4 {
				t.Errorf("%s does not bind four months after designation: %+v", o.ID, o.Condition)
			}
		case strings.HasPrefix(o.ID, "CN-AML-ART22"):
			requires(t, o, "dominant_position")
		}
	}
}

func requires(t *testing.T, o Obligation, fact string) {
	t.Helper()
	if !slices.Contains(o.Requires(), fact) {
		t.Errorf("%s does not require %s before a finding: %v", o.ID, fact, o.Requires())
	}
}

func TestAddMonths(t *testing.T) {
	for _, c := range []struct{ from, want string }{
		{"2023-09-06", "2024-03-06"}, {"2023-08-31", "2024-02-29"}, {"2024-08-31", "2025-02-28"}, {"2023-04-25", "2023-10-25"},
	} {
		from, _ := time.Parse(time.DateOnly, c.from)
		if got := AddMonths(from, 6).Format(time.DateOnly); got != c.want {
			t.Errorf("%s + 6 months = %s, want %s", c.from, got, c.want)
		}
	}
}

func TestAtDates(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(9 * time.Hour)
	}
	gk := func(ds ...Designation) Platform { return Platform{Jurisdictions: []string{"eu"}, Designations: ds} }
	cases := []struct {
		name, id string
		p        Platform
		at       time.Time
		applies  bool
		reason   string
	}{
		{"not designated", "EU-DMA-ART6-5-SELFPREF", gk(), day("2026-01-01"), false, "designated gatekeeper"},
		{"day before", "EU-DMA-ART6-5-SELFPREF", gk(Designation{Kind: Gatekeeper, Service: "Marketplace", Date: "2023-09-06"}), day("2024-03-06"), false, "binds the platform from 2024-03-07, 6 months after Marketplace's designation on 2023-09-06; the run started 2024-03-06"},
		{"six months on", "EU-DMA-ART6-5-SELFPREF", gk(Designation{Kind: Gatekeeper, Date: "2023-09-06"}), day("2024-03-07"), true, ""},
		{"earliest service counts", "EU-DMA-ART6-5-SELFPREF", gk(Designation{Kind: Gatekeeper, Date: "2025-05-01"}, Designation{Kind: Gatekeeper, Date: "2023-09-06"}), day("2024-06-01"), true, ""},
		{"vlop designation does not make a gatekeeper", "EU-DMA-ART6-5-SELFPREF", gk(Designation{Kind: VLOP, Date: "2023-04-25"}), day("2026-01-01"), false, "designated gatekeeper"},
		{"undated designation", "EU-DMA-ART6-5-SELFPREF", gk(Designation{Kind: Gatekeeper}), day("2026-01-01"), true, ""},
		{"vlop before its date", "EU-DSA-ART38-NONPROFILING", gk(Designation{Kind: VLOP, Date: "2023-04-25"}), day("2023-08-25"), false, "from 2023-08-26"},
		{"vlop bound before 17 Feb 2024 (Art. 92)", "EU-DSA-ART38-NONPROFILING", gk(Designation{Kind: VLOP, Date: "2023-04-25"}), day("2023-08-26"), true, ""},
		{"general DSA duty before application", "EU-DSA-ART27-RECSYS", gk(), day("2024-02-16"), false, "in force from 2024-02-17 (Art. 93(2)"},
		{"old AUCL text on its last day", "CN-AUCL-ART12", Platform{Jurisdictions: []string{"cn"}}, day("2025-10-14"), true, ""},
		{"old AUCL text replaced", "CN-AUCL-ART12", Platform{Jurisdictions: []string{"cn"}}, day("2025-10-15"), false, "applied until 2025-10-14"},
		{"new AUCL text before force", "CN-AUCL25-ART13", Platform{Jurisdictions: []string{"cn-bj"}}, day("2025-10-14"), false, "in force from 2025-10-15 (Art. 41)"},
		{"run time unknown", "CN-AUCL25-ART13", Platform{Jurisdictions: []string{"cn"}}, time.Time{}, true, ""},
		{"wrong jurisdiction", "CN-AUCL25-ART13", Platform{Jurisdictions: []string{"eu"}}, day("2026-01-01"), false, "applies in cn"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, _ := c.Lookup(tc.id)
			a := o.At(tc.p, tc.at)
			if a.Applies != tc.applies || !strings.Contains(a.Reason, tc.reason) {
				t.Fatalf("%s at %s: %+v, want applies=%v reason containing %q", tc.id, tc.at, a, tc.applies, tc.reason)
			}
		})
	}
	o, _ := c.Lookup("EU-DMA-ART6-5-SELFPREF")
	if a := o.At(gk(Designation{Kind: Gatekeeper}), day("2026-01-01")); !strings.Contains(a.Note, "no date") {
		t.Errorf("an undated designation should be noted: %+v", a)
	}
}
