package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestMedian(t *testing.T) {
	if Median([]float64{3, 1, 2}) != 2 || Median([]float64{4, 1, 3, 2}) != 2.5 || !math.IsNaN(Median(nil)) {
		t.Fatal("median")
	}
}

func TestHolm(t *testing.T) {
	got := Holm([]float64{0.01, 0.04, 0.03, 0.005})
	want := []float64{0.03, 0.06, 0.06, 0.02}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("Holm = %v, want %v", got, want)
		}
	}
}

// Under the null the test's p-values are (close to) uniform, so it rejects
// at about the nominal rate; with a consistent shift it rejects almost
// always. Both checked on seeded simulations.
func TestSignFlipCalibrationAndPower(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const sims = 400
	reject, power := 0, 0
	for range sims {
		null := make([][]float64, 20)
		alt := make([][]float64, 20)
		for g := range null {
			null[g] = make([]float64, 8)
			alt[g] = make([]float64, 8)
			for i := range null[g] {
				null[g][i] = rng.NormFloat64() * 0.01
				alt[g][i] = rng.NormFloat64() * 0.01
				if g < 5 {
					alt[g][i] += 0.03
				}
			}
		}
		if _, p := SignFlipTest(null, 500, rng); p < 0.05 {
			reject++
		}
		if _, p := SignFlipTest(alt, 500, rng); p < 0.01 {
			power++
		}
	}
	if rate := float64(reject) / sims; rate > 0.08 || rate < 0.02 {
		t.Errorf("type I error at 0.05 = %.3f", rate)
	}
	if rate := float64(power) / sims; rate < 0.95 {
		t.Errorf("power = %.3f", rate)
	}
}

func TestSignFlipAllZero(t *testing.T) {
	if s, p := SignFlipTest([][]float64{{0, 0}, {0}}, 100, rand.New(rand.NewPCG(1, 1))); s != 0 || p != 1 {
		t.Fatal(s, p)
	}
}

func TestBootstrapCovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	units := make([][]float64, 10)
	for i := range units {
		units[i] = []float64{0.03, 0.031, 0.029, 0.03}
	}
	lo, hi := BootstrapMedianCI(units, Median, 500, 0.95, rng)
	if lo > 0.03 || hi < 0.03 || lo < 0.028 || hi > 0.032 {
		t.Fatalf("CI [%v, %v]", lo, hi)
	}
}
