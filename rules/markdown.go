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
	b.WriteString("Summaries are platscan's own paraphrases, not statute text. `platscan rules show ID` prints one entry in full.\n\n")
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
		fmt.Fprintf(&b, "\n### %s\n\n**%s** · %s\n\n%s %s (%s), in force from %s. Source: %s\n\n%s\n\n%s\n\nEvidence: %s\n",
			o.ID, o.Title.EN, o.Title.ZH, o.Instrument.EN, o.Article, o.Instrument.ZH, o.EffectiveFrom, o.URL, o.Summary.EN, o.Summary.ZH, o.Evidence)
		if len(o.Related) > 0 {
			fmt.Fprintf(&b, "\nRelated: %s\n", strings.Join(o.Related, ", "))
		}
	}
	return b.String()
}
