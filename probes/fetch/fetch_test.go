package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
)

func setup(t *testing.T, opts Options) (*Fetcher, *evidence.Store, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(fixtures.Handler(fixtures.Shopmart))
	t.Cleanup(srv.Close)
	st, err := evidence.Create(t.TempDir(), evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opts.RetryWaitMin, opts.RetryWaitMax = time.Millisecond, 10*time.Millisecond
	opts.AllowPrivate = true // the fixture is on loopback
	return New(st, opts), st, srv
}

func records(t *testing.T, st *evidence.Store) []evidence.Record {
	t.Helper()
	recs, err := evidence.ReadRecords(st.Dir())
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestGBKPageIsDecodedAndRawBytesKept(t *testing.T) {
	f, st, srv := setup(t, Options{Retries: 2})
	s, _ := f.Session("new_user", nil, nil, srv.URL)
	p := s.Get(context.Background(), "terms", srv.URL+"/terms")
	if !p.OK() || p.Charset != "gbk" || !strings.Contains(p.Text, "闪购商城用户服务协议") {
		t.Fatalf("status %d charset %q err %v", p.Status, p.Charset, p.Err)
	}
	if strings.Contains(string(p.Body), "用户服务协议") {
		t.Fatal("Body should be the raw GBK bytes, not decoded text")
	}
	blob, err := evidence.ReadBlob(st.Dir(), evidence.SHA256(p.Body))
	if err != nil || string(blob) != string(p.Body) {
		t.Fatalf("raw body not stored as blob: %v", err)
	}
}

func TestPersonasHaveTheirOwnCookiesAndLoginIsRedacted(t *testing.T) {
	f, st, srv := setup(t, Options{Retries: 1, MaxRedirects: 5})
	ctx := context.Background()
	loyal, _ := f.Session("loyal_user", nil, nil, srv.URL)
	anon, _ := f.Session("new_user", nil, nil, srv.URL)
	login := loyal.PostForm(ctx, "login", srv.URL+"/login", url.Values{"username": {"member"}, "password": {"demo-password"}})
	if !login.OK() || len(login.Records) != 2 {
		t.Fatalf("login: status %d records %d err %v", login.Status, len(login.Records), login.Err)
	}
	if p := loyal.Get(ctx, "terms", srv.URL+"/en/rules"); !p.OK() || !strings.HasSuffix(p.FinalURL, "/en/rules") {
		t.Fatalf("logged-in persona: %d %s", p.Status, p.FinalURL)
	}
	p := anon.Get(ctx, "terms", srv.URL+"/en/rules")
	if !strings.Contains(p.FinalURL, "/login?next=") || len(p.Records) != 2 {
		t.Fatalf("anonymous persona should be redirected to login: %s (%d records)", p.FinalURL, len(p.Records))
	}
	raw, _ := os.ReadFile(filepath.Join(st.Dir(), evidence.RecordsFile))
	for _, secret := range []string{"demo-password", "s000001-member"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("records contain secret %q", secret)
		}
	}
	if !strings.Contains(string(raw), `"session=REDACTED; Path=/; HttpOnly"`) {
		t.Error("Set-Cookie not kept in redacted form")
	}
	if rep, _ := evidence.Verify(st.Dir()); !rep.OK() {
		t.Fatalf("verify after redaction: %v", rep.Problems)
	}
}

func TestRetryAfter503IsRecorded(t *testing.T) {
	f, st, srv := setup(t, Options{Retries: 2})
	s, _ := f.Session("new_user", nil, nil, srv.URL)
	p := s.Get(context.Background(), "terms", srv.URL+"/announcements")
	if !p.OK() || len(p.Records) != 2 {
		t.Fatalf("want 503 then 200 recorded, got status %d, %d records", p.Status, len(p.Records))
	}
	recs := records(t, st)
	var statuses []int
	for _, r := range recs {
		if r.Probe == "terms" {
			statuses = append(statuses, r.Status)
		}
	}
	if len(statuses) != 2 || statuses[0] != 503 || statuses[1] != 200 {
		t.Fatalf("statuses %v", statuses)
	}
}

func TestRobotsTxt(t *testing.T) {
	for _, obey := range []bool{true, false} {
		f, st, srv := setup(t, Options{ObeyRobots: obey})
		s, _ := f.Session("rival", map[string]string{"User-Agent": "RivalBot/2.0"}, nil, srv.URL)
		p := s.Get(context.Background(), "interop", srv.URL+"/rules")
		if obey {
			if !errors.Is(p.Err, ErrRobotsBlocked) || len(p.Records) != 1 {
				t.Fatalf("obey: err %v records %d", p.Err, len(p.Records))
			}
			last := records(t, st)
			var d exchangeData
			json.Unmarshal(last[len(last)-1].Data, &d)
			if d.Sent || d.Error == "" {
				t.Fatalf("blocked request must be recorded as not sent: %+v", d)
			}
		} else if p.Err != nil || p.Status != 403 || len(p.Records) != 1 {
			// Sent despite robots.txt; the fixture answers this bot with 403.
			t.Fatalf("ignore robots: status %d err %v", p.Status, p.Err)
		}
	}
}

func TestBodyCap(t *testing.T) {
	f, _, srv := setup(t, Options{MaxBody: 100})
	s, _ := f.Session("new_user", nil, nil, srv.URL)
	p := s.Get(context.Background(), "terms", srv.URL+"/rules")
	if !p.Truncated || len(p.Body) != 100 {
		t.Fatalf("truncated %v len %d", p.Truncated, len(p.Body))
	}
}

func TestUnreachableAndSlow(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()

	st, _ := evidence.Create(t.TempDir(), evidence.Options{})
	defer st.Close()
	f := New(st, Options{Timeout: 50 * time.Millisecond, Retries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond, AllowPrivate: true})
	s, _ := f.Session("new_user", nil, nil, slow.URL)
	for _, u := range []string{slow.URL + "/", deadURL + "/"} {
		p := s.Get(context.Background(), "terms", u)
		if p.Err == nil || len(p.Records) != 2 {
			t.Fatalf("%s: want an error after 2 recorded attempts, got err %v, %d records", u, p.Err, len(p.Records))
		}
	}
}

func TestRedactURL(t *testing.T) {
	got := redactURL("https://u:p@x.test/a?q=kettle&access_token=abc&sid=9")
	if strings.Contains(got, "abc") || strings.Contains(got, ":p@") || strings.Contains(got, "sid=9") || !strings.Contains(got, "q=kettle") {
		t.Fatal(got)
	}
}

func TestRequestBudget(t *testing.T) {
	f, st, srv := setup(t, Options{MaxRequests: 2})
	s, _ := f.Session("new_user", nil, nil, srv.URL)
	for i := range 3 {
		p := s.Get(context.Background(), "terms", srv.URL+"/rules")
		if got := errors.Is(p.Err, ErrBudget); got != (i == 2) {
			t.Fatalf("request %d: err %v", i, p.Err)
		}
	}
	n := 0
	for _, r := range records(t, st) {
		if r.Probe != "robots" { // robots.txt is read once, outside the budget
			n++
		}
	}
	if n != 3 {
		t.Fatalf("want 2 sent and 1 refused record, got %d", n)
	}
}

// Personal data the profile marks is gone from everything stored, and the
// chain still verifies.
func TestPersonalDataRedaction(t *testing.T) {
	f, st, srv := setup(t, Options{Redact: regexp.MustCompile(`(?:loyal-member)|(?:13\d{9})`), MaxRedirects: 5})
	s, _ := f.Session("loyal_user", nil, nil, srv.URL)
	ctx := context.Background()
	s.PostForm(ctx, "login", srv.URL+"/login", url.Values{"username": {"loyal-member"}, "password": {"pw"}})
	p := s.Get(ctx, "terms", srv.URL+"/search?q=loyal-member")
	if strings.Contains(p.Text, "loyal-member") || !strings.Contains(p.Text, RedactedPersonal) {
		t.Fatal("page text not redacted")
	}
	raw, _ := os.ReadFile(filepath.Join(st.Dir(), evidence.RecordsFile))
	if strings.Contains(string(raw), "loyal-member") {
		t.Fatal("records contain the marked personal data")
	}
	blob, err := evidence.ReadBlob(st.Dir(), evidence.SHA256(p.Body))
	if err != nil || strings.Contains(string(blob), "loyal-member") {
		t.Fatal("stored body contains the marked personal data")
	}
	if rep, _ := evidence.Verify(st.Dir()); !rep.OK() {
		t.Fatalf("verify after redaction: %v", rep.Problems)
	}
}

// A persona's own action (an account page, a form it submits) is not
// crawling: robots.txt is recorded for it but applies only in strict
// mode. Crawling requests obey it.
func TestRobotsUserActions(t *testing.T) {
	for _, strict := range []bool{false, true} {
		f, st, srv := setup(t, Options{ObeyRobots: true, StrictRobots: strict})
		s, _ := f.Session("rival", map[string]string{"User-Agent": "RivalBot/2.0"}, nil, srv.URL)
		crawl := s.Get(context.Background(), "terms", srv.URL+"/rules")
		user := s.GetAsUser(context.Background(), "interop", srv.URL+"/rules")
		if !errors.Is(crawl.Err, ErrRobotsBlocked) {
			t.Errorf("strict=%v: a crawl of a disallowed page was sent: %v", strict, crawl.Err)
		}
		if strict != errors.Is(user.Err, ErrRobotsBlocked) {
			t.Errorf("strict=%v: user action err %v", strict, user.Err)
		}
		var verdicts []string
		for _, r := range records(t, st) {
			var d exchangeData
			json.Unmarshal(r.Data, &d)
			if r.Probe != "robots" {
				verdicts = append(verdicts, fmt.Sprintf("%s/%v/%v", d.Robots, d.UserAction, d.Sent))
			}
		}
		want := []string{"disallowed/false/false", fmt.Sprintf("disallowed/true/%v", !strict)}
		if !slices.Equal(verdicts, want) {
			t.Errorf("strict=%v: recorded %v, want %v", strict, verdicts, want)
		}
	}
}

// A host that stops answering is given up after DownAfter attempts in a
// row: later requests are recorded as not sent, and Down names the host.
func TestTargetDown(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	u := dead.URL
	dead.Close()
	st, _ := evidence.Create(t.TempDir(), evidence.Options{})
	defer st.Close()
	f := New(st, Options{Retries: 1, DownAfter: 4, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond, AllowPrivate: true})
	s, _ := f.Session("new_user", nil, nil, u)
	var errs []error
	for range 4 {
		errs = append(errs, s.Get(context.Background(), "terms", u+"/rules").Err)
	}
	if errors.Is(errs[0], ErrTargetDown) || !errors.Is(errs[3], ErrTargetDown) {
		t.Fatalf("errors %v", errs)
	}
	if !NotSent(errs[3]) {
		t.Error("a request to a down host counts as sent")
	}
	host := strings.TrimPrefix(u, "http://")
	if got := f.Down(); !slices.Equal(got, []string{host}) {
		t.Errorf("Down() = %v", got)
	}
	// A host that answers, even with errors, is not down.
	f2, _, srv := setup(t, Options{DownAfter: 2})
	s2, _ := f2.Session("new_user", nil, nil, srv.URL)
	for range 5 {
		s2.Get(context.Background(), "terms", srv.URL+"/no-such-page")
	}
	if len(f2.Down()) != 0 {
		t.Errorf("404s made a host down: %v", f2.Down())
	}
}
