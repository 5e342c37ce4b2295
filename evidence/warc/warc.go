// Package warc writes and reads a run's WARC 1.1 capture
// (capture.warc.gz): for every HTTP exchange a request record, a response
// record and a metadata record tying them to the evidence record, persona
// and probe. Each record is its own gzip member, appended as it is made,
// so a crash loses at most the record being written; the evidence store
// makes the capture durable with its journal (group commit), and Close
// syncs it. It uses
// github.com/nlnwa/gowarc (a maintained WARC 1.1 implementation) and
// imports no other platscan package.
package warc

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/nlnwa/gowarc/v3"
)

// FileName is the capture's name inside a run directory.
const FileName = "capture.warc.gz"

// Writer appends records to a capture file. It is safe for concurrent use:
// records are built and compressed by the caller's goroutine, and only
// the append to the file is serialised.
type Writer struct {
	mu   sync.Mutex
	f    *os.File
	opts []gowarc.WarcRecordOption
	// Encoders are reused: a gzip writer allocates about a megabyte, far
	// more than a record, so making one per record dominated a scan's cost.
	enc sync.Pool
}

// encoder builds one record's gzip member.
type encoder struct {
	m        gowarc.Marshaler
	zw       *gzip.Writer
	raw, out bytes.Buffer
}

// member is one encoded record, ready to append.
type member struct {
	id string
	gz []byte
}

// Create opens path for appending, creating it with a warcinfo record when
// it is new. fields go into that warcinfo record.
func Create(path string, fields map[string]string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("warc: %w", err)
	}
	w := &Writer{f: f, opts: []gowarc.WarcRecordOption{
		gowarc.WithVersion(gowarc.V1_1),
		gowarc.WithAddMissingRecordId(true),
		gowarc.WithAddMissingContentLength(true),
		gowarc.WithAddMissingDigest(true),
		gowarc.WithDefaultDigestAlgorithm("sha256"),
		gowarc.WithFixDigest(false),
	}}
	w.enc.New = func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
		return &encoder{m: gowarc.NewMarshaler(), zw: zw}
	}
	if fi, err := f.Stat(); err == nil && fi.Size() == 0 {
		if _, err := w.write(gowarc.Warcinfo, "", "application/warc-fields", time.Now(), nil, warcFields(fields)); err != nil {
			f.Close()
			return nil, err
		}
	}
	return w, nil
}

// Exchange is one HTTP request and its response, already redacted.
type Exchange struct {
	URL            string
	Time           time.Time
	Method         string
	RequestHeader  map[string][]string
	RequestBody    []byte
	Status         int
	ResponseHeader map[string][]string
	Body           []byte
}

// IDs are the WARC-Record-IDs written for one exchange.
type IDs struct {
	Request  string `json:"request"`
	Response string `json:"response"`
	// End is the file size after the response record, for resuming.
	End int64 `json:"end"`
}

// WriteExchange writes the request and response records; the response's
// WARC-Payload-Digest is the SHA-256 of body.
func (w *Writer) WriteExchange(ex Exchange) (IDs, error) {
	req, err := w.encode(gowarc.Request, ex.URL, "application/http;msgtype=request", ex.Time, nil, httpRequest(ex))
	if err != nil {
		return IDs{}, err
	}
	resp, err := w.encode(gowarc.Response, ex.URL, "application/http;msgtype=response", ex.Time, func(b gowarc.WarcRecordBuilder) {
		b.AddWarcHeader(gowarc.WarcConcurrentTo, req.id)
	}, httpResponse(ex))
	if err != nil {
		return IDs{}, err
	}
	end, err := w.append(req, resp)
	if err != nil {
		return IDs{}, err
	}
	return IDs{Request: req.id, Response: resp.id, End: end}, nil
}

// WriteMetadata writes a metadata record about the response record id.
func (w *Writer) WriteMetadata(url, about string, fields map[string]string) (string, error) {
	return w.write(gowarc.Metadata, url, "application/warc-fields", time.Now(), func(b gowarc.WarcRecordBuilder) {
		b.AddWarcHeader(gowarc.WarcConcurrentTo, about)
		b.AddWarcHeader(gowarc.WarcRefersTo, about)
	}, warcFields(fields))
}

// Close syncs and closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		return fmt.Errorf("warc: %w", err)
	}
	return w.f.Close()
}

// write encodes and appends one record.
func (w *Writer) write(t gowarc.RecordType, url, contentType string, date time.Time, extra func(gowarc.WarcRecordBuilder), block []byte) (string, error) {
	m, err := w.encode(t, url, contentType, date, extra, block)
	if err != nil {
		return "", err
	}
	_, err = w.append(m)
	return m.id, err
}

// buildMu serialises building records across all writers: gowarc's
// record builder switches on github.com/google/uuid's random pool, a
// package variable, every time it is made, which races with another
// builder drawing a record id.
var buildMu sync.Mutex

// encode builds one record and compresses it into its own gzip member.
func (w *Writer) encode(t gowarc.RecordType, url, contentType string, date time.Time, extra func(gowarc.WarcRecordBuilder), block []byte) (member, error) {
	rec, err := build(t, url, contentType, date, extra, block, w.opts)
	if err != nil {
		return member{}, err
	}
	defer rec.Close()
	e := w.enc.Get().(*encoder)
	defer w.enc.Put(e)
	e.raw.Reset()
	if _, _, err := e.m.Marshal(&e.raw, rec, 0); err != nil {
		return member{}, fmt.Errorf("warc: %w", err)
	}
	e.out.Reset()
	e.zw.Reset(&e.out)
	if _, err := e.zw.Write(e.raw.Bytes()); err != nil {
		return member{}, fmt.Errorf("warc: %w", err)
	}
	if err := e.zw.Close(); err != nil {
		return member{}, fmt.Errorf("warc: %w", err)
	}
	return member{id: "<" + rec.RecordId() + ">", gz: bytes.Clone(e.out.Bytes())}, nil
}

