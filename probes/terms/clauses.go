package terms

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
)

//go:embed cues.yaml
var cuesYAML []byte

type cueFile struct {
	Categories map[string]map[string]struct {
		Patterns   []string `yaml:"patterns"`
		Negations  []string `yaml:"negations"`
		Exceptions []string `yaml:"exceptions"`
		// Announcements are wordings of a change made with notice (a
		// stated date it takes effect): they save a sentence only where no
		// pattern matched, since "effective 1 May; we may change these
		// terms at any time" still reserves the right.
		Announcements []string `yaml:"announcements"`
	} `yaml:"categories"`
}

type cueSet struct {
	// any matches when one of patterns does: most clauses match no
	// category, and one combined expression rules them out in one pass.
	any       *regexp.Regexp
	patterns  []*regexp.Regexp
	negations []*regexp.Regexp
	// exceptions are saving conditions that may stand anywhere in the
	// sentence, usually after the cue ("…, except where the law provides
	// otherwise"), and make the clause no longer what the category means.
	exceptions    []*regexp.Regexp
	announcements []*regexp.Regexp
}

// Classifier finds clauses of known categories in a document's text: a
// learned model (character n-grams, one logistic regression per
// category) and the hand-written cues of cues.yaml, combined by Decide.
type Classifier struct {
	// cues[category][lang]
	cues  map[string]map[string]cueSet
	model *Model
}

// NewClassifier returns the shipped classifier: the embedded model and
// cue file.
func NewClassifier() (*Classifier, error) {
	m, err := ShippedModel()
	if err != nil {
		return nil, err
	}
	return NewClassifierWith(m)
}

// NewClassifierWith returns a classifier that uses model m with the
// embedded cues.
func NewClassifierWith(m *Model) (*Classifier, error) {
	c, err := parseCues(cuesYAML)
	if err != nil {
		return nil, err
	}
	c.model = m
	return c, nil
}

func parseCues(b []byte) (*Classifier, error) {
	var f cueFile
	if err := yaml.UnmarshalWithOptions(b, &f, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("terms cues: %w", err)
	}
	c := &Classifier{cues: map[string]map[string]cueSet{}}
	for cat, langs := range f.Categories {
		if _, ok := LookupCategory(cat); !ok {
			return nil, fmt.Errorf("terms cues: category %q is not in the taxonomy", cat)
		}
		c.cues[cat] = map[string]cueSet{}
		for lang, src := range langs {
			var cs cueSet
			var err error
			compile := func(ps []string) ([]*regexp.Regexp, error) {
				var out []*regexp.Regexp
				for _, p := range ps {
					re, err := regexp.Compile(p)
					if err != nil {
						return nil, fmt.Errorf("terms cues %s/%s: %w", cat, lang, err)
					}
					out = append(out, re)
				}
				return out, nil
			}
			if cs.patterns, err = compile(src.Patterns); err != nil {
				return nil, err
			}
			if len(src.Patterns) > 0 {
				if cs.any, err = regexp.Compile("(?:" + strings.Join(src.Patterns, ")|(?:") + ")"); err != nil {
					return nil, fmt.Errorf("terms cues %s/%s: %w", cat, lang, err)
				}
			}
			if cs.negations, err = compile(src.Negations); err != nil {
				return nil, err
			}
			if cs.exceptions, err = compile(src.Exceptions); err != nil {
				return nil, err
			}
			if cs.announcements, err = compile(src.Announcements); err != nil {
				return nil, err
			}
			c.cues[cat][lang] = cs
		}
	}
	return c, nil
}

// Categories lists the categories the classifier knows, in taxonomy order.
func (c *Classifier) Categories() []string { return CategoryNames() }

// Model returns the classifier's model.
func (c *Classifier) Model() *Model { return c.model }

