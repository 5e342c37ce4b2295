package rules

import (
	"fmt"
	"strings"
)

// Markdown renders the catalog as the reference page docs/rules.md.
func (c *Catalog) Markdown() string {
	var b strings.Builder
	b.WriteString("# Obligation catalog\n\n")
	b.WriteString("Generated from `rules/catalog/*.yaml` by `go test ./rules -update`; do not edit by hand.\n")
	fmt.Fprintf(&b, "Catalog version %s; every run's manifest and every finding records the version it was judged with.\n\n", c.version)
	b.WriteString("Summaries are platscan's own paraphrases, not statute text, and say what the article says and no more. ")
	b.WriteString("Where platscan's policies read an article more specifically, the entry says so under *Interpretation*, with what supports the reading; ")
	b.WriteString("*Condition* states what must hold before the duty binds or a breach can be reported. ")
	b.WriteString("docs/rules-method.md explains how entries are checked. `platscan rules show ID` prints one entry in full.\n\n")
	b.WriteString("Automated: a built-in policy judges it today. The others are listed so that coverage reports say, for every duty, whether it was checked.\n\n")
	b.WriteString("| ID | Jurisdiction | Instrument | Article | Family | Automated | Title |\n|---|---|---|---|---|---|---|\n")
	for _, o := range c.list {
		auto := ""
		if o.Automated {
			auto = "yes"
		}
		if o.Advisory {
			auto += " (advisory)"
		}
		jur := o.Jurisdiction
		if o.Scope != "" {
			jur += " (" + o.Scope + ")"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s<br>%s |\n", o.ID, jur, o.Instrument.EN, o.Article, o.Family, strings.TrimSpace(auto), o.Title.EN, o.Title.ZH)
	}
	b.WriteString("\n## Entries\n")
	for _, o := range c.list {
		fmt.Fprintf(&b, "\n### %s\n\n**%s** · %s\n\n%s %s (%s). In force %s. Source: %s\n\n%s\n\n%s\n",
			o.ID, o.Title.EN, o.Title.ZH, o.Instrument.EN, o.Article, o.Instrument.ZH, o.InForce(), o.URL, o.Summary.EN, o.Summary.ZH)
		if cond := o.Condition; cond != nil {
			fmt.Fprintf(&b, "\nCondition: %s\n\n条件：%s\n", cond.Text.EN, cond.Text.ZH)
			if s := cond.Machine(o.Scope); s != "" {
				fmt.Fprintf(&b, "\nApplied by platscan: %s\n", s)
			}
		}
		if in := o.Interpretation; in != nil {
			fmt.Fprintf(&b, "\nInterpretation (platscan's reading, not the statute): %s\n\n解释（platscan 的理解，非法条本身）：%s\n\nSupport:\n", in.Text.EN, in.Text.ZH)
			for _, s := range in.Support {
				fmt.Fprintf(&b, "- %s\n", s.String())
			}
		}
		fmt.Fprintf(&b, "\nEvidence: %s\n", o.Evidence)
		if len(o.Related) > 0 {
			fmt.Fprintf(&b, "\nRelated: %s\n", strings.Join(o.Related, ", "))
		}
		fmt.Fprintf(&b, "\nChecked %s against: %s\n", o.Checked, o.CheckedAgainst)
	}
	return b.String()
}

// InForce says from (and until) when the article applies and which clause
// says so: "from 2019-01-01 (Art. 89)".
func (o Obligation) InForce() string {
	s := fmt.Sprintf("from %s (%s)", o.EffectiveFrom, o.EffectiveClause)
	if o.EffectiveUntil != "" {
		s += fmt.Sprintf(" until %s", o.EffectiveUntil)
	}
	return s
}

// Machine describes the parts of the condition platscan applies by itself.
func (c Condition) Machine(scope string) string {
	var parts []string
	if c.MonthsAfterDesignation > 0 {
		parts = append(parts, fmt.Sprintf("binds a platform designated %s from the day after %d months have run from the designation date in its profile", scope, c.MonthsAfterDesignation))
	}
	if len(c.Requires) > 0 {
		parts = append(parts, "a finding is raised only when the policy establishes "+strings.Join(c.Requires, ", ")+"; otherwise the obligation is reported unknown")
	}
	return strings.Join(parts, "; ")
}

// String renders a source as one line: title, address, note.
func (s Source) String() string {
	out := s.Title
	if s.URL != "" {
		out += " <" + s.URL + ">"
	}
	if s.Note != "" {
		out += " (" + s.Note + ")"
	}
	return out
}
