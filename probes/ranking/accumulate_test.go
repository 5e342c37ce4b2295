package ranking

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
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
	use := chooseCovariatesTwoPass(rows)
	m.ModelCovariates = []string{}
	for j, c := range covariates {
		if use[j] {
			m.ModelCovariates = append(m.ModelCovariates, c)
		}
	}
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
		if len(m.ModelCovariates) > 0 {
			dominatedTwoPass(rs, &m, use)
		}
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
	rankModelTwoPass(rows, use, &m)
	for _, b := range boxes {
		contest(b, &m)
	}
	labelsTwoPass(rows, &m)
	gapsTwoPass(rows, boxes, &m)
	return m
}

// labels counts paid and first-party results and their labels, among
// those whose status and labels are known.
func labelsTwoPass(rows []Row, m *Metrics) {
	for _, r := range rows {
		if r.Sponsored != nil {
			m.SponsoredKnown++
			if *r.Sponsored {
				m.Sponsored++
				if r.AdLabel != nil && !*r.AdLabel {
					m.SponsoredUnlabelled++
				}
			}
		}
		if r.FirstParty {
			m.FirstPartyItems++
			if r.SelfLabel != nil {
				m.FirstPartyLabelsRead++
				if !*r.SelfLabel {
					m.FirstPartyUnlabeled++
				}
			}
		}
	}
}

// gaps says which metrics the rows could not support.
func gapsTwoPass(rows []Row, boxes []BuyBox, m *Metrics) {
	add := func(metric, format string, args ...any) {
		m.Gaps = append(m.Gaps, measure.MetricGap{Metric: metric, Reason: fmt.Sprintf(format, args...)})
	}
	if len(rows) == 0 {
		add("rank_model", "no results were read")
		return
	}
	if len(m.ModelCovariates) == 0 {
		add("rank_model", "neither price, rating nor reviews is stated for at least half of the %d results, so ranking beyond merit cannot be told from ranking on merit", len(rows))
		add("dominated_pairs", "no attribute to compare results on (price, rating or reviews)")
	} else if missing := absent(m.ModelCovariates); len(missing) > 0 {
		add("rank_model", "%s not stated for at least half of the results: the model compares results on %s only", strings.Join(missing, " and "), strings.Join(m.ModelCovariates, ", "))
	}
	if len(boxes) == 0 {
		add("buybox", "no product page offering one item from several sellers was read")
	}
	unread := 0
	for _, r := range rows {
		if r.Sponsored != nil && *r.Sponsored && r.AdLabel == nil {
			unread++
		}
	}
	switch {
	case m.SponsoredKnown == 0:
		add("ad_labels", "whether results are paid slots is not known for any of the %d results (no card of a result was found on the page, or the export has no sponsored column)", len(rows))
	case unread > 0:
		add("ad_labels", "the ad labels of %d of %d paid results were not read", unread, m.Sponsored)
	}
	if m.FirstPartyItems > m.FirstPartyLabelsRead {
		add("self_labels", "the self-operated labels of %d of %d first-party results were not read", m.FirstPartyItems-m.FirstPartyLabelsRead, m.FirstPartyItems)
	}
}

// chooseCovariates picks the attributes stated for at least half the
// results: comparing on an attribute few results state would leave most
// of them out.
func chooseCovariatesTwoPass(rows []Row) []bool {
	var n [3]int
	for _, r := range rows {
		_, ok := attrs(r)
		for j := range n {
			if ok[j] {
				n[j]++
			}
		}
	}
	use := make([]bool, 3)
	for j := range n {
		use[j] = len(rows) > 0 && 2*n[j] >= len(rows)
	}
	return use
}

// dominates reports whether a is at least as good as b on every used
// attribute (higher rating and reviews, lower total price) and strictly
// better on one; false when either lacks a used attribute.
func dominatesTwoPass(a, b Row, use []bool) bool {
	xa, oka := attrs(a)
	xb, okb := attrs(b)
	better, worse := false, false
	for j, u := range use {
		if !u {
			continue
		}
		if !oka[j] || !okb[j] {
			return false
		}
		d := xa[j] - xb[j]
		if j == 0 {
			d = -d // cheaper is better
		}
		better = better || d > 0
		worse = worse || d < 0
	}
	return better && !worse
}

