package canonjson

import (
	"encoding/json"
	"testing"
)

func TestMarshalSortsKeysAndKeepsNumbers(t *testing.T) {
	type inner struct {
		Z int    `json:"z"`
		A string `json:"a"`
	}
	got, err := Marshal(map[string]any{
		"b": inner{Z: 1, A: "<x>"},
		"a": json.RawMessage(`{"y": 12345678901234567890, "x": 1.50}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":{"x":1.50,"y":12345678901234567890},"b":{"a":"<x>","z":1}}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func FuzzMarshalIdempotent(f *testing.F) {
	for _, seed := range []string{`{}`, `[1,"a",{"b":null}]`, `{"z":{"y":[true,false]},"a":-0.0e10}`, `"\u00e9<>"`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !json.Valid([]byte(in)) {
			return
		}
		once, err := Marshal(json.RawMessage(in))
		if err != nil {
			return
		}
		twice, err := Marshal(json.RawMessage(once))
		if err != nil {
			t.Fatalf("re-marshal of %s: %v", once, err)
		}
		if string(once) != string(twice) {
			t.Fatalf("not idempotent: %s then %s", once, twice)
		}
	})
}
