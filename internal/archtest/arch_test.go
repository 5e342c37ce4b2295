// Package archtest checks the dependency rules of design.md: probes never
// import rules or policies, policies never import probes, the leaf
// packages import no other platscan package, and only cmd wires things
// together.
package archtest

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/platscan/platscan"

func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	forbidden := map[string][]string{
		"evidence": {"rules", "profile", "probes", "policies", "scan", "report", "fixtures"},
		"rules":    {"evidence", "profile", "probes", "policies", "scan", "report", "fixtures"},
		"profile":  {"evidence", "rules", "probes", "policies", "scan", "report", "fixtures"},
		"fixtures": {"evidence", "rules", "profile", "probes", "policies", "scan", "report", "internal"},
		"probes":   {"rules", "policies", "scan", "report"},
		"policies": {"probes", "scan", "report", "profile", "fixtures"},
		"scan":     {"report", "cmd", "fixtures"},
		"report":   {"scan", "probes", "cmd", "fixtures"},
		// complaint reads a finished run (scan.LoadProfile for the stored
		// profile) and renders; it never probes.
		"complaint": {"probes", "cmd", "fixtures", "report"},
		"waiver":    {"scan", "probes", "report", "profile", "cmd", "fixtures"},
		// measure is the leaf contract probes, scan and policies share.
		"measure":  {"evidence", "rules", "profile", "probes", "policies", "scan", "report", "fixtures", "internal", "complaint", "waiver"},
		"internal": {"evidence", "rules", "profile", "probes", "policies", "scan", "report", "fixtures"},
	}
	checked := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		top := strings.SplitN(rel, "/", 2)[0]
		rules, ok := forbidden[top]
		if !ok {
			continue
		}
		checked++
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			irel := strings.TrimPrefix(imp, module+"/")
			itop := strings.SplitN(irel, "/", 2)[0]
			for _, bad := range rules {
				if itop == bad && !(top == "internal" && strings.HasPrefix(irel, "internal/")) {
					t.Errorf("%s imports %s (design.md: %s must not depend on %s)", rel, irel, top, bad)
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d packages checked", checked)
	}
}
