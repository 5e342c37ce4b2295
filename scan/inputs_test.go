package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/internal/golden"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/profile"
)

// recordedInput scans v with a smaller profile (10 products, 6 rounds:
// still enough for the pricing tests to be powered) and returns the
// policy input the scan judged, with the base URL and record ids made
// stable so it can be kept under policies/testdata/inputs.
func recordedInput(t *testing.T, v fixtures.Variant) []byte {
	t.Helper()
	srv := httptest.NewServer(fixtures.Handler(v))
	defer srv.Close()
	raw, err := fixtures.Profile(v, map[string]string{v.Slug: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Parse(v.Slug+".yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	prof.Limits.RatePerSecond = 0
	prof.Pricing.Products, prof.Pricing.Rounds = prof.Pricing.Products[:10], 6
	prof.Ranking.Queries = prof.Ranking.Queries[:4]
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := Run(context.Background(), prof, Options{Dir: dir, Engine: testEngine(t), Version: "test", Now: clock()}); err != nil {
		t.Fatal(err)
	}
	r, err := openRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	doc, _, err := BuildInput(profileHeader(r.prof, r.started, "test", true), evidence.Records(dir))
	if err != nil {
		t.Fatal(err)
	}
	// Through measure.Input, so the kept file keeps its field order.
	var js bytes.Buffer
	if err := doc.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var in measure.Input
	dec := json.NewDecoder(&js)
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.ReplaceAll(b, []byte(srv.URL), []byte("http://platform.test"))
	// Record ids hash content that holds the port; number them instead.
	ids := map[string]string{}
	b = regexp.MustCompile(`\b[0-9a-f]{64}\b`).ReplaceAllFunc(b, func(id []byte) []byte {
		n, ok := ids[string(id)]
		if !ok {
			n = "r" + strconv.Itoa(len(ids)+1)
			ids[string(id)] = n
		}
		return []byte(n)
	})
	return append(b, '\n')
}

// TestRecordedInputs keeps, for the policies' own tests, the inputs the
// fixture scans produce (-update rewrites them), and checks that the kept
// ones still judge as the current scans do, so a probe change cannot leave
// the policies tested against shapes the probes no longer write.
func TestRecordedInputs(t *testing.T) {
	e := testEngine(t)
	for _, v := range []fixtures.Variant{fixtures.Shopmart, fixtures.Fairmarket, fixtures.Baremart} {
		t.Run(v.Slug, func(t *testing.T) {
			fresh := recordedInput(t, v)
			path := filepath.Join("..", "policies", "testdata", "inputs", v.Slug+".json")
			if golden.Updating() {
				golden.Compare(t, path, fresh)
				return
			}
			kept, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./scan -run TestRecordedInputs -update)", err)
			}
			a, b := judgeJSON(t, e, kept), judgeJSON(t, e, fresh)
			if a != b {
				t.Errorf("the kept input of %s judges differently from a fresh scan (run go test ./scan -run TestRecordedInputs -update):\nkept:\n%s\nfresh:\n%s", v.Slug, a, b)
			}
		})
	}
}

// judgeJSON evaluates an input document and summarises the verdict.
func judgeJSON(t *testing.T, e *policies.Engine, b []byte) string {
	t.Helper()
	var in measure.Input
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	rep, err := e.Evaluate(context.Background(), &in)
	if err != nil {
		t.Fatal(err)
	}
	var s bytes.Buffer
	for _, c := range rep.Coverage {
		s.WriteString(c.Rule + " " + c.Status + "\n")
	}
	for _, f := range rep.Findings {
		s.WriteString(f.Severity + " " + f.Rule + "\n")
	}
	return s.String()
}