// dominated counts, within one query's list sorted by position, the pairs
// where one side dominates the other and which one was ranked higher.
func dominatedTwoPass(rs []Row, m *Metrics, use []bool) {
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			a, b := rs[i], rs[j] // a is ranked above b
			if a.FirstParty == b.FirstParty {
				continue
			}
			fp, tp := a, b
			if b.FirstParty {
				fp, tp = b, a
			}
			switch {
			case dominatesTwoPass(tp, fp, use):
				m.DominatedFP++
				if a.FirstParty {
					m.DominatedFPAbove++
				}
			case dominatesTwoPass(fp, tp, use):
				m.DominatedTP++
				if !a.FirstParty {
					m.DominatedTPAbove++
				}
			}
		}
	}
}

// rankModel fits a linear model of each result's rank score, the normal
// score of its position within its query (the van der Waerden score: the
// standard normal quantile of 1 - (position - 1/2) / n, so the top result
// scores highest), on the attributes in use (log total price, rating,
// log(1+reviews): those most results state) and the first-party flag,
// with query fixed effects (within-query demeaning). Results lacking an
// attribute in use are left out. If the platform orders results by a
// latent quality index linear in those attributes, normal scores are
// close to that index, which makes the first-party coefficient a shift of
// the index in standard deviations. Standard errors are
// heteroskedasticity-robust (HC1). Nothing is fitted without at least
// one attribute: ranking beyond merit needs a measure of merit.
func rankModelTwoPass(rows []Row, use []bool, m *Metrics) {
	m.FirstPartyPValue = 1
	var cols []int
	for j, u := range use {
		if u {
			cols = append(cols, j)
		}
	}
	if len(cols) == 0 {
		return
	}
	p := len(cols) + 1 // the attributes, then the first-party flag
	type obs struct {
		y float64
		x []float64
	}
	complete := func(r Row) ([]float64, bool) {
		if r.Position <= 0 {
			return nil, false
		}
		a, ok := attrs(r)
		x := make([]float64, 0, p)
		for _, j := range cols {
			if !ok[j] {
				return nil, false
			}
			x = append(x, a[j])
		}
		fp := 0.0
		if r.FirstParty {
			fp = 1
		}
		return append(x, fp), true
	}
	perQ := map[string]int{}
	for _, r := range rows {
		if _, ok := complete(r); ok {
			perQ[r.Query]++
		} else {
			m.ModelDropped++
		}
	}
	byQ := map[string][]obs{}
	for _, r := range rows {
		x, ok := complete(r)
		if !ok {
			continue
		}
		n := float64(perQ[r.Query])
		q := 1 - (float64(r.Position)-0.5)/n
		byQ[r.Query] = append(byQ[r.Query], obs{y: normalQuantile(math.Min(math.Max(q, 1e-6), 1-1e-6)), x: x})
	}
	var data []obs
	for _, os := range byQ {
		if len(os) < 2 {
			continue
		}
		var my float64
		mx := make([]float64, p)
		for _, o := range os {
			my += o.y
			for j := range p {
				mx[j] += o.x[j]
			}
		}
		n := float64(len(os))
		for _, o := range os {
			d := obs{y: o.y - my/n, x: make([]float64, p)}
			for j := range p {
				d.x[j] = o.x[j] - mx[j]/n
			}
			data = append(data, d)
		}
	}
	n := len(data)
	dof := n - p - len(byQ)
	m.ModelN = n
	if dof <= 0 {
		return
	}
	xtx := square(p)
	xty := make([]float64, p)
	for _, o := range data {
		for a := range p {
			xty[a] += o.x[a] * o.y
			for b := range p {
				xtx[a][b] += o.x[a] * o.x[b]
			}
		}
	}
	inv, ok := invertSlices(xtx)
	if !ok {
		return // e.g. no first-party items, or they never vary within a query
	}
	beta := make([]float64, p)
	for a := range p {
		for b := range p {
			beta[a] += inv[a][b] * xty[b]
		}
	}
	meat := square(p)
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
	v := mul(mul(inv, meat), inv)
	k := p - 1
	se := math.Sqrt(v[k][k] * float64(n) / float64(dof))
	m.FirstPartyCoef, m.FirstPartyCoefSE = beta[k], se
	m.FirstPartyCILow, m.FirstPartyCIHigh = beta[k]-1.96*se, beta[k]+1.96*se
	if se > 0 {
		m.FirstPartyPValue = 2 * upperNormal(math.Abs(beta[k]/se))
	}
}

func square(n int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, n)
	}
	return out
}

