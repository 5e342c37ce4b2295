package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/platscan/platscan/rules"
)

// SARIF writes a SARIF 2.1.0 log for code-scanning dashboards: one rule
// per catalog obligation, one result per finding. A result's location is
// the page it is about (or the imported file and line), its related
// locations are the evidence records (lines of records.jsonl in the run
// directory), its partial fingerprint is the finding id, which is stable
// across runs, and a finding waived by a waiver in force carries a
// suppression. Baseline findings carry baselineState; findings that have
// disappeared since the baseline are not listed, because dashboards that
// ignore baselineState would show them as open.
type SARIF struct{}

// SARIFSchema is the schema a SARIF log names; the schema itself is in
// report/testdata and the tests validate against it.
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// FingerprintKey names the finding id among a result's partial fingerprints.
const FingerprintKey = "platscanFindingId/v1"

// runDirBase is the uriBaseId of paths inside the run directory.
const runDirBase = "RUNDIR"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                `json:"tool"`
	AutomationDetails  sarifAutomation          `json:"automationDetails"`
	OriginalURIBaseIDs map[string]sarifArtifact `json:"originalUriBaseIds"`
	Invocations        []sarifInvocation        `json:"invocations"`
	Language           string                   `json:"language"`
	Results            []sarifResult            `json:"results"`
	Properties         map[string]any           `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	Help                 sarifMultiText    `json:"help"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	Properties           sarifRuleProperty `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperty struct {
	Tags         []string `json:"tags"`
	TitleZH      string   `json:"title_zh,omitempty"`
	SummaryZH    string   `json:"summary_zh,omitempty"`
	Instrument   string   `json:"instrument,omitempty"`
	InstrumentZH string   `json:"instrument_zh,omitempty"`
	Article      string   `json:"article,omitempty"`
	Jurisdiction string   `json:"jurisdiction,omitempty"`
	LawURL       string   `json:"law_url,omitempty"`
	Severity     string   `json:"severity,omitempty"`
	Automated    bool     `json:"automated"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifArtifact struct {
	URI         string     `json:"uri,omitempty"`
	URIBaseID   string     `json:"uriBaseId,omitempty"`
	Description *sarifText `json:"description,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	BaselineState       string             `json:"baselineState,omitempty"`
	Properties          map[string]any     `json:"properties"`
}

type sarifLocation struct {
	ID               int                   `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifSuppression struct {
	Kind          string         `json:"kind"`
	Status        string         `json:"status"`
	Justification string         `json:"justification"`
	Properties    map[string]any `json:"properties"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(severity string) string {
	switch severity {
	case "high":
		return "error"
	case "medium":
		return "warning"
	case "low", "info":
		return "note"
	}
	return "warning"
}

// Write implements Writer.
func (SARIF) Write(w io.Writer, in *Input) error {
	v := newView(in)
	rep := in.Report
	docs := in.DocsURL
	if docs == "" {
		docs = DefaultDocsURL
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: nonEmpty(rep.Tool.Name, "platscan"), Version: rep.Tool.Version, SemanticVersion: rep.Tool.Version,
			InformationURI: strings.TrimSuffix(docs, "/docs/rules.md"), Rules: []sarifRule{}}},
		// Code-scanning services keep one analysis per automation id, so
		// each platform's results replace only that platform's.
		AutomationDetails: sarifAutomation{ID: "platscan/" + rep.Platform + "/"},
		OriginalURIBaseIDs: map[string]sarifArtifact{runDirBase: {Description: &sarifText{
			Text: "the platscan run directory (records.jsonl holds the evidence records, one a line)"}}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Language:    "en-US",
		Results:     []sarifResult{},
		Properties:  map[string]any{"platform": rep.Platform, "records": rep.Summary.Records, "coverage": coverageProperty(v)},
	}
	index := map[string]int{}
	addRule := func(o rules.Obligation) {
		if _, dup := index[o.ID]; dup {
			return
		}
		index[o.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(o, docs))
	}
	if in.Catalog != nil {
		for _, o := range in.Catalog.All() {
			addRule(o)
		}
	}
	for _, f := range v.findings {
		addRule(v.obligation(f.Rule))
	}
	for _, f := range v.findings {
		run.Results = append(run.Results, v.sarifResult(f, index[f.Rule]))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

func coverageProperty(v *view) map[string]int {
	_, counts := v.statusCounts()
	return counts
}

func sarifRuleFor(o rules.Obligation, docs string) sarifRule {
	cite := fmt.Sprintf("%s %s [%s]", o.Instrument.EN, o.Article, o.Jurisdiction)
	text := fmt.Sprintf("%s\n%s\n\n%s\n%s\n\nLaw: %s", o.Title.EN, o.Title.ZH, o.Summary.EN, o.Summary.ZH, cite)
	md := fmt.Sprintf("**%s**  \n%s\n\n%s\n\n%s\n\nLaw: %s", o.Title.EN, o.Title.ZH, o.Summary.EN, o.Summary.ZH, cite)
	if o.URL != "" {
		md = fmt.Sprintf("**%s**  \n%s\n\n%s\n\n%s\n\nLaw: [%s](%s)", o.Title.EN, o.Title.ZH, o.Summary.EN, o.Summary.ZH, cite, o.URL)
	}
	if o.Evidence != "" {
		text += "\n\nEvidence: " + o.Evidence
		md += "\n\nEvidence: " + o.Evidence
	}
	tags := []string{"platscan"}
	for _, t := range []string{o.Family, o.Jurisdiction} {
		if t != "" {
			tags = append(tags, t)
		}
	}
	return sarifRule{
		ID: o.ID, Name: ruleName(o.ID),
		ShortDescription:     sarifText{Text: nonEmpty(o.Title.EN, o.ID)},
		FullDescription:      sarifText{Text: nonEmpty(o.Summary.EN, nonEmpty(o.Title.EN, o.ID))},
		Help:                 sarifMultiText{Text: text, Markdown: md},
		HelpURI:              docs + "#" + strings.ToLower(o.ID),
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(o.Severity)},
		Properties: sarifRuleProperty{Tags: tags, TitleZH: o.Title.ZH, SummaryZH: o.Summary.ZH, Instrument: o.Instrument.EN,
			InstrumentZH: o.Instrument.ZH, Article: o.Article, Jurisdiction: o.Jurisdiction, LawURL: o.URL, Severity: o.Severity, Automated: o.Automated},
	}
}

// ruleName turns CN-ECL-ART34-NOTICE7 into CnEclArt34Notice7, the
// PascalCase identifier SARIF suggests for rule names.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(part[:1])
		b.WriteString(strings.ToLower(part[1:]))
	}
	return b.String()
}

func (v *view) sarifResult(f findingView, ruleIndex int) sarifResult {
	msg := f.Summary
	props := map[string]any{"finding_id": f.ID, "severity": f.Severity, "family": f.Family}
	if f.Persona != "" {
		props["persona"] = f.Persona
	}
	if f.SummaryZH != "" {
		props["summary_zh"] = f.SummaryZH
	}
	var cites []string
	for _, c := range f.Citations {
		cites = append(cites, citation(c))
	}
	props["citations"] = cites
	r := sarifResult{RuleID: f.Rule, RuleIndex: ruleIndex, Level: sarifLevel(f.Severity),
		PartialFingerprints: map[string]string{FingerprintKey: f.ID}, BaselineState: f.Baseline, Properties: props}
	switch {
	case f.Suppressed:
		r.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted",
			Justification: fmt.Sprintf("%s (approved by %s, until %s)", f.Waiver.Reason, f.Waiver.Approver, f.Waiver.Expires),
			Properties:    map[string]any{"approver": f.Waiver.Approver, "expires": f.Waiver.Expires, "waiver": f.Waiver.Where()}}}
	case f.WaiverExpired:
		msg += fmt.Sprintf(" (waiver expired on %s; reported again)", f.Waiver.Expires)
		props["waiver_expired"] = map[string]any{"expires": f.Waiver.Expires, "approver": f.Waiver.Approver, "reason": f.Waiver.Reason, "waiver": f.Waiver.Where()}
	}
	r.Message = sarifText{Text: msg}
	r.Locations = []sarifLocation{v.primaryLocation(f)}
	for i, id := range f.Evidence {
		loc := sarifLocation{ID: i + 1, PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifact{URI: "records.jsonl", URIBaseID: runDirBase}}}
		text := "evidence record " + id
		if ref, ok := v.records[id]; ok {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: ref.Line}
			text = fmt.Sprintf("evidence record %s (%s", id, ref.Kind)
			if ref.URL != "" {
				text += " " + ref.URL
			}
			text += ")"
		}
		loc.Message = &sarifText{Text: text}
		r.RelatedLocations = append(r.RelatedLocations, loc)
	}
	return r
}

// primaryLocation is where a result points: the imported file (and line,
// when the finding's metrics carry one), else the page, else the first
// evidence record.
func (v *view) primaryLocation(f findingView) sarifLocation {
	if file, line := v.importLocation(f); file != "" {
		loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifact{URI: file}}}
		if line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: line}
		}
		return loc
	}
	if f.URL != "" {
		return sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifact{URI: f.URL}}}
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifact{URI: "records.jsonl", URIBaseID: runDirBase}}}
	if len(f.Evidence) > 0 {
		if ref, ok := v.records[f.Evidence[0]]; ok {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: ref.Line}
		}
	}
	return loc
}

// importLocation finds the export file a finding of `platscan check`
// rests on: metrics "file" (and "line"), else the first import record it
// cites. Paths are mapped through Input.Imports to what the user typed.
func (v *view) importLocation(f findingView) (string, int) {
	file, _ := f.Metrics["file"].(string)
	if file == "" {
		for _, id := range f.Evidence {
			if ref := v.records[id]; ref.Kind == "import" && strings.HasPrefix(ref.URL, "file:") {
				file = strings.TrimPrefix(ref.URL, "file:")
				break
			}
		}
	}
	if file == "" {
		return "", 0
	}
	if p, ok := v.in.Imports[file]; ok {
		file = p
	}
	line := 0
	if n, ok := number(f.Metrics["line"]); ok && n >= 1 {
		line = int(n)
	}
	return file, line
}

func nonEmpty(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
