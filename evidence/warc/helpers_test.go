package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"testing"
)

// members splits a multi-member gzip file into its decompressed members.
func members(t *testing.T, b []byte) []string {
	t.Helper()
	br := bufio.NewReader(bytes.NewReader(b))
	zr, err := gzip.NewReader(br)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		zr.Multistream(false)
		m, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(m))
		if err := zr.Reset(br); err == io.EOF {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

func gzipMembers(t *testing.T, ms []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, m := range ms {
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(m))
		zw.Close()
	}
	return buf.Bytes()
}
