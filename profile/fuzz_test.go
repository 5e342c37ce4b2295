package profile

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/platscan/platscan/internal/yamlfile"
)

// FuzzParseProfile: any bytes either make a valid profile or one error
// line that names the file (file:line:col: field: problem); never a
// panic. A valid
// profile parses again to the same limits.
func FuzzParseProfile(f *testing.F) {
	if b, err := os.ReadFile("testdata/full.yaml"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"platform: {name: P, base_url: http://p.test, jurisdictions: [cn]}\npersonas: [{id: a}]\n",
		"platform: {name: P, base_url: http://p.test, jurisdictions: [cn]}\npersonas: [{id: a}]\nlimits: {rate: 3/m, max_body: 1KiB, timeout: 2s, allow_private: true}\n",
		"platform: {name: P, base_url: 'ftp://x', jurisdictions: [mars]}\n",
		"personas: [{id: A B}, {id: a}, {id: a}]\n",
		"limits: {rate: -1/s, max_body: 9999999999999999GiB}\n",
		"redact: {patterns: ['(']}\n",
		"&a [*a]\n",
		"platform: !!binary AAAA\n",
		"{\"platform\": {\"name\": 1}}",
		"\t- - -\n:",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("f.yaml", data)
		if err != nil {
			var ye *yamlfile.Error
			if !strings.HasPrefix(err.Error(), "f.yaml") && !errors.As(err, &ye) {
				t.Fatalf("error does not name the file: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error: %q", err)
			}
			return
		}
		if p.Platform.Name == "" || len(p.Personas) == 0 || p.Limits.MaxBodyBytes <= 0 || p.Limits.TimeoutDur <= 0 {
			t.Fatalf("accepted an incomplete profile: %+v", p)
		}
		q, err := Parse("f.yaml", p.Raw)
		if err != nil || q.Limits.RatePerSecond != p.Limits.RatePerSecond || q.Limits.MaxBodyBytes != p.Limits.MaxBodyBytes {
			t.Fatalf("a valid profile does not parse again the same: %v", err)
		}
	})
}
