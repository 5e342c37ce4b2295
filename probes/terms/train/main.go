// Command train trains the terms probe's clause classifier and measures
// it.
//
//	go run ./probes/terms/train train [-claudette DIR] [-data DIR] [-out FILE] [-report FILE]
//	go run ./probes/terms/train eval -clauses FILE.jsonl [-scheme merchant|claudette]
//	go run ./probes/terms/train eval -docs DIR -scheme merchant|claudette [-lang auto|zh|en]
//
// train reads the CLAUDETTE development documents and the project's clause
// corpora, cross-validates (split by document), calibrates thresholds,
// prints the development figures and writes the weights file the probe
// embeds (probes/terms/model/terms-model.json.gz); the same data and seed
// give the same bytes. eval scores a test set with the shipped classifier
// exactly as the probe runs it. See docs/method-terms.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is bad input: one line on stderr, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(_ context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(args, stdout, stderr)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "train:", err)
	// Bad flags and bad data files alike are the user's input: exit 2.
	return 2
}

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"want a command: train or eval"}
	}
	switch args[0] {
	case "train":
		opts := defaultTrainOptions()
		fs := flag.NewFlagSet("train", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.StringVar(&opts.Claudette, "claudette", opts.Claudette, "directory of the CLAUDETTE development documents")
		fs.StringVar(&opts.Data, "data", opts.Data, "directory of the project's clause corpora")
		fs.StringVar(&opts.Out, "out", opts.Out, "weights file to write")
		fs.StringVar(&opts.Report, "report", "", "also write the development figures (Markdown) to this file")
		fs.BoolVar(&opts.CVOnly, "cv-only", false, "cross-validate and print figures without writing the model")
		fs.Float64Var(&opts.C, "c", opts.C, "inverse regularisation strength")
		fs.Float64Var(&opts.Balance, "balance", opts.Balance, "class balancing exponent (0 none, 1 full)")
		fs.Float64Var(&opts.PrecisionHigh, "precision-high", opts.PrecisionHigh, "development precision the high-severity categories' thresholds must reach")
		fs.Float64Var(&opts.PrecisionOther, "precision-other", opts.PrecisionOther, "development precision the other categories' thresholds must reach")
		fs.IntVar(&opts.MinDF, "min-df", opts.MinDF, "keep n-grams found in at least this many sentences")
		fs.IntVar(&opts.MaxVocab, "max-vocab", opts.MaxVocab, "keep at most this many n-grams")
		fs.IntVar(&opts.Features.HanMax, "han-max", opts.Features.HanMax, "longest n-gram holding a Han character")
		fs.IntVar(&opts.Features.LatinMin, "latin-min", opts.Features.LatinMin, "shortest other n-gram")
		fs.IntVar(&opts.Features.LatinMax, "latin-max", opts.Features.LatinMax, "longest other n-gram")
		fs.BoolVar(&opts.Features.Words, "words", opts.Features.Words, "also use words and word pairs of non-Han text")
		fs.BoolVar(&opts.Features.Script, "script", opts.Features.Script, "add a feature naming the sentence's script (a bias per language)")
		if err := fs.Parse(args[1:]); err != nil {
			return usageError{err.Error()}
		}
		log := slog.New(slog.NewTextHandler(stderr, nil))
		return runTrain(opts, stdout, log)
	case "eval":
		opts := evalOptions{Seed: 20261128}
		fs := flag.NewFlagSet("eval", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.StringVar(&opts.Clauses, "clauses", "", "JSON-lines clause file to score")
		fs.StringVar(&opts.Docs, "docs", "", "directory of tagged documents to score")
		fs.StringVar(&opts.Scheme, "scheme", SchemeMerchant, "tag scheme: merchant or claudette")
		fs.StringVar(&opts.Lang, "lang", "auto", "language of the documents: auto, zh or en")
		fs.StringVar(&opts.Model, "model", "", "weights file (default: the shipped model)")
		if err := fs.Parse(args[1:]); err != nil {
			return usageError{err.Error()}
		}
		if opts.Clauses == "" && opts.Docs == "" {
			return usageError{"eval: give -clauses FILE or -docs DIR"}
		}
		if opts.Scheme != SchemeMerchant && opts.Scheme != SchemeClaudette {
			return usageError{fmt.Sprintf("eval: -scheme %q is neither merchant nor claudette", opts.Scheme)}
		}
		if opts.Lang != "auto" && opts.Lang != "zh" && opts.Lang != "en" {
			return usageError{fmt.Sprintf("eval: -lang %q is not auto, zh or en", opts.Lang)}
		}
		return runEval(opts, stdout)
	}
	return usageError{fmt.Sprintf("unknown command %q: want train or eval", args[0])}
}
