package terms

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
)

// ModelFormat names the layout of the weights file; a file of another
// format is refused.
const ModelFormat = "platscan-terms-model/1"

// ModelFile is the path of the shipped weights, relative to this package.
const ModelFile = "model/terms-model.json.gz"

//go:embed model/terms-model.json.gz
var modelGz []byte

// ModelData is the content of a weights file: what the training command
// writes and the probe reads. One logistic regression per head over the
// same tf-idf character n-gram features; a category has a detection head
// and, when the training data had enough of both levels, a second head
// that tells clearly unfair (3) from potentially unfair (2) clauses.
type ModelData struct {
	Format  string `json:"format"`
	Version string `json:"version"`
	// Training records how the model was made: the command, the data
	// files with their SHA-256, the options and the seed.
	Training   json.RawMessage `json:"training"`
	Features   FeatureSpec     `json:"features"`
	Heads      []Head          `json:"heads"`
	Categories []ModelCategory `json:"categories"`
	// Grams is the vocabulary; IDF its inverse document frequencies.
	Grams []string  `json:"grams"`
	IDF   []float32 `json:"idf"`
	// Weights holds, for every gram in order, one weight per head, as
	// little-endian int16 quantised by the head's Scale, base64-encoded.
	Weights string `json:"weights"`
}

// Head is one linear model: score = sigmoid(Bias + Scale * sum(q * x)).
type Head struct {
	Name  string  `json:"name"`
	Bias  float64 `json:"bias"`
	Scale float64 `json:"scale"`
}

// ModelCategory ties a category to its heads and calibrated thresholds.
type ModelCategory struct {
	Name string `json:"name"`
	// Head is the index of the detection head.
	Head int `json:"head"`
	// LevelHead is the index of the level head, -1 when the level is
	// fixed to Level.
	LevelHead int `json:"level_head"`
	Level     int `json:"level"`
	// Thresholds maps a language to the detection score at or above which
	// a clause is of the category, calibrated on development data.
	Thresholds map[string]float64 `json:"thresholds"`
	// CueFloor is the lower score at which a clause that a cue also
	// matches is of the category.
	CueFloor map[string]float64 `json:"cue_floor"`
}

// Model is a loaded weights file.
type Model struct {
	data ModelData
	sha  string
	k    int // heads
	w    []float32
	idf  []float32
	// keys and ids are an open-addressing table from an n-gram's hash to
	// its index in the vocabulary; 0 marks a free slot. Keys apart from
	// ids keep the probed array small.
	keys []uint64
	ids  []int32
	mask uint64
	cats map[string]ModelCategory
	pool sync.Pool
}

var shipped = sync.OnceValues(func() (*Model, error) {
	m, err := ParseModel(modelGz)
	if err != nil {
		return nil, fmt.Errorf("shipped terms model %s: %w", ModelFile, err)
	}
	return m, nil
})

// ShippedModel returns the model embedded in the binary.
func ShippedModel() (*Model, error) { return shipped() }

// ModelSHA256 returns the SHA-256 of the shipped weights file, as it is
// in the repository (gzip bytes), for the run's manifest.
func ModelSHA256() string {
	sum := sha256.Sum256(modelGz)
	return hex.EncodeToString(sum[:])
}

// ParseModel reads a gzip-compressed weights file.
func ParseModel(gz []byte) (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	var d ModelData
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	m, err := NewModel(d)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(gz)
	m.sha = hex.EncodeToString(sum[:])
	return m, nil
}

