// Package waiver reads waiver files: findings a team has accepted for a
// while, each with a reason, an approver and an expiry date. A waived
// finding is still reported, marked suppressed, and no longer fails a CI
// run; the day after its waiver expires it counts again and the report
// says why. The file format is in docs/waivers.md.
package waiver

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/platscan/platscan/internal/yamlfile"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/rules"
)

// Waiver is one entry of a waiver file.
type Waiver struct {
	// Rule is a catalog obligation id, or a glob over ids ("EU-P2B-*").
	Rule string `yaml:"rule" json:"rule"`
	// Platform is the report's platform name, or a glob ("*" for any).
	Platform string `yaml:"platform" json:"platform"`
	// Scope narrows the waiver within the rule; see Scope kinds below.
	// Empty means every finding of the rule on the platform.
	Scope    string `yaml:"scope,omitempty" json:"scope,omitempty"`
	Reason   string `yaml:"reason" json:"reason"`
	Approver string `yaml:"approver" json:"approver"`
	// Expires is the last day (YYYY-MM-DD, UTC) the waiver is in force.
	Expires string `yaml:"expires" json:"expires"`

	// File and Line say where the waiver was written.
	File string `yaml:"-" json:"file,omitempty"`
	Line int    `yaml:"-" json:"line,omitempty"`

	end   time.Time // first instant the waiver no longer holds
	valid bool      // set by Parse once the globs are checked
	scope scope
}

// Scope kinds. A scope is one of:
//
//	id:<finding id>      exactly that finding (ids are stable across runs)
//	persona:<glob>       findings about a persona ("persona:loyal_*")
//	url:<glob>           findings whose page matches; the glob is matched
//	                     against the URL's path (and query), so a waiver
//	                     survives a change of host or port; a glob that
//	                     starts with a scheme is matched against the whole URL
//
// In globs * matches within one path segment, /**/ any number of
// segments, ? one character, [abc] a class and {a,b} alternatives.
const (
	ScopeID      = "id"
	ScopePersona = "persona"
	ScopeURL     = "url"
)

type scope struct {
	kind, pattern string
}

// Set is a validated waiver file.
type Set struct {
	Waivers []Waiver
}

// Verdict is what a waiver file says about one finding.
type Verdict struct {
	Waiver Waiver
	// Expired is true when the only waivers matching the finding have
	// expired: the finding counts again.
	Expired bool
}

// Result is a waiver file applied to a report.
type Result struct {
	// ByFinding holds a verdict for each finding a waiver matched, by
	// finding id.
	ByFinding map[string]Verdict
	// Unused lists the waivers that matched no finding: the breach is
	// gone (delete the waiver) or the waiver is misspelt.
	Unused []Waiver
}

var (
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	idPattern   = regexp.MustCompile(`^[0-9a-f]{16}$`)
)

// Load reads and validates the waiver file at path. cat, when not nil,
// is used to reject rules that name no catalog obligation.
func Load(path string, cat *rules.Catalog) (*Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read waivers: %w", err)
	}
	return Parse(path, b, cat)
}

// Parse validates a waiver file's contents; name is used in errors, which
// are *yamlfile.Error values (file:line:col: field: problem).
func Parse(name string, data []byte, cat *rules.Catalog) (*Set, error) {
	var list []Waiver
	doc, err := yamlfile.Decode(name, data, &list)
	if err != nil {
		return nil, err
	}
	set := &Set{Waivers: make([]Waiver, 0, len(list))}
	for i, w := range list {
		entry := fmt.Sprintf("$[%d]", i)
		at := func(field, format string, args ...any) error {
			e := doc.Errorf(entry+"."+field, format, args...)
			if e.Line == 0 { // an absent field: point at its entry
				pos := doc.Errorf(entry, "")
				e.Line, e.Column = pos.Line, pos.Column
			}
			return e
		}
		if err := w.validate(at, cat); err != nil {
			return nil, err
		}
		w.File = name
		w.Line = doc.Line(entry)
		set.Waivers = append(set.Waivers, w)
	}
	return set, nil
}

