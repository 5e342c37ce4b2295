package evidence

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"
)

// File names inside a run directory.
const (
	RecordsFile  = "records.jsonl"
	BlobsDir     = "blobs"
	ManifestFile = "manifest.json"
	FindingsFile = "findings.json"
)

// Sentinel errors.
var (
	// ErrRunExists is returned by Create when the directory already holds a run.
	ErrRunExists = errors.New("run directory already holds records")
	// ErrNotFound is returned when a record or blob does not exist.
	ErrNotFound = errors.New("not found")
)

// Options configure a Store.
type Options struct {
	// Now stamps records; tests inject a fixed clock. Defaults to time.Now.
	Now func() time.Time
	// OnAppend, when set, is called after each record is written with
	// the number of records so far (tests use it to interrupt a scan at a
	// chosen point).
	OnAppend func(count int)
	// SyncEvery is how often what was written is made durable (group
	// commit; default 500ms). Negative syncs on every Append, as before
	// group commit. See durable.go.
	SyncEvery time.Duration
}

// Store appends records to a run directory. It is safe for concurrent use.
// Store methods take no context: each call is one short local write that
// must finish even when the scan is being cancelled, so that what the scan
// saw up to that point is kept.
type Store struct {
	dir      string
	now      func() time.Time
	onAppend func(int)

	mu    sync.Mutex
	f     *os.File
	head  string
	count int
	ids   [][32]byte // binary: a large run's ids as hex strings took tens of MiB

	// Group commit (durable.go).
	syncEvery time.Duration
	written   int64           // journal bytes written
	pending   []string        // blobs written since the last sync
	fans      map[string]bool // blob fan-out directories known to exist
	syncErr   error           // a background sync that failed
	syncMu    sync.Mutex      // one sync at a time
	durable   int64           // journal bytes known durable
	stop      chan struct{}
	stopped   chan struct{}
	dropped   int
}

// Create starts a new run in dir, creating it if needed. It refuses a
// directory that already has records, so a run is never overwritten.
func Create(dir string, opt Options) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, BlobsDir, "sha256"), 0o755); err != nil {
		return nil, fmt.Errorf("create run %s: %w", dir, err)
	}
	path := filepath.Join(dir, RecordsFile)
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("create run %s: %w", dir, ErrRunExists)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create run %s: %w", dir, err)
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	os.Remove(filepath.Join(dir, durableFile))
	s := &Store{dir: dir, now: now, f: f, onAppend: opt.OnAppend}
	s.start(opt.SyncEvery)
	return s, nil
}

// ErrDamaged is returned by Open when the journal is damaged other than
// by a crash cutting its last line short.
var ErrDamaged = errors.New("records are damaged; run platscan verify")

