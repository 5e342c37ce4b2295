// Package evidence keeps what a scan saw: an append-only, hash-chained
// journal of records (records.jsonl), a content-addressed blob store for
// bodies and documents (blobs/sha256/), and a manifest that pins the run.
// Verify re-derives every hash and names whatever does not match.
package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/platscan/platscan/internal/canonjson"
)

// Kind says what a record holds.
type Kind string

// Record kinds.
const (
	// KindExchange is one HTTP request/response (or an attempt that failed).
	KindExchange Kind = "exchange"
	// KindDocument is a document derived from an exchange or supplied by the
	// user (decoded page text, the scan profile).
	KindDocument Kind = "document"
	// KindMeasurement is a probe's measurement, the unit the policies judge.
	KindMeasurement Kind = "measurement"
	// KindImport is a platform export read by `platscan check`.
	KindImport Kind = "import"
)

// Record is one line of records.jsonl. ID is the SHA-256 of the record's
// canonical JSON with ID left out, and Prev is the ID of the record before
// it, so changing, dropping or reordering any record breaks the chain.
type Record struct {
	ID         string          `json:"id,omitempty"`
	Prev       string          `json:"prev"`
	Kind       Kind            `json:"kind"`
	Probe      string          `json:"probe,omitempty"`
	Persona    string          `json:"persona,omitempty"`
	URL        string          `json:"url,omitempty"`
	Time       string          `json:"time"`
	Status     int             `json:"status,omitempty"`
	BodySHA256 string          `json:"body_sha256,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
}

// Digest computes the record's id: the hex SHA-256 of its canonical JSON
// without the id field.
func (r Record) Digest() (string, error) {
	r.ID = ""
	b, err := canonjson.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("digest record: %w", err)
	}
	return SHA256(b), nil
}

// Line is the record as stored in records.jsonl (canonical JSON, no
// trailing newline).
func (r Record) Line() ([]byte, error) {
	b, err := canonjson.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return b, nil
}

// SHA256 returns the lower-case hex SHA-256 of b.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// FileSHA256 is the hex SHA-256 of the file at path, read as a stream (a
// run's capture can be far larger than memory should hold).
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// DataJSON encodes v for a record's Data field.
func DataJSON(v any) (json.RawMessage, error) {
	b, err := canonjson.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode record data: %w", err)
	}
	return b, nil
}
