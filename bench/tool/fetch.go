package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/evidence/warc"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/probes/fetch"
)

// fetchBench compares the scanner's fetch path (a persona session per
// worker: recording transport, evidence store with fsync, blobs, WARC,
// charset decoding) with a plain net/http client loop, on the same
// fixture pages over loopback, with the same number of workers, the two
// interleaved so that both see the same machine.
func fetchBench(args []string) error {
	fs := flag.NewFlagSet("fetch", flag.ExitOnError)
	pages := fs.Int("pages", 3000, "requests per measurement (the fixture allows 5000 a second)")
	workers := fs.Int("workers", 4, "concurrent workers (sessions) in both loops")
	reps := fs.Int("reps", 3, "measurements of each loop; medians are reported")
	dir := fs.String("dir", os.TempDir(), "where the scanner's runs are written")
	cpu := fs.String("cpuprofile", "", "write a CPU profile of the scanner loops to `FILE`")
	fs.Parse(args)

	srv, err := fixtures.Start(fixtures.Shopmart, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	var urls []string
	for i := range *pages {
		urls = append(urls, fmt.Sprintf("%s/p/%d", srv.URL, 1001+i%54))
	}
	var prof *os.File
	if *cpu != "" {
		if prof, err = os.Create(*cpu); err != nil {
			return err
		}
		defer prof.Close()
	}
	var plain, scanner []float64
	// The fixture answers 429 beyond 5000 requests in a second: each loop
	// starts in a fresh second, and stays under it.
	pause := func() { time.Sleep(1100 * time.Millisecond) }
	for rep := range *reps {
		pause()
		p, err := plainLoop(urls, *workers)
		if err != nil {
			return err
		}
		pause()
		if prof != nil {
			pprof.StartCPUProfile(prof)
		}
		s, err := scannerLoop(urls, *workers, filepath.Join(*dir, fmt.Sprintf("fetch-bench-%d-%d", os.Getpid(), rep)))
		if prof != nil {
			pprof.StopCPUProfile()
			prof = nil
		}
		if err != nil {
			return err
		}
		plain, scanner = append(plain, p), append(scanner, s)
		fmt.Printf("fetch rep %d: plain %.0f pages/s, scanner %.0f pages/s (%d workers)\n", rep+1, p, s, *workers)
	}
	mp, ms := median(plain), median(scanner)
	fmt.Printf("fetch plain_pps=%.0f scanner_pps=%.0f ratio=%.3f\n", mp, ms, ms/mp)
	return nil
}

func plainLoop(urls []string, workers int) (float64, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers
	client := &http.Client{Transport: t}
	defer t.CloseIdleConnections()
	return parallel(urls, workers, func(int) func(string) error {
		return func(u string) error {
			resp, err := client.Get(u)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if _, err := io.ReadAll(resp.Body); err != nil {
				return err
			}
			if resp.StatusCode != 200 {
				return fmt.Errorf("%s: %s", u, resp.Status)
			}
			return nil
		}
	})
}

func scannerLoop(urls []string, workers int, dir string) (float64, error) {
	defer os.RemoveAll(dir)
	st, err := evidence.Create(dir, evidence.Options{})
	if err != nil {
		return 0, err
	}
	defer st.Close()
	capture, err := warc.Create(filepath.Join(dir, warc.FileName), map[string]string{"software": "platscan bench"})
	if err != nil {
		return 0, err
	}
	defer capture.Close()
	f := fetch.New(st, fetch.Options{AllowPrivate: true, ObeyRobots: true, Capture: capture})
	sessions := make([]*fetch.Session, workers)
	for i := range sessions {
		if sessions[i], err = f.Session(fmt.Sprintf("p%d", i), nil, nil, urls[0]); err != nil {
			return 0, err
		}
	}
	// robots.txt is read once per host, before the clock starts.
	sessions[0].Get(context.Background(), "bench", urls[0])
	return parallel(urls, workers, func(w int) func(string) error {
		s := sessions[w]
		return func(u string) error {
			p := s.Get(context.Background(), "bench", u)
			if !p.OK() {
				return fmt.Errorf("%s: %d %v", u, p.Status, p.Err)
			}
			return nil
		}
	})
}

// parallel runs do over urls with workers goroutines and returns pages/s.
func parallel(urls []string, workers int, do func(worker int) func(string) error) (float64, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn := do(w)
			for {
				i := int(next.Add(1)) - 1
				if i >= len(urls) {
					return
				}
				if err := fn(urls[i]); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(len(urls)) / time.Since(start).Seconds(), first
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
