package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/report"
	"github.com/platscan/platscan/rules"
	"github.com/platscan/platscan/waiver"
)

// Flags shared by the commands that judge evidence.
func judgeFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringSliceFlag{Name: "policy", Usage: "also evaluate the .rego files in `DIR` (repeatable)"},
		&cli.StringSliceFlag{Name: "data", Usage: "override thresholds or add data from `FILE` (YAML or JSON, repeatable)"},
		&cli.StringFlag{Name: "fail-on", Value: "high", Usage: "exit 1 when a finding that counts (not waived; new, with --baseline) is at or above this severity: " + oneOf(rules.Severities)},
	}, outputFlags()...)
}

// outputFlags are the flags of every command that writes a report.
func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Value: "text", Usage: "report format: " + oneOf(report.Formats())},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` instead of stdout"},
		forceFlag(),
		&cli.StringFlag{Name: "waivers", Usage: "waiver `FILE` (docs/waivers.md): matching findings are reported as suppressed and do not fail the run"},
		&cli.StringFlag{Name: "baseline", Usage: "an earlier findings.json `FILE`: only findings not in it fail the run"},
		langFlag(),
	}
}

func forceFlag() cli.Flag {
	return &cli.BoolFlag{Name: "force", Usage: "overwrite the --output file if it exists"}
}

// langFlag is the one --lang of every command that writes for people.
func langFlag() cli.Flag {
	return &cli.StringFlag{Name: "lang", Value: "en", EnvVars: []string{"PLATSCAN_LANG"}, Usage: "language of letters and of Markdown and HTML reports: en or zh"}
}

// checkLang validates --lang.
func checkLang(c *cli.Context) (string, error) {
	lang := c.String("lang")
	if lang != "en" && lang != "zh" {
		return "", inputErr(fmt.Errorf("--lang %q: use en or zh", lang))
	}
	return lang, nil
}

// oneOf lists choices for a message: "a, b or c".
func oneOf(list []string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}

// judgeParams are the settings of a command that judges evidence.
type judgeParams struct {
	policyDirs []string
	dataFiles  []string
	failOn     string
	output     outputParams
	// imports maps export file names to the paths given (check only).
	imports map[string]string
}

// outputParams say how and where a report is written.
type outputParams struct {
	format   string
	path     string
	force    bool
	waivers  string
	baseline string
	lang     string
}

func judgeParamsFrom(c *cli.Context) judgeParams {
	return judgeParams{policyDirs: c.StringSlice("policy"), dataFiles: c.StringSlice("data"), failOn: c.String("fail-on"), output: outputParamsFrom(c)}
}

func outputParamsFrom(c *cli.Context) outputParams {
	return outputParams{format: c.String("format"), path: c.String("output"), force: c.Bool("force"),
		waivers: c.String("waivers"), baseline: c.String("baseline"), lang: c.String("lang")}
}

// engine validates the params and builds the policy engine; every problem
// with a user file is an input error. It runs before any probing, so a
// typo never costs a scan.
func (p judgeParams) engine(ctx context.Context) (*policies.Engine, error) {
	if !slices.Contains(rules.Severities, p.failOn) {
		return nil, inputErr(fmt.Errorf("--fail-on %q: use %s", p.failOn, oneOf(rules.Severities)))
	}
	if err := p.output.check(); err != nil {
		return nil, err
	}
	cat, err := rules.Default()
	if err != nil {
		return nil, fmt.Errorf("rules catalog: %w", err)
	}
	e, err := policies.New(ctx, policies.Options{Catalog: cat, PolicyDirs: p.policyDirs, DataFiles: p.dataFiles})
	if err != nil {
		return nil, inputErr(err)
	}
	return e, nil
}

// check validates the output settings and the files they name.
func (o outputParams) check() error {
	if _, err := report.Get(o.format); err != nil {
		return inputErr(fmt.Errorf("--format: %w", err))
	}
	if o.lang != "en" && o.lang != "zh" {
		return inputErr(fmt.Errorf("--lang %q: use en or zh", o.lang))
	}
	if err := checkOutput(o.path, o.force); err != nil {
		return err
	}
	if _, err := o.loadWaivers(); err != nil {
		return err
	}
	_, err := o.loadBaseline()
	return err
}

// checkOutput refuses to overwrite an existing file without --force.
func checkOutput(path string, force bool) error {
	if path == "" || force {
		return nil
	}
	if _, err := os.Stat(path); err == nil {
		return inputErr(fmt.Errorf("%s exists; use --force to overwrite it", path))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return inputErr(err)
	}
	return nil
}

func (o outputParams) loadWaivers() (*waiver.Set, error) {
	if o.waivers == "" {
		return nil, nil
	}
	cat, err := rules.Default()
	if err != nil {
		return nil, err
	}
	set, err := waiver.Load(o.waivers, cat)
	if err != nil {
		return nil, inputErr(err)
	}
	return set, nil
}

func (o outputParams) loadBaseline() (*policies.Report, error) {
	if o.baseline == "" {
		return nil, nil
	}
	b, err := os.ReadFile(o.baseline)
	if err != nil {
		return nil, inputErr(fmt.Errorf("--baseline: %w", err))
	}
	var rep policies.Report
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&rep); err != nil {
		return nil, inputErr(fmt.Errorf("--baseline %s: not a findings.json: %w", o.baseline, err))
	}
	if rep.Findings == nil {
		return nil, inputErr(fmt.Errorf("--baseline %s: not a findings.json (no \"findings\" list)", o.baseline))
	}
	return &rep, nil
}

// input assembles what the report formats render: the findings, the
// catalog, the run's records (when dir is a run), waivers and baseline.
func (o outputParams) input(c *cli.Context, rep *policies.Report, dir string) (*report.Input, error) {
	cat, err := rules.Default()
	if err != nil {
		return nil, fmt.Errorf("rules catalog: %w", err)
	}
	in := &report.Input{Report: rep, Catalog: cat, Lang: o.lang}
	if dir != "" {
		if in.Records, err = evidence.ReadRecords(dir); err != nil {
			return nil, inputErr(fmt.Errorf("%s: %w", dir, err))
		}
	}
	set, err := o.loadWaivers()
	if err != nil {
		return nil, err
	}
	if set != nil {
		res := set.Apply(rep, time.Now())
		in.Waivers = res.ByFinding
		for _, w := range res.Unused {
			note(c, "platscan: %s: the waiver for %s matched no finding; delete it if the breach is gone", w.Where(), w.Rule)
		}
		for _, f := range rep.Findings {
			if v, ok := res.ByFinding[f.ID]; ok && v.Expired {
				note(c, "platscan: %s: the waiver for %s expired on %s; finding %s counts again", v.Waiver.Where(), f.Rule, v.Waiver.Expires, f.ID)
			}
		}
	}
	if in.Baseline, err = o.loadBaseline(); err != nil {
		return nil, err
	}
	return in, nil
}

// write renders in to --output (all at once, so a failed render leaves no
// half-written file) or to w.
func (o outputParams) write(w io.Writer, in *report.Input) error {
	rw, err := report.Get(o.format)
	if err != nil {
		return inputErr(err)
	}
	if o.path == "" {
		if err := rw.Write(w, in); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		return nil
	}
	var buf bytes.Buffer
	if err := rw.Write(&buf, in); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := writeFile(o.path, buf.Bytes(), o.force); err != nil {
		return inputErr(err)
	}
	return nil
}

// writeFile writes data to path, refusing to replace a file unless force.
func writeFile(path string, data []byte, force bool) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists; use --force to overwrite it", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// render writes rep from the run in dir ("" when there is none) and
// returns errFindings when a finding that counts reaches failOn.
func (p judgeParams) render(c *cli.Context, rep *policies.Report, dir string) error {
	in, err := p.output.input(c, rep, dir)
	if err != nil {
		return err
	}
	in.Imports = p.imports
	if err := p.output.write(c.App.Writer, in); err != nil {
		return err
	}
	if in.Failing(p.failOn) > 0 {
		return errFindings
	}
	return nil
}

// judgedErr keeps err, which came with a report (a policy that failed
// while judging, a scan whose target stopped answering), as the command's
// outcome: it outranks findings, since an obligation that could not be
// judged is a problem to fix before any verdict is read.
func judgedErr(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitCode(err, true), err: err}
}

// runDir checks that the command's first argument is a run directory.
func runDir(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", inputErr(fmt.Errorf("%s takes one run directory", c.Command.Name))
	}
	dir := c.Args().First()
	if _, err := os.Stat(filepath.Join(dir, "records.jsonl")); err != nil {
		return "", inputErr(fmt.Errorf("%s is not a platscan run directory (no records.jsonl)", dir))
	}
	return dir, nil
}
