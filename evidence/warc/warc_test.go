package warc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	iawarc "github.com/CorentinB/warc"
)

func writeSample(t *testing.T) (string, IDs) {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	w, err := Create(path, map[string]string{"software": "platscan test", "format": "WARC File Format 1.1"})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := w.WriteExchange(Exchange{URL: "http://127.0.0.1:8480/terms", Time: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), Method: "GET",
		RequestHeader: map[string][]string{"User-Agent": {"platscan"}, "Cookie": {"vid=REDACTED"}}, Status: 200,
		ResponseHeader: map[string][]string{"Content-Type": {"text/html"}, "Content-Encoding": {"gzip"}}, Body: []byte("<html>用户服务协议</html>")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteMetadata("http://127.0.0.1:8480/terms", ids.Response, map[string]string{"platscan-record": "abc", "persona": "new_user", "probe": "terms"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path, ids
}

func TestWriteAndRead(t *testing.T) {
	path, ids := writeSample(t)
	recs, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("want warcinfo, request, response, metadata; got %d", len(recs))
	}
	types := []string{recs[0].Type, recs[1].Type, recs[2].Type, recs[3].Type}
	if strings.Join(types, ",") != "warcinfo,request,response,metadata" {
		t.Fatalf("types %v", types)
	}
	resp := recs[2]
	if resp.ID != ids.Response || resp.ConcurrentTo != ids.Request || !strings.HasPrefix(resp.PayloadDigest, "sha256:") {
		t.Fatalf("response %+v ids %+v", resp, ids)
	}
	if recs[3].Fields["platscan-record"] != "abc" || recs[3].ConcurrentTo != ids.Response {
		t.Fatalf("metadata %+v", recs[3])
	}
	for _, r := range recs {
		if len(r.Problems) > 0 {
			t.Errorf("%s: %v", r.Type, r.Problems)
		}
	}
}

// A character changed in the response body (same length, so only the
// digest can tell) is caught; so is a flipped byte in the compressed file.
func TestReadCatchesTamperedPayload(t *testing.T) {
	path, _ := writeSample(t)
	raw, _ := os.ReadFile(path)
	ms := members(t, raw)
	if len(ms) != 4 {
		t.Fatalf("%d members", len(ms))
	}
	ms[2] = strings.Replace(ms[2], "服务", "服物", 1)
	tampered := filepath.Join(t.TempDir(), FileName)
	os.WriteFile(tampered, gzipMembers(t, ms), 0o644)
	got, err := Read(tampered)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || len(got[2].Problems) == 0 {
		t.Fatalf("tampered payload not detected: %+v", got)
	}
	flipped := append([]byte(nil), raw...)
	flipped[len(raw)-30] ^= 0x40
	os.WriteFile(tampered, flipped, 0o644)
	got, err = Read(tampered)
	if err == nil && len(got) == 4 && len(got[3].Problems) == 0 {
		t.Fatal("flipped byte in the compressed file not detected")
	}
}

// An independent WARC reader (Internet Archive's Zeno library) parses the
// capture record by record.
func TestIndependentReader(t *testing.T) {
	path, ids := writeSample(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := iawarc.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for {
		rec, err := r.ReadRecord()
		if err != nil || rec == nil {
			break
		}
		seen = append(seen, rec.Header.Get("WARC-Type"))
		if rec.Header.Get("WARC-Type") == "response" && rec.Header.Get("WARC-Record-ID") != ids.Response {
			t.Errorf("response id %q", rec.Header.Get("WARC-Record-ID"))
		}
	}
	if strings.Join(seen, ",") != "warcinfo,request,response,metadata" {
		t.Fatalf("independent reader saw %v", seen)
	}
}
