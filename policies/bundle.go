package policies

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// WriteBundle writes what the engine judges with into dir: every policy
// module it compiled (tests left out) and the data document (data.json,
// thresholds and catalog under data.platscan). It returns the query Judge
// evaluates, so that the same judgement can be made by another Rego
// engine over the same input (bench/run times stock `opa eval` this way).
func (e *Engine) WriteBundle(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write bundle: %w", err)
	}
	n := 0
	for _, s := range e.sources {
		if s.test {
			continue
		}
		n++
		// Numbered, so that user files of the same name do not collide.
		name := fmt.Sprintf("%03d-%s", n, filepath.Base(s.name))
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s.text), 0o644); err != nil {
			return "", fmt.Errorf("write bundle: %w", err)
		}
	}
	b, err := json.Marshal(e.data)
	if err != nil {
		return "", fmt.Errorf("write bundle: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.json"), b, 0o644); err != nil {
		return "", fmt.Errorf("write bundle: %w", err)
	}
	return e.queryText, nil
}
