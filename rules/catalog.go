// Package rules holds the obligation catalog: one entry per legal duty that
// platscan can check, with bilingual titles, the instrument and article it
// rests on, and which probe family gathers its evidence. The catalog ships
// inside the binary (catalog/*.yaml) and is the single source of truth for
// citations; policies name catalog ids and never spell out articles.
package rules

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/platscan/platscan/internal/yamlfile"
)

//go:embed catalog/*.yaml authorities/*.yaml
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
	ID            string   `yaml:"id" json:"id"`
	Title         Text     `yaml:"title" json:"title"`
	Instrument    Text     `yaml:"instrument" json:"instrument"`
	Article       string   `yaml:"article" json:"article"`
	Jurisdiction  string   `yaml:"jurisdiction" json:"jurisdiction"`
	Scope         string   `yaml:"scope,omitempty" json:"scope,omitempty"`
	EffectiveFrom string   `yaml:"effective_from" json:"effective_from"`
	URL           string   `yaml:"url" json:"url"`
	Summary       Text     `yaml:"summary" json:"summary"`
	Evidence      string   `yaml:"evidence" json:"evidence"`
	Family        string   `yaml:"family" json:"family"`
	Automated     bool     `yaml:"automated" json:"automated"`
	Advisory      bool     `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	Severity      string   `yaml:"severity" json:"severity"`
	Related       []string `yaml:"related,omitempty" json:"related,omitempty"`
}

// Citation is how a finding names the law it rests on.
type Citation struct {
	Rule         string `json:"rule"`
	Instrument   string `json:"instrument"`
	InstrumentZH string `json:"instrument_zh,omitempty"`
	Article      string `json:"article"`
	Jurisdiction string `json:"jurisdiction"`
	URL          string `json:"url,omitempty"`
}

// Citation returns the entry's citation.
func (o Obligation) Citation() Citation {
	return Citation{Rule: o.ID, Instrument: o.Instrument.EN, InstrumentZH: o.Instrument.ZH,
		Article: o.Article, Jurisdiction: o.Jurisdiction, URL: o.URL}
}

// AppliesTo reports whether the entry binds a platform operating in the
// given jurisdictions. A sub-national code implies its country: a platform
// in "cn-bj" is bound by "cn" law too, but "cn" alone does not bring in
// Beijing's local regulations.
func (o Obligation) AppliesTo(jurisdictions []string) bool {
	return o.appliesIn(jurisdictions)
}

// AppliesToPlatform is AppliesTo plus scope: an obligation scoped to
// gatekeepers (DMA) or very large platforms (DSA Art. 38) binds only a
// platform the profile designates so.
func (o Obligation) AppliesToPlatform(jurisdictions, designations []string) bool {
	if o.Scope != "" && !slices.Contains(designations, o.Scope) {
		return false
	}
	return o.appliesIn(jurisdictions)
}

func (o Obligation) appliesIn(jurisdictions []string) bool {
	for _, j := range jurisdictions {
		j = strings.ToLower(j)
		if j == o.Jurisdiction {
			return true
		}
		if country, _, ok := strings.Cut(j, "-"); ok && country == o.Jurisdiction {
			return true
		}
	}
	return false
}

// Allowed values for enumerated fields.
var (
	Families      = []string{"pricing", "ranking", "interop", "terms", "rules", "interface"}
	Severities    = []string{"high", "medium", "low", "info"}
	Jurisdictions = []string{"cn", "cn-bj", "eu"}
	idPattern     = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]+)+$`)
	datePattern   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// Catalog is a validated set of obligations, ordered by id.
type Catalog struct {
	list []Obligation
	byID map[string]int
}

// Default returns the catalog built into the binary.
func Default() (*Catalog, error) {
	return Load(embedded, "catalog")
}

// Load reads every *.yaml file in dir of fsys into one catalog.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	var all []located
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load catalog: %w", err)
		}
		entries, err := parse(name, b)
		if err != nil {
			return nil, err
		}
		all = append(all, entries...)
	}
	return build(all)
}

// Parse validates a single catalog file.
func Parse(name string, data []byte) (*Catalog, error) {
	entries, err := parse(name, data)
	if err != nil {
		return nil, err
	}
	return build(entries)
}

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
	case !slices.Contains(Families, o.Family):
		return at("family", "%q is not one of %s", o.Family, strings.Join(Families, ", "))
	case !slices.Contains(Severities, o.Severity):
		return at("severity", "%q is not one of %s", o.Severity, strings.Join(Severities, ", "))
	case !datePattern.MatchString(o.EffectiveFrom):
		return at("effective_from", "%q is not a YYYY-MM-DD date", o.EffectiveFrom)
	}
	return nil
}

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
