package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/platscan/platscan/probes/terms"
)

// Example is one labelled sentence.
type Example struct {
	// ID names the example in its source (file:line, or document#n).
	ID string
	// Group is what cross-validation splits by: the document a sentence
	// comes from, so no document is on both sides of a split.
	Group string
	Lang  string
	// Side is the side of the contract the sentence was written for
	// (merchant or consumer); "" when unknown.
	Side string
	Text string
	// Labels maps each category the sentence is of to its level (2 or 3).
	Labels map[string]int
}

// categoryAliases maps names used by older corpora to the taxonomy.
var categoryAliases = map[string]string{
	"liability":       "limitation_of_liability",
	"contract_by_use": "contract_by_using",
}

// resolveCategory maps a label as written in a data file to a taxonomy
// category. A merchant-side "unilateral_change" is the merchant category.
func resolveCategory(name, side string) (terms.Category, error) {
	if a, ok := categoryAliases[name]; ok {
		name = a
	}
	if name == "unilateral_change" && side == terms.Merchant {
		name = "unilateral_change_m"
	}
	if c, ok := terms.LookupCategory(name); ok {
		return c, nil
	}
	if c, ok := terms.ByCode(name); ok {
		return c, nil
	}
	return terms.Category{}, fmt.Errorf("unknown category %q (want one of %s)", name, strings.Join(terms.CategoryNames(), ", "))
}

// loadTSV reads the project's first corpus (probes/terms/testdata/corpus.tsv):
// split, categories joined by +, label 1/0, lang, text. A row's side is
// that of its category; older categories that merged merchant and
// consumer meaning (unilateral_change) are read as merchant-side.
func loadTSV(path string) ([]Example, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", path, err)
	}
	var out []Example
	for n, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 5 || (p[2] != "0" && p[2] != "1") {
			return nil, fmt.Errorf("%s:%d: want split, category, label, lang, text", path, n+1)
		}
		e := Example{ID: fmt.Sprintf("%s:%d", filepath.Base(path), n+1), Lang: p[3], Text: p[4], Labels: map[string]int{}}
		for _, name := range strings.Split(p[1], "+") {
			side := terms.Consumer
			if name == "unilateral_change" || name == "suspension" {
				side = terms.Merchant
			}
			c, err := resolveCategory(name, side)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: category: %w", path, n+1, err)
			}
			if e.Side == "" {
				e.Side = c.Side
			}
			if p[2] == "1" {
				e.Labels[c.Name] = 2
			}
		}
		e.Group = e.ID
		out = append(out, e)
	}
	return out, nil
}

// clauseLine is one line of a JSON-lines clause file. Labels are either
// names ("exclusivity") or objects with a category and a level.
type clauseLine struct {
	ID     string            `json:"id"`
	Lang   string            `json:"lang"`
	Side   string            `json:"side"`
	Text   string            `json:"text"`
	Labels []json.RawMessage `json:"labels"`
	Note   string            `json:"note"`
	Group  string            `json:"group"`
}

