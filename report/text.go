package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/platscan/platscan/policies"
)

// Text is the human report: findings with their citations, quotes and
// evidence, then a coverage table of the obligations that were checked.
type Text struct{}

// Write implements Writer.
func (Text) Write(w io.Writer, rep *policies.Report) error {
	ew := &errWriter{w: w}
	s := rep.Summary
	ew.printf("%s: %d findings (%d high, %d medium, %d low, %d info); %d obligations checked; %d evidence records\n",
		rep.Platform, len(rep.Findings), s.High, s.Medium, s.Low, s.Info, s.RulesEvaluated, s.Records)
	for _, f := range rep.Findings {
		ew.printf("\n%-6s %s  %s\n", strings.ToUpper(f.Severity), f.Rule, f.Title)
		ew.printf("       %s\n", f.TitleZH)
		ew.printf("       %s\n", f.Summary)
		if f.Quote != "" {
			ew.printf("       quote: %q\n", truncate(f.Quote, 240))
		}
		var cites []string
		for _, c := range f.Citations {
			cites = append(cites, fmt.Sprintf("%s %s [%s]", c.Instrument, c.Article, c.Jurisdiction))
		}
		writeEffects(ew, f)
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
	}
	counts := map[string]int{}
	for _, c := range rep.Coverage {
		counts[c.Status]++
	}
	ew.printf("\nCoverage: %d fail, %d pass, %d unknown, %d not applicable\n", counts[policies.StatusFail], counts[policies.StatusPass],
		counts[policies.StatusUnknown], counts[policies.StatusNotApplicable])
	tw := tabwriter.NewWriter(ew, 2, 4, 2, ' ', 0)
	for _, c := range rep.Coverage {
		// The table lists what was judged; the long tail of obligations not
		// automated yet is in the JSON report.
		if c.Status == policies.StatusPass || c.Status == policies.StatusFail || (c.Status == policies.StatusUnknown && !strings.HasPrefix(c.Reason, "not checked automatically") && !strings.HasPrefix(c.Reason, "advisory")) {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Status, c.Rule, c.Reason)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return ew.err
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
		fmt.Fprintf(tw, "       %v\t%s\t%s\t%+.1f%%\t[%.1f, %.1f]\t\n", m["product"], num(m["persona_median"]), num(m["reference_median"]),
			fnum(m["effect_pct"]), fnum(m["ci_low"]), fnum(m["ci_high"]))
	}
	tw.Flush() //nolint:errcheck // errWriter keeps the error
}

func fnum(v any) float64 {
	switch t := v.(type) {
	case float64:
		return t
	case json.Number:
		f, _ := t.Float64()
		return f
	}
	return 0
}

func num(v any) string { return fmt.Sprintf("%.2f", fnum(v)) }

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
