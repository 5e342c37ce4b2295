package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/net/html"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/internal/golden"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/rules"
	"github.com/platscan/platscan/waiver"
)

// now is the tests' clock: the second waiver in testdata/demo has expired
// by then, the first has not.
var now = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

func loadReport(t *testing.T, path string) *policies.Report {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep policies.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

func sample(t *testing.T) *policies.Report { return loadReport(t, "testdata/findings.json") }

func catalog(t *testing.T) *rules.Catalog {
	t.Helper()
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func records(t *testing.T, path string) []evidence.Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []evidence.Record
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r evidence.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// demo is the Shopmart demo report with its records and the catalog.
func demo(t *testing.T) *Input {
	t.Helper()
	return &Input{Report: loadReport(t, "testdata/demo/findings.json"), Catalog: catalog(t), Records: records(t, "testdata/demo/records.jsonl")}
}

// triaged is demo with the test waivers applied at now and a baseline that
// lacks the findings of two rules, which are therefore new.
func triaged(t *testing.T) *Input {
	t.Helper()
	in := demo(t)
	set, err := waiver.Load("testdata/demo/waivers.yaml", in.Catalog)
	if err != nil {
		t.Fatal(err)
	}
	in.Waivers = set.Apply(in.Report, now).ByFinding
	base := *in.Report
	base.Findings = nil
	for _, f := range in.Report.Findings {
		if f.Rule != "CN-ECL-ART37-SELFOP" && f.Rule != "EU-P2B-ART3-TC" {
			base.Findings = append(base.Findings, f)
		}
	}
	in.Baseline = &base
	return in
}

func render(t *testing.T, format string, in *Input) []byte {
	t.Helper()
	w, err := Get(format)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	cases := map[string]func(t *testing.T) *Input{
		"findings": func(t *testing.T) *Input { return &Input{Report: sample(t)} },
		"demo":     demo,
		"triage":   triaged,
		"demo.zh": func(t *testing.T) *Input {
			in := demo(t)
			in.Lang = "zh"
			return in
		},
	}
	for name, mk := range cases {
		for _, f := range Formats() {
			if name == "demo.zh" && f != FormatHTML && f != FormatMarkdown {
				continue // only these two are translated
			}
			if name == "triage" && (f == FormatHTML || f == FormatSARIF) {
				continue // large, and TestSARIFContent checks what triage adds
			}
			t.Run(name+"."+f, func(t *testing.T) {
				golden.Compare(t, "testdata/"+name+"."+f+".golden", render(t, f, mk(t)))
			})
		}
	}
	if _, err := Get("pdf"); err == nil || !strings.Contains(err.Error(), "known: html, json, junit, md, sarif, text") {
		t.Fatalf("unknown format: %v", err)
	}
}

func TestJSONRoundTrips(t *testing.T) {
	rep := sample(t)
	var back policies.Report
	if err := json.Unmarshal(render(t, FormatJSON, &Input{Report: rep}), &back); err != nil || len(back.Findings) != len(rep.Findings) || back.Findings[0].Citations[0].Article != rep.Findings[0].Citations[0].Article {
		t.Fatalf("round trip: %v", err)
	}
}

func TestJSONCarriesTriage(t *testing.T) {
	in := triaged(t)
	var out struct {
		Findings []struct {
			ID          string `json:"id"`
			Rule        string `json:"rule"`
			Persona     string `json:"persona"`
			Suppression *struct {
				Status string `json:"status"`
				Reason string `json:"reason"`
			} `json:"suppression"`
			BaselineState string `json:"baseline_state"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(render(t, FormatJSON, in), &out); err != nil {
		t.Fatal(err)
	}
	var accepted, expired, newer int
	for _, f := range out.Findings {
		if f.Suppression != nil && f.Suppression.Status == "accepted" {
			accepted++
			if f.Rule != "CN-ECL-ART33-PUBLISH" {
				t.Errorf("%s suppressed", f.Rule)
			}
		}
		if f.Suppression != nil && f.Suppression.Status == "expired" {
			expired++
		}
		if f.BaselineState == BaselineNew {
			newer++
		}
	}
	if accepted != 2 || expired != 1 || newer != 3 {
		t.Fatalf("accepted %d expired %d new %d", accepted, expired, newer)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsAreReturned(t *testing.T) {
	in := demo(t)
	for _, f := range Formats() {
		w, _ := Get(f)
		if err := w.Write(failing{}, in); err == nil {
			t.Errorf("%s: write error swallowed", f)
		}
	}
}

func TestFailingCountsOnlyActiveNewFindings(t *testing.T) {
	in := demo(t)
	if got, want := in.Failing("high"), in.Report.CountAtOrAbove("high"); got != want {
		t.Fatalf("without waivers or baseline: %d, want %d", got, want)
	}
	tr := triaged(t)
	// New since the baseline: CN-ECL-ART37-SELFOP (medium) and two
	// EU-P2B-ART3-TC findings (high); none of them is waived.
	if got := tr.Failing("high"); got != 2 {
		t.Errorf("failing at high: %d, want 2", got)
	}
	if got := tr.Failing("info"); got != 3 {
		t.Errorf("failing at info: %d, want 3", got)
	}
	// Waivers alone: the two findings of the waived rule stop counting; the
	// one whose waiver expired counts.
	tr.Baseline = nil
	if got, want := tr.Failing("info"), len(tr.Report.Findings)-2; got != want {
		t.Errorf("waivers only: %d, want %d", got, want)
	}
}

// sarifLog as read back by the tests.
type readSARIF struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID                   string `json:"id"`
					HelpURI              string `json:"helpUri"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Properties struct {
						TitleZH string `json:"title_zh"`
					} `json:"properties"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID              string            `json:"ruleId"`
			RuleIndex           int               `json:"ruleIndex"`
			Level               string            `json:"level"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			BaselineState       string            `json:"baselineState"`
			Suppressions        []struct {
				Status        string `json:"status"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			RelatedLocations []struct {
				PhysicalLocation struct {
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"relatedLocations"`
		} `json:"results"`
	} `json:"runs"`
}

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	// The schema is registered under the URL it names, so the compiler
	// never tries to fetch anything.
	if err := c.AddResource(SARIFSchema, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SARIFSchema)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ValidateSARIF checks a SARIF log against the official schema; the cmd
// tests use it for the demo's SARIF.
func validateSARIF(t *testing.T, s *jsonschema.Schema, b []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	s := sarifSchema(t)
	for name, in := range map[string]*Input{"findings": {Report: sample(t)}, "demo": demo(t), "triage": triaged(t)} {
		t.Run(name, func(t *testing.T) { validateSARIF(t, s, render(t, FormatSARIF, in)) })
	}
	// The validator does reject what the schema forbids.
	bad := []byte(`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}`)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	if s.Validate(inst) == nil {
		t.Fatal("schema accepted level \"fatal\"")
	}
}

func TestSARIFContent(t *testing.T) {
	in := triaged(t)
	var log readSARIF
	if err := json.Unmarshal(render(t, FormatSARIF, in), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	all := in.Catalog.All()
	if len(run.Tool.Driver.Rules) != len(all) {
		t.Fatalf("%d rules, catalog has %d", len(run.Tool.Driver.Rules), len(all))
	}
	for i, r := range run.Tool.Driver.Rules {
		o := all[i]
		if r.ID != o.ID || r.ShortDescription.Text != o.Title.EN || r.Properties.TitleZH != o.Title.ZH ||
			r.HelpURI != DefaultDocsURL+"#"+strings.ToLower(o.ID) || r.DefaultConfiguration.Level != sarifLevel(o.Severity) {
			t.Errorf("rule %d: %+v", i, r)
		}
	}
	if len(run.Results) != len(in.Report.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(in.Report.Findings))
	}
	levels := map[string]string{"high": "error", "medium": "warning", "low": "note", "info": "note"}
	lines := map[string]int{}
	for i, r := range in.Records {
		lines[r.ID] = i + 1
	}
	for i, res := range run.Results {
		f := in.Report.Findings[i]
		st := in.State(f)
		switch {
		case res.RuleID != f.Rule || run.Tool.Driver.Rules[res.RuleIndex].ID != f.Rule:
			t.Errorf("result %d: rule %s index %d", i, res.RuleID, res.RuleIndex)
		case res.PartialFingerprints[FingerprintKey] != f.ID:
			t.Errorf("result %d: fingerprint %v, want %s", i, res.PartialFingerprints, f.ID)
		case res.Level != levels[f.Severity]:
			t.Errorf("result %d: level %s for %s", i, res.Level, f.Severity)
		case (len(res.Suppressions) == 1) != st.Suppressed:
			t.Errorf("result %d (%s): suppressions %v, suppressed %v", i, f.Rule, res.Suppressions, st.Suppressed)
		case res.BaselineState != st.Baseline:
			t.Errorf("result %d: baseline %q, want %q", i, res.BaselineState, st.Baseline)
		case st.WaiverExpired && !strings.Contains(res.Message.Text, "waiver expired on 2026-10-31"):
			t.Errorf("result %d: expired waiver not said: %s", i, res.Message.Text)
		case len(res.RelatedLocations) != len(f.Evidence):
			t.Errorf("result %d: %d related locations for %d evidence records", i, len(res.RelatedLocations), len(f.Evidence))
		}
		for j, rl := range res.RelatedLocations {
			if want := lines[f.Evidence[j]]; want == 0 || rl.PhysicalLocation.Region == nil || rl.PhysicalLocation.Region.StartLine != want {
				t.Errorf("result %d evidence %d: region %+v, want line %d", i, j, rl.PhysicalLocation.Region, want)
			}
		}
		if u := findingURL(f); u != "" && res.Locations[0].PhysicalLocation.ArtifactLocation.URI != u {
			t.Errorf("result %d: location %+v, want %s", i, res.Locations[0], u)
		}
	}
}

func TestSARIFImportLocations(t *testing.T) {
	rep := &policies.Report{Platform: "self-audit", Findings: []policies.Finding{
		{ID: "1111111111111111", Rule: "BJ-DEPR-ART49-SME", Severity: "high", Summary: "boosted", Evidence: []string{"m1", "i1"}, Metrics: map[string]any{}},
		{ID: "2222222222222222", Rule: "BJ-DEPR-ART49-SME", Severity: "high", Summary: "row", Evidence: []string{"m1"}, Metrics: map[string]any{"file": "prices.csv", "line": 7.0}},
	}}
	in := &Input{Report: rep, Records: []evidence.Record{{ID: "i1", Kind: evidence.KindImport, URL: "file:ranking.csv"}, {ID: "m1", Kind: evidence.KindMeasurement}},
		Imports: map[string]string{"ranking.csv": "exports/ranking.csv"}}
	var log readSARIF
	b := render(t, FormatSARIF, in)
	validateSARIF(t, sarifSchema(t), b)
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatal(err)
	}
	loc := log.Runs[0].Results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "exports/ranking.csv" || loc.Region != nil {
		t.Errorf("import record location: %+v", loc)
	}
	loc = log.Runs[0].Results[1].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "prices.csv" || loc.Region == nil || loc.Region.StartLine != 7 {
		t.Errorf("file and line from metrics: %+v", loc)
	}
}

func TestSARIFFingerprintsIgnoreHostAndRecords(t *testing.T) {
	a := demo(t)
	b := demo(t)
	// The same findings seen through another port, without records.
	raw, _ := json.Marshal(b.Report)
	moved := strings.ReplaceAll(string(raw), "127.0.0.1:38279", "127.0.0.1:41000")
	var rep policies.Report
	if err := json.Unmarshal([]byte(moved), &rep); err != nil {
		t.Fatal(err)
	}
	b.Report, b.Records = &rep, nil
	fps := func(in *Input) []string {
		var log readSARIF
		if err := json.Unmarshal(render(t, FormatSARIF, in), &log); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range log.Runs[0].Results {
			out = append(out, r.PartialFingerprints[FingerprintKey])
		}
		return out
	}
	if fa, fb := fps(a), fps(b); !slices.Equal(fa, fb) || len(fa) == 0 {
		t.Fatalf("fingerprints differ:\n%v\n%v", fa, fb)
	}
}

type readJUnit struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Tests int    `xml:"tests,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Class   string `xml:"classname,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, b []byte) readJUnit {
	t.Helper()
	var j readJUnit
	if err := xml.Unmarshal(b, &j); err != nil {
		t.Fatalf("JUnit is not XML: %v", err)
	}
	return j
}

func TestJUnitCountsMatchFindings(t *testing.T) {
	in := demo(t)
	j := parseJUnit(t, render(t, FormatJUnit, in))
	rep := in.Report
	statuses := map[string]int{}
	for _, c := range rep.Coverage {
		statuses[c.Status]++
	}
	if len(j.Suites) != 1 || j.Tests != len(rep.Coverage) || j.Suites[0].Tests != len(rep.Coverage) {
		t.Fatalf("tests %d, coverage %d", j.Tests, len(rep.Coverage))
	}
	if j.Failures != statuses["fail"] || j.Skipped != statuses["unknown"]+statuses["not_applicable"] || j.Errors != 0 {
		t.Fatalf("failures %d skipped %d errors %d; coverage %v", j.Failures, j.Skipped, j.Errors, statuses)
	}
	cases := map[string]int{}
	for i, c := range j.Suites[0].Cases {
		cases[strings.SplitN(c.Name, ":", 2)[0]] = i
	}
	for _, f := range rep.Findings {
		c := j.Suites[0].Cases[cases[f.Rule]]
		if c.Failure == nil || !strings.Contains(c.Failure.Text, f.ID) || !strings.Contains(c.Failure.Text, f.Summary) ||
			!strings.Contains(c.Failure.Text, f.Citations[0].Instrument+" "+f.Citations[0].Article) {
			t.Errorf("finding %s (%s) not in its test case's failure", f.ID, f.Rule)
		}
	}
	for _, cov := range rep.Coverage {
		c := j.Suites[0].Cases[cases[cov.Rule]]
		if cov.Status == "unknown" && (c.Skipped == nil || !strings.Contains(c.Skipped.Message, cov.Reason)) {
			t.Errorf("%s: unknown should be skipped with its reason, got %+v", cov.Rule, c)
		}
	}
}

func TestJUnitWaiversAndBaseline(t *testing.T) {
	in := triaged(t)
	j := parseJUnit(t, render(t, FormatJUnit, in))
	var failing []string
	for _, c := range j.Suites[0].Cases {
		rule := strings.SplitN(c.Name, ":", 2)[0]
		if c.Failure != nil {
			failing = append(failing, rule)
		}
		if rule == "CN-ECL-ART33-PUBLISH" && (c.Skipped == nil || !strings.HasPrefix(c.Skipped.Message, "waived until 2026-12-31")) {
			t.Errorf("waived rule: %+v", c)
		}
	}
	// Only the rules with new findings fail.
	if want := []string{"CN-ECL-ART37-SELFOP", "EU-P2B-ART3-TC"}; !slices.Equal(failing, want) || j.Failures != 2 {
		t.Fatalf("failing %v (%d), want %v", failing, j.Failures, want)
	}
}

func TestJUnitUnknownStatuses(t *testing.T) {
	rep := &policies.Report{Platform: "P", Findings: []policies.Finding{}, Coverage: []policies.Coverage{
		{Rule: "A", Status: "error", Reason: "policy crashed"}, {Rule: "B", Status: "deferred", Reason: "later"}}}
	j := parseJUnit(t, render(t, FormatJUnit, &Input{Report: rep}))
	c := j.Suites[0].Cases
	if j.Errors != 1 || c[0].Error == nil || c[0].Error.Message != "policy crashed" || c[1].Skipped == nil || c[1].Skipped.Message != "deferred: later" {
		t.Fatalf("%+v", j)
	}
}

func TestTextCoverage(t *testing.T) {
	in := demo(t)
	out := string(render(t, FormatText, in))
	// Every obligation that needs a person is listed, with its title.
	for _, c := range in.Report.Coverage {
		o, _ := in.Catalog.Lookup(c.Rule)
		if c.Status == "unknown" && !o.Automated && !strings.Contains(out, "  "+c.Rule+"  ") {
			t.Errorf("manual obligation %s not listed", c.Rule)
		}
	}
	if !strings.Contains(out, "Needs manual review (12)") && !strings.Contains(out, "Needs manual review (") {
		t.Errorf("no manual review section:\n%s", out)
	}
	if !strings.HasPrefix(out, "Shopmart: 35 findings (19 high, 16 medium, 0 low, 0 info); 22 obligations checked; 7352 evidence records\n") {
		t.Errorf("header: %s", strings.SplitN(out, "\n", 2)[0])
	}
}

// A scan that ran only some probes counts only what they checked and
// does not blame the profile for the others.
func TestTextProbesNotRun(t *testing.T) {
	cat := catalog(t)
	rep := &policies.Report{Platform: "P", Findings: []policies.Finding{
		{ID: "1111111111111111", Rule: "CN-ECL-ART33-PUBLISH", Title: "t", Severity: "high", Family: "rules", Summary: "s", Evidence: []string{"m"}, Metrics: map[string]any{}},
	}, Coverage: []policies.Coverage{
		{Rule: "CN-ECL-ART33-PUBLISH", Status: "fail", Reason: "see findings"},
		{Rule: "EU-P2B-ART3-TC", Status: "pass", Reason: "checked; no breach found"},
		{Rule: "CN-PIPL-ART45-PORTABILITY", Status: "unknown", Reason: "the profile configures no interoperability checks (interop)"},
		{Rule: "CN-AML-ART9", Status: "unknown", Reason: "not checked automatically yet; needs manual review"},
		{Rule: "EU-DMA-ART6-7-INTEROP", Status: "not_applicable", Reason: "gatekeepers only"},
	}, Summary: policies.Summary{High: 1, RulesEvaluated: 22, Records: 1}}
	in := &Input{Report: rep, Catalog: cat, Records: []evidence.Record{{ID: "r", Kind: evidence.KindExchange, Probe: "robots"}, {ID: "m", Kind: evidence.KindMeasurement, Probe: "terms"}}}
	out := string(render(t, FormatText, in))
	for _, want := range []string{
		"P: 1 finding (1 high, 0 medium, 0 low, 0 info); 2 obligations checked; 1 evidence record\n",
		"CN-PIPL-ART45-PORTABILITY  not checked: the interop probe did not run (probes run: terms)\n",
		"Coverage: 1 fail, 1 pass, 2 unknown, 1 not applicable\n",
		"CN-PIPL-ART45-PORTABILITY  not checked: the interop probe did not run (probes run: terms)",
		"Needs manual review (1): ",
		"  CN-AML-ART9  No monopolistic conduct",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "profile configures") {
		t.Errorf("blames the profile for a probe that did not run:\n%s", out)
	}
	// With the interop probe in the run, its own reason stands.
	in.Records = append(in.Records, evidence.Record{ID: "x", Kind: evidence.KindMeasurement, Probe: "interop"})
	if out := string(render(t, FormatText, in)); !strings.Contains(out, "the profile configures no interoperability checks") {
		t.Errorf("policy reason replaced although the probe ran:\n%s", out)
	}
}

func TestTextWaiversAndBaseline(t *testing.T) {
	out := string(render(t, FormatText, triaged(t)))
	for _, want := range []string{
		"Waivers: 2 findings suppressed (reported, not failing); 1 finding whose waiver expired, reported again\n",
		"Baseline: 3 new, 32 unchanged (only new findings fail)\n",
		"waived until 2026-12-31 by legal@shopmart.example: the rules page moves into the footer with release 42 (testdata/demo/waivers.yaml:2)",
		"WAIVER EXPIRED on 2026-10-31 (testdata/demo/waivers.yaml:8, approved by cfo@shopmart.example: loyalty pricing under review with the regulator); the finding counts again",
		"baseline: new",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

func TestMarkdownEscapesPlatformText(t *testing.T) {
	rep := &policies.Report{Platform: "P|<b>", Findings: []policies.Finding{{ID: "1111111111111111", Rule: "R", Severity: "high", Summary: "a | b <script>alert(1)</script> *x*",
		Quote: "[link](javascript:alert(1))", Evidence: []string{"e"}, Metrics: map[string]any{"url": "http://p.example/a><img src=x>"}}},
		Coverage: []policies.Coverage{{Rule: "R", Status: "fail", Reason: "x|y"}}}
	out := string(render(t, FormatMarkdown, &Input{Report: rep}))
	for _, bad := range []string{"<script>", "<b>", "[link](", "a | b", "x|y", "<img"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown passes %q through:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, `a \| b &lt;script&gt;`) {
		t.Errorf("escaped summary missing:\n%s", out)
	}
}

// The HTML report names no resource outside itself, and each chart has a
// title, a description and its data.
func TestHTMLIsSelfContained(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		in := demo(t)
		in.Lang = lang
		doc, err := html.Parse(bytes.NewReader(render(t, FormatHTML, in)))
		if err != nil {
			t.Fatal(err)
		}
		var svgs, figures, csp int
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "link", "img", "iframe", "object", "embed", "video", "audio", "source":
					t.Errorf("%s: <%s> in a self-contained report", lang, n.Data)
				case "meta":
					if attr(n, "http-equiv") == "Content-Security-Policy" && strings.HasPrefix(attr(n, "content"), "default-src 'none'") {
						csp++
					}
				case "figure":
					figures++
				case "svg":
					svgs++
					if !hasChild(n, "title") || !hasChild(n, "desc") || attr(n, "role") != "img" {
						t.Errorf("%s: chart without title, desc or role", lang)
					}
				case "style":
					if strings.Contains(text(n), "url(") || strings.Contains(text(n), "@import") {
						t.Errorf("%s: style loads something", lang)
					}
				}
				for _, a := range n.Attr {
					if a.Key == "src" || a.Key == "srcset" || a.Key == "style" && strings.Contains(a.Val, "url(") {
						t.Errorf("%s: %s=%q", lang, a.Key, a.Val)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if svgs != 3 || figures != 3 || csp != 1 {
			t.Errorf("%s: %d charts in %d figures, %d CSP", lang, svgs, figures, csp)
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasChild(n *html.Node, tag string) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == tag && strings.TrimSpace(text(c)) != "" {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestChartData(t *testing.T) {
	v := newView(demo(t))
	rows := v.priceRows()
	if len(rows) != 12 {
		t.Fatalf("%d price rows, want 12 (6 personas, two phases)", len(rows))
	}
	byName := map[string]priceRow{}
	for _, r := range rows {
		byName[r.Persona+"/"+r.Phase] = r
	}
	if r := byName["loyal_user/personalised"]; r.Effect != 5 || r.Reference != "new_user" || !r.Named || r.Role != "treatment" {
		t.Errorf("loyal_user: %+v", r)
	}
	if r := byName["control_a/personalised"]; r.Named || r.Role != "control" {
		t.Errorf("control_a: %+v", r)
	}
	d, ok := v.rankData()
	if !ok || d.Aggregate || d.Queries != 9 || len(d.Positions) != 6 || d.Positions[0].Share != 1 {
		t.Fatalf("rank data: %+v", d)
	}
	if fmt.Sprintf("%.4f", d.Expected) != "0.1667" {
		t.Errorf("expected share %v", d.Expected)
	}

	// Without records the charts fall back to what the findings carry.
	in := demo(t)
	in.Records = nil
	v = newView(in)
	rows = v.priceRows()
	if len(rows) == 0 || slices.ContainsFunc(rows, func(r priceRow) bool { return r.Role == "control" }) {
		t.Errorf("price rows from findings: %+v", rows)
	}
	d, ok = v.rankData()
	if !ok || !d.Aggregate || len(d.Positions) != 2 || d.Positions[0].Share != 1 || d.TopK != 10 {
		t.Errorf("rank data from metrics: %+v", d)
	}
	// A report with no pricing or ranking says so instead of drawing.
	v = newView(&Input{Report: sample(t)})
	if c := v.priceChart(); c.Empty == "" || c.Desc == "" {
		t.Errorf("empty price chart: %+v", c)
	}
	if c := v.rankChart(); c.Empty == "" {
		t.Errorf("empty rank chart: %+v", c)
	}
}

func TestNiceTicks(t *testing.T) {
	ticks, lo, hi := niceTicks(-0.53, 5.31)
	if lo > -0.53 || hi < 5.31 || len(ticks) < 4 || len(ticks) > 8 || !slices.Contains(ticks, 0) {
		t.Fatalf("ticks %v over [%v, %v]", ticks, lo, hi)
	}
}

// The effects table rounds the stored decimal half away from zero, as the
// complaint letters do: 546.155 is 546.16 in both (printf's %.2f said
// 546.15 because the float64 lies just below).
func TestTextEffectsRounding(t *testing.T) {
	var rep policies.Report
	if err := json.Unmarshal([]byte(`{"platform":"P","findings":[{"id":"x","rule":"R","title":"t","severity":"high","family":"pricing",
		"metrics":{"persona":"loyal_user","reference":"new_user","products":[
		{"product":"/p/1005","persona_median":546.155,"reference_median":520.905,"effect_pct":4.85,"ci_low":4.75,"ci_high":5.25}]}}]}`), &rep); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := (Text{}).Write(&buf, &Input{Report: &rep}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"546.16", "520.91", "+4.9%", "[4.8, 5.3]"} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("report lacks %s:\n%s", want, buf.String())
		}
	}
}
