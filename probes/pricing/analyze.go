package pricing

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/platscan/platscan/internal/stats"
	"github.com/platscan/platscan/measure"
)

// Panel is what the rounds collected: for each persona, product and round,
// the final price seen and the evidence record behind it.
type Panel struct {
	Products []string
	Rounds   int
	// Price[persona][product][round]; NaN when no comparable price was seen.
	Price map[string][][]float64
	// Record[persona][product][round] is the price measurement's record id.
	Record map[string][][]string
}

// NewPanel allocates a panel filled with NaN.
func NewPanel(products, personas []string, rounds int) *Panel {
	p := &Panel{Products: products, Rounds: rounds, Price: map[string][][]float64{}, Record: map[string][][]string{}}
	for _, per := range personas {
		p.Price[per] = make([][]float64, len(products))
		p.Record[per] = make([][]string, len(products))
		for i := range products {
			p.Price[per][i] = make([]float64, rounds)
			p.Record[per][i] = make([]string, rounds)
			for r := range rounds {
				p.Price[per][i][r] = math.NaN()
			}
		}
	}
	return p
}

// Method holds the tunable parts of the analysis; DefaultMethod is what
// docs/method-pricing.md describes.
type Method struct {
	Permutations int // sign-flip draws per persona
	Bootstrap    int // bootstrap resamples for intervals
	Seed         uint64
}

// DefaultMethod is the analysis used by scans.
var DefaultMethod = Method{Permutations: 2000, Bootstrap: 1000, Seed: 1}

// The analysis results are measurements (package measure).
type (
	ProductEffect = measure.ProductEffect
	PersonaTest   = measure.PersonaTest
	NoiseFloor    = measure.NoiseFloor
)

// Analyze compares every treatment persona with the reference, using the
// null pairs among the reference and the controls to set the noise floor.
func Analyze(p *Panel, reference string, controls, treatments []string, phase string, m Method) (NoiseFloor, []PersonaTest) {
	rng := rand.New(rand.NewPCG(m.Seed, m.Seed^0x5851f42d4c957f2d))
	nulls := append([]string{reference}, controls...)
	floor := NoiseFloor{Base: measure.Base{Type: "noise_floor"}, Phase: phase}
	var tests []PersonaTest
	for i := 0; i < len(nulls); i++ {
		for j := i + 1; j < len(nulls); j++ {
			t := compare(p, nulls[j], nulls[i], m, rng)
			floor.Pairs = append(floor.Pairs, [2]string{nulls[i], nulls[j]})
			floor.PValues = append(floor.PValues, t.PValue)
			n := 0
			for _, e := range t.Products {
				floor.FloorPct = math.Max(floor.FloorPct, math.Abs(e.EffectPct))
				if e.EffectPct != 0 {
					n++
				}
			}
			floor.ProductsDiffering = append(floor.ProductsDiffering, n)
			floor.Evidence = appendRecords(floor.Evidence, p, nulls[i], nulls[j])
			if nulls[i] == reference {
				t.Role, t.Phase = "control", phase
				tests = append(tests, t)
			}
		}
	}
	first := len(tests)
	var ps []float64
	for _, per := range treatments {
		t := compare(p, per, reference, m, rng)
		t.Role, t.Phase = "treatment", phase
		tests = append(tests, t)
		ps = append(ps, t.PValue)
	}
	adj := stats.Holm(ps)
	for i := range tests {
		tests[i].NoiseFloorPct = floor.FloorPct
		if i >= first {
			tests[i].PAdjusted = adj[i-first]
		} else {
			tests[i].PAdjusted = tests[i].PValue
		}
		summarise(p, &tests[i], m, rng)
	}
	return floor, tests
}

// compare runs the paired test of persona against reference.
func compare(p *Panel, persona, reference string, m Method, rng *rand.Rand) PersonaTest {
	t := PersonaTest{Base: measure.Base{Type: "persona_test"}, Persona: persona, Reference: reference, Rounds: p.Rounds, Permutations: m.Permutations}
	var groups [][]float64
	for i, prod := range p.Products {
		var d, pp, rp []float64
		for r := range p.Rounds {
			a, b := p.Price[persona][i][r], p.Price[reference][i][r]
			if math.IsNaN(a) || math.IsNaN(b) || a <= 0 || b <= 0 {
				continue
			}
			d = append(d, math.Log(a/b))
			pp = append(pp, a)
			rp = append(rp, b)
		}
		if len(d) == 0 {
			continue
		}
		e := ProductEffect{Product: prod, Rounds: len(d), EffectPct: pct(stats.Median(d)),
			PersonaMedian: stats.Median(pp), ReferenceMedian: stats.Median(rp)}
		for _, x := range d {
			switch {
			case x > 0:
				e.Higher++
			case x < 0:
				e.Lower++
			}
		}
		lo, hi := stats.BootstrapMedianCI([][]float64{d}, stats.Median, m.Bootstrap/4+1, 0.95, rng)
		e.CILow, e.CIHigh = pct(lo), pct(hi)
		t.Products = append(t.Products, e)
		groups = append(groups, d)
	}
	t.ProductsTested = len(t.Products)
	t.Statistic, t.PValue = stats.SignFlipTest(groups, m.Permutations, rng)
	return t
}

// summarise fills the products above the noise floor, their median effect
// with a bootstrap interval, and the evidence records behind them.
func summarise(p *Panel, t *PersonaTest, m Method, rng *rand.Rand) {
	idx := map[string]int{}
	for i, prod := range p.Products {
		idx[prod] = i
	}
	var units [][]float64
	for _, e := range t.Products {
		if math.Abs(e.EffectPct) <= t.NoiseFloorPct {
			continue
		}
		t.AboveFloor = append(t.AboveFloor, e.Product)
		i := idx[e.Product]
		var d []float64
		for r := range p.Rounds {
			a, b := p.Price[t.Persona][i][r], p.Price[t.Reference][i][r]
			if !math.IsNaN(a) && !math.IsNaN(b) && a > 0 && b > 0 {
				d = append(d, math.Log(a/b))
			}
			for _, id := range []string{p.Record[t.Persona][i][r], p.Record[t.Reference][i][r]} {
				if id != "" && !slices.Contains(t.Evidence, id) {
					t.Evidence = append(t.Evidence, id)
				}
			}
		}
		units = append(units, d)
	}
	if len(units) == 0 {
		// Nothing stands out: the test rests on every price compared.
		t.Evidence = appendRecords(t.Evidence, p, t.Persona, t.Reference)
		return
	}
	meds := make([]float64, len(units))
	for i, u := range units {
		meds[i] = stats.Median(u)
	}
	t.EffectPct = pct(stats.Median(meds))
	lo, hi := stats.BootstrapMedianCI(units, stats.Median, m.Bootstrap, 0.95, rng)
	t.CILow, t.CIHigh = pct(lo), pct(hi)
}

// appendRecords adds to ids, once each, the records of every price the
// personas saw.
func appendRecords(ids []string, p *Panel, personas ...string) []string {
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	for _, per := range personas {
		for _, rounds := range p.Record[per] {
			for _, id := range rounds {
				if id != "" && !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
	}
	return ids
}

// pct turns a log ratio into a percentage difference, rounded to 0.01.
func pct(logRatio float64) float64 {
	return math.Round((math.Exp(logRatio)-1)*10000) / 100
}