func (w *Waiver) validate(at func(field, format string, args ...any) error, cat *rules.Catalog) error {
	for _, f := range []struct{ name, value string }{{"rule", w.Rule}, {"platform", w.Platform}, {"reason", w.Reason}, {"approver", w.Approver}, {"expires", w.Expires}} {
		if strings.TrimSpace(f.value) == "" {
			return at(f.name, "is required")
		}
	}
	if !doublestar.ValidatePattern(w.Rule) {
		return at("rule", "bad glob %q", w.Rule)
	}
	if cat != nil && !matchesAnyRule(w.Rule, cat) {
		return at("rule", "%q names no obligation in the catalog (see platscan rules list)", w.Rule)
	}
	if !doublestar.ValidatePattern(w.Platform) {
		return at("platform", "bad glob %q", w.Platform)
	}
	day, err := time.Parse("2006-01-02", w.Expires)
	if err != nil || !datePattern.MatchString(w.Expires) {
		return at("expires", "%q is not a date (YYYY-MM-DD)", w.Expires)
	}
	w.end = day.AddDate(0, 0, 1)
	w.valid = true
	if w.Scope == "" || w.Scope == "*" {
		w.scope = scope{}
		return nil
	}
	kind, pattern, ok := strings.Cut(w.Scope, ":")
	kind = strings.TrimSpace(kind)
	pattern = strings.TrimSpace(pattern)
	switch {
	case !ok || (kind != ScopeID && kind != ScopePersona && kind != ScopeURL):
		return at("scope", "%q: use id:<finding id>, persona:<glob> or url:<glob>", w.Scope)
	case pattern == "":
		return at("scope", "%q: nothing after %q", w.Scope, kind+":")
	case kind == ScopeID && !idPattern.MatchString(pattern):
		return at("scope", "%q: a finding id is 16 lower-case hex digits (see the report)", w.Scope)
	}
	if !doublestar.ValidatePattern(pattern) {
		w.valid = false
		return at("scope", "bad glob %q", pattern)
	}
	w.scope = scope{kind: kind, pattern: pattern}
	return nil
}

func matchesAnyRule(pattern string, cat *rules.Catalog) bool {
	for _, o := range cat.All() {
		if doublestar.MatchUnvalidated(pattern, o.ID) {
			return true
		}
	}
	return false
}

// InForce reports whether the waiver still holds at now.
func (w Waiver) InForce(now time.Time) bool { return now.Before(w.end) }

// Matches reports whether the waiver covers finding f of platform.
func (w Waiver) Matches(platform string, f policies.Finding) bool {
	if !w.valid || !doublestar.MatchUnvalidated(w.Rule, f.Rule) || !doublestar.MatchUnvalidated(w.Platform, platform) {
		return false
	}
	switch w.scope.kind {
	case "":
		return true
	case ScopeID:
		return f.ID == w.scope.pattern
	case ScopePersona:
		return f.Persona != "" && doublestar.MatchUnvalidated(w.scope.pattern, f.Persona)
	case ScopeURL:
		return matchURL(w.scope, FindingURL(f))
	}
	return false
}

func matchURL(s scope, raw string) bool {
	if raw == "" {
		return false
	}
	if strings.Contains(s.pattern, "://") {
		return doublestar.MatchUnvalidated(s.pattern, raw)
	}
	p := raw
	if i := strings.Index(raw, "://"); i >= 0 {
		p = raw[i+3:]
		if j := strings.IndexByte(p, '/'); j >= 0 {
			p = p[j:]
		} else {
			p = "/"
		}
	}
	return doublestar.MatchUnvalidated(s.pattern, p)
}

// FindingURL is the page a finding is about: its metrics' url, when the
// policy reported one.
func FindingURL(f policies.Finding) string {
	u, _ := f.Metrics["url"].(string)
	return u
}

// Apply matches the waivers against rep's findings at time now. A finding
// matched by a waiver in force gets that waiver; one matched only by
// expired waivers gets the one that expired last, marked Expired.
func (s *Set) Apply(rep *policies.Report, now time.Time) Result {
	res := Result{ByFinding: map[string]Verdict{}}
	used := make([]bool, len(s.Waivers))
	for _, f := range rep.Findings {
		var best *Verdict
		for i, w := range s.Waivers {
			if !w.Matches(rep.Platform, f) {
				continue
			}
			used[i] = true
			v := Verdict{Waiver: w, Expired: !w.InForce(now)}
			switch {
			case best == nil:
				best = &v
			case best.Expired && !v.Expired:
				best = &v
			case best.Expired && v.Expired && v.Waiver.end.After(best.Waiver.end):
				best = &v
			}
		}
		if best != nil {
			res.ByFinding[f.ID] = *best
		}
	}
	for i, w := range s.Waivers {
		if !used[i] {
			res.Unused = append(res.Unused, w)
		}
	}
	return res
}

// Where returns "file:line" for messages about the waiver.
func (w Waiver) Where() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d", w.File, w.Line)
	}
	return w.File
}
