package yamlfile

import (
	"errors"
	"strings"
	"testing"
)

type cfg struct {
	Name  string `yaml:"name"`
	Items []struct {
		ID   string `yaml:"id"`
		Rate int    `yaml:"rate"`
	} `yaml:"items"`
}

func TestDecodeErrorsHaveLines(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"unknown field", "name: a\nitems:\n  - id: x\n    colour: red\n", "f.yaml:4:5: "},
		{"wrong type", "name: a\nitems:\n  - id: x\n    rate: fast\n", "f.yaml:4:"},
		{"duplicate key", "name: a\nname: b\n", "f.yaml:2:"},
		{"syntax", "name: [a\n", "f.yaml:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v cfg
			_, err := Decode("f.yaml", []byte(c.in), &v)
			var ye *Error
			if !errors.As(err, &ye) {
				t.Fatalf("want *Error, got %v", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q: want one line starting %q", err, c.want)
			}
		})
	}
}

func TestErrorfLocatesField(t *testing.T) {
	var v cfg
	doc, err := Decode("f.yaml", []byte("name: a\nitems:\n  - id: x\n  - id: \"\"\n"), &v)
	if err != nil {
		t.Fatal(err)
	}
	got := doc.Errorf("$.items[1].id", "must not be empty").Error()
	if got != "f.yaml:4:9: items[1].id: must not be empty" {
		t.Fatalf("got %q", got)
	}
	if got := doc.Errorf("$.missing", "required").Error(); got != "f.yaml: missing: required" {
		t.Fatalf("got %q", got)
	}
}
