package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/platscan/platscan/internal/plural"
	"github.com/platscan/platscan/policies"
)

// JUnit writes JUnit XML for CI test dashboards: one test suite per
// platform and one test case per obligation. A breach is a failure whose
// text lists the findings with their citations and evidence; an
// obligation that could not be checked, or does not apply, is skipped with
// the reason; a policy that failed at runtime is an error. An obligation
// whose findings are all waived, or all in the baseline, is skipped and
// says so, so the test report fails exactly when the exit code does.
type JUnit struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitOutcome `xml:"failure,omitempty"`
	Error     *junitOutcome `xml:"error,omitempty"`
	Skipped   *junitOutcome `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitOutcome struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// Write implements Writer.
func (JUnit) Write(w io.Writer, in *Input) error {
	v := newView(in)
	rep := in.Report
	suite := junitSuite{Name: "platscan: " + rep.Platform, Time: "0", Properties: []junitProperty{
		{Name: "platscan.version", Value: rep.Tool.Version},
		{Name: "platscan.platform", Value: rep.Platform},
		{Name: "platscan.findings", Value: fmt.Sprint(len(rep.Findings))},
		{Name: "platscan.records", Value: fmt.Sprint(rep.Summary.Records)},
	}}
	for _, c := range v.coverage {
		tc := junitCase{Name: c.Rule + ": " + c.Obligation.Title.EN, Classname: "platscan." + classPart(rep.Platform) + "." + nonEmpty(c.Obligation.Family, "other"), Time: "0"}
		v.judgeCase(&tc, c)
		switch {
		case tc.Failure != nil:
			suite.Failures++
		case tc.Error != nil:
			suite.Errors++
		case tc.Skipped != nil:
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, tc)
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Name: "platscan", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Skipped: suite.Skipped, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// judgeCase sets the outcome of one obligation's test case.
func (v *view) judgeCase(tc *junitCase, c coverageView) {
	switch c.Status {
	case policies.StatusPass:
		tc.SystemOut = c.Reason
	case policies.StatusFail:
		var counting, waived, known []int
		for _, i := range c.Findings {
			switch f := v.findings[i]; {
			case f.Counts():
				counting = append(counting, i)
			case f.Suppressed:
				waived = append(waived, i)
			default:
				known = append(known, i)
			}
		}
		switch {
		case len(counting) > 0:
			first := v.findings[counting[0]]
			tc.Failure = &junitOutcome{Message: first.Summary, Type: v.maxSeverity(counting), Text: v.failureText(c, counting, waived, known)}
		case len(waived) > 0:
			w := v.findings[waived[0]].Waiver
			tc.Skipped = &junitOutcome{Message: fmt.Sprintf("waived until %s by %s: %s", w.Expires, w.Approver, w.Reason), Text: v.failureText(c, nil, waived, known)}
		case len(known) > 0:
			tc.Skipped = &junitOutcome{Message: plural.Of(len(known), "finding") + " already in the baseline", Text: v.failureText(c, nil, nil, known)}
		default:
			tc.Failure = &junitOutcome{Message: c.Reason, Type: c.Obligation.Severity}
		}
	case policies.StatusUnknown:
		tc.Skipped = &junitOutcome{Message: "not checked: " + c.Reason}
	case policies.StatusNotApplicable:
		tc.Skipped = &junitOutcome{Message: "not applicable: " + c.Reason}
	case "error":
		tc.Error = &junitOutcome{Message: c.Reason, Type: "policy error"}
	default:
		tc.Skipped = &junitOutcome{Message: c.Status + ": " + c.Reason}
	}
}

func (v *view) failureText(c coverageView, counting, waived, known []int) string {
	var b strings.Builder
	o := c.Obligation
	fmt.Fprintf(&b, "%s\n%s\n", o.Title.EN, o.Title.ZH)
	if o.Instrument.EN != "" {
		fmt.Fprintf(&b, "Law: %s %s [%s]\n", o.Instrument.EN, o.Article, o.Jurisdiction)
	}
	section := func(head string, idx []int) {
		if len(idx) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s:\n", head)
		for _, i := range idx {
			f := v.findings[i]
			fmt.Fprintf(&b, "\n[%s] %s\n", strings.ToUpper(f.Severity), f.Summary)
			if f.Rule != c.Rule {
				fmt.Fprintf(&b, "  (a %s finding, which cites this obligation too)\n", f.Rule)
			}
			var cites []string
			for _, ct := range f.Citations {
				cites = append(cites, citation(ct))
			}
			fmt.Fprintf(&b, "  law: %s\n  evidence: %s\n  finding id: %s\n", strings.Join(cites, "; "), shortIDs(f.Evidence), f.ID)
			if f.WaiverExpired {
				fmt.Fprintf(&b, "  waiver expired on %s (%s)\n", f.Waiver.Expires, f.Waiver.Where())
			}
			if f.Suppressed {
				fmt.Fprintf(&b, "  waived until %s by %s: %s (%s)\n", f.Waiver.Expires, f.Waiver.Approver, f.Waiver.Reason, f.Waiver.Where())
			}
		}
	}
	section("Findings", counting)
	section("Waived", waived)
	section("Already in the baseline", known)
	return b.String()
}

// classPart keeps a platform name usable inside a dotted class name.
func classPart(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == ' ' {
			return '_'
		}
		return r
	}, s)
}
