package scan

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/policies"
)

// exportsOf writes what a platform's own logs would hold of what a scan
// saw: a ranking export of its result lists and a pricing log of the
// prices each persona was charged.
func exportsOf(t *testing.T, dir, out string) (rankingCSV, pricingCSV string) {
	t.Helper()
	recs, err := evidence.ReadRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	rankingCSV, pricingCSV = filepath.Join(out, "ranking.csv"), filepath.Join(out, "prices.csv")
	rf, _ := os.Create(rankingCSV)
	pf, _ := os.Create(pricingCSV)
	rw, pw := csv.NewWriter(rf), csv.NewWriter(pf)
	rw.Write([]string{"query", "position", "item", "seller", "brand", "first_party", "price", "rating", "reviews", "sponsored", "ad_label", "self_label"}) //nolint:errcheck
	pw.Write([]string{"segment", "product", "price", "currency", "round"})                                                                                 //nolint:errcheck
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement {
			continue
		}
		var head struct{ Type string }
		json.Unmarshal(r.Data, &head) //nolint:errcheck
		switch {
		case r.Probe == "ranking" && head.Type == "results":
			var m measure.RankedResults
			json.Unmarshal(r.Data, &m) //nolint:errcheck
			for _, row := range m.Rows {
				rw.Write([]string{row.Query, fmt.Sprint(row.Position), row.Item, row.Seller, row.Brand, fmt.Sprint(row.FirstParty), cell(row.Price), //nolint:errcheck
					cell(row.Rating), cell(row.Reviews), cell(row.Sponsored), cell(row.AdLabel), cell(row.SelfLabel)})
			}
		case r.Probe == "pricing" && head.Type == "price":
			var m measure.Price
			json.Unmarshal(r.Data, &m) //nolint:errcheck
			if m.Error == "" && m.Phase == "personalised" {
				pw.Write([]string{r.Persona, m.Product, fmt.Sprint(m.Price), m.Currency, fmt.Sprint(m.Round)}) //nolint:errcheck
			}
		}
	}
	rw.Flush()
	pw.Flush()
	rf.Close()
	pf.Close()
	return rankingCSV, pricingCSV
}

// termsExportsOf writes what a platform keeps of its own terms: each rules
// and terms document a scan read, as the text it published (one file a
// document, named for its role), and its log of rule changes (published,
// effective, title).
func termsExportsOf(t *testing.T, dir, out string) []string {
	t.Helper()
	recs, err := evidence.ReadRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	changes := [][]string{{"published", "effective", "title", "id"}}
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement || r.Probe != "terms" {
			continue
		}
		var head struct{ Type string }
		json.Unmarshal(r.Data, &head) //nolint:errcheck
		switch head.Type {
		case "document":
			var m measure.Document
			json.Unmarshal(r.Data, &m) //nolint:errcheck
			if m.TextSHA256 == "" {
				continue
			}
			b, err := evidence.ReadBlob(dir, m.TextSHA256)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(out, fmt.Sprintf("%s-%d.txt", m.Role, len(files)+1))
			os.WriteFile(name, b, 0o644) //nolint:errcheck
			files = append(files, name)
		case "rule_change":
			var m measure.RuleChange
			json.Unmarshal(r.Data, &m) //nolint:errcheck
			changes = append(changes, []string{m.Published, m.Effective, m.Title, m.ID})
		}
	}
	if len(changes) > 1 {
		name := filepath.Join(out, "changes.csv")
		f, _ := os.Create(name)
		w := csv.NewWriter(f)
		w.WriteAll(changes) //nolint:errcheck
		f.Close()
		files = append(files, name)
	}
	return files
}

// cell writes an optional value as an export cell: empty when unknown.
func cell[T any](v *T) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(*v)
}

