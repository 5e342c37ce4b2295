package fetch

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures/hostile"
)

// hostileOpts are tight limits, so that every behaviour ends quickly.
func hostileOpts() Options {
	return Options{AllowPrivate: true, Timeout: 3 * time.Second, Retries: 1, MaxBody: 1 << 20, MaxRedirects: 5,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond, MaxRetryAfter: 5 * time.Second}
}

// Every hostile behaviour ends in a recorded, explained outcome within a
// bound: never a hang, a crash, or a partial page passed off as whole.
func TestHostileResponses(t *testing.T) {
	var peer *httptest.Server
	srv := httptest.NewServer(hostile.Handler(hostile.Options{Peer: func() string { return peer.URL }}))
	t.Cleanup(srv.Close) // after the parallel subtests
	peer = httptest.NewServer(hostile.Handler(hostile.Options{Peer: func() string { return srv.URL }}))
	t.Cleanup(peer.Close)

	type want struct {
		ok        bool   // a 2xx page with no error
		status    int    // final status (0: none)
		err       error  // errors.Is target
		errText   string // the error says
		truncated bool
		records   int // exchanges of the request itself (robots.txt not counted); 0: do not check
		statuses  []int
		decoded   string
		text      string // the decoded text contains
		note      string // the charset note contains
		blocked   string // what stands in the page's place
	}
	cases := map[string]want{
		"/ok":        {ok: true, status: 200, records: 1},
		"/slow-drip": {status: 200, errText: "reading body", records: 2},
		// Go's client words its own deadline either way, by timing.
		"/slow-headers":    {errText: "Timeout|deadline exceeded", records: 2},
		"/endless":         {ok: true, status: 200, truncated: true, records: 1},
		"/huge":            {ok: true, status: 200, truncated: true, records: 1},
		"/gzip-bomb":       {ok: true, status: 200, truncated: true, decoded: "gzip", records: 1},
		"/br-bomb":         {ok: true, status: 200, truncated: true, decoded: "br", records: 1},
		"/bad-gzip":        {status: 200, err: ErrEncoding, errText: "gzip"},
		"/zstd":            {status: 200, err: ErrEncoding, errText: `"zstd"`},
		"/loop":            {status: 302, errText: "stopped after 5 redirects", records: 6},
		"/chain/3":         {ok: true, status: 200, records: 4},
		"/to-file":         {err: ErrScheme, errText: `"file"`},
		"/429-seconds":     {ok: true, status: 200, statuses: []int{429, 200}},
		"/503-date":        {ok: true, status: 200, statuses: []int{503, 200}},
		"/429-forever":     {status: 429, statuses: []int{429}},
		"/reset":           {errText: "connection reset", records: 2},
		"/cut":             {status: 200, errText: "unexpected EOF", records: 2},
		"/malformed":       {ok: true, status: 200, text: "3.45"},
		"/wrong-charset":   {ok: true, status: 200, text: "不得在其他电子商务平台开设店铺", note: "declared utf-8 but the bytes are not UTF-8; decoded as gb18030"},
		"/no-charset":      {ok: true, status: 200, text: "不得在其他电子商务平台开设店铺", note: "no charset declared; decoded as gb18030"},
		"/unknown-charset": {ok: true, status: 200, text: "平台规则"},
		"/captcha":         {status: 200, blocked: BlockedSlider}, // a GeeTest slider
		"/interstitial":    {status: 503, blocked: BlockedCaptcha, statuses: []int{503, 503}},
	}
	paths := make([]string, 0, len(cases))
	for p := range cases {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, path := range paths {
		w := cases[path]
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			t.Parallel()
			st, err := evidence.Create(t.TempDir(), evidence.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			f := New(st, hostileOpts())
			s, _ := f.Session("new_user", nil, nil, srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			start := time.Now()
			p := s.Get(ctx, "pricing", srv.URL+path)
			if el := time.Since(start); el > 30*time.Second {
				t.Errorf("took %v", el)
			}
			if p.OK() != w.ok || p.Status != w.status {
				t.Errorf("ok %v status %d err %v; want ok %v status %d", p.OK(), p.Status, p.Err, w.ok, w.status)
			}
			if w.err != nil && !errors.Is(p.Err, w.err) {
				t.Errorf("err %v, want %v", p.Err, w.err)
			}
			if w.errText != "" && (p.Err == nil || !containsAny(p.Err.Error(), strings.Split(w.errText, "|"))) {
				t.Errorf("err %v, want it to say %q", p.Err, w.errText)
			}
			if !w.ok && p.Err == nil && p.Status < 400 && p.Blocked == "" {
				t.Errorf("status %d with no error: a failure must say why", p.Status)
			}
			if p.Blocked != w.blocked {
				t.Errorf("blocked %q, want %q", p.Blocked, w.blocked)
			}
			if p.Truncated != w.truncated || int64(len(p.Body)) > hostileOpts().MaxBody {
				t.Errorf("truncated %v, body %d bytes", p.Truncated, len(p.Body))
			}
			if w.decoded != "" && (!bytes.Equal(p.Body, make([]byte, len(p.Body))) || len(p.Body) != 1<<20) {
				t.Errorf("the %s bomb's body should be 1 MiB of decoded zeros, got %d bytes starting %q", w.decoded, len(p.Body), p.Body[:min(len(p.Body), 8)])
			}
			if w.text != "" && !strings.Contains(p.Text, w.text) {
				t.Errorf("text %q lacks %q (charset %s)", p.Text, w.text, p.Charset)
			}
			if !strings.Contains(p.CharsetNote, w.note) {
				t.Errorf("charset note %q, want %q", p.CharsetNote, w.note)
			}

			recs := records(t, st)
			byID := map[string]evidence.Record{}
			for _, r := range recs {
				byID[r.ID] = r
			}
			var own []evidence.Record
			for _, id := range p.Records {
				if r := byID[id]; !strings.HasSuffix(r.URL, "/robots.txt") {
					own = append(own, r)
				}
			}
			if len(own) == 0 {
				t.Fatal("no exchange recorded")
			}
			if w.records > 0 && len(own) != w.records {
				t.Errorf("%d exchanges recorded, want %d", len(own), w.records)
			}
			if w.statuses != nil {
				var got []int
				for _, r := range own {
					got = append(got, r.Status)
				}
				if !slices.Equal(got, w.statuses) {
					t.Errorf("statuses %v, want %v", got, w.statuses)
				}
			}
			exs := exchanges(t, st)
			last := exs[len(exs)-1]
			if w.decoded != "" && last.Decoded != w.decoded {
				t.Errorf("record says decoded %q, want %q", last.Decoded, w.decoded)
			}
			if rep, err := evidence.Verify(st.Dir()); err != nil || !rep.OK() {
				t.Errorf("chain does not verify: %v %v", err, rep)
			}
		})
	}
}

// A server with a certificate nobody trusts is a recorded failure, not
// retried and not read.
func TestHostileTLS(t *testing.T) {
	srv := httptest.NewTLSServer(hostile.Handler(hostile.Options{}))
	defer srv.Close()
	st, _ := evidence.Create(t.TempDir(), evidence.Options{})
	defer st.Close()
	f := New(st, hostileOpts())
	s, _ := f.Session("new_user", nil, nil, srv.URL)
	p := s.Get(context.Background(), "pricing", srv.URL+"/ok")
	if p.Status != 0 || p.Err == nil || !strings.Contains(p.Err.Error(), "certificate") {
		t.Fatalf("status %d err %v", p.Status, p.Err)
	}
	for _, d := range exchanges(t, st) {
		if !d.Sent || !strings.Contains(d.Error, "certificate") {
			t.Errorf("record %+v: want the TLS failure explained", d)
		}
	}
}

// A body that declares a compressed encoding the client did not ask for
// is still decoded under the cap when the client did ask (browser-like
// personas send Accept-Encoding themselves, and the transport then leaves
// decoding to platscan).
func TestHostileBombWithBrowserHeaders(t *testing.T) {
	srv := httptest.NewServer(hostile.Handler(hostile.Options{}))
	defer srv.Close()
	st, _ := evidence.Create(t.TempDir(), evidence.Options{})
	defer st.Close()
	f := New(st, hostileOpts())
	s, _ := f.Session("new_user", map[string]string{"Accept-Encoding": "gzip, deflate, br"}, nil, srv.URL)
	for _, path := range []string{"/gzip-bomb", "/br-bomb"} {
		p := s.Get(context.Background(), "pricing", srv.URL+path)
		if !p.OK() || !p.Truncated || len(p.Body) != 1<<20 || p.Body[0] != 0 {
			t.Errorf("%s: ok %v truncated %v %d bytes err %v", path, p.OK(), p.Truncated, len(p.Body), p.Err)
		}
	}
}

// A hostile Retry-After is honoured only up to MaxRetryAfter, so a
// server that asks for a day does not stall the scan.
func TestRetryAfterBounds(t *testing.T) {
	for _, c := range []struct {
		status int
		header string
		want   time.Duration
		ok     bool
	}{
		{429, "3", 3 * time.Second, true},
		{503, "0", 0, true},
		{429, "-4", 0, false},
		{429, "soon", 0, false},
		{200, "3", 0, false},
		{429, "99999999999999999", 365 * 24 * time.Hour, true},
	} {
		resp := &http.Response{StatusCode: c.status, Header: http.Header{"Retry-After": {c.header}}}
		got, ok := retryAfter(resp)
		if ok != c.ok || got != c.want {
			t.Errorf("%d %q: %v %v", c.status, c.header, got, ok)
		}
	}
	resp := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat)}}}
	if got, ok := retryAfter(resp); !ok || got < time.Minute || got > 2*time.Minute {
		t.Errorf("date form: %v %v", got, ok)
	}
}
