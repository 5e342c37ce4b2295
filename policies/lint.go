package policies

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/platscan/platscan/measure"
)

// checkParamFields closes the one gap in OPA's schema checking: inside a
// function, a parameter has no type, so `m.detial` on a measurement
// passed in is not checked. Every field read from a parameter must be a
// field some object of the input schema has, or a key the policies
// themselves build into an object (findings, lookup tables); anything
// else is a typo that would leave the function undefined and the rule
// silently quiet.
func checkParamFields(modules map[string]*ast.Module) error {
	known, err := schemaFields()
	if err != nil {
		return err
	}
	for _, m := range modules {
		ast.WalkTerms(m, func(t *ast.Term) bool {
			if obj, ok := t.Value.(ast.Object); ok {
				obj.Foreach(func(k, _ *ast.Term) {
					if s, ok := k.Value.(ast.String); ok {
						known[string(s)] = true
					}
				})
			}
			return false
		})
	}
	for _, name := range slices.Sorted(maps.Keys(modules)) {
		for _, r := range modules[name].Rules {
			if len(r.Head.Args) == 0 {
				continue
			}
			params := map[ast.Var]bool{}
			for _, a := range r.Head.Args {
				if v, ok := a.Value.(ast.Var); ok {
					params[v] = true
				}
			}
			var bad *ast.Term
			var field string
			ast.WalkRefs(r, func(ref ast.Ref) bool {
				if bad != nil || len(ref) < 2 {
					return bad != nil
				}
				v, ok := ref[0].Value.(ast.Var)
				s, isStr := ref[1].Value.(ast.String)
				if ok && isStr && params[v] && !known[string(s)] {
					bad, field = ref[0], string(s)
				}
				return false
			})
			if bad != nil {
				pe := &PolicyError{File: name, Msg: fmt.Sprintf("rego_type_error: %s.%s: no object of the input has a field %q (docs/input.md)", bad.Value, field, field)}
				if bad.Location != nil {
					pe.Row, pe.Col = bad.Location.Row, bad.Location.Col
				}
				return pe
			}
		}
	}
	return nil
}

// schemaFields lists every property name the input schema defines, at
// any depth.
func schemaFields() (map[string]bool, error) {
	b, err := measure.Schema("")
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok {
				for k := range props {
					out[k] = true
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	return out, nil
}
