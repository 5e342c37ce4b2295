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
	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/rules"
	"github.com/platscan/platscan/scan"
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
	Lang        string // "zh" or "en"
	Catalog     *rules.Catalog
	Authorities *rules.Authorities
	// Complainant fills the letter's sender; nil leaves marked blanks.
	Complainant *Complainant
	Now         func() time.Time
}

// ErrNoFinding means the run has no finding with the requested id.
var ErrNoFinding = errors.New("no such finding")

// entry is one file of a bundle.
type entry struct {
	name string
	b    []byte
}

// Build writes the bundle for finding id of the run in dir to w: the
// letters, the finding, every record it rests on (followed through the
// measurements to the exchanges they were computed from) with inclusion
// proofs, their bodies, their WARC records, and the signed manifest.
func Build(ctx context.Context, dir, id string, w io.Writer, opt Options) error {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Authorities == nil {
		a, err := rules.DefaultAuthorities()
		if err != nil {
			return err
		}
		opt.Authorities = a
	}
	rep, err := readReport(dir)
	if err != nil {
		return err
	}
	f, err := findFinding(rep, dir, id)
	if err != nil {
		return err
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
	roots := append([]string(nil), f.Evidence...)
	if len(recs) > 0 {
		roots = append(roots, recs[0].ID) // the stored scan profile: what was scanned, and how
	}
	picked, missing := closure(recs, roots)
	if len(missing) > 0 {
		return fmt.Errorf("finding %s cites %d records the run in %s does not hold (first %s)", f.ID, len(missing), dir, missing[0])
	}
	prof, err := storedProfile(dir, recs)
	if err != nil {
		return err
	}
	files, err := evidenceFiles(dir, recs, picked)
	if err != nil {
		return err
	}
	md, html, err := letters(letterInput{f: f, rep: rep, man: man, picked: picked, prof: prof, opt: opt})
	if err != nil {
		return err
	}
	fb, _ := json.MarshalIndent(f, "", "  ")
	head := []entry{{LetterMD, md}, {LetterHTML, html}, {Finding, append(fb, '\n')},
		{ReadMe, []byte(readme(opt.Lang, picked, files))}}
	if err := ctx.Err(); err != nil {
		return err
	}
	return writeZip(w, append(head, files...), opt.Now().UTC())
}

// storedProfile is the profile a scan stored, or nil for a run made by
// `platscan check` from a platform's own exports, which has none.
func storedProfile(dir string, recs []evidence.Record) (*profile.Profile, error) {
	for _, r := range recs {
		if r.Kind == evidence.KindDocument && r.Probe == "scan" {
			return scan.LoadProfile(dir, recs)
		}
	}
	return nil, nil
}

func findFinding(rep *policies.Report, dir, id string) (*policies.Finding, error) {
	var ids []string
	for i := range rep.Findings {
		if rep.Findings[i].ID == id {
			return &rep.Findings[i], nil
		}
		ids = append(ids, rep.Findings[i].ID)
	}
	return nil, fmt.Errorf("%w %q in %s (findings: %s)", ErrNoFinding, id, dir, strings.Join(ids, ", "))
}

// evidenceFiles are the picked records with their inclusion proofs, their
// bodies, the WARC records of their exchanges, and the signed manifest.
func evidenceFiles(dir string, recs, picked []evidence.Record) ([]entry, error) {
	all := make([]string, len(recs))
	at := make(map[string]int, len(recs))
	for i, r := range recs {
		all[i], at[r.ID] = r.ID, i
	}
	var proofs []evidence.Proof
	var lines bytes.Buffer
	for _, r := range picked {
		p, err := evidence.InclusionProof(all, at[r.ID])
		if err != nil {
			return nil, err
		}
		proofs = append(proofs, p)
		line, err := r.Line()
		if err != nil {
			return nil, err
		}
		lines.Write(line)
		lines.WriteByte('\n')
	}
	pb, _ := json.MarshalIndent(proofs, "", "  ")
	out := []entry{{Proofs, append(pb, '\n')}, {evidence.RecordsFile, lines.Bytes()}}
	for _, name := range []string{evidence.ManifestFile, evidence.SignatureFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("bundle needs %s: %w", name, err)
		}
		out = append(out, entry{name, b})
	}
	seen := map[string]bool{}
	for _, r := range picked {
		if r.BodySHA256 == "" || seen[r.BodySHA256] {
			continue
		}
		seen[r.BodySHA256] = true
		b, err := evidence.ReadBlob(dir, r.BodySHA256)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(dir, evidence.BlobPath(dir, r.BodySHA256))
		out = append(out, entry{filepath.ToSlash(rel), b})
	}
	sub, err := warcSubset(dir, picked)
	if err != nil {
		return nil, err
	}
	if len(sub) > 0 {
		out = append(out, entry{warc.FileName, sub})
	}
	return out, nil
}

// writeZip writes files as a zip whose comment carries the SHA-256 of
// everything before the end-of-central-directory record, so a change to
// any byte of the bundle is caught (zip's own CRCs do not cover file
// names or the directory).
func writeZip(w io.Writer, files []entry, modified time.Time) error {
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	for _, x := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: x.name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return err
		}
		if _, err := fw.Write(x.b); err != nil {
			return err
		}
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
	_, err := w.Write(out)
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
