package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
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
					writeObligation(c.App.Writer, o)
					return nil
				},
			},
		},
	}
}

// writeObligation prints one catalog entry for a reader who checks it
// against the law: the statute reference, the paraphrase, the condition and
// platscan's interpretation apart from it, and when and against what the
// entry was last checked.
func writeObligation(w io.Writer, o rules.Obligation) {
	fmt.Fprintf(w, "%s\n  %s\n  %s\n\n", o.ID, o.Title.EN, o.Title.ZH)
	fmt.Fprintf(w, "Statute:      %s, %s\n              %s %s\nJurisdiction: %s", o.Instrument.EN, o.Article, o.Instrument.ZH, o.Article, o.Jurisdiction)
	if o.Scope != "" {
		fmt.Fprintf(w, " (only %s)", o.Scope)
	}
	fmt.Fprintf(w, "\nIn force:     %s\nSource:       %s\nFamily:       %s\nSeverity:     %s\nAutomated:    %v\n", o.InForce(), o.URL, o.Family, o.Severity, o.Automated)
	if o.Advisory {
		fmt.Fprintln(w, "Advisory:     yes (a policy aim, reported as a gap, never a breach)")
	}
	fmt.Fprintf(w, "\nWhat the article says (platscan's paraphrase):\n  %s\n  %s\n", o.Summary.EN, o.Summary.ZH)
	if cond := o.Condition; cond != nil {
		fmt.Fprintf(w, "\nCondition:\n  %s\n  %s\n", cond.Text.EN, cond.Text.ZH)
		if m := cond.Machine(o.Scope); m != "" {
			fmt.Fprintf(w, "  Applied by platscan: %s\n", m)
		}
	}
	if in := o.Interpretation; in != nil {
		fmt.Fprintf(w, "\nInterpretation (platscan's reading, not the statute):\n  %s\n  %s\n  Supported by:\n", in.Text.EN, in.Text.ZH)
		for _, s := range in.Support {
			fmt.Fprintf(w, "    - %s\n", s)
		}
	}
	fmt.Fprintf(w, "\nEvidence: %s\n", o.Evidence)
	if len(o.Related) > 0 {
		fmt.Fprintf(w, "Related:  %s\n", strings.Join(o.Related, ", "))
	}
	fmt.Fprintf(w, "Checked:  %s, against %s\n", o.Checked, o.CheckedAgainst)
}

func printJSON(c *cli.Context, v any) error {
	enc := json.NewEncoder(c.App.Writer)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
