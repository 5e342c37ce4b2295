package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ManifestFormat names the manifest layout; bump it on incompatible change.
const ManifestFormat = "platscan-run/1"

// Tool identifies the program that wrote a run.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Manifest pins a run: what wrote it, what it scanned with, and the head of
// its record chain. Fields for a Merkle root and signature are reserved for
// the signing work (see docs/evidence.md).
type Manifest struct {
	Format             string `json:"format"`
	Tool               Tool   `json:"tool"`
	Platform           string `json:"platform"`
	ProfileSHA256      string `json:"profile_sha256"`
	PolicyBundleSHA256 string `json:"policy_bundle_sha256"`
	// ClassifierSHA256 is the SHA-256 of the terms clause classifier's
	// weights file the scan ran with (probes/terms/model); absent for runs
	// that classify no clauses.
	ClassifierSHA256 string `json:"classifier_sha256,omitempty"`
	Records          int    `json:"records"`
	ChainHead        string `json:"chain_head"`
	FindingsSHA256   string `json:"findings_sha256,omitempty"`
	// MerkleRoot is the RFC 6962 root over the record ids, in order.
	MerkleRoot string `json:"merkle_root,omitempty"`
	// CatalogVersion is the rules catalog version the findings cite.
	CatalogVersion string `json:"catalog_version,omitempty"`
	// Capture names the WARC file and its SHA-256 at the end of the scan.
	Capture       string `json:"capture,omitempty"`
	CaptureSHA256 string `json:"capture_sha256,omitempty"`
	// SigningKey is the public key the manifest.dsse.json signature uses.
	SigningKey *KeyInfo `json:"signing_key,omitempty"`
	Started    string   `json:"started"`
	Finished   string   `json:"finished"`
	// Complete is false when the scan stopped early (unreachable target,
	// interrupted); the records up to ChainHead are still valid evidence.
	Complete bool `json:"complete"`
	// Incomplete says why a scan that ran its course is nevertheless
	// incomplete (the target stopped answering midway).
	Incomplete string `json:"incomplete,omitempty"`
	// Robots is how robots.txt was applied: crawl (public pages), strict
	// (the personas' own actions too) or ignored.
	Robots string `json:"robots,omitempty"`
}

// WriteManifest writes m to dir/manifest.json atomically.
func WriteManifest(dir string, m Manifest) error {
	m.Format = ManifestFormat
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return WriteFile(dir, ManifestFile, append(b, '\n'))
}

// ReadManifest reads dir/manifest.json, rejecting unknown fields.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("read manifest: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return m, errors.New("read manifest: data after the JSON object")
	}
	return m, nil
}
