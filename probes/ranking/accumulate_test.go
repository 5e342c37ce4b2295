package ranking

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"github.com/platscan/platscan/measure"
)

// computeTwoPass is Compute as it was before streaming: every row in
// memory, copied per query, and the rank model fitted in two passes. The
// accumulator must agree with it.
func computeTwoPass(rows []Row, boxes []BuyBox, topK int) Metrics {
	if topK <= 0 {
		topK = 10
	}
	m := Metrics{Base: measure.Base{Type: "ranking_metrics"}, Rows: len(rows), TopK: topK}
	byQ := map[string][]Row{}
	for _, r := range rows {
		byQ[r.Query] = append(byQ[r.Query], r)
	}
	queries := make([]string, 0, len(byQ))
	for q := range byQ {
		queries = append(queries, q)
	}
	sort.Strings(queries)
	m.Queries = len(queries)
	var top1, fpAll, n int
	var topKN int
	var varSum float64
	for _, q := range queries {
		rs := byQ[q]
		sort.Slice(rs, func(i, j int) bool { return rs[i].Position < rs[j].Position })
		N, K := len(rs), 0
		for _, r := range rs {
			if r.FirstParty {
				K++
			}
		}
		k := min(topK, N)
		inTop := 0
		for i := range k {
			if rs[i].FirstParty {
				inTop++
			}
		}
		if N > 0 && rs[0].FirstParty {
			top1++
		}
		fpAll += K
		n += N
		topKN += k
		m.FirstPartyInTopK += inTop
		m.ExpectedInTopK += float64(k) * float64(K) / float64(N)
		if N > 1 {
			p := float64(K) / float64(N)
			varSum += float64(k) * p * (1 - p) * float64(N-k) / float64(N-1)
		}
		dominated(rs, &m)
	}
	if m.Queries > 0 {
		m.FirstPartyTop1 = float64(top1) / float64(m.Queries)
	}
	if topKN > 0 {
		m.FirstPartyTopK = float64(m.FirstPartyInTopK) / float64(topKN)
	}
	if n > 0 {
		m.FirstPartyAll = float64(fpAll) / float64(n)
	}
	if varSum > 0 {
		m.TopKExcessZ = (float64(m.FirstPartyInTopK) - m.ExpectedInTopK) / math.Sqrt(varSum)
		m.TopKExcessPValue = upperNormal(m.TopKExcessZ)
	} else {
		m.TopKExcessPValue = 1
	}
	finishDominated(&m)
	rankModelTwoPass(rows, &m)
	for _, b := range boxes {
		contest(b, &m)
	}
	for _, r := range rows {
		if r.Sponsored {
			m.Sponsored++
			if !r.AdLabel {
				m.SponsoredUnlabelled++
			}
		}
		if r.FirstParty {
			m.FirstPartyItems++
			if !r.SelfLabel {
				m.FirstPartyUnlabeled++
			}
		}
	}
	return m
}

// rankModel fits a linear model of each result's rank score, the normal
// score of its position within its query (the van der Waerden score: the
// standard normal quantile of 1 - (position - 1/2) / n, so the top result
// scores highest), on log total price, rating, log(1+reviews) and the
// first-party flag, with query fixed effects (within-query demeaning). If
// the platform orders results by a latent quality index linear in those
// attributes, normal scores are close to that index, which makes the
// first-party coefficient a shift of the index in standard deviations.
// Standard errors are heteroskedasticity-robust (HC1).
func rankModelTwoPass(rows []Row, m *Metrics) {
	const p = 4 // log price, rating, log reviews, first party
	type obs struct {
		y float64
		x [p]float64
	}
	perQ := map[string]int{}
	for _, r := range rows {
		if r.Position > 0 && total(r) > 0 {
			perQ[r.Query]++
		}
	}
	byQ := map[string][]obs{}
	for _, r := range rows {
		if r.Position <= 0 || total(r) <= 0 {
			continue
		}
		fp := 0.0
		if r.FirstParty {
			fp = 1
		}
		n := float64(perQ[r.Query])
		q := 1 - (float64(r.Position)-0.5)/n
		byQ[r.Query] = append(byQ[r.Query], obs{y: normalQuantile(math.Min(math.Max(q, 1e-6), 1-1e-6)),
			x: [p]float64{math.Log(total(r)), r.Rating, math.Log1p(float64(r.Reviews)), fp}})
	}
	var data []obs
	for _, os := range byQ {
		if len(os) < 2 {
			continue
		}
		var my float64
		var mx [p]float64
		for _, o := range os {
			my += o.y
			for j := range p {
				mx[j] += o.x[j]
			}
		}
		n := float64(len(os))
		for _, o := range os {
			d := obs{y: o.y - my/n}
			for j := range p {
				d.x[j] = o.x[j] - mx[j]/n
			}
			data = append(data, d)
		}
	}
	n := len(data)
	dof := n - p - len(byQ)
	m.ModelN = n
	m.FirstPartyPValue = 1
	if dof <= 0 {
		return
	}
	var xtx [p][p]float64
	var xty [p]float64
	for _, o := range data {
		for a := range p {
			xty[a] += o.x[a] * o.y
			for b := range p {
				xtx[a][b] += o.x[a] * o.x[b]
			}
		}
	}
	inv, ok := invert(xtx)
	if !ok {
		return // e.g. no first-party items, or they never vary within a query
	}
	var beta [p]float64
	for a := range p {
		for b := range p {
			beta[a] += inv[a][b] * xty[b]
		}
	}
	var meat [p][p]float64
	for _, o := range data {
		e := o.y
		for a := range p {
			e -= beta[a] * o.x[a]
		}
		for a := range p {
			for b := range p {
				meat[a][b] += e * e * o.x[a] * o.x[b]
			}
		}
	}
	// V = inv * meat * inv, scaled by n/dof (HC1).
	var tmp, v [p][p]float64
	for a := range p {
		for b := range p {
			for c := range p {
				tmp[a][b] += inv[a][c] * meat[c][b]
			}
		}
	}
	for a := range p {
		for b := range p {
			for c := range p {
				v[a][b] += tmp[a][c] * inv[c][b]
			}
		}
	}
	se := math.Sqrt(v[3][3] * float64(n) / float64(dof))
	m.FirstPartyCoef, m.FirstPartyCoefSE = beta[3], se
	m.FirstPartyCILow, m.FirstPartyCIHigh = beta[3]-1.96*se, beta[3]+1.96*se
	if se > 0 {
		m.FirstPartyPValue = 2 * upperNormal(math.Abs(beta[3]/se))
	}
}

