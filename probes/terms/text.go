package terms

import (
	"strings"
	"unicode"

	"github.com/PuerkitoBio/goquery"
)

// blockSelector lists the elements whose text becomes one line of a
// document's readable text.
const blockSelector = "h1,h2,h3,h4,h5,h6,p,li,dt,dd,td,th,blockquote,pre"

// readableText turns a page into lines of visible text, one per block
// element that has no block element inside it. Offsets in clause
// measurements count Unicode code points in this text.
func readableText(doc *goquery.Document) string {
	doc.Find("script,style,noscript,template,header,nav,footer").Remove()
	var lines []string
	doc.Find(blockSelector).Each(func(_ int, s *goquery.Selection) {
		if s.Find(blockSelector).Length() > 0 {
			return
		}
		if t := collapse(s.Text()); t != "" {
			lines = append(lines, t)
		}
	})
	return strings.Join(lines, "\n")
}

// PlainText is the readable text of a text/plain document, as the probe
// reads it.
func PlainText(body string) string { return plainText(body) }

// plainText is readableText for a text/plain document: one line per
// non-blank line, whitespace collapsed.
func plainText(body string) string {
	var lines []string
	for l := range strings.Lines(body) {
		if t := collapse(l); t != "" {
			lines = append(lines, t)
		}
	}
	return strings.Join(lines, "\n")
}

func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// Language guesses zh or en from the share of Han characters, as the
// probe does when the profile does not name the language.
func Language(text string) string { return language(text) }

// language guesses zh or en from the share of Han characters.
func language(text string) string {
	han, letters := 0, 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if han > 0 && float64(han)/float64(han+letters) > 0.2 {
		return "zh"
	}
	return "en"
}
