package terms

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// claudetteDir is where the CLAUDETTE development documents are read
// from; PLATSCAN_CLAUDETTE_DEV overrides it. They are not in the
// repository (docs/method-terms.md).
func claudetteDir() string {
	if d := os.Getenv("PLATSCAN_CLAUDETTE_DEV"); d != "" {
		return d
	}
	return "/work/shared/corpora/claudette-dev"
}

func benchClassify(b *testing.B, text, lang string) {
	c, err := NewClassifier()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		c.Classify(text, lang)
	}
}

// BenchmarkClassifyTermsOfService classifies 5 MB of real terms of
// service: the 25 CLAUDETTE development documents, repeated, read as the
// probe reads a text/plain document. Most sentences of real terms belong
// to no category, so this is the throughput of a real scan. Skipped when
// the documents are absent (they are not in the repository).
func BenchmarkClassifyTermsOfService(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(claudetteDir(), "*.xml"))
	if len(files) == 0 {
		b.Skip("CLAUDETTE development documents not found at " + claudetteDir())
	}
	tag := regexp.MustCompile(`</?[a-z]+[123]>`)
	var all strings.Builder
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		all.WriteString(PlainText(tag.ReplaceAllString(string(raw), "")) + "\n")
	}
	n := 5 << 20
	benchClassify(b, strings.Repeat(all.String(), n/all.Len()+1)[:n], "en")
}

// BenchmarkClassifyClauseCorpora classifies 5 MB made of the project's
// labelled clauses (Chinese and English), repeated: nearly every sentence
// is a clause of some category or a hard negative that looks like one, so
// the cues run on most of them. The worst case.
func BenchmarkClassifyClauseCorpora(b *testing.B) {
	var zh, en strings.Builder
	for _, r := range loadJSONL(b, "testdata/corpus-zh.jsonl") {
		zh.WriteString(r.Text + "\n")
	}
	for _, r := range loadJSONL(b, "testdata/merchant-en.jsonl") {
		en.WriteString(r.Text + "\n")
	}
	for _, e := range loadCorpus(b) {
		if e.lang == "zh" {
			zh.WriteString(e.text + "\n")
		} else {
			en.WriteString(e.text + "\n")
		}
	}
	half := 5 << 19
	b.Run("zh", func(b *testing.B) { benchClassify(b, strings.Repeat(zh.String(), half/zh.Len()+1)[:half], "zh") })
	b.Run("en", func(b *testing.B) { benchClassify(b, strings.Repeat(en.String(), half/en.Len()+1)[:half], "en") })
}
