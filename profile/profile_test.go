package profile

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/platscan/platscan/internal/yamlfile"
)

func TestLoadFull(t *testing.T) {
	p, err := Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Platform.Jurisdictions[2] != "eu" {
		t.Errorf("jurisdictions not normalised: %v", p.Platform.Jurisdictions)
	}
	l := p.Limits
	if l.RatePerSecond != 0.5 || l.MaxBodyBytes != 1<<20 || l.ObeysRobots() || l.TimeoutDur != 5*time.Second || l.Redirects() != 10 {
		t.Errorf("limits: %+v", l)
	}
	if u, _ := p.Resolve("/rules"); u != "http://127.0.0.1:8480/rules" {
		t.Errorf("resolve: %s", u)
	}
	if per, ok := p.Persona("loyal_user"); !ok || per.Login.Form["username"] != "loyal" {
		t.Errorf("persona: %+v", per)
	}
}

func TestBadProfiles(t *testing.T) {
	full, _ := os.ReadFile("testdata/full.yaml")
	cases := map[string]struct{ from, to, want string }{
		"unknown field":     {"top_k: 20", "top_k: 20, topk: 3", "p.yaml:10:45: unknown field"},
		"bad base url":      {`"http://127.0.0.1:8480"`, `"127.0.0.1"`, "p.yaml:1:38: platform.base_url: "},
		"bad jurisdiction":  {"cn-bj, cn", "cn-sh, cn", "p.yaml:1:79: platform.jurisdictions[0]: \"cn-sh\" is not one of"},
		"duplicate persona": {"id: loyal_user", "id: new_user", "p.yaml:6:9: personas[1].id: duplicate persona"},
		"bad rate":          {"rate: 30/m", "rate: fast", "p.yaml:16:16: limits.rate: "},
		"bad size":          {"max_body: 1MiB", "max_body: lots", "p.yaml:16:32: limits.max_body: "},
		"wrong type":        {"rounds: 8", "rounds: many", "p.yaml:9:40: "},
		"interop without competitors": {`competitors: ["http://rival.example"]`, "interop: {link_check: \"/link?u={url}\", controls: [\"https://n.example\"]}",
			"p.yaml: competitors: interoperability checks compare competitors with controls: name at least one competitor"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			in := strings.Replace(string(full), c.from, c.to, 1)
			if in == string(full) {
				t.Fatalf("replacement %q not found", c.from)
			}
			_, err := Parse("p.yaml", []byte(in))
			var ye *yamlfile.Error
			if !errors.As(err, &ye) {
				t.Fatalf("want *yamlfile.Error, got %v", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %q, want prefix %q", err, c.want)
			}
		})
	}
}

func TestParseRateAndSize(t *testing.T) {
	if r, _ := ParseRate("off"); r != 0 {
		t.Error("off")
	}
	if r, _ := ParseRate(""); r != 2 {
		t.Error("default rate")
	}
	if _, err := ParseRate("2/d"); err == nil {
		t.Error("2/d accepted")
	}
	if n, _ := ParseSize("512KiB"); n != 512<<10 {
		t.Error("KiB")
	}
	if _, err := ParseSize("-1"); err == nil {
		t.Error("negative size accepted")
	}
}

