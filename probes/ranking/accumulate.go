package ranking

import (
	"errors"
	"math"
	"sort"

	"github.com/platscan/platscan/measure"
)

// ErrNotGrouped means an export's rows of one query are not all together:
// the query came back after another began. Such an export cannot be read
// one query at a time; read it whole with Compute.
var ErrNotGrouped = errors.New("the export's rows are not grouped by query")

// modelP is the number of regressors of the rank model: log total price,
// rating, log(1+reviews), first party.
const modelP = 4

// Accumulator computes the ranking metrics of rows fed one query at a
// time, as exports are written: it holds one query's rows, never the
// export, so memory does not grow with the number of rows. Every metric
// is a sum over queries (the rank model's fit and its robust errors via
// the moments of the within-query demeaned data), so the result equals
// Compute's.
type Accumulator struct {
	topK int
	m    Metrics

	cur  string
	buf  []Row
	seen map[string]bool

	top1, fpAll, n, topKN int
	varSum                float64

	// Rank model sums over demeaned observations (see rankModel).
	obs, groups int
	xtx         [modelP][modelP]float64
	xty         [modelP]float64
	yyxx        [modelP][modelP]float64                 // sum of y² x_a x_b
	yxxx        [modelP][modelP][modelP]float64         // sum of y x_c x_a x_b
	xxxx        [modelP][modelP][modelP][modelP]float64 // sum of x_c x_d x_a x_b
}

// NewAccumulator returns an accumulator; topK bounds "the top" (default 10).
func NewAccumulator(topK int) *Accumulator {
	if topK <= 0 {
		topK = 10
	}
	return &Accumulator{topK: topK, seen: map[string]bool{}, m: Metrics{Base: measure.Base{Type: "ranking_metrics"}, TopK: topK}}
}

// Add feeds one row. Rows of a query must come together (ErrNotGrouped
// otherwise); within a query they may come in any order.
func (a *Accumulator) Add(r Row) error {
	if r.Query != a.cur || len(a.buf) == 0 {
		if len(a.buf) > 0 {
			a.flush()
		}
		if a.seen[r.Query] {
			return ErrNotGrouped
		}
		a.seen[r.Query] = true
		a.cur = r.Query
	}
	a.buf = append(a.buf, r)
	a.m.Rows++
	if r.Sponsored {
		a.m.Sponsored++
		if !r.AdLabel {
			a.m.SponsoredUnlabelled++
		}
	}
	if r.FirstParty {
		a.m.FirstPartyItems++
		if !r.SelfLabel {
			a.m.FirstPartyUnlabeled++
		}
	}
	return nil
}

// flush adds the buffered query to the sums and empties the buffer.
func (a *Accumulator) flush() {
	rs := a.buf
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Position < rs[j].Position })
	a.m.Queries++
	N, K := len(rs), 0
	for _, r := range rs {
		if r.FirstParty {
			K++
		}
	}
	k := min(a.topK, N)
	inTop := 0
	for i := range k {
		if rs[i].FirstParty {
			inTop++
		}
	}
	if N > 0 && rs[0].FirstParty {
		a.top1++
	}
	a.fpAll += K
	a.n += N
	a.topKN += k
	a.m.FirstPartyInTopK += inTop
	a.m.ExpectedInTopK += float64(k) * float64(K) / float64(N)
	if N > 1 {
		p := float64(K) / float64(N)
		a.varSum += float64(k) * p * (1 - p) * float64(N-k) / float64(N-1)
	}
	dominated(rs, &a.m)
	a.model(rs)
	a.buf = a.buf[:0]
}

