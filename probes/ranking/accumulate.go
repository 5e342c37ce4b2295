package ranking

import (
	"errors"
	"math"
	"math/bits"
	"sort"

	"github.com/platscan/platscan/measure"
)

// ErrNotGrouped means an export's rows of one query are not all together:
// the query came back after another began. Such an export cannot be read
// one query at a time; read it whole with Compute.
var ErrNotGrouped = errors.New("the export's rows are not grouped by query")

// modelP is the number of regressors of the rank model at most: log total
// price, rating, log(1+reviews) (the covariates, by index), first party.
const modelP = 4

// fpCol is the first-party flag's column in the model's sums.
const fpCol = modelP - 1

// masks are the sets of covariates the rank model and the dominated-pair
// test may compare on (bit j: covariates[j]); which one is used depends
// on how many of all the rows state each attribute, known only at the end.
const masks = 1 << 3 // len(covariates)

// Accumulator computes the ranking metrics of rows fed one query at a
// time, as exports are written: it holds one query's rows, never the
// export, so memory does not grow with the number of rows. Every metric
// is a sum over queries (the rank model's fit and its robust errors via
// the moments of the within-query demeaned data), kept for every set of
// covariates the model may end up comparing on, so the result equals
// that of fitting the model to every row at once.
type Accumulator struct {
	topK int
	m    Metrics

	cur  string
	buf  []Row
	seen map[string]bool

	top1, fpAll, n, topKN int
	varSum                float64
	stated                [3]int // rows stating each covariate
	unreadAds             int    // paid results whose ad label was not read

	dom   [masks]domCounts
	model [masks]modelSums
}

// domCounts are the dominated-pair counts under one set of covariates.
type domCounts struct{ fp, fpAbove, tp, tpAbove int }

// modelSums are the rank model's sums over demeaned observations under
// one set of covariates; a covariate not in the set is a zero column.
type modelSums struct {
	obs, groups, dropped int
	xtx                  [modelP][modelP]float64
	xty                  [modelP]float64
	yyxx                 [modelP][modelP]float64                 // sum of y² x_a x_b
	yxxx                 [modelP][modelP][modelP]float64         // sum of y x_c x_a x_b
	xxxx                 [modelP][modelP][modelP][modelP]float64 // sum of x_c x_d x_a x_b
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
	label(r, &a.m)
	if r.Sponsored != nil && *r.Sponsored && r.AdLabel == nil {
		a.unreadAds++
	}
	_, ok := attrs(r)
	for j := range ok {
		if ok[j] {
			a.stated[j]++
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
	xs := make([][3]float64, N)
	oks := make([][3]bool, N)
	for i, r := range rs {
		xs[i], oks[i] = attrs(r)
	}
	a.dominated(rs, xs, oks)
	for mask := 1; mask < masks; mask++ {
		a.model[mask].add(rs, xs, oks, mask)
	}
	a.buf = a.buf[:0]
}

// dominated counts, within one query's list sorted by position, the pairs
// where one side dominates the other and which one was ranked higher,
// under every set of covariates.
func (a *Accumulator) dominated(rs []Row, xs [][3]float64, oks [][3]bool) {
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			if rs[i].FirstParty == rs[j].FirstParty {
				continue // i is ranked above j
			}
			fp, tp := i, j
			if rs[j].FirstParty {
				fp, tp = j, i
			}
			for mask := 1; mask < masks; mask++ {
				c := &a.dom[mask]
				switch {
				case dominates(xs[tp], oks[tp], xs[fp], oks[fp], mask):
					c.fp++
					if rs[i].FirstParty {
						c.fpAbove++
					}
				case dominates(xs[fp], oks[fp], xs[tp], oks[tp], mask):
					c.tp++
					if !rs[i].FirstParty {
						c.tpAbove++
					}
				}
			}
		}
	}
}

