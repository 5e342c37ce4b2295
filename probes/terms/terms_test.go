package terms

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/profile"
)

type gathered struct {
	docs    map[string]measure.Document
	clauses []measure.Clause
	changes []measure.RuleChange
	pages   []measure.AnnouncementsPage
	store   string
}

func gather(t *testing.T, v fixtures.Variant) gathered {
	t.Helper()
	srv := httptest.NewServer(fixtures.Handler(v))
	t.Cleanup(srv.Close)
	raw, err := fixtures.Profile(v, map[string]string{v.Slug: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Parse(v.Slug+".yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	st, err := evidence.Create(t.TempDir(), evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := fetch.New(st, fetch.Options{ObeyRobots: true, Retries: 2, MaxRedirects: 10, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond, AllowPrivate: true})
	if err := (&Probe{}).Gather(context.Background(), probes.NewTarget(prof, f, st)); err != nil {
		t.Fatal(err)
	}
	recs, err := evidence.ReadRecords(st.Dir())
	if err != nil {
		t.Fatal(err)
	}
	g := gathered{docs: map[string]measure.Document{}, store: st.Dir()}
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement {
			continue
		}
		var head struct{ Type string }
		json.Unmarshal(r.Data, &head)
		switch head.Type {
		case "document":
			var d measure.Document
			json.Unmarshal(r.Data, &d)
			g.docs[d.URL[len(srv.URL):]] = d
		case "clause":
			var c measure.Clause
			json.Unmarshal(r.Data, &c)
			g.clauses = append(g.clauses, c)
		case "rule_change":
			var c measure.RuleChange
			json.Unmarshal(r.Data, &c)
			g.changes = append(g.changes, c)
		case "announcements_page":
			var p measure.AnnouncementsPage
			json.Unmarshal(r.Data, &p)
			g.pages = append(g.pages, p)
		}
	}
	return g
}

func TestGatherShopmart(t *testing.T) {
	g := gather(t, fixtures.Shopmart)
	if d := g.docs["/rules"]; !d.Reachable || d.LinkedFromHome || d.Lang != "zh" || d.Hub || len(d.RuleLinks) != 0 {
		t.Errorf("/rules: %+v", d)
	}
	if d := g.docs["/en/rules"]; d.Reachable || !d.LoginWall {
		t.Errorf("/en/rules should sit behind a login wall: %+v", d)
	}
	if d := g.docs["/terms"]; !d.Reachable || d.Charset != "gbk" || !d.LinkedFromHome {
		t.Errorf("/terms: %+v", d)
	}
	active := map[string]bool{}
	for _, c := range g.clauses {
		if c.Category == "exclusivity" && !c.Negated {
			active[c.Lang] = true
			if len(c.Explanation) == 0 || c.Score < c.Threshold && c.Source != "cue" || c.Classifier == "" {
				t.Errorf("clause without its explanation: %+v", c)
			}
			blob, err := evidence.ReadBlob(g.store, c.TextSHA256)
			if err != nil {
				t.Fatal(err)
			}
			if got := string([]rune(string(blob))[c.Start:c.End]); got != c.Text {
				t.Errorf("offsets %d:%d select %q, not the clause %q", c.Start, c.End, got, c.Text)
			}
		}
	}
	if !active["zh"] || !active["en"] {
		t.Errorf("want the zh and en exclusivity clauses, got them in %v", active)
	}
	notice := map[int]int{}
	for _, c := range g.changes {
		if c.NoticeDays == nil {
			t.Fatalf("undated change %+v", c)
		}
		notice[*c.NoticeDays]++
	}
	if notice[3] != 2 || notice[10] != 2 {
		t.Errorf("notice days %v, want 3 and 10 on both language pages", notice)
	}
	if len(g.pages) != 2 || !g.pages[0].Reachable || len(g.pages[0].Evidence) != 2 {
		t.Errorf("announcement pages (first fetch retried after 503): %+v", g.pages)
	}
}

func TestGatherFairmarket(t *testing.T) {
	g := gather(t, fixtures.Fairmarket)
	// The profile's six documents, and the three its rules centre lists.
	if len(g.docs) != 9 {
		t.Errorf("want 9 documents, got %d", len(g.docs))
	}
	hub := g.docs["/rules"]
	if !hub.Hub || !hub.Reachable || !hub.LinkedFromHome || hub.Chars >= 100 || len(hub.RuleLinks) != 3 {
		t.Errorf("/rules is a rules centre: %+v", hub)
	}
	for _, l := range hub.RuleLinks {
		path := strings.TrimPrefix(l.URL, hub.URL[:len(hub.URL)-len("/rules")])
		d, ok := g.docs[path]
		if !l.Followed || !ok || !d.Reachable || d.Chars < 100 || d.Via != hub.URL || d.Depth != 1 || d.Hub {
			t.Errorf("%s (%s) listed by the centre: followed %v, %+v", path, l.Label, l.Followed, d)
		}
	}
	for path, d := range g.docs {
		if !d.Reachable || (d.Via == "" && !d.LinkedFromHome) {
			t.Errorf("%s: %+v", path, d)
		}
	}
	for _, c := range g.clauses {
		if !c.Negated && c.Category != "ranking_disclosure" && c.Category != "own_treatment" {
			t.Errorf("false positive: %s %q (score %.2f, threshold %.2f, cue %q)", c.Category, c.Text, c.Score, c.Threshold, c.Cue)
		}
	}
	for _, c := range g.changes {
		if c.NoticeDays == nil || *c.NoticeDays != 21 {
			t.Errorf("change %+v", c)
		}
	}
}
