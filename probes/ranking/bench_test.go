package ranking

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
)

// BenchmarkImportAndCompute1M parses a 1,000,000-row ranking export (10,000
// queries of 100 results, CSV) and computes every metric. It reports the
// process's peak resident memory.
func BenchmarkImportAndCompute1M(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	var buf bytes.Buffer
	buf.WriteString("query,position,item,seller,first_party,price,rating,reviews,sponsored,ad_label,self_label\n")
	for q := range 10000 {
		for p := 1; p <= 100; p++ {
			fmt.Fprintf(&buf, "q%05d,%d,i%05d-%03d,s%d,%t,%.2f,%.1f,%d,%t,true,true\n", q, p, q, p, p%17, p%5 == 0,
				20+r.Float64()*200, 3+2*r.Float64(), r.IntN(5000), p == 2)
		}
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rows, err := Import("bench.csv", data)
		if err != nil || len(rows) != 1000000 {
			b.Fatal(err, len(rows))
		}
		m := Compute(rows, nil, 10)
		if m.Queries != 10000 {
			b.Fatal(m.Queries)
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
}
