package warc

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Sessions write exchanges at once: each record is compressed by its own
// goroutine, appended whole, and every one reads back with good digests.
func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	w, err := Create(path, map[string]string{"software": "test"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				body := []byte(fmt.Sprintf("<p>session %d page %d</p>", g, i))
				ids, err := w.WriteExchange(Exchange{URL: fmt.Sprintf("http://p.test/%d/%d", g, i), Time: time.Unix(0, 0), Method: "GET",
					Status: 200, ResponseHeader: map[string][]string{"Content-Type": {"text/html"}}, Body: body})
				if err == nil {
					_, err = w.WriteMetadata("http://p.test/", ids.Response, map[string]string{"n": fmt.Sprint(i)})
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+8*20*3 {
		t.Fatalf("%d records, want %d", len(recs), 1+8*20*3)
	}
	for _, r := range recs {
		if len(r.Problems) > 0 {
			t.Errorf("%s %s: %v", r.Type, r.ID, r.Problems)
		}
	}
}