func TestExtractAndSearch(t *testing.T) {
	base := "platform: {name: P, base_url: \"http://p.test\", jurisdictions: [cn]}\npersonas: [{id: a}]\n"
	p, err := Parse("p.yaml", []byte(base+"extract:\n  lang: de-DE\n  currency: eur\n  price: .old-price\n  results: {item: li.gl-item, price: .p-price, self_label: .self}\nranking: {search: \"/s?k={query}\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Extract.Currency != "EUR" || p.Extract.ProductPage().Price != ".old-price" || p.Extract.Results.SelfLabel != ".self" {
		t.Errorf("extract: %+v", p.Extract)
	}
	if p.SearchTemplate() != "/s?k={query}" {
		t.Errorf("search template %q", p.SearchTemplate())
	}
	old, err := Parse("p.yaml", []byte(base+"pricing: {steering: {search: \"/find?w={query}\"}}\n"))
	if err != nil || old.SearchTemplate() != "/find?w={query}" {
		t.Errorf("deprecated steering.search not read: %v %q", err, old.SearchTemplate())
	}
	none, _ := Parse("p.yaml", []byte(base))
	if none.SearchTemplate() != DefaultSearch {
		t.Errorf("default search %q", none.SearchTemplate())
	}
	for in, want := range map[string]string{
		"extract: {lang: \"not a tag!\"}\n":     "p.yaml:3:17: extract.lang: ",
		"extract: {currency: euro}\n":           "p.yaml:3:21: extract.currency: \"EURO\" is not an ISO 4217 code",
		"extract: {results: {item: \"li[\"}}\n": "p.yaml:3:27: extract.results.item: \"li[\" is not a CSS selector",
		"extract: {results: {price: .p}}\n":     "p.yaml:3:20: extract.results: item is required",
		"extract: {results: \".list\"}\n":       "p.yaml:3:",
		"ranking: {search: /s}\n":               "p.yaml:3:19: ranking.search: template \"/s\" has no {query}",
		"ranking: {search: \"/s?q={query}\"}\npricing: {steering: {search: \"/t?q={query}\"}}\n": "p.yaml:4:30: pricing.steering.search: differs from ranking.search",
	} {
		_, err := Parse("p.yaml", []byte(base+in))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
}

func TestBrowserSettings(t *testing.T) {
	p, err := Load("testdata/browser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for probe, want := range map[string]string{"pricing": RenderBrowser, "ranking": RenderBrowser, "terms": RenderHTTP, "interop": RenderHTTP} {
		if got := p.RenderOf(probe); got != want {
			t.Errorf("%s renders %s, want %s", probe, got, want)
		}
	}
	if !p.UsesBrowser() || p.Browser.TimeoutDur != 12*time.Second || *p.Browser.SettleMS != 200 {
		t.Errorf("browser: %+v", p.Browser)
	}
	desk := p.EmulationOf(p.Personas[0])
	if desk.Width != 1280 || desk.Height != 800 || *desk.Mobile || desk.Locale != "zh_CN" || desk.Geolocation.Latitude != 39.9 {
		t.Errorf("desktop persona: %+v", desk)
	}
	if ios := p.EmulationOf(p.Personas[1]); !*ios.Mobile || ios.Timezone != "Asia/Shanghai" {
		t.Errorf("iPhone persona: %+v", ios)
	}
	if sh := p.EmulationOf(p.Personas[2]); sh.Width != 1440 || sh.Geolocation.Latitude != 31.23 || sh.Locale != "zh_CN" {
		t.Errorf("persona override: %+v", sh)
	}
	if api := p.Ranking.API; api.Items != "data.items" || api.Fields["seller"] != "seller.name" {
		t.Errorf("api: %+v", api)
	}

	plain, _ := os.ReadFile("testdata/full.yaml")
	if p, _ := Parse("p.yaml", plain); p.UsesBrowser() || p.RenderOf("pricing") != RenderHTTP {
		t.Error("a profile without render uses the browser")
	}
}

func TestBadBrowserSettings(t *testing.T) {
	good, _ := os.ReadFile("testdata/browser.yaml")
	cases := map[string]struct{ from, to, want string }{
		"render":    {"render: browser", "render: chrome", `p.yaml:2:9: render: "chrome" is not http or browser`},
		"per probe": {"render: http}", "render: js}", `p.yaml:20:34: terms.render: "js" is not http or browser`},
		"viewport":  {"viewport: 1280x800", "viewport: wide", `p.yaml:6:13: browser.viewport: "wide" is not WIDTHxHEIGHT`},
		"timezone":  {"timezone: Asia/Shanghai", "timezone: Mars/Olympus", `p.yaml:8:13: browser.timezone: "Mars/Olympus" is not an IANA time zone`},
		"timeout":   {"timeout: 12s", "timeout: soon", `p.yaml:5:12: browser.timeout: "soon" is not a positive duration`},
		"latitude":  {"latitude: 31.23", "latitude: 131.23", "p.yaml:16:39: personas[2].browser.geolocation.latitude: 131.23 is not between -90 and 90"},
		"api field": {"price: price}", "cost: price}", "p.yaml:19:93: ranking.api.fields.cost: unknown field"},
		"api path":  {"path: /api/search", "path: api/search", `p.yaml:19:15: ranking.api.path: "api/search" is not a URL path`},
		"settle":    {"settle_ms: 200", "settle_ms: -1", "p.yaml:4:14: browser.settle_ms: must not be negative"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			in := strings.Replace(string(good), c.from, c.to, 1)
			if in == string(good) {
				t.Fatalf("replacement %q not found", c.from)
			}
			_, err := Parse("p.yaml", []byte(in))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v, want prefix %q", err, c.want)
			}
		})
	}
}
