package report

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/internal/plural"
	"github.com/platscan/platscan/rules"
)

// chart is one figure of the HTML report: an SVG drawn from shapes, a
// title and a description (its text alternative, also shown as the
// caption), and the numbers behind it as a table.
type chart struct {
	ID            string
	Title         string
	Desc          string
	Empty         string // set instead of shapes when there is nothing to draw
	Width, Height float64
	Shapes        []shape
	Table         dataTable
}

// shape is an SVG element; Kind is rect, line, circle or text. Tip
// becomes the element's tooltip.
type shape struct {
	Kind        string
	X, Y, W, H  float64
	X2, Y2, R   float64
	Class, Text string
	Anchor, Tip string
}

type dataTable struct {
	Head []string
	Rows [][]string
}

// Chart geometry, in SVG user units.
const (
	chartWidth = 960.0
	rowHeight  = 22.0
)

// priceRow is one persona comparison: how much more (or less) the persona
// paid than the reference persona, with its interval.
type priceRow struct {
	Persona, Reference, Phase, Role string
	Effect, Low, High, P, Floor     float64
	HasP, Named                     bool
}

// priceRows reads the persona tests from the records, or failing that
// from the pricing findings (which hold only the personas that breached).
func (v *view) priceRows() []priceRow {
	named := map[string]bool{}
	var fromFindings []priceRow
	for _, f := range v.findings {
		if f.Family != "pricing" {
			continue
		}
		p, _ := f.Metrics["persona"].(string)
		if p == "" {
			p = f.Persona
		}
		named[p] = true
		eff, ok := number(f.Metrics["effect_pct"])
		if !ok {
			continue
		}
		r := priceRow{Persona: p, Effect: eff, Role: "treatment", Named: true}
		r.Reference, _ = f.Metrics["reference"].(string)
		r.Low, _ = number(f.Metrics["ci_low"])
		r.High, _ = number(f.Metrics["ci_high"])
		r.Floor, _ = number(f.Metrics["noise_floor_pct"])
		r.P, r.HasP = number(f.Metrics["p_adjusted"])
		if !slices.ContainsFunc(fromFindings, func(o priceRow) bool { return o.Persona == r.Persona && o.Effect == r.Effect }) {
			fromFindings = append(fromFindings, r)
		}
	}
	var rows []priceRow
	for _, rec := range v.in.Records {
		if rec.Kind != evidence.KindMeasurement || rec.Probe != "pricing" {
			continue
		}
		var d struct {
			Type      string   `json:"type"`
			Persona   string   `json:"persona"`
			Reference string   `json:"reference"`
			Phase     string   `json:"phase"`
			Role      string   `json:"role"`
			Effect    *float64 `json:"effect_pct"`
			Low       float64  `json:"ci_low"`
			High      float64  `json:"ci_high"`
			P         *float64 `json:"p_adjusted"`
			Floor     float64  `json:"noise_floor_pct"`
		}
		if json.Unmarshal(rec.Data, &d) != nil || d.Type != "persona_test" || d.Effect == nil {
			continue
		}
		persona := d.Persona
		if persona == "" {
			persona = rec.Persona
		}
		r := priceRow{Persona: persona, Reference: d.Reference, Phase: d.Phase, Role: d.Role, Effect: *d.Effect, Low: d.Low, High: d.High, Floor: d.Floor, Named: named[persona]}
		if d.P != nil {
			r.P, r.HasP = *d.P, true
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return fromFindings
	}
	// Personalised comparisons first, then the same personas with
	// personalisation off, each in the order measured.
	slices.SortStableFunc(rows, func(a, b priceRow) int {
		return strings.Compare(phaseKey(a.Phase), phaseKey(b.Phase))
	})
	return rows
}

func phaseKey(p string) string {
	if p == "opted_out" {
		return "1"
	}
	return "0"
}

func (v *view) priceChart() chart {
	rows := v.priceRows()
	ref := "reference"
	for _, r := range rows {
		if r.Reference != "" {
			ref = r.Reference
			break
		}
	}
	c := chart{ID: "chart-prices", Title: msg(v.lang, "price_title", ref), Width: chartWidth}
	c.Table.Head = strings.Split(msg(v.lang, "price_cols"), "|")
	if len(rows) == 0 {
		c.Empty = msg(v.lang, "price_empty")
		c.Desc = c.Empty
		return c
	}
	lo, hi, floor := 0.0, 0.0, 0.0
	biggest := rows[0]
	for _, r := range rows {
		lo, hi = math.Min(lo, math.Min(r.Low, r.Effect)), math.Max(hi, math.Max(r.High, r.Effect))
		floor = math.Max(floor, r.Floor)
		if math.Abs(r.Effect) > math.Abs(biggest.Effect) {
			biggest = r
		}
	}
	lo, hi = math.Min(lo, -floor), math.Max(hi, floor)
	ticks, lo, hi := niceTicks(lo, hi)
	labels := make([]string, len(rows))
	left := 80.0
	for i, r := range rows {
		labels[i] = r.Persona
		if r.Phase == "opted_out" {
			labels[i] = msg(v.lang, "price_opted_out", r.Persona)
		}
		left = math.Max(left, textWidth(labels[i])+16)
	}
	left = math.Min(left, c.Width/2)
	const right, top = 24.0, 34.0
	plotW := c.Width - left - right
	x := func(val float64) float64 { return left + (val-lo)/(hi-lo)*plotW }
	c.Height = top + float64(len(rows))*rowHeight + 40
	bottom := top + float64(len(rows))*rowHeight
	if floor > 0 {
		c.Shapes = append(c.Shapes, shape{Kind: "rect", X: x(-floor), Y: top, W: x(floor) - x(-floor), H: bottom - top, Class: "band",
			Tip: fmt.Sprintf("noise floor ±%s%%", fmtNum(floor, 2))})
	}
	for _, t := range ticks {
		c.Shapes = append(c.Shapes,
			shape{Kind: "line", X: x(t), Y: top, X2: x(t), Y2: bottom, Class: gridClass(t)},
			shape{Kind: "text", X: x(t), Y: bottom + 16, Text: signedPct(t), Anchor: "middle", Class: "tick"})
	}
	c.Shapes = append(c.Shapes, shape{Kind: "text", X: left + plotW/2, Y: bottom + 34, Text: msg(v.lang, "price_axis", ref), Anchor: "middle", Class: "axis"})
	// Legend, above the plot.
	lx := left
	for _, l := range []struct{ class, key string }{{"treatment", "role_treatment"}, {"control", "role_control"}, {"named", "price_named"}} {
		c.Shapes = append(c.Shapes,
			shape{Kind: "circle", X: lx + 5, Y: 14, R: 4.5, Class: "dot " + l.class},
			shape{Kind: "text", X: lx + 14, Y: 18, Text: msg(v.lang, l.key), Class: "tick"})
		lx += 30 + textWidth(msg(v.lang, l.key))
	}
	for i, r := range rows {
		cy := top + float64(i)*rowHeight + rowHeight/2
		label := labels[i]
		class := "treatment"
		if r.Role == "control" {
			class = "control"
		}
		if r.Named {
			class = "named"
		}
		tip := fmt.Sprintf("%s: %s%% (95%% CI %s to %s)", label, fmtSigned(r.Effect, 2), fmtNum(r.Low, 2), fmtNum(r.High, 2))
		c.Shapes = append(c.Shapes,
			shape{Kind: "text", X: left - 8, Y: cy + 4, Text: label, Anchor: "end", Class: "label " + class},
			shape{Kind: "line", X: x(r.Low), Y: cy, X2: x(r.High), Y2: cy, Class: "whisker " + class},
			shape{Kind: "line", X: x(r.Low), Y: cy - 5, X2: x(r.Low), Y2: cy + 5, Class: "whisker " + class},
			shape{Kind: "line", X: x(r.High), Y: cy - 5, X2: x(r.High), Y2: cy + 5, Class: "whisker " + class},
			shape{Kind: "circle", X: x(r.Effect), Y: cy, R: 4.5, Class: "dot " + class, Tip: tip})
		p := ""
		if r.HasP {
			p = fmtNum(r.P, 4)
		}
		c.Table.Rows = append(c.Table.Rows, []string{r.Persona, v.phaseName(r.Phase), v.roleName(r.Role), fmtSigned(r.Effect, 2) + "%",
			fmt.Sprintf("%s to %s", fmtNum(r.Low, 2), fmtNum(r.High, 2)), p})
	}
	bl := biggest.Persona
	if biggest.Phase == "opted_out" {
		bl = msg(v.lang, "price_opted_out", biggest.Persona)
	}
	c.Desc = msg(v.lang, "price_desc", len(rows), bl, fmtSigned(biggest.Effect, 2)+"%", fmtNum(biggest.Low, 2), fmtNum(biggest.High, 2), fmtNum(floor, 2))
	return c
}

// textWidth estimates the width of s at the charts' 12px font: wide
// (CJK) characters take a full em, others a little over half.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += 12
		} else {
			w += 6.8
		}
	}
	return w
}

