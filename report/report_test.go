package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/platscan/platscan/internal/golden"
	"github.com/platscan/platscan/policies"
)

func sample(t *testing.T) *policies.Report {
	t.Helper()
	b, err := os.ReadFile("testdata/findings.json")
	if err != nil {
		t.Fatal(err)
	}
	var rep policies.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

func TestFormats(t *testing.T) {
	for _, f := range Formats() {
		t.Run(f, func(t *testing.T) {
			w, err := Get(f)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := w.Write(&buf, sample(t)); err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, "testdata/findings."+f+".golden", buf.Bytes())
		})
	}
	if _, err := Get("pdf"); err == nil {
		t.Fatal("unknown format accepted")
	}
}

func TestJSONRoundTrips(t *testing.T) {
	var buf bytes.Buffer
	rep := sample(t)
	if err := (JSON{}).Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var back policies.Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back.Findings) != len(rep.Findings) || back.Findings[0].Citations[0].Article != rep.Findings[0].Citations[0].Article {
		t.Fatalf("round trip: %v", err)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTextReportsWriteErrors(t *testing.T) {
	if err := (Text{}).Write(failing{}, sample(t)); err == nil {
		t.Fatal("write error swallowed")
	}
}

// The effects table rounds the stored decimal half away from zero, as the
// complaint letters do: 546.155 is 546.16 in both (printf's %.2f said
// 546.15 because the float64 lies just below).
func TestTextEffectsRounding(t *testing.T) {
	var rep policies.Report
	if err := json.Unmarshal([]byte(`{"platform":"P","findings":[{"id":"x","rule":"R","title":"t","severity":"high","family":"pricing",
		"metrics":{"persona":"loyal_user","reference":"new_user","products":[
		{"product":"/p/1005","persona_median":546.155,"reference_median":520.905,"effect_pct":4.85,"ci_low":4.75,"ci_high":5.25}]}}]}`), &rep); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := (Text{}).Write(&buf, &rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"546.16", "520.91", "+4.9%", "[4.8, 5.3]"} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("report lacks %s:\n%s", want, buf.String())
		}
	}
}