// NewModel checks d and prepares it for scoring.
func NewModel(d ModelData) (*Model, error) {
	if d.Format != ModelFormat {
		return nil, fmt.Errorf("model format %q, want %q", d.Format, ModelFormat)
	}
	m, err := NewVectorizer(d.Features, d.Grams, d.IDF)
	if err != nil {
		return nil, err
	}
	k := len(d.Heads)
	raw, err := base64.StdEncoding.DecodeString(d.Weights)
	if err != nil {
		return nil, fmt.Errorf("model weights: %w", err)
	}
	if len(raw) != 2*k*len(d.Grams) {
		return nil, fmt.Errorf("model weights: %d bytes for %d grams and %d heads", len(raw), len(d.Grams), k)
	}
	m.data, m.k = d, k
	m.w = make([]float32, k*len(d.Grams))
	for i := range m.w {
		q := int16(binary.LittleEndian.Uint16(raw[2*i:]))
		m.w[i] = float32(float64(q) * d.Heads[i%k].Scale)
	}
	for _, c := range d.Categories {
		if _, ok := LookupCategory(c.Name); !ok {
			return nil, fmt.Errorf("model category %q is not in the taxonomy", c.Name)
		}
		if c.Head < 0 || c.Head >= k || c.LevelHead >= k {
			return nil, fmt.Errorf("model category %q: head out of range", c.Name)
		}
		if c.Level != 2 && c.Level != 3 {
			return nil, fmt.Errorf("model category %q: level %d is not 2 or 3", c.Name, c.Level)
		}
		m.cats[c.Name] = c
	}
	for _, c := range Taxonomy {
		if _, ok := m.cats[c.Name]; !ok {
			return nil, fmt.Errorf("model has no head for category %q", c.Name)
		}
	}
	return m, nil
}

// NewVectorizer returns a model with a vocabulary and no heads: it turns
// sentences into feature vectors exactly as a trained model will, which
// is what the training command needs.
func NewVectorizer(spec FeatureSpec, grams []string, idf []float32) (*Model, error) {
	if spec.HanMax < 1 || spec.LatinMin < 1 || spec.LatinMax < spec.LatinMin {
		return nil, fmt.Errorf("model features %+v: lengths out of range", spec)
	}
	if len(idf) != len(grams) {
		return nil, fmt.Errorf("model: %d grams but %d idf values", len(grams), len(idf))
	}
	m := &Model{data: ModelData{Format: ModelFormat, Features: spec, Grams: grams, IDF: idf}, idf: idf, cats: map[string]ModelCategory{}}
	size := 1
	for size < 2*len(grams) {
		size <<= 1
	}
	m.keys, m.ids = make([]uint64, size), make([]int32, size)
	m.mask = uint64(size - 1)
	for i, g := range grams {
		h := gramHash(g)
		if h == 0 {
			return nil, fmt.Errorf("model gram %q hashes to 0", g)
		}
		j := h & m.mask
		for m.keys[j] != 0 {
			if m.keys[j] == h {
				return nil, fmt.Errorf("model grams %q and %q share a hash", grams[m.ids[j]], g)
			}
			j = (j + 1) & m.mask
		}
		m.keys[j], m.ids[j] = h, int32(i)
	}
	return m, nil
}

// SHA256 is the hash of the file the model was read from ("" when built
// in memory).
func (m *Model) SHA256() string { return m.sha }

// Version is the model's version string.
func (m *Model) Version() string { return m.data.Version }

// Data returns the model's content.
func (m *Model) Data() ModelData { return m.data }

// Category returns the model's calibration for a category.
func (m *Model) Category(name string) (ModelCategory, bool) {
	c, ok := m.cats[name]
	return c, ok
}

func (m *Model) lookup(h uint64) int32 {
	j := h & m.mask
	for {
		switch m.keys[j] {
		case h:
			return m.ids[j]
		case 0:
			return -1
		}
		j = (j + 1) & m.mask
	}
}

// Vector is a sentence's features: tf-idf weights of the vocabulary
// grams it holds, L2-normalised.
type Vector struct {
	IDs []int32
	X   []float32
}

