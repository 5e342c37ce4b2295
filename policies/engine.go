// Package policies judges measurements against the law. The Rego v1
// policies under rego/ (and any the user adds with --policy) are compiled
// once with restricted capabilities into a prepared query; Evaluate runs it
// over a policy input document and assembles the findings report, with
// citations from the rules catalog and a coverage line for every
// obligation.
package policies

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/rules"
)

//go:embed rego/*.rego data/thresholds.yaml
var builtin embed.FS

// Options configure an Engine.
type Options struct {
	// Catalog supplies citations and is loaded as data.platscan.catalog.
	Catalog *rules.Catalog
	// PolicyDirs are user directories of .rego files, evaluated beside the
	// built-in policies and held to the same rules.
	PolicyDirs []string
	// DataFiles override data (thresholds under platscan.thresholds, or the
	// user's own keys), applied in order.
	DataFiles []string
}

// Engine is a compiled, ready-to-evaluate policy bundle.
type Engine struct {
	catalog    *rules.Catalog
	query      rego.PreparedEvalQuery
	queryText  string
	bindings   []binding
	meta       map[string]RuleMeta
	data       map[string]any
	bundleHash string
	sources    []source // every module, tests included, for Test
	schemas    *ast.SchemaSet
	modules    map[string]*ast.Module // the parsed policies, for split evaluation

	// split holds one query per findings rule, prepared on the first
	// evaluation that fails, to tell which obligation failed.
	splitOnce sync.Once
	split     []splitQuery
	splitErr  error
}

// binding names one query variable and the package rule it holds.
type binding struct {
	name, pkg, rule string
}

// ruleKinds are the rules a policy package may define for the engine:
// findings (breaches), unknown (obligations it could not judge, with
// why) and checked (obligations it had the input to judge).
var ruleKinds = []string{"findings", "unknown", "checked"}

type source struct {
	name string
	text string
	test bool
}

// New loads, checks and compiles the policies.
func New(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Catalog == nil {
		return nil, errors.New("policies: no catalog")
	}
	e := &Engine{catalog: opts.Catalog}
	srcs, err := loadSources(opts.PolicyDirs)
	if err != nil {
		return nil, err
	}
	e.sources = srcs
	if e.data, err = loadData(opts.Catalog, opts.DataFiles); err != nil {
		return nil, err
	}
	modules := map[string]*ast.Module{}
	h := sha256.New()
	for _, s := range srcs {
		fmt.Fprintf(h, "%s\x00%s\x00", s.name, s.text)
		if s.test {
			continue
		}
		m, err := ast.ParseModuleWithOpts(s.name, s.text, parserOptions())
		if err != nil {
			return nil, astError(err)
		}
		modules[s.name] = m
	}
	dataJSON, err := json.Marshal(e.data)
	if err != nil {
		return nil, fmt.Errorf("policies: data: %w", err)
	}
	fmt.Fprintf(h, "data\x00%s", dataJSON)
	e.bundleHash = hex.EncodeToString(h.Sum(nil))

	if e.meta, err = collectMeta(modules, opts.Catalog); err != nil {
		return nil, err
	}
	if e.schemas, err = inputSchemas(); err != nil {
		return nil, err
	}
	compiler := e.newCompiler()
	if compiler.Compile(modules); compiler.Failed() {
		return nil, astError(compiler.Errors)
	}
	if err := checkParamFields(modules); err != nil {
		return nil, err
	}
	e.modules = modules
	e.bindings = queryBindings(modules)
	if len(e.bindings) == 0 {
		return nil, errors.New("policies: no package under platscan defines findings")
	}
	var q []string
	for _, b := range e.bindings {
		q = append(q, fmt.Sprintf("%s = data.%s.%s", b.name, b.pkg, b.rule))
	}
	e.queryText = strings.Join(q, "; ")
	e.query, err = rego.New(
		rego.Query(e.queryText),
		rego.Compiler(compiler),
		rego.Store(inmem.NewFromObject(e.data)),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare policies: %w", err)
	}
	return e, nil
}

// newCompiler returns a compiler with the engine's capabilities that
// type-checks every reference to input against the input schema: a
// policy that reads a field no measurement has fails to compile.
func (e *Engine) newCompiler() *ast.Compiler {
	return ast.NewCompiler().WithCapabilities(Capabilities()).WithSchemas(e.schemas)
}

// inputSchemas loads the input document's schema, generated from the
// measurement types, as the schema of input.
func inputSchemas() (*ast.SchemaSet, error) {
	b, err := measure.Schema("")
	if err != nil {
		return nil, err
	}
	var s any
	if err := util.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	ss := ast.NewSchemaSet()
	ss.Put(ast.SchemaRootRef, s)
	return ss, nil
}

