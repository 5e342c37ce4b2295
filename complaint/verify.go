package complaint

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/evidence/warc"
)

// Bounds on what Verify inflates from a bundle: one finding's evidence is
// far smaller. (Variables so that tests can lower them.)
var (
	maxEntry int64 = 256 << 20
	maxTotal int64 = 1 << 30
)

// unsafeEntry says why a zip entry name could point outside the bundle if
// it were ever extracted ("" for a safe name): absolute paths, "..",
// backslashes and drive letters are refused.
func unsafeEntry(n string) string {
	switch {
	case n == "" || strings.HasPrefix(n, "/"):
		return "absolute or empty"
	case strings.Contains(n, `\`) || (len(n) > 1 && n[1] == ':'):
		return "backslash or drive letter"
	case strings.ContainsRune(n, 0):
		return "NUL byte"
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "'..' component"
		}
	}
	return ""
}

// Verify checks a bundle without trusting whoever sent it: the archive's
// own hash, every file's checksum, the manifest signature, each record's
// id and its inclusion proof against the signed Merkle root, the bodies,
// the WARC records, and that nothing cited is missing: the finding's
// records, what those were computed from, and the WARC request and
// response of every exchange. Problems name the entry they concern.
func Verify(path string, opt evidence.VerifyOptions) (*evidence.Report, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("verify bundle: %w", err)
	}
	rep := &evidence.Report{}
	name := filepath.Base(path)
	fail := func(file, format string, args ...any) {
		rep.Problems = append(rep.Problems, evidence.Problem{File: file, Msg: fmt.Sprintf(format, args...)})
	}
	if msg := checkFraming(raw); msg != "" {
		fail(name, "%s", msg)
		return rep, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		fail(name, "not a readable zip: %v", err)
		return rep, nil
	}
	files := map[string][]byte{}
	var total int64
	for _, f := range zr.File {
		if why := unsafeEntry(f.Name); why != "" {
			fail(name+":"+f.Name, "unsafe entry name: %s", why)
			continue
		}
		if _, dup := files[f.Name]; dup {
			fail(name+":"+f.Name, "entry appears twice")
			continue
		}
		rc, err := f.Open()
		if err != nil {
			fail(name+":"+f.Name, "%v", err)
			continue
		}
		// The sizes a zip declares are not to be trusted: read through a
		// limit, so a decompression bomb costs at most the bound.
		b, err := io.ReadAll(io.LimitReader(rc, maxEntry+1))
		rc.Close()
		if err != nil {
			fail(name+":"+f.Name, "%v", err)
			continue
		}
		if int64(len(b)) > maxEntry {
			fail(name+":"+f.Name, "entry inflates to more than %d bytes", maxEntry)
			continue
		}
		if total += int64(len(b)); total > maxTotal {
			fail(name, "entries inflate to more than %d bytes in all", maxTotal)
			break
		}
		files[f.Name] = b
	}
	if len(rep.Problems) > 0 {
		return rep, nil
	}
	need := func(n string) []byte {
		b, ok := files[n]
		if !ok {
			fail(name+":"+n, "missing from the bundle")
		}
		return b
	}
	mb, env := need(evidence.ManifestFile), need(evidence.SignatureFile)
	var man evidence.Manifest
	if mb != nil {
		if err := json.Unmarshal(mb, &man); err != nil {
			fail(name+":"+evidence.ManifestFile, "%v", err)
		}
	}
	if mb != nil && env != nil {
		fp, err := evidence.VerifySignature(mb, env)
		rep.KeyID = fp
		switch {
		case err != nil:
			fail(name+":"+evidence.SignatureFile, "%v", err)
		case opt.TrustedKey != "" && fp != opt.TrustedKey:
			fail(name+":"+evidence.SignatureFile, "signed by %s, not by the trusted key %s", fp, opt.TrustedKey)
		default:
			rep.Signed = true
		}
	}
	rep.MerkleRoot = man.MerkleRoot

	var proofs []evidence.Proof
	if pb := need(Proofs); pb != nil {
		if err := json.Unmarshal(pb, &proofs); err != nil {
			fail(name+":"+Proofs, "%v", err)
		}
	}
	byRecord := map[string]evidence.Proof{}
	for _, p := range proofs {
		byRecord[p.Record] = p
	}
	known := map[string]bool{}
	exchanges := map[string]evidence.Record{}
	var inBundle []evidence.Record
	for i, line := range bytes.Split(bytes.TrimSuffix(need(evidence.RecordsFile), []byte("\n")), []byte("\n")) {
		at := fmt.Sprintf("%s:%s:%d", name, evidence.RecordsFile, i+1)
		var r evidence.Record
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			fail(at, "%v", err)
			continue
		}
		if canon, err := r.Line(); err != nil || !bytes.Equal(canon, line) {
			fail(at, "not in canonical form")
		}
		if id, err := r.Digest(); err != nil || id != r.ID {
			fail(at, "content does not match its id %s", r.ID)
		}
		p, ok := byRecord[r.ID]
		switch {
		case !ok:
			fail(name+":"+Proofs, "no inclusion proof for record %s", r.ID)
		case p.Size != man.Records:
			fail(name+":"+Proofs, "proof for %s is for a tree of %d records, the manifest has %d", r.ID, p.Size, man.Records)
		default:
			if err := evidence.VerifyInclusion(p, man.MerkleRoot); err != nil {
				fail(name+":"+Proofs, "record %s: %v", r.ID, err)
			}
		}
		if r.BodySHA256 != "" {
			rel := filepath.ToSlash(strings.TrimPrefix(evidence.BlobPath("", r.BodySHA256), "/"))
			b, ok := files[rel]
			if !ok {
				fail(name+":"+rel, "body of record %s is missing", r.ID)
			} else if evidence.SHA256(b) != r.BodySHA256 {
				fail(name+":"+rel, "content does not match its name")
			}
		}
		if r.Kind == evidence.KindExchange {
			exchanges[r.ID] = r
		}
		known[r.ID] = true
		inBundle = append(inBundle, r)
		rep.Records++
	}
	// Whatever a record was computed from must travel with it: a price
	// without the page it was read from cannot be checked.
	for _, r := range inBundle {
		for _, id := range cited(r) {
			if !known[id] {
				fail(name+":"+evidence.RecordsFile, "record %s cites record %s, which is not in the bundle", r.ID, id)
			}
		}
	}
	for n, b := range files {
		if strings.HasPrefix(n, evidence.BlobsDir+"/") {
			rep.Blobs++
			if evidence.SHA256(b) != filepath.Base(n) {
				fail(name+":"+n, "content does not match its name")
			}
		}
	}
	verifyWARC(name, files[warc.FileName], exchanges, known, rep, fail)
	if fb := need(Finding); fb != nil {
		var f struct {
			ID       string   `json:"id"`
			Evidence []string `json:"evidence"`
		}
		if err := json.Unmarshal(fb, &f); err != nil {
			fail(name+":"+Finding, "%v", err)
		}
		for _, id := range f.Evidence {
			if !known[id] {
				fail(name+":"+Finding, "cites record %s, which is not in the bundle", id)
			}
		}
	}
	return rep, nil
}

func verifyWARC(name string, b []byte, exchanges map[string]evidence.Record, known map[string]bool, rep *evidence.Report, fail func(string, string, ...any)) {
	want := map[string]evidence.Record{}     // response record id -> exchange
	requests := map[string]evidence.Record{} // request record id -> exchange
	for _, r := range exchanges {
		var d struct {
			WARC *warc.IDs `json:"warc"`
		}
		if json.Unmarshal(r.Data, &d) == nil && d.WARC != nil {
			want[d.WARC.Response] = r
			if d.WARC.Request != "" {
				requests[d.WARC.Request] = r
			}
		}
	}
	if len(want) == 0 {
		return
	}
	at := name + ":" + warc.FileName
	if b == nil {
		fail(at, "missing, but the records name WARC records")
		return
	}
	tmp, err := os.CreateTemp("", "platscan-bundle-*.warc.gz")
	if err != nil {
		fail(at, "%v", err)
		return
	}
	defer os.Remove(tmp.Name())
	tmp.Write(b) //nolint:errcheck // a short write shows up as a read error below
	tmp.Close()
	recs, err := warc.Read(tmp.Name())
	if err != nil {
		fail(at, "%v", err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		rep.WARCRecords++
		for _, p := range r.Problems {
			fail(at, "%s record %s: %s", r.Type, r.ID, p)
		}
		if _, ok := requests[r.ID]; ok {
			seen[r.ID] = true
		}
		if ex, ok := want[r.ID]; ok {
			seen[r.ID] = true
			if !strings.EqualFold(r.PayloadDigest, "sha256:"+ex.BodySHA256) {
				fail(at, "response %s has payload digest %s, record %s says %s", r.ID, r.PayloadDigest, ex.ID, ex.BodySHA256)
			}
		}
		if id := r.Fields["platscan-record"]; r.Type == "metadata" && id != "" && !known[id] {
			fail(at, "metadata record names record %s, which is not in the bundle", id)
		}
	}
	for id, ex := range want {
		if !seen[id] {
			fail(at, "response record %s of record %s is missing", id, ex.ID)
		}
	}
	for id, ex := range requests {
		if !seen[id] {
			fail(at, "request record %s of record %s is missing", id, ex.ID)
		}
	}
}

// checkFraming validates the end-of-central-directory record by hand and
// the archive hash in its comment; zip readers forgive changes there.
func checkFraming(raw []byte) string {
	eocd := bytes.LastIndex(raw, []byte("PK\x05\x06"))
	if eocd < 0 || len(raw) < eocd+22 {
		return "not a zip file (no end-of-central-directory record)"
	}
	e := raw[eocd:]
	disk, cdDisk := binary.LittleEndian.Uint16(e[4:]), binary.LittleEndian.Uint16(e[6:])
	onDisk, total := binary.LittleEndian.Uint16(e[8:]), binary.LittleEndian.Uint16(e[10:])
	cdSize, cdOff := binary.LittleEndian.Uint32(e[12:]), binary.LittleEndian.Uint32(e[16:])
	clen := int(binary.LittleEndian.Uint16(e[20:]))
	switch {
	case disk != 0 || cdDisk != 0 || onDisk != total:
		return "the zip directory record is damaged"
	case int(cdOff)+int(cdSize) != eocd:
		return "the zip directory is not where the end record says"
	case eocd+22+clen != len(raw):
		return "the zip comment length does not match the file"
	}
	comment := string(e[22:])
	if !strings.HasPrefix(comment, commentTag) {
		return "not a platscan bundle (no archive hash in the zip comment)"
	}
	sum := sha256.Sum256(raw[:eocd])
	if strings.TrimPrefix(comment, commentTag) != hex.EncodeToString(sum[:]) {
		return "the archive's content does not match its recorded hash (changed after it was made)"
	}
	return ""
}
