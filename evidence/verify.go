package evidence

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/platscan/platscan/evidence/warc"
)

// Problem is one integrity failure (or, in Report.Warnings, one thing a
// reader should know but that does not make the run invalid).
type Problem struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Record string `json:"record,omitempty"`
	Msg    string `json:"msg"`
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Record != "" {
		fmt.Fprintf(&b, " (record %s)", short(p.Record))
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// Report is the result of Verify.
type Report struct {
	Records     int       `json:"records"`
	Blobs       int       `json:"blobs"`
	WARCRecords int       `json:"warc_records"`
	Head        string    `json:"chain_head"`
	MerkleRoot  string    `json:"merkle_root"`
	Signed      bool      `json:"signed"`
	KeyID       string    `json:"key_fingerprint,omitempty"`
	Problems    []Problem `json:"problems"`
	Warnings    []Problem `json:"warnings"`
}

// VerifyOptions tighten verification.
type VerifyOptions struct {
	// TrustedKey, when set, is the fingerprint the signing key must have
	// (as published by whoever ran the scan); otherwise any valid signature
	// by the key named in the manifest is accepted and reported.
	TrustedKey string
	// RequireSignature makes an unsigned run a problem, not a warning.
	RequireSignature bool
}

// OK reports whether no integrity problem was found.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) fail(p Problem) { r.Problems = append(r.Problems, p) }
func (r *Report) warn(p Problem) { r.Warnings = append(r.Warnings, p) }

// Verify re-derives every hash in the run directory dir: each record's id,
// the chain of prev links, every blob's content against its name, and the
// manifest's record count, chain head and findings hash. It returns an
// error only when dir cannot be read at all; integrity failures are listed
// in the report, each naming the file, line and record.
func Verify(dir string) (*Report, error) { return VerifyWith(dir, VerifyOptions{}) }

// VerifyWith is Verify with options.
func VerifyWith(dir string, opt VerifyOptions) (*Report, error) {
	rep := &Report{}
	f, err := os.Open(filepath.Join(dir, RecordsFile))
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", dir, err)
	}
	defer f.Close()
	_, statErr := os.Stat(filepath.Join(dir, ManifestFile))
	finished := statErr == nil
	ch, err := verifyChain(dir, bufio.NewReaderSize(f, 1<<20), finished, rep)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", dir, err)
	}
	verifyBlobs(dir, rep)
	verifyManifest(dir, rep, ch, opt)
	verifyCapture(dir, rep, ch, finished)
	return rep, nil
}

// chain is what verifyChain learnt about the records.
type chain struct {
	known map[string]bool
	order []string
	// warc maps a WARC response record id to the exchange that names it.
	warc map[string]exchangeRef
}

type exchangeRef struct {
	record, bodySHA256 string
	line               int
}

// verifyChain checks records.jsonl and returns the ids it holds.
// A partial last line is what a crash mid-write leaves; it is only a
// warning unless a manifest says the run finished.
func verifyChain(dir string, in *bufio.Reader, finished bool, rep *Report) (chain, error) {
	ch := chain{known: map[string]bool{}, warc: map[string]exchangeRef{}}
	known := ch.known
	prev := ""
	for n := 1; ; n++ {
		line, err := in.ReadBytes('\n')
		if len(line) == 0 && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return ch, err
		}
		truncated := errors.Is(err, io.EOF) // a last line with no newline
		line = bytes.TrimSuffix(line, []byte("\n"))
		at := Problem{File: RecordsFile, Line: n}
		if truncated {
			if finished {
				at.Msg = "last line is incomplete, but the manifest says the run finished"
				rep.fail(at)
				break
			}
			at.Msg = "last record is incomplete (the scan was interrupted while writing it); records before it are intact"
			rep.warn(at)
			break
		}
		r, err := decodeRecord(line)
		if err != nil {
			at.Msg = err.Error()
			rep.fail(at)
			prev = "" // unknown from here on; report each later break once
			continue
		}
		at.Record = r.ID
		if canon, err := r.Line(); err == nil && !bytes.Equal(canon, line) {
			at.Msg = "line is not in canonical form (edited by hand?)"
			rep.fail(at)
		}
		want, err := r.Digest()
		switch {
		case err != nil:
			at.Msg = err.Error()
			rep.fail(at)
		case want != r.ID:
			at.Msg = fmt.Sprintf("content does not match its id (content hashes to %s)", short(want))
			rep.fail(at)
		}
		if n > 1 && r.Prev != prev && prev != "" {
			at.Msg = fmt.Sprintf("chain broken: prev is %s, but the record before is %s", short(r.Prev), short(prev))
			rep.fail(at)
		}
		if n == 1 && r.Prev != "" {
			at.Msg = "chain broken: first record has a prev link"
			rep.fail(at)
		}
		if r.BodySHA256 != "" && !ValidDigest(r.BodySHA256) {
			at.Msg = fmt.Sprintf("body_sha256 %q is not a SHA-256 digest", r.BodySHA256)
			rep.fail(at)
		} else if r.BodySHA256 != "" {
			if _, err := os.Stat(BlobPath(dir, r.BodySHA256)); err != nil {
				at.Msg = fmt.Sprintf("body blob %s is missing", short(r.BodySHA256))
				rep.fail(at)
			}
		}
		known[r.ID] = true
		ch.order = append(ch.order, r.ID)
		if r.Kind == KindExchange {
			var d struct {
				WARC *struct{ Response string } `json:"warc"`
			}
			if json.Unmarshal(r.Data, &d) == nil && d.WARC != nil {
				ch.warc[d.WARC.Response] = exchangeRef{record: r.ID, bodySHA256: r.BodySHA256, line: n}
			}
		}
		prev = r.ID
		rep.Records++
		rep.Head = r.ID
	}
	return ch, nil
}