// loadClauses reads a JSON-lines clause file: the Chinese corpus, the
// English merchant clauses, or a test set.
func loadClauses(path string) ([]Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load clauses %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var out []Example
	ids := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		at := fmt.Sprintf("%s:%d", path, n)
		var cl clauseLine
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cl); err != nil {
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		if cl.Lang != "zh" && cl.Lang != "en" {
			return nil, fmt.Errorf("%s: lang: %q is neither zh nor en", at, cl.Lang)
		}
		if strings.TrimSpace(cl.Text) == "" {
			return nil, fmt.Errorf("%s: text: empty", at)
		}
		if cl.Side != "" && cl.Side != terms.Merchant && cl.Side != terms.Consumer {
			return nil, fmt.Errorf("%s: side: %q is neither merchant nor consumer", at, cl.Side)
		}
		if cl.ID == "" {
			cl.ID = strconv.Itoa(n)
		}
		if prev, dup := ids[cl.ID]; dup {
			return nil, fmt.Errorf("%s: id: %q already used on line %d", at, cl.ID, prev)
		}
		ids[cl.ID] = n
		e := Example{ID: filepath.Base(path) + "#" + cl.ID, Lang: cl.Lang, Side: cl.Side, Text: cl.Text, Labels: map[string]int{}}
		e.Group = e.ID
		if cl.Group != "" {
			e.Group = filepath.Base(path) + "#" + cl.Group
		}
		for i, raw := range cl.Labels {
			name, level, err := parseLabel(raw)
			if err != nil {
				return nil, fmt.Errorf("%s: labels[%d]: %w", at, i, err)
			}
			c, err := resolveCategory(name, cl.Side)
			if err != nil {
				return nil, fmt.Errorf("%s: labels[%d]: %w", at, i, err)
			}
			if e.Side == "" {
				e.Side = c.Side
			}
			if level == 1 {
				continue // fair: not a detection
			}
			e.Labels[c.Name] = max(e.Labels[c.Name], level)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load clauses %s: %w", path, err)
	}
	return out, nil
}