func (v *view) phaseName(p string) string {
	switch p {
	case "opted_out":
		return msg(v.lang, "phase_opted_out")
	case "personalised":
		return msg(v.lang, "phase_personal")
	}
	return p
}

func (v *view) roleName(r string) string {
	switch r {
	case "control":
		return msg(v.lang, "role_control")
	case "treatment":
		return msg(v.lang, "role_treatment")
	}
	return r
}

func gridClass(t float64) string {
	if t == 0 {
		return "zero"
	}
	return "grid"
}

// rankData is the first-party share by rank position, and the share
// expected if position did not depend on who sells.
type rankData struct {
	Positions []rankPosition
	Expected  float64
	Total     int // results the expected share is computed over
	Queries   int
	TopK      int  // when Positions are just "1" and "top k" (aggregate metrics only)
	Aggregate bool // true when only the aggregate metrics were available
}

type rankPosition struct {
	Label string
	Share float64
	N     int
}

// rankData reads ranking result pages from the records (the share at
// every position), or failing that the aggregate ranking metrics (top 1
// and top k only) from a ranking_metrics record or a ranking finding.
func (v *view) rankData() (rankData, bool) {
	type row struct {
		Position   int  `json:"position"`
		FirstParty bool `json:"first_party"`
	}
	var d rankData
	counts := map[int][2]int{} // position -> {first-party, all}
	topK := 0
	var metrics map[string]any
	for _, rec := range v.in.Records {
		if rec.Kind != evidence.KindMeasurement || rec.Probe != "ranking" {
			continue
		}
		var m struct {
			Type string `json:"type"`
			Rows []row  `json:"rows"`
			TopK int    `json:"top_k"`
		}
		if json.Unmarshal(rec.Data, &m) != nil {
			continue
		}
		switch m.Type {
		case "results":
			d.Queries++
			for _, r := range m.Rows {
				c := counts[r.Position]
				if r.FirstParty {
					c[0]++
				}
				c[1]++
				counts[r.Position] = c
			}
		case "ranking_metrics":
			topK = m.TopK
			_ = json.Unmarshal(rec.Data, &metrics)
		}
	}
	if len(counts) > 0 {
		fp, all := 0, 0
		maxPos := 0
		for p, c := range counts {
			fp, all = fp+c[0], all+c[1]
			maxPos = max(maxPos, p)
		}
		if topK > 0 {
			maxPos = min(maxPos, topK)
		}
		d.Expected, d.Total = float64(fp)/float64(all), all
		for p := 1; p <= maxPos; p++ {
			c := counts[p]
			share := 0.0
			if c[1] > 0 {
				share = float64(c[0]) / float64(c[1])
			}
			d.Positions = append(d.Positions, rankPosition{Label: strconv.Itoa(p), Share: share, N: c[1]})
		}
		return d, true
	}
	if metrics == nil {
		for _, f := range v.findings {
			if _, ok := f.Metrics["first_party_all"]; ok {
				metrics = f.Metrics
				break
			}
		}
	}
	if metrics == nil {
		return d, false
	}
	all, ok1 := number(metrics["first_party_all"])
	top1, ok2 := number(metrics["first_party_top1"])
	topk, ok3 := number(metrics["first_party_topk"])
	k, _ := number(metrics["top_k"])
	rows, _ := number(metrics["rows"])
	queries, _ := number(metrics["queries"])
	if !ok1 || !ok2 || !ok3 {
		return d, false
	}
	d.Aggregate, d.Expected, d.TopK, d.Total, d.Queries = true, all, int(k), int(rows), int(queries)
	d.Positions = []rankPosition{{Label: "1", Share: top1, N: int(queries)}, {Label: msg(v.lang, "rank_top", int(k)), Share: topk, N: int(queries) * int(k)}}
	return d, true
}

