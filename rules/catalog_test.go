package rules

import (
	"errors"
	"strings"
	"testing"

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
	good := "- id: CN-X-1\n  title: {en: a, zh: 甲}\n  instrument: {en: a, zh: 甲}\n  article: Art. 1\n  jurisdiction: cn\n  effective_from: 2020-01-01\n  url: u\n  summary: {en: a, zh: 甲}\n  evidence: e\n  family: rules\n  automated: false\n  severity: high\n"
	cases := map[string]struct{ in, want string }{
		"unknown field":   {good + "  colour: red\n", "bad.yaml:13:3: "},
		"bad family":      {strings.Replace(good, "family: rules", "family: fun", 1), "bad.yaml:10:11: [0].family: \"fun\" is not one of"},
		"missing zh":      {strings.Replace(good, "title: {en: a, zh: 甲}", "title: {en: a}", 1), "bad.yaml:2:10: [0].title: needs both"},
		"duplicate id":    {good + strings.Replace(good, "- id", "- id", 1), "bad.yaml:13:7: [1].id: duplicate id CN-X-1"},
		"unknown related": {good + "  related: [CN-NOPE]\n", "bad.yaml:13:13: [0].related[0]: unknown catalog id CN-NOPE"},
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
	if _, err := Parse("ok.yaml", []byte(good)); err != nil {
		t.Fatalf("good entry rejected: %v", err)
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
