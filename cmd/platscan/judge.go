package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/report"
	"github.com/platscan/platscan/rules"
)

// Flags shared by the commands that judge evidence.
func judgeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "policy", Usage: "also evaluate the .rego files in `DIR` (repeatable)"},
		&cli.StringSliceFlag{Name: "data", Usage: "override thresholds or add data from `FILE` (YAML or JSON, repeatable)"},
		&cli.StringFlag{Name: "fail-on", Value: "high", Usage: "exit 1 when a finding is at or above this severity (high, medium, low, info)"},
		&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: text or json"},
	}
}

// judgeParams are the settings of a command that judges evidence.
type judgeParams struct {
	policyDirs []string
	dataFiles  []string
	failOn     string
	format     string
}

func judgeParamsFrom(c *cli.Context) judgeParams {
	return judgeParams{policyDirs: c.StringSlice("policy"), dataFiles: c.StringSlice("data"), failOn: c.String("fail-on"), format: c.String("format")}
}

// engine validates the params and builds the policy engine; every problem
// with a user file is an input error.
func (p judgeParams) engine(ctx context.Context) (*policies.Engine, error) {
	if !slices.Contains(rules.Severities, p.failOn) {
		return nil, inputErr(fmt.Errorf("--fail-on %q: use one of %v", p.failOn, rules.Severities))
	}
	if _, err := report.Get(p.format); err != nil {
		return nil, inputErr(err)
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

// render writes rep in the chosen format and returns errFindings when a
// finding reaches failOn.
func (p judgeParams) render(w io.Writer, rep *policies.Report) error {
	rw, err := report.Get(p.format)
	if err != nil {
		return inputErr(err)
	}
	if err := rw.Write(w, rep); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if rep.CountAtOrAbove(p.failOn) > 0 {
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
