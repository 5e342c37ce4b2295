package table

import (
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	known, req := []string{"a", "b", "c"}, []string{"a"}
	rows, err := Read("x.csv", []byte("\ufeffA,b\n1, 2\n3,\n"), known, req)
	if err != nil || len(rows) != 2 || rows[0].Get("b") != "2" || rows[1].Get("b") != "" || rows[1].Line != 3 || rows[0].Get("c") != "" {
		t.Fatalf("%v %+v", err, rows)
	}
	rows, err = Read("x.json", []byte(`[{"a": 1.50, "b": null}, {"a": "x", "c": true}]`), known, req)
	if err != nil || rows[0].Get("a") != "1.50" || rows[0].Get("b") != "" || rows[1].Get("c") != "true" {
		t.Fatalf("%v %+v", err, rows)
	}
	if e := rows[1].Errorf("a", "bad").Error(); e != "x.json: [1].a: bad" {
		t.Errorf("json error place: %s", e)
	}
	for _, c := range []struct{ data, want string }{
		{"a,d\n1,2\n", "x.csv:1: d: unknown column"},
		{"b\n1\n", "x.csv:1: a: required column missing"},
		{"a,a\n1,2\n", "x.csv:1: a: column given twice"},
		{"a,b\n1,2\n3,4,5\n", "x.csv:3: 3 fields, but the header names 2"},
		{"a\n1\n\xff\n", "x.csv:3: not valid UTF-8"},
		{`[{"a": 1, "z": 2}]`, "x.csv: [0].z: unknown key"},
		{`[{"b": 1}]`, "x.csv: [0].a: required key missing"},
		{`[{"a": [1]}]`, "x.csv: [0].a: must be a string"},
	} {
		_, err := Read("x.csv", []byte(c.data), known, req)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.data, err, c.want)
		}
	}
	if h := Header([]byte("Query,Position\n")); len(h) != 2 || h[0] != "query" {
		t.Errorf("header %v", h)
	}
}
