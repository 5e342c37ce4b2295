package policies

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/platscan/platscan/rules"
)

// RuleMeta is what a policy's METADATA block says about a catalog id.
type RuleMeta struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Package  string `json:"package"`
	File     string `json:"file"`
	Row      int    `json:"row"`
}

// collectMeta checks that every policy sits under package platscan.<x> and
// that every findings rule carries a METADATA block whose custom section
// names a catalog id (rule:) and a severity (severity:).
func collectMeta(modules map[string]*ast.Module, cat *rules.Catalog) (map[string]RuleMeta, error) {
	meta := map[string]RuleMeta{}
	for _, n := range slices.Sorted(maps.Keys(modules)) {
		m := modules[n]
		pkg := packageName(m)
		if !strings.HasPrefix(pkg, "platscan.") || pkg == "platscan.thresholds" || pkg == "platscan.catalog" {
			return nil, &PolicyError{File: n, Row: m.Package.Location.Row, Msg: fmt.Sprintf("package %s: policies must live under package platscan.<family> (thresholds and catalog are reserved)", pkg)}
		}
		for _, r := range m.Rules {
			if ruleName(r) != "findings" {
				continue
			}
			rm, err := ruleMeta(n, pkg, r, cat)
			if err != nil {
				return nil, err
			}
			if prev, ok := meta[rm.Rule]; ok && prev.Severity != rm.Severity {
				return nil, &PolicyError{File: n, Row: rm.Row, Msg: fmt.Sprintf("%s has severity %s here but %s at %s:%d", rm.Rule, rm.Severity, prev.Severity, prev.File, prev.Row)}
			}
			if _, ok := meta[rm.Rule]; !ok {
				meta[rm.Rule] = rm
			}
		}
	}
	return meta, nil
}

func ruleMeta(file, pkg string, r *ast.Rule, cat *rules.Catalog) (RuleMeta, error) {
	row := r.Location.Row
	fail := func(format string, args ...any) error {
		return &PolicyError{File: file, Row: row, Msg: fmt.Sprintf(format, args...)}
	}
	var a *ast.Annotations
	for _, x := range r.Annotations {
		if x.Scope == "rule" {
			a = x
		}
	}
	if a == nil {
		return RuleMeta{}, fail("findings rule needs a METADATA block with custom.rule and custom.severity")
	}
	id, _ := a.Custom["rule"].(string)
	sev, _ := a.Custom["severity"].(string)
	if id == "" {
		return RuleMeta{}, fail("METADATA custom.rule must name a catalog id")
	}
	if _, ok := cat.Lookup(id); !ok {
		return RuleMeta{}, fail("METADATA custom.rule %s is not in the rules catalog (see `platscan rules list`)", id)
	}
	if !slices.Contains(rules.Severities, sev) {
		return RuleMeta{}, fail("METADATA custom.severity %q is not one of %v", sev, rules.Severities)
	}
	return RuleMeta{Rule: id, Severity: sev, Title: a.Title, Package: pkg, File: file, Row: row}, nil
}
