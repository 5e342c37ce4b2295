// Package report renders a findings report. Each format is a Writer; Get
// picks one by name. Renderers write only to the io.Writer they are given:
// whatever they need from files (records, waivers, a baseline) the caller
// reads and passes in an Input.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/rules"
	"github.com/platscan/platscan/waiver"
)

// Writer renders a report.
type Writer interface {
	Write(w io.Writer, in *Input) error
}

// Input is what a report is rendered from. Only Report is required; each
// other field adds to what the formats can show.
type Input struct {
	Report *policies.Report
	// Catalog gives every obligation's titles, summary and citation, also
	// for obligations without findings (SARIF rules, coverage tables, the
	// manual-review list).
	Catalog *rules.Catalog
	// Records are the run's evidence records in file order, so that
	// Records[i] is line i+1 of records.jsonl. They give evidence links
	// and locations, the probes that ran, and the data of the charts.
	Records []evidence.Record
	// Waivers holds, by finding id, what a waiver file says about each
	// finding (waiver.Set.Apply).
	Waivers map[string]waiver.Verdict
	// Baseline is an earlier findings.json. When set, each finding is new
	// or unchanged (same id in the baseline), and only new ones fail.
	Baseline *policies.Report
	// Imports maps the file name an import record carries (file:NAME) to
	// the path the user gave, so SARIF locations point into the
	// repository that holds the export.
	Imports map[string]string
	// Lang is "en" (the default) or "zh": the language of the Markdown and
	// HTML reports.
	Lang string
	// DocsURL is where rule help links point; DefaultDocsURL when empty.
	DocsURL string
}

// DefaultDocsURL is the catalog page that rule help links point to, with
// one anchor per obligation.
const DefaultDocsURL = "https://github.com/platscan/platscan/blob/main/docs/rules.md"

// Format names.
const (
	FormatText     = "text"
	FormatJSON     = "json"
	FormatSARIF    = "sarif"
	FormatJUnit    = "junit"
	FormatMarkdown = "md"
	FormatHTML     = "html"
)

var writers = map[string]Writer{
	FormatText:     Text{},
	FormatJSON:     JSON{},
	FormatSARIF:    SARIF{},
	FormatJUnit:    JUnit{},
	FormatMarkdown: Markdown{},
	FormatHTML:     HTML{},
}

// Get returns the writer for format.
func Get(format string) (Writer, error) {
	w, ok := writers[format]
	if !ok {
		return nil, fmt.Errorf("unknown report format %q (known: %s)", format, strings.Join(Formats(), ", "))
	}
	return w, nil
}

// Formats lists the format names, sorted.
func Formats() []string {
	out := make([]string, 0, len(writers))
	for k := range writers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Baseline states of a finding (SARIF's names).
const (
	BaselineNew       = "new"
	BaselineUnchanged = "unchanged"
)

// State is what the caller's waivers and baseline say about one finding.
type State struct {
	// Waiver is the waiver that matched the finding, if any.
	Waiver *waiver.Waiver
	// Suppressed is true when that waiver is in force: the finding is
	// reported but does not fail the run.
	Suppressed bool
	// WaiverExpired is true when the only matching waiver has expired: the
	// finding counts again.
	WaiverExpired bool
	// Baseline is BaselineNew or BaselineUnchanged when a baseline was
	// given, "" otherwise.
	Baseline string
}

// Counts reports whether the finding fails a run: not suppressed by a
// waiver in force and, when there is a baseline, new.
func (s State) Counts() bool {
	return !s.Suppressed && s.Baseline != BaselineUnchanged
}

// State returns what the waivers and the baseline say about f.
func (in *Input) State(f policies.Finding) State {
	var s State
	if v, ok := in.Waivers[f.ID]; ok {
		w := v.Waiver
		s.Waiver = &w
		s.Suppressed = !v.Expired
		s.WaiverExpired = v.Expired
	}
	if in.Baseline != nil {
		s.Baseline = BaselineNew
		for _, b := range in.Baseline.Findings {
			if b.ID == f.ID {
				s.Baseline = BaselineUnchanged
				break
			}
		}
	}
	return s
}

// Failing counts the findings at or above severity min that fail the run
// (State.Counts): what --fail-on compares against.
func (in *Input) Failing(min string) int {
	n := 0
	for _, f := range in.Report.Findings {
		if policies.SeverityRank(f.Severity) >= policies.SeverityRank(min) && in.State(f).Counts() {
			n++
		}
	}
	return n
}

// JSON writes findings.json as a scan stores it. When waivers or a
// baseline were applied, each finding also carries "suppression" (the
// waiver and whether it expired) and "baseline_state".
type JSON struct{}

type jsonFinding struct {
	policies.Finding
	Suppression   *jsonSuppression `json:"suppression,omitempty"`
	BaselineState string           `json:"baseline_state,omitempty"`
}

type jsonSuppression struct {
	Status string `json:"status"` // "accepted" (in force) or "expired"
	waiver.Waiver
}

type jsonReport struct {
	Tool     policies.Tool       `json:"tool"`
	Platform string              `json:"platform"`
	Findings []jsonFinding       `json:"findings"`
	Coverage []policies.Coverage `json:"coverage"`
	Summary  policies.Summary    `json:"summary"`
}

// Write implements Writer.
func (JSON) Write(w io.Writer, in *Input) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if len(in.Waivers) == 0 && in.Baseline == nil {
		return enc.Encode(in.Report)
	}
	rep := in.Report
	out := jsonReport{Tool: rep.Tool, Platform: rep.Platform, Findings: make([]jsonFinding, 0, len(rep.Findings)), Coverage: rep.Coverage, Summary: rep.Summary}
	for _, f := range rep.Findings {
		s := in.State(f)
		jf := jsonFinding{Finding: f, BaselineState: s.Baseline}
		if s.Waiver != nil {
			status := "accepted"
			if s.WaiverExpired {
				status = "expired"
			}
			jf.Suppression = &jsonSuppression{Status: status, Waiver: *s.Waiver}
		}
		out.Findings = append(out.Findings, jf)
	}
	return enc.Encode(out)
}
