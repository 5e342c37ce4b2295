package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/platscan/platscan/internal/numfmt"
	"github.com/platscan/platscan/internal/plural"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/policies"
)

// Text is the human report: findings with their citations, quotes and
// evidence, then a coverage table of the obligations that were judged or
// could not be, and the list of those that need a person to check them.
type Text struct{}

// Write implements Writer.
func (Text) Write(w io.Writer, in *Input) error {
	v := newView(in)
	rep := in.Report
	ew := &errWriter{w: w}
	s := rep.Summary
	ew.printf("%s: %s (%d high, %d medium, %d low, %d info); %s; %s\n",
		rep.Platform, plural.Of(len(rep.Findings), "finding"), s.High, s.Medium, s.Low, s.Info,
		plural.Words(v.checked(), "obligation checked", "obligations checked"), plural.Of(s.Records, "evidence record"))
	writeRun(ew, rep.Run)
	writeTriage(ew, v)
	for _, f := range v.findings {
		ew.printf("\n%-6s %s  %s\n", strings.ToUpper(f.Severity), f.Rule, f.Title)
		ew.printf("       %s\n", f.TitleZH)
		ew.printf("       %s\n", f.Summary)
		if f.Quote != "" {
			ew.printf("       quote: %q\n", truncate(f.Quote, 240))
		}
		var cites []string
		for _, c := range f.Citations {
			cites = append(cites, citation(c))
		}
		writeEffects(ew, f.Finding)
		ew.printf("       law: %s\n", strings.Join(cites, "; "))
		for _, c := range f.Citations {
			// platscan's reading of an article is shown apart from the
			// statute, so a reader can weigh the two separately.
			if in := c.Interpretation; in != nil {
				var support []string
				for _, src := range in.Support {
					support = append(support, src.Title)
				}
				ew.printf("       reading of %s %s (platscan's, not the statute): %s\n", c.Instrument, c.Article, in.Text.EN)
				ew.printf("         supported by: %s\n", strings.Join(support, "; "))
			}
		}
		ew.printf("       evidence: %s\n", shortIDs(f.Evidence))
		ew.printf("       finding id: %s\n", f.ID)
		writeState(ew, f.State)
	}
	order, counts := v.statusCounts()
	var parts []string
	for _, st := range order {
		parts = append(parts, fmt.Sprintf("%d %s", counts[st], strings.ReplaceAll(st, "_", " ")))
	}
	ew.printf("\nCoverage: %s\n", strings.Join(parts, ", "))
	tw := tabwriter.NewWriter(ew, 2, 4, 2, ' ', 0)
	for _, c := range v.coverage {
		// Not applicable ones are only counted; the manual ones follow.
		if c.Status != policies.StatusNotApplicable && !c.Manual {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Status, c.Rule, c.Reason)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if manual := v.manual(); len(manual) > 0 {
		ew.printf("\nNeeds manual review (%d): no built-in policy checks these yet\n", len(manual))
		tw := tabwriter.NewWriter(ew, 2, 4, 2, ' ', 0)
		for _, c := range manual {
			title := v.title(c.Obligation)
			if c.Obligation.Advisory {
				title += " (advisory)"
			}
			fmt.Fprintf(tw, "  %s\t%s\n", c.Rule, title)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return ew.err
}

// writeTriage says what waivers and a baseline did to the findings.
func writeTriage(ew *errWriter, v *view) {
	suppressed, expired, newer, unchanged := v.tally()
	if len(v.in.Waivers) > 0 {
		ew.printf("Waivers: %s suppressed (reported, not failing)", plural.Of(suppressed, "finding"))
		if expired > 0 {
			ew.printf("; %s whose waiver expired, reported again", plural.Of(expired, "finding"))
		}
		ew.printf("\n")
	}
	if v.in.Baseline != nil {
		ew.printf("Baseline: %d new, %d unchanged (only new findings fail)\n", newer, unchanged)
	}
}

func writeState(ew *errWriter, s State) {
	switch {
	case s.Suppressed:
		ew.printf("       waived until %s by %s: %s (%s)\n", s.Waiver.Expires, s.Waiver.Approver, s.Waiver.Reason, s.Waiver.Where())
	case s.WaiverExpired:
		ew.printf("       WAIVER EXPIRED on %s (%s, approved by %s: %s); the finding counts again\n", s.Waiver.Expires, s.Waiver.Where(), s.Waiver.Approver, s.Waiver.Reason)
	}
	if s.Baseline != "" {
		ew.printf("       baseline: %s\n", s.Baseline)
	}
}

// writeEffects prints the per-product (or per-query) table that pricing
// findings carry in metrics.products.
func writeEffects(ew *errWriter, f policies.Finding) {
	rows, ok := f.Metrics["products"].([]any)
	if !ok || len(rows) == 0 {
		return
	}
	persona, _ := f.Metrics["persona"].(string)
	ref, _ := f.Metrics["reference"].(string)
	tw := tabwriter.NewWriter(ew, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "       item\t%s\t%s\tdifference\t95%% CI\t\n", persona, ref)
	for _, r := range rows {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		fmt.Fprintf(tw, "       %v\t%s\t%s\t%s%%\t[%s, %s]\t\n", m["product"], numfmt.Fixed(m["persona_median"], 2), numfmt.Fixed(m["reference_median"], 2),
			numfmt.Signed(m["effect_pct"], 1), numfmt.Fixed(m["ci_low"], 1), numfmt.Fixed(m["ci_high"], 1))
	}
	tw.Flush() //nolint:errcheck // errWriter keeps the error
}

// shortIDs abbreviates record ids and lists at most eight; the JSON
// report has them all.
func shortIDs(ids []string) string {
	const most = 8
	var out []string
	for i, id := range ids {
		if i == most {
			out = append(out, fmt.Sprintf("(+%d more in the JSON report)", len(ids)-most))
			break
		}
		out = append(out, truncate(id, 12))
	}
	return strings.Join(out, " ")
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// errWriter remembers the first write error so rendering code stays flat.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

// writeRun says how the evidence was gathered, where a reader needs to
// know it: an incomplete scan, and which robots.txt rule applied.
func writeRun(ew *errWriter, r *measure.Run) {
	if r == nil {
		return
	}
	if !r.Complete {
		ew.printf("INCOMPLETE scan: judged on what was read before it stopped (see manifest.json)\n")
	}
	switch r.Robots {
	case "crawl":
		ew.printf("robots.txt: obeyed for crawled pages; the personas' own actions (login, account, checkout, settings) are not crawling and were sent\n")
	case "strict":
		ew.printf("robots.txt: obeyed for every request, the personas' own actions included (strict_robots)\n")
	case "ignored":
		ew.printf("robots.txt: not obeyed (obey_robots: false)\n")
	}
}
