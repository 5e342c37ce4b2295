package evidence

import (
	"path/filepath"
	"strings"
	"testing"
)

// A record whose body digest is a path (a forged run) never makes
// platscan read outside the run directory, and verify names it.
func TestBodyDigestIsNotAPath(t *testing.T) {
	dir := t.TempDir()
	st, err := Create(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	evil := "../../../../../../etc/hostname"
	if _, err := st.Append(Record{Kind: KindExchange, Probe: "p", BodySHA256: evil}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := ReadBlob(dir, evil); err == nil || !strings.Contains(err.Error(), "not a SHA-256 digest") {
		t.Fatalf("ReadBlob of a path: %v", err)
	}
	if p := BlobPath(dir, evil); !strings.HasPrefix(p, filepath.Join(dir, BlobsDir)) {
		t.Fatalf("BlobPath escapes the blob store: %s", p)
	}
	rep, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range rep.Problems {
		found = found || strings.Contains(p.Msg, "is not a SHA-256 digest")
	}
	if !found {
		t.Fatalf("verify did not flag the digest: %+v", rep.Problems)
	}
	for _, s := range []string{"", "abc", strings.Repeat("A", 64), strings.Repeat("g", 64)} {
		if ValidDigest(s) {
			t.Errorf("%q taken for a digest", s)
		}
	}
	if !ValidDigest(SHA256([]byte("x"))) {
		t.Error("a real digest refused")
	}
}
