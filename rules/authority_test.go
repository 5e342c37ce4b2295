package rules

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/platscan/platscan/internal/yamlfile"
)

// Every catalog entry reaches an authority, and the letters address the
// CAC (an office) as 贵办 and market regulators as 贵局.
func TestAuthoritiesCoverCatalog(t *testing.T) {
	a, err := DefaultAuthorities()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Check(c); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{
		"CN-ALGO-ART21-PRICE":       "贵办",
		"CN-PIPL-ART45-PORTABILITY": "贵办",
		"CN-ECL-ART35-NOUNREASON":   "贵局",
		"CN-AUCL25-ART13":           "贵局",
		"BJ-DEPR-ART49-NOHINDER":    "贵局",
		"EU-DMA-ART6-5-SELFPREF":    "贵委",
		"EU-P2B-ART4-SUSPEND":       "贵机构",
	} {
		o, _ := c.Lookup(id)
		au, err := a.For(o)
		if err != nil || au.Honorific.ZH != want {
			t.Errorf("%s: %+v %v, want %s", id, au, err, want)
		}
	}
	o, _ := c.Lookup("BJ-DEPR-ART49-NOHINDER")
	if au, _ := a.For(o); au.ID != "bj-amr" {
		t.Errorf("Beijing regulations go to %s", au.ID)
	}
	if _, err := a.For(Obligation{ID: "XX-NEW-ART1", Jurisdiction: "cn"}); !errors.Is(err, ErrNoAuthority) {
		t.Errorf("unrouted rule: %v", err)
	}
}

func TestBadAuthorities(t *testing.T) {
	good, err := os.ReadFile("authorities/authorities.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct{ from, to, want string }{
		"wrong honorific": {"      zh: 贵办", "      zh: 贵局", "a.yaml:29:11: authorities[1].honorific.zh: 贵局 is the honorific of another kind"},
		"unknown kind":    {"kind: office", "kind: ministry", "a.yaml:21:11: authorities[1].kind: \"ministry\" is not one of"},
		"unknown route":   {"authority: cn-cac}", "authority: cn-cyber}", "a.yaml:92:52: routes[5].authority: unknown authority"},
		"missing en":      {"      en: the Commission\n", "", "a.yaml:51:9: authorities[3].honorific: needs both en and zh"},
	} {
		t.Run(name, func(t *testing.T) {
			in := strings.Replace(string(good), c.from, c.to, 1)
			if in == string(good) {
				t.Fatalf("%q not found", c.from)
			}
			_, err := ParseAuthorities("a.yaml", []byte(in))
			var ye *yamlfile.Error
			if !errors.As(err, &ye) || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v, want prefix %q", err, c.want)
			}
		})
	}
}