// Hit is one clause of a category, or a clause a cue matched but a
// negation or saving exception cancelled (Negated), kept for review.
type Hit struct {
	Category string
	Side     string
	// Level is 3 for a clearly unfair clause, 2 for a potentially unfair
	// one (always 2 for merchant categories).
	Level  int
	Clause string
	Start  int // code points into the document text
	End    int
	// Score is the model's probability that the clause is of the
	// category; Threshold the calibrated score at which it counts.
	Score     float64
	Threshold float64
	// Explanation lists the n-grams that moved the score most.
	Explanation []Gram
	Cue         string // the text a cue pattern matched, "" if none did
	Negated     bool   // a negation before the cue, or a saving exception in the sentence
	Negation    string // the negation or exception text, when Negated
	// Source says what found the clause: model, cue or both.
	Source string
}

// Sources of a hit.
const (
	SourceModel = "model"
	SourceCue   = "cue"
	SourceBoth  = "both"
)

// CueMatch is what the cues of one category say about a sentence.
type CueMatch struct {
	Matched  bool
	Text     string
	Negated  bool
	Negation string
}

// Decide combines the model's score and the cue for one category. The
// clause is of the category when the score reaches the threshold, or when
// a cue matches and the score reaches the lower cue floor: a cue is
// written evidence of the wording, so less of the model's confidence is
// needed. A negated cue (a promise not to demand exclusivity, a saving
// exception) vetoes both: the model reads words, not the scope of a
// negation. source is "" when the clause is not of the category.
func Decide(score, threshold, floor float64, cue CueMatch) (fires bool, source string) {
	if cue.Matched && cue.Negated {
		return false, ""
	}
	model := score >= threshold
	switch {
	case model && cue.Matched:
		return true, SourceBoth
	case model:
		return true, SourceModel
	case cue.Matched && score >= floor:
		return true, SourceCue
	}
	return false, ""
}

// explainTop is how many n-grams an explanation lists.
const explainTop = 8

// Classify returns the clauses of text (in lang) that are of a category,
// and those a cue matched but a negation cancelled, in document order
// (categories in taxonomy order within a sentence).
func (c *Classifier) Classify(text, lang string) []Hit {
	var hits []Hit
	// Clauses come in order, so code-point offsets are counted
	// incrementally rather than from the start of the text each time.
	pos, runes := 0, 0
	at := func(b int) int {
		runes += utf8.RuneCountInString(text[pos:b])
		pos = b
		return runes
	}
	sc := c.model.getScratch()
	defer c.model.pool.Put(sc)
	var margins []float64
	for _, cl := range splitClauses(text) {
		// A short piece that ends a sentence ("恕不另行通知。") is a clause;
		// a short line without one is a heading or a label.
		if !clauseSized(cl.text) && !endsSentence(cl.text) || title(cl.text) {
			continue
		}
		first := len(hits)
		v := c.model.vectorize(cl.text, sc)
		margins = c.model.margins(v, margins)
		for _, cat := range Taxonomy {
			mc := c.model.cats[cat.Name]
			score := sigmoid(margins[mc.Head])
			t, floor := mc.Thresholds[lang], mc.CueFloor[lang]
			if t == 0 {
				t = 1 // an uncalibrated language: the model alone never fires
			}
			var cue CueMatch
			if score >= min(floor, t) {
				// Cues are only read where the model sees something: the
				// regular expressions cost far more than the model, and a
				// cue alone below the floor would not fire anyway. Negations
				// are read for every clause the model would report.
				cue = c.MatchCue(cat.Name, lang, cl.text)
			}
			fires, source := Decide(score, t, floor, cue)
			if !fires && !(cue.Matched && cue.Negated) {
				continue
			}
			h := Hit{Category: cat.Name, Side: cat.Side, Level: mc.Level, Clause: cl.text, Score: round4(score), Threshold: t,
				Explanation: c.model.explain(v, mc.Head, explainTop), Cue: cue.Text, Negated: !fires, Negation: cue.Negation, Source: source}
			if mc.LevelHead >= 0 && sigmoid(margins[mc.LevelHead]) >= 0.5 {
				h.Level = 3
			} else if mc.LevelHead >= 0 {
				h.Level = 2
			}
			if h.Negated {
				h.Source = SourceCue
			}
			hits = append(hits, h)
		}
		if len(hits) > first {
			start, end := at(cl.start), at(cl.end)
			for i := first; i < len(hits); i++ {
				hits[i].Start, hits[i].End = start, end
			}
		}
	}
	return hits
}

