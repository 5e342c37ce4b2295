package policies

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// evalAll evaluates every policy in one query: the fast path, taken
// whenever no policy fails.
func (e *Engine) evalAll(ctx context.Context, v ast.Value) (judgement, error) {
	j := judgement{failed: map[string]string{}}
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(v))
	if err != nil {
		return j, err
	}
	if len(rs) == 0 {
		return j, nil
	}
	for _, b := range e.bindings {
		if err := j.add(b.rule, rs[0].Bindings[b.name]); err != nil {
			return j, fmt.Errorf("data.%s.%s: malformed output: %w", b.pkg, b.rule, err)
		}
	}
	return j, nil
}

// add decodes one rule's output into j.
func (j *judgement) add(rule string, out any) error {
	vals, err := json.Marshal(out)
	if err != nil {
		return err
	}
	switch rule {
	case "findings":
		var fs []rawFinding
		err = json.Unmarshal(vals, &fs)
		j.found = append(j.found, fs...)
	case "unknown":
		var us []rawUnknown
		err = json.Unmarshal(vals, &us)
		j.unknown = append(j.unknown, us...)
	case "checked":
		var cs []rawChecked
		err = json.Unmarshal(vals, &cs)
		j.checked = append(j.checked, cs...)
	}
	return err
}

// splitQuery evaluates one findings rule (one obligation), or one
// package's unknown or checked rule (all its obligations).
type splitQuery struct {
	query       rego.PreparedEvalQuery
	rule        string // findings, unknown or checked
	name        string // data path, for messages
	obligations []string
}

// evalSplit evaluates each findings rule on its own, and each package's
// unknown and checked rules, so that a policy that fails at runtime
// (a built-in given the wrong type, conflicting values) costs only the
// obligations it judges: they are marked failed with the error, and every
// other obligation is judged as usual.
func (e *Engine) evalSplit(ctx context.Context, v ast.Value) (judgement, error) {
	e.splitOnce.Do(func() { e.split, e.splitErr = e.prepareSplit(ctx) })
	if e.splitErr != nil {
		return judgement{}, e.splitErr
	}
	j := judgement{failed: map[string]string{}}
	for _, q := range e.split {
		rs, err := q.query.Eval(ctx, rego.EvalParsedInput(v))
		if err == nil && len(rs) > 0 {
			err = j.add(q.rule, rs[0].Bindings["x"])
		}
		if err != nil {
			if ctx.Err() != nil {
				return j, ctx.Err()
			}
			for _, ob := range q.obligations {
				if j.failed[ob] == "" {
					j.failed[ob] = fmt.Sprintf("policy %s failed: %v", q.name, err)
				}
			}
		}
	}
	// A failed obligation's other output is not to be trusted.
	j.found = slices.DeleteFunc(j.found, func(f rawFinding) bool { return j.failed[f.Rule] != "" })
	j.checked = slices.DeleteFunc(j.checked, func(c rawChecked) bool { return j.failed[c.Rule] != "" })
	return j, nil
}

// prepareSplit compiles a copy of the policies in which each findings rule
// has a name of its own, and prepares one query for each.
func (e *Engine) prepareSplit(ctx context.Context) ([]splitQuery, error) {
	mods := map[string]*ast.Module{}
	type target struct {
		pkg, rule, renamed string
		obligations        []string
	}
	var targets []target
	for _, name := range slices.Sorted(maps.Keys(e.modules)) {
		m := e.modules[name].Copy()
		pkg := packageName(m)
		var declared []string
		for i, r := range m.Rules {
			if ruleName(r) != "findings" {
				continue
			}
			rm, ok := ruleOwner(r)
			if !ok {
				continue
			}
			declared = append(declared, rm)
			renamed := fmt.Sprintf("findings__%s_%d", sanitize(name), i)
			r.Head.Name = ast.Var(renamed)
			r.Head.Reference = ast.Ref{ast.VarTerm(renamed)}
			targets = append(targets, target{pkg: pkg, rule: "findings", renamed: renamed, obligations: []string{rm}})
		}
		for _, kind := range []string{"unknown", "checked"} {
			if definesRule(m, kind) {
				targets = append(targets, target{pkg: pkg, rule: kind, renamed: kind, obligations: declared})
			}
		}
		mods[name] = m
	}
	// unknown and checked rules of a package name its obligations from
	// every file of the package.
	byPkg := map[string][]string{}
	for _, t := range targets {
		if t.rule == "findings" {
			byPkg[t.pkg] = append(byPkg[t.pkg], t.obligations...)
		}
	}
	c := e.newCompiler()
	if c.Compile(mods); c.Failed() {
		return nil, fmt.Errorf("policies: split evaluation: %w", astError(c.Errors))
	}
	store := inmem.NewFromObject(e.data)
	var out []splitQuery
	seen := map[string]bool{}
	for _, t := range targets {
		path := t.pkg + "." + t.renamed
		if seen[path] {
			continue
		}
		seen[path] = true
		q, err := rego.New(rego.Query("x = data."+path), rego.Compiler(c), rego.Store(store), rego.StrictBuiltinErrors(true)).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("prepare policy %s: %w", path, err)
		}
		obs := t.obligations
		if t.rule != "findings" {
			obs = byPkg[t.pkg]
		}
		out = append(out, splitQuery{query: q, rule: t.rule, name: "data." + t.pkg + "." + t.rule, obligations: obs})
	}
	return out, nil
}

// ruleOwner returns the catalog id a findings rule's METADATA names.
func ruleOwner(r *ast.Rule) (string, bool) {
	for _, a := range r.Annotations {
		if a.Scope == "rule" {
			id, ok := a.Custom["rule"].(string)
			return id, ok && id != ""
		}
	}
	return "", false
}

func definesRule(m *ast.Module, name string) bool {
	return slices.ContainsFunc(m.Rules, func(r *ast.Rule) bool { return ruleName(r) == name })
}

// sanitize turns a file name into a Rego identifier fragment.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}