func (v *view) rankChart() chart {
	c := chart{ID: "chart-ranking", Title: msg(v.lang, "rank_title"), Width: chartWidth}
	c.Table.Head = strings.Split(msg(v.lang, "rank_cols"), "|")
	d, ok := v.rankData()
	if !ok || len(d.Positions) == 0 {
		c.Empty = msg(v.lang, "rank_empty")
		c.Desc = c.Empty
		return c
	}
	const left, right, top, plotH = 56.0, 24.0, 20.0, 200.0
	c.Height = top + plotH + 50
	plotW := c.Width - left - right
	y := func(share float64) float64 { return top + plotH*(1-share) }
	for _, t := range []float64{0, 0.25, 0.5, 0.75, 1} {
		c.Shapes = append(c.Shapes,
			shape{Kind: "line", X: left, Y: y(t), X2: left + plotW, Y2: y(t), Class: gridClass(t)},
			shape{Kind: "text", X: left - 6, Y: y(t) + 4, Text: pct(t), Anchor: "end", Class: "tick"})
	}
	slot := plotW / float64(len(d.Positions))
	barW := math.Min(slot*0.7, 48)
	for i, p := range d.Positions {
		cx := left + slot*(float64(i)+0.5)
		class := "bar"
		if p.Share > d.Expected {
			class = "bar over"
		}
		c.Shapes = append(c.Shapes,
			shape{Kind: "rect", X: cx - barW/2, Y: y(p.Share), W: barW, H: plotH * p.Share, Class: class,
				Tip: fmt.Sprintf("%s: %s (%d)", p.Label, pct(p.Share), p.N)},
			shape{Kind: "text", X: cx, Y: y(p.Share) - 4, Text: pct(p.Share), Anchor: "middle", Class: "value"},
			shape{Kind: "text", X: cx, Y: top + plotH + 16, Text: p.Label, Anchor: "middle", Class: "tick"})
		c.Table.Rows = append(c.Table.Rows, []string{p.Label, pct(p.Share), strconv.Itoa(p.N)})
	}
	c.Shapes = append(c.Shapes,
		shape{Kind: "line", X: left, Y: y(d.Expected), X2: left + plotW, Y2: y(d.Expected), Class: "expected"},
		shape{Kind: "text", X: left + plotW, Y: y(d.Expected) - 5, Text: msg(v.lang, "rank_expected", pct(d.Expected)), Anchor: "end", Class: "expected-label"},
		shape{Kind: "text", X: left + plotW/2, Y: top + plotH + 36, Text: msg(v.lang, "rank_axis"), Anchor: "middle", Class: "axis"})
	if d.Aggregate {
		c.Desc = msg(v.lang, "rank_desc", pct(d.Positions[0].Share), d.TopK, pct(d.Positions[1].Share), pct(d.Expected), d.Total)
	} else {
		c.Desc = msg(v.lang, "rank_desc_pos", len(d.Positions), d.Queries, pct(d.Positions[0].Share), pct(d.Expected), d.Total)
	}
	return c
}

