package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platscan/platscan/internal/golden"
)

// loadInput reads an input recorded from a fixture scan
// (testdata/inputs, written by go test ./scan -run TestRecordedInputs
// -update).
func loadInput(t *testing.T, name string) *Input {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "inputs", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var in Input
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	return &in
}

// The policies judged on what the probes really write: the compliant
// platform gives no breach, the violating one its breaches, the bare one
// unknowns where nothing was read; the verdicts are kept as goldens.
func TestPoliciesOnRecordedInputs(t *testing.T) {
	e := engine(t, Options{})
	for _, name := range []string{"shopmart", "fairmarket", "baremart"} {
		t.Run(name, func(t *testing.T) {
			in := loadInput(t, name)
			if err := Validate(in); err != nil {
				t.Fatalf("the recorded input no longer validates: %v", err)
			}
			rep, err := e.Evaluate(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			status := map[string]string{}
			for _, c := range rep.Coverage {
				status[c.Rule] = c.Status
				fmt.Fprintf(&b, "%-30s %-15s %s\n", c.Rule, c.Status, c.Reason)
			}
			for _, f := range rep.Findings {
				fmt.Fprintf(&b, "finding %s %s: %s\n", f.Severity, f.Rule, f.Summary)
			}
			golden.Compare(t, filepath.Join("testdata", "inputs", name+".verdict.golden"), []byte(b.String()))
			switch name {
			case "fairmarket":
				for _, f := range rep.Findings {
					if f.Severity != "info" {
						t.Errorf("compliant platform: %s %s", f.Rule, f.Summary)
					}
				}
			case "shopmart":
				for _, id := range []string{"CN-ECL-ART33-PUBLISH", "CN-ECL-ART34-NOTICE7", "CN-ECL-ART35-NOUNREASON", "CN-ALGO-ART21-PRICE",
					"CN-AUCL25-ART13", "BJ-DEPR-ART49-CONSUMER", "CN-ECL-ART37-SELFOP", "CN-ECL-ART40-RANKING"} {
					if status[id] != StatusFail {
						t.Errorf("violating platform: %s is %s", id, status[id])
					}
				}
			case "baremart":
				for _, id := range []string{"CN-ECL-ART37-SELFOP", "CN-ECL-ART40-RANKING", "CN-ALGO-ART21-PRICE", "BJ-DEPR-ART49-SME"} {
					if status[id] == StatusPass {
						t.Errorf("bare markup: %s passes with nothing read", id)
					}
				}
			}
		})
	}
}
