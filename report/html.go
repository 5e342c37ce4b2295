package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/platscan/platscan/internal/plural"
	"github.com/platscan/platscan/policies"
)

// HTML writes one self-contained page: summary, charts (inline SVG, each
// with a title, a description and its data as a table), the coverage
// matrix, the findings grouped by obligation with citations and evidence,
// and the obligations that need a person. It loads nothing: no scripts,
// fonts, images or styles from anywhere, and its Content-Security-Policy
// forbids the browser to fetch any, so it opens offline and leaks nothing
// about who reads it.
type HTML struct{}

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"f": func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) },
}).Parse(htmlSource))

// htmlPage is everything the template shows, already in the report's
// language.
type htmlPage struct {
	Lang, HTMLLang string
	Title          string
	Generated      string
	Stats          []string
	Charts         []chart
	Matrix         matrix
	Coverage       []htmlCoverage
	Groups         []htmlGroup
	Manual         []htmlCoverage
	T              map[string]string
}

type matrix struct {
	Statuses []string // column labels
	Keys     []string // status keys, for classes
	Rows     []matrixRow
	Totals   []int
}

type matrixRow struct {
	Family string
	Counts []int
}

type htmlCoverage struct {
	Rule, Title, Status, StatusLabel, Reason string
	Anchor                                   string // "#rule-…" when the obligation has findings
	Advisory                                 bool
}

type htmlGroup struct {
	Rule, Anchor, Title, OtherTitle string
	Severity                        string
	Citations                       []htmlCitation
	Findings                        []htmlFinding
}

type htmlCitation struct {
	Text, URL string
}

type htmlFinding struct {
	ID, Anchor, Severity, SeverityLabel string
	Persona, Summary, Quote, URL        string
	State                               string // a sentence about waiver or expiry
	StateClass                          string
	Baseline                            string
	Evidence                            []htmlEvidence
	MoreEvidence                        string
	Effects                             *dataTable
}

type htmlEvidence struct {
	ID, Short, Label, URL string
}

// Write implements Writer.
func (HTML) Write(w io.Writer, in *Input) error {
	v := newView(in)
	page := v.htmlPage()
	return htmlTemplate.Execute(w, page)
}

func (v *view) htmlPage() htmlPage {
	rep := v.rep
	p := htmlPage{Lang: v.lang, HTMLLang: "en", Title: msg(v.lang, "title", rep.Platform), T: map[string]string{}}
	if v.lang == "zh" {
		p.HTMLLang = "zh-CN"
	}
	for k := range messages {
		p.T[k] = msg(v.lang, k)
	}
	p.Generated = msg(v.lang, "generated", nonEmpty(rep.Tool.Name, "platscan"), rep.Tool.Version, "findings.json")
	p.Stats = v.stats()
	p.Charts = []chart{v.priceChart(), v.rankChart(), v.severityChart()}
	p.Matrix = v.matrix()
	for _, c := range v.coverage {
		hc := v.htmlCoverage(c)
		p.Coverage = append(p.Coverage, hc)
		if c.Manual {
			p.Manual = append(p.Manual, hc)
		}
	}
	for _, g := range v.groups() {
		p.Groups = append(p.Groups, v.htmlGroup(g))
	}
	return p
}

// stats are the summary lines shared by HTML and Markdown.
func (v *view) stats() []string {
	s := v.rep.Summary
	out := []string{
		msg(v.lang, "findings_count", len(v.findings)) + " (" + msg(v.lang, "by_severity", s.High, s.Medium, s.Low, s.Info) + ")",
		msg(v.lang, "checked", v.checked()),
		msg(v.lang, "records", s.Records),
	}
	if v.lang == "en" {
		out[0] = plural.Of(len(v.findings), "finding") + " (" + msg(v.lang, "by_severity", s.High, s.Medium, s.Low, s.Info) + ")"
		out[1] = plural.Words(v.checked(), "obligation checked", "obligations checked")
		out[2] = plural.Of(s.Records, "evidence record")
	}
	suppressed, expired, newer, unchanged := v.tally()
	if len(v.in.Waivers) > 0 {
		out = append(out, msg(v.lang, "waivers", suppressed, expired))
	}
	if v.in.Baseline != nil {
		out = append(out, msg(v.lang, "baseline", newer, unchanged))
	}
	return out
}

func (v *view) statusLabel(st string) string {
	switch st {
	case policies.StatusFail:
		return msg(v.lang, "status_fail")
	case policies.StatusPass:
		return msg(v.lang, "status_pass")
	case policies.StatusUnknown:
		return msg(v.lang, "status_unknown")
	case policies.StatusNotApplicable:
		return msg(v.lang, "status_na")
	}
	return strings.ReplaceAll(st, "_", " ")
}

