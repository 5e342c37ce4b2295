// Package rules holds the obligation catalog: one entry per legal duty that
// platscan can check, with bilingual titles, the instrument and article it
// rests on, and which probe family gathers its evidence. The catalog ships
// inside the binary (catalog/*.yaml) and is the single source of truth for
// citations; policies name catalog ids and never spell out articles.
package rules

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/platscan/platscan/internal/yamlfile"
)

//go:embed catalog/*.yaml catalog/VERSION authorities/*.yaml
var embedded embed.FS

// Text is a string in English and Chinese.
type Text struct {
	EN string `yaml:"en" json:"en"`
	ZH string `yaml:"zh" json:"zh"`
}

// In returns the text in lang ("zh" or "en"), falling back to English.
func (t Text) In(lang string) string {
	if lang == "zh" && t.ZH != "" {
		return t.ZH
	}
	return t.EN
}

// Obligation is one catalog entry.
type Obligation struct {
	ID           string `yaml:"id" json:"id"`
	Title        Text   `yaml:"title" json:"title"`
	Instrument   Text   `yaml:"instrument" json:"instrument"`
	Article      string `yaml:"article" json:"article"`
	Jurisdiction string `yaml:"jurisdiction" json:"jurisdiction"`
	// Scope is the designation a platform needs before the duty can bind
	// it: "gatekeeper" (DMA) or "vlop" (DSA very large online platform).
	Scope string `yaml:"scope,omitempty" json:"scope,omitempty"`
	// EffectiveFrom is the date the article applies from, and
	// EffectiveClause the commencement clause that says so.
	EffectiveFrom   string `yaml:"effective_from" json:"effective_from"`
	EffectiveClause string `yaml:"effective_clause" json:"effective_clause"`
	// EffectiveUntil is the last day the article applied, for a text that
	// has been replaced (the 2019 Anti-Unfair Competition Law text).
	EffectiveUntil string `yaml:"effective_until,omitempty" json:"effective_until,omitempty"`
	// URL is the official page that holds the article's text.
	URL string `yaml:"url" json:"url"`
	// Summary says what the article says, in platscan's words, and no more.
	Summary Text `yaml:"summary" json:"summary"`
	// Interpretation is platscan's more specific reading, kept apart.
	Interpretation *Interpretation `yaml:"interpretation,omitempty" json:"interpretation,omitempty"`
	// Condition is what must hold before the duty binds or is breached.
	Condition *Condition `yaml:"condition,omitempty" json:"condition,omitempty"`
	Evidence  string     `yaml:"evidence" json:"evidence"`
	Family    string     `yaml:"family" json:"family"`
	Automated bool       `yaml:"automated" json:"automated"`
	Advisory  bool       `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	Severity  string     `yaml:"severity" json:"severity"`
	Related   []string   `yaml:"related,omitempty" json:"related,omitempty"`
	// Checked is when the entry was last read against the text named in
	// CheckedAgainst.
	Checked        string `yaml:"checked" json:"checked"`
	CheckedAgainst string `yaml:"checked_against" json:"checked_against"`
}

// Interpretation is platscan's more specific reading of an article: what
// its policies take the article to reach beyond the paraphrase (a
// self-preferencing ranking as harm to merchants, say), and what supports
// that reading. Findings show it apart from the statute, so a reader can
// weigh the two separately.
type Interpretation struct {
	Text    Text     `yaml:"text" json:"text"`
	Support []Source `yaml:"support" json:"support"`
}

// Source is a text relied on: a guideline, an enforcement decision, a
// draft, another article.
type Source struct {
	Title string `yaml:"title" json:"title"`
	URL   string `yaml:"url,omitempty" json:"url,omitempty"`
	Note  string `yaml:"note,omitempty" json:"note,omitempty"`
}

// Condition is what must hold, besides jurisdiction and scope, before the
// duty binds a platform or a breach of it can be reported.
type Condition struct {
	// Text states the condition for people.
	Text Text `yaml:"text" json:"text"`
	// MonthsAfterDesignation makes the duty bind a platform designated as
	// the entry's scope only from the day after this many months have run
	// from the designation date (DMA Art. 3(10): six; DSA Art. 33(6): four).
	MonthsAfterDesignation int `yaml:"months_after_designation,omitempty" json:"months_after_designation,omitempty"`
	// Requires names facts a finding must establish before it is raised
	// (a dominant position, several recommender options); a policy
	// establishes one by listing it in the finding's "conditions".
	Requires []string `yaml:"requires,omitempty" json:"requires,omitempty"`
}

// Citation is how a finding names the law it rests on: the statute, and
// apart from it platscan's interpretation where the entry has one.
type Citation struct {
	Rule           string          `json:"rule"`
	Instrument     string          `json:"instrument"`
	InstrumentZH   string          `json:"instrument_zh,omitempty"`
	Article        string          `json:"article"`
	Jurisdiction   string          `json:"jurisdiction"`
	URL            string          `json:"url,omitempty"`
	Interpretation *Interpretation `json:"interpretation,omitempty"`
}

// Citation returns the entry's citation.
func (o Obligation) Citation() Citation {
	return Citation{Rule: o.ID, Instrument: o.Instrument.EN, InstrumentZH: o.Instrument.ZH,
		Article: o.Article, Jurisdiction: o.Jurisdiction, URL: o.URL, Interpretation: o.Interpretation}
}

// Requires lists the facts a finding must establish (see Condition).
func (o Obligation) Requires() []string {
	if o.Condition == nil {
		return nil
	}
	return o.Condition.Requires
}

// Allowed values for enumerated fields.
var (
	Families      = []string{"pricing", "ranking", "interop", "terms", "rules", "interface"}
	Severities    = []string{"high", "medium", "low", "info"}
	Jurisdictions = []string{"cn", "cn-bj", "eu"}
	idPattern     = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]+)+$`)
	factPattern   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	datePattern   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// Catalog is a validated set of obligations, ordered by id.
