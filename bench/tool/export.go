package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

// export writes a ranking export of -rows rows (queries of 100 results,
// grouped by query as platforms write them) for `platscan check`.
func export(args []string) error {
	fs := flag.NewFlagSet("export", flag.ExitOnError)
	rows := fs.Int("rows", 1000000, "rows")
	out := fs.String("out", "", "CSV `FILE` to write")
	fs.Parse(args)
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	fmt.Fprintln(w, "query,position,item,seller,first_party,price,rating,reviews,sponsored,ad_label,self_label")
	for i := range *rows {
		q, p := i/100, i%100+1
		fmt.Fprintf(w, "q%06d,%d,i%06d-%03d,s%d,%t,%.2f,%.1f,%d,%t,true,true\n", q, p, q, p, p%17, p%5 == 0,
			20+r.Float64()*200, 3+2*r.Float64(), r.IntN(5000), p == 2)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
