package evidence

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// powerLoss builds a run of n exchange records, each with its own blob,
// made durable up to the first synced ones only (as the durable mark
// says), and returns the directory and the records.
func powerLoss(t *testing.T, n, synced int) (string, []Record) {
	t.Helper()
	dir := t.TempDir()
	st, err := Create(dir, Options{SyncEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	for i := range n {
		sum, err := st.PutBlob([]byte(fmt.Sprint("body ", i)))
		if err != nil {
			t.Fatal(err)
		}
		r, err := st.Append(Record{Kind: KindExchange, Probe: "p", BodySHA256: sum})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	st.Close()
	mark := fmt.Sprintf("%d 0 %s\n", synced, recs[synced-1].ID)
	os.WriteFile(filepath.Join(dir, durableFile), []byte(mark), 0o644)
	return dir, recs
}

// After a power loss a blob written after the last sync may be missing or
// empty: Open keeps the whole prefix and drops the rest, which a resumed
// scan does again, and the kept journal verifies.
func TestOpenAfterPowerLoss(t *testing.T) {
	for name, damage := range map[string]func(dir string, r Record){
		"blob missing": func(dir string, r Record) { os.Remove(BlobPath(dir, r.BodySHA256)) },
		"blob empty":   func(dir string, r Record) { os.WriteFile(BlobPath(dir, r.BodySHA256), nil, 0o644) },
	} {
		t.Run(name, func(t *testing.T) {
			dir, recs := powerLoss(t, 6, 3)
			damage(dir, recs[4])
			st, kept, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if len(kept) != 4 || st.Dropped() != 2 || st.Head() != recs[3].ID || st.Count() != 4 {
				t.Fatalf("kept %d, dropped %d, head %s", len(kept), st.Dropped(), st.Head())
			}
			if r, err := st.Append(Record{Kind: KindDocument, Probe: "p"}); err != nil || r.Prev != recs[3].ID {
				t.Fatalf("append after recovery: %+v %v", r, err)
			}
			st.Close()
			rep, err := Verify(dir)
			if err != nil || len(rep.Problems) > 0 {
				t.Fatalf("verify after recovery: %v %+v", err, rep.Problems)
			}
		})
	}
	// Damage before the durable mark is damage, not a power loss: refused
	// by verify, not silently cut.
	dir, recs := powerLoss(t, 4, 4)
	os.Remove(BlobPath(dir, recs[1].BodySHA256))
	st, kept, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if len(kept) != 4 {
		t.Fatalf("a durable record was dropped: kept %d", len(kept))
	}
}

// A record whose WARC bytes are past the end of the capture is not whole.
func TestOpenCutsRecordsBeyondCapture(t *testing.T) {
	dir := t.TempDir()
	st, _ := Create(dir, Options{})
	os.WriteFile(filepath.Join(dir, "capture.warc.gz"), make([]byte, 100), 0o644)
	for _, end := range []int64{50, 100, 150} {
		data, _ := json.Marshal(map[string]any{"warc": map[string]any{"request": "<a>", "response": "<b>", "end": end}})
		st.Append(Record{Kind: KindExchange, Probe: "p", Data: data})
	}
	st.Close()
	os.Remove(filepath.Join(dir, durableFile))
	st, kept, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if len(kept) != 2 || st.Dropped() != 1 {
		t.Fatalf("kept %d dropped %d", len(kept), st.Dropped())
	}
}

// Sync notes the durable prefix; Close syncs what is left.
func TestGroupCommitMark(t *testing.T) {
	dir := t.TempDir()
	st, _ := Create(dir, Options{})
	for range 5 {
		st.Append(Record{Kind: KindDocument, Probe: "p"})
	}
	if err := st.Sync(); err != nil {
		t.Fatal(err)
	}
	if n := durableMark(dir); n != 5 {
		t.Fatalf("durable mark %d after Sync, want 5", n)
	}
	st.Append(Record{Kind: KindDocument, Probe: "p"})
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if n := durableMark(dir); n != 6 {
		t.Fatalf("durable mark %d after Close, want 6", n)
	}
}
