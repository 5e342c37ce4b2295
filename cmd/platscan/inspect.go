package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/scan"
)

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "fetch one page and show what every probe reads from it: offers, result rows and labels, sort options, forms, clauses, rule links",
		ArgsUsage: "URL",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "profile", Usage: "platform profile `FILE` whose personas, selectors and hints to use (URL may then be a path)"},
			&cli.StringFlag{Name: "persona", Usage: "fetch as persona `ID` of the profile (default its first)"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
			&cli.StringFlag{Name: "out", Usage: "keep the page's evidence in run `DIR` (default: a temporary directory, removed)"},
			allowPrivateFlag(),
			keyFlag(),
		},
		Action: func(c *cli.Context) error {
			if err := textOrJSON(c); err != nil {
				return err
			}
			if c.NArg() != 1 {
				return inputErr(errors.New("inspect needs one URL (or, with --profile, a path on the platform)"))
			}
			ref := c.Args().First()
			var prof *profile.Profile
			var err error
			if path := c.String("profile"); path != "" {
				prof, err = profile.Load(path)
			} else {
				prof, err = scan.InspectProfile(ref)
			}
			if err != nil {
				return inputErr(err)
			}
			dir := c.String("out")
			if dir == "" {
				tmp, err := os.MkdirTemp("", "platscan-inspect-*")
				if err != nil {
					return scanErr(err)
				}
				defer os.RemoveAll(tmp)
				dir = filepath.Join(tmp, "run")
			}
			var sig evidence.Signer
			if c.String("out") != "" {
				s, err := signer(c)
				if err != nil {
					return err
				}
				sig = s
			}
			res, err := scan.Inspect(c.Context, prof, ref, scan.InspectOptions{Dir: dir, Version: version, Persona: c.String("persona"),
				Logger: logger(c), Signer: sig, AllowPrivate: allowPrivate(c)})
			if err != nil {
				if errors.Is(err, evidence.ErrRunExists) {
					return inputErr(err)
				}
				return err
			}
			if c.String("out") != "" {
				note(c, "evidence stored in %s (verify with: platscan verify %s)", res.Dir, res.Dir)
			}
			if c.String("format") == "json" {
				err = printJSON(c, res.Report)
			} else if err = res.Report.WriteText(c.App.Writer); err != nil {
				err = fmt.Errorf("write inspection: %w", err)
			}
			if err != nil {
				return err
			}
			if r := res.Report.Response; r.Fetch != measure.Answered {
				return scanErr(fmt.Errorf("%s was not answered (%s: %s): nothing was read", r.URL, r.Fetch, r.Error))
			}
			return nil
		},
	}
}
