package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/rules"
)

// view is the Input digested once for the formats that present it: each
// finding with its state, each coverage line with its obligation and the
// findings that bear on it, and an index of the evidence records.
type view struct {
	in       *Input
	rep      *policies.Report
	lang     string
	findings []findingView
	coverage []coverageView
	records  map[string]recordRef
	// probes lists the probes that left records; nil when no records were
	// given (then nothing is known about which probes ran).
	probes []string
}

type findingView struct {
	policies.Finding
	State
	URL string // the page the finding is about, when known
}

type coverageView struct {
	policies.Coverage
	Obligation rules.Obligation
	Known      bool // the obligation is in the catalog
	// Findings are the indices (into view.findings) of the findings that
	// cite this obligation: its own first, then those citing it as related.
	Findings []int
	// Manual is true for an obligation no policy checks: a person has to.
	Manual bool
}

// recordRef is what a report shows of an evidence record.
type recordRef struct {
	Line    int // in records.jsonl
	Kind    string
	Probe   string
	Persona string
	URL     string
}

// familyProbe names the probe whose measurements an obligation family's
// policies need, to tell "the probe did not run" from other reasons.
var familyProbe = map[string]string{
	"pricing": "pricing", "ranking": "ranking", "interop": "interop",
	"terms": "terms", "rules": "terms", "interface": "terms",
}

func newView(in *Input) *view {
	v := &view{in: in, rep: in.Report, lang: in.Lang, records: map[string]recordRef{}}
	if v.lang != "zh" {
		v.lang = "en"
	}
	probes := map[string]bool{}
	for i, r := range in.Records {
		v.records[r.ID] = recordRef{Line: i + 1, Kind: string(r.Kind), Probe: r.Probe, Persona: r.Persona, URL: r.URL}
		// A probe ran when it measured something; exchanges alone (robots.txt,
		// a page fetched for another probe) do not count.
		if r.Probe != "" && (r.Kind == evidence.KindMeasurement || r.Kind == evidence.KindImport) {
			probes[r.Probe] = true
		}
	}
	if len(in.Records) > 0 {
		v.probes = []string{}
		for p := range probes {
			v.probes = append(v.probes, p)
		}
		slices.Sort(v.probes)
	}
	for _, f := range v.rep.Findings {
		fv := findingView{Finding: f, State: in.State(f), URL: findingURL(f)}
		if fv.URL == "" {
			for _, id := range f.Evidence {
				if u := v.records[id].URL; u != "" {
					fv.URL = u
					break
				}
			}
		}
		v.findings = append(v.findings, fv)
	}
	for _, c := range v.rep.Coverage {
		cv := coverageView{Coverage: c}
		if in.Catalog != nil {
			cv.Obligation, cv.Known = in.Catalog.Lookup(c.Rule)
		}
		for i, f := range v.findings {
			if f.Rule == c.Rule {
				cv.Findings = append(cv.Findings, i)
			}
		}
		for i, f := range v.findings {
			if f.Rule != c.Rule && slices.ContainsFunc(f.Citations, func(ct rules.Citation) bool { return ct.Rule == c.Rule }) {
				cv.Findings = append(cv.Findings, i)
			}
		}
		if !cv.Known {
			cv.Obligation = v.obligationFromFindings(c.Rule)
		}
		cv.Manual = c.Status == policies.StatusUnknown && ((cv.Known && !cv.Obligation.Automated) ||
			strings.HasPrefix(c.Reason, "not checked automatically") || strings.HasPrefix(c.Reason, "advisory"))
		if c.Status == policies.StatusUnknown && !cv.Manual && v.probes != nil {
			if p := familyProbe[cv.Obligation.Family]; p != "" && !slices.Contains(v.probes, p) {
				cv.Reason = fmt.Sprintf("not checked: the %s probe did not run (probes run: %s)", p, strings.Join(v.probes, ", "))
			}
		}
		v.coverage = append(v.coverage, cv)
	}
	return v
}

