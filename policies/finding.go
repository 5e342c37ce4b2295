package policies

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/rules"
)

// Input is the policy input document (docs/input.md); its measurement
// types and schema live in package measure.
type Input = measure.Input

// Platform identifies the judged platform.
type Platform = measure.Platform

// ruleContext returns what catalog applicability needs to know of p: a
// kind listed only in Designations counts as designated on an unknown
// date.
func ruleContext(p Platform) rules.Platform {
	var ds []rules.Designation
	for _, d := range p.Designated {
		ds = append(ds, rules.Designation{Kind: d.Kind, Service: d.Service, Date: d.Date})
	}
	for _, k := range p.Designations {
		if !slices.ContainsFunc(ds, func(d rules.Designation) bool { return d.Kind == k }) {
			ds = append(ds, rules.Designation{Kind: k})
		}
	}
	return rules.Platform{Jurisdictions: p.Jurisdictions, Designations: ds}
}

// Tool names the program in a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Finding is one judged breach, with the evidence behind it.
type Finding struct {
	ID        string           `json:"id"`
	Rule      string           `json:"rule"`
	Title     string           `json:"title"`
	TitleZH   string           `json:"title_zh"`
	Severity  string           `json:"severity"`
	Family    string           `json:"family"`
	Persona   string           `json:"persona,omitempty"`
	Citations []rules.Citation `json:"citations"`
	Summary   string           `json:"summary"`
	SummaryZH string           `json:"summary_zh,omitempty"`
	Quote     string           `json:"quote,omitempty"`
	Metrics   map[string]any   `json:"metrics"`
	Evidence  []string         `json:"evidence"`

	// Condition, on an info finding, names the legal condition the duty
	// needs that this scan could not establish (dominance, a designation):
	// the conduct was measured, the breach is not claimed.
	Condition string `json:"condition,omitempty"`
	// Review, on an info finding, says what a person must judge before the
	// conduct could be a breach (a consumer clause that is only potentially
	// unfair).
	Review string `json:"review,omitempty"`

	// CatalogVersion is the version of the rules catalog the finding
	// cites, so a citation can be traced to the wording it was made with.
	CatalogVersion string `json:"catalog_version,omitempty"`
}

// Coverage statuses.
const (
	StatusPass          = "pass"
	StatusFail          = "fail"
	StatusUnknown       = "unknown"
	StatusNotApplicable = "not_applicable"
	// StatusError means the obligation's policy failed while judging; the
	// reason holds the error. Nothing is known of the obligation.
	StatusError = "error"
)

