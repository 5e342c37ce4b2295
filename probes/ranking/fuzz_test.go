package ranking

import (
	"bytes"
	"errors"
	"math"
	"os"
	"reflect"
	"testing"
)

// FuzzImport: any bytes either import as rows that are valid (a query, an
// item, a position from 1, finite non-negative numbers, a rating on the
// scale), the same when streamed, or fail with an
// ImportError naming the file; never a panic.
func FuzzImport(f *testing.F) {
	for _, p := range []string{"../../cmd/platscan/testdata/ranking-boosted.csv", "../../cmd/platscan/testdata/ranking-merit.csv"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"query,position,item,first_party,price\nkettle,1,a,true,10\nkettle,2,b,false,9.5\n",
		"\ufeffQuery , Position,item,first_party,price,rating,reviews,sponsored,ad_label\nq,1,i,yes,1,4.5,1e3,n,y\n",
		`[{"query":"q","position":1,"item":"i","first_party":true,"price":2},{"query":"q","position":"2","item":"j","first_party":"0","price":"3"}]`,
		"query,position,item,first_party,price\nq,0,i,true,1\n",
		"query,position,item,first_party,price\nq,1,i,maybe,NaN\n",
		"query,position,item,first_party,price\n\"q,1,i,true,1\n",
		`[{"query":"q","bogus":1}]`,
		"[",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := Import("f.csv", data)
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || ie.File != "f.csv" {
				t.Fatalf("error %v is not an ImportError naming the file", err)
			}
			return
		}
		bad := func(v *float64) bool { return v != nil && (*v < 0 || math.IsNaN(*v) || math.IsInf(*v, 0)) }
		for _, r := range rows {
			if r.Query == "" || r.Item == "" || r.Position < 1 || bad(r.Price) || bad(r.Shipping) || bad(r.Rating) || r.Rating != nil && *r.Rating > RatingScale {
				t.Fatalf("invalid row accepted: %+v", r)
			}
		}
		// Streamed, the same export gives the same rows.
		var streamed []Row
		if err := Each("f.csv", bytes.NewReader(data), func(r Row) error { streamed = append(streamed, r); return nil }); err != nil || !reflect.DeepEqual(streamed, rows) {
			t.Fatalf("Each: %v, %d rows; Import: %d rows", err, len(streamed), len(rows))
		}
		if len(rows) > 0 {
			m := Compute(rows, nil, 10)
			if m.Rows != len(rows) || math.IsNaN(m.FirstPartyPValue) {
				t.Fatalf("metrics of %d rows: %+v", len(rows), m)
			}
		}
	})
}