// Open reopens an interrupted run for appending. A last line cut short by
// a crash is removed (it was never a record); any other damage is refused.
// It returns the records already there.
func Open(dir string, opt Options) (*Store, []Record, error) {
	path := filepath.Join(dir, RecordsFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open run %s: %w", dir, err)
	}
	keep := len(raw)
	if keep > 0 && raw[keep-1] != '\n' {
		keep = bytes.LastIndexByte(raw, '\n') + 1
	}
	var recs []Record
	prev := ""
	for i, line := range bytes.Split(raw[:keep], []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		r, err := decodeRecord(line)
		if err != nil {
			return nil, nil, fmt.Errorf("open run %s: line %d: %w", dir, i+1, ErrDamaged)
		}
		if id, err := r.Digest(); err != nil || id != r.ID || r.Prev != prev {
			return nil, nil, fmt.Errorf("open run %s: line %d: %w", dir, i+1, ErrDamaged)
		}
		prev = r.ID
		recs = append(recs, r)
	}
	// Records after the last durable point may name blobs or WARC bytes a
	// power loss did not leave behind: keep the longest prefix that is
	// whole (durable.go).
	good, offset := wholePrefix(dir, recs, raw[:keep])
	dropped := len(recs) - good
	if dropped > 0 {
		// A blob the power loss left half-written is garbage: remove it so
		// that the kept run verifies and a resumed scan writes it again.
		for _, r := range recs[good:] {
			if _, err := ReadBlob(dir, r.BodySHA256); err != nil && ValidDigest(r.BodySHA256) && !errors.Is(err, ErrNotFound) {
				os.Remove(BlobPath(dir, r.BodySHA256))
			}
		}
		recs, keep = recs[:good], offset
		prev = ""
		if good > 0 {
			prev = recs[good-1].ID
		}
	}
	if keep != len(raw) {
		if err := os.Truncate(path, int64(keep)); err != nil {
			return nil, nil, fmt.Errorf("open run %s: %w", dir, err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("open run %s: %w", dir, err)
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	s := &Store{dir: dir, now: now, f: f, onAppend: opt.OnAppend, head: prev, count: len(recs), written: int64(keep), durable: int64(keep), dropped: dropped}
	for _, r := range recs {
		s.ids = append(s.ids, binaryID(r.ID))
	}
	s.start(opt.SyncEvery)
	return s, recs, nil
}

// Dir is the run directory.
func (s *Store) Dir() string { return s.dir }

// Head is the id of the last record written ("" before the first).
func (s *Store) Head() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.head
}

// Count is the number of records written.
func (s *Store) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// PutBlob stores b under its SHA-256 and returns the hex digest. Writing
// the same content twice is a no-op. The blob is made durable with the
// records (group commit) before any record that names it is.
func (s *Store) PutBlob(b []byte) (string, error) {
	sum := SHA256(b)
	path := BlobPath(s.dir, sum)
	if _, err := os.Stat(path); err == nil {
		return sum, nil
	}
	if err := s.fanDir(path); err != nil {
		return "", fmt.Errorf("put blob: %w", err)
	}
	if err := writeFileAtomic(path, b, s.syncEvery < 0); err != nil {
		return "", fmt.Errorf("put blob %s: %w", sum, err)
	}
	s.mu.Lock()
	s.pending = append(s.pending, path)
	s.mu.Unlock()
	return sum, nil
}

// fanDir makes sure the blob's fan-out directory exists, asking the file
// system once per directory.
func (s *Store) fanDir(path string) error {
	d := filepath.Dir(path)
	s.mu.Lock()
	known := s.fans[d]
	s.mu.Unlock()
	if known {
		return nil
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	s.mu.Lock()
	if s.fans == nil {
		s.fans = map[string]bool{}
	}
	s.fans[d] = true
	s.mu.Unlock()
	return nil
}

// PutBlobFrom stores what r yields under its SHA-256 without holding it
// in memory: it is streamed to a temporary file, hashed on the way, synced
// and renamed into place. It returns the hex digest and the size.
func (s *Store) PutBlobFrom(r io.Reader) (string, int64, error) {
	dir := filepath.Join(s.dir, BlobsDir, "sha256")
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return "", 0, fmt.Errorf("put blob: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, fmt.Errorf("put blob: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	path := BlobPath(s.dir, sum)
	if _, err := os.Stat(path); err == nil {
		return sum, n, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", 0, fmt.Errorf("put blob: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", 0, fmt.Errorf("put blob %s: %w", sum, err)
	}
	return sum, n, nil
}

// Append fills in r's Prev, Time (when empty) and ID and writes it as one
// line. Once Append returns the record survives the process dying (it is
// in the operating system's hands); it is made durable against power loss
// with the others within SyncEvery, or by Sync (durable.go).
func (s *Store) Append(r Record) (Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return Record{}, errors.New("append record: store is closed")
	}
	if s.syncErr != nil {
		return Record{}, fmt.Errorf("append record: an earlier sync failed: %w", s.syncErr)
	}
	r.Prev = s.head
	if r.Time == "" {
		r.Time = s.now().UTC().Format(time.RFC3339Nano)
	}
	id, err := r.Digest()
	if err != nil {
		return Record{}, err
	}
	r.ID = id
	line, err := r.Line()
	if err != nil {
		return Record{}, err
	}
	n, err := s.f.Write(append(line, '\n'))
	s.written += int64(n)
	if err != nil {
		return Record{}, fmt.Errorf("append record: %w", err)
	}
	if s.syncEvery < 0 {
		if err := s.f.Sync(); err != nil {
			return Record{}, fmt.Errorf("append record: sync: %w", err)
		}
		s.durable = s.written
	}
	s.head = id
	s.count++
	s.ids = append(s.ids, binaryID(id))
	if s.onAppend != nil {
		s.onAppend(s.count)
	}
	return r, nil
}

// IDs returns the ids of the records written, in order.
func (s *Store) IDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.ids))
	for i, id := range s.ids {
		out[i] = hex.EncodeToString(id[:])
	}
	return out
}

