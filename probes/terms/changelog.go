package terms

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/platscan/platscan/internal/table"
	"github.com/platscan/platscan/measure"
)

// ChangeLogColumns are the columns of a rule-change log: a platform's own
// record of the changes it published to its rules and agreements (docs/ci.md).
var ChangeLogColumns = []string{"published", "effective", "title", "document", "id", "text"}

// IsChangeLog reports whether a table's header is a rule-change log's.
func IsChangeLog(header []string) bool {
	return slices.Contains(header, "published") && slices.Contains(header, "effective")
}

// ImportChangeLog reads a rule-change log (CSV or JSON) into the rule_change
// measurements the probe makes of an announcements page, so the same
// notice rules judge it. Each row is one published change: when it was
// published, when it takes effect, and what it changes. A date that
// cannot be read is an error with its line and column; an empty one
// leaves the notice period unknown, as an undated notice does.
func ImportChangeLog(name string, data []byte) ([]measure.RuleChange, error) {
	rows, err := table.Read(name, data, ChangeLogColumns, []string{"published", "effective"})
	if err != nil {
		return nil, err
	}
	out := []measure.RuleChange{}
	for _, r := range rows {
		a := Announcement{ID: r.Get("id"), Title: r.Get("title"), Text: r.Get("text")}
		if a.Title == "" {
			a.Title = r.Get("document")
		}
		if a.ID == "" {
			a.ID = fmt.Sprintf("line-%d", r.Line)
		}
		for _, col := range []string{"published", "effective"} {
			s := r.Get(col)
			if s == "" {
				continue
			}
			d, ok := dateCell(s)
			if !ok {
				return nil, r.Errorf(col, "%q is not a date (use YYYY-MM-DD or 2026年11月20日)", s)
			}
			if col == "published" {
				a.Published = d
			} else {
				a.Effective = d
			}
		}
		if !a.Published.IsZero() && a.Effective.Before(a.Published) && !a.Effective.IsZero() {
			return nil, r.Errorf("effective", "%s is before the publication date %s", a.Effective.Format(time.DateOnly), a.Published.Format(time.DateOnly))
		}
		out = append(out, ruleChange("file:"+filepath.Base(name), a))
	}
	return out, nil
}

// dateCell reads a cell that must be one date and nothing else: a typo
// around a date ("12026-11-20", "2026-11-200") is an error, not the date
// inside it.
func dateCell(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if loc := anyDate.FindStringIndex(s); loc == nil || loc[0] != 0 || loc[1] != len(s) {
		return time.Time{}, false
	}
	return parseDate(s)
}

// ruleChange is the measurement of one announced change read at u: its
// dates as YYYY-MM-DD ("" when not given), the notice between them (nil
// unless both are given) and its key. Announcements pages and change logs
// are measured alike through it.
func ruleChange(u string, a Announcement) measure.RuleChange {
	rc := measure.RuleChange{Base: measure.Base{Type: "rule_change"}, URL: u, ID: a.ID, Title: a.Title, Text: a.Text}
	if !a.Published.IsZero() {
		rc.Published = a.Published.Format(time.DateOnly)
	}
	if !a.Effective.IsZero() {
		rc.Effective = a.Effective.Format(time.DateOnly)
	}
	if !a.Published.IsZero() && !a.Effective.IsZero() {
		days := int(a.Effective.Sub(a.Published).Hours() / 24)
		rc.NoticeDays = &days
	}
	rc.Key = fmt.Sprintf("change|%s|%s|%s|%s|%s", rc.URL, rc.ID, rc.Title, rc.Published, rc.Effective)
	return rc
}
