package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/evidence"
)

// needBrowser returns the Chromium the browser tests use. In CI (.ci/run
// installs Debian's chromium) a missing browser fails the test; elsewhere
// the test is skipped with the install command.
func needBrowser(t testing.TB) string {
	t.Helper()
	exe, err := FindBrowser("")
	if err == nil {
		return exe
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("browser tests need Chromium in CI: %v", err)
	}
	t.Skipf("skipping browser test: %v", err)
	return ""
}

// spa is a small JavaScript application: its pages are an empty shell
// that fetches its content from a JSON API, as the platforms browser mode
// exists for do.
func spa() *http.ServeMux {
	mux := http.NewServeMux()
	shell := func(title string) string {
		return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>` + title + `</title>` +
			`<link rel="stylesheet" href="/static/site.css"></head><body><div id="app"></div>` +
			`<noscript>Please enable JavaScript.</noscript><script src="/static/app.js"></script></body></html>`
	}
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
	})
	mux.HandleFunc("GET /static/site.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, "body{font-family:sans-serif}")
	})
	mux.HandleFunc("GET /static/app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `
fetch("/api/page?path=" + encodeURIComponent(location.pathname), {credentials: "same-origin"})
  .then(r => r.json())
  .then(d => {
    if (d.redirect) { location.href = d.redirect; return; }
    document.getElementById("app").innerHTML = d.html;
    document.title = d.title;
  });
`)
	})
	mux.HandleFunc("GET /api/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		user := "guest"
		if c, err := r.Cookie("session"); err == nil {
			user = c.Value
		}
		var d map[string]string
		switch r.URL.Query().Get("path") {
		case "/", "/private":
			d = map[string]string{"title": "Home", "html": `<h1>Welcome</h1><p class="price">¥<span class="amount">129.00</span></p><p>Call 13812345678 for help.</p>`}
		case "/whoami":
			d = map[string]string{"title": "Who", "html": `<p id="who">` + user + `</p>`}
		case "/account":
			if user == "guest" {
				d = map[string]string{"redirect": "/login?next=/account"}
			} else {
				d = map[string]string{"title": "Account", "html": `<h1>Account of ` + user + `</h1>`}
			}
		default:
			d = map[string]string{"title": "Not found", "html": `<p>not found</p>`}
		}
		json.NewEncoder(w).Encode(d) //nolint:errcheck
	})
	for _, p := range []string{"/{$}", "/private", "/whoami", "/account"} {
		mux.HandleFunc("GET "+p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, shell("Loading"))
		})
	}
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html><body><h1>Sign in</h1><form method="post" action="/login"><input name="username"><input type="password" name="password"><button>Sign in</button></form></body></html>`)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("password") != "pw-secret-1" {
			http.Error(w, "bad password", http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "member-" + r.PostFormValue("username"), Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/whoami", http.StatusSeeOther)
	})
	return mux
}

