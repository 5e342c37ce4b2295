package ranking

import (
	"math"
)

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