// model adds one query's observations, demeaned within the query, to the
// rank model's sums.
func (a *Accumulator) model(rs []Row) {
	type ob struct {
		y float64
		x [modelP]float64
	}
	valid := 0
	for _, r := range rs {
		if r.Position > 0 && total(r) > 0 {
			valid++
		}
	}
	if valid == 0 {
		return
	}
	a.groups++ // a query with any valid row costs a degree of freedom
	if valid < 2 {
		return
	}
	os := make([]ob, 0, valid)
	var my float64
	var mx [modelP]float64
	n := float64(valid)
	for _, r := range rs {
		if r.Position <= 0 || total(r) <= 0 {
			continue
		}
		fp := 0.0
		if r.FirstParty {
			fp = 1
		}
		q := 1 - (float64(r.Position)-0.5)/n
		o := ob{y: normalQuantile(math.Min(math.Max(q, 1e-6), 1-1e-6)), x: [modelP]float64{math.Log(total(r)), r.Rating, math.Log1p(float64(r.Reviews)), fp}}
		my += o.y
		for j := range modelP {
			mx[j] += o.x[j]
		}
		os = append(os, o)
	}
	for _, o := range os {
		y := o.y - my/n
		var x [modelP]float64
		for j := range modelP {
			x[j] = o.x[j] - mx[j]/n
		}
		a.obs++
		for i := range modelP {
			a.xty[i] += x[i] * y
			for j := range modelP {
				xx := x[i] * x[j]
				a.xtx[i][j] += xx
				a.yyxx[i][j] += y * y * xx
				for c := range modelP {
					a.yxxx[c][i][j] += y * x[c] * xx
					for d := range modelP {
						a.xxxx[c][d][i][j] += x[c] * x[d] * xx
					}
				}
			}
		}
	}
}

// Metrics returns the metrics of every row added, with the buy-box
// contests of boxes.
func (a *Accumulator) Metrics(boxes []BuyBox) Metrics {
	if len(a.buf) > 0 {
		a.flush()
	}
	m := a.m
	if m.Queries > 0 {
		m.FirstPartyTop1 = float64(a.top1) / float64(m.Queries)
	}
	if a.topKN > 0 {
		m.FirstPartyTopK = float64(m.FirstPartyInTopK) / float64(a.topKN)
	}
	if a.n > 0 {
		m.FirstPartyAll = float64(a.fpAll) / float64(a.n)
	}
	if a.varSum > 0 {
		m.TopKExcessZ = (float64(m.FirstPartyInTopK) - m.ExpectedInTopK) / math.Sqrt(a.varSum)
		m.TopKExcessPValue = upperNormal(m.TopKExcessZ)
	} else {
		m.TopKExcessPValue = 1
	}
	finishDominated(&m)
	a.fit(&m)
	for _, b := range boxes {
		contest(b, &m)
	}
	return m
}

// fit solves the rank model from the sums: OLS on the demeaned data with
// query fixed effects, and heteroskedasticity-robust (HC1) standard
// errors. The "meat" sum of e² x xᵀ, with e = y - βᵀx, expands into the
// moment sums, so no observation has to be kept.
func (a *Accumulator) fit(m *Metrics) {
	const p = modelP
	n := a.obs
	dof := n - p - a.groups
	m.ModelN = n
	m.FirstPartyPValue = 1
	if dof <= 0 {
		return
	}
	inv, ok := invert(a.xtx)
	if !ok {
		return // e.g. no first-party items, or they never vary within a query
	}
	var beta [p]float64
	for i := range p {
		for j := range p {
			beta[i] += inv[i][j] * a.xty[j]
		}
	}
	var meat [p][p]float64
	for i := range p {
		for j := range p {
			v := a.yyxx[i][j]
			for c := range p {
				v -= 2 * beta[c] * a.yxxx[c][i][j]
				for d := range p {
					v += beta[c] * beta[d] * a.xxxx[c][d][i][j]
				}
			}
			meat[i][j] = v
		}
	}
	var tmp, v [p][p]float64
	for i := range p {
		for j := range p {
			for c := range p {
				tmp[i][j] += inv[i][c] * meat[c][j]
			}
		}
	}
	for i := range p {
		for j := range p {
			for c := range p {
				v[i][j] += tmp[i][c] * inv[c][j]
			}
		}
	}
	se := math.Sqrt(math.Max(v[3][3], 0) * float64(n) / float64(dof))
	m.FirstPartyCoef, m.FirstPartyCoefSE = beta[3], se
	m.FirstPartyCILow, m.FirstPartyCIHigh = beta[3]-1.96*se, beta[3]+1.96*se
	if se > 0 {
		m.FirstPartyPValue = 2 * upperNormal(math.Abs(beta[3]/se))
	}
}
