package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/policies"
)

// DocumentChange is the measurement of a rules or terms document whose
// text differs between an earlier run and this one.
type DocumentChange struct {
	Type          string         `json:"type"` // "document_change"
	URL           string         `json:"url"`
	Role          string         `json:"role"`
	PreviousSeen  string         `json:"previous_seen"`
	Seen          string         `json:"seen"`
	PreviousText  string         `json:"previous_text_sha256"`
	Text          string         `json:"text_sha256"`
	Added         []string       `json:"added"`
	Removed       []string       `json:"removed"`
	Announcements []Announcement `json:"announcements"`
	Evidence      []string       `json:"evidence"`
}

// Announcement is a rule-change notice that appeared between the runs.
type Announcement struct {
	Title      string `json:"title"`
	Published  string `json:"published"`
	Effective  string `json:"effective"`
	NoticeDays *int   `json:"notice_days"`
	Record     string `json:"record"`
}

// EvalAgainst re-judges the run in dir like Eval, adding the changes of
// rules and terms documents since the run in previous: which texts changed,
// what was added and removed, and which announcements published since then
// (if any) could have announced them. Neither run is modified; evidence ids
// of a change name records of both runs.
func EvalAgainst(ctx context.Context, dir, previous string, e *policies.Engine, version string) (*policies.Report, error) {
	cur, err := openRun(dir)
	if err != nil {
		return nil, err
	}
	old, err := evidence.ReadRecords(previous)
	if err != nil {
		return nil, err
	}
	oldMan, _ := evidence.ReadManifest(previous)
	changes, err := documentChanges(dir, previous, cur.recs, old, oldMan.Started, cur.started)
	if err != nil {
		return nil, err
	}
	var ms []map[string]any
	for _, c := range changes {
		var m map[string]any
		b, _ := json.Marshal(c)
		json.Unmarshal(b, &m) //nolint:errcheck // just encoded
		m["record"], m["persona"] = c.Evidence[0], ""
		ms = append(ms, m)
	}
	return cur.judge(ctx, e, version, map[string][]map[string]any{"terms": ms})
}

type docSeen struct {
	url, role, text, record, doc string
}

// documents indexes a run's readable rules and terms documents by URL
// path (so runs through different hosts or ports compare).
func documents(recs []evidence.Record) map[string]docSeen {
	out := map[string]docSeen{}
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement || r.Probe != "terms" {
			continue
		}
		var m struct {
			Type, URL, Role string
			Reachable       bool
			Text            string   `json:"text_sha256"`
			Evidence        []string `json:"evidence"`
		}
		if json.Unmarshal(r.Data, &m) != nil || m.Type != "document" || !m.Reachable || m.Text == "" {
			continue
		}
		doc := ""
		if len(m.Evidence) > 0 {
			doc = m.Evidence[len(m.Evidence)-1]
		}
		out[pathOf(m.URL)] = docSeen{url: m.URL, role: m.Role, text: m.Text, record: r.ID, doc: doc}
	}
	return out
}

// pathOf is the request URI of u (path and query), or u itself when it
// does not parse.
func pathOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.RequestURI()
}

func documentChanges(dir, previous string, cur, old []evidence.Record, oldSeen, seen string) ([]DocumentChange, error) {
	now, before := documents(cur), documents(old)
	anns := newAnnouncements(cur, old)
	var out []DocumentChange
	paths := make([]string, 0, len(now))
	for p := range now {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		n, ok := now[p]
		o, had := before[p]
		if !ok || !had || n.text == o.text {
			continue
		}
		nb, err := evidence.ReadBlob(dir, n.text)
		if err != nil {
			return nil, fmt.Errorf("document %s: %w", n.url, err)
		}
		ob, err := evidence.ReadBlob(previous, o.text)
		if err != nil {
			return nil, fmt.Errorf("document %s in %s: %w", o.url, previous, err)
		}
		c := DocumentChange{Type: "document_change", URL: n.url, Role: n.role, PreviousSeen: oldSeen, Seen: seen,
			PreviousText: o.text, Text: n.text, Added: lineDiff(string(nb), string(ob)), Removed: lineDiff(string(ob), string(nb)),
			Announcements: anns, Evidence: []string{n.record, n.doc, o.record, o.doc}}
		if c.Announcements == nil {
			c.Announcements = []Announcement{}
		}
		for _, a := range anns {
			c.Evidence = append(c.Evidence, a.Record)
		}
		out = append(out, c)
	}
	return out, nil
}

// lineDiff lists the lines of a that are not in b.
func lineDiff(a, b string) []string {
	have := map[string]bool{}
	for _, l := range strings.Split(b, "\n") {
		have[l] = true
	}
	out := []string{}
	for _, l := range strings.Split(a, "\n") {
		if l != "" && !have[l] {
			out = append(out, l)
		}
	}
	return out
}

// newAnnouncements lists the rule-change notices of the current run that
// the previous run did not see.
func newAnnouncements(cur, old []evidence.Record) []Announcement {
	type key struct{ id, title, published string }
	read := func(recs []evidence.Record) map[key]Announcement {
		out := map[key]Announcement{}
		for _, r := range recs {
			if r.Kind != evidence.KindMeasurement || r.Probe != "terms" {
				continue
			}
			var m struct {
				Type, ID, Title, Published, Effective string
				NoticeDays                            *int `json:"notice_days"`
			}
			if json.Unmarshal(r.Data, &m) != nil || m.Type != "rule_change" {
				continue
			}
			out[key{m.ID, m.Title, m.Published}] = Announcement{Title: m.Title, Published: m.Published, Effective: m.Effective, NoticeDays: m.NoticeDays, Record: r.ID}
		}
		return out
	}
	before := read(old)
	var out []Announcement
	for k, a := range read(cur) {
		if _, seen := before[k]; !seen {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b Announcement) int { return strings.Compare(a.Published+a.Title, b.Published+b.Title) })
	return out
}
