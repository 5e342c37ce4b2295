package main

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"

	"github.com/platscan/platscan/probes/terms"
)

// Target is what one head learns: for each row, whether it is a positive
// and how much it counts (0 = the row is not an example for this head).
type Target struct {
	Name   string
	Pos    []bool
	Weight []float64
}

// Linear holds fitted weights, feature-major: W[f*K+k] is feature f's
// weight in head k.
type Linear struct {
	K, F int
	W    []float64
	B    []float64
}

// Margins returns b + w·x for every head.
func (l *Linear) Margins(v terms.Vector, out []float64) []float64 {
	out = append(out[:0], l.B...)
	for i, id := range v.IDs {
		x := float64(v.X[i])
		row := l.W[int(id)*l.K : int(id)*l.K+l.K]
		for k, w := range row {
			out[k] += x * w
		}
	}
	return out
}

// fit trains every head at once by L-BFGS on the sum of their
// L2-regularised, weighted logistic losses: the heads are independent,
// but one pass over the rows serves them all. C scales the loss against
// the regulariser, as in liblinear. The optimiser is deterministic, so
// the same rows give the same weights.
func fit(rows []terms.Vector, f int, targets []Target, c float64, maxIter int) (*Linear, error) {
	k := len(targets)
	n := f*k + k
	// A row's label and weight per head, row-major, for the inner loop.
	y := make([]float64, len(rows)*k)
	wt := make([]float64, len(rows)*k)
	for j, t := range targets {
		for i := range rows {
			if t.Pos[i] {
				y[i*k+j] = 1
			} else {
				y[i*k+j] = -1
			}
			wt[i*k+j] = c * t.Weight[i]
		}
	}
	var cacheX []float64
	var cacheF float64
	cacheG := make([]float64, n)
	eval := func(x []float64) {
		if cacheX != nil && slices.Equal(cacheX, x) {
			return
		}
		cacheX = append(cacheX[:0], x...)
		g := cacheG
		var obj float64
		for i, w := range x[:f*k] {
			obj += 0.5 * w * w
			g[i] = w
		}
		clear(g[f*k:])
		z := make([]float64, k)
		for i, v := range rows {
			copy(z, x[f*k:])
			for p, id := range v.IDs {
				xv := float64(v.X[p])
				row := x[int(id)*k : int(id)*k+k]
				for j, w := range row {
					z[j] += xv * w
				}
			}
			for j := range k {
				cw := wt[i*k+j]
				if cw == 0 {
					z[j] = 0
					continue
				}
				yz := y[i*k+j] * z[j]
				// log(1+exp(-yz)), stable both ways.
				if yz > 0 {
					obj += cw * math.Log1p(math.Exp(-yz))
				} else {
					obj += cw * (-yz + math.Log1p(math.Exp(yz)))
				}
				// d/dz = -y * sigmoid(-yz)
				z[j] = -cw * y[i*k+j] / (1 + math.Exp(yz))
				g[f*k+j] += z[j]
			}
			for p, id := range v.IDs {
				xv := float64(v.X[p])
				row := g[int(id)*k : int(id)*k+k]
				for j := range row {
					row[j] += xv * z[j]
				}
			}
		}
		cacheF = obj
	}
	prob := optimize.Problem{
		Func: func(x []float64) float64 { eval(x); return cacheF },
		Grad: func(grad, x []float64) { eval(x); copy(grad, cacheG) },
	}
	settings := &optimize.Settings{
		MajorIterations: maxIter,
		Converger:       &optimize.FunctionConverge{Relative: 1e-6, Iterations: 5},
	}
	res, err := optimize.Minimize(prob, make([]float64, n), settings, &optimize.LBFGS{Store: 10})
	if err != nil && res == nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	// Running out of iterations still leaves a usable optimum-ish point;
	// anything else is a failure.
	if err != nil && res.Status != optimize.IterationLimit {
		return nil, fmt.Errorf("fit: %w (status %v)", err, res.Status)
	}
	return &Linear{K: k, F: f, W: res.X[:f*k], B: res.X[f*k:]}, nil
}
