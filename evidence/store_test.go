package evidence

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fixedClock() func() time.Time {
	t := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

// writeRun makes a small run: three records, two blobs, a manifest and a
// findings file citing one record.
func writeRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := Create(dir, Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	body, err := s.PutBlob([]byte("<html><body>平台规则 rules</body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	prof, err := s.PutBlob([]byte("platform: {name: X}\n"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := DataJSON(map[string]any{"method": "GET", "note": "ctl\x01<>"})
	recs := []Record{
		{Kind: KindDocument, BodySHA256: prof},
		{Kind: KindExchange, Probe: "terms", Persona: "new_user", URL: "http://127.0.0.1/rules", Status: 200, BodySHA256: body, Data: data},
		{Kind: KindMeasurement, Probe: "terms", Data: json.RawMessage(`{"type":"document","reachable":true}`)},
	}
	var last Record
	var recsIDs []string
	for _, r := range recs {
		if last, err = s.Append(r); err != nil {
			t.Fatal(err)
		}
		recsIDs = append(recsIDs, last.ID)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	findings := []byte(`{"findings":[{"id":"f1","evidence":["` + last.ID + `"]}]}`)
	if err := WriteFile(dir, FindingsFile, findings); err != nil {
		t.Fatal(err)
	}
	root, _ := MerkleRoot([]string{recsIDs[0], recsIDs[1], last.ID})
	signer := testSigner()
	ki := signer.Info()
	if err := WriteManifest(dir, Manifest{Platform: "X", ProfileSHA256: prof, Records: 3, ChainHead: last.ID, FindingsSHA256: SHA256(findings),
		MerkleRoot: root, SigningKey: &ki, Complete: true}); err != nil {
		t.Fatal(err)
	}
	if err := SignManifest(context.Background(), dir, signer); err != nil {
		t.Fatal(err)
	}
	return dir
}

func testSigner() *Ed25519Signer {
	return NewEd25519Signer(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)))
}

func TestStoreChainsAndVerifies(t *testing.T) {
	dir := writeRun(t)
	recs, err := ReadRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0].Prev != "" || recs[1].Prev != recs[0].ID || recs[2].Prev != recs[1].ID {
		t.Fatalf("chain links wrong: %+v", recs)
	}
	rep, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.Warnings) != 0 || rep.Records != 3 || rep.Blobs != 2 || !rep.Signed || rep.KeyID != testSigner().KeyID() {
		t.Fatalf("clean run: %+v", rep)
	}
	if rep, _ := VerifyWith(dir, VerifyOptions{TrustedKey: "sha256:00"}); rep.OK() {
		t.Fatal("signature by an untrusted key accepted")
	}
}

func TestCreateRefusesExistingRun(t *testing.T) {
	dir := writeRun(t)
	if _, err := Create(dir, Options{}); !errors.Is(err, ErrRunExists) {
		t.Fatalf("want ErrRunExists, got %v", err)
	}
}

// Every single-byte change to a record line or a blob must be caught, and
// the problem must name the file that was changed.
func TestVerifyCatchesEveryByteFlip(t *testing.T) {
	dir := writeRun(t)
	var targets []string
	targets = append(targets, RecordsFile, ManifestFile, SignatureFile, FindingsFile)
	_ = filepath.Walk(filepath.Join(dir, BlobsDir), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			targets = append(targets, rel)
		}
		return nil
	})
	for _, rel := range targets {
		path := filepath.Join(dir, rel)
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := range orig {
			for _, mask := range []byte{0x01, 0x20, 0x80} {
				mod := append([]byte(nil), orig...)
				mod[i] ^= mask
				if err := os.WriteFile(path, mod, 0o644); err != nil {
					t.Fatal(err)
				}
				rep, err := Verify(dir)
				if err != nil {
					t.Fatal(err)
				}
				if rep.OK() {
					t.Fatalf("%s byte %d ^%#x: verify passed", rel, i, mask)
				}
				if !namesFile(rep, rel) {
					t.Fatalf("%s byte %d ^%#x: problems do not name the file: %v", rel, i, mask, rep.Problems)
				}
			}
		}
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func namesFile(rep *Report, rel string) bool {
	for _, p := range rep.Problems {
		if p.File == rel {
			return true
		}
	}
	return false
}

func TestVerifyTruncatedJournalIsAWarning(t *testing.T) {
	dir := writeRun(t)
	path := filepath.Join(dir, RecordsFile)
	raw, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(raw), "\n")
	cut := lines[0] + lines[1] + lines[2][:len(lines[2])/2]
	if err := os.WriteFile(path, []byte(cut), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, ManifestFile))
	os.Remove(filepath.Join(dir, SignatureFile))
	rep, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Records != 2 || len(rep.Warnings) != 2 {
		t.Fatalf("crash-truncated run: %+v", rep)
	}
}

func TestVerifyCatchesDroppedRecord(t *testing.T) {
	dir := writeRun(t)
	path := filepath.Join(dir, RecordsFile)
	raw, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(raw), "\n")
	if err := os.WriteFile(path, []byte(lines[0]+lines[2]), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, _ := Verify(dir)
	if rep.OK() {
		t.Fatal("dropped record not caught")
	}
	if p := rep.Problems[0]; p.Line != 2 || !strings.Contains(p.Msg, "chain broken") {
		t.Fatalf("first problem %v", p)
	}
}
