package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/platscan/platscan/evidence/warc"
)

// Durability by group commit. A record is written to the journal (and its
// body to the blob store, its exchange to the WARC capture) as soon as it
// is made, so it survives the process dying at any moment: Ctrl-C, a
// crash, a kill. Making writes durable against power loss (fsync) costs
// far more than writing them, so it is done for everything written so
// far at once: every SyncEvery by a background goroutine, on Sync, and on
// Close, blobs and capture before the journal. After each sync the
// journal's durable length is noted in durableFile.
//
// After a power loss, the journal holds every record up to the last sync
// and perhaps some after it, whose blobs or WARC bytes may be missing.
// Open keeps the longest prefix of records that is whole (each record
// after the durable mark has its blob, with the right content, and its
// WARC bytes) and truncates the rest, which a resumed scan does again.
// What a scan judged is never affected: findings and manifests are
// written after a Sync.

// durableFile notes "count offset head" of the journal's durable prefix.
const durableFile = "records.durable"

const defaultSyncEvery = 500 * time.Millisecond

// start begins background syncing every d (default 500ms; negative means
// every Append syncs itself).
func (s *Store) start(d time.Duration) {
	if d == 0 {
		d = defaultSyncEvery
	}
	s.syncEvery = d
	if d < 0 {
		return
	}
	s.stop, s.stopped = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.stopped)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				if err := s.Sync(); err != nil {
					s.mu.Lock()
					if s.syncErr == nil {
						s.syncErr = err
					}
					s.mu.Unlock()
				}
			}
		}
	}()
}

// halt stops background syncing.
func (s *Store) halt() {
	if s.stop == nil {
		return
	}
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.stopped
}

// Sync makes every record, blob and capture byte written so far durable
// before it returns.
func (s *Store) Sync() error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.mu.Lock()
	f, end, count, head := s.f, s.written, s.count, s.head
	blobs := s.pending
	s.pending = nil
	s.mu.Unlock()
	if f == nil || (end == s.durable && len(blobs) == 0) {
		return nil
	}
	if err := syncAll(f, blobs, s.dir); err != nil {
		s.mu.Lock()
		s.pending = append(blobs, s.pending...) // try them again
		s.mu.Unlock()
		return fmt.Errorf("sync run %s: %w", s.dir, err)
	}
	s.durable = end
	mark := fmt.Sprintf("%d %d %s\n", count, end, head)
	if err := writeFileSync(filepath.Join(s.dir, durableFile), []byte(mark)); err != nil {
		return fmt.Errorf("sync run %s: %w", s.dir, err)
	}
	return nil
}

// Finish makes everything durable and drops the durable mark: the
// manifest written next says what the run holds, and a finished run's
// files are all evidence that verify checks.
func (s *Store) Finish() error {
	if err := s.Sync(); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.dir, durableFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("finish run %s: %w", s.dir, err)
	}
	return nil
}

// syncFiles fsyncs each file, then the journal: the portable way.
func syncFiles(journal *os.File, paths []string, dir string) error {
	var errs []error
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, f.Sync(), f.Close())
	}
	if c, err := os.OpenFile(filepath.Join(dir, warc.FileName), os.O_RDONLY, 0); err == nil {
		errs = append(errs, c.Sync(), c.Close())
	}
	errs = append(errs, journal.Sync())
	return errors.Join(errs...)
}

// Dropped is how many records Open removed from the end of the journal
// because a power loss had left them incomplete.
func (s *Store) Dropped() int { return s.dropped }

// durableMark reads how many records were noted durable (0 when unknown).
func durableMark(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, durableFile))
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.Fields(string(b) + " x")[0])
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// wholePrefix returns how many of recs (the journal raw, decoded and
// chain-checked) form a whole prefix, and its length in bytes: records
// past the durable mark must have their blob, with the content named, and
// their WARC bytes.
func wholePrefix(dir string, recs []Record, raw []byte) (int, int) {
	from := min(durableMark(dir), len(recs))
	var capture int64 = -1
	if fi, err := os.Stat(filepath.Join(dir, warc.FileName)); err == nil {
		capture = fi.Size()
	}
	good := len(recs)
	for i := from; i < len(recs); i++ {
		if !whole(dir, recs[i], capture) {
			good = i
			break
		}
	}
	if good == len(recs) {
		return good, len(raw)
	}
	// The byte offset where record good begins: after good newlines.
	off := 0
	for range good {
		off += bytes.IndexByte(raw[off:], '\n') + 1
	}
	return good, off
}

func whole(dir string, r Record, capture int64) bool {
	if r.BodySHA256 != "" {
		if _, err := ReadBlob(dir, r.BodySHA256); err != nil {
			return false
		}
	}
	if r.Kind == KindExchange {
		var d struct {
			WARC *warc.IDs `json:"warc"`
		}
		if json.Unmarshal(r.Data, &d) == nil && d.WARC != nil && d.WARC.End > capture {
			return false
		}
	}
	return true
}
