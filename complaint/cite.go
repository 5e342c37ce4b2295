package complaint

import (
	"encoding/json"
	"regexp"

	"github.com/platscan/platscan/evidence"
)

var recordID = regexp.MustCompile(`^[0-9a-f]{64}$`)

// cited returns the ids of the records r was made from: a measurement's
// "evidence" list, and a document's "source" (the exchange it was read
// from). Bundles follow these transitively, so a price finding carries
// the product pages its prices were read from, not only the prices.
func cited(r evidence.Record) []string {
	var d struct {
		Evidence []string `json:"evidence"`
		Source   any      `json:"source"` // also a plain word in some measurements ("quote")
	}
	if len(r.Data) == 0 || json.Unmarshal(r.Data, &d) != nil {
		return nil
	}
	out := d.Evidence
	if s, ok := d.Source.(string); ok && recordID.MatchString(s) {
		out = append(out, s)
	}
	return out
}

// closure returns the records of the run (in run order) that roots name,
// directly or through what they cite. Ids not in the run are returned as
// missing.
func closure(recs []evidence.Record, roots []string) (picked []evidence.Record, missing []string) {
	index := make(map[string]int, len(recs))
	for i, r := range recs {
		index[r.ID] = i
	}
	want := map[string]bool{}
	stack := append([]string(nil), roots...)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if want[id] {
			continue
		}
		want[id] = true
		i, ok := index[id]
		if !ok {
			missing = append(missing, id)
			continue
		}
		stack = append(stack, cited(recs[i])...)
	}
	for _, r := range recs {
		if want[r.ID] {
			picked = append(picked, r)
		}
	}
	return picked, missing
}
