package scan

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/profile"
)

// BenchmarkPricing50x6x8 runs the pricing probe over 50 products, 6
// personas and 8 rounds against the loopback Shopmart fixture with the rate
// limit off: 2,400 product pages and 2,400 quotes, each recorded with an
// fsync, then the statistics and the policies. It reports pages/s and the
// process's peak resident memory.
func BenchmarkPricing50x6x8(b *testing.B) {
	srv := httptest.NewServer(fixtures.Handler(fixtures.Shopmart))
	defer srv.Close()
	var products []string
	for i := range 50 {
		products = append(products, fmt.Sprintf("/p/%d", 1001+i))
	}
	const ua = `{User-Agent: "Mozilla/5.0 (X11; Linux x86_64)"}`
	yaml := fmt.Sprintf(`platform: {name: Bench, base_url: %q, jurisdictions: [cn]}
personas:
  - {id: new_user, headers: %[2]s}
  - {id: control_a, control: true, headers: %[2]s}
  - {id: control_b, control: true, headers: %[2]s}
  - {id: loyal_user, headers: %[2]s, login: {url: /login, form: {username: a, password: b}}}
  - {id: ios_user, headers: {User-Agent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)"}}
  - {id: android_user, headers: {User-Agent: "Mozilla/5.0 (Linux; Android 15)"}}
pricing: {products: [%s], rounds: 8, quote: "/api/quote?sku={sku}", opt_out: {disabled: true}}
limits: {rate: "off", allow_private: true}
`, srv.URL, ua, strings.Join(products, ", "))
	e := testEngineB(b)
	root := b.TempDir()
	pages := 0
	i := 0
	for b.Loop() {
		prof, err := profile.Parse("bench.yaml", []byte(yaml))
		if err != nil {
			b.Fatal(err)
		}
		i++
		res, err := Run(context.Background(), prof, Options{Dir: filepath.Join(root, fmt.Sprint(i)), Engine: e, Version: "bench", Probes: []string{"pricing"}})
		if err != nil {
			b.Fatal(err)
		}
		pages += 50 * 6 * 8 * 2
		if len(res.Report.Findings) == 0 {
			b.Fatal("no findings on Shopmart")
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
}
