package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func policyCommand() *cli.Command {
	return &cli.Command{
		Name:  "policy",
		Usage: "work with Rego policies",
		Subcommands: []*cli.Command{{
			Name:      "test",
			Usage:     "run the Rego unit tests (test_ rules in *_test.rego) of the built-in policies and of each DIR",
			ArgsUsage: "[DIR...]",
			Flags:     []cli.Flag{&cli.StringSliceFlag{Name: "data", Usage: "data `FILE` as for scan"}},
			Action: func(c *cli.Context) error {
				e, err := judgeParams{policyDirs: c.Args().Slice(), dataFiles: c.StringSlice("data"), failOn: "high", output: outputParams{format: "text", lang: "en"}}.engine(c.Context)
				if err != nil {
					return err
				}
				results, err := e.Test(c.Context)
				if err != nil {
					return inputErr(err)
				}
				pass, fail := 0, 0
				for _, r := range results {
					status := "PASS"
					if r.Fail || r.Error != nil {
						status = "FAIL"
						fail++
					} else {
						pass++
					}
					fmt.Fprintf(c.App.Writer, "%s %s.%s (%s)\n", status, r.Package, r.Name, r.Location)
					if r.Error != nil {
						fmt.Fprintf(c.App.Writer, "     %v\n", r.Error)
					}
				}
				fmt.Fprintf(c.App.Writer, "%d passed, %d failed\n", pass, fail)
				if fail > 0 {
					return errFindings
				}
				return nil
			},
		}},
	}
}
