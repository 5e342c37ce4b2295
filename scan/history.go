package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/policies"
)

// EvalAgainst re-judges the run in dir like Eval, adding the changes of
// rules and terms documents since the run in previous: which texts changed,
// what was added and removed, and which announcements published since then
// (if any) could have announced them. Neither run is modified; evidence ids
// of a change name records of both runs. previous must be an earlier run
// of the same platform: anything else is an input error, since comparing
// it would report changes that never happened.
func EvalAgainst(ctx context.Context, dir, previous string, e *policies.Engine, version string) (*policies.Report, error) {
	cur, err := openRun(dir)
	if err != nil {
		return nil, err
	}
	old, err := openRun(previous)
	if err != nil {
		return nil, fault.Input(fmt.Errorf("previous run: %w", err))
	}
	if err := comparable(cur, old); err != nil {
		return nil, err
	}
	curRecs, err := evidence.ReadRecords(dir)
	if err != nil {
		return nil, fault.Input(err)
	}
	oldRecs, err := evidence.ReadRecords(previous)
	if err != nil {
		return nil, fault.Input(fmt.Errorf("previous run: %w", err))
	}
	changes, err := documentChanges(dir, previous, curRecs, oldRecs, old.manifest.Started, cur.manifest.Started)
	if err != nil {
		return nil, err
	}
	var derived []Derived
	for _, c := range changes {
		derived = append(derived, Derived{M: c.m, Record: c.record, Persona: c.persona})
	}
	return cur.judge(ctx, e, version, derived...)
}

// comparable checks that old can serve as the earlier run of cur.
func comparable(cur, old storedRun) error {
	if cur.prof.Platform.Name != old.prof.Platform.Name {
		return fault.Inputf("--previous %s is a run of %s, not of %s: runs of different platforms cannot be compared", old.dir, old.prof.Platform.Name, cur.prof.Platform.Name)
	}
	switch {
	case cur.started.IsZero() || old.started.IsZero():
		return fault.Inputf("--previous: the start time of %s cannot be read from its manifest, so which run came first is unknown", map[bool]string{true: cur.dir, false: old.dir}[cur.started.IsZero()])
	case old.started.After(cur.started):
		return fault.Inputf("--previous %s started %s, after %s (started %s): give the earlier run as --previous", old.dir, old.manifest.Started, cur.dir, cur.manifest.Started)
	}
	return nil
}

type docSeen struct {
	url, role, text, record, doc, persona string
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
		out[pathOf(m.URL)] = docSeen{url: m.URL, role: m.Role, text: m.Text, record: r.ID, doc: doc, persona: r.Persona}
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

// change is a document change with the record and persona it is filed
// under (the current run's measurement of the document).
type change struct {
	m       *measure.DocumentChange
	record  string
	persona string
}

func documentChanges(dir, previous string, cur, old []evidence.Record, oldSeen, seen string) ([]change, error) {
	now, before := documents(cur), documents(old)
	anns := newAnnouncements(cur, old)
	var out []change
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
		c := &measure.DocumentChange{Base: measure.Base{Type: "document_change", Key: "change|" + p, Evidence: []string{n.record, n.doc, o.record, o.doc}},
			URL: n.url, Role: n.role, PreviousSeen: oldSeen, Seen: seen, PreviousText: o.text, Text: n.text,
			Added: lineDiff(string(nb), string(ob)), Removed: lineDiff(string(ob), string(nb)), Announcements: anns}
		for _, a := range anns {
			c.Evidence = append(c.Evidence, a.Record)
		}
		out = append(out, change{m: c, record: n.record, persona: n.persona})
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
func newAnnouncements(cur, old []evidence.Record) []measure.ChangeNotice {
	type key struct{ id, title, published string }
	read := func(recs []evidence.Record) map[key]measure.ChangeNotice {
		out := map[key]measure.ChangeNotice{}
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
			out[key{m.ID, m.Title, m.Published}] = measure.ChangeNotice{Title: m.Title, Published: m.Published, Effective: m.Effective, NoticeDays: m.NoticeDays, Record: r.ID}
		}
		return out
	}
	before := read(old)
	var out []measure.ChangeNotice
	for k, a := range read(cur) {
		if _, seen := before[k]; !seen {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b measure.ChangeNotice) int { return strings.Compare(a.Published+a.Title, b.Published+b.Title) })
	return out
}
