package terms

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
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
	exceptions []*regexp.Regexp
}

// Classifier finds clauses of known categories in a document's text.
type Classifier struct {
	// cues[category][lang]
	cues map[string]map[string]cueSet
}

// NewClassifier compiles the embedded cue file.
func NewClassifier() (*Classifier, error) { return parseCues(cuesYAML) }

func parseCues(b []byte) (*Classifier, error) {
	var f cueFile
	if err := yaml.UnmarshalWithOptions(b, &f, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("terms cues: %w", err)
	}
	c := &Classifier{cues: map[string]map[string]cueSet{}}
	for cat, langs := range f.Categories {
		c.cues[cat] = map[string]cueSet{}
		for lang, src := range langs {
			var cs cueSet
			var err error
			for _, p := range src.Patterns {
				re, err := regexp.Compile(p)
				if err != nil {
					return nil, fmt.Errorf("terms cues %s/%s: %w", cat, lang, err)
				}
				cs.patterns = append(cs.patterns, re)
			}
			if len(src.Patterns) > 0 {
				if cs.any, err = regexp.Compile("(?:" + strings.Join(src.Patterns, ")|(?:") + ")"); err != nil {
					return nil, fmt.Errorf("terms cues %s/%s: %w", cat, lang, err)
				}
			}
			for _, p := range src.Negations {
				re, err := regexp.Compile(p)
				if err != nil {
					return nil, fmt.Errorf("terms cues %s/%s: %w", cat, lang, err)
				}
				cs.negations = append(cs.negations, re)
			}
			for _, p := range src.Exceptions {
				re, err := regexp.Compile(p)
				if err != nil {
					return nil, fmt.Errorf("terms cues %s/%s: %w", cat, lang, err)
				}
				cs.exceptions = append(cs.exceptions, re)
			}
			c.cues[cat][lang] = cs
		}
	}
	return c, nil
}

// Categories lists the categories the classifier knows, sorted.
func (c *Classifier) Categories() []string {
	out := make([]string, 0, len(c.cues))
	for k := range c.cues {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Hit is one matching clause.
type Hit struct {
	Category string
	Clause   string
	Start    int // code points into the document text
	End      int
	Cue      string // the text the pattern matched
	Negated  bool   // a negation before the cue, or a saving exception in the sentence
	Negation string // the negation or exception text, when Negated
}

// Classify returns the clauses of text (in lang) that match a category,
// in document order. A clause that matches several patterns of one
// category is reported once.
func (c *Classifier) Classify(text, lang string) []Hit {
	var hits []Hit
	cats := c.Categories()
	// Clauses come in order, so code-point offsets are counted
	// incrementally rather than from the start of the text each time.
	pos, runes := 0, 0
	at := func(b int) int {
		runes += utf8.RuneCountInString(text[pos:b])
		pos = b
		return runes
	}
	for _, cl := range splitClauses(text) {
		first := len(hits)
		for _, cat := range cats {
			cs, ok := c.cues[cat][lang]
			if !ok {
				continue
			}
			if h, ok := cs.match(cl.text); ok {
				h.Category = cat
				h.Clause = cl.text
				hits = append(hits, h)
			}
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

// match reports the first non-negated pattern match, or failing that the
// first negated one (kept so a reviewer sees why it did not fire).
func (cs cueSet) match(clause string) (Hit, bool) {
	if cs.any == nil || !cs.any.MatchString(clause) {
		return Hit{}, false
	}
	// A saving exception stands for the whole sentence, whichever pattern
	// matched, so it is looked for once.
	saving := ""
	for _, e := range cs.exceptions {
		if m := e.FindString(clause); m != "" {
			saving = m
			break
		}
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

// splitClauses cuts text into sentences: at line breaks, at Chinese
// full stops, question and exclamation marks and semicolons, and at an
// English full stop followed by a space.
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
			if i+1 < len(text) && text[i+1] == ' ' {
				emit(i + 1)
				start = i + 1
			}
		}
	}
	emit(len(text))
	return out
}
