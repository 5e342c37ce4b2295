package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/internal/plural"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/scan"
)

func evalCommand() *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "re-judge a stored run with the current (or your own) policies; no network, the run is not modified",
		ArgsUsage: "RUN",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "previous", Usage: "an earlier run `DIR` of the same platform: also report rules and terms that changed since, and whether the change was announced in time"},
		}, judgeFlags()...),
		Action: func(c *cli.Context) error {
			dir, err := runDir(c)
			if err != nil {
				return err
			}
			jp := judgeParamsFrom(c)
			e, err := jp.engine(c.Context)
			if err != nil {
				return err
			}
			var rep *policies.Report
			if prev := c.String("previous"); prev != "" {
				if _, err := os.Stat(filepath.Join(prev, evidence.RecordsFile)); err != nil {
					return inputErr(fmt.Errorf("--previous %s is not a platscan run directory", prev))
				}
				rep, err = scan.EvalAgainst(c.Context, dir, prev, e, version)
			} else {
				rep, err = scan.Eval(c.Context, dir, e, version)
			}
			if rep == nil {
				return fmt.Errorf("eval %s: %w", dir, err)
			}
			// A failed policy still leaves the rest of the judgement to show.
			return errors.Join(judgedErr(err), jp.render(c, rep, dir))
		},
	}
}

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "render a run's stored findings as text, JSON, SARIF, JUnit XML, Markdown or HTML",
		ArgsUsage: "RUN",
		Flags:     outputFlags(),
		Action: func(c *cli.Context) error {
			dir, err := runDir(c)
			if err != nil {
				return err
			}
			op := outputParamsFrom(c)
			if err := op.check(); err != nil {
				return err
			}
			b, err := os.ReadFile(filepath.Join(dir, evidence.FindingsFile))
			if err != nil {
				return inputErr(fmt.Errorf("%s has no findings (an incomplete run? try platscan eval %s): %w", dir, dir, err))
			}
			var rep policies.Report
			if err := json.Unmarshal(b, &rep); err != nil {
				return inputErr(fmt.Errorf("%s: %w", filepath.Join(dir, evidence.FindingsFile), err))
			}
			in, err := op.input(c, &rep, dir)
			if err != nil {
				return err
			}
			return op.write(c.App.Writer, in)
		},
	}
}

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "re-check every hash in a run; exit 1 naming each problem",
		ArgsUsage: "RUN",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
			&cli.StringFlag{Name: "trust", Usage: "require the run to be signed by the key with this `FINGERPRINT` (sha256:...)"},
		},
		Action: func(c *cli.Context) error {
			if err := textOrJSON(c); err != nil {
				return err
			}
			target := c.Args().First()
			if strings.HasSuffix(target, ".zip") {
				return verifyBundle(c, target)
			}
			dir, err := runDir(c)
			if err != nil {
				return err
			}
			rep, err := evidence.VerifyWith(dir, evidence.VerifyOptions{TrustedKey: c.String("trust")})
			if err != nil {
				return inputErr(err)
			}
			w := c.App.Writer
			if c.String("format") == "json" {
				if err := printJSON(c, verifyJSON(rep)); err != nil {
					return err
				}
			} else {
				for _, p := range rep.Problems {
					fmt.Fprintf(w, "FAIL %s\n", p)
				}
				for _, p := range rep.Warnings {
					fmt.Fprintf(w, "warn %s\n", p)
				}
				if rep.OK() {
					fmt.Fprintf(w, "OK %s: %d records, %d blobs, %d WARC records, chain head %s, Merkle root %s\n", dir, rep.Records, rep.Blobs, rep.WARCRecords, rep.Head, rep.MerkleRoot)
					if rep.Signed {
						fmt.Fprintf(w, "signed by %s\n", rep.KeyID)
					}
				} else {
					fmt.Fprintf(w, "%s: %s\n", dir, plural.Of(len(rep.Problems), "problem"))
				}
			}
			if !rep.OK() {
				return errFindings
			}
			return nil
		},
	}
}

// textOrJSON validates --format on the commands that print either.
func textOrJSON(c *cli.Context) error {
	if f := c.String("format"); f != "text" && f != "json" {
		return inputErr(fmt.Errorf("--format %q: use text or json", f))
	}
	return nil
}

// verifyJSON gives empty lists instead of null, so a consumer can
// iterate "problems" without a null check.
func verifyJSON(rep *evidence.Report) *evidence.Report {
	out := *rep
	if out.Problems == nil {
		out.Problems = []evidence.Problem{}
	}
	if out.Warnings == nil {
		out.Warnings = []evidence.Problem{}
	}
	return &out
}
