package price

import (
	"strings"
)

// Count is a number of reviews, sales or ratings as a page prints it:
// "1,234", "1.234 Bewertungen", "1.2万", "10万+", "3.5k", "Terjual 10rb+",
// "+10 mil vendidos", "2.3L ratings", "Đã bán 1tr2", "१२,३४५".
type Count struct {
	Raw   string `json:"raw"`
	Value int64  `json:"value"`
	// AtLeast is set for "10万+", "999+", "1万以上": Value is a lower
	// bound.
	AtLeast bool `json:"at_least,omitempty"`
	// Ambiguous is set when the string does not read as a whole count
	// ("4.5" with no multiplier); Reason says why.
	Ambiguous bool   `json:"ambiguous,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// maxCount bounds a count so that a string of digits cannot overflow.
const maxCount = 1 << 53

// ParseCount reads the first count in s. A count is whole, so one
// separator before three digits groups thousands ("1.234" is 1234 in any
// locale) unless a multiplier follows ("1.234万"), when lang decides.
func ParseCount(s, lang string) (Count, bool) {
	r := normalize(s)
	if len(r) > maxRunes {
		r = r[:maxRunes]
	}
	for _, t := range tokenize(r, nil, newScanCtx(lang, true)) {
		rd, ok := t.read()
		if !ok {
			continue
		}
		after := skipSpace(r, t.next)
		if after < len(r) && (r[after] == '%' || r[after] == '％') {
			continue
		}
		c := Count{Raw: s}
		if rd.alt != nil && t.multExp != 0 {
			switch langMark(lang) {
			case rd.ambSep:
				rd = *rd.alt
			case 0:
				c.Ambiguous, c.Reason = true, "no language to tell a decimal mark from a thousands separator"
			}
		}
		switch {
		case t.strayDigits:
			c.Ambiguous, c.Reason = true, "digits touch the multiplier without continuing it"
		case t.colloquial != "":
			c.Ambiguous, c.Reason = true, "a single digit after a CJK unit may be the unit's next digit (1万2 is said for 12,000)"
		}
		a := rd.amount(t.multExp)
		if strings.Contains(a, ".") && strings.Trim(a[strings.IndexByte(a, '.')+1:], "0") != "" {
			c.Ambiguous, c.Reason = true, "a count with a fraction"
		}
		v, ok := toFloat(a)
		if !ok || v >= maxCount {
			continue
		}
		c.Value = int64(v)
		rest := strings.TrimSpace(string(r[t.next:]))
		b := skipSpaceBack(r, t.start)
		c.AtLeast = strings.HasPrefix(rest, "+") || strings.HasPrefix(rest, "以上") || strings.HasPrefix(rest, "多") ||
			strings.HasPrefix(rest, "이상") || (b > 0 && r[b-1] == '+')
		return c, true
	}
	return Count{}, false
}
