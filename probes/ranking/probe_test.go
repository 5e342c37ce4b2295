package ranking

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/fetch"
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
			if len(m.Rows) != 7 || m.Rows[6].Position != 7 || m.Rows[6].Item != "/p/7" || len(m.Evidence) != 3 {
				t.Fatalf("rows %+v evidence %d", m.Rows, len(m.Evidence))
			}
			return
		}
	}
	t.Fatal("no results measurement")
}
