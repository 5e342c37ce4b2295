// Package canonjson encodes values as canonical JSON: object keys sorted,
// no HTML escaping, no insignificant white space, numbers kept as written.
// Evidence ids are hashes of this encoding, so it must not change between
// releases.
package canonjson

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Marshal returns the canonical JSON encoding of v. Structs are first
// encoded with encoding/json (so struct tags apply), then decoded into
// generic values and re-encoded, which sorts every object's keys.
func Marshal(v any) ([]byte, error) {
	raw, err := encode(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("canonjson: decode: %w", err)
	}
	return encode(generic)
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("canonjson: encode: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