func (m *Model) vectorize(s string, sc *scratch) Vector {
	if len(sc.seen) < len(m.data.Grams) {
		sc.seen = make([]uint32, len(m.data.Grams))
		sc.at = make([]int32, len(m.data.Grams))
		sc.stamp = 0
	}
	sc.stamp++
	if sc.stamp == 0 { // wrapped: forget every stamp
		clear(sc.seen)
		sc.stamp = 1
	}
	sc.feats = sc.feats[:0]
	m.data.Features.eachGram(s, sc, func(_ []byte, h uint64) {
		id := m.lookup(h)
		if id < 0 {
			return
		}
		if sc.seen[id] == sc.stamp {
			sc.feats[sc.at[id]].count++
			return
		}
		sc.seen[id] = sc.stamp
		sc.at[id] = int32(len(sc.feats))
		sc.feats = append(sc.feats, feat{id: id, count: 1})
	})
	// The vector lives in the scratch buffers until the next sentence.
	sc.ids, sc.xs = slices.Grow(sc.ids[:0], len(sc.feats))[:len(sc.feats)], slices.Grow(sc.xs[:0], len(sc.feats))[:len(sc.feats)]
	v := Vector{IDs: sc.ids, X: sc.xs}
	var norm float64
	for i, f := range sc.feats {
		x := (1 + math.Log(float64(f.count))) * float64(m.idf[f.id])
		v.IDs[i], v.X[i] = f.id, float32(x)
		norm += x * x
	}
	if norm > 0 {
		inv := 1 / math.Sqrt(norm)
		for i := range v.X {
			v.X[i] = float32(float64(v.X[i]) * inv)
		}
	}
	return v
}

// Vectorize returns the feature vector of a sentence, the input of every
// head: the training command uses it so that training and inference see
// the same features.
func (m *Model) Vectorize(s string) Vector {
	sc := m.getScratch()
	defer m.pool.Put(sc)
	v := m.vectorize(s, sc)
	return Vector{IDs: slices.Clone(v.IDs), X: slices.Clone(v.X)}
}

func (m *Model) getScratch() *scratch {
	if sc, ok := m.pool.Get().(*scratch); ok {
		return sc
	}
	return &scratch{}
}

// margins returns bias + w·x for every head.
func (m *Model) margins(v Vector, out []float64) []float64 {
	out = out[:0]
	for _, h := range m.data.Heads {
		out = append(out, h.Bias)
	}
	k := m.k
	o := out[:k]
	for i, id := range v.IDs {
		x := float64(v.X[i])
		row := m.w[int(id)*k:][:len(o)]
		for j, w := range row {
			o[j] += x * float64(w)
		}
	}
	return out
}

// Scores returns the probability of every head for a sentence.
func (m *Model) Scores(s string) []float64 {
	v := m.Vectorize(s)
	out := m.margins(v, nil)
	for i := range out {
		out[i] = sigmoid(out[i])
	}
	return out
}

// HeadNames lists the heads in order.
func (m *Model) HeadNames() []string {
	out := make([]string, m.k)
	for i, h := range m.data.Heads {
		out[i] = h.Name
	}
	return out
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Gram is one feature's part in a score: the n-gram and what it added to
// the head's margin (its weight times its tf-idf value).
type Gram struct {
	Gram   string  `json:"gram"`
	Weight float64 `json:"weight"`
}

// explain returns the n grams of v that moved head's margin most, either
// way, largest first (ties by the gram). It keeps the n best in a small
// sorted array as it goes: sorting every n-gram of every reported
// sentence took a third of the classifier's time.
func (m *Model) explain(v Vector, head, n int) []Gram {
	type cand struct {
		id int32
		c  float64
	}
	better := func(a, b cand) bool {
		if x, y := math.Abs(a.c), math.Abs(b.c); x != y {
			return x > y
		}
		return m.data.Grams[a.id] < m.data.Grams[b.id]
	}
	top := make([]cand, 0, n+1)
	for i, id := range v.IDs {
		c := float64(v.X[i]) * float64(m.w[int(id)*m.k+head])
		if c == 0 {
			continue
		}
		x := cand{id, c}
		if len(top) == n && !better(x, top[n-1]) {
			continue
		}
		j := len(top)
		top = append(top, x)
		for j > 0 && better(x, top[j-1]) {
			top[j] = top[j-1]
			j--
		}
		top[j] = x
		if len(top) > n {
			top = top[:n]
		}
	}
	out := make([]Gram, len(top))
	for i, t := range top {
		out[i] = Gram{Gram: m.data.Grams[t.id], Weight: round4(t.c)}
	}
	return out
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
