package policies

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/platscan/platscan/rules"
)

// Input is the policy input document (docs/input.md).
type Input struct {
	Platform     Platform                    `json:"platform"`
	Run          Run                         `json:"run"`
	Personas     []string                    `json:"personas"`
	FirstParty   map[string][]string         `json:"first_party"`
	Competitors  []string                    `json:"competitors"`
	Measurements map[string][]map[string]any `json:"measurements"`
}

// Platform identifies the scanned platform.
type Platform struct {
	Name          string   `json:"name"`
	BaseURL       string   `json:"base_url"`
	Jurisdictions []string `json:"jurisdictions"`
	// Designations are the designation kinds (gatekeeper, vlop).
	Designations []string `json:"designations"`
	// Designated details designations with their services and dates, when
	// the profile gives them; a kind listed only in Designations counts as
	// designated on an unknown date.
	Designated []rules.Designation `json:"designated,omitempty"`
}

// ruleContext returns what catalog applicability needs to know of p.
func (p Platform) ruleContext() rules.Platform {
	ds := slices.Clone(p.Designated)
	for _, k := range p.Designations {
		if !slices.ContainsFunc(ds, func(d rules.Designation) bool { return d.Kind == k }) {
			ds = append(ds, rules.Designation{Kind: k})
		}
	}
	return rules.Platform{Jurisdictions: p.Jurisdictions, Designations: ds}
}

// Run describes the run the measurements come from.
type Run struct {
	Started string `json:"started"`
	Tool    string `json:"tool"`
}

// Tool names the program in a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// value converts the input to OPA's representation. The measurements are
// already generic JSON values and are converted directly; only the small
// typed header goes through a JSON round trip. (A round trip of the whole
// document took most of the evaluation time on large inputs.)
func (in *Input) value() (ast.Value, error) {
	head := *in
	head.Measurements = nil
	b, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	ms := make(map[string]any, len(in.Measurements))
	for fam, list := range in.Measurements {
		items := make([]any, len(list))
		for i, m := range list {
			items[i] = m
		}
		ms[fam] = items
	}
	doc["measurements"] = ms
	return ast.InterfaceToValue(doc)
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
	Records        int `json:"records"`
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
}

// Evaluate judges in and returns the report (without tool and record
// counts, which the caller knows).
func (e *Engine) Evaluate(ctx context.Context, in *Input) (*Report, error) {
	v, err := in.value()
	if err != nil {
		return nil, fmt.Errorf("policy input: %w", err)
	}
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(v))
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: %w", err)
	}
	var found []rawFinding
	var unknown []rawUnknown
	if len(rs) > 0 {
		for _, b := range e.bindings {
			vals, _ := json.Marshal(rs[0].Bindings[b.name])
			var err error
			if b.rule == "findings" {
				var fs []rawFinding
				err = json.Unmarshal(vals, &fs)
				found = append(found, fs...)
			} else {
				var us []rawUnknown
				err = json.Unmarshal(vals, &us)
				unknown = append(unknown, us...)
			}
			if err != nil {
				return nil, fmt.Errorf("data.%s.%s: malformed output: %w", b.pkg, b.rule, err)
			}
		}
	}
	// The run's start decides which dated duties bound the platform; an
	// input without one is judged as if every date had passed.
	at, _ := time.Parse(time.RFC3339, in.Run.Started)
	return e.assemble(in.Platform, at, found, unknown)
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

func (e *Engine) assemble(p Platform, at time.Time, found []rawFinding, unknown []rawUnknown) (*Report, error) {
	rep := &Report{Platform: p.Name, Findings: []Finding{}, Coverage: []Coverage{}}
	rp := p.ruleContext()
	applies := func(ob rules.Obligation) bool { return ob.At(rp, at).Applies }
	failed := map[string]string{}     // catalog id -> why it failed
	withheld := map[string][]string{} // catalog id -> facts a policy saw conduct for but did not establish
	for _, rf := range found {
		ob, ok := e.catalog.Lookup(rf.Rule)
		meta, declared := e.meta[rf.Rule]
		if !ok || !declared {
			return nil, fmt.Errorf("a policy emitted a finding for %q, which no findings rule declares in its METADATA", rf.Rule)
		}
		if !applies(ob) {
			continue
		}
		if len(rf.Evidence) == 0 {
			return nil, fmt.Errorf("a %s finding carries no evidence; every finding must cite records", rf.Rule)
		}
		if gap := missing(ob, rf); len(gap) > 0 {
			for _, g := range gap {
				if !slices.Contains(withheld[ob.ID], g) {
					withheld[ob.ID] = append(withheld[ob.ID], g)
				}
			}
			continue
		}
		f := Finding{CatalogVersion: e.catalog.Version(), Rule: rf.Rule, Title: ob.Title.EN, TitleZH: ob.Title.ZH, Severity: meta.Severity, Family: ob.Family,
			Persona: rf.Persona, Summary: rf.Summary, SummaryZH: rf.SummaryZH, Quote: rf.Quote, Metrics: rf.Metrics, Evidence: dedupe(rf.Evidence)}
		if f.Metrics == nil {
			f.Metrics = map[string]any{}
		}
		f.Citations = append(f.Citations, ob.Citation())
		failed[ob.ID] = "see findings"
		for _, rel := range ob.Related {
			if ro, ok := e.catalog.Lookup(rel); ok && applies(ro) && len(missing(ro, rf)) == 0 {
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
	for _, u := range unknown {
		if !slices.Contains(unknownWhy[u.Rule], u.Reason) {
			unknownWhy[u.Rule] = append(unknownWhy[u.Rule], u.Reason)
		}
	}
	judged := e.judged()
	for _, ob := range e.catalog.All() {
		c := Coverage{Rule: ob.ID}
		a := ob.At(rp, at)
		switch why, fail := failed[ob.ID]; {
		case !a.Applies:
			c.Status, c.Reason = StatusNotApplicable, a.Reason
		case fail:
			c.Status, c.Reason = StatusFail, why
		case len(withheld[ob.ID]) > 0:
			c.Status, c.Reason = StatusUnknown, fmt.Sprintf("conduct was seen but no finding raised: the duty's condition was not established (%s): %s",
				strings.Join(withheld[ob.ID], ", "), firstSentence(ob.Condition.Text.EN))
		case len(unknownWhy[ob.ID]) > 0:
			c.Status, c.Reason = StatusUnknown, strings.Join(unknownWhy[ob.ID], "; ")
		case e.throughUnknown(ob.ID, unknownWhy) != "":
			c.Status, c.Reason = StatusUnknown, e.throughUnknown(ob.ID, unknownWhy)
		case judged[ob.ID] != "":
			c.Status, c.Reason = StatusPass, judged[ob.ID]
			if part := e.uncheckedVia(ob.ID, unknownWhy); len(part) > 0 {
				c.Reason += "; not checked through " + strings.Join(part, ", ")
			}
		case ob.Advisory:
			c.Status, c.Reason = StatusUnknown, "advisory provision: reported as a gap, never as a breach; not checked automatically yet"
		default:
			c.Status, c.Reason = StatusUnknown, "not checked automatically yet; needs manual review"
		}
		if a.Applies && a.Note != "" {
			c.Reason += "; " + a.Note
		}
		if c.Status != StatusNotApplicable && judged[ob.ID] != "" {
			rep.Summary.RulesEvaluated++
		}
		rep.Coverage = append(rep.Coverage, c)
	}
	return rep, nil
}

// throughUnknown explains why an obligation that no policy judges
// directly, only as a related entry of others, was not checked: every one
// of those others was unknown. It returns "" otherwise.
func (e *Engine) throughUnknown(id string, unknownWhy map[string][]string) string {
	if _, direct := e.meta[id]; direct {
		return ""
	}
	var reasons []string
	for _, prim := range slices.Sorted(maps.Keys(e.meta)) {
		ob, _ := e.catalog.Lookup(prim)
		if !slices.Contains(ob.Related, id) {
			continue
		}
		if len(unknownWhy[prim]) == 0 {
			return ""
		}
		reasons = append(reasons, prim+": "+strings.Join(unknownWhy[prim], "; "))
	}
	if len(reasons) == 0 {
		return ""
	}
	return "not checked: " + strings.Join(reasons, " | ")
}

// uncheckedVia lists the obligations that would also bear on id (it is
// their related entry) but could not be judged in this run.
func (e *Engine) uncheckedVia(id string, unknownWhy map[string][]string) []string {
	var out []string
	for _, prim := range slices.Sorted(maps.Keys(e.meta)) {
		if ob, _ := e.catalog.Lookup(prim); prim != id && slices.Contains(ob.Related, id) && len(unknownWhy[prim]) > 0 {
			out = append(out, prim)
		}
	}
	return out
}

// judged maps each catalog id a policy checks to a pass reason: its own
// findings rule, or the catalog entry of such a rule that lists it as
// related.
func (e *Engine) judged() map[string]string {
	out := map[string]string{}
	ids := make([]string, 0, len(e.meta))
	for id := range e.meta {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		out[id] = "checked; no breach found"
		if ob, ok := e.catalog.Lookup(id); ok {
			for _, rel := range ob.Related {
				if out[rel] == "" {
					out[rel] = "checked through " + id + "; no breach found"
				}
			}
		}
	}
	return out
}

// firstSentence cuts a condition's text to its first sentence, which
// states the condition; the rest (sources, examples) is in the catalog.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
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
