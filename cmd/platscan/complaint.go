package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/complaint"
	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/internal/plural"
	"github.com/platscan/platscan/rules"
)

func complaintCommand() *cli.Command {
	return &cli.Command{
		Name:      "complaint",
		Usage:     "build a verifiable complaint bundle (letter, finding, evidence, proofs, WARC) for one finding",
		ArgsUsage: "RUN",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "finding", Required: true, Usage: "finding `ID` (see the report)"},
			langFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "bundle `FILE` (default complaint-<finding>.zip)"},
			forceFlag(),
			&cli.StringFlag{Name: "complainant", Usage: "YAML `FILE` naming who complains (name, organisation, contact, role: merchant|consumer, request); without it the letter has marked blanks"},
			&cli.BoolFlag{Name: "allow-incomplete", Usage: "build a bundle from a run that did not complete"},
		},
		Action: func(c *cli.Context) error {
			dir, err := runDir(c)
			if err != nil {
				return err
			}
			if err := completeRun(dir, c.Bool("allow-incomplete")); err != nil {
				return err
			}
			lang, err := checkLang(c)
			if err != nil {
				return err
			}
			out := c.String("output")
			if out == "" {
				out = "complaint-" + c.String("finding") + ".zip"
			}
			if err := checkOutput(out, c.Bool("force")); err != nil {
				return err
			}
			cat, err := rules.Default()
			if err != nil {
				return err
			}
			var who *complaint.Complainant
			if path := c.String("complainant"); path != "" {
				if who, err = complaint.LoadComplainant(path); err != nil {
					return inputErr(err)
				}
			}
			var buf bytes.Buffer
			if err := complaint.Build(c.Context, dir, c.String("finding"), &buf, complaint.Options{Lang: lang, Catalog: cat, Complainant: who}); err != nil {
				if errors.Is(err, complaint.ErrNoFinding) {
					return inputErr(err)
				}
				return inputErr(fmt.Errorf("complaint: %w", err))
			}
			if err := writeFile(out, buf.Bytes(), c.Bool("force")); err != nil {
				return inputErr(err)
			}
			fmt.Fprintf(c.App.Writer, "wrote %s (%d bytes); check it with: platscan verify %s\n", out, buf.Len(), out)
			return nil
		},
	}
}

// completeRun refuses a run that did not complete, unless allowed: a
// complaint rests on a scan that ran its course.
func completeRun(dir string, allow bool) error {
	man, err := evidence.ReadManifest(dir)
	if err != nil {
		return inputErr(fmt.Errorf("%s has no readable manifest (an interrupted run? finish it with platscan scan --resume %s): %w", dir, dir, err))
	}
	why := man.Incomplete
	if !man.Complete && why == "" {
		why = "the scan was interrupted before it finished"
	}
	if why == "" || allow {
		return nil
	}
	return inputErr(fmt.Errorf("%s is an incomplete run (%s): its findings rest on part of the evidence; scan again, or pass --allow-incomplete", dir, why))
}

// verifyBundle is `platscan verify FILE.zip`.
func verifyBundle(c *cli.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return inputErr(err)
	}
	rep, err := complaint.Verify(path, evidence.VerifyOptions{TrustedKey: c.String("trust")})
	if err != nil {
		return inputErr(err)
	}
	w := c.App.Writer
	if c.String("format") == "json" {
		if err := printJSON(c, verifyJSON(rep)); err != nil {
			return err
		}
		if !rep.OK() {
			return errFindings
		}
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "FAIL %s\n", p)
	}
	if !rep.OK() {
		fmt.Fprintf(w, "%s: %s\n", filepath.Base(path), plural.Of(len(rep.Problems), "problem"))
		return errFindings
	}
	fmt.Fprintf(w, "OK %s: %d records with inclusion proofs against Merkle root %s, %d bodies, %d WARC records; signed by %s\n",
		path, rep.Records, rep.MerkleRoot, rep.Blobs, rep.WARCRecords, rep.KeyID)
	return nil
}