// obligationFromFindings makes do without a catalog: the titles and
// citation a finding of that rule carries.
func (v *view) obligationFromFindings(id string) rules.Obligation {
	o := rules.Obligation{ID: id}
	for _, f := range v.findings {
		if f.Rule != id {
			continue
		}
		o.Title = rules.Text{EN: f.Title, ZH: f.TitleZH}
		o.Family, o.Severity, o.Automated = f.Family, f.Severity, true
		if len(f.Citations) > 0 {
			c := f.Citations[0]
			o.Instrument = rules.Text{EN: c.Instrument, ZH: c.InstrumentZH}
			o.Article, o.Jurisdiction, o.URL = c.Article, c.Jurisdiction, c.URL
		}
		break
	}
	return o
}

// checked counts the obligations a policy judged in this run.
func (v *view) checked() int {
	n := 0
	for _, c := range v.coverage {
		if c.Status == policies.StatusPass || c.Status == policies.StatusFail {
			n++
		}
	}
	return n
}

// statusOrder lists coverage statuses in the order reports show them;
// statuses a newer policy engine adds come after, in the order met.
func (v *view) statusCounts() (order []string, counts map[string]int) {
	order = []string{policies.StatusFail, policies.StatusPass, policies.StatusUnknown, policies.StatusNotApplicable}
	counts = map[string]int{}
	for _, c := range v.coverage {
		if counts[c.Status] == 0 && !slices.Contains(order, c.Status) {
			order = append(order, c.Status)
		}
		counts[c.Status]++
	}
	return order, counts
}

// manual lists the obligations that need a person.
func (v *view) manual() []coverageView {
	var out []coverageView
	for _, c := range v.coverage {
		if c.Manual {
			out = append(out, c)
		}
	}
	return out
}

// waived and counting tally the findings by state.
func (v *view) tally() (suppressed, expired, newer, unchanged int) {
	for _, f := range v.findings {
		switch {
		case f.Suppressed:
			suppressed++
		case f.WaiverExpired:
			expired++
		}
		switch f.Baseline {
		case BaselineNew:
			newer++
		case BaselineUnchanged:
			unchanged++
		}
	}
	return
}

// groups returns the findings grouped by their own rule, in the order the
// findings come (severity, then rule).
func (v *view) groups() []group {
	var out []group
	at := map[string]int{}
	for i, f := range v.findings {
		g, ok := at[f.Rule]
		if !ok {
			g = len(out)
			at[f.Rule] = g
			out = append(out, group{Rule: f.Rule, Obligation: v.obligation(f.Rule)})
		}
		out[g].Findings = append(out[g].Findings, i)
	}
	return out
}

type group struct {
	Rule       string
	Obligation rules.Obligation
	Findings   []int
}

func (v *view) obligation(id string) rules.Obligation {
	if v.in.Catalog != nil {
		if o, ok := v.in.Catalog.Lookup(id); ok {
			return o
		}
	}
	return v.obligationFromFindings(id)
}

// title returns an obligation's title in the view's language.
func (v *view) title(o rules.Obligation) string { return o.Title.In(v.lang) }

// summary returns a finding's summary in the view's language.
func (v *view) summary(f findingView) string {
	if v.lang == "zh" && f.SummaryZH != "" {
		return f.SummaryZH
	}
	return f.Summary
}

// findingURL is the page a finding is about, when its policy reported one.
func findingURL(f policies.Finding) string {
	u, _ := f.Metrics["url"].(string)
	return u
}

// citation formats a citation on one line.
func citation(c rules.Citation) string {
	return fmt.Sprintf("%s %s [%s]", c.Instrument, c.Article, c.Jurisdiction)
}

// number reads a JSON number that may arrive as float64 or json.Number.
func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case int:
		return float64(t), true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	}
	return 0, false
}

// shortID abbreviates a record or finding id for people.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// maxSeverity returns the worst severity among the findings at idx.
func (v *view) maxSeverity(idx []int) string {
	best := ""
	for _, i := range idx {
		if s := v.findings[i].Severity; policies.SeverityRank(s) > policies.SeverityRank(best) {
			best = s
		}
	}
	return best
}