type Catalog struct {
	list    []Obligation
	byID    map[string]int
	version string
	digest  string
}

// VersionFile names the file beside the catalog YAML that holds the
// catalog's version, which every run's manifest and finding carry.
const VersionFile = "VERSION"

// Default returns the catalog built into the binary.
func Default() (*Catalog, error) {
	return Load(embedded, "catalog")
}

// Load reads every *.yaml file in dir of fsys into one catalog, and its
// version from dir/VERSION when that file exists.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	var all []located
	h := sha256.New()
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load catalog: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path.Base(name), len(b))
		h.Write(b)
		entries, err := parse(name, b)
		if err != nil {
			return nil, err
		}
		all = append(all, entries...)
	}
	c, err := build(all)
	if err != nil {
		return nil, err
	}
	c.digest = hex.EncodeToString(h.Sum(nil))
	v, err := fs.ReadFile(fsys, path.Join(dir, VersionFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("load catalog version: %w", err)
	default:
		c.version = strings.TrimSpace(string(v))
	}
	return c, nil
}

// Parse validates a single catalog file.
func Parse(name string, data []byte) (*Catalog, error) {
	entries, err := parse(name, data)
	if err != nil {
		return nil, err
	}
	c, err := build(entries)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	c.digest = hex.EncodeToString(sum[:])
	return c, nil
}

// Version is the catalog's declared version ("" when it has none).
func (c *Catalog) Version() string { return c.version }

// Digest is the SHA-256 over the catalog's YAML files, so a test can tell
// when the entries changed and the version did not.
func (c *Catalog) Digest() string { return c.digest }

type located struct {
	o     Obligation
	doc   *yamlfile.Doc
	index int
}