// randomRows builds an export of nq queries with varied sizes,
// sponsored and unlabelled items, and a first-party boost.
func randomRows(seed uint64, nq int) []Row {
	r := rand.New(rand.NewPCG(seed, 7))
	var rows []Row
	for q := range nq {
		n := 1 + r.IntN(30)
		for p := 1; p <= n; p++ {
			pos := p // no ties: the two-pass code ordered them arbitrarily
			rows = append(rows, Row{Query: fmt.Sprintf("q%03d", q), Position: pos, Item: fmt.Sprint("i", p), FirstParty: r.IntN(4) == 0,
				Price: 5 + r.Float64()*100, Shipping: float64(r.IntN(3)), Rating: 3 + 2*r.Float64(), Reviews: r.IntN(5000),
				Sponsored: r.IntN(10) == 0, AdLabel: r.IntN(3) > 0, SelfLabel: r.IntN(3) > 0})
		}
	}
	r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	return rows
}

// The streaming accumulator computes what the in-memory two-pass
// computation computed: counts exactly, the statistics to rounding.
func TestAccumulatorAgreesWithTwoPass(t *testing.T) {
	for seed := range uint64(5) {
		rows := randomRows(seed, 120)
		want := computeTwoPass(append([]Row(nil), rows...), nil, 10)
		got := Compute(rows, nil, 10)
		wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
		for i := range wv.NumField() {
			name := wv.Type().Field(i).Name
			w, g := wv.Field(i).Interface(), gv.Field(i).Interface()
			switch w := w.(type) {
			case float64:
				g := g.(float64)
				if math.Abs(w-g) > 1e-9*math.Max(1, math.Abs(w)) {
					t.Errorf("seed %d: %s = %v, two-pass %v", seed, name, g, w)
				}
			case measure.Base:
			default:
				if !reflect.DeepEqual(w, g) {
					t.Errorf("seed %d: %s = %v, two-pass %v", seed, name, g, w)
				}
			}
		}
		if got.ModelN == 0 || got.FirstPartyCoefSE == 0 {
			t.Fatalf("seed %d: the model was not fitted: %+v", seed, got)
		}
	}
}

// Streaming needs rows grouped by query; a query that comes back is
// refused, and Compute (which groups in memory) still reads it.
func TestAccumulatorNeedsGroups(t *testing.T) {
	a := NewAccumulator(10)
	for _, q := range []string{"a", "a", "b"} {
		if err := a.Add(Row{Query: q, Position: 1, Item: "i", Price: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Add(Row{Query: "a", Position: 2, Item: "j", Price: 1}); err != ErrNotGrouped {
		t.Fatalf("err %v, want ErrNotGrouped", err)
	}
	rows := []Row{{Query: "a", Position: 1, Item: "i", Price: 1}, {Query: "b", Position: 1, Item: "i", Price: 1}, {Query: "a", Position: 2, Item: "j", Price: 1}}
	if m := Compute(rows, nil, 10); m.Queries != 2 || m.Rows != 3 {
		t.Fatalf("%+v", m)
	}
}
