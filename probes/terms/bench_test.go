package terms

import (
	"strings"
	"testing"
)

// BenchmarkClassify10MB classifies 10 MB of terms text (the corpus's
// Chinese and English clauses, repeated), the throughput a scan of a large
// rule centre needs.
func BenchmarkClassify10MB(b *testing.B) {
	var zh, en strings.Builder
	for _, e := range loadCorpus(b) {
		if e.lang == "zh" {
			zh.WriteString(e.text + "\n")
		} else {
			en.WriteString(e.text + "\n")
		}
	}
	half := 5 << 20
	zhText := strings.Repeat(zh.String(), half/zh.Len()+1)[:half]
	enText := strings.Repeat(en.String(), half/en.Len()+1)[:half]
	c, err := NewClassifier()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(zhText) + len(enText)))
	for b.Loop() {
		if len(c.Classify(zhText, "zh")) == 0 || len(c.Classify(enText, "en")) == 0 {
			b.Fatal("no hits")
		}
	}
}