// build makes one record (under buildMu).
func build(t gowarc.RecordType, url, contentType string, date time.Time, extra func(gowarc.WarcRecordBuilder), block []byte, opts []gowarc.WarcRecordOption) (gowarc.WarcRecord, error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	b := gowarc.NewRecordBuilder(t, opts...)
	if url != "" {
		b.AddWarcHeader(gowarc.WarcTargetURI, url)
	}
	b.AddWarcHeader(gowarc.ContentType, contentType)
	b.AddWarcHeaderTime(gowarc.WarcDate, date.UTC())
	if extra != nil {
		extra(b)
	}
	if _, err := b.Write(block); err != nil {
		return nil, fmt.Errorf("warc: %w", err)
	}
	rec, _, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("warc: build %s record: %w", t, err)
	}
	return rec, nil
}

// append writes encoded records, adjacent, and returns the offset after
// them. The evidence record that names an exchange is written only after
// its WARC records, so a journal cut short after a crash never names WARC
// bytes that were not written.
func (w *Writer) append(ms ...member) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range ms {
		if _, err := w.f.Write(m.gz); err != nil {
			return 0, fmt.Errorf("warc: %w", err)
		}
	}
	end, err := w.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, fmt.Errorf("warc: %w", err)
	}
	return end, nil
}

func httpRequest(ex Exchange) []byte {
	var b bytes.Buffer
	path := ex.URL
	if i := strings.Index(path, "://"); i >= 0 {
		if j := strings.Index(path[i+3:], "/"); j >= 0 {
			path = path[i+3+j:]
		} else {
			path = "/"
		}
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", ex.Method, path)
	writeHeader(&b, ex.RequestHeader)
	b.WriteString("\r\n")
	b.Write(ex.RequestBody)
	return b.Bytes()
}

func httpResponse(ex Exchange) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", ex.Status, http.StatusText(ex.Status))
	h := map[string][]string{}
	for k, v := range ex.ResponseHeader {
		// The body is stored as received after transport decoding; its
		// length and encoding headers would no longer describe it.
		if ck := http.CanonicalHeaderKey(k); ck != "Content-Encoding" && ck != "Content-Length" && ck != "Transfer-Encoding" {
			h[k] = v
		}
	}
	h["Content-Length"] = []string{fmt.Sprint(len(ex.Body))}
	writeHeader(&b, h)
	b.WriteString("\r\n")
	b.Write(ex.Body)
	return b.Bytes()
}

func writeHeader(b *bytes.Buffer, h map[string][]string) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\r\n", k, strings.NewReplacer("\r", " ", "\n", " ").Replace(v))
		}
	}
}

func warcFields(fields map[string]string) []byte {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\r\n", k, strings.NewReplacer("\r", " ", "\n", " ").Replace(fields[k]))
	}
	return b.Bytes()
}

// Record is what Read reports about one record.
type Record struct {
	ID            string
	Type          string
	TargetURI     string
	ConcurrentTo  string
	PayloadDigest string
	Offset        int64
	// Fields are a metadata record's fields.
	Fields map[string]string
	// Problems are digest or syntax problems found in this record.
	Problems []string
}

// Read parses every record of the capture at path, checking block and
// payload digests. A record that cannot be parsed ends the read with an
// error naming its offset, returned with the records before it.
func Read(path string) ([]Record, error) {
	var out []Record
	err := Each(path, func(r Record) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// Each parses the capture at path one record at a time, as Read does, and
// calls fn with each: memory does not grow with the capture. It stops at
// the first error fn returns.
func Each(path string, fn func(Record) error) error {
	r, err := gowarc.NewWarcFileReader(path, 0,
		gowarc.WithBlockErrorPolicy(gowarc.ErrWarn), gowarc.WithSpecViolationPolicy(gowarc.ErrWarn), gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn))
	if err != nil {
		return fmt.Errorf("warc: %w", err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("warc: record at offset %d: %w", rec.Offset, err)
		}
		wr := rec.WarcRecord
		h := wr.WarcHeader()
		x := Record{ID: "<" + wr.RecordId() + ">", Type: wr.Type().String(), TargetURI: h.Get(gowarc.WarcTargetURI),
			ConcurrentTo: h.Get(gowarc.WarcConcurrentTo), PayloadDigest: h.Get(gowarc.WarcPayloadDigest), Offset: rec.Offset}
		for _, v := range rec.Validation {
			x.Problems = append(x.Problems, v.Error())
		}
		if x.Type == gowarc.Metadata.String() {
			// The fields are needed as well as the check, and the block can
			// be read only once: read it here and check its digest by hand.
			raw, ferr := readBlock(wr)
			if ferr != nil {
				x.Problems = append(x.Problems, ferr.Error())
			} else {
				x.Fields = parseFields(raw)
				if want := h.Get(gowarc.WarcBlockDigest); want != "" && !strings.EqualFold(want, "sha256:"+sha256hex(raw)) {
					x.Problems = append(x.Problems, "block: wrong digest: expected "+want)
				}
			}
		} else {
			// Reading the block to the end makes the library check its digests.
			vs, err := wr.ValidateDigest()
			for _, v := range vs {
				x.Problems = append(x.Problems, v.Error())
			}
			if err != nil {
				x.Problems = append(x.Problems, err.Error())
			}
		}
		wr.Close()
		if err := fn(x); err != nil {
			return err
		}
	}
}

func readBlock(wr gowarc.WarcRecord) ([]byte, error) {
	rd, err := wr.Block().RawBytes()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(rd)
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func parseFields(raw []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}
