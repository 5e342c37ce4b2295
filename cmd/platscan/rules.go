package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/rules"
)

func rulesCommand() *cli.Command {
	lang := langFlag()
	format := &cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"}
	return &cli.Command{
		Name:  "rules",
		Usage: "the obligation catalog",
		Subcommands: []*cli.Command{
			{
				Name: "list", Usage: "list every obligation", Flags: []cli.Flag{lang, format},
				Action: func(c *cli.Context) error {
					if err := textOrJSON(c); err != nil {
						return err
					}
					lang, err := checkLang(c)
					if err != nil {
						return err
					}
					cat, err := rules.Default()
					if err != nil {
						return err
					}
					if c.String("format") == "json" {
						return printJSON(c, cat.All())
					}
					tw := tabwriter.NewWriter(c.App.Writer, 2, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "ID\tJUR\tARTICLE\tFAMILY\tAUTO\tTITLE")
					for _, o := range cat.All() {
						auto := "-"
						if o.Automated {
							auto = "yes"
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.Jurisdiction, o.Article, o.Family, auto, o.Title.In(lang))
					}
					return tw.Flush()
				},
			},
			{
				Name: "show", Usage: "show one obligation", ArgsUsage: "ID", Flags: []cli.Flag{format},
				Action: func(c *cli.Context) error {
					if err := textOrJSON(c); err != nil {
						return err
					}
					cat, err := rules.Default()
					if err != nil {
						return err
					}
					o, ok := cat.Lookup(c.Args().First())
					if !ok {
						return inputErr(fmt.Errorf("no obligation %q (see platscan rules list)", c.Args().First()))
					}
					if c.String("format") == "json" {
						return printJSON(c, o)
					}
					w := c.App.Writer
					fmt.Fprintf(w, "%s\n  %s\n  %s\n\n", o.ID, o.Title.EN, o.Title.ZH)
					fmt.Fprintf(w, "Instrument:   %s / %s\nArticle:      %s\nJurisdiction: %s", o.Instrument.EN, o.Instrument.ZH, o.Article, o.Jurisdiction)
					if o.Scope != "" {
						fmt.Fprintf(w, " (only %s)", o.Scope)
					}
					fmt.Fprintf(w, "\nIn force:     %s\nSource:       %s\nFamily:       %s\nSeverity:     %s\nAutomated:    %v\n", o.EffectiveFrom, o.URL, o.Family, o.Severity, o.Automated)
					if o.Advisory {
						fmt.Fprintln(w, "Advisory:     yes (a policy aim, reported as a gap, never a breach)")
					}
					fmt.Fprintf(w, "\n%s\n%s\n\nEvidence: %s\n", o.Summary.EN, o.Summary.ZH, o.Evidence)
					if len(o.Related) > 0 {
						fmt.Fprintf(w, "Related:  %v\n", o.Related)
					}
					return nil
				},
			},
		},
	}
}

func printJSON(c *cli.Context, v any) error {
	enc := json.NewEncoder(c.App.Writer)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
