package terms

import (
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/platscan/platscan/measure"
)

// Reading is what the terms probe reads from one page: its readable text's
// size and language, the clauses it classifies, and (for a rules page)
// the links to rule documents and whether the page is a rules centre.
type Reading struct {
	Format string `json:"format"`
	// Unsupported is true for a format the probe does not read (PDF).
	Unsupported bool               `json:"unsupported"`
	Lang        string             `json:"lang"`
	Chars       int                `json:"chars"`
	Clauses     []ClauseReading    `json:"clauses"`
	Hub         bool               `json:"hub"`
	RuleLinks   []measure.RuleLink `json:"rule_links"`
}

// ClauseReading is one classified clause.
type ClauseReading struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Cue      string `json:"cue"`
	Negated  bool   `json:"negated"`
	Negation string `json:"negation,omitempty"`
}

// Inspect reads a page (its decoded text, Content-Type and final URL) as
// the terms probe reads a rules or terms document; lang is the
// profile's terms.language ("", auto, zh or en).
func Inspect(text, contentType, pageURL, lang string) (Reading, error) {
	r := Reading{Format: mediaType(contentType), Clauses: []ClauseReading{}, RuleLinks: []measure.RuleLink{}}
	body, ok := documentText(r.Format, text)
	if !ok {
		r.Unsupported = true
		return r, nil
	}
	r.Lang = lang
	if r.Lang == "" || r.Lang == "auto" {
		r.Lang = language(body)
	}
	r.Chars = len([]rune(body))
	cls, err := NewClassifier()
	if err != nil {
		return r, fmt.Errorf("inspect %s: %w", pageURL, err)
	}
	for _, h := range cls.Classify(body, r.Lang) {
		r.Clauses = append(r.Clauses, ClauseReading{Category: h.Category, Text: h.Clause, Start: h.Start, End: h.End, Cue: h.Cue, Negated: h.Negated, Negation: h.Negation})
	}
	if isHTML(r.Format) {
		if doc, err := goquery.NewDocumentFromReader(strings.NewReader(text)); err == nil {
			r.RuleLinks, r.Hub = Hub(doc, pageURL)
		}
	}
	return r, nil
}
