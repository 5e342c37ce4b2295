package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/report"
	"github.com/platscan/platscan/scan"
)

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "scan the built-in fixture platforms end to end; no setup, no network",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Value: "platscan-demo", Usage: "write one run `DIR`ectory per platform under here"},
			&cli.BoolFlag{Name: "browser", Usage: "scan the JavaScript storefronts (Shopmart JS, Fairmarket JS) in a headless Chromium (docs/browser.md); needs chromium"},
			keyFlag(),
		},
		Action: func(c *cli.Context) error {
			out := c.String("out")
			variants := fixtures.Variants
			if c.Bool("browser") {
				variants = fixtures.JSVariants
			}
			urls := map[string]string{}
			for _, v := range variants {
				srv, err := fixtures.Start(v, "127.0.0.1:0")
				if err != nil {
					return scanErr(err)
				}
				defer srv.Close()
				urls[v.Slug] = srv.URL
			}
			// The demo shows the built-in policies with default thresholds.
			e, err := judgeParams{failOn: "high", output: outputParams{format: "text", lang: "en"}}.engine(c.Context)
			if err != nil {
				return err
			}
			w := c.App.Writer
			example := ""
			for _, v := range variants {
				raw, err := fixtures.Profile(v, urls)
				if err != nil {
					return err
				}
				prof, err := profile.Parse("fixtures/profiles/"+v.Slug+".yaml", raw)
				if err != nil {
					return err
				}
				dir := filepath.Join(out, v.Slug)
				if err := clearOldRun(dir); err != nil {
					return err
				}
				res, err := scanOne(c, prof, dir, e)
				if err != nil {
					return err
				}
				if example == "" && len(res.Report.Findings) > 0 {
					example = res.Report.Findings[0].ID
				}
				fmt.Fprintf(w, "=== %s (%s) -> %s\n", v.Name, urls[v.Slug], dir)
				in, err := outputParams{format: report.FormatText, lang: "en"}.input(c, res.Report, res.Dir)
				if err != nil {
					return err
				}
				if err := (report.Text{}).Write(w, in); err != nil {
					return err
				}
				if c.Bool("browser") {
					if err := browserSummary(w, res.Dir); err != nil {
						return err
					}
				}
				fmt.Fprintln(w)
			}
			if c.Bool("browser") {
				first := filepath.Join(out, variants[0].Slug)
				fmt.Fprintf(w, "Both runs are signed (manifest.dsse.json). Next:\n")
				fmt.Fprintf(w, "  platscan verify %s   # re-check every hash, screenshots and rendered pages included\n", first)
				fmt.Fprintf(w, "  platscan demo   # the same conduct on server-rendered pages, read over HTTP\n")
				return nil
			}
			// A week later: Shopmart's rules have changed. A second (terms
			// only) scan and a comparison with the first show the change
			// and how little notice it had.
			if err := demoRuleChange(c, out, e); err != nil {
				return err
			}
			shop := filepath.Join(out, "shopmart")
			fmt.Fprintf(w, "Both runs are signed (manifest.dsse.json). Next:\n")
			fmt.Fprintf(w, "  platscan verify %s   # re-check every hash, the WARC capture, the Merkle root and the signature\n", shop)
			if example != "" {
				fmt.Fprintf(w, "  platscan complaint %s --finding %s --lang zh --output complaint.zip   # a complaint bundle for one finding: letter, evidence, inclusion proofs; add --complainant FILE to sign it (docs/complaint.md)\n", shop, example)
				fmt.Fprintf(w, "  platscan verify complaint.zip   # anyone can check a bundle offline\n")
			}
			fmt.Fprintf(w, "  platscan report %s --format html --output shopmart.html   # a self-contained report with charts (also sarif, junit, md, json)\n", shop)
			fmt.Fprintf(w, "  platscan fixtures serve   # browse the fake platforms yourself\n")
			return nil
		},
	}
}

// browserSummary says how much of a browser-mode run the browser read:
// pages, the exchanges it made for them, and the screenshots and rendered
// pages kept as evidence.
func browserSummary(w io.Writer, dir string) error {
	recs, err := evidence.ReadRecords(dir)
	if err != nil {
		return err
	}
	var exchanges, shots, doms int
	for _, r := range recs {
		var d struct {
			Browser bool   `json:"browser"`
			Role    string `json:"role"`
		}
		if json.Unmarshal(r.Data, &d) != nil || !d.Browser {
			continue
		}
		switch {
		case r.Kind == evidence.KindExchange:
			exchanges++
		case d.Role == fetch.RoleScreenshot:
			shots++
		case d.Role == fetch.RoleRenderedDOM:
			doms++
		}
	}
	fmt.Fprintf(w, "Read in a browser: %d rendered pages from %d exchanges, with %d full-page screenshots, kept as evidence in %s\n", doms, exchanges, shots, dir)
	return nil
}

// clearOldRun removes a previous demo run in dir so the demo can be run
// again; it refuses to touch a directory that is not a platscan run.
func clearOldRun(dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "records.jsonl")); err != nil {
		return inputErr(fmt.Errorf("%s exists and is not a platscan run; choose another --out", dir))
	}
	return os.RemoveAll(dir)
}

func demoRuleChange(c *cli.Context, out string, e *policies.Engine) error {
	srv, err := fixtures.Start(fixtures.ShopmartV2, "127.0.0.1:0")
	if err != nil {
		return scanErr(err)
	}
	defer srv.Close()
	raw, err := fixtures.Profile(fixtures.ShopmartV2, map[string]string{"shopmart": srv.URL})
	if err != nil {
		return err
	}
	prof, err := profile.Parse("fixtures/profiles/shopmart.yaml", raw)
	if err != nil {
		return err
	}
	dir := filepath.Join(out, "shopmart-later")
	if err := clearOldRun(dir); err != nil {
		return err
	}
	sig, err := signer(c)
	if err != nil {
		return err
	}
	if _, err := scan.Run(c.Context, prof, scan.Options{Dir: dir, Engine: e, Version: version, Logger: logger(c), Signer: sig, Probes: []string{"terms"}}); err != nil {
		return scanErr(err)
	}
	rep, err := scan.EvalAgainst(c.Context, dir, filepath.Join(out, "shopmart"), e, version)
	if err != nil {
		return err
	}
	w := c.App.Writer
	fmt.Fprintf(w, "=== Shopmart a week later (%s), compared with the first run (platscan eval %s --previous %s)\n", dir, dir, filepath.Join(out, "shopmart"))
	for _, f := range rep.Findings {
		if f.Metrics["added"] != nil {
			fmt.Fprintf(w, "%-6s %s  %s\n       %s\n", strings.ToUpper(f.Severity), f.Rule, f.Title, f.Summary)
		}
	}
	fmt.Fprintln(w)
	return nil
}
