package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/platscan/platscan/internal/canonjson"
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
	Records  int       `json:"records"`
	Blobs    int       `json:"blobs"`
	Head     string    `json:"chain_head"`
	Problems []Problem `json:"problems"`
	Warnings []Problem `json:"warnings"`
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
func Verify(dir string) (*Report, error) {
	rep := &Report{}
	raw, err := os.ReadFile(filepath.Join(dir, RecordsFile))
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", dir, err)
	}
	_, statErr := os.Stat(filepath.Join(dir, ManifestFile))
	known := verifyChain(dir, raw, statErr == nil, rep)
	verifyBlobs(dir, rep)
	verifyManifest(dir, rep, known)
	return rep, nil
}

// verifyChain checks records.jsonl and returns the ids it holds.
// A partial last line is what a crash mid-write leaves; it is only a
// warning unless a manifest says the run finished.
func verifyChain(dir string, raw []byte, finished bool, rep *Report) map[string]bool {
	known := map[string]bool{}
	lines := bytes.Split(raw, []byte("\n"))
	truncated := len(raw) > 0 && raw[len(raw)-1] != '\n'
	if !truncated {
		lines = lines[:len(lines)-1] // the empty string after the final newline
	}
	prev := ""
	for i, line := range lines {
		n := i + 1
		at := Problem{File: RecordsFile, Line: n}
		if truncated && i == len(lines)-1 {
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
		if canon, err := canonjson.Marshal(r); err == nil && !bytes.Equal(canon, line) {
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
		if r.BodySHA256 != "" {
			if _, err := os.Stat(BlobPath(dir, r.BodySHA256)); err != nil {
				at.Msg = fmt.Sprintf("body blob %s is missing", short(r.BodySHA256))
				rep.fail(at)
			}
		}
		known[r.ID] = true
		prev = r.ID
		rep.Records++
		rep.Head = r.ID
	}
	return known
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

func verifyManifest(dir string, rep *Report, known map[string]bool) {
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

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
