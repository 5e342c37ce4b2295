package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// rules show prints what a lawyer checks an entry against: the statute
// reference, the paraphrase, any condition and interpretation with its
// support apart from the paraphrase, and when and against what the entry
// was last checked.
func TestRulesShow(t *testing.T) {
	code, out, _ := platscan(t, "rules", "show", "CN-AML-ART22-1-3-REFUSAL")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	want := []string{
		"Statute:      Anti-Monopoly Law of the PRC (2022), Art. 22(1)(3)",
		"In force:     from 2022-08-01 (Decision of 24 June 2022",
		"Source:       https://www.npc.gov.cn/",
		"What the article says (platscan's paraphrase):\n  An undertaking with a dominant market position may not, without a legitimate reason, refuse to deal",
		"Condition:\n  Binds only an undertaking with a dominant position",
		"a finding is raised only when the policy establishes dominant_position",
		"Interpretation (platscan's reading, not the statute):\n  platscan reads refusing a competitor's client access to an interface",
		"Supported by:\n    - State Council Anti-Monopoly Commission, Anti-Monopoly Guidelines for the Platform Economy",
		"Checked:  2026-11-27, against Text as amended in 2022",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("rules show lacks %q:\n%s", w, out)
		}
	}
	// The paraphrase comes before, and apart from, the interpretation.
	if strings.Index(out, "What the article says") > strings.Index(out, "Interpretation (") {
		t.Errorf("interpretation printed before the paraphrase:\n%s", out)
	}

	_, out, _ = platscan(t, "rules", "show", "CN-ECL-ART19-TYING")
	if strings.Contains(out, "Interpretation") || strings.Contains(out, "Condition:") || !strings.Contains(out, "In force:     from 2019-01-01 (Art. 89)") {
		t.Errorf("an entry without interpretation or condition:\n%s", out)
	}

	_, out, _ = platscan(t, "rules", "show", "--json", "EU-DMA-ART6-5-SELFPREF")
	var o struct {
		URL            string `json:"url"`
		Checked        string `json:"checked"`
		CheckedAgainst string `json:"checked_against"`
		Condition      struct {
			Months int `json:"months_after_designation"`
		} `json:"condition"`
	}
	if err := json.Unmarshal([]byte(out), &o); err != nil || !strings.HasSuffix(o.URL, "#art_6") || o.Checked == "" || o.CheckedAgainst == "" || o.Condition.Months != 6 {
		t.Errorf("rules show --json: %v %+v\n%s", err, o, out)
	}
}