func parseLabel(raw json.RawMessage) (string, int, error) {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		return name, 2, nil
	}
	var obj struct {
		Category string `json:"category"`
		Level    int    `json:"level"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&obj); err != nil {
		return "", 0, fmt.Errorf("want a category name or {category, level}: %w", err)
	}
	if obj.Level == 0 {
		obj.Level = 2
	}
	if obj.Level < 1 || obj.Level > 3 {
		return "", 0, fmt.Errorf("level %d is not 1, 2 or 3", obj.Level)
	}
	return obj.Category, obj.Level, nil
}

// Schemes of tagged documents.
const (
	SchemeClaudette = "claudette"
	SchemeMerchant  = "merchant"
)

// tagPattern matches CLAUDETTE tags (<ltd2>, </ch3>) and merchant tags
// (<exclusivity>). Which names count is decided by the scheme; anything
// else is left as text.
var tagPattern = regexp.MustCompile(`<(/?)([a-z_]+)([123]?)>`)

type tagSpan struct {
	category   string
	level      int
	start, end int // byte offsets into the untagged text
}

// untag removes the scheme's tags from raw and returns the text and the
// spans the tags enclosed. Tags may nest; an unclosed or stray tag is an
// error naming its line.
func untag(raw, scheme string) (string, []tagSpan, error) {
	var b strings.Builder
	var spans []tagSpan
	type open struct {
		name  string
		level int
		at    int
		line  int
	}
	var stack []open
	last := 0
	for _, m := range tagPattern.FindAllStringSubmatchIndex(raw, -1) {
		closing := m[3] > m[2]
		name := raw[m[4]:m[5]]
		levelText := raw[m[6]:m[7]]
		cat, level, ok := tagCategory(name, levelText, scheme)
		if !ok {
			continue
		}
		b.WriteString(raw[last:m[0]])
		last = m[1]
		line := strings.Count(raw[:m[0]], "\n") + 1
		if !closing {
			stack = append(stack, open{name: name + levelText, level: level, at: b.Len(), line: line})
			continue
		}
		i := len(stack) - 1
		for i >= 0 && stack[i].name != name+levelText {
			i--
		}
		if i < 0 {
			return "", nil, fmt.Errorf("line %d: </%s%s> closes no open tag", line, name, levelText)
		}
		o := stack[i]
		stack = slices.Delete(stack, i, i+1)
		spans = append(spans, tagSpan{category: cat, level: level, start: o.at, end: b.Len()})
	}
	if len(stack) > 0 {
		return "", nil, fmt.Errorf("line %d: <%s> is never closed", stack[0].line, stack[0].name)
	}
	b.WriteString(raw[last:])
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	return b.String(), spans, nil
}

func tagCategory(name, level, scheme string) (string, int, bool) {
	switch scheme {
	case SchemeClaudette:
		c, ok := terms.ByCode(name)
		if !ok || level == "" {
			return "", 0, false
		}
		n, _ := strconv.Atoi(level)
		return c.Name, n, true
	default:
		c, ok := terms.ByLabel(name)
		if !ok || level != "" {
			return "", 0, false
		}
		return c.Name, 2, true
	}
}

// plainWithMap is terms.PlainText that also returns, for every byte of
// its input, the offset in the output it went to (collapsed or dropped
// bytes map to the next kept byte).
func plainWithMap(body string) (string, []int) {
	var out strings.Builder
	m := make([]int, len(body)+1)
	pos := 0
	first := true
	for _, line := range strings.SplitAfter(body, "\n") {
		// Lines as strings.Lines gives them: each with its newline.
		start := pos
		pos += len(line)
		fields := fieldsIndex(line)
		if len(fields) == 0 {
			for i := start; i < pos; i++ {
				m[i] = out.Len()
			}
			continue
		}
		if !first {
			out.WriteByte('\n')
		}
		first = false
		cur := start
		for fi, f := range fields {
			if fi > 0 {
				out.WriteByte(' ')
			}
			for ; cur < start+f[0]; cur++ {
				m[cur] = out.Len()
			}
			for ; cur < start+f[1]; cur++ {
				m[cur] = out.Len()
				out.WriteByte(body[cur])
			}
		}
		for ; cur < pos; cur++ {
			m[cur] = out.Len()
		}
	}
	m[len(body)] = out.Len()
	return out.String(), m
}

// fieldsIndex returns the byte ranges of the non-space runs of s, split
// where strings.FieldsFunc(s, unicode.IsSpace) splits.
func fieldsIndex(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		if isSpace(r) {
			if start >= 0 {
				out = append(out, [2]int{start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// Doc is a tagged document read for training or evaluation.
type Doc struct {
	Name string
	// Text is the document's readable text, as the probe reads a
	// text/plain document; Lang its language.
	Text     string
	Lang     string
	Examples []Example
}

// loadTaggedDoc reads one tagged document, splits it into the probe's
// sentences and labels each by the tags it overlaps. A sentence overlaps
// a tag when they share at least one non-space character; the level is the
// highest of the overlapping tags of a category, and level 1 (fair) is no
// label.
func loadTaggedDoc(path, scheme, lang string) (Doc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Doc{}, fmt.Errorf("load document %s: %w", path, err)
	}
	raw, spans, err := untag(string(b), scheme)
	if err != nil {
		return Doc{}, fmt.Errorf("%s: %w", path, err)
	}
	text, m := plainWithMap(raw)
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if lang == "" || lang == "auto" {
		lang = terms.Language(text)
	}
	side := terms.Consumer
	if scheme == SchemeMerchant {
		side = terms.Merchant
	}
	doc := Doc{Name: name, Text: text, Lang: lang}
	for i, s := range terms.Sentences(text) {
		e := Example{ID: fmt.Sprintf("%s#%d", name, i+1), Group: name, Lang: lang, Side: side, Text: s.Text, Labels: map[string]int{}}
		for _, sp := range spans {
			a, z := m[sp.start], m[sp.end]
			if a < s.End && z > s.Start && strings.TrimSpace(text[max(a, s.Start):min(z, s.End)]) != "" {
				if sp.level >= 2 {
					e.Labels[sp.category] = max(e.Labels[sp.category], sp.level)
				}
			}
		}
		doc.Examples = append(doc.Examples, e)
	}
	return doc, nil
}

// loadTaggedDir reads every file of dir with one of the extensions,
// sorted by name.
func loadTaggedDir(dir, scheme, lang string, exts ...string) ([]Doc, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load documents %s: %w", dir, err)
	}
	var docs []Doc
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || !slices.Contains(exts, ext) {
			continue
		}
		d, err := loadTaggedDoc(filepath.Join(dir, e.Name()), scheme, lang)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("load documents %s: no %s files", dir, strings.Join(exts, " or "))
	}
	return docs, nil
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }
