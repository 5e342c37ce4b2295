// Package stats holds the statistics platscan's probes rely on: paired
// sign-flip permutation tests, Holm's step-down correction, medians and
// percentile bootstrap intervals. Every random choice comes from a seeded
// generator so a result can be reproduced exactly.
package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// Median returns the median of xs (NaN for none). xs is not modified.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// SignFlipTest is an exact-in-expectation Monte Carlo permutation test for
// paired differences. groups[g] holds the paired differences of one unit
// (for pricing: one product's per-round log price ratios). Under the null
// hypothesis that the two members of each pair are exchangeable, each
// difference is equally likely to have either sign, independently.
//
// The statistic is sum_g |sum_i d[g][i]|: large when some units differ
// consistently in one direction, whichever direction. The p-value is
// (1 + #{T* >= T}) / (1 + b) over b random sign assignments, which is a
// valid p-value for any b.
func SignFlipTest(groups [][]float64, b int, rng *rand.Rand) (stat, p float64) {
	stat = flipStat(groups, nil)
	if stat == 0 {
		return 0, 1
	}
	// Differences that are exactly zero cannot change the statistic when
	// flipped; dropping them makes the loop cheaper, not different.
	var nz [][]float64
	for _, g := range groups {
		var k []float64
		for _, d := range g {
			if d != 0 {
				k = append(k, d)
			}
		}
		if len(k) > 0 {
			nz = append(nz, k)
		}
	}
	ge := 0
	for range b {
		if flipStat(nz, rng) >= stat-1e-12 {
			ge++
		}
	}
	return stat, float64(1+ge) / float64(1+b)
}

// flipStat computes the statistic, flipping each sign at random when rng
// is not nil.
func flipStat(groups [][]float64, rng *rand.Rand) float64 {
	var t float64
	var bits uint64
	left := 0
	for _, g := range groups {
		var s float64
		for _, d := range g {
			if rng != nil {
				if left == 0 {
					bits, left = rng.Uint64(), 64
				}
				if bits&1 == 1 {
					d = -d
				}
				bits >>= 1
				left--
			}
			s += d
		}
		t += math.Abs(s)
	}
	return t
}

// Holm adjusts p-values for multiple testing with Holm's step-down method,
// which controls the family-wise error rate without assuming independence.
// The result is in the order of ps.
func Holm(ps []float64) []float64 {
	n := len(ps)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] < ps[idx[b]] })
	adj := make([]float64, n)
	running := 0.0
	for rank, i := range idx {
		v := math.Min(1, float64(n-rank)*ps[i])
		running = math.Max(running, v) // keep adjusted p-values monotone
		adj[i] = running
	}
	return adj
}

// BootstrapMedianCI returns a percentile bootstrap interval at level conf
// (e.g. 0.95) for the median of the per-unit statistic: units are
// resampled with replacement, and within each resampled unit its values
// are resampled too (a two-stage bootstrap that keeps the paired rounds of
// a product together). unitStat reduces one unit's values to a number.
func BootstrapMedianCI(units [][]float64, unitStat func([]float64) float64, b int, conf float64, rng *rand.Rand) (lo, hi float64) {
	if len(units) == 0 {
		return math.NaN(), math.NaN()
	}
	meds := make([]float64, b)
	per := make([]float64, len(units))
	for i := range b {
		for j := range units {
			u := units[rng.IntN(len(units))]
			rs := make([]float64, len(u))
			for k := range u {
				rs[k] = u[rng.IntN(len(u))]
			}
			per[j] = unitStat(rs)
		}
		meds[i] = Median(per)
	}
	sort.Float64s(meds)
	a := (1 - conf) / 2
	return quantile(meds, a), quantile(meds, 1-a)
}

// quantile of sorted xs, linear interpolation between order statistics.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i]*(1-f) + sorted[i+1]*f
}