// check on a platform's own exports finds the violations a live scan of
// the platform finds, through the same measurement code and policies.
func TestCheckMatchesScan(t *testing.T) {
	for _, v := range []fixtures.Variant{fixtures.Shopmart, fixtures.Fairmarket} {
		t.Run(v.Slug, func(t *testing.T) {
			scanned, _ := scanFixture(t, v)
			out := t.TempDir()
			rk, pr := exportsOf(t, scanned.Dir, out)
			docs := termsExportsOf(t, scanned.Dir, out)
			if len(docs) < 2 {
				t.Fatalf("the scan read %d terms documents or change logs", len(docs))
			}
			res, err := Check(context.Background(), append([]string{rk, pr}, docs...), CheckOptions{Dir: filepath.Join(t.TempDir(), "check"), Engine: testEngine(t),
				Version: "test", Platform: v.Name, Jurisdictions: []string{"cn-bj", "cn", "eu"}, TopK: 10, Now: clock(),
				Reference: "new_user", Controls: []string{"control_a", "control_b"}})
			if err != nil {
				t.Fatal(err)
			}
			rules := func(rep *policies.Report) map[string][]string {
				out := map[string][]string{}
				for _, f := range rep.Findings {
					// A log holds prices, not result lists: steering is a
					// scan's alone.
					if !strings.Contains(f.Summary, "pricier results first") && !slices.Contains(out[f.Rule], f.Persona) {
						out[f.Rule] = append(out[f.Rule], f.Persona)
					}
				}
				for _, ps := range out {
					slices.Sort(ps)
				}
				return out
			}
			want, got := rules(scanned.Report), rules(res.Report)
			// What exports can establish: price discrimination by persona,
			// self-preferencing in the rank model, unlabelled own items and
			// ads. (Sort options and buy boxes are not in these exports.)
			// And what the published terms and the change log establish:
			// the clauses and the notice periods.
			termsRules := []string{"CN-ECL-ART35-NOUNREASON", "EU-P2B-ART10-MFN", "EU-P2B-ART4-SUSPEND", "CN-CPL-ART26-STDTERMS",
				"EU-UCTD-ART3-UNFAIR", "CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"}
			for _, id := range []string{"CN-ALGO-ART21-PRICE", "CN-ECL-ART37-SELFOP"} {
				if !slices.Equal(want[id], got[id]) {
					t.Errorf("%s: scan %v, check %v", id, want[id], got[id])
				}
			}
			// A scan reads the terms as a persona; check reads the files.
			for _, id := range termsRules {
				if (len(want[id]) > 0) != (len(got[id]) > 0) {
					for _, f := range res.Report.Findings {
						if f.Rule == id {
							t.Log(f.Summary)
						}
					}
					t.Errorf("%s: scan %d personas with findings, check %d", id, len(want[id]), len(got[id]))
				}
			}
			if n := len(got["CN-ECL-ART35-NOUNREASON"]) + len(got["CN-ECL-ART34-NOTICE7"]); v.Slug == "shopmart" && n == 0 {
				t.Error("the terms documents and change log show no breach")
			}
			cov, scov := coverage(res.Report), coverage(scanned.Report)
			for _, id := range []string{"CN-ALGO-ART21-PRICE", "CN-ECL-ART37-SELFOP"} {
				if cov[id].Status != scov[id].Status {
					t.Errorf("%s: scan %s, check %s (%s)", id, scov[id].Status, cov[id].Status, cov[id].Reason)
				}
			}
			if v.Slug == "shopmart" && len(got["CN-ALGO-ART21-PRICE"]) == 0 {
				t.Error("the pricing log shows no discrimination")
			}
		})
	}
}

// A pricing log with values that cannot be right is refused with the
// place of the problem.
func TestPricingLogErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ data, want string }{
		{"segment,product,price\na,/p/1,NaN\n", "prices.csv:2: price: \"NaN\" is not a price"},
		{"segment,product,price\na,/p/1,-3\n", "prices.csv:2: price: \"-3\" is negative"},
		{"segment,product,price,round\na,/p/1,3,0\na,/p/1,4,0\n", "prices.csv:3: round: a saw /p/1 in round 0 already"},
		{"segment,product,price,time\na,/p/1,3,yesterday\n", "prices.csv:2: time: \"yesterday\" is not a time"},
		{"segment,product,price,colour\na,/p/1,3,red\n", "prices.csv:1: colour: unknown column"},
	} {
		path := filepath.Join(dir, "prices.csv")
		os.WriteFile(path, []byte(c.data), 0o644) //nolint:errcheck
		_, err := Check(context.Background(), []string{path}, CheckOptions{Dir: filepath.Join(t.TempDir(), "r"), Engine: testEngine(t), Version: "test", Platform: "P", Jurisdictions: []string{"cn"}})
		if fault.KindOf(err) != fault.KindInput || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.data, err, c.want)
		}
	}
}

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
