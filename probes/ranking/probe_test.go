package ranking

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/extract"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/probes/probetest"
	"github.com/platscan/platscan/profile"
)

// A paginated result list (3 results a page, positions restarting on each
// page) is followed until top_k results are read.
func TestPagination(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := 1
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		var items []any
		for i := 1; i <= 3; i++ {
			n := (page-1)*3 + i
			items = append(items, map[string]any{"@type": "ListItem", "position": i, "url": fmt.Sprint("/p/", n),
				"item": map[string]any{"@type": "Product", "offers": map[string]any{"@type": "Offer", "price": 10 * n, "seller": map[string]any{"name": "s"}}}})
		}
		ld, _ := json.Marshal(map[string]any{"@type": "ItemList", "itemListElement": items})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><body><script type="application/ld+json">%s</script><ol class="results"><li>a</li><li>b</li><li>c</li></ol><a rel="next" href="?q=x&page=%d">下一页</a></body></html>`, ld, page+1)
	}))
	defer srv.Close()
	prof, err := profile.Parse("p.yaml", []byte(fmt.Sprintf("platform: {name: P, base_url: %q, jurisdictions: [cn]}\npersonas: [{id: a}]\nranking: {queries: [x], top_k: 7}\nlimits: {rate: \"off\"}\n", srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	st, _ := evidence.Create(t.TempDir(), evidence.Options{})
	defer st.Close()
	f := fetch.New(st, fetch.Options{MaxRedirects: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond, AllowPrivate: true})
	if err := (&Probe{}).Gather(context.Background(), probes.NewTarget(prof, f, st)); err != nil {
		t.Fatal(err)
	}
	recs, _ := evidence.ReadRecords(st.Dir())
	for _, r := range recs {
		var m measure.RankedResults
		if json.Unmarshal(r.Data, &m) == nil && m.Type == "results" {
			if len(m.Rows) != 7 || m.Rows[6].Position != 7 || m.Rows[6].Item != srv.URL+"/p/7" || len(m.Evidence) != 3 {
				t.Fatalf("rows %+v evidence %d", m.Rows, len(m.Evidence))
			}
			return
		}
	}
	t.Fatal("no results measurement")
}

func ranked(t *testing.T, v fixtures.Variant) ([]measure.RankedResults, []measure.SortOptions, measure.RankingMetrics) {
	t.Helper()
	env := probetest.Fixture(t, v, probetest.Options{Profile: func(p *profile.Profile) { p.Ranking.Queries = p.Ranking.Queries[:3] }})
	recs := env.Gather(t, &Probe{})
	probetest.CheckMeasurements(t, recs)
	ms := probetest.Measurements[measure.RankingMetrics](t, recs, "ranking_metrics")
	if len(ms) != 1 {
		t.Fatalf("%d metrics", len(ms))
	}
	return probetest.Measurements[measure.RankedResults](t, recs, "results"), probetest.Measurements[measure.SortOptions](t, recs, "sort_options"), ms[0]
}

// Shopmart marks its results up in microdata, four a page: every result
// is read across both pages, with seller and brand from their nested
// items, so its own products are recognised; the paid slot's markup is
// read from its card, and it offers one order.
func TestShopmartMicrodataResults(t *testing.T) {
	res, sorts, m := ranked(t, fixtures.Shopmart)
	for _, r := range res {
		if len(r.Rows) != 6 || r.Pages != 2 || r.Source != "microdata" || len(r.Evidence) != 2 {
			t.Fatalf("%s: %d rows from %d pages (%s)", r.Query, len(r.Rows), r.Pages, r.Source)
		}
		first := r.Rows[0]
		if !first.FirstParty || first.Brand != "Shopmart Basics" || first.Seller != "shopmart-self" || first.Price == nil || first.Rating == nil || first.Reviews == nil {
			t.Errorf("%s: first row %+v", r.Query, first)
		}
		if paid := r.Rows[1]; paid.Sponsored == nil || !*paid.Sponsored || *paid.AdLabel || *r.Rows[0].SelfLabel {
			t.Errorf("%s: labels %+v %+v", r.Query, r.Rows[0], paid)
		}
		if r.Rows[5].Position != 6 {
			t.Errorf("positions do not count on across pages: %+v", r.Rows[5])
		}
	}
	if len(sorts) != 3 || len(sorts[0].Options) != 1 || sorts[0].Options[0].Label != "综合" || sorts[0].Options[0].Param != "sort" {
		t.Errorf("sort options: %+v", sorts)
	}
	if m.FirstPartyTop1 != 1 || m.FirstPartyItems != 3 || m.FirstPartyLabelsRead != 3 || m.FirstPartyUnlabeled != 3 || m.SponsoredUnlabelled != 3 {
		t.Errorf("metrics: %+v", m)
	}
}

// Fairmarket keeps JSON-LD, labels ads and its own items in the visible
// list (read by finding each result's card), and offers four orders as
// relative links with no sort class.
func TestFairmarketLabelsAndSorts(t *testing.T) {
	res, sorts, m := ranked(t, fixtures.Fairmarket)
	for _, r := range res {
		if len(r.Rows) != 6 || r.Source != "jsonld" {
			t.Fatalf("%s: %+v", r.Query, r)
		}
	}
	for _, s := range sorts {
		var labels []string
		for _, o := range s.Options {
			labels = append(labels, o.Label+"="+o.Value)
		}
		if strings.Join(labels, ",") != "综合=default,价格=price,销量=sales,好评=rating" {
			t.Errorf("%s: %v", s.Query, labels)
		}
	}
	if m.FirstPartyItems != 3 || m.FirstPartyLabelsRead != 3 || m.FirstPartyUnlabeled != 0 || m.Sponsored != 3 || m.SponsoredUnlabelled != 0 || m.SponsoredKnown != 18 {
		t.Errorf("metrics: %+v", m)
	}
}

// A platform without structured data is read with the profile's
// selectors; without them, the measurement says that nothing was read.
func TestBareMarkupSelectors(t *testing.T) {
	trim := func(p *profile.Profile) { p.Ranking.Queries = p.Ranking.Queries[:2] }
	env := probetest.Fixture(t, fixtures.Baremart, probetest.Options{Profile: func(p *profile.Profile) { trim(p); probetest.BareSelectors(p) }})
	recs := env.Gather(t, &Probe{})
	for _, r := range probetest.Measurements[measure.RankedResults](t, recs, "results") {
		if r.Source != "selector" || len(r.Rows) != 6 || r.Pages != 2 || r.Rows[0].Price == nil || !r.Rows[0].FirstParty || r.Unread != "" {
			t.Errorf("with selectors: %+v", r)
		}
	}
	env = probetest.Fixture(t, fixtures.Baremart, probetest.Options{Profile: trim})
	recs = env.Gather(t, &Probe{})
	for _, r := range probetest.Measurements[measure.RankedResults](t, recs, "results") {
		if r.Source != "" || len(r.Rows) != 0 || !strings.HasPrefix(r.Unread, "0 results read") {
			t.Errorf("without selectors: %+v", r)
		}
	}
	if ms := probetest.Measurements[measure.RankingMetrics](t, recs, "ranking_metrics"); len(ms) != 1 || ms[0].Rows != 0 {
		t.Errorf("metrics: %+v", ms)
	}
}

// A next-page link back to a page already read ends the paging rather
// than reading the same results again.
func TestPagingStopsOnACycle(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><body><script type="application/ld+json">{"@type":"ItemList","itemListElement":[{"@type":"ListItem","position":1,"url":"/p/1"}]}</script><a rel="next" href="?q=x">next</a></body></html>`)
	}))
	defer srv.Close()
	st, _ := evidence.Create(t.TempDir(), evidence.Options{})
	defer st.Close()
	f := fetch.New(st, fetch.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond, AllowPrivate: true})
	sess, err := f.Session("a", nil, nil, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	s := ReadSearch(context.Background(), sess, ID, srv.URL+"/?q=x", 10, extract.Hints{}, nil)
	if s.Pages != 1 || len(s.Results) != 1 {
		t.Errorf("pages %d, results %d", s.Pages, len(s.Results))
	}
}