// MatchCue reads the cues of category in lang against one sentence.
func (c *Classifier) MatchCue(category, lang, sentence string) CueMatch {
	cs, ok := c.cues[category][lang]
	if !ok {
		return CueMatch{}
	}
	h, ok := cs.match(sentence)
	if !ok {
		return CueMatch{}
	}
	return CueMatch{Matched: true, Text: h.Cue, Negated: h.Negated, Negation: h.Negation}
}

// match reports the first non-negated pattern match, or failing that the
// first negated one (kept so a reviewer sees why it did not fire).
//
// A saving exception stands for the whole sentence, whichever pattern
// matched or none: a sentence that states a lawful notice period is no
// at-will change however the model scores its words, so an exception alone
// makes a negated match.
func (cs cueSet) match(clause string) (Hit, bool) {
	saving := ""
	for _, e := range cs.exceptions {
		if m := e.FindString(clause); m != "" {
			saving = m
			break
		}
	}
	if cs.any == nil || !cs.any.MatchString(clause) {
		for _, a := range cs.announcements {
			if m := a.FindString(clause); m != "" && saving == "" {
				saving = m
				break
			}
		}
		if saving != "" {
			return Hit{Negated: true, Negation: saving}, true
		}
		return Hit{}, false
	}
	var negated *Hit
	for _, re := range cs.patterns {
		loc := re.FindStringIndex(clause)
		if loc == nil {
			continue
		}
		sub := subClauseStart(clause, loc[0])
		before := clause[sub:loc[0]]
		// A negation that overlaps the cue itself (不得要求 inside a cue) counts too.
		window := clause[sub:loc[1]]
		neg := ""
		for _, n := range cs.negations {
			if m := n.FindString(before); m != "" {
				neg = m
				break
			}
			if m := n.FindStringIndex(window); m != nil && m[0] < loc[0]-sub+1 {
				neg = window[m[0]:m[1]]
				break
			}
		}
		if neg == "" {
			neg = saving
		}
		h := Hit{Cue: clause[loc[0]:loc[1]]}
		if neg == "" {
			return h, true
		}
		if negated == nil {
			h.Negated, h.Negation = true, neg
			negated = &h
		}
	}
	if negated != nil {
		return *negated, true
	}
	return Hit{}, false
}