// Close makes everything written durable and closes the journal.
func (s *Store) Close() error {
	s.halt()
	serr := s.Sync()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return serr
	}
	err := s.f.Close()
	s.f = nil
	return errors.Join(serr, err)
}

// ValidDigest reports whether sum is a SHA-256 digest as platscan writes
// them: 64 lower-case hex digits. Digests come from records, which may
// come from anyone; only a valid one ever becomes part of a path.
func ValidDigest(sum string) bool {
	if len(sum) != 64 {
		return false
	}
	for _, c := range sum {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// BlobPath is where the blob with hex digest sum lives under dir. A sum
// that is not a digest (say "../../etc/passwd" in a forged record) maps to
// a name inside the blob store that never exists, so it can neither
// escape the run directory nor be found.
func BlobPath(dir, sum string) string {
	if !ValidDigest(sum) {
		return filepath.Join(dir, BlobsDir, "sha256", "not-a-digest")
	}
	return filepath.Join(dir, BlobsDir, "sha256", sum[:2], sum)
}

// ReadBlob returns the blob with digest sum, checking its content.
func ReadBlob(dir, sum string) ([]byte, error) {
	if !ValidDigest(sum) {
		return nil, fmt.Errorf("blob %q: not a SHA-256 digest", sum)
	}
	b, err := os.ReadFile(BlobPath(dir, sum))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", sum, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", sum, err)
	}
	if got := SHA256(b); got != sum {
		return nil, fmt.Errorf("blob %s: content hashes to %s", sum, got)
	}
	return b, nil
}

// ReadRecords returns the run's records in order. It fails on the first
// line that does not decode; use Verify for a full integrity check. Large
// runs are better read with Records, one record at a time.
func ReadRecords(dir string) ([]Record, error) {
	var out []Record
	for r, err := range Records(dir) {
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Records iterates over the run's records in order, reading one line at a
// time, so that memory does not grow with the run. It yields an error
// (naming the file and line) and stops at the first line that does not
// decode.
func Records(dir string) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		path := filepath.Join(dir, RecordsFile)
		f, err := os.Open(path)
		if err != nil {
			yield(Record{}, fmt.Errorf("read records: %w", err))
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
		for n := 1; sc.Scan(); n++ {
			r, err := decodeRecord(sc.Bytes())
			if err != nil {
				yield(Record{}, fmt.Errorf("%s:%d: %w", path, n, err))
				return
			}
			if !yield(r, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(Record{}, fmt.Errorf("read records: %w", err))
		}
	}
}

// decodeRecord decodes one journal line strictly. It uses goccy/go-json,
// which reads a record four times as fast as encoding/json (reading the
// journal was most of the cost of judging a large run) and behaves the
// same on these plain structs.
func decodeRecord(line []byte) (Record, error) {
	var r Record
	dec := gojson.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Record{}, fmt.Errorf("decode record: %w", err)
	}
	return r, nil
}

// writeFileSync writes b to path via a temporary file and a rename, so a
// reader never sees a half-written file, and syncs it.
func writeFileSync(path string, b []byte) error { return writeFileAtomic(path, b, true) }

// writeFileAtomic writes b to path via a temporary file and a rename;
// sync says whether to sync the file before the rename.
func writeFileAtomic(path string, b []byte, sync bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteFile writes b to name inside the run directory atomically.
func WriteFile(dir, name string, b []byte) error {
	if err := writeFileSync(filepath.Join(dir, name), b); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// binaryID is a record id (hex SHA-256) as bytes; ids the store made
// itself or read back are always well formed.
func binaryID(id string) [32]byte {
	var b [32]byte
	hex.Decode(b[:], []byte(id)) //nolint:errcheck // ids are digests the store computed or checked
	return b
}
