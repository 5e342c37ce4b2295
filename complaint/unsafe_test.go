package complaint

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platscan/platscan/evidence"
)

// forge packs entries (in order, duplicates allowed) into an archive with
// a correct archive hash, as someone crafting a hostile bundle would.
func forge(t *testing.T, entries [][2]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e[1]))
	}
	zw.Close()
	body := buf.Bytes()
	eocd := bytes.LastIndex(body, []byte("PK\x05\x06"))
	sum := sha256.Sum256(body[:eocd])
	c := commentTag + hex.EncodeToString(sum[:])
	out := append([]byte(nil), body[:eocd+20]...)
	out = append(out, byte(len(c)), byte(len(c)>>8))
	out = append(out, c...)
	path := filepath.Join(t.TempDir(), "forged.zip")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A bundle whose entry names would escape a directory if extracted, that
// names an entry twice, or that inflates beyond the bounds is reported
// entry by entry, never read past the bound and never a crash.
func TestHostileBundles(t *testing.T) {
	cases := map[string]struct {
		entries [][2]string
		want    string
	}{
		"dot-dot":   {[][2]string{{"../../etc/cron.d/x", "evil"}}, "'..' component"},
		"absolute":  {[][2]string{{"/etc/passwd", "evil"}}, "absolute"},
		"backslash": {[][2]string{{`..\..\windows\evil.dll`, "evil"}}, "backslash"},
		"drive":     {[][2]string{{"C:/evil", "evil"}}, "drive letter"},
		"duplicate": {[][2]string{{"records.jsonl", "a"}, {"records.jsonl", "b"}}, "appears twice"},
		"bomb":      {[][2]string{{"blobs/sha256/00/big", strings.Repeat("\x00", 5<<20)}}, "inflates to more than"},
	}
	old := maxEntry
	maxEntry = 1 << 20
	defer func() { maxEntry = old }()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			rep, err := Verify(forge(t, c.entries), evidence.VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || len(rep.Problems) == 0 || !strings.Contains(rep.Problems[0].Msg, c.want) {
				t.Fatalf("want a problem saying %q, got %+v", c.want, rep.Problems)
			}
		})
	}
}
