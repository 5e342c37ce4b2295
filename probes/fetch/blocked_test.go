package fetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDetectBlock(t *testing.T) {
	page := func(body string) string {
		return `<!DOCTYPE html><html><head><title>t</title></head><body>` + body + `</body></html>`
	}
	long := strings.Repeat("商家应当遵守平台规则，保障消费者的合法权益。", 60)
	cases := []struct {
		name, requested, final string
		status                 int
		ct, body, want         string
	}{
		{"recaptcha widget", "/p/1", "/p/1", 200, "text/html", page(`<div class="g-recaptcha" data-sitekey="k"></div>`), BlockedCaptcha},
		{"chinese captcha text", "/p/1", "/p/1", 200, "text/html", page(`<p>请输入验证码后继续访问</p>`), BlockedCaptcha},
		{"geetest slider", "/s", "/s", 200, "", page(`<div class="geetest_slider">拖动滑块完成拼图</div>`), BlockedSlider},
		{"aliyun slider", "/s", "/s", 200, "text/html", page(`<div id="nc_1_wrapper"><span>请按住滑块，拖动到最右边</span></div>`), BlockedSlider},
		{"access denied", "/rules", "/rules", 403, "text/html", page(`<h1>403 Forbidden</h1>`), BlockedDenied},
		{"denied with 200", "/rules", "/rules", 200, "text/html", page(`<h1>访问被拒绝</h1><p>您的请求已被拦截</p>`), BlockedDenied},
		{"redirect to login", "/en/rules", "/login?next=/en/rules", 200, "text/html", page(`<form><input type="password"></form>`), BlockedLogin},
		{"401", "/api/me", "/api/me", 401, "application/json", `{"error":"login required"}`, BlockedLogin},
		{"password form in place", "/account", "/account", 200, "text/html", page(`<h1>请登录</h1><form><input name="u"><input type="password" name="p"></form>`), BlockedLogin},
		{"application shell", "/search", "/search", 200, "text/html", page(`<div id="app"></div><script src="/app.js"></script>`), BlockedShell},
		{"shell with nothing but script", "/rules", "/rules", 200, "text/html", page(`<script src="/bundle.js"></script>`), BlockedShell},

		// The platform's own pages, however they mention the same words.
		{"long rules page mentioning captcha", "/rules", "/rules", 200, "text/html", page(`<p>` + long + `用户登录时须输入短信验证码。</p>`), ""},
		{"rendered application", "/search", "/search", 200, "text/html", page(`<div id="app"><ol><li>Kettle ¥129</li></ol></div><script src="/app.js"></script>`), ""},
		{"structured data is not a script", "/p/1", "/p/1", 200, "text/html", page(`<script type="application/ld+json">{}</script><div id="root"></div><p>Kettle</p>`), ""},
		{"the login page asked for", "/login", "/login", 200, "text/html", page(`<form><input type="password"></form>`), ""},
		{"a login that lands on the account", "/login", "/account/history", 200, "text/html", page(`<ul><li>Kettle</li></ul>`), ""},
		{"not found", "/p/9", "/p/9", 404, "text/html", page(`<h1>404 page not found</h1>`), ""},
		{"json", "/api/quote", "/api/quote", 200, "application/json", `{"captcha": false, "price": 1}`, ""},
		{"no answer", "/p/1", "", 0, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := "http://shop.test"
			final := c.final
			if final != "" {
				final = base + final
			}
			if got := detectBlock(base+c.requested, final, c.status, c.ct, c.body); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// HTTP mode marks block pages too, and they are not OK.
func TestHTTPPageBlocked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/shell" {
			w.Write([]byte(`<html><body><div id="root"></div><script src="/x.js"></script></body></html>`)) //nolint:errcheck
			return
		}
		w.Write([]byte(`<html><body><p>Kettle ¥129</p></body></html>`)) //nolint:errcheck
	}))
	defer srv.Close()
	f, _, _ := setup(t, Options{})
	s, _ := f.Session("new_user", nil, nil, srv.URL)
	if p := s.Get(context.Background(), "ranking", srv.URL+"/shell"); p.Blocked != BlockedShell || p.OK() || !strings.Contains(p.Problem(), "empty shell") {
		t.Errorf("shell: blocked %q OK %v problem %q", p.Blocked, p.OK(), p.Problem())
	}
	if p := s.Get(context.Background(), "ranking", srv.URL+"/page"); p.Blocked != "" || !p.OK() {
		t.Errorf("page: blocked %q OK %v", p.Blocked, p.OK())
	}
}