func verifyBlobs(dir string, rep *Report) {
	root := filepath.Join(dir, BlobsDir, "sha256")
	var names []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, path)
		}
		return nil
	})
	sort.Strings(names)
	for _, path := range names {
		rel, _ := filepath.Rel(dir, path)
		name := filepath.Base(path)
		if strings.HasPrefix(name, ".tmp-") {
			rep.warn(Problem{File: rel, Msg: "leftover temporary file from an interrupted write"})
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			rep.fail(Problem{File: rel, Msg: err.Error()})
			continue
		}
		rep.Blobs++
		if got := SHA256(b); got != name {
			rep.fail(Problem{File: rel, Msg: fmt.Sprintf("content does not match its name (content hashes to %s)", short(got))})
		}
	}
}

func verifyManifest(dir string, rep *Report, ch chain, opt VerifyOptions) {
	known := ch.known
	m, err := ReadManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		rep.warn(Problem{File: ManifestFile, Msg: "no manifest: the scan did not finish"})
		return
	}
	if err != nil {
		rep.fail(Problem{File: ManifestFile, Msg: err.Error()})
		return
	}
	if m.Records != rep.Records {
		rep.fail(Problem{File: ManifestFile, Msg: fmt.Sprintf("manifest says %d records, %s has %d", m.Records, RecordsFile, rep.Records)})
	}
	if m.ChainHead != rep.Head {
		rep.fail(Problem{File: ManifestFile, Msg: fmt.Sprintf("manifest chain head %s is not the last record %s", short(m.ChainHead), short(rep.Head))})
	}
	if m.ProfileSHA256 != "" {
		if _, err := os.Stat(BlobPath(dir, m.ProfileSHA256)); err != nil {
			rep.fail(Problem{File: ManifestFile, Msg: fmt.Sprintf("profile blob %s is missing", short(m.ProfileSHA256))})
		}
	}
	if !m.Complete {
		rep.warn(Problem{File: ManifestFile, Msg: "the scan stopped before it finished; the records it kept are valid"})
	}
	if root, err := MerkleRoot(ch.order); err == nil {
		rep.MerkleRoot = root
		if m.MerkleRoot != "" && m.MerkleRoot != root {
			rep.fail(Problem{File: ManifestFile, Msg: fmt.Sprintf("manifest Merkle root %s is not the root of the records (%s)", short(m.MerkleRoot), short(root))})
		}
	}
	if m.Capture != "" {
		sum, err := FileSHA256(filepath.Join(dir, m.Capture))
		switch {
		case err != nil:
			rep.fail(Problem{File: m.Capture, Msg: err.Error()})
		case m.CaptureSHA256 != "" && sum != m.CaptureSHA256:
			rep.fail(Problem{File: m.Capture, Msg: fmt.Sprintf("content hashes to %s, manifest says %s", short(sum), short(m.CaptureSHA256))})
		}
	}
	verifySignature(dir, rep, m, opt)
	if m.FindingsSHA256 == "" {
		return
	}
	fb, err := os.ReadFile(filepath.Join(dir, FindingsFile))
	if err != nil {
		rep.fail(Problem{File: FindingsFile, Msg: err.Error()})
		return
	}
	if got := SHA256(fb); got != m.FindingsSHA256 {
		rep.fail(Problem{File: FindingsFile, Msg: fmt.Sprintf("content hashes to %s, manifest says %s", short(got), short(m.FindingsSHA256))})
		return
	}
	var doc struct {
		Findings []struct {
			ID       string   `json:"id"`
			Evidence []string `json:"evidence"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(fb, &doc); err != nil {
		rep.fail(Problem{File: FindingsFile, Msg: err.Error()})
		return
	}
	for _, f := range doc.Findings {
		for _, id := range f.Evidence {
			if !known[id] {
				rep.fail(Problem{File: FindingsFile, Msg: fmt.Sprintf("finding %s cites record %s, which is not in the run", f.ID, short(id))})
			}
		}
	}
}

func verifySignature(dir string, rep *Report, m Manifest, opt VerifyOptions) {
	env, err := os.ReadFile(filepath.Join(dir, SignatureFile))
	if errors.Is(err, fs.ErrNotExist) {
		p := Problem{File: SignatureFile, Msg: "the run is not signed"}
		if m.SigningKey != nil || opt.RequireSignature || opt.TrustedKey != "" {
			rep.fail(p)
		} else {
			rep.warn(p)
		}
		return
	}
	mb, merr := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil || merr != nil {
		rep.fail(Problem{File: SignatureFile, Msg: fmt.Sprint(errors.Join(err, merr))})
		return
	}
	fp, err := VerifySignature(mb, env)
	rep.KeyID = fp
	if errors.Is(err, ErrManifestChanged) || errors.Is(err, ErrManifestKey) {
		rep.fail(Problem{File: ManifestFile, Msg: err.Error()})
		return
	}
	if err != nil {
		rep.fail(Problem{File: SignatureFile, Msg: err.Error()})
		return
	}
	if opt.TrustedKey != "" && fp != opt.TrustedKey {
		rep.fail(Problem{File: SignatureFile, Msg: fmt.Sprintf("signed by %s, not by the trusted key %s", fp, opt.TrustedKey)})
		return
	}
	rep.Signed = true
}

// verifyCapture reads the WARC file and ties it to the records: every
// response an exchange names is there with the body's digest, and every
// metadata record points at a record of the run.
func verifyCapture(dir string, rep *Report, ch chain, finished bool) {
	path := filepath.Join(dir, warc.FileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if len(ch.warc) > 0 {
			rep.fail(Problem{File: warc.FileName, Msg: "missing, but records name WARC records"})
		}
		return
	}
	seen := map[string]bool{}
	err := warc.Each(path, func(r warc.Record) error {
		rep.WARCRecords++
		at := Problem{File: warc.FileName, Msg: ""}
		for _, p := range r.Problems {
			at.Msg = fmt.Sprintf("%s record %s at offset %d: %s", r.Type, r.ID, r.Offset, p)
			rep.fail(at)
		}
		switch r.Type {
		case "response":
			seen[r.ID] = true
			if ex, ok := ch.warc[r.ID]; ok && !strings.EqualFold(r.PayloadDigest, "sha256:"+ex.bodySHA256) {
				rep.fail(Problem{File: warc.FileName, Line: ex.line, Record: ex.record,
					Msg: fmt.Sprintf("WARC response %s has payload digest %s, the record's body is %s", r.ID, r.PayloadDigest, short(ex.bodySHA256))})
			}
		case "metadata":
			if id := r.Fields["platscan-record"]; id != "" && !ch.known[id] {
				rep.fail(Problem{File: warc.FileName, Msg: fmt.Sprintf("metadata record %s names record %s, which is not in the run", r.ID, short(id))})
			}
		}
		return nil
	})
	if err != nil {
		p := Problem{File: warc.FileName, Msg: err.Error()}
		if finished {
			rep.fail(p)
		} else {
			p.Msg += " (the scan was interrupted while writing it)"
			rep.warn(p)
		}
		return // missing records follow from the damage just reported
	}
	for id, ex := range ch.warc {
		if !seen[id] {
			rep.fail(Problem{File: warc.FileName, Line: ex.line, Record: ex.record, Msg: fmt.Sprintf("WARC response record %s is missing", id)})
		}
	}
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
