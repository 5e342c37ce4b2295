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

	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/rules"
)

// Input is the policy input document (docs/input.md); its measurement
// types and schema live in package measure.
type Input = measure.Input

// Platform identifies the judged platform.
type Platform = measure.Platform

// applies reports whether ob binds platform p.
func applies(p Platform, ob rules.Obligation) bool {
	return ob.AppliesToPlatform(p.Jurisdictions, p.Designations)
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
	Tool     Tool       `json:"tool"`
	Platform string     `json:"platform"`
	Findings []Finding  `json:"findings"`
	Coverage []Coverage `json:"coverage"`
	Summary  Summary    `json:"summary"`
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
	rep, err := e.assemble(d.head.Platform, d.family, j)
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

func (e *Engine) assemble(p Platform, family map[string]string, j judgement) (*Report, error) {
	rep := &Report{Platform: p.Name, Findings: []Finding{}, Coverage: []Coverage{}}
	failed := map[string]string{} // catalog id -> why it failed
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
		if _, broken := j.failed[rf.Rule]; broken || !applies(p, ob) {
			continue
		}
		if len(rf.Evidence) == 0 {
			return nil, fmt.Errorf("a %s finding carries no evidence; every finding must cite records", rf.Rule)
		}
		f := Finding{Rule: rf.Rule, Title: ob.Title.EN, TitleZH: ob.Title.ZH, Severity: meta.Severity, Family: ob.Family,
			Persona: rf.Persona, Summary: rf.Summary, SummaryZH: rf.SummaryZH, Quote: rf.Quote, Metrics: rf.Metrics, Evidence: dedupe(rf.Evidence)}
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
		failed[ob.ID] = "see findings"
		for _, rel := range ob.Related {
			if ro, ok := e.catalog.Lookup(rel); ok && applies(p, ro) {
				f.Citations = append(f.Citations, ro.Citation())
				if _, own := failed[rel]; !own {
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
		switch why, fail := failed[ob.ID]; {
		case !ob.AppliesTo(p.Jurisdictions):
			c.Status, c.Reason = StatusNotApplicable, fmt.Sprintf("applies in %s; the platform's jurisdictions are %s", ob.Jurisdiction, strings.Join(p.Jurisdictions, ", "))
		case !applies(p, ob):
			c.Status, c.Reason = StatusNotApplicable, fmt.Sprintf("applies only to a platform designated %s (profile platform.designations)", ob.Scope)
		case j.failed[ob.ID] != "":
			c.Status, c.Reason = StatusError, j.failed[ob.ID]
			rep.Summary.Errors++
		case fail:
			c.Status, c.Reason = StatusFail, why
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
		if c.Status == StatusPass || c.Status == StatusFail {
			rep.Summary.RulesEvaluated++
		}
		rep.Coverage = append(rep.Coverage, c)
	}
	return rep, nil
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
