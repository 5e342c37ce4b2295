package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/platscan/platscan/probes/terms"
)

// trainOptions are the train command's settings. The defaults are what
// the shipped model was trained with.
type trainOptions struct {
	Claudette string  `json:"-"`
	Data      string  `json:"-"`
	Out       string  `json:"-"`
	Version   string  `json:"version"`
	Seed      uint64  `json:"seed"`
	Folds     int     `json:"folds"`
	MinDF     int     `json:"min_df"`
	MaxVocab  int     `json:"max_vocab"`
	C         float64 `json:"c"`
	// Balance raises the weight of a head's positives and negatives
	// towards equal totals: 0 leaves them as they are, 1 balances fully.
	Balance float64 `json:"balance"`
	// OtherSide weighs the negatives written for the other side of the
	// contract (consumer terms for a merchant head): thousands of easy
	// negatives from CLAUDETTE would otherwise drown the few hundred
	// English merchant clauses.
	OtherSide float64           `json:"other_side"`
	MaxIter   int               `json:"max_iter"`
	Features  terms.FeatureSpec `json:"features"`
	// PrecisionHigh is the precision the thresholds of categories that
	// raise high-severity findings are calibrated to reach on development
	// data, with the most recall that leaves; PrecisionOther is the floor
	// for the rest, whose thresholds maximise F1 above it.
	PrecisionHigh  float64 `json:"precision_high"`
	PrecisionOther float64 `json:"precision_other"`
	// Report, when set, receives the development figures as Markdown.
	Report string `json:"-"`
	CVOnly bool   `json:"-"`
}

func defaultTrainOptions() trainOptions {
	return trainOptions{
		Claudette: "/work/shared/corpora/claudette-dev", Data: "probes/terms/testdata", Out: filepath.Join("probes/terms", terms.ModelFile),
		Version: "1", Seed: 20261128, Folds: 5, MinDF: 2, MaxVocab: 60000, C: 16, Balance: 1, OtherSide: 0.3, MaxIter: 300,
		Features:      terms.FeatureSpec{HanMax: 3, LatinMin: 3, LatinMax: 5, Script: true},
		PrecisionHigh: 0.9, PrecisionOther: 0.75,
	}
}

// highSeverity lists the categories whose findings are of high severity
// (policies/rego/terms.rego): their thresholds aim at higher precision.
var highSeverity = map[string]bool{"exclusivity": true, "price_parity": true, "penalty_promotion": true, "unilateral_change_m": true}

// dataFiles are the training files under -data, in the order they are read.
var dataFiles = []string{"corpus.tsv", "corpus-zh.jsonl", "merchant-en.jsonl", "extra-merchant-en.jsonl", "extra-merchant-zh.jsonl", "extra-consumer-en.jsonl"}

type dataSource struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Rows   int    `json:"rows"`
}

// loadTraining reads every training source: the CLAUDETTE documents and
// the project's clause files.
func loadTraining(opts trainOptions) ([]Example, []dataSource, error) {
	var all []Example
	var sources []dataSource
	docs, err := loadTaggedDir(opts.Claudette, SchemeClaudette, "en", ".xml")
	if err != nil {
		return nil, nil, fmt.Errorf("CLAUDETTE development corpus (-claudette): %w", err)
	}
	for _, d := range docs {
		sum, err := fileSHA(filepath.Join(opts.Claudette, d.Name+".xml"))
		if err != nil {
			return nil, nil, err
		}
		sources = append(sources, dataSource{Path: "claudette-dev/" + d.Name + ".xml", SHA256: sum, Rows: len(d.Examples)})
		all = append(all, d.Examples...)
	}
	for _, name := range dataFiles {
		path := filepath.Join(opts.Data, name)
		var ex []Example
		var err error
		switch filepath.Ext(name) {
		case ".tsv":
			ex, err = loadTSV(path)
		default:
			ex, err = loadClauses(path)
		}
		if err != nil {
			return nil, nil, err
		}
		sum, err := fileSHA(path)
		if err != nil {
			return nil, nil, err
		}
		sources = append(sources, dataSource{Path: filepath.ToSlash(filepath.Join("probes/terms/testdata", name)), SHA256: sum, Rows: len(ex)})
		all = append(all, ex...)
	}
	return all, sources, nil
}

