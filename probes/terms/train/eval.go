package main

import (
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/platscan/platscan/probes/terms"
)

// evalOptions are the eval command's settings.
type evalOptions struct {
	Clauses string
	Docs    string
	Scheme  string
	Lang    string
	Model   string
	Seed    uint64
}

// classifier returns the shipped classifier, or one with the model file
// given.
func classifier(path string) (*terms.Classifier, error) {
	if path == "" {
		return terms.NewClassifier()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	m, err := terms.ParseModel(b)
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", path, err)
	}
	return terms.NewClassifierWith(m)
}

// runEval scores a test set with the classifier exactly as the probe runs
// it and prints the figures.
func runEval(opts evalOptions, stdout io.Writer) error {
	cls, err := classifier(opts.Model)
	if err != nil {
		return err
	}
	var rows []Scored
	if opts.Clauses != "" {
		ex, err := loadClauses(opts.Clauses)
		if err != nil {
			return err
		}
		rows = evalClauses(cls, ex, opts.Scheme)
	}
	if opts.Docs != "" {
		docs, err := loadTaggedDir(opts.Docs, opts.Scheme, opts.Lang, ".xml", ".txt")
		if err != nil {
			return err
		}
		for _, d := range docs {
			rows = append(rows, evalDoc(cls, d, opts.Scheme)...)
		}
	}
	if len(rows) == 0 {
		return fmt.Errorf("eval: no sentences to score")
	}
	m := cls.Model()
	fmt.Fprintf(stdout, "Model %s (version %s), %d sentences.\n", m.SHA256(), m.Version(), len(rows))
	writeReport(stdout, report(rows, opts.Seed))
	return nil
}

func setName(scheme, lang string) string {
	if scheme == SchemeClaudette {
		return "CLAUDETTE " + lang
	}
	return "merchant " + lang
}

func predicted(hits []terms.Hit) map[string]bool {
	out := map[string]bool{}
	for _, h := range hits {
		if !h.Negated {
			out[h.Category] = true
		}
	}
	return out
}

// evalClauses classifies each clause on its own, as a one-sentence
// document (a clause the splitter cuts in two counts as predicted when
// either part is).
func evalClauses(cls *terms.Classifier, ex []Example, scheme string) []Scored {
	out := make([]Scored, len(ex))
	for i, e := range ex {
		out[i] = Scored{Group: e.ID, Set: setName(scheme, e.Lang), Truth: e.Labels, Pred: predicted(cls.Classify(e.Text, e.Lang))}
	}
	return out
}

// evalDoc classifies a whole document and gives each sentence the hits
// that fall on it.
func evalDoc(cls *terms.Classifier, d Doc, scheme string) []Scored {
	_, hits := cls.ClassifyDocument(d.Text, d.Lang)
	byStart := map[int][]terms.Hit{}
	for _, h := range hits {
		byStart[h.Start] = append(byStart[h.Start], h)
	}
	out := make([]Scored, len(d.Examples))
	sents := terms.Sentences(d.Text)
	pos, runes := 0, 0
	for i, s := range sents {
		runes += utf8.RuneCountInString(d.Text[pos:s.Start])
		pos = s.Start
		out[i] = Scored{Group: d.Name, Set: setName(scheme, d.Lang), Truth: d.Examples[i].Labels, Pred: predicted(byStart[runes])}
	}
	return out
}