// matrix counts obligations by family (rows) and status (columns).
func (v *view) matrix() matrix {
	order, _ := v.statusCounts()
	m := matrix{Keys: order, Totals: make([]int, len(order)+1)}
	for _, st := range order {
		m.Statuses = append(m.Statuses, v.statusLabel(st))
	}
	at := map[string]int{}
	for _, c := range v.coverage {
		fam := nonEmpty(c.Obligation.Family, "other")
		i, ok := at[fam]
		if !ok {
			i = len(m.Rows)
			at[fam] = i
			m.Rows = append(m.Rows, matrixRow{Family: fam, Counts: make([]int, len(order)+1)})
		}
		for j, st := range order {
			if st == c.Status {
				m.Rows[i].Counts[j]++
				m.Totals[j]++
			}
		}
		m.Rows[i].Counts[len(order)]++
		m.Totals[len(order)]++
	}
	slices.SortStableFunc(m.Rows, func(a, b matrixRow) int { return familyRank(a.Family) - familyRank(b.Family) })
	return m
}

func (v *view) htmlCoverage(c coverageView) htmlCoverage {
	hc := htmlCoverage{Rule: c.Rule, Title: v.title(c.Obligation), Status: c.Status, StatusLabel: v.statusLabel(c.Status), Reason: c.Reason, Advisory: c.Obligation.Advisory}
	for _, i := range c.Findings {
		if v.findings[i].Rule == c.Rule {
			hc.Anchor = "#rule-" + c.Rule
			break
		}
	}
	return hc
}

func (v *view) htmlGroup(g group) htmlGroup {
	o := g.Obligation
	other := o.Title.ZH
	if v.lang == "zh" {
		other = o.Title.EN
	}
	hg := htmlGroup{Rule: g.Rule, Anchor: "rule-" + g.Rule, Title: v.title(o), OtherTitle: other, Severity: v.maxSeverity(g.Findings)}
	seen := map[string]bool{}
	for _, i := range g.Findings {
		for _, c := range v.findings[i].Citations {
			text := citation(c)
			if v.lang == "zh" && c.InstrumentZH != "" {
				text = fmt.Sprintf("%s %s [%s]", c.InstrumentZH, c.Article, c.Jurisdiction)
			}
			if !seen[text] {
				seen[text] = true
				hg.Citations = append(hg.Citations, htmlCitation{Text: text, URL: webURL(c.URL)})
			}
		}
		hg.Findings = append(hg.Findings, v.htmlFinding(v.findings[i]))
	}
	return hg
}

// evidenceShown is how many evidence records a finding lists before
// "n more".
const evidenceShown = 8

func (v *view) htmlFinding(f findingView) htmlFinding {
	hf := htmlFinding{ID: f.ID, Anchor: "finding-" + f.ID, Severity: f.Severity, SeverityLabel: msg(v.lang, "sev_"+nonEmpty(f.Severity, "info")),
		Persona: f.Persona, Summary: v.summary(f), Quote: f.Quote, URL: webURL(f.URL)}
	if _, ok := messages["sev_"+f.Severity]; !ok {
		hf.SeverityLabel = f.Severity
	}
	switch {
	case f.Suppressed:
		hf.State, hf.StateClass = msg(v.lang, "waived", f.Waiver.Expires, f.Waiver.Approver, f.Waiver.Reason)+" ("+f.Waiver.Where()+")", "waived"
	case f.WaiverExpired:
		hf.State, hf.StateClass = msg(v.lang, "waiver_expired", f.Waiver.Expires, f.Waiver.Approver, f.Waiver.Reason)+" ("+f.Waiver.Where()+")", "expired"
	}
	switch f.Baseline {
	case BaselineNew:
		hf.Baseline = msg(v.lang, "baseline_new")
	case BaselineUnchanged:
		hf.Baseline = msg(v.lang, "baseline_same")
	}
	for i, id := range f.Evidence {
		if i == evidenceShown {
			hf.MoreEvidence = msg(v.lang, "more_evidence", len(f.Evidence)-evidenceShown)
			break
		}
		e := htmlEvidence{ID: id, Short: shortID(id)}
		if ref, ok := v.records[id]; ok {
			e.Label = strings.TrimSpace(strings.Join([]string{ref.Kind, ref.Persona, ref.URL}, " "))
			e.URL = webURL(ref.URL)
		}
		hf.Evidence = append(hf.Evidence, e)
	}
	hf.Effects = effectsTable(f.Finding)
	return hf
}

// effectsTable is the per-product table a pricing finding carries.
func effectsTable(f policies.Finding) *dataTable {
	rows, ok := f.Metrics["products"].([]any)
	if !ok || len(rows) == 0 {
		return nil
	}
	persona, _ := f.Metrics["persona"].(string)
	ref, _ := f.Metrics["reference"].(string)
	t := &dataTable{Head: []string{"item", persona, ref, "difference", "95% CI"}}
	for _, r := range rows {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		pm, _ := number(m["persona_median"])
		rm, _ := number(m["reference_median"])
		e, _ := number(m["effect_pct"])
		lo, _ := number(m["ci_low"])
		hi, _ := number(m["ci_high"])
		t.Rows = append(t.Rows, []string{fmt.Sprint(m["product"]), strconv.FormatFloat(pm, 'f', 2, 64), strconv.FormatFloat(rm, 'f', 2, 64),
			fmtSigned(e, 1) + "%", fmt.Sprintf("%s to %s", fmtNum(lo, 1), fmtNum(hi, 1))})
	}
	return t
}

// webURL returns u when it is an http(s) link a reader can follow, "" for
// anything else (file: imports, empty).
func webURL(u string) string {
	if strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return u
	}
	return ""
}
