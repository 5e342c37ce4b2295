// Package report renders a findings report. Each format is a Writer; Get
// picks one by name. Renderers write only to the io.Writer they are given.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/platscan/platscan/policies"
)

// Writer renders a report.
type Writer interface {
	Write(w io.Writer, rep *policies.Report) error
}

// Format names.
const (
	FormatText = "text"
	FormatJSON = "json"
)

var writers = map[string]Writer{
	FormatText: Text{},
	FormatJSON: JSON{},
}

// Get returns the writer for format.
func Get(format string) (Writer, error) {
	w, ok := writers[format]
	if !ok {
		return nil, fmt.Errorf("unknown report format %q (known: %v)", format, Formats())
	}
	return w, nil
}

// Formats lists the format names, sorted.
func Formats() []string {
	out := make([]string, 0, len(writers))
	for k := range writers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// JSON writes findings.json exactly as a scan stores it.
type JSON struct{}

// Write implements Writer.
func (JSON) Write(w io.Writer, rep *policies.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
