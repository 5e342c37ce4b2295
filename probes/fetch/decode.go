package fetch

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/saintfish/chardet"
	"golang.org/x/net/html/charset"
)

// decode converts body to UTF-8. It follows the HTML5 sniffing rules (a
// BOM, the Content-Type charset, a <meta> declaration) and then checks
// the answer against the bytes: a page declared UTF-8 that is not, or a
// page that declares nothing, is given to a charset detector rather than
// read as mojibake (GBK served as UTF-8 is common). note says what was
// decided when the declaration was missing or wrong ("" otherwise).
func decode(body []byte, contentType string) (text, name, note string) {
	ct := strings.ToLower(contentType)
	if ct != "" && !strings.HasPrefix(ct, "text/") && !strings.Contains(ct, "html") &&
		!strings.Contains(ct, "xml") && !strings.Contains(ct, "json") {
		return "", "", ""
	}
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	valid := utf8.Valid(body)
	switch {
	case name == "utf-8" && !valid:
		if alt, ok := detect(body); ok {
			if t, ok := decodeAs(body, alt); ok {
				return t, alt, fmt.Sprintf("declared utf-8 but the bytes are not UTF-8; decoded as %s (detected)", alt)
			}
		}
		return string(bytes.ToValidUTF8(body, []byte("\uFFFD"))), "utf-8", "declared utf-8 but the bytes are not UTF-8; invalid bytes replaced with U+FFFD"
	case !certain && name == "windows-1252":
		// Nothing was declared: the library's fallback guessed from the
		// first kilobyte only.
		if valid {
			return string(body), "utf-8", "no charset declared; the bytes are valid UTF-8"
		}
		if alt, ok := detect(body); ok {
			if t, ok := decodeAs(body, alt); ok {
				return t, alt, fmt.Sprintf("no charset declared; decoded as %s (detected)", alt)
			}
		}
	}
	t, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return string(bytes.ToValidUTF8(body, []byte("\uFFFD"))), "utf-8", fmt.Sprintf("%s could not be decoded (%v); read as UTF-8 with invalid bytes replaced", name, err)
	}
	return string(t), name, ""
}

// detect names the charset of body (as package charset knows it) when the
// detector is reasonably sure of it.
func detect(body []byte) (string, bool) {
	sample := body
	if len(sample) > 64<<10 {
		sample = sample[:64<<10]
	}
	r, err := chardet.NewHtmlDetector().DetectBest(sample)
	if err != nil || r == nil || r.Confidence < 50 {
		return "", false
	}
	for _, n := range []string{r.Charset, strings.ReplaceAll(r.Charset, "-", "")} {
		if _, name := charset.Lookup(n); name != "" {
			return name, true
		}
	}
	return "", false
}

// decodeAs decodes body with the named charset; false when that fails or
// produces replacement characters (a wrong guess).
func decodeAs(body []byte, name string) (string, bool) {
	enc, _ := charset.Lookup(name)
	if enc == nil {
		return "", false
	}
	t, err := enc.NewDecoder().Bytes(body)
	if err != nil || bytes.ContainsRune(t, utf8.RuneError) {
		return "", false
	}
	return string(t), true
}
