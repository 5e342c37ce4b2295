package profile

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/platscan/platscan/internal/yamlfile"
)

// withDesignations replaces the first line of the full profile's platform
// with one that carries the given designations list.
func withDesignations(t *testing.T, list string) string {
	t.Helper()
	full, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(full), "\n", 2)
	platform := strings.TrimSuffix(lines[0], "}") + ", designations: " + list + "}"
	return platform + "\n" + lines[1]
}

func TestDesignationForms(t *testing.T) {
	in := withDesignations(t, `[gatekeeper, {kind: gatekeeper, service: "Shop Marketplace", date: 2023-09-06}, {kind: vlop, date: 2023-04-25}]`)
	p, err := Parse("p.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	ds := p.Platform.Designations
	if len(ds) != 3 || ds[0] != (Designation{Kind: "gatekeeper"}) || ds[1].Service != "Shop Marketplace" || ds[1].Date != "2023-09-06" || ds[2].Kind != "vlop" {
		t.Fatalf("designations: %+v", ds)
	}
	if got := p.Platform.Kinds(); !slices.Equal(got, []string{"gatekeeper", "vlop"}) {
		t.Errorf("kinds %v", got)
	}
}

func TestBadDesignations(t *testing.T) {
	for name, c := range map[string]struct{ list, want string }{
		"unknown kind": {"[giant]", `platform.designations[0]: "giant" is not gatekeeper or vlop`},
		"bad date":     {"[{kind: gatekeeper, date: 2023-02-30}]", `platform.designations[0].date: "2023-02-30" is not a YYYY-MM-DD date`},
		"unknown key":  {"[{kind: gatekeeper, on: 2023-09-06}]", `platform.designations[0].on: unknown key "on"`},
		"not text":     {"[{kind: gatekeeper, date: [1]}]", "platform.designations[0].date: must be text"},
		"not a kind":   {"[[gatekeeper]]", "platform.designations[0]: is neither a designation kind nor a mapping"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(withDesignations(t, c.list)))
			var ye *yamlfile.Error
			if !errors.As(err, &ye) || ye.Line != 1 || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line at line 1 with %q", err, c.want)
			}
		})
	}
}
