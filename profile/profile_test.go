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
