package pricing

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/fixtures/hostile"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/probes/probetest"
)

// A pricing probe pointed at a hostile site never records a wrong number:
// every page that is not a readable product page ends in a price
// measurement whose error says why, and the readable ones give their
// price.
func TestHostileProductPages(t *testing.T) {
	srv := httptest.NewServer(hostile.Handler(hostile.Options{}))
	defer srv.Close()
	want := map[string]float64{"/ok": 99, "/429-seconds": 20, "/503-date": 20, "/chain/2": 10, "/jsonld-huge": 77, "/jsonld-deep": 42}
	products := slices.Concat(hostile.Unreadable(), []string{"/ok", "/429-seconds", "/503-date", "/chain/2", "/jsonld-huge", "/jsonld-deep"})
	raw := fmt.Sprintf("platform: {name: Hostile, base_url: %q, jurisdictions: [cn]}\npersonas: [{id: new_user}]\n"+
		"pricing: {products: [%s], rounds: 1, opt_out: {disabled: true}}\nlimits: {allow_private: true}\n", srv.URL, strings.Join(products, ", "))
	env := probetest.New(t, srv.URL, []byte(raw), probetest.Options{Fetch: func(o *fetch.Options) {
		o.Timeout, o.Retries, o.MaxBody, o.MaxRedirects, o.MaxRetryAfter = time.Second, 1, 8<<20, 5, 5*time.Second
	}})
	start := time.Now()
	recs := env.Gather(t, &Probe{Method: Method{Permutations: 100, Bootstrap: 100, Seed: 1}})
	if el := time.Since(start); el > 60*time.Second {
		t.Errorf("the probe took %v over %d hostile pages", el, len(products))
	}
	probetest.CheckMeasurements(t, recs)
	prices := probetest.Measurements[measure.Price](t, recs, "price")
	if len(prices) != len(products) {
		t.Fatalf("%d price measurements for %d products", len(prices), len(products))
	}
	for _, m := range prices {
		p, readable := want[m.Product]
		switch {
		case readable && (m.Error != "" || m.Price != p):
			t.Errorf("%s: price %v error %q, want %v", m.Product, m.Price, m.Error, p)
		case !readable && (m.Error == "" || m.Price != 0):
			t.Errorf("%s: price %v error %q: an unreadable page must give no price and say why", m.Product, m.Price, m.Error)
		case (m.Product == "/endless" || m.Product == "/huge") && !strings.Contains(m.Error, "limits.max_body"):
			t.Errorf("%s: error %q does not say the page was cut at the body cap", m.Product, m.Error)
		}
	}
}
