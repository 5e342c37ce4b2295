// Package golden compares test output with files under testdata/ and
// rewrites them when the test binary runs with -update.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// Updating reports whether the test binary runs with -update, for tests
// that refresh a generated part of a larger file themselves.
func Updating() bool { return *update }

// Compare fails t if got differs from the contents of path. With -update it
// writes got to path instead.
func Compare(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// CompareNormalised is Compare for output with parts that change from run
// to run (a Merkle root over records that carry random WARC ids): norm
// rewrites those parts, and got and the file are equal once both are
// normalised. -update writes got as it is, so the file stays a real
// example.
func CompareNormalised(t testing.TB, path string, got []byte, norm func([]byte) []byte) {
	t.Helper()
	if *update {
		Compare(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if g, w := norm(got), norm(want); !bytes.Equal(g, w) {
		t.Errorf("output differs from %s (run with -update to accept)\n--- got ---\n%s\n--- want ---\n%s", path, g, w)
	}
}