func mul(a, b [][]float64) [][]float64 {
	n := len(a)
	out := square(n)
	for i := range n {
		for j := range n {
			for k := range n {
				out[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return out
}

// invert inverts a small square matrix by Gauss-Jordan elimination with
// partial pivoting; ok is false when it is singular. a is not changed.
func invertSlices(in [][]float64) ([][]float64, bool) {
	n := len(in)
	a := square(n)
	for i := range n {
		copy(a[i], in[i])
	}
	inv := square(n)
	for i := range n {
		inv[i][i] = 1
	}
	for c := range n {
		piv := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		if math.Abs(a[piv][c]) < 1e-12 {
			return inv, false
		}
		a[c], a[piv] = a[piv], a[c]
		inv[c], inv[piv] = inv[piv], inv[c]
		d := a[c][c]
		for j := range n {
			a[c][j] /= d
			inv[c][j] /= d
		}
		for r := range n {
			if r == c {
				continue
			}
			f := a[r][c]
			for j := range n {
				a[r][j] -= f * a[c][j]
				inv[r][j] -= f * inv[c][j]
			}
		}
	}
	return inv, true
}

// randomRows builds an export of nq queries with varied sizes,
// sponsored and unlabelled items, a first-party boost, and attributes and
// labels left unstated at rates that vary with the seed, so that the
// model compares results on different sets of covariates.
func randomRows(seed uint64, nq int) []Row {
	r := rand.New(rand.NewPCG(seed, 7))
	var missing [3]float64 // price, rating, reviews
	for j := range missing {
		missing[j] = []float64{0, 0.1, 0.3, 0.6, 0.9}[r.IntN(5)]
	}
	maybe := func(j int) bool { return r.Float64() >= missing[j] }
	flag := func(p float64) *bool {
		if r.IntN(5) == 0 {
			return nil
		}
		return ptr(r.Float64() < p)
	}
	var rows []Row
	for q := range nq {
		n := 1 + r.IntN(30)
		for p := 1; p <= n; p++ {
			pos := p // no ties: the two-pass code ordered them arbitrarily
			row := Row{Query: fmt.Sprintf("q%03d", q), Position: pos, Item: fmt.Sprint("i", p), FirstParty: r.IntN(4) == 0,
				Sponsored: flag(0.1), AdLabel: flag(0.66), SelfLabel: flag(0.66)}
			if maybe(0) {
				row.Price = ptr(5 + r.Float64()*100)
				if r.IntN(2) == 0 {
					row.Shipping = ptr(float64(r.IntN(3)))
				}
			}
			if maybe(1) {
				row.Rating = ptr(3 + 2*r.Float64())
			}
			if maybe(2) {
				row.Reviews = ptr(r.IntN(5000))
			}
			rows = append(rows, row)
		}
	}
	r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	return rows
}

// The streaming accumulator computes what the in-memory two-pass
// computation computed: counts exactly, the statistics to rounding.
func TestAccumulatorAgreesWithTwoPass(t *testing.T) {
	sets := map[string]bool{}
	for seed := range uint64(24) {
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
		sets[fmt.Sprint(got.ModelCovariates)] = true
		if len(got.ModelCovariates) > 0 && (got.ModelN == 0 || got.FirstPartyCoefSE == 0) {
			t.Fatalf("seed %d: the model was not fitted: %+v", seed, got)
		}
	}
	if len(sets) < 5 {
		t.Errorf("the seeds compared results on only %d sets of covariates: %v", len(sets), sets)
	}
}

// Streaming needs rows grouped by query; a query that comes back is
// refused, and Compute (which groups in memory) still reads it.
func TestAccumulatorNeedsGroups(t *testing.T) {
	a := NewAccumulator(10)
	for _, q := range []string{"a", "a", "b"} {
		if err := a.Add(Row{Query: q, Position: 1, Item: "i", Price: ptr(1.0)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Add(Row{Query: "a", Position: 2, Item: "j", Price: ptr(1.0)}); err != ErrNotGrouped {
		t.Fatalf("err %v, want ErrNotGrouped", err)
	}
	rows := []Row{{Query: "a", Position: 1, Item: "i", Price: ptr(1.0)}, {Query: "b", Position: 1, Item: "i", Price: ptr(1.0)}, {Query: "a", Position: 2, Item: "j", Price: ptr(1.0)}}
	if m := Compute(rows, nil, 10); m.Queries != 2 || m.Rows != 3 {
		t.Fatalf("%+v", m)
	}
}
