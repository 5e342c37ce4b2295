package report

import (
	"fmt"
	"io"
	"strings"
)

// Markdown writes a report sized for a pull-request comment: summary,
// charts as small tables (comment renderers do not show inline SVG; the
// HTML report has the drawings), the findings grouped by obligation with
// citations and evidence, the coverage matrix, and the obligations that
// need a person. Long lists sit in collapsed <details> blocks.
type Markdown struct{}

// Write implements Writer.
func (Markdown) Write(w io.Writer, in *Input) error {
	v := newView(in)
	ew := &errWriter{w: w}
	rep := in.Report
	ew.printf("## %s\n\n", mdText(msg(v.lang, "title", rep.Platform)))
	for _, s := range v.stats() {
		ew.printf("- %s\n", mdText(s))
	}
	ew.printf("\n### %s\n\n", msg(v.lang, "findings"))
	groups := v.groups()
	if len(groups) == 0 {
		ew.printf("%s\n", msg(v.lang, "no_findings"))
	}
	for _, g := range groups {
		ew.printf("#### `%s` %s\n\n", g.Rule, mdText(v.title(g.Obligation)))
		var cites []string
		seen := map[string]bool{}
		for _, i := range g.Findings {
			for _, c := range v.findings[i].Citations {
				t := citation(c)
				if seen[t] {
					continue
				}
				seen[t] = true
				if u := webURL(c.URL); u != "" {
					cites = append(cites, fmt.Sprintf("[%s](%s)", mdText(t), u))
				} else {
					cites = append(cites, mdText(t))
				}
			}
		}
		ew.printf("%s: %s\n\n", msg(v.lang, "law"), strings.Join(cites, "; "))
		for _, i := range g.Findings {
			v.mdFinding(ew, v.findings[i])
		}
		ew.printf("\n")
	}
	v.mdCharts(ew)
	v.mdCoverage(ew)
	return ew.err
}

func (v *view) mdFinding(ew *errWriter, f findingView) {
	sev := strings.ToUpper(f.Severity)
	line := fmt.Sprintf("- **%s** %s", sev, mdText(v.summary(f)))
	switch {
	case f.Suppressed:
		line = fmt.Sprintf("- ~~%s~~ %s. %s", sev, mdText(v.summary(f)), mdText(msg(v.lang, "waived", f.Waiver.Expires, f.Waiver.Approver, f.Waiver.Reason)))
	case f.WaiverExpired:
		line += " **" + mdText(msg(v.lang, "waiver_expired", f.Waiver.Expires, f.Waiver.Approver, f.Waiver.Reason)) + "**"
	}
	switch f.Baseline {
	case BaselineNew:
		line += " _(" + msg(v.lang, "baseline_new") + ")_"
	case BaselineUnchanged:
		line += " _(" + msg(v.lang, "baseline_same") + ")_"
	}
	ew.printf("%s\n", line)
	var meta []string
	if f.Persona != "" {
		meta = append(meta, msg(v.lang, "persona")+": `"+f.Persona+"`")
	}
	if u := webURL(f.URL); u != "" {
		meta = append(meta, fmt.Sprintf("%s: <%s>", msg(v.lang, "page"), autolinkEscaper.Replace(u)))
	}
	meta = append(meta, msg(v.lang, "finding_id")+": `"+f.ID+"`")
	ev := make([]string, 0, 3)
	for i, id := range f.Evidence {
		if i == 3 {
			ev = append(ev, msg(v.lang, "more_evidence", len(f.Evidence)-3))
			break
		}
		ev = append(ev, "`"+shortID(id)+"`")
	}
	if len(ev) > 0 {
		meta = append(meta, msg(v.lang, "evidence")+": "+strings.Join(ev, " "))
	}
	ew.printf("  %s\n", strings.Join(meta, " · "))
	if f.Quote != "" {
		ew.printf("  > %s\n", mdText(truncate(f.Quote, 240)))
	}
}

func (v *view) mdCharts(ew *errWriter) {
	charts := []chart{v.priceChart(), v.rankChart(), v.severityChart()}
	ew.printf("<details><summary>%s</summary>\n\n", msg(v.lang, "charts"))
	for _, c := range charts {
		ew.printf("**%s**  \n%s\n\n", mdText(c.Title), mdText(c.Desc))
		if len(c.Table.Rows) > 0 {
			mdTable(ew, c.Table.Head, c.Table.Rows)
			ew.printf("\n")
		}
	}
	ew.printf("</details>\n\n")
}

func (v *view) mdCoverage(ew *errWriter) {
	m := v.matrix()
	ew.printf("<details><summary>%s: %s</summary>\n\n", msg(v.lang, "coverage"), mdText(msg(v.lang, "coverage_matrix")))
	head := append([]string{msg(v.lang, "family")}, m.Statuses...)
	head = append(head, msg(v.lang, "total"))
	var rows [][]string
	for _, r := range m.Rows {
		row := []string{r.Family}
		for _, n := range r.Counts {
			row = append(row, fmt.Sprint(n))
		}
		rows = append(rows, row)
	}
	total := []string{"**" + msg(v.lang, "total") + "**"}
	for _, n := range m.Totals {
		total = append(total, fmt.Sprint(n))
	}
	mdTable(ew, head, append(rows, total))
	ew.printf("\n")
	rows = rows[:0]
	for _, c := range v.coverage {
		rows = append(rows, []string{"`" + c.Rule + "`", v.statusLabel(c.Status), c.Reason})
	}
	mdTable(ew, []string{msg(v.lang, "obligation"), msg(v.lang, "status"), msg(v.lang, "reason")}, rows)
	ew.printf("\n</details>\n")
	if manual := v.manual(); len(manual) > 0 {
		ew.printf("\n<details><summary>%s (%d)</summary>\n\n%s\n\n", msg(v.lang, "manual"), len(manual), msg(v.lang, "manual_note"))
		for _, c := range manual {
			ew.printf("- `%s` %s\n", c.Rule, mdText(v.title(c.Obligation)))
		}
		ew.printf("\n</details>\n")
	}
}

func mdTable(ew *errWriter, head []string, rows [][]string) {
	cells := func(r []string) string {
		out := make([]string, len(r))
		for i, c := range r {
			out[i] = mdCell(c)
		}
		return "| " + strings.Join(out, " | ") + " |"
	}
	ew.printf("%s\n", cells(head))
	ew.printf("|%s\n", strings.Repeat(" --- |", len(head)))
	for _, r := range rows {
		ew.printf("%s\n", cells(r))
	}
}

// mdText escapes what Markdown or the HTML it allows would otherwise
// interpret in text from the platform (quotes, page text).
var mdEscaper = strings.NewReplacer("\\", "\\\\", "<", "&lt;", ">", "&gt;", "&", "&amp;", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "|", "\\|", "\n", " ", "\r", " ", "#", "\\#")

func mdText(s string) string { return mdEscaper.Replace(s) }

// autolinkEscaper keeps a URL from a platform inside its <…> autolink.
var autolinkEscaper = strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20")

// mdCell escapes a table cell, leaving code spans and emphasis the report
// itself wrote.
func mdCell(s string) string {
	if strings.HasPrefix(s, "`") || strings.HasPrefix(s, "**") {
		return strings.ReplaceAll(s, "|", "\\|")
	}
	return mdText(s)
}
