package ranking

import (
	"math"
)

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
func rankModel(rows []Row, use []bool, m *Metrics) {
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
	inv, ok := invert(xtx)
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

// normalQuantile is the inverse of the standard normal distribution.
func normalQuantile(p float64) float64 { return -math.Sqrt2 * math.Erfcinv(2*p) }

// invert inverts a small square matrix by Gauss-Jordan elimination with
// partial pivoting; ok is false when it is singular. a is not changed.
func invert(in [][]float64) ([][]float64, bool) {
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