// browserSetup is setup for browser mode: a fetcher over a fresh store
// and the given handler, with a short settle time.
func browserSetup(t *testing.T, h http.Handler, opts Options) (*Fetcher, *evidence.Store, *httptest.Server) {
	t.Helper()
	needBrowser(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	st, err := evidence.Create(t.TempDir(), evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if opts.Browser.Settle == 0 {
		opts.Browser.Settle = 150 * time.Millisecond
	}
	if opts.Timeout == 0 {
		opts.Timeout = 20 * time.Second
	}
	f := New(st, opts)
	t.Cleanup(func() { f.Close() })
	return f, st, srv
}

func browserSession(t *testing.T, f *Fetcher, persona string, base string, cookies map[string]string) *Session {
	t.Helper()
	s, err := f.BrowserSession(persona, map[string]string{"User-Agent": "Mozilla/5.0 platscan-test " + persona, "Accept-Language": "zh-CN,zh;q=0.9"},
		cookies, base, Emulation{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func recordsByID(t *testing.T, st *evidence.Store) map[string]evidence.Record {
	t.Helper()
	out := map[string]evidence.Record{}
	for _, r := range records(t, st) {
		out[r.ID] = r
	}
	return out
}

// The rendered page is what the script drew, and its records cite every
// exchange the browser made for it, then the screenshot, then the DOM.
func TestBrowserRendersScriptsAndRecordsEveryExchange(t *testing.T) {
	f, st, srv := browserSetup(t, spa(), Options{})
	s := browserSession(t, f, "new_user", srv.URL, nil)
	p := s.Get(context.Background(), "pricing", srv.URL+"/")
	if !p.OK() {
		t.Fatalf("page not OK: %s\n%s\n%v", p.Problem(), p.Text, p.Records)
	}
	if !strings.Contains(p.Text, `<span class="amount">129.00</span>`) || !strings.Contains(p.Text, "<title>Home</title>") {
		t.Fatalf("rendered DOM lacks the script's content:\n%s", p.Text)
	}
	byID := recordsByID(t, st)
	var kinds, types []string
	for _, id := range p.Records {
		r := byID[id]
		var d struct {
			Browser      bool   `json:"browser"`
			ResourceType string `json:"resource_type"`
			Role         string `json:"role"`
		}
		json.Unmarshal(r.Data, &d) //nolint:errcheck
		kinds = append(kinds, string(r.Kind))
		if r.Kind == evidence.KindExchange {
			if !d.Browser {
				t.Errorf("exchange %s not marked browser-fetched", r.URL)
			}
			if rt := d.ResourceType + " " + strings.TrimPrefix(r.URL, srv.URL); rt != "Other /favicon.ico" { // when Chromium asks for one
				types = append(types, rt)
			}
		} else {
			types = append(types, d.Role)
		}
	}
	want := []string{"Document /", "Stylesheet /static/site.css", "Script /static/app.js", "Fetch /api/page?path=%2F", "screenshot", "rendered_dom"}
	if strings.Join(types, "|") != strings.Join(want, "|") {
		t.Fatalf("records %v\nwant %v", types, want)
	}
	dom := byID[p.Record()]
	if dom.Kind != evidence.KindDocument {
		t.Fatalf("the last record should be the rendered DOM, got %s", dom.Kind)
	}
	if b, _ := evidence.ReadBlob(st.Dir(), dom.BodySHA256); string(b) != p.Text {
		t.Error("the DOM blob is not the text the probe read")
	}
	shot := byID[p.Records[len(p.Records)-2]]
	b, _ := evidence.ReadBlob(st.Dir(), shot.BodySHA256)
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 1366 {
		t.Fatalf("screenshot: %v %v", err, img)
	}
}


// Each persona is its own incognito browser context: a login, a cookie
// set by the server or one given in the profile stays with its persona.
func TestBrowserPersonasDoNotShareCookies(t *testing.T) {
	f, st, srv := browserSetup(t, spa(), Options{MaxRedirects: 5})
	ctx := context.Background()
	alice := browserSession(t, f, "alice", srv.URL, nil)
	guest := browserSession(t, f, "guest", srv.URL, nil)
	carol := browserSession(t, f, "carol", srv.URL, map[string]string{"session": "member-carol"})
	who := func(s *Session) string {
		t.Helper()
		p := s.Get(ctx, "terms", srv.URL+"/whoami")
		m := regexp.MustCompile(`<p id="who">([^<]*)</p>`).FindStringSubmatch(p.Text)
		if !p.OK() || m == nil {
			t.Fatalf("%s: %s\n%s", s.persona, p.Problem(), p.Text)
		}
		return m[1]
	}
	login := alice.PostForm(ctx, "login", srv.URL+"/login", url.Values{"username": {"alice"}, "password": {"pw-secret-1"}})
	if !login.OK() || !strings.Contains(login.Text, "member-alice") || !strings.HasSuffix(login.FinalURL, "/whoami") {
		t.Fatalf("login: %s, final %s\n%s", login.Problem(), login.FinalURL, login.Text)
	}
	for _, c := range []struct {
		s    *Session
		want string
	}{{guest, "guest"}, {carol, "member-carol"}, {alice, "member-alice"}, {guest, "guest"}} {
		if got := who(c.s); got != c.want {
			t.Errorf("%s sees %q, want %q", c.s.persona, got, c.want)
		}
	}
	// The login went out as a form post and was recorded without its
	// secrets.
	raw, err := os.ReadFile(filepath.Join(st.Dir(), evidence.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"pw-secret-1", "session=member-alice", "session=member-carol"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("records hold the secret %q", secret)
		}
	}
	first := recordsByID(t, st)[login.Records[0]]
	var d struct {
		Method string            `json:"method"`
		Form   map[string]string `json:"form"`
		Action bool              `json:"user_action"`
	}
	json.Unmarshal(first.Data, &d) //nolint:errcheck
	if first.Status != http.StatusSeeOther || d.Method != "POST" || d.Form["username"] != "alice" || d.Form["password"] != Redacted || !d.Action {
		t.Errorf("login exchange: status %d %+v", first.Status, d)
	}
}
