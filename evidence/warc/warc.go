// Package warc writes and reads a run's WARC 1.1 capture
// (capture.warc.gz): for every HTTP exchange a request record, a response
// record and a metadata record tying them to the evidence record, persona
// and probe. Each record is its own gzip member, appended and synced, so
// a crash loses at most the record being written. It uses
// github.com/nlnwa/gowarc (a maintained WARC 1.1 implementation) and
// imports no other platscan package.
package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
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

	"github.com/nlnwa/gowarc/v3"
)

// FileName is the capture's name inside a run directory.
const FileName = "capture.warc.gz"

// Writer appends records to a capture file. It is safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	f    *os.File
	m    gowarc.Marshaler
	opts []gowarc.WarcRecordOption
	// Reused buffers: a gzip writer allocates about a megabyte, far more
	// than a record, so making one per record dominated a scan's cost.
	zw       *gzip.Writer
	raw, out bytes.Buffer
}

// Create opens path for appending, creating it with a warcinfo record when
// it is new. fields go into that warcinfo record.
func Create(path string, fields map[string]string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("warc: %w", err)
	}
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	w := &Writer{f: f, m: gowarc.NewMarshaler(), zw: zw, opts: []gowarc.WarcRecordOption{
		gowarc.WithVersion(gowarc.V1_1),
		gowarc.WithAddMissingRecordId(true),
		gowarc.WithAddMissingContentLength(true),
		gowarc.WithAddMissingDigest(true),
		gowarc.WithDefaultDigestAlgorithm("sha256"),
		gowarc.WithFixDigest(false),
	}}
	if fi, err := f.Stat(); err == nil && fi.Size() == 0 {
		if _, _, err := w.write(gowarc.Warcinfo, "", "application/warc-fields", time.Now(), nil, warcFields(fields), true); err != nil {
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
	w.mu.Lock()
	defer w.mu.Unlock()
	req, _, err := w.write(gowarc.Request, ex.URL, "application/http;msgtype=request", ex.Time, nil, httpRequest(ex), false)
	if err != nil {
		return IDs{}, err
	}
	resp, end, err := w.write(gowarc.Response, ex.URL, "application/http;msgtype=response", ex.Time, func(b gowarc.WarcRecordBuilder) {
		b.AddWarcHeader(gowarc.WarcConcurrentTo, req)
	}, httpResponse(ex), true)
	if err != nil {
		return IDs{}, err
	}
	return IDs{Request: req, Response: resp, End: end}, nil
}

// WriteMetadata writes a metadata record about the response record id.
func (w *Writer) WriteMetadata(url, about string, fields map[string]string) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	id, _, err := w.write(gowarc.Metadata, url, "application/warc-fields", time.Now(), func(b gowarc.WarcRecordBuilder) {
		b.AddWarcHeader(gowarc.WarcConcurrentTo, about)
		b.AddWarcHeader(gowarc.WarcRefersTo, about)
	}, warcFields(fields), false)
	return id, err
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

// write appends one record. sync is set on the record that completes an
// exchange: the evidence record that names it is written only after, so
// one fsync per exchange keeps the order crash-safe. (A metadata record
// is synced with the next exchange or on Close.)
func (w *Writer) write(t gowarc.RecordType, url, contentType string, date time.Time, extra func(gowarc.WarcRecordBuilder), block []byte, sync bool) (string, int64, error) {
	b := gowarc.NewRecordBuilder(t, w.opts...)
	if url != "" {
		b.AddWarcHeader(gowarc.WarcTargetURI, url)
	}
	b.AddWarcHeader(gowarc.ContentType, contentType)
	b.AddWarcHeaderTime(gowarc.WarcDate, date.UTC())
	if extra != nil {
		extra(b)
	}
	if _, err := b.Write(block); err != nil {
		return "", 0, fmt.Errorf("warc: %w", err)
	}
	rec, _, err := b.Build()
	if err != nil {
		return "", 0, fmt.Errorf("warc: build %s record: %w", t, err)
	}
	defer rec.Close()
	w.raw.Reset()
	if _, _, err := w.m.Marshal(&w.raw, rec, 0); err != nil {
		return "", 0, fmt.Errorf("warc: %w", err)
	}
	w.out.Reset()
	w.zw.Reset(&w.out)
	if _, err := w.zw.Write(w.raw.Bytes()); err != nil {
		return "", 0, fmt.Errorf("warc: %w", err)
	}
	if err := w.zw.Close(); err != nil {
		return "", 0, fmt.Errorf("warc: %w", err)
	}
	if _, err := w.f.Write(w.out.Bytes()); err != nil {
		return "", 0, fmt.Errorf("warc: %w", err)
	}
	if sync {
		if err := w.f.Sync(); err != nil {
			return "", 0, fmt.Errorf("warc: %w", err)
		}
	}
	end, err := w.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return "", 0, fmt.Errorf("warc: %w", err)
	}
	return "<" + rec.RecordId() + ">", end, nil
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
// error naming its offset.
func Read(path string) ([]Record, error) {
	r, err := gowarc.NewWarcFileReader(path, 0,
		gowarc.WithBlockErrorPolicy(gowarc.ErrWarn), gowarc.WithSpecViolationPolicy(gowarc.ErrWarn), gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn))
	if err != nil {
		return nil, fmt.Errorf("warc: %w", err)
	}
	defer r.Close()
	var out []Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("warc: record at offset %d: %w", rec.Offset, err)
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
		out = append(out, x)
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
