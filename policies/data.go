package policies

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/platscan/platscan/internal/yamlfile"
	"github.com/platscan/platscan/rules"
)

// loadData builds the data document: the embedded default thresholds, each
// override file merged on top in order, and the catalog under
// platscan.catalog. Override files may add keys of their own outside
// platscan; inside platscan.thresholds every key must be one the defaults
// define, with a value of the same kind, so a typo cannot silently leave a
// default in force.
func loadData(cat *rules.Catalog, files []string) (map[string]any, error) {
	raw, err := builtin.ReadFile("data/thresholds.yaml")
	if err != nil {
		return nil, err
	}
	var defaults map[string]any
	if _, err := yamlfile.Decode("policies/data/thresholds.yaml", raw, &defaults); err != nil {
		return nil, err
	}
	data := defaults
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("data file: %w", err)
		}
		var over map[string]any
		doc, err := yamlfile.Decode(f, b, &over)
		if err != nil {
			return nil, err
		}
		if err := checkOverride(doc, "$", over, defaults, false); err != nil {
			return nil, err
		}
		merge(data, over)
	}
	catalog := map[string]any{}
	for _, o := range cat.All() {
		catalog[o.ID] = o
	}
	data["platscan"].(map[string]any)["catalog"] = catalog
	// One JSON round trip gives OPA plain JSON values (json.Number, not
	// the integer types the YAML decoder produces).
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return out, nil
}

// checkOverride walks over beside def. Inside "platscan" (strict) every
// key must exist in def with a value of the same kind.
func checkOverride(doc *yamlfile.Doc, path string, over, def map[string]any, strict bool) error {
	keys := make([]string, 0, len(over))
	for k := range over {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := path + "." + k
		v := over[k]
		inStrict := strict || (path == "$" && k == "platscan")
		dv, known := def[k]
		if inStrict && !known {
			return doc.Errorf(p, "unknown key (known: %s)", knownKeys(def))
		}
		if !known {
			continue
		}
		switch d := dv.(type) {
		case map[string]any:
			m, ok := v.(map[string]any)
			if !ok {
				return doc.Errorf(p, "must be a mapping")
			}
			if err := checkOverride(doc, p, m, d, inStrict); err != nil {
				return err
			}
		default:
			if inStrict && kind(v) != kind(dv) {
				return doc.Errorf(p, "must be a %s, not %v", kind(dv), v)
			}
		}
	}
	return nil
}

func knownKeys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return fmt.Sprint(ks)
}

func kind(v any) string {
	switch v.(type) {
	case int, int64, uint64, float64, json.Number:
		return "number"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case map[string]any:
		return "mapping"
	}
	return fmt.Sprintf("%T", v)
}

func merge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}
