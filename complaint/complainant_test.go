package complaint

import (
	"errors"
	"strings"
	"testing"

	"github.com/platscan/platscan/internal/yamlfile"
)

func TestParseComplainant(t *testing.T) {
	c, err := LoadComplainant("../docs/examples/complainant-consumer.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "王芳" || c.Role != "consumer" || len(c.Request) != 3 {
		t.Errorf("%+v", c)
	}
	for name, tc := range map[string]struct{ in, want string }{
		"no name":       {"contact: x\nrole: merchant\n", "w.yaml: name: is required"},
		"no contact":    {"name: A\nrole: merchant\n", "w.yaml: contact: is required"},
		"bad role":      {"name: A\ncontact: x\nrole: seller\n", `w.yaml:3:7: role: "seller" is not merchant or consumer`},
		"empty request": {"name: A\ncontact: x\nrole: consumer\nrequest: [ok, \" \"]\n", "w.yaml:4:15: request[1]: is empty"},
		"unknown field": {"name: A\ncontact: x\nrole: consumer\nphone: 1\n", "w.yaml:4:1: unknown field"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseComplainant("w.yaml", []byte(tc.in))
			var ye *yamlfile.Error
			if !errors.As(err, &ye) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got %v, want prefix %q", err, tc.want)
			}
		})
	}
}
