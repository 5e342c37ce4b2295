package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/report"
)

// The demo's reports in the machine formats: the SARIF log validates
// against the official SARIF 2.1.0 schema, and the JUnit counts are the
// coverage's.
func TestDemoMachineReports(t *testing.T) {
	dir, _ := sharedDemo(t)
	shop := filepath.Join(dir, "shopmart")
	var rep policies.Report
	b, err := os.ReadFile(filepath.Join(shop, "findings.json"))
	if err != nil || json.Unmarshal(b, &rep) != nil {
		t.Fatal(err)
	}

	code, out, stderr := platscan(t, "eval", shop, "--format", "sarif")
	if code != exitFindings {
		t.Fatalf("eval sarif: %d %s", code, stderr)
	}
	schemaFile, err := os.Open("../../report/testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer schemaFile.Close()
	doc, err := jsonschema.UnmarshalJSON(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(report.SARIFSchema, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(report.SARIFSchema)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("the demo's SARIF is not valid SARIF 2.1.0: %v", err)
	}
	var log struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs[0].Results) != len(rep.Findings) {
		t.Fatalf("%v: %d results for %d findings", err, len(log.Runs[0].Results), len(rep.Findings))
	}

	code, out, stderr = platscan(t, "report", shop, "--format", "junit")
	if code != exitOK {
		t.Fatalf("report junit: %d %s", code, stderr)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Cases    []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
		} `xml:"testsuite>testcase"`
	}
	if err := xml.NewDecoder(bytes.NewReader([]byte(out))).Decode(&suites); err != nil {
		t.Fatal(err)
	}
	status := map[string]int{}
	for _, c := range rep.Coverage {
		status[c.Status]++
	}
	if suites.Tests != len(rep.Coverage) || suites.Failures != status["fail"] || suites.Skipped != status["unknown"]+status["not_applicable"] || len(suites.Cases) != suites.Tests {
		t.Fatalf("JUnit tests %d failures %d skipped %d; coverage %v", suites.Tests, suites.Failures, suites.Skipped, status)
	}
	failed := map[string]bool{}
	for _, c := range suites.Cases {
		if c.Failure != nil {
			failed[strings.SplitN(c.Name, ":", 2)[0]] = true
		}
	}
	for _, f := range rep.Findings {
		// An info finding names a condition the scan could not establish:
		// its obligation is not failed (unknown or not applicable).
		if f.Condition == "" && !failed[f.Rule] {
			t.Errorf("finding %s of %s has no failing test case", f.ID, f.Rule)
		}
		if f.Condition != "" && failed[f.Rule] {
			t.Errorf("conditional finding %s of %s fails its test case", f.ID, f.Rule)
		}
	}

	// Markdown for a pull-request comment fits one (GitHub's limit is
	// 65536 characters).
	code, out, _ = platscan(t, "report", shop, "--format", "md")
	if code != exitOK || len(out) > 65536 || !strings.HasPrefix(out, "## platscan report: Shopmart\n") {
		t.Fatalf("markdown: %d, %d bytes", code, len(out))
	}
}