func fileSHA(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// counterpart pairs a merchant category with the consumer category that
// covers the same conduct more broadly: an at-will change of merchant
// terms is a CLAUDETTE unilateral change, and a merchant suspension without
// reasons a CLAUDETTE unilateral termination; the converse holds only for
// clearly unfair (level 3) consumer clauses.
var counterpart = map[string]string{
	"unilateral_change_m":    "unilateral_change",
	"suspension":             "unilateral_termination",
	"unilateral_change":      "unilateral_change_m",
	"unilateral_termination": "suspension",
}

// target says whether e is a positive of cat and whether it is an example
// for cat's head at all. Consumer text teaches a paired merchant category
// only where its label says something about it: a potentially unfair
// (level 2) consumer termination may give its reasons, so it is neither a
// positive nor a negative of suspension.
func target(e Example, cat terms.Category) (pos, use bool) {
	if e.Labels[cat.Name] >= 2 {
		return true, true
	}
	other, paired := counterpart[cat.Name]
	if !paired || e.Side == cat.Side || e.Side == "" {
		return false, true
	}
	lvl := e.Labels[other]
	if cat.Side == terms.Consumer {
		// Merchant text for a consumer head: a negative like any other. A
		// few merchant clauses that change terms with notice are such
		// consumer clauses and go unlabelled, but leaving every unlabelled
		// merchant clause out would teach the head that merchant wording
		// (商家, seller) means a change.
		return lvl >= 2, true
	}
	// Consumer text for a merchant head.
	switch lvl {
	case 3:
		return true, true
	case 2:
		return false, false
	}
	return false, true
}

// reportSet names the report group of an example.
func reportSet(e Example) string {
	if e.Side == terms.Merchant {
		return "merchant " + e.Lang
	}
	return "CLAUDETTE " + e.Lang
}

// buildVocab counts in how many examples each gram occurs and keeps those
// in at least minDF, at most maxVocab of them (the most frequent; ties by
// the gram), sorted by the gram.
func buildVocab(ex []Example, spec terms.FeatureSpec, minDF, maxVocab int) ([]string, []float32) {
	df := map[string]int{}
	for _, e := range ex {
		seen := map[string]bool{}
		for _, g := range spec.Grams(e.Text) {
			if !seen[g] {
				seen[g] = true
				df[g]++
			}
		}
	}
	type gd struct {
		g string
		n int
	}
	var keep []gd
	for g, n := range df {
		if n >= minDF {
			keep = append(keep, gd{g, n})
		}
	}
	sort.Slice(keep, func(i, j int) bool {
		if keep[i].n != keep[j].n {
			return keep[i].n > keep[j].n
		}
		return keep[i].g < keep[j].g
	})
	if len(keep) > maxVocab {
		keep = keep[:maxVocab]
	}
	sort.Slice(keep, func(i, j int) bool { return keep[i].g < keep[j].g })
	grams := make([]string, len(keep))
	idf := make([]float32, len(keep))
	n := float64(len(ex))
	for i, k := range keep {
		grams[i] = k.g
		idf[i] = float32(math.Log((1+n)/(1+float64(k.n))) + 1)
	}
	return grams, idf
}

// headPlan is the list of heads: one detection head a category, and a
// level head for a consumer category whose training data has enough
// clauses of both levels.
type headPlan struct {
	names    []string
	catHead  map[string]int
	levelOf  map[string]int // category -> level head, absent if none
	fixedLvl map[string]int
}

const minPerLevel = 10

func planHeads(ex []Example) headPlan {
	p := headPlan{catHead: map[string]int{}, levelOf: map[string]int{}, fixedLvl: map[string]int{}}
	for _, c := range terms.Taxonomy {
		p.catHead[c.Name] = len(p.names)
		p.names = append(p.names, c.Name)
	}
	for _, c := range terms.Taxonomy {
		if c.Side != terms.Consumer {
			p.fixedLvl[c.Name] = 2
			continue
		}
		var n2, n3 int
		for _, e := range ex {
			if e.Side != terms.Consumer {
				continue
			}
			switch e.Labels[c.Name] {
			case 2:
				n2++
			case 3:
				n3++
			}
		}
		if n2 >= minPerLevel && n3 >= minPerLevel {
			p.levelOf[c.Name] = len(p.names)
			p.names = append(p.names, c.Name+"/level3")
		}
		p.fixedLvl[c.Name] = 2
		if n3 > n2 {
			p.fixedLvl[c.Name] = 3
		}
	}
	return p
}

// targets builds every head's target over the rows, with class weights.
func (p headPlan) targets(ex []Example, balance, otherSide float64) []Target {
	out := make([]Target, len(p.names))
	for _, c := range terms.Taxonomy {
		t := Target{Name: c.Name, Pos: make([]bool, len(ex)), Weight: make([]float64, len(ex))}
		for i, e := range ex {
			pos, use := target(e, c)
			t.Pos[i] = pos
			switch {
			case use && !pos && e.Side != "" && e.Side != c.Side:
				t.Weight[i] = otherSide
			case use:
				t.Weight[i] = 1
			}
		}
		out[p.catHead[c.Name]] = balanced(t, balance)
		if h, ok := p.levelOf[c.Name]; ok {
			lt := Target{Name: c.Name + "/level3", Pos: make([]bool, len(ex)), Weight: make([]float64, len(ex))}
			for i, e := range ex {
				if e.Side == terms.Consumer && e.Labels[c.Name] >= 2 {
					lt.Pos[i] = e.Labels[c.Name] == 3
					lt.Weight[i] = 1
				}
			}
			out[h] = balanced(lt, balance)
		}
	}
	return out
}

// balanced reweights t so positives and negatives move towards equal total
// weight: each side is scaled by (half the total / its total)^balance.
func balanced(t Target, balance float64) Target {
	var np, nn float64
	for i, w := range t.Weight {
		if t.Pos[i] {
			np += w
		} else {
			nn += w
		}
	}
	if np == 0 || nn == 0 {
		return t
	}
	half := (np + nn) / 2
	wp, wn := math.Pow(half/np, balance), math.Pow(half/nn, balance)
	for i := range t.Weight {
		if t.Pos[i] {
			t.Weight[i] *= wp
		} else {
			t.Weight[i] *= wn
		}
	}
	return t
}

// subset returns the target restricted to the given rows.
func subset(ts []Target, rows []int) []Target {
	out := make([]Target, len(ts))
	for j, t := range ts {
		s := Target{Name: t.Name, Pos: make([]bool, len(rows)), Weight: make([]float64, len(rows))}
		for i, r := range rows {
			s.Pos[i], s.Weight[i] = t.Pos[r], t.Weight[r]
		}
		out[j] = s
	}
	return out
}

// folds assigns each group to one of k folds, shuffled by the seed.
func folds(ex []Example, k int, seed uint64) []int {
	var groups []string
	seen := map[string]bool{}
	for _, e := range ex {
		if !seen[e.Group] {
			seen[e.Group] = true
			groups = append(groups, e.Group)
		}
	}
	sort.Strings(groups)
	rng := rand.New(rand.NewPCG(seed, 0xf01d))
	rng.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	// Each source's groups are dealt round-robin so every fold holds some
	// of each: CLAUDETTE's 25 documents five to a fold.
	foldOf := map[string]int{}
	next := map[string]int{}
	for _, g := range groups {
		src := sourceOf(g)
		foldOf[g] = next[src] % k
		next[src]++
	}
	out := make([]int, len(ex))
	for i, e := range ex {
		out[i] = foldOf[e.Group]
	}
	return out
}

// sourceOf is the file a group comes from: the part before '#' or ':',
// and "claudette" for the documents.
func sourceOf(group string) string {
	for i := range len(group) {
		if group[i] == '#' || group[i] == ':' {
			return group[:i]
		}
	}
	return "claudette"
}

// scoreRows returns every head's probability for the rows.
func scoreRows(l *Linear, vecs []terms.Vector, rows []int) [][]float64 {
	out := make([][]float64, len(rows))
	var m []float64
	for i, r := range rows {
		m = l.Margins(vecs[r], m)
		s := make([]float64, len(m))
		for j, z := range m {
			s[j] = 1 / (1 + math.Exp(-z))
		}
		out[i] = s
	}
	return out
}

// calibration is a category's decision parameters in one language.
type calibration struct {
	threshold, floor float64
}

// calibrate chooses a threshold and cue floor for one category and
// language from out-of-fold scores. Among the pairs whose precision
// reaches target it takes the one with the highest recall (recallFirst) or
// the highest F1, ties going to the higher threshold; when none reaches
// it, the pair with the best F0.5.
func calibrate(score []float64, pos []bool, cue []terms.CueMatch, target float64, recallFirst bool) (calibration, bool) {
	var grid []float64
	for i := 1; i < 100; i++ {
		grid = append(grid, float64(i)/100)
	}
	grid = append(grid, 0.995, 0.999)
	floors := []float64{1, 0.5, 0.25, 0.1, 0.03}
	type cand struct {
		c        calibration
		p, r, f1 float64
		f05      float64
	}
	var best, bestF cand
	found := false
	for ti := len(grid) - 1; ti >= 0; ti-- {
		t := grid[ti]
		for _, fm := range floors {
			fl := t * fm
			var c counts
			for i := range score {
				got, _ := terms.Decide(score[i], t, fl, cue[i])
				switch {
				case pos[i] && got:
					c.tp++
				case pos[i]:
					c.fn++
				case got:
					c.fp++
				}
			}
			if c.tp == 0 {
				continue
			}
			p, r := c.precision(), c.recall()
			x := cand{c: calibration{t, fl}, p: p, r: r, f1: c.f1(), f05: 1.25 * p * r / (0.25*p + r)}
			better := x.f1 > best.f1
			if recallFirst {
				better = x.r > best.r || (x.r == best.r && x.f1 > best.f1)
			}
			if p >= target && (!found || better) {
				best, found = x, true
			}
			if x.f05 > bestF.f05 {
				bestF = x
			}
		}
	}
	if found {
		return best.c, true
	}
	if bestF.c.threshold == 0 {
		return calibration{threshold: 0.5, floor: 0.5}, false
	}
	return bestF.c, false
}

// model turns fitted weights into a weights file.
func buildModel(opts trainOptions, plan headPlan, grams []string, idf []float32, l *Linear, cal map[string]map[string]calibration, sources []dataSource) (terms.ModelData, error) {
	info, err := json.Marshal(struct {
		Command string       `json:"command"`
		Options trainOptions `json:"options"`
		Data    []dataSource `json:"data"`
	}{"go run ./probes/terms/train train", opts, sources})
	if err != nil {
		return terms.ModelData{}, err
	}
	d := terms.ModelData{Format: terms.ModelFormat, Version: opts.Version, Training: info, Features: opts.Features, Grams: grams, IDF: idf}
	k := l.K
	// int16 per weight, scaled per head so its largest weight uses the
	// full range.
	raw := make([]byte, 2*k*len(grams))
	for j, name := range plan.names {
		var mx float64
		for f := range len(grams) {
			mx = math.Max(mx, math.Abs(l.W[f*k+j]))
		}
		scale := mx / 32767
		if scale == 0 {
			scale = 1
		}
		d.Heads = append(d.Heads, terms.Head{Name: name, Bias: l.B[j], Scale: scale})
		for f := range len(grams) {
			q := int16(math.Round(l.W[f*k+j] / scale))
			binary.LittleEndian.PutUint16(raw[2*(f*k+j):], uint16(q))
		}
	}
	d.Weights = base64.StdEncoding.EncodeToString(raw)
	for _, c := range terms.Taxonomy {
		mc := terms.ModelCategory{Name: c.Name, Head: plan.catHead[c.Name], LevelHead: -1, Level: plan.fixedLvl[c.Name],
			Thresholds: map[string]float64{}, CueFloor: map[string]float64{}}
		if h, ok := plan.levelOf[c.Name]; ok {
			mc.LevelHead = h
		}
		for lang, cl := range cal[c.Name] {
			mc.Thresholds[lang] = cl.threshold
			mc.CueFloor[lang] = cl.floor
		}
		d.Categories = append(d.Categories, mc)
	}
	return d, nil
}

// encodeModel writes d as gzip-compressed JSON; the bytes depend only on d.
func encodeModel(d terms.ModelData) ([]byte, error) {
	js, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	// No name or time in the header, so the same model gives the same bytes.
	if _, err := zw.Write(js); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// runTrain trains the model: cross-validation for calibration and the
// development figures, then a final fit on everything.
func runTrain(opts trainOptions, stdout io.Writer, log *slog.Logger) error {
	ex, sources, err := loadTraining(opts)
	if err != nil {
		return err
	}
	log.Info("data", "examples", len(ex))
	grams, idf := buildVocab(ex, opts.Features, opts.MinDF, opts.MaxVocab)
	log.Info("vocabulary", "grams", len(grams))
	vz, err := terms.NewVectorizer(opts.Features, grams, idf)
	if err != nil {
		return err
	}
	vecs := make([]terms.Vector, len(ex))
	for i, e := range ex {
		vecs[i] = vz.Vectorize(e.Text)
	}
	plan := planHeads(ex)
	tg := plan.targets(ex, opts.Balance, opts.OtherSide)
	cls, err := terms.NewClassifierWith(vz)
	if err != nil {
		return err
	}
	cues := make([][]terms.CueMatch, len(ex))
	for i, e := range ex {
		cues[i] = make([]terms.CueMatch, len(terms.Taxonomy))
		for j, c := range terms.Taxonomy {
			cues[i][j] = cls.MatchCue(c.Name, e.Lang, e.Text)
		}
	}

	// Out-of-fold scores, and the final fit on everything, as parallel
	// jobs: each writes only its own results, so the outcome does not
	// depend on the order they finish in.
	fold := folds(ex, opts.Folds, opts.Seed)
	oof := make([][]float64, len(ex))
	var final *Linear
	errs := make([]error, opts.Folds+1)
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for f := range opts.Folds + 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if f == opts.Folds {
				if opts.CVOnly {
					return
				}
				final, errs[f] = fit(vecs, len(grams), tg, opts.C, opts.MaxIter)
				log.Info("final fit done")
				return
			}
			var tr, te []int
			for i := range ex {
				if fold[i] == f {
					te = append(te, i)
				} else {
					tr = append(tr, i)
				}
			}
			l, err := fit(pick(vecs, tr), len(grams), subset(tg, tr), opts.C, opts.MaxIter)
			if err != nil {
				errs[f] = fmt.Errorf("fold %d: %w", f, err)
				return
			}
			for i, s := range scoreRows(l, vecs, te) {
				oof[te[i]] = s
			}
			log.Info("fold done", "fold", f, "train", len(tr), "test", len(te))
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}

	// Thresholds on all out-of-fold scores (shipped), and, for honest
	// development figures, each fold judged with thresholds calibrated on
	// the other folds.
	calAll := map[string]map[string]calibration{}
	pred := make([]map[string]bool, len(ex))
	for i := range pred {
		pred[i] = map[string]bool{}
	}
	for j, c := range terms.Taxonomy {
		prec := opts.PrecisionOther
		if highSeverity[c.Name] {
			prec = opts.PrecisionHigh
		}
		for _, lang := range []string{"zh", "en"} {
			sel := func(keep func(i int) bool) ([]float64, []bool, []terms.CueMatch, []int) {
				var s []float64
				var p []bool
				var cm []terms.CueMatch
				var idx []int
				for i, e := range ex {
					pos, use := target(e, c)
					// Thresholds are set on text of the category's own side, the
					// text it is defined for; firings on the other side's text
					// are reported below.
					if e.Lang != lang || e.Side != c.Side || !use || !keep(i) {
						continue
					}
					s, p, cm, idx = append(s, oof[i][plan.catHead[c.Name]]), append(p, pos), append(cm, cues[i][j]), append(idx, i)
				}
				return s, p, cm, idx
			}
			s, p, cm, _ := sel(func(int) bool { return true })
			cl, ok := calibrate(s, p, cm, prec, highSeverity[c.Name])
			if !ok {
				log.Warn("precision target not reached on development data; best F0.5 used", "category", c.Name, "lang", lang, "target", prec)
			}
			if calAll[c.Name] == nil {
				calAll[c.Name] = map[string]calibration{}
			}
			calAll[c.Name][lang] = cl
			for f := range opts.Folds {
				s, p, cm, _ := sel(func(i int) bool { return fold[i] != f })
				clf, _ := calibrate(s, p, cm, prec, highSeverity[c.Name])
				for i, e := range ex {
					if e.Lang != lang || fold[i] != f {
						continue
					}
					if got, _ := terms.Decide(oof[i][plan.catHead[c.Name]], clf.threshold, clf.floor, cues[i][j]); got {
						pred[i][c.Name] = true
					}
				}
			}
		}
	}
	var scored []Scored
	for i, e := range ex {
		scored = append(scored, Scored{Group: e.Group, Set: reportSet(e), Truth: e.Labels, Pred: pred[i]})
	}
	reps := report(scored, opts.Seed)
	var md bytes.Buffer
	fmt.Fprintf(&md, "Development figures: %d-fold cross-validation (CLAUDETTE split by document), thresholds of each fold calibrated on the other folds.\n", opts.Folds)
	writeReport(&md, reps)
	writeCrossSide(&md, ex, pred)
	writeCalibration(&md, calAll)
	if _, err := stdout.Write(md.Bytes()); err != nil {
		return err
	}
	if opts.Report != "" {
		if err := os.WriteFile(opts.Report, md.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if opts.CVOnly {
		return nil
	}

	d, err := buildModel(opts, plan, grams, idf, final, calAll, sources)
	if err != nil {
		return err
	}
	b, err := encodeModel(d)
	if err != nil {
		return err
	}
	if _, err := terms.ParseModel(b); err != nil {
		return fmt.Errorf("the model just trained does not load: %w", err)
	}
	if err := os.WriteFile(opts.Out, b, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	sum := sha256.Sum256(b)
	fmt.Fprintf(stdout, "\nwrote %s (%d bytes, sha256 %s)\n", opts.Out, len(b), hex.EncodeToString(sum[:]))
	return nil
}

func pick(vecs []terms.Vector, rows []int) []terms.Vector {
	out := make([]terms.Vector, len(rows))
	for i, r := range rows {
		out[i] = vecs[r]
	}
	return out
}

func writeCalibration(w io.Writer, cal map[string]map[string]calibration) {
	fmt.Fprintln(w, "\n### Calibrated thresholds (shipped)\n\n| category | zh threshold / cue floor | en threshold / cue floor |\n|---|---|---|")
	for _, c := range terms.Taxonomy {
		z, e := cal[c.Name]["zh"], cal[c.Name]["en"]
		fmt.Fprintf(w, "| %s | %.2f / %.3f | %.2f / %.3f |\n", c.Name, z.threshold, z.floor, e.threshold, e.floor)
	}
}

// writeCrossSide counts how often each category fired on sentences written
// for the other side of the contract that carry no label of it: a merchant
// category on consumer terms of service, and the converse.
func writeCrossSide(w io.Writer, ex []Example, pred []map[string]bool) {
	fmt.Fprintln(w, "\n### Firings on the other side's text\n\n| category | sentences of the other side | fired on (no label of the category) |\n|---|---|---|")
	for _, c := range terms.Taxonomy {
		n, fired := 0, 0
		for i, e := range ex {
			if e.Side == c.Side || e.Side == "" {
				continue
			}
			if pos, _ := target(e, c); pos {
				continue
			}
			n++
			if pred[i][c.Name] {
				fired++
			}
		}
		fmt.Fprintf(w, "| %s | %d | %d |\n", c.Name, n, fired)
	}
}