// add adds one query's observations that state every covariate of mask,
// demeaned within the query, to the sums. Each result's rank score is the
// normal score of its position among them (see Metrics).
func (s *modelSums) add(rs []Row, xs [][3]float64, oks [][3]bool, mask int) {
	complete := func(i int) bool {
		if rs[i].Position <= 0 {
			return false
		}
		for j := range 3 {
			if mask&(1<<j) != 0 && !oks[i][j] {
				return false
			}
		}
		return true
	}
	valid := 0
	for i := range rs {
		if complete(i) {
			valid++
		} else {
			s.dropped++
		}
	}
	if valid == 0 {
		return
	}
	s.groups++ // a query with any complete row costs a degree of freedom
	if valid < 2 {
		return
	}
	var cols []int
	for j := range 3 {
		if mask&(1<<j) != 0 {
			cols = append(cols, j)
		}
	}
	cols = append(cols, fpCol)
	type ob struct {
		y float64
		x [modelP]float64
	}
	os := make([]ob, 0, valid)
	var my float64
	var mx [modelP]float64
	n := float64(valid)
	for i, r := range rs {
		if !complete(i) {
			continue
		}
		o := ob{}
		for _, j := range cols[:len(cols)-1] {
			o.x[j] = xs[i][j]
		}
		if r.FirstParty {
			o.x[fpCol] = 1
		}
		q := 1 - (float64(r.Position)-0.5)/n
		o.y = normalQuantile(math.Min(math.Max(q, 1e-6), 1-1e-6))
		my += o.y
		for _, j := range cols {
			mx[j] += o.x[j]
		}
		os = append(os, o)
	}
	for _, o := range os {
		y := o.y - my/n
		var x [modelP]float64
		for _, j := range cols {
			x[j] = o.x[j] - mx[j]/n
		}
		s.obs++
		for _, i := range cols {
			s.xty[i] += x[i] * y
			for _, j := range cols {
				xx := x[i] * x[j]
				s.xtx[i][j] += xx
				s.yyxx[i][j] += y * y * xx
				for _, c := range cols {
					s.yxxx[c][i][j] += y * x[c] * xx
					for _, d := range cols {
						s.xxxx[c][d][i][j] += x[c] * x[d] * xx
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
	use := chooseCovariates(m.Rows, a.stated)
	mask := 0
	m.ModelCovariates = []string{}
	for j, c := range covariates {
		if use[j] {
			m.ModelCovariates = append(m.ModelCovariates, c)
			mask |= 1 << j
		}
	}
	if mask > 0 {
		d := a.dom[mask]
		m.DominatedFP, m.DominatedFPAbove, m.DominatedTP, m.DominatedTPAbove = d.fp, d.fpAbove, d.tp, d.tpAbove
	}
	finishDominated(&m)
	m.FirstPartyPValue = 1
	if mask > 0 {
		a.model[mask].fit(&m, mask)
	}
	for _, b := range boxes {
		contest(b, &m)
	}
	gaps(&m, m.Rows, a.unreadAds, len(boxes))
	return m
}

// fit solves the rank model from the sums of the covariates of mask and
// the first-party flag: OLS on the
// demeaned data with query fixed effects, and heteroskedasticity-robust
// (HC1) standard errors. The "meat" sum of e² x xᵀ, with e = y - βᵀx,
// expands into the moment sums, so no observation has to be kept. Columns
// of covariates not compared on are zero; they are set apart (a unit
// diagonal) so that the matrix of the others is inverted as it is.
func (s *modelSums) fit(m *Metrics, mask int) {
	const q = modelP
	p := bits.OnesCount(uint(mask)) + 1
	n := s.obs
	dof := n - p - s.groups
	m.ModelN = n
	m.ModelDropped = s.dropped
	if dof <= 0 {
		return
	}
	xtx := s.xtx
	for j := range len(covariates) {
		if mask&(1<<j) == 0 {
			xtx[j][j] = 1
		}
	}
	inv, ok := invert(xtx)
	if !ok {
		return // e.g. no first-party items, or they never vary within a query
	}
	var beta [q]float64
	for i := range q {
		for j := range q {
			beta[i] += inv[i][j] * s.xty[j]
		}
	}
	var meat [q][q]float64
	for i := range q {
		for j := range q {
			v := s.yyxx[i][j]
			for c := range q {
				v -= 2 * beta[c] * s.yxxx[c][i][j]
				for d := range q {
					v += beta[c] * beta[d] * s.xxxx[c][d][i][j]
				}
			}
			meat[i][j] = v
		}
	}
	var tmp, v [q][q]float64
	for i := range q {
		for j := range q {
			for c := range q {
				tmp[i][j] += inv[i][c] * meat[c][j]
			}
		}
	}
	for i := range q {
		for j := range q {
			for c := range q {
				v[i][j] += tmp[i][c] * inv[c][j]
			}
		}
	}
	se := math.Sqrt(math.Max(v[fpCol][fpCol], 0) * float64(n) / float64(dof))
	m.FirstPartyCoef, m.FirstPartyCoefSE = beta[fpCol], se
	m.FirstPartyCILow, m.FirstPartyCIHigh = beta[fpCol]-1.96*se, beta[fpCol]+1.96*se
	if se > 0 {
		m.FirstPartyPValue = 2 * upperNormal(math.Abs(beta[fpCol]/se))
	}
}
