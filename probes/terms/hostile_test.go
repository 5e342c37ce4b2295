package terms

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/fixtures/hostile"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/probes/probetest"
)

// Terms served by a hostile site: a bot challenge in place of the terms is
// a block page (a CAPTCHA or slider check) and a body cut short a failed fetch, explained;
// neither is ever a document read without clauses (which the policies
// would take as compliant); GBK served as UTF-8 or with no charset is
// still read, and its exclusivity clause found.
func TestHostileTermsPages(t *testing.T) {
	srv := httptest.NewServer(hostile.Handler(hostile.Options{}))
	defer srv.Close()
	raw := fmt.Sprintf("platform: {name: Hostile, base_url: %q, jurisdictions: [cn]}\npersonas: [{id: new_user}]\n"+
		"terms: {rules: [/wrong-charset], pages: [/captcha, /interstitial, /no-charset, /cut], language: zh}\nlimits: {allow_private: true}\n", srv.URL)
	env := probetest.New(t, srv.URL, []byte(raw), probetest.Options{Fetch: func(o *fetch.Options) { o.Timeout, o.Retries = time.Second, 1 }})
	recs := env.Gather(t, &Probe{})
	probetest.CheckMeasurements(t, recs)
	docs := map[string]measure.Document{}
	for _, d := range probetest.Measurements[measure.Document](t, recs, "document") {
		docs[strings.TrimPrefix(d.URL, srv.URL)] = d
	}
	for _, path := range []string{"/captcha", "/interstitial"} {
		d := docs[path]
		if (d.Blocked != fetch.BlockedCaptcha && d.Blocked != fetch.BlockedSlider) || d.Reachable || d.Chars != 0 {
			t.Errorf("%s: blocked %q reachable %v chars %d: want a bot-challenge block page, not read", path, d.Blocked, d.Reachable, d.Chars)
		}
	}
	if d := docs["/cut"]; d.Fetch != measure.Failed || d.Reachable || d.Error == "" {
		t.Errorf("/cut: fetch %q reachable %v error %q: want a failed, explained fetch", d.Fetch, d.Reachable, d.Error)
	}
	clauses := map[string]bool{}
	for _, c := range probetest.Measurements[measure.Clause](t, recs, "clause") {
		if c.Category == "exclusivity" {
			clauses[strings.TrimPrefix(c.URL, srv.URL)] = true
		}
	}
	for _, path := range []string{"/wrong-charset", "/no-charset"} {
		d := docs[path]
		if !d.Reachable || !strings.HasPrefix(d.Charset, "gb") || !clauses[path] {
			t.Errorf("%s: reachable %v charset %q exclusivity clause %v: the GBK text was not read", path, d.Reachable, d.Charset, clauses[path])
		}
	}
}