func parserOptions() ast.ParserOptions {
	return ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1, Capabilities: Capabilities()}
}

// forbiddenBuiltins are removed from the capabilities: policies must not
// reach the network or the host, and must judge stored evidence the same
// way every time, so nothing that reads the clock or randomness either.
var forbiddenBuiltins = []string{"http.send", "opa.runtime", "time.now_ns", "rand.intn", "uuid.rfc4122"}

// Capabilities returns OPA's capabilities less the forbidden built-ins and
// every net.* built-in, with no network hosts allowed.
func Capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	kept := c.Builtins[:0]
	for _, b := range c.Builtins {
		if slices.Contains(forbiddenBuiltins, b.Name) || strings.HasPrefix(b.Name, "net.") {
			continue
		}
		kept = append(kept, b)
	}
	c.Builtins = kept
	c.AllowNet = []string{}
	return c
}

// loadSources reads the built-in policies and every .rego file under dirs,
// sorted by name. Names of user files are their paths, so errors point at
// them.
func loadSources(dirs []string) ([]source, error) {
	var out []source
	names, _ := fs.Glob(builtin, "rego/*.rego")
	for _, n := range names {
		b, err := builtin.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, source{name: "policies/" + n, text: string(b), test: strings.HasSuffix(n, "_test.rego")})
	}
	for _, dir := range dirs {
		fi, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("policy directory: %w", err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("policy directory %s: not a directory", dir)
		}
		err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out = append(out, source{name: path, text: string(b), test: strings.HasSuffix(path, "_test.rego")})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("policy directory %s: %w", dir, err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// queryBindings lists, for every package under data.platscan, the
// findings, unknown and checked rules it defines.
func queryBindings(modules map[string]*ast.Module) []binding {
	seen := map[string]bool{}
	var out []binding
	for _, n := range slices.Sorted(maps.Keys(modules)) {
		m := modules[n]
		pkg := packageName(m)
		for _, r := range m.Rules {
			name := ruleName(r)
			if !slices.Contains(ruleKinds, name) {
				continue
			}
			if key := pkg + "." + name; !seen[key] {
				seen[key] = true
				out = append(out, binding{name: fmt.Sprintf("b%d", len(out)), pkg: pkg, rule: name})
			}
		}
	}
	return out
}

// packageName is the module's package path without the "data." prefix.
func packageName(m *ast.Module) string { return strings.TrimPrefix(m.Package.Path.String(), "data.") }

func ruleName(r *ast.Rule) string {
	ref := r.Head.Ref()
	if len(ref) == 0 {
		return ""
	}
	return strings.Trim(ref[0].String(), `"`)
}

// BundleHash identifies the policies and data the engine judges with; it
// goes into every run's manifest.
func (e *Engine) BundleHash() string { return e.bundleHash }

// CatalogVersion is the version of the rules catalog the engine cites.
func (e *Engine) CatalogVersion() string { return e.catalog.Version() }

// Meta returns what the policies declare about each catalog id they judge.
func (e *Engine) Meta() map[string]RuleMeta { return e.meta }

// PolicyError is a problem in a policy file, with its position.
type PolicyError struct {
	File string
	Row  int
	Col  int
	Msg  string
	More int // how many further problems were found
}

func (e *PolicyError) Error() string {
	s := e.File
	if e.Row > 0 {
		s += fmt.Sprintf(":%d", e.Row)
		if e.Col > 0 {
			s += fmt.Sprintf(":%d", e.Col)
		}
	}
	s += ": " + e.Msg
	if e.More > 0 {
		s += fmt.Sprintf(" (and %d more problems)", e.More)
	}
	return s
}

// astError turns OPA's parse or compile errors into one PolicyError.
func astError(err error) error {
	var errs ast.Errors
	if errors.As(err, &errs) && len(errs) > 0 {
		first := errs[0]
		msg := strings.SplitN(first.Message, "\n", 2)[0]
		if first.Code == ast.TypeErr {
			// Name the check, so a policy author knows the schema said no.
			msg = first.Code + ": " + msg
		}
		pe := &PolicyError{Msg: msg, More: len(errs) - 1}
		if first.Location != nil {
			pe.File, pe.Row, pe.Col = first.Location.File, first.Location.Row, first.Location.Col
		}
		return pe
	}
	var one *ast.Error
	if errors.As(err, &one) {
		return astError(ast.Errors{one})
	}
	return fmt.Errorf("policies: %w", err)
}
