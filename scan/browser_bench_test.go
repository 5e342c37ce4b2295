package scan

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/profile"
)

// BenchmarkRender compares browser mode with HTTP mode on the same pages:
// the pricing probe over 10 products, 5 personas and 2 rounds (100
// product pages and 100 quotes, each recorded), read over HTTP from the
// server-rendered Shopmart, in a browser from the same pages, and in a
// browser from Shopmart JS, whose pages only a browser can read. It
// reports pages/s and the peak memory of the whole process tree
// (platscan and Chromium's processes, proportional set size, sampled
// every 50 ms).
//
//	go test ./scan -run '^$' -bench Render -benchtime 1x
func BenchmarkRender(b *testing.B) {
	for _, c := range []struct {
		name   string
		v      fixtures.Variant
		render string
	}{
		{"http/static", fixtures.Shopmart, profile.RenderHTTP},
		{"browser/static", fixtures.Shopmart, profile.RenderBrowser},
		{"browser/js", fixtures.ShopmartJS, profile.RenderBrowser},
	} {
		b.Run(c.name, func(b *testing.B) {
			if c.render == profile.RenderBrowser {
				if _, err := fetch.FindBrowser(""); err != nil {
					b.Skip(err)
				}
			}
			srv := httptest.NewServer(fixtures.Handler(c.v))
			defer srv.Close()
			const ua = `{User-Agent: "Mozilla/5.0 (X11; Linux x86_64)"}`
			yaml := fmt.Sprintf(`platform: {name: Bench, base_url: %q, jurisdictions: [cn]}
render: %s
browser: {settle_ms: 80}
personas:
  - {id: new_user, headers: %[3]s}
  - {id: control_a, control: true, headers: %[3]s}
  - {id: control_b, control: true, headers: %[3]s}
  - {id: loyal_user, headers: %[3]s, login: {url: /login, form: {username: a, password: b}}}
  - {id: ios_user, headers: {User-Agent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)"}}
pricing: {products: [/p/1001, /p/1002, /p/1003, /p/1004, /p/1005, /p/1006, /p/1007, /p/1008, /p/1009, /p/1010], rounds: 2,
  quote: "/api/quote?sku={sku}", opt_out: {disabled: true}}
limits: {rate: "off"}
`, srv.URL, c.render, ua)
			e := testEngineB(b)
			root := b.TempDir()
			peak := sampleTreePSS()
			pages, i := 0, 0
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
				pages += 10 * 5 * 2 * 2
				if res.Manifest.Records < 200 {
					b.Fatalf("%d records", res.Manifest.Records)
				}
			}
			b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
			if mb := peak(); mb > 0 {
				b.ReportMetric(mb, "peak-tree-PSS-MB")
			}
		})
	}
}

// sampleTreePSS samples, until the returned func is called, the summed
// proportional set size of this process and its descendants (Linux
// /proc), and returns the peak in MB (0 where /proc is not there).
func sampleTreePSS() func() float64 {
	stop := make(chan struct{})
	var mu sync.Mutex
	var peak float64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if kb := treePSS(os.Getpid()); kb > 0 {
				mu.Lock()
				peak = max(peak, kb/1024)
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() float64 {
		close(stop)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// treePSS sums the Pss of root and every process descended from it, in kB.
func treePSS(root int) float64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces, so read after the last ')'.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) > 1 {
			parent[pid], _ = strconv.Atoi(fields[1])
		}
	}
	var total float64
	for pid := range parent {
		for p := pid; p > 1; p = parent[p] {
			if p == root {
				total += pss(pid)
				break
			}
		}
	}
	return total
}

func pss(pid int) float64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "smaps_rollup"))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Pss:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb
		}
	}
	return 0
}