// severities in the order charts and tables show them.
var severities = []string{"high", "medium", "low", "info"}

func (v *view) severityChart() chart {
	c := chart{ID: "chart-severity", Title: msg(v.lang, "sev_title"), Width: chartWidth}
	c.Table.Head = strings.Split(msg(v.lang, "sev_cols"), "|")
	if len(v.findings) == 0 {
		c.Empty = msg(v.lang, "sev_empty")
		c.Desc = c.Empty
		return c
	}
	counts := map[string]map[string]int{}
	var fams []string
	for _, f := range v.findings {
		fam := nonEmpty(f.Family, "other")
		if counts[fam] == nil {
			counts[fam] = map[string]int{}
			fams = append(fams, fam)
		}
		sev := f.Severity
		if !slices.Contains(severities, sev) {
			sev = "info"
		}
		counts[fam][sev]++
	}
	slices.SortFunc(fams, func(a, b string) int { return familyRank(a) - familyRank(b) })
	most := 0
	for _, fam := range fams {
		n := 0
		for _, s := range severities {
			n += counts[fam][s]
		}
		most = max(most, n)
	}
	const left, right, top = 110.0, 40.0, 34.0
	plotW := c.Width - left - right
	c.Height = top + float64(len(fams))*(rowHeight+6) + 20
	unit := plotW / float64(most)
	// Legend.
	lx := left
	for _, s := range severities {
		c.Shapes = append(c.Shapes,
			shape{Kind: "rect", X: lx, Y: 8, W: 12, H: 12, Class: "sev-" + s},
			shape{Kind: "text", X: lx + 16, Y: 18, Text: msg(v.lang, "sev_"+s), Class: "tick"})
		lx += 90
	}
	var parts []string
	for i, fam := range fams {
		y := top + float64(i)*(rowHeight+6)
		c.Shapes = append(c.Shapes, shape{Kind: "text", X: left - 8, Y: y + rowHeight/2 + 4, Text: fam, Anchor: "end", Class: "label"})
		x := left
		total := 0
		row := []string{fam}
		var bits []string
		for _, s := range severities {
			n := counts[fam][s]
			row = append(row, strconv.Itoa(n))
			total += n
			if n == 0 {
				continue
			}
			w := unit * float64(n)
			c.Shapes = append(c.Shapes, shape{Kind: "rect", X: x, Y: y, W: w, H: rowHeight, Class: "sev-" + s, Tip: fmt.Sprintf("%s, %s: %d", fam, s, n)})
			x += w
			bits = append(bits, fmt.Sprintf("%d %s", n, msg(v.lang, "sev_"+s)))
		}
		c.Shapes = append(c.Shapes, shape{Kind: "text", X: x + 6, Y: y + rowHeight/2 + 4, Text: strconv.Itoa(total), Class: "value"})
		c.Table.Rows = append(c.Table.Rows, append(row, strconv.Itoa(total)))
		parts = append(parts, fmt.Sprintf("%s %d (%s)", fam, total, strings.Join(bits, msg(v.lang, "list_sep"))))
	}
	c.Desc = msg(v.lang, "sev_desc", len(v.findings), strings.Join(parts, "; "))
	if v.lang == "en" {
		c.Desc = plural.Of(len(v.findings), "finding") + ": " + strings.Join(parts, "; ") + "."
	}
	return c
}

func familyRank(f string) int {
	if i := slices.Index(rules.Families, f); i >= 0 {
		return i
	}
	return len(rules.Families)
}

// niceTicks returns about five round tick values covering [lo, hi] and the
// widened range they span.
func niceTicks(lo, hi float64) ([]float64, float64, float64) {
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	lo = math.Floor(lo/step) * step
	hi = math.Ceil(hi/step) * step
	var ticks []float64
	for t := lo; t <= hi+step/2; t += step {
		ticks = append(ticks, math.Round(t/step)*step)
	}
	return ticks, lo, hi
}

func fmtNum(f float64, prec int) string {
	s := strconv.FormatFloat(f, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

func fmtSigned(f float64, prec int) string {
	s := fmtNum(f, prec)
	if f > 0 && s != "0" {
		s = "+" + s
	}
	return s
}

func signedPct(f float64) string { return fmtSigned(f, 2) + "%" }

func pct(share float64) string { return fmtNum(share*100, 0) + "%" }
