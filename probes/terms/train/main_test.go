package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platscan/platscan/probes/terms"
)

func claudetteDir() string {
	if d := os.Getenv("PLATSCAN_CLAUDETTE_DEV"); d != "" {
		return d
	}
	return defaultTrainOptions().Claudette
}

// The shipped weights are what `train` makes of the data: retraining
// gives the same bytes. The CLAUDETTE development documents are not in
// the repository (the machine's corpora directory holds them). This runs
// only when PLATSCAN_RETRAIN_TEST is set: a full retraining takes minutes
// on two cores, beyond `go test`'s default deadline. .ci/run sets it and
// runs this test alone with a longer one.
func TestTrainReproducesShippedModel(t *testing.T) {
	if os.Getenv("PLATSCAN_RETRAIN_TEST") == "" {
		t.Skip("full retraining: set PLATSCAN_RETRAIN_TEST=1 (.ci/run does)")
	}
	if _, err := os.Stat(claudetteDir()); err != nil {
		// Asked for explicitly: a missing corpus is a failure, not a pass.
		t.Fatalf("CLAUDETTE development documents not found at %s (PLATSCAN_CLAUDETTE_DEV overrides the path)", claudetteDir())
	}
	opts := defaultTrainOptions()
	opts.Claudette = claudetteDir()
	opts.Data = "../testdata"
	opts.Out = filepath.Join(t.TempDir(), "model.json.gz")
	var out bytes.Buffer
	if err := runTrain(opts, &out, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(opts.Out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", terms.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("retrained model (%d bytes) differs from the shipped one (%d bytes): run `go run ./probes/terms/train train` and commit it", len(got), len(want))
	}
	if !strings.Contains(out.String(), "macro-F1 CLAUDETTE en") {
		t.Errorf("no development figures printed:\n%s", out.String())
	}
}

func TestEvalScoresClausesAndDocuments(t *testing.T) {
	dir := t.TempDir()
	clauses := filepath.Join(dir, "set.jsonl")
	os.WriteFile(clauses, []byte(strings.Join([]string{
		`{"id":"1","lang":"zh","text":"商家在本平台经营期间，不得在其他电子商务平台开设店铺或销售同款商品。","labels":["exclusivity"],"note":""}`,
		`{"id":"2","lang":"zh","text":"本平台不要求商家独家经营，商家可以自由选择同时在其他平台开设店铺。","labels":[],"note":""}`,
		`{"id":"3","lang":"en","text":"We may suspend or terminate your seller account at any time without giving reasons.","labels":["suspension"],"note":""}`,
		`{"id":"4","lang":"en","text":"Before we suspend an account we will tell you the reasons and how to appeal.","labels":[],"note":""}`,
	}, "\n")), 0o644)
	docs := filepath.Join(dir, "docs")
	os.Mkdir(docs, 0o755)
	os.WriteFile(filepath.Join(docs, "a.txt"), []byte("Terms of Service\n<ter3>We may terminate your account at any time for any reason.</ter3> <law2>These terms are governed by the laws of the State of California.</law2>\nWelcome to the service.\n"), 0o644)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"eval", "-clauses", clauses}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"macro-F1 merchant zh", "macro-F1 merchant en", "| exclusivity | 1 |", "Confusion (merchant zh)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("clause eval output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"eval", "-docs", docs, "-scheme", "claudette"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"macro-F1 CLAUDETTE en", "| unilateral_termination | 1 |", "| choice_of_law | 1 |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("document eval output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBadInputIsOneLineAndExit2(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"id":"1","lang":"en","text":"x","labels":["nope"]}`), 0o644)
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"eval"},
		{"eval", "-clauses", bad},
		{"eval", "-docs", dir, "-scheme", "other"},
		{"eval", "-clauses", filepath.Join(dir, "missing.jsonl")},
	} {
		var errb bytes.Buffer
		code := run(context.Background(), args, io.Discard, &errb)
		lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
		if code != 2 || len(lines) != 1 || !strings.HasPrefix(lines[0], "train: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
}

// Training is deterministic: the same data and options give the same
// bytes twice. A cut-down run (few iterations, small vocabulary, two
// folds) over the project's own clause files keeps this inside `go test`.
func TestTrainIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "claudette")
	os.Mkdir(docs, 0o755)
	os.WriteFile(filepath.Join(docs, "a.xml"), []byte("Terms\n<ter3>We may terminate your account at any time for any reason.</ter3> <law2>These terms are governed by the laws of California.</law2>\nWelcome.\n<ch2>We may change these terms at any time without notice.</ch2>\n"), 0o644)
	os.WriteFile(filepath.Join(docs, "b.xml"), []byte("Terms\n<ltd3>We are not liable for any loss whatsoever.</ltd3> We will tell you before we change these terms.\n<j1>Disputes go to the courts of your home country.</j1>\n"), 0o644)
	train := func(name string) []byte {
		opts := defaultTrainOptions()
		opts.Claudette = docs
		opts.Data = "../testdata"
		opts.Out = filepath.Join(dir, name)
		opts.Folds, opts.MaxIter, opts.MaxVocab = 2, 15, 3000
		if err := runTrain(opts, io.Discard, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(opts.Out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := train("a.json.gz"), train("b.json.gz")
	if len(a) < 1000 || !bytes.Equal(a, b) {
		t.Errorf("two trainings on the same data differ or are empty (%d and %d bytes)", len(a), len(b))
	}
}
