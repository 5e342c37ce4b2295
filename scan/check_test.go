package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/measure"
)

// An export grouped by query is streamed; the same rows shuffled are read
// whole; both give the same metrics, and the stored file is the file.
func TestCheckGroupedAndShuffledAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var lines []string
	for q := range 30 {
		for p := 1; p <= 12; p++ {
			lines = append(lines, fmt.Sprintf("q%02d,%d,i%d,%t,%.2f,%.1f,%d", q, p, p, p%4 == 1, 10+r.Float64()*90, 3+2*r.Float64(), r.IntN(900)))
		}
	}
	head := "query,position,item,first_party,price,rating,reviews\n"
	dir := t.TempDir()
	grouped := filepath.Join(dir, "grouped.csv")
	os.WriteFile(grouped, []byte(head+strings.Join(lines, "\n")+"\n"), 0o644)
	r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	shuffled := filepath.Join(dir, "shuffled.csv")
	os.WriteFile(shuffled, []byte(head+strings.Join(lines, "\n")+"\n"), 0o644)

	metrics := func(in string) measure.RankingMetrics {
		out := filepath.Join(t.TempDir(), "run")
		if _, err := Check(context.Background(), []string{in}, CheckOptions{Dir: out, Engine: testEngine(t), Version: "test", Platform: "P", Jurisdictions: []string{"cn"}}); err != nil {
			t.Fatal(err)
		}
		recs, err := evidence.ReadRecords(out)
		if err != nil {
			t.Fatal(err)
		}
		var m measure.RankingMetrics
		for _, rec := range recs {
			switch rec.Kind {
			case evidence.KindMeasurement:
				json.Unmarshal(rec.Data, &m)
			case evidence.KindImport:
				b, err := evidence.ReadBlob(out, rec.BodySHA256)
				want, _ := os.ReadFile(in)
				if err != nil || string(b) != string(want) {
					t.Fatalf("stored import is not the file: %v", err)
				}
			}
		}
		return m
	}
	a, b := metrics(grouped), metrics(shuffled)
	if a.Rows != 360 || a.Queries != 30 || a.ModelN == 0 {
		t.Fatalf("grouped: %+v", a)
	}
	a.Evidence, b.Evidence = nil, nil
	if fmt.Sprintf("%.9v", a) != fmt.Sprintf("%.9v", b) {
		t.Errorf("grouped and shuffled exports differ:\n%+v\n%+v", a, b)
	}
}