// subClauseStart finds where the sub-clause containing byte i begins:
// after the last comma or semicolon before i.
func subClauseStart(s string, i int) int {
	j := strings.LastIndexAny(s[:i], ",;，；、:：")
	if j < 0 {
		return 0
	}
	_, size := firstRune(s[j:])
	return j + size
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

type span struct {
	text       string
	start, end int // byte offsets
}

// Sentence is one sentence of a document's readable text, as the probe
// classifies it; Start and End are byte offsets into the text.
type Sentence struct {
	Text       string
	Start, End int
}

// Sentences splits readable text into the sentences the probe classifies.
func Sentences(text string) []Sentence {
	spans := splitClauses(text)
	out := make([]Sentence, len(spans))
	for i, s := range spans {
		out[i] = Sentence{Text: s.text, Start: s.start, End: s.end}
	}
	return out
}

// abbreviations end with a full stop that does not end the sentence.
var abbreviations = map[string]bool{"e.g": true, "i.e": true, "inc": true, "ltd": true, "co": true, "corp": true,
	"no": true, "nos": true, "art": true, "sec": true, "para": true, "mr": true, "ms": true, "mrs": true, "dr": true,
	"st": true, "vs": true, "cf": true, "approx": true, "incl": true}

// abbreviation reports whether before ends with an abbreviation or an
// initial ("U.S", "J"), so the full stop after it is no sentence end.
func abbreviation(before string) bool {
	w := before[strings.LastIndexAny(before, " (\n")+1:]
	if w == "" {
		return false
	}
	if abbreviations[strings.ToLower(w)] {
		return true
	}
	// A single letter, or letters joined by full stops (U.S, e.g).
	for _, part := range strings.Split(w, ".") {
		if len(part) != 1 || !(part[0] >= 'A' && part[0] <= 'Z' || part[0] >= 'a' && part[0] <= 'z') {
			return false
		}
	}
	return true
}

// clauseSized reports whether a piece of text is long enough to be a
// clause: one that grants, restricts or promises something has a subject,
// a verb and an object. A heading or a link label ("规则变更公告", "Terms
// of Service") is shorter, and the model, which reads words, scores the
// words of its topic as if they were the clause: on an independent
// marketplace, headings of notices were reported as at-will changes.
// Han, kana and hangul count one each, a word of other scripts two: eight
// is two four-character words of Chinese, four words of English.
func clauseSized(s string) bool {
	n, inWord := 0, false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			n++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				n += 2
			}
			inWord = true
		default:
			inWord = false
		}
		if n >= 8 {
			return true
		}
	}
	return false
}

// endsSentence reports text that ends with a sentence's punctuation.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("。！？；.!?;", r)
}

// titleEnd marks a line that names a document rather than saying
// something: no sentence-final punctuation, and it ends in a word for a
// kind of document ("平台规则总则", "Seller Terms of Service").
var titleEnd = regexp.MustCompile(`(规则|协议|条款|总则|细则|办法|公告|通知|说明|政策|须知|指南|声明|章程|标准|规范|目录)(（[^）]*）)?$|(?i)\b(terms( of (service|use|sale))?|conditions|polic(y|ies)|agreement|rules|notice|guidelines|code of conduct)( \([^)]*\))?$`)

// title reports a document's or section's title: a line the splitter
// gives whole, without the punctuation that ends a sentence.
func title(s string) bool {
	return !strings.ContainsAny(s, "。．.！!？?；;，,：:") && titleEnd.MatchString(s) && !modal.MatchString(s)
}

// modal words make a line a statement, even one that ends in "rules"
// and lost its full stop ("平台可随时修改本规则", "We may change these rules").
// Single characters (会, 应, 可) would also hit nouns in titles (会员,
// 供应商, 许可), so the words are whole.
var modal = regexp.MustCompile(`可以|可能|可随时|有权|应当|应该|应予|不得|必须|无须|无需|将会|将于|保留|(?i)\b(may|shall|will|must|can|reserves?)\b`)

// splitClauses cuts text into sentences: at line breaks, at Chinese
// full stops, question and exclamation marks and semicolons, and at an
// English full stop followed by a space, unless it ends an abbreviation
// or an initial ("e.g. ", "U.S. ", "Inc. ").
func splitClauses(text string) []span {
	var out []span
	start := 0
	emit := func(end int) {
		seg := text[start:end]
		trimmed := strings.TrimSpace(seg)
		if trimmed != "" {
			lead := strings.Index(seg, trimmed)
			out = append(out, span{text: trimmed, start: start + lead, end: start + lead + len(trimmed)})
		}
	}
	for i, r := range text {
		switch r {
		case '\n':
			emit(i)
			start = i + 1
		case '。', '！', '？', '；':
			end := i + len(string(r))
			emit(end)
			start = end
		case '.', '!', '?':
			if i+1 < len(text) && text[i+1] == ' ' && !(r == '.' && abbreviation(text[start:i])) {
				emit(i + 1)
				start = i + 1
			}
		}
	}
	emit(len(text))
	return out
}
