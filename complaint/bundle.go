// Package complaint builds and verifies complaint bundles: a zip that a
// merchant (or anyone) can hand to a regulator, holding a letter in
// Chinese or English, the finding, and exactly the evidence it rests on
// (records with Merkle inclusion proofs against the signed manifest, their
// bodies, and the matching WARC records), so the recipient can verify it
// without trusting the sender.
package complaint

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/evidence/warc"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/rules"
)

// Names inside a bundle.
const (
	LetterMD   = "complaint.md"
	LetterHTML = "complaint.html"
	Finding    = "finding.json"
	Proofs     = "proofs.json"
	ReadMe     = "README.txt"
	commentTag = "platscan-bundle sha256:"
)

// Options shape a bundle.
type Options struct {
	Lang    string // "zh" or "en"
	Catalog *rules.Catalog
	Now     func() time.Time
}

// ErrNoFinding means the run has no finding with the requested id.
var ErrNoFinding = errors.New("no such finding")

// Build writes the bundle for finding id of the run in dir to w.
func Build(ctx context.Context, dir, id string, w io.Writer, opt Options) error {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	rep, err := readReport(dir)
	if err != nil {
		return err
	}
	var f *policies.Finding
	for i := range rep.Findings {
		if rep.Findings[i].ID == id {
			f = &rep.Findings[i]
		}
	}
	if f == nil {
		var ids []string
		for _, x := range rep.Findings {
			ids = append(ids, x.ID)
		}
		return fmt.Errorf("%w %q in %s (findings: %s)", ErrNoFinding, id, dir, strings.Join(ids, ", "))
	}
	man, err := evidence.ReadManifest(dir)
	if err != nil {
		return err
	}
	if man.MerkleRoot == "" {
		return errors.New("the run has no Merkle root (scanned by an older platscan?); a bundle cannot prove its records")
	}
	recs, err := evidence.ReadRecords(dir)
	if err != nil {
		return err
	}
	all := make([]string, len(recs))
	for i, r := range recs {
		all[i] = r.ID
	}
	want := map[string]bool{}
	for _, e := range f.Evidence {
		want[e] = true
	}
	if len(recs) > 0 {
		want[recs[0].ID] = true // the stored scan profile: what was scanned, and how
	}
	var picked []evidence.Record
	var proofs []evidence.Proof
	for i, r := range recs {
		if !want[r.ID] {
			continue
		}
		p, err := evidence.InclusionProof(all, i)
		if err != nil {
			return err
		}
		picked = append(picked, r)
		proofs = append(proofs, p)
	}

	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	add := func(name string, b []byte) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: opt.Now().UTC()})
		if err != nil {
			return err
		}
		_, err = fw.Write(b)
		return err
	}
	md, html, err := letters(f, rep, man, picked, opt)
	if err != nil {
		return err
	}
	fb, _ := json.MarshalIndent(f, "", "  ")
	pb, _ := json.MarshalIndent(proofs, "", "  ")
	var rl bytes.Buffer
	for _, r := range picked {
		line, err := r.Line()
		if err != nil {
			return err
		}
		rl.Write(line)
		rl.WriteByte('\n')
	}
	files := []struct {
		name string
		b    []byte
	}{{LetterMD, md}, {LetterHTML, html}, {Finding, append(fb, '\n')}, {Proofs, append(pb, '\n')}, {evidence.RecordsFile, rl.Bytes()}, {ReadMe, []byte(readme(opt.Lang))}}
	for _, name := range []string{evidence.ManifestFile, evidence.SignatureFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("bundle needs %s: %w", name, err)
		}
		files = append(files, struct {
			name string
			b    []byte
		}{name, b})
	}
	for _, x := range files {
		if err := add(x.name, x.b); err != nil {
			return err
		}
	}
	for _, r := range picked {
		if r.BodySHA256 == "" {
			continue
		}
		b, err := evidence.ReadBlob(dir, r.BodySHA256)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, evidence.BlobPath(dir, r.BodySHA256))
		if err := add(filepath.ToSlash(rel), b); err != nil {
			return err
		}
	}
	sub, err := warcSubset(dir, picked)
	if err != nil {
		return err
	}
	if len(sub) > 0 {
		if err := add(warc.FileName, sub); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The archive comment carries the SHA-256 of everything before the
	// end-of-central-directory record, so a change to any byte of the
	// bundle is caught (zip's own CRCs do not cover file names or the
	// directory).
	if err := zw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	body := zbuf.Bytes()
	eocd := bytes.LastIndex(body, []byte("PK\x05\x06"))
	if eocd < 0 {
		return errors.New("zip: no end record")
	}
	sum := sha256.Sum256(body[:eocd])
	comment := commentTag + hex.EncodeToString(sum[:])
	out := append([]byte(nil), body[:eocd+20]...) // EOCD without its comment length
	out = append(out, byte(len(comment)), byte(len(comment)>>8))
	out = append(out, comment...)
	_, err = w.Write(out)
	return err
}

func readReport(dir string) (*policies.Report, error) {
	b, err := os.ReadFile(filepath.Join(dir, evidence.FindingsFile))
	if err != nil {
		return nil, fmt.Errorf("read findings: %w", err)
	}
	var rep policies.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("read findings: %w", err)
	}
	return &rep, nil
}

// warcSubset copies, byte for byte, the gzip members of the WARC records
// that belong to the picked exchanges (request, response and metadata),
// so their digests still verify.
func warcSubset(dir string, picked []evidence.Record) ([]byte, error) {
	path := filepath.Join(dir, warc.FileName)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	recs, err := warc.Read(path)
	if err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	records := map[string]bool{}
	for _, r := range picked {
		records[r.ID] = true
		var d struct {
			WARC *warc.IDs `json:"warc"`
		}
		if json.Unmarshal(r.Data, &d) == nil && d.WARC != nil {
			wanted[d.WARC.Request], wanted[d.WARC.Response] = true, true
		}
	}
	var out []byte
	for i, r := range recs {
		keep := wanted[r.ID] || (r.Type == "metadata" && records[r.Fields["platscan-record"]]) || r.Type == "warcinfo"
		if !keep {
			continue
		}
		end := int64(len(raw))
		if i+1 < len(recs) {
			end = recs[i+1].Offset
		}
		out = append(out, raw[r.Offset:end]...)
	}
	if len(wanted) == 0 {
		return nil, nil
	}
	return out, nil
}
