package terms

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzClauses: the clause splitter cuts any text into trimmed, ordered,
// non-overlapping spans that are exactly the text at their offsets, and
// the classifier's hits point inside the text; never a panic.
func FuzzClauses(f *testing.F) {
	for _, s := range []string{
		"商家在本平台经营期间，不得在其他电子商务平台开设店铺或销售同款商品；违者平台有权下架。",
		"Merchants may not sell on other platforms. We may change these terms at any time! Really?",
		"第一条\n\n  第二条。。。；；\r\n",
		"a. b.c . d\n",
		"\xff\xfe\x00。\n",
		"",
	} {
		f.Add(s, "zh")
		f.Add(s, "en")
	}
	cls, err := NewClassifier()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		prev := 0
		for _, sp := range splitClauses(text) {
			if sp.start < prev || sp.end < sp.start || sp.end > len(text) {
				t.Fatalf("span %+v out of place (previous end %d, text %d bytes)", sp, prev, len(text))
			}
			if text[sp.start:sp.end] != sp.text || sp.text != strings.TrimSpace(sp.text) || sp.text == "" {
				t.Fatalf("span %+v is not the trimmed text at its offsets", sp)
			}
			prev = sp.end
		}
		n := utf8.RuneCountInString(text)
		for _, h := range cls.Classify(text, lang) {
			if h.Start < 0 || h.End < h.Start || h.End > n || h.Category == "" || !strings.Contains(text, h.Clause) {
				t.Fatalf("hit %+v out of place (text %d code points)", h, n)
			}
		}
	})
}
