package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/platscan/platscan/evidence"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		addr      string
		why       string // with the guard on
		allowedOK bool   // admitted when private targets are allowed
	}{
		{"93.184.215.14", "", true},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", "", true},
		{"127.0.0.1", "loopback", true},
		{"127.8.9.10", "loopback", true},
		{"::1", "loopback", true},
		{"::ffff:127.0.0.1", "loopback", true}, // IPv4-mapped IPv6
		{"10.1.2.3", "private", true},
		{"172.16.0.9", "private", true},
		{"192.168.1.1", "private", true},
		{"fd12:3456::1", "private", true},
		{"169.254.10.10", "link-local", true},
		{"fe80::1", "link-local", true},
		{"0.0.0.0", "unspecified", true},
		{"100.64.1.1", "carrier-grade NAT (shared)", true},
		{"224.0.0.1", "link-local", true},
		{"239.1.2.3", "multicast", true},
		{"255.255.255.255", "broadcast", true},
		{"169.254.169.254", "cloud-metadata", false},
		{"::ffff:169.254.169.254", "cloud-metadata", false},
		{"100.100.100.200", "cloud-metadata", false},
		{"fd00:ec2::254", "cloud-metadata", false},
	}
	for _, c := range cases {
		a := netip.MustParseAddr(c.addr)
		if got := classify(a, false); got != c.why {
			t.Errorf("%s: %q, want %q", c.addr, got, c.why)
		}
		if got := classify(a, true); (got == "") != c.allowedOK {
			t.Errorf("%s with private targets allowed: %q", c.addr, got)
		}
	}
}

// countingServer counts the requests that reach it.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func exchanges(t *testing.T, st *evidence.Store) []exchangeData {
	t.Helper()
	var out []exchangeData
	for _, r := range records(t, st) {
		var d exchangeData
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// By default a name that resolves to loopback is refused after DNS:
// nothing reaches the server, and the refusal is recorded as not sent,
// with the reason.
func TestGuardRefusesLoopbackByDefault(t *testing.T) {
	srv, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("secret")) })
	st, _ := evidence.Create(t.TempDir(), evidence.Options{})
	defer st.Close()
	f := New(st, Options{Retries: 2, ObeyRobots: true, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/admin"
	s, _ := f.Session("new_user", nil, nil, u)
	p := s.Get(context.Background(), "terms", u)
	if !errors.Is(p.Err, ErrAddressBlocked) || !NotSent(p.Err) || p.Status != 0 {
		t.Fatalf("want the address guard to refuse, got status %d err %v", p.Status, p.Err)
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests reached a loopback server through the guard", hits.Load())
	}
	exs := exchanges(t, st)
	if len(exs) == 0 {
		t.Fatal("the refusal was not recorded")
	}
	for _, d := range exs {
		if d.Sent || !strings.Contains(d.Error, "loopback") {
			t.Errorf("record %+v: want not sent, explained as loopback", d)
		}
	}
	if len(f.Down()) != 0 {
		t.Errorf("a refused address made the host count as down: %v", f.Down())
	}
}

// A lab target is allowed explicitly; a redirect from it to a cloud
// metadata address is still refused at the hop, and recorded.
func TestGuardChecksRedirectHops(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/iam/security-credentials/", http.StatusFound)
	})
	st, _ := evidence.Create(t.TempDir(), evidence.Options{})
	defer st.Close()
	f := New(st, Options{AllowPrivate: true, Retries: 2, MaxRedirects: 5, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	s, _ := f.Session("new_user", nil, nil, srv.URL)
	p := s.Get(context.Background(), "terms", srv.URL+"/go")
	if !errors.Is(p.Err, ErrAddressBlocked) {
		t.Fatalf("redirect to the metadata address: status %d err %v", p.Status, p.Err)
	}
	var sent int
	for _, d := range exchanges(t, st) {
		switch {
		case d.Sent:
			sent++
		case !strings.Contains(d.Error, "cloud-metadata"):
			t.Errorf("unexpected record %+v", d)
		}
	}
	// The robots.txt of both hosts is asked for too: the platform's
	// answers (with the same redirect), the metadata host's is refused.
	if sent != 2 {
		t.Errorf("%d exchanges sent, want the robots.txt and the page, each answered with the redirect", sent)
	}
	last, err := evidence.ReadRecords(st.Dir())
	if err != nil {
		t.Fatal(err)
	}
	final := last[len(last)-1]
	var d exchangeData
	json.Unmarshal(final.Data, &d)
	if final.ID != p.Record() || d.Sent || !strings.HasPrefix(final.URL, "http://169.254.169.254/") {
		t.Errorf("the page's final record should be the refused hop: %+v %+v", final, d)
	}
}

// The request budget counts requests sent, not requests the guard refused.
func TestGuardRefusalIsNotBudget(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {})
	st, _ := evidence.Create(t.TempDir(), evidence.Options{})
	defer st.Close()
	f := New(st, Options{MaxRequests: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	s, _ := f.Session("a", nil, nil, srv.URL)
	for range 3 {
		if p := s.Get(context.Background(), "terms", srv.URL+"/"); !errors.Is(p.Err, ErrAddressBlocked) {
			t.Fatalf("err %v, want the guard (not the budget)", p.Err)
		}
	}
}

// Secrets in a URL (user info, tokens) appear in no error, log line or
// record, even when the request fails and the error quotes the URL.
func TestSecretsNotInErrorsOrLogs(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	base := dead.URL
	dead.Close()
	var logs strings.Builder
	st, _ := evidence.Create(t.TempDir(), evidence.Options{})
	defer st.Close()
	f := New(st, Options{AllowPrivate: true, Retries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	u := strings.Replace(base, "http://", "http://agent:hunter2@", 1) + "/p?access_token=tok-SECRET-1&q=kettle"
	s, _ := f.Session("new_user", nil, nil, base)
	p := s.Get(context.Background(), "pricing", u)
	if p.Err == nil {
		t.Fatal("want a failure")
	}
	raw, _ := os.ReadFile(filepath.Join(st.Dir(), evidence.RecordsFile))
	for what, text := range map[string]string{"error": p.Err.Error(), "logs": logs.String(), "records": string(raw)} {
		for _, secret := range []string{"hunter2", "tok-SECRET-1"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contain %q:\n%s", what, secret, text)
			}
		}
	}
	if !strings.Contains(p.Err.Error(), "q=kettle") {
		t.Errorf("the error should still name the page: %v", p.Err)
	}
}
