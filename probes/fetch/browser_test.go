package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
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
	"github.com/platscan/platscan/evidence/warc"
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
	opts.AllowPrivate = true // the test server is on loopback
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
	var types []string
	for _, id := range p.Records {
		r := byID[id]
		var d struct {
			Browser      bool   `json:"browser"`
			ResourceType string `json:"resource_type"`
			Role         string `json:"role"`
		}
		json.Unmarshal(r.Data, &d) //nolint:errcheck
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

// blockPages serves the pages that stand in a platform's place when it
// does not want to be read.
func blockPages() http.Handler {
	mux := spa()
	page := func(path string, status int, body string) {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			fmt.Fprint(w, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>`+path+`</title></head><body>`+body+`</body></html>`)
		})
	}
	page("/captcha", 200, `<h1>安全验证</h1><div class="g-recaptcha" data-sitekey="x"></div><p>请完成验证后继续访问</p>`)
	page("/slider", 200, `<div id="nc_1_wrapper" class="nc_wrapper"><span>请按住滑块，拖动到最右边</span></div>`)
	page("/denied", 403, `<h1>Access Denied</h1><p>You don't have permission to access this page.</p>`)
	// A captcha drawn by script after the page loads: only a browser sees it.
	page("/late-captcha", 200, `<div id="root"></div><script>setTimeout(() => { document.getElementById("root").innerHTML = '<p>请输入验证码</p><img class="captcha-img" src="data:,">'; }, 50)</script>`)
	mux.HandleFunc("GET /members", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/login?next=/members", http.StatusFound)
	})
	return mux
}

// A CAPTCHA, a slider check, an access-denied page and a login wall (by
// redirect, and by script) are block pages, each recorded with its
// screenshot; the platform's own page is not.
func TestBrowserDetectsBlockPages(t *testing.T) {
	f, st, srv := browserSetup(t, blockPages(), Options{MaxRedirects: 5})
	s := browserSession(t, f, "new_user", srv.URL, nil)
	byRole := func(p *Page) map[string]bool {
		roles := map[string]bool{}
		for id, r := range recordsByID(t, st) {
			var d struct{ Role string }
			if slices.Contains(p.Records, id) && json.Unmarshal(r.Data, &d) == nil && d.Role != "" {
				roles[d.Role] = true
			}
		}
		return roles
	}
	for _, c := range []struct{ path, want string }{
		{"/captcha", BlockedCaptcha},
		{"/slider", BlockedSlider},
		{"/denied", BlockedDenied},
		{"/late-captcha", BlockedCaptcha},
		{"/members", BlockedLogin},
		{"/account", BlockedLogin}, // the application sends a guest to its login page
		{"/", ""},
	} {
		t.Run(c.path, func(t *testing.T) {
			p := s.Get(context.Background(), "terms", srv.URL+c.path)
			if p.Err != nil || p.Status == 0 {
				t.Fatalf("no answer: %v", p.Err)
			}
			if p.Blocked != c.want {
				t.Fatalf("blocked %q, want %q (final %s)\n%s", p.Blocked, c.want, p.FinalURL, p.Text)
			}
			if p.OK() != (c.want == "") {
				t.Errorf("OK() = %v for a page blocked %q", p.OK(), p.Blocked)
			}
			if roles := byRole(p); !roles[RoleScreenshot] || !roles[RoleRenderedDOM] {
				t.Errorf("the page's records lack its screenshot or DOM: %v", roles)
			}
		})
	}
}

// A page that keeps the network busy is recorded as it stood when the
// page-load timeout ran out, with the timeout as its error.
func TestBrowserPageThatNeverSettles(t *testing.T) {
	mux := spa()
	mux.HandleFunc("GET /busy", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><html><body><p id="n">0</p><script>
let n = 0;
setInterval(() => fetch("/api/tick").then(r => r.text()).then(() => { document.getElementById("n").textContent = ++n; }), 40);
</script></body></html>`)
	})
	mux.HandleFunc("GET /api/tick", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "tick") })
	hang := make(chan struct{})
	mux.HandleFunc("GET /hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	})
	f, st, srv := browserSetup(t, mux, Options{Timeout: 1500 * time.Millisecond})
	t.Cleanup(func() { close(hang) })
	s := browserSession(t, f, "new_user", srv.URL, nil)

	p := s.Get(context.Background(), "ranking", srv.URL+"/busy")
	if !errors.Is(p.Err, ErrUnsettled) || !strings.Contains(p.Err.Error(), "did not settle within 1.5s") {
		t.Fatalf("err %v, want the timeout", p.Err)
	}
	if p.Status != 200 || p.OK() || !strings.Contains(p.Text, `<p id="n">`) {
		t.Fatalf("status %d OK %v text %q", p.Status, p.OK(), p.Text)
	}
	byID := recordsByID(t, st)
	ticks := 0
	var dom struct {
		Role    string `json:"role"`
		Settled bool   `json:"settled"`
	}
	for _, id := range p.Records {
		if strings.HasSuffix(byID[id].URL, "/api/tick") {
			ticks++
		}
	}
	json.Unmarshal(byID[p.Record()].Data, &dom) //nolint:errcheck
	if ticks < 5 || dom.Role != RoleRenderedDOM || dom.Settled {
		t.Errorf("%d tick exchanges recorded; DOM document %+v", ticks, dom)
	}

	// A server that never answers: the request is recorded as sent and
	// unanswered.
	p = s.Get(context.Background(), "ranking", srv.URL+"/hang")
	if !errors.Is(p.Err, ErrUnsettled) || p.Status != 0 || len(p.Records) != 1 {
		t.Fatalf("hang: err %v status %d records %d", p.Err, p.Status, len(p.Records))
	}
	var d exchangeData
	json.Unmarshal(byID2(t, st, p.Record()).Data, &d) //nolint:errcheck
	if !d.Sent || d.Error == "" {
		t.Errorf("unanswered request recorded as %+v", d)
	}
	// The tab is usable after both.
	if p := s.Get(context.Background(), "ranking", srv.URL+"/"); !p.OK() {
		t.Fatalf("after a timeout: %s", p.Problem())
	}
}

func byID2(t *testing.T, st *evidence.Store, id string) evidence.Record {
	t.Helper()
	return recordsByID(t, st)[id]
}

// robots.txt applies to the pages a browser crawls, not to the persona's
// own actions; the request budget counts page loads.
func TestBrowserObeysRobotsAndBudget(t *testing.T) {
	f, st, srv := browserSetup(t, spa(), Options{ObeyRobots: true, MaxRequests: 3})
	s := browserSession(t, f, "new_user", srv.URL, nil)
	ctx := context.Background()
	p := s.Get(ctx, "ranking", srv.URL+"/private")
	if !errors.Is(p.Err, ErrRobotsBlocked) || !NotSent(p.Err) || len(p.Records) != 1 {
		t.Fatalf("crawling a disallowed page: err %v, %d records", p.Err, len(p.Records))
	}
	var d browserExchangeData
	json.Unmarshal(byID2(t, st, p.Record()).Data, &d) //nolint:errcheck
	if d.Sent || d.Robots != robotsDisallowed || !d.Browser {
		t.Errorf("not-sent record: %+v", d)
	}
	if p := s.GetAsUser(ctx, "pricing", srv.URL+"/private"); !p.OK() {
		t.Fatalf("the persona's own visit: %s", p.Problem())
	}
	s.Get(ctx, "ranking", srv.URL+"/")
	s.Get(ctx, "ranking", srv.URL+"/")
	if p := s.Get(ctx, "ranking", srv.URL+"/whoami"); !errors.Is(p.Err, ErrBudget) {
		t.Fatalf("past the budget: %v", p.Err)
	}
}

// Personal data the profile marks is removed from every body, header and
// URL the browser saw, from the DOM, and from the WARC capture, before
// anything is stored and before the probe reads the page.
func TestBrowserRedactsBeforeStoring(t *testing.T) {
	dir := t.TempDir()
	capture, err := warc.Create(filepath.Join(dir, warc.FileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	f, st, srv := browserSetup(t, spa(), Options{Redact: regexp.MustCompile(`1[3-9]\d{9}`), Capture: capture})
	s := browserSession(t, f, "new_user", srv.URL, map[string]string{"session": "member-13912345678"})
	p := s.Get(context.Background(), "pricing", srv.URL+"/?token=abc123")
	if !p.OK() || strings.Contains(p.Text, "13812345678") || !strings.Contains(p.Text, RedactedPersonal) {
		t.Fatalf("page: %s\n%s", p.Problem(), p.Text)
	}
	if err := capture.Close(); err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(st.Dir(), evidence.RecordsFile)}
	blobs, _ := filepath.Glob(filepath.Join(st.Dir(), evidence.BlobsDir, "sha256", "*", "*"))
	files = append(files, blobs...)
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"13812345678", "13912345678", "abc123"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds %q", filepath.Base(file), secret)
			}
		}
	}
	recs, err := warc.Read(filepath.Join(dir, warc.FileName))
	if err != nil {
		t.Fatal(err)
	}
	browserMeta := 0
	for _, r := range recs {
		if r.Type == "metadata" && r.Fields["browser"] == "true" {
			browserMeta++
		}
		if strings.Contains(r.TargetURI, "abc123") {
			t.Errorf("WARC record %s names the secret token", r.TargetURI)
		}
	}
	if browserMeta < 4 {
		t.Errorf("%d WARC metadata records marked browser", browserMeta)
	}
}

// A persona's device, language, time zone and position are what the page
// sees.
func TestBrowserEmulatesThePersona(t *testing.T) {
	mux := spa()
	mux.HandleFunc("GET /env", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width"></head><body><pre id="env"></pre><script>
const env = {ua: navigator.userAgent, lang: navigator.language, width: innerWidth, tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
  touch: navigator.maxTouchPoints > 0, accept: ""};
fetch("/api/echo").then(r => r.text()).then(a => { env.accept = a;
  navigator.geolocation.getCurrentPosition(p => { env.lat = p.coords.latitude; document.getElementById("env").textContent = JSON.stringify(env); },
    e => { env.geo = e.message; document.getElementById("env").textContent = JSON.stringify(env); });
});
</script></body></html>`)
	})
	mux.HandleFunc("GET /api/echo", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Header.Get("Accept-Language")+"|"+r.Header.Get("X-Persona"))
	})
	f, _, srv := browserSetup(t, mux, Options{})
	s, err := f.BrowserSession("ios_user", map[string]string{"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)",
		"Accept-Language": "zh-CN,zh;q=0.9", "X-Persona": "ios"}, nil, srv.URL,
		Emulation{Mobile: true, Locale: "zh_CN", Timezone: "Asia/Shanghai", Geolocation: &Geolocation{Latitude: 31.23, Longitude: 121.47}})
	if err != nil {
		t.Fatal(err)
	}
	p := s.Get(context.Background(), "pricing", srv.URL+"/env")
	m := regexp.MustCompile(`<pre id="env">([^<]+)</pre>`).FindStringSubmatch(p.Text)
	if m == nil {
		t.Fatalf("no environment reported: %s\n%s", p.Problem(), p.Text)
	}
	var env struct {
		UA, Lang, TZ, Accept string
		Width                int
		Touch                bool
		Lat                  float64
	}
	if err := json.Unmarshal([]byte(htmlUnescape(m[1])), &env); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(env.UA, "iPhone") || env.Width != 390 || !env.Touch || env.TZ != "Asia/Shanghai" ||
		!strings.HasPrefix(env.Lang, "zh") || env.Accept != "zh-CN,zh;q=0.9|ios" || env.Lat != 31.23 {
		t.Errorf("the page saw %+v", env)
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(s)
}
