package policies

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// Test runs every test_ rule in the built-in and user policies (the
// *_test.rego files) against the engine's data, with the same restricted
// capabilities as evaluation.
func (e *Engine) Test(ctx context.Context) ([]*tester.Result, error) {
	mods := map[string]*ast.Module{}
	for _, s := range e.sources {
		m, err := ast.ParseModuleWithOpts(s.name, s.text, parserOptions())
		if err != nil {
			return nil, astError(err)
		}
		mods[s.name] = m
	}
	ch, err := tester.NewRunner().
		SetCompiler(e.newCompiler().WithEnablePrintStatements(true)).
		SetStore(inmem.NewFromObject(e.data)).
		SetModules(mods).
		CapturePrintOutput(true).
		RunTests(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("run policy tests: %w", astError(err))
	}
	var out []*tester.Result
	for r := range ch {
		out = append(out, r)
	}
	return out, nil
}