func parse(name string, data []byte) ([]located, error) {
	var list []Obligation
	doc, err := yamlfile.Decode(name, data, &list)
	if err != nil {
		return nil, err
	}
	out := make([]located, len(list))
	for i, o := range list {
		out[i] = located{o: o, doc: doc, index: i}
		if err := validate(out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func validate(l located) error {
	o := l.o
	at := func(field, format string, args ...any) error {
		return l.doc.Errorf(fmt.Sprintf("$[%d].%s", l.index, field), format, args...)
	}
	switch {
	case !idPattern.MatchString(o.ID):
		return at("id", "%q is not an upper-case id such as CN-ECL-ART34-NOTICE7", o.ID)
	case o.Title.EN == "" || o.Title.ZH == "":
		return at("title", "needs both en and zh")
	case o.Instrument.EN == "" || o.Instrument.ZH == "":
		return at("instrument", "needs both en and zh")
	case o.Summary.EN == "" || o.Summary.ZH == "":
		return at("summary", "needs both en and zh")
	case o.Article == "":
		return at("article", "is required")
	case o.Evidence == "":
		return at("evidence", "is required")
	case !slices.Contains(Jurisdictions, o.Jurisdiction):
		return at("jurisdiction", "%q is not one of %s", o.Jurisdiction, strings.Join(Jurisdictions, ", "))
	case o.Scope != "" && !slices.Contains(Designations, o.Scope):
		return at("scope", "%q is not one of %s", o.Scope, strings.Join(Designations, ", "))
	case !slices.Contains(Families, o.Family):
		return at("family", "%q is not one of %s", o.Family, strings.Join(Families, ", "))
	case !slices.Contains(Severities, o.Severity):
		return at("severity", "%q is not one of %s", o.Severity, strings.Join(Severities, ", "))
	case !isDate(o.EffectiveFrom):
		return at("effective_from", "%q is not a YYYY-MM-DD date", o.EffectiveFrom)
	case o.EffectiveClause == "":
		return at("effective_clause", "name the commencement clause effective_from comes from")
	case o.EffectiveUntil != "" && (!isDate(o.EffectiveUntil) || o.EffectiveUntil < o.EffectiveFrom):
		return at("effective_until", "%q is not a YYYY-MM-DD date on or after effective_from", o.EffectiveUntil)
	case !isDate(o.Checked):
		return at("checked", "%q is not a YYYY-MM-DD date (when the entry was last read against its text)", o.Checked)
	case strings.TrimSpace(o.CheckedAgainst) == "":
		return at("checked_against", "name the text the entry was checked against")
	}
	if msg := urlProblem(o); msg != "" {
		return at("url", "%s", msg)
	}
	if i := o.Interpretation; i != nil {
		if i.Text.EN == "" || i.Text.ZH == "" {
			return at("interpretation.text", "needs both en and zh")
		}
		if len(i.Support) == 0 {
			return at("interpretation", "an interpretation needs support: name at least one source")
		}
		for k, s := range i.Support {
			if strings.TrimSpace(s.Title) == "" {
				return at(fmt.Sprintf("interpretation.support[%d]", k), "a source needs a title")
			}
		}
	}
	if c := o.Condition; c != nil {
		if c.Text.EN == "" || c.Text.ZH == "" {
			return at("condition.text", "needs both en and zh")
		}
		if c.MonthsAfterDesignation < 0 || (c.MonthsAfterDesignation > 0 && o.Scope == "") {
			return at("condition.months_after_designation", "counts from a designation: the entry needs a scope, and the months must be positive")
		}
		for k, f := range c.Requires {
			if !factPattern.MatchString(f) {
				return at(fmt.Sprintf("condition.requires[%d]", k), "%q is not a fact name such as dominant_position", f)
			}
		}
	}
	return nil
}

func isDate(s string) bool {
	if !datePattern.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// urlProblem says what is wrong with the entry's source URL, or "". A
// source must be the page that holds the article: never a bare home page,
// for EU acts a EUR-Lex address with the article's anchor (#art_N), for
// Chinese instruments an official gov.cn page (NPC, State Council, CAC,
// SAMR, Beijing government).
func urlProblem(o Obligation) string {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute http(s) URL", o.URL)
	}
	if u.Path == "" || u.Path == "/" {
		return fmt.Sprintf("%q is a home page; cite the page that holds the text of %s", o.URL, o.Article)
	}
	if o.Jurisdiction == "eu" {
		if u.Host != "eur-lex.europa.eu" {
			return fmt.Sprintf("%q: cite EU acts on eur-lex.europa.eu", o.URL)
		}
		if want := "art_" + articleNumber(o.Article); u.Fragment != want {
			return fmt.Sprintf("%q does not point at the article: end it with #%s", o.URL, want)
		}
		return ""
	}
	if u.Host != "gov.cn" && !strings.HasSuffix(u.Host, ".gov.cn") {
		return fmt.Sprintf("%q is not an official page: cite the NPC, State Council, CAC, SAMR or Beijing government page (a gov.cn host)", o.URL)
	}
	return ""
}

var leadingNumber = regexp.MustCompile(`\d+`)

// articleNumber is the article's number: "6" for "Art. 6(12)".
func articleNumber(a string) string { return leadingNumber.FindString(a) }

func build(entries []located) (*Catalog, error) {
	c := &Catalog{byID: map[string]int{}}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].o.ID < entries[j].o.ID })
	for _, l := range entries {
		if _, dup := c.byID[l.o.ID]; dup {
			return nil, l.doc.Errorf(fmt.Sprintf("$[%d].id", l.index), "duplicate id %s", l.o.ID)
		}
		c.byID[l.o.ID] = len(c.list)
		c.list = append(c.list, l.o)
	}
	for _, l := range entries {
		for i, r := range l.o.Related {
			if _, ok := c.byID[r]; !ok {
				return nil, l.doc.Errorf(fmt.Sprintf("$[%d].related[%d]", l.index, i), "unknown catalog id %s", r)
			}
		}
	}
	return c, nil
}

// Lookup returns the entry with id.
func (c *Catalog) Lookup(id string) (Obligation, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Obligation{}, false
	}
	return c.list[i], true
}

// All returns every entry, ordered by id.
func (c *Catalog) All() []Obligation { return slices.Clone(c.list) }
