package complaint

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/rules"
	"github.com/platscan/platscan/scan"
)

// secrets are what the profile below configures: a login, a cookie,
// credential headers, and personal data marked by literal and pattern.
var secrets = []string{"loyal-member", "demo-password", "ck-9f8e7d6c5b", "tok-1a2b3c4d5e", "apikey-778899", "Wang Xiaoming", "13912345678"}

// No configured secret is anywhere in a run or in a bundle made from it:
// not in the records, the blobs (the stored profile among them), the WARC
// capture (decompressed), the manifest, or any entry of the zip.
func TestNoSecretInRunOrBundle(t *testing.T) {
	srv := httptest.NewServer(fixtures.Handler(fixtures.Shopmart))
	defer srv.Close()
	raw, err := fixtures.Profile(fixtures.Shopmart, map[string]string{"shopmart": srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)
	for _, r := range [][2]string{
		{"    login: {url: /login, form:", "    cookies: {sessionid: ck-9f8e7d6c5b}\n" +
			`    headers: {User-Agent: "Mozilla/5.0", Authorization: "Bearer tok-1a2b3c4d5e", X-Api-Key: apikey-778899, X-Note: "Wang Xiaoming 13912345678"}` + "\n" +
			"    login: {url: /login, form:"},
		{"  persona: new_user\n  rules:", "  persona: loyal_user\n  rules:"},
		{"limits:\n", "redact: {literals: [Wang Xiaoming], patterns: ['1[3-9]\\d{9}']}\nlimits:\n"},
	} {
		if !strings.Contains(src, r[0]) {
			t.Fatalf("fixture profile changed: %q not found", r[0])
		}
		src = strings.Replace(src, r[0], r[1], 1)
	}
	// The loyal_user persona had a headers line already; drop it so the
	// one above (with the credentials) is the only one.
	src = strings.Replace(src, "    headers: {User-Agent: \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0 Safari/537.36\", Accept-Language: \"zh-CN,zh;q=0.9,en;q=0.8\"}\n    cookies: {sessionid", "    cookies: {sessionid", 1)
	prof, err := profile.Parse("secret.yaml", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	if per, _ := prof.Persona("loyal_user"); per.Headers["Authorization"] == "" || per.Cookies["sessionid"] == "" {
		t.Fatalf("profile edit did not take: %+v", per)
	}
	cat, _ := rules.Default()
	e, err := policies.New(context.Background(), policies.Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	res, err := scan.Run(context.Background(), prof, scan.Options{Dir: dir, Engine: e, Version: "test", Probes: []string{"terms"}, Signer: testSigner})
	if err != nil {
		t.Fatal(err)
	}
	// The login happened and the session was used: the secrets were sent.
	login := false
	recs, _ := evidence.ReadRecords(dir)
	for _, r := range recs {
		login = login || (r.Probe == "login" && r.Status > 0)
	}
	if !login || len(res.Report.Findings) == 0 {
		t.Fatalf("login recorded %v, %d findings", login, len(res.Report.Findings))
	}

	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		noSecret(t, path, b)
		return nil
	})
	for i, f := range res.Report.Findings {
		if i%4 != 0 {
			continue // a sample keeps the test quick; each bundle holds the profile
		}
		var buf bytes.Buffer
		if err := Build(context.Background(), dir, f.ID, &buf, Options{Lang: "en", Catalog: cat}); err != nil {
			t.Fatal(err)
		}
		noSecret(t, "bundle "+f.ID, buf.Bytes())
		for name, b := range unzip(t, buf.Bytes()) {
			noSecret(t, "bundle "+f.ID+":"+name, b)
		}
	}
	// eval still loads the redacted profile it re-judges with.
	if _, err := scan.Eval(context.Background(), dir, e, "test"); err != nil {
		t.Fatal(err)
	}
}

// noSecret fails when b, or b decompressed when it is gzip, holds a secret.
func noSecret(t *testing.T, name string, b []byte) {
	t.Helper()
	views := [][]byte{b}
	if len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		views = append(views, plain)
	}
	for _, v := range views {
		for _, s := range secrets {
			if i := bytes.Index(v, []byte(s)); i >= 0 {
				lo, hi := max(0, i-80), min(len(v), i+len(s)+40)
				t.Errorf("%s holds %q: …%s…", name, s, strings.ToValidUTF8(string(v[lo:hi]), "?"))
			}
		}
	}
}
