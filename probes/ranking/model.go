package ranking

import (
	"math"
)

// rankModel fits a linear model of each result's rank score, the normal
// score of its position within its query (the van der Waerden score: the
// standard normal quantile of 1 - (position - 1/2) / n, so the top result
// scores highest), on log total price, rating, log(1+reviews) and the
// first-party flag, with query fixed effects (within-query demeaning). If
// the platform orders results by a latent quality index linear in those
// attributes, normal scores are close to that index, which makes the
// first-party coefficient a shift of the index in standard deviations.
// Standard errors are heteroskedasticity-robust (HC1).
func rankModel(rows []Row, m *Metrics) {
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

// normalQuantile is the inverse of the standard normal distribution.
func normalQuantile(p float64) float64 { return -math.Sqrt2 * math.Erfcinv(2*p) }

// invert inverts a small matrix by Gauss-Jordan elimination with partial
// pivoting; ok is false when it is singular.
func invert[M ~[4][4]float64](a M) (M, bool) {
	const n = 4
	var inv M
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
