package report

import (
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
		ew.printf("       law: %s\n", strings.Join(cites, "; "))
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

func shortIDs(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = truncate(id, 12)
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
