package complaint

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sort"
	"testing"
)

func unzip(t *testing.T, raw []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = b
	}
	return out
}

// rezip packs files as a forger would: a fresh archive with a correct
// archive hash, so only the checks inside can catch the edit.
func rezip(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write(files[n])
	}
	zw.Close()
	body := buf.Bytes()
	eocd := bytes.LastIndex(body, []byte("PK\x05\x06"))
	sum := sha256.Sum256(body[:eocd])
	c := commentTag + hex.EncodeToString(sum[:])
	out := append([]byte(nil), body[:eocd+20]...)
	out = append(out, byte(len(c)), byte(len(c)>>8))
	return append(out, c...)
}
