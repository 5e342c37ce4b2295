package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/internal/plural"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/probes/ranking"
	"github.com/platscan/platscan/scan"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:  "check",
		Usage: "self-audit: judge a platform's own exports (ranking exports, pricing logs, terms documents, rule-change logs) with the same policies; fits in CI",
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "input", Required: true, Usage: "export `FILE`: a ranking export or a pricing log (CSV or JSON), a terms document (.txt, .md, .html) or a rule-change log (CSV or JSON) (repeatable; docs/ci.md)"},
			&cli.StringFlag{Name: "reference", Usage: "the pricing log's reference `SEGMENT` (default: its first)"},
			&cli.StringSliceFlag{Name: "control", Usage: "a pricing log `SEGMENT` of users in the reference's situation, whose differences are the platform's noise (repeatable)"},
			&cli.StringFlag{Name: "platform", Value: "self-audit", Usage: "platform `NAME` for the report"},
			&cli.StringSliceFlag{Name: "jurisdiction", Value: cli.NewStringSlice("cn"), Usage: "cn, cn-bj or eu (repeatable)"},
			&cli.StringSliceFlag{Name: "designation", Usage: "gatekeeper or vlop (repeatable)"},
			&cli.IntFlag{Name: "top-k", Value: 10, Usage: "how many top results count as \"the top\""},
			&cli.StringFlag{Name: "out", Usage: "keep the signed run in `DIR` (default: a temporary directory, removed)"},
			keyFlag(),
		}, judgeFlags()...),
		Action: func(c *cli.Context) error {
			jp := judgeParamsFrom(c)
			e, err := jp.engine(c.Context)
			if err != nil {
				return err
			}
			for _, j := range c.StringSlice("jurisdiction") {
				if j != "cn" && j != "cn-bj" && j != "eu" {
					return inputErr(fmt.Errorf("--jurisdiction %q: use cn, cn-bj or eu", j))
				}
			}
			for _, d := range c.StringSlice("designation") {
				if d != "gatekeeper" && d != "vlop" {
					return inputErr(fmt.Errorf("--designation %q: use gatekeeper or vlop", d))
				}
			}
			dir := c.String("out")
			if dir == "" {
				tmp, err := os.MkdirTemp("", "platscan-check-*")
				if err != nil {
					return scanErr(err)
				}
				defer os.RemoveAll(tmp)
				dir = filepath.Join(tmp, "run")
			}
			sig, err := signer(c)
			if err != nil {
				return err
			}
			res, err := scan.Check(c.Context, c.StringSlice("input"), scan.CheckOptions{Dir: dir, Engine: e, Version: version,
				Platform: c.String("platform"), Jurisdictions: c.StringSlice("jurisdiction"), Designations: c.StringSlice("designation"),
				TopK: c.Int("top-k"), Reference: c.String("reference"), Controls: c.StringSlice("control"), Signer: sig, Now: time.Now})
			if res == nil {
				return err // classified where it was made: a bad export is input
			}
			if c.String("out") != "" {
				note(c, "run stored in %s", res.Dir)
			}
			if res.Report != nil {
				outOfScope(c, scan.OutOfScope(res.Report, e, ranking.ID))
			}
			jp.imports = importPaths(c.StringSlice("input"))
			return errors.Join(judgedErr(err), jp.render(c, res.Report, res.Dir))
		},
	}
}

// outOfScope tells the user which duties the export speaks to were not
// judged because the platform, as described by the flags, is not bound by
// them, so that no finding is not read as compliance.
func outOfScope(c *cli.Context, cs []policies.Coverage) {
	if len(cs) == 0 {
		return
	}
	var b strings.Builder
	for _, cv := range cs {
		fmt.Fprintf(&b, "\n  %s: %s", cv.Rule, cv.Reason)
	}
	note(c, "not judged: %s the export speaks to %s out of scope for the platform as described, so the absence of findings says nothing about %s:%s\n"+
		"  state where the platform operates with --jurisdiction (cn, cn-bj, eu) and its EU designations with --designation (gatekeeper, vlop)",
		plural.Of(len(cs), "duty"), pick(len(cs), "is", "are"), pick(len(cs), "it", "them"), b.String())
}

// pick is one for a count of one, other otherwise.
func pick(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}

// importPaths maps each export's file name, as its import record names
// it, to the path the user gave, so SARIF points into their repository.
func importPaths(inputs []string) map[string]string {
	out := map[string]string{}
	for _, p := range inputs {
		out[filepath.Base(p)] = strings.TrimPrefix(filepath.ToSlash(filepath.Clean(p)), "./")
	}
	return out
}