// Coverage says what became of one catalog obligation in a run.
type Coverage struct {
	Rule   string `json:"rule"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// Summary counts findings and coverage.
type Summary struct {
	High           int `json:"high"`
	Medium         int `json:"medium"`
	Low            int `json:"low"`
	Info           int `json:"info"`
	RulesEvaluated int `json:"rules_evaluated"`
	// Errors counts obligations whose policy failed while judging.
	Errors  int `json:"errors"`
	Records int `json:"records"`
}

// Report is findings.json (docs/findings.md).
type Report struct {
	Tool     Tool   `json:"tool"`
	Platform string `json:"platform"`
	// Run says how the evidence was gathered: which probes ran, whether
	// the scan completed, how robots.txt was applied.
	Run      *measure.Run `json:"run,omitempty"`
	Findings []Finding    `json:"findings"`
	Coverage []Coverage   `json:"coverage"`
	Summary  Summary      `json:"summary"`
}

// SeverityRank orders severities; higher is worse. Unknown names rank 0.
func SeverityRank(s string) int {
	switch s {
	case "high":
		return 4
	case "medium":
		return 3
	case "low":
		return 2
	case "info":
		return 1
	}
	return 0
}

// CountAtOrAbove returns how many findings have severity min or worse.
func (r *Report) CountAtOrAbove(min string) int {
	n := 0
	for _, f := range r.Findings {
		if SeverityRank(f.Severity) >= SeverityRank(min) {
			n++
		}
	}
	return n
}

type rawUnknown struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// rawChecked is a policy's statement that it had the input an obligation
// needs, and what that input was.
type rawChecked struct {
	Rule  string `json:"rule"`
	Basis string `json:"basis"`
}

type rawFinding struct {
	Rule      string         `json:"rule"`
	Key       string         `json:"key"`
	Persona   string         `json:"persona"`
	Summary   string         `json:"summary"`
	SummaryZH string         `json:"summary_zh"`
	Quote     string         `json:"quote"`
	Metrics   map[string]any `json:"metrics"`
	Evidence  []string       `json:"evidence"`

	// Conditions lists the facts of the obligation's condition that the
	// policy's evidence establishes (catalog condition.requires).
	Conditions []string `json:"conditions"`
	// Review, when set, says why the finding needs a person's judgement
	// before it could be a breach: it is reported as info, and its
	// obligation as unknown.
	Review string `json:"review"`
}

// judgement is what the policies said about one input.
type judgement struct {
	found   []rawFinding
	unknown []rawUnknown
	checked []rawChecked
	// failed maps an obligation whose policy failed at runtime to the
	// error.
	failed map[string]string
}

// Evaluate judges in and returns the report (without tool and record
// counts, which the caller knows). A policy that fails at runtime does
// not stop the others: its obligations are reported with status error
// and Evaluate returns the report with an error of kind policy.
func (e *Engine) Evaluate(ctx context.Context, in *Input) (*Report, error) {
	d := NewDocument(*in)
	for _, fam := range slices.Sorted(maps.Keys(in.Measurements)) {
		for _, m := range in.Measurements[fam] {
			if err := d.Add(fam, m); err != nil {
				return nil, err
			}
		}
	}
	return e.Judge(ctx, d)
}

// Judge judges the document d as Evaluate judges an input.
func (e *Engine) Judge(ctx context.Context, d *Document) (*Report, error) {
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	j, err := e.evalAll(ctx, v)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if j, err = e.evalSplit(ctx, v); err != nil {
			return nil, err
		}
	}
	rep, err := e.assemble(d.head, d.family, j)
	if err != nil {
		return nil, err
	}
	if len(j.failed) > 0 {
		return rep, fault.Policy(fmt.Errorf("%d obligations could not be judged: a policy failed (see coverage)", len(j.failed)))
	}
	return rep, nil
}

// Validate checks every measurement of in against the input schema, so a
// policy never meets a shape it was not type-checked against. The error
// names the measurement's record and the field.
func Validate(in *Input) error {
	v, err := measure.DefaultValidator()
	if err != nil {
		return err
	}
	for _, fam := range slices.Sorted(maps.Keys(in.Measurements)) {
		if !slices.Contains(measure.Families(), fam) {
			return fault.Inputf("policy input: family %q is not one platscan measures", fam)
		}
		for i, m := range in.Measurements[fam] {
			if err := v.Validate(fam, m); err != nil {
				rec, _ := m["record"].(string)
				if rec == "" {
					rec = fmt.Sprintf("#%d", i)
				}
				return fault.Input(fmt.Errorf("policy input: measurement %s (%s): %w", rec, fam, err))
			}
		}
	}
	return nil
}

// missing returns the facts of ob's condition that rf does not establish.
func missing(ob rules.Obligation, rf rawFinding) []string {
	var out []string
	for _, f := range ob.Requires() {
		if !slices.Contains(rf.Conditions, f) {
			out = append(out, f)
		}
	}
	return out
}

func (e *Engine) assemble(head Input, family map[string]string, j judgement) (*Report, error) {
	p := head.Platform
	// The run's start decides which dated duties bound the platform; an
	// input without one is judged as if every date had passed.
	at, _ := time.Parse(time.RFC3339, head.Run.Started)
	rp := ruleContext(p)
	applies := func(ob rules.Obligation) bool { return ob.At(rp, at).Applies }
	run := head.Run
	rep := &Report{Platform: p.Name, Run: &run, Findings: []Finding{}, Coverage: []Coverage{}}
	failed := map[string]string{}     // catalog id -> why it failed
	withheld := map[string][]string{} // catalog id -> facts a policy saw conduct for but did not establish
	conditional := map[string]bool{}  // catalog id -> an info finding names its missing condition
	review := map[string]bool{}       // catalog id -> an info finding awaits a person's judgement
	// By rule, so that a related obligation is explained by the same
	// finding whatever order OPA's set gave (it depends on the values,
	// ports in URLs included).
	slices.SortStableFunc(j.found, func(a, b rawFinding) int { return strings.Compare(a.Rule, b.Rule) })
	for _, rf := range j.found {
		ob, ok := e.catalog.Lookup(rf.Rule)
		meta, declared := e.meta[rf.Rule]
		if !ok || !declared {
			return nil, fmt.Errorf("a policy emitted a finding for %q, which no findings rule declares in its METADATA", rf.Rule)
		}
		if j.failed[rf.Rule] != "" {
			continue
		}
		if len(rf.Evidence) == 0 {
			return nil, fmt.Errorf("a %s finding carries no evidence; every finding must cite records", rf.Rule)
		}
		f := Finding{CatalogVersion: e.catalog.Version(), Rule: rf.Rule, Title: ob.Title.EN, TitleZH: ob.Title.ZH, Severity: meta.Severity, Family: ob.Family,
			Persona: rf.Persona, Summary: rf.Summary, SummaryZH: rf.SummaryZH, Quote: rf.Quote, Metrics: rf.Metrics, Evidence: dedupe(rf.Evidence)}
		// The conduct was measured, but the duty needs a condition this
		// scan cannot establish: say so in an info finding rather than
		// stay silent or claim a breach.
		a := ob.At(rp, at)
		gap := missing(ob, rf)
		switch {
		case !ob.AppliesTo(p.Jurisdictions) || (!a.Applies && ob.Scope == ""):
			continue // another jurisdiction, or a duty not in force at the run
		case !a.Applies:
			f.Condition = a.Reason
		case len(gap) > 0:
			for _, g := range gap {
				if !slices.Contains(withheld[ob.ID], g) {
					withheld[ob.ID] = append(withheld[ob.ID], g)
				}
			}
			f.Condition = fmt.Sprintf("not established by this scan: %s (%s)", strings.Join(gap, ", "), firstSentence(conditionText(ob)))
		}
		if f.Condition == "" && rf.Review != "" {
			f.Severity, f.Review = "info", rf.Review
			f.Summary = "For review: " + f.Summary
			if f.SummaryZH != "" {
				f.SummaryZH = "待人工判断：" + f.SummaryZH
			}
			review[ob.ID] = true
		}
		if f.Condition != "" {
			f.Severity = "info"
			f.Summary = "Conduct measured; the duty binds only on a condition this scan cannot establish (" + f.Condition + "). " + f.Summary
			if f.SummaryZH != "" {
				f.SummaryZH = "已检测到相关行为，但该义务以本次检测无法认定的条件为前提（" + f.Condition + "）。" + f.SummaryZH
			}
			conditional[ob.ID] = true
		}
		// A finding belongs to the family of the measurements it rests
		// on, whatever family the catalog files the duty under.
		for _, id := range f.Evidence {
			if fam, ok := family[id]; ok {
				f.Family = fam
				break
			}
		}
		if f.Metrics == nil {
			f.Metrics = map[string]any{}
		}
		f.Citations = append(f.Citations, ob.Citation())
		if f.Condition == "" && f.Review == "" {
			failed[ob.ID] = "see findings"
		}
		for _, rel := range ob.Related {
			if ro, ok := e.catalog.Lookup(rel); ok && applies(ro) && len(missing(ro, rf)) == 0 {
				f.Citations = append(f.Citations, ro.Citation())
				if _, own := failed[rel]; !own && f.Condition == "" && f.Review == "" {
					failed[rel] = "see " + ob.ID + " findings"
				}
			}
		}
		// The base URL is left out of the id so the same conduct keeps its
		// id when the platform is scanned through another host or port.
		key := rf.Key
		if p.BaseURL != "" {
			key = strings.ReplaceAll(key, strings.TrimSuffix(p.BaseURL, "/"), "")
		}
		sum := sha256.Sum256([]byte(f.Rule + "\x00" + key + "\x00" + f.Persona + "\x00" + p.Name))
		f.ID = hex.EncodeToString(sum[:8])
		rep.Findings = append(rep.Findings, f)
	}
	sort.Slice(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if SeverityRank(a.Severity) != SeverityRank(b.Severity) {
			return SeverityRank(a.Severity) > SeverityRank(b.Severity)
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.ID < b.ID
	})
	rep.Findings = dedupeFindings(rep.Findings)
	for _, f := range rep.Findings {
		switch f.Severity {
		case "high":
			rep.Summary.High++
		case "medium":
			rep.Summary.Medium++
		case "low":
			rep.Summary.Low++
		default:
			rep.Summary.Info++
		}
	}

	unknownWhy := map[string][]string{}
	for id := range review {
		unknownWhy[id] = append(unknownWhy[id], "clauses that are only potentially unfair need a person's judgement (see the info findings for review)")
	}
	for _, u := range j.unknown {
		if !slices.Contains(unknownWhy[u.Rule], u.Reason) {
			unknownWhy[u.Rule] = append(unknownWhy[u.Rule], u.Reason)
		}
	}
	basis := map[string][]string{}
	for _, c := range j.checked {
		if !slices.Contains(basis[c.Rule], c.Basis) {
			basis[c.Rule] = append(basis[c.Rule], c.Basis)
		}
	}
	for _, ob := range e.catalog.All() {
		c := Coverage{Rule: ob.ID}
		a := ob.At(rp, at)
		switch why, fail := failed[ob.ID]; {
		case !a.Applies:
			c.Status, c.Reason = StatusNotApplicable, a.Reason
			if conditional[ob.ID] {
				c.Reason += "; the conduct was measured (see the info finding)"
			}
		case j.failed[ob.ID] != "":
			c.Status, c.Reason = StatusError, j.failed[ob.ID]
			rep.Summary.Errors++
		case fail:
			c.Status, c.Reason = StatusFail, why
		case len(withheld[ob.ID]) > 0:
			c.Status, c.Reason = StatusUnknown, fmt.Sprintf("conduct was seen (see the info finding) but no breach is claimed: the duty's condition was not established (%s): %s",
				strings.Join(withheld[ob.ID], ", "), firstSentence(conditionText(ob)))
		case len(unknownWhy[ob.ID]) > 0:
			c.Status, c.Reason = StatusUnknown, strings.Join(unknownWhy[ob.ID], "; ")
		case e.throughUnknown(ob.ID, unknownWhy, j.failed) != "":
			c.Status, c.Reason = StatusUnknown, e.throughUnknown(ob.ID, unknownWhy, j.failed)
		case len(basis[ob.ID]) > 0:
			c.Status, c.Reason = StatusPass, "checked ("+strings.Join(basis[ob.ID], "; ")+"); no breach found"
			if part := e.uncheckedVia(ob.ID, unknownWhy, basis); len(part) > 0 {
				c.Reason += "; not checked through " + strings.Join(part, ", ")
			}
		case e.checkedVia(ob.ID, basis) != "":
			c.Status, c.Reason = StatusPass, "checked through "+e.checkedVia(ob.ID, basis)+"; no breach found"
			if part := e.uncheckedVia(ob.ID, unknownWhy, basis); len(part) > 0 {
				c.Reason += "; not checked through " + strings.Join(part, ", ")
			}
		case e.judges(ob.ID):
			c.Status, c.Reason = StatusUnknown, "no policy stated that it had the input this obligation needs (nothing was read for it)"
		case ob.Advisory:
			c.Status, c.Reason = StatusUnknown, "advisory provision: reported as a gap, never as a breach; not checked automatically yet"
		default:
			c.Status, c.Reason = StatusUnknown, "not checked automatically yet; needs manual review"
		}
		if a.Applies && a.Note != "" {
			c.Reason += "; " + a.Note
		}
		if c.Status == StatusPass || c.Status == StatusFail {
			rep.Summary.RulesEvaluated++
		}
		rep.Coverage = append(rep.Coverage, c)
	}
	return rep, nil
}

// conditionText is the English text of ob's condition ("" when none).
func conditionText(ob rules.Obligation) string {
	if ob.Condition == nil {
		return ""
	}
	return ob.Condition.Text.EN
}

// firstSentence cuts a condition's text to its first sentence, which
// states the condition; the rest (sources, examples) is in the catalog.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// throughUnknown explains why an obligation that no policy judges
// directly, only as a related entry of others, was not checked: every one
// of those others was unknown or failed. It returns "" otherwise.
func (e *Engine) throughUnknown(id string, unknownWhy map[string][]string, failed map[string]string) string {
	if _, direct := e.meta[id]; direct {
		return ""
	}
	var reasons []string
	for _, prim := range e.relatedOf(id) {
		switch {
		case failed[prim] != "":
			reasons = append(reasons, prim+": its policy failed")
		case len(unknownWhy[prim]) > 0:
			reasons = append(reasons, prim+": "+strings.Join(unknownWhy[prim], "; "))
		default:
			return ""
		}
	}
	if len(reasons) == 0 {
		return ""
	}
	return "not checked: " + strings.Join(reasons, " | ")
}

// relatedOf lists the obligations a policy judges whose catalog entry
// names id as related, sorted.
func (e *Engine) relatedOf(id string) []string {
	var out []string
	for _, prim := range slices.Sorted(maps.Keys(e.meta)) {
		if ob, _ := e.catalog.Lookup(prim); prim != id && slices.Contains(ob.Related, id) {
			out = append(out, prim)
		}
	}
	return out
}

// checkedVia names the obligations, judged directly, that bear on id (it
// is their related entry) and that a policy checked; "" when none did.
func (e *Engine) checkedVia(id string, basis map[string][]string) string {
	var out []string
	for _, prim := range e.relatedOf(id) {
		if len(basis[prim]) > 0 {
			out = append(out, prim)
		}
	}
	return strings.Join(out, ", ")
}

// uncheckedVia lists the obligations that would also bear on id (it is
// their related entry) but were not checked in this run.
func (e *Engine) uncheckedVia(id string, unknownWhy map[string][]string, basis map[string][]string) []string {
	var out []string
	for _, prim := range e.relatedOf(id) {
		if len(unknownWhy[prim]) > 0 || len(basis[prim]) == 0 {
			out = append(out, prim)
		}
	}
	return out
}

// judges reports whether a policy judges id, directly or as the related
// entry of an obligation it judges.
func (e *Engine) judges(id string) bool {
	if _, direct := e.meta[id]; direct {
		return true
	}
	return len(e.relatedOf(id)) > 0
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// dedupeFindings drops exact repeats (same id), which arise when two
// findings rules of one obligation fire on the same measurement.
func dedupeFindings(fs []Finding) []Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		if !seen[f.ID] {
			seen[f.ID] = true
			out = append(out, f)
		}
	}
	return out
}
