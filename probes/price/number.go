package price

import (
	"strings"
	"unicode"
)

// normalize maps the many ways shops write digits, spaces, apostrophes and
// dashes onto one rune each, so the reader below sees "1 849,00" whether
// the page used a no-break space, a thin space or a narrow no-break space.
func normalize(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, c := range s {
		switch {
		case c >= '０' && c <= '９':
			c = '0' + (c - '０')
		case c >= 0x660 && c <= 0x669: // Arabic-Indic digits
			c = '0' + (c - 0x660)
		case c >= 0x6F0 && c <= 0x6F9: // Extended Arabic-Indic (Persian) digits
			c = '0' + (c - 0x6F0)
		case c == '，' || c == 0x66C || c == 0xFE50:
			c = ','
		case c == '．' || c == 0x66B || c == 0xFE52:
			c = '.'
		case c == '＄':
			c = '$'
		case c == '＇' || c == '’' || c == 'ʼ' || c == '′' || c == '´' || c == '`' || c == 0x2018:
			c = '\''
		case c == 0x200B || c == 0x200C || c == 0x200D || c == 0xFEFF || c == 0x2060 || c == 0xAD:
			continue // zero-width characters and soft hyphens carry no meaning
		case c == 0xA0 || c == 0x202F || (c >= 0x2000 && c <= 0x200A) || c == 0x3000 || unicode.IsSpace(c):
			c = ' '
		case (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 || c == 0xFF0D || c == 0xFE58:
			c = '-'
		case c == '～' || c == '〜' || c == '∼':
			c = '~'
		}
		if c == ' ' && (len(out) == 0 || out[len(out)-1] == ' ') {
			continue
		}
		out = append(out, c)
	}
	for len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	return out
}

func isDigit(c rune) bool { return c >= '0' && c <= '9' }

// token is one written number: digit groups and the separators between
// them, before anyone has decided which separator is the decimal mark.
type token struct {
	start, end int // rune offsets of the digits and separators
	next       int // offset after the token's suffixes (",-", a multiplier)
	groups     []string
	seps       []rune
	wholeDash  bool // "12,-" or "5.–": a whole amount
	multExp    int  // 10^multExp from "万", "k", "Mio", "lakh" ...
	mult       string
}

// tokenize finds every number in r that does not overlap a currency sign.
func tokenize(r []rune, signs []found) []token {
	inSign := make([]bool, len(r)+1)
	for _, s := range signs {
		for i := s.start; i < s.end; i++ {
			inSign[i] = true
		}
	}
	var out []token
	for i := 0; i < len(r); {
		lead := !isDigit(r[i]) && (r[i] == '.' || r[i] == ',') && i+1 < len(r) && isDigit(r[i+1]) &&
			(i == 0 || !isDigit(r[i-1])) && !inSign[i]
		if inSign[i] || (!isDigit(r[i]) && !lead) {
			i++
			continue
		}
		t := scanToken(r, i, inSign)
		out = append(out, t)
		i = t.next
		if i <= t.start { // cannot happen, but never loop forever on bad input
			i = t.start + 1
		}
	}
	return out
}

func scanToken(r []rune, i int, inSign []bool) token {
	t := token{start: i}
	cur := []rune{}
	punct := false // a '.' or ',' separator has been seen
	if !isDigit(r[i]) {
		t.groups = append(t.groups, "")
		t.seps = append(t.seps, r[i])
		punct = true
		i++
	}
	for i < len(r) {
		c := r[i]
		if isDigit(c) {
			cur = append(cur, c)
			i++
			continue
		}
		// "119. 95" and "1.837, 32 €": markup that set the cents apart
		// (<sup>95</sup>) leaves a space after the decimal mark.
		if (c == '.' || c == ',') && !containsRune(t.seps, c) && i+1 < len(r) && r[i+1] == ' ' && twoDigitsAt(r, i+2) {
			t.groups = append(t.groups, string(cur))
			t.seps = append(t.seps, c)
			cur, punct = cur[:0:0], true
			i += 2
			continue
		}
		if inSign[i] || i+1 >= len(r) || !isDigit(r[i+1]) {
			break
		}
		if c == '.' || c == ',' {
			t.groups = append(t.groups, string(cur))
			t.seps = append(t.seps, c)
			cur, punct = cur[:0:0], true
			i++
			continue
		}
		// A space or apostrophe groups thousands only before the decimal
		// mark, after a group of at most three digits, and before exactly
		// three digits: "1 849,00" but not "Größe 42 129" read as one.
		if (c == ' ' || c == '\'') && !punct && len(cur) >= 1 && len(cur) <= 3 && threeDigitsAt(r, i+1) {
			t.groups = append(t.groups, string(cur))
			t.seps = append(t.seps, c)
			cur = cur[:0:0]
			i++
			continue
		}
		break
	}
	t.groups = append(t.groups, string(cur))
	t.end, t.next = i, i
	// "12,-", "12,--", "5.–" and the Swedish "299:-" say the amount is
	// whole.
	if i+1 < len(r) && (r[i] == ',' || r[i] == '.' || r[i] == ':') && r[i+1] == '-' {
		t.wholeDash = true
		t.next = i + 2
		if t.next < len(r) && r[t.next] == '-' {
			t.next++
		}
	}
	t.readMultiplier(r)
	return t
}

func containsRune(s []rune, c rune) bool {
	for _, x := range s {
		if x == c {
			return true
		}
	}
	return false
}

func twoDigitsAt(r []rune, i int) bool {
	return i+2 <= len(r) && isDigit(r[i]) && isDigit(r[i+1]) && (i+2 == len(r) || !isDigit(r[i+2]))
}

func threeDigitsAt(r []rune, i int) bool {
	if i+3 > len(r) {
		return false
	}
	for k := i; k < i+3; k++ {
		if !isDigit(r[k]) {
			return false
		}
	}
	return i+3 == len(r) || !isDigit(r[i+3])
}

// multipliers are the words for powers of ten that follow a number
// ("1.2万", "3,5k", "2 Mio.", "1.5 lakh"); letter words need a word end.
var multipliers = []struct {
	text string
	exp  int
	word bool
}{
	{"百万", 6, false}, {"千万", 7, false}, {"万", 4, false}, {"萬", 4, false}, {"亿", 8, false}, {"億", 8, false},
	{"千", 3, false}, {"crore", 7, true}, {"lakh", 5, true}, {"Lakh", 5, true}, {"lac", 5, true}, {"Cr", 7, true},
	{"Mrd.", 9, true}, {"Mrd", 9, true}, {"Mio.", 6, true}, {"Mio", 6, true}, {"mln", 6, true}, {"млн", 6, true},
	{"тыс.", 3, true}, {"тыс", 3, true}, {"Tsd.", 3, true}, {"Tsd", 3, true}, {"k", 3, true}, {"K", 3, true}, {"M", 6, true},
}

func (t *token) readMultiplier(r []rune) {
	i := t.next
	if i < len(r) && r[i] == ' ' {
		i++
	}
	for _, m := range multipliers {
		mr := []rune(m.text)
		if i+len(mr) > len(r) || string(r[i:i+len(mr)]) != m.text {
			continue
		}
		end := i + len(mr)
		if m.word && end < len(r) && unicode.IsLetter(r[end]) && mr[len(mr)-1] != '.' {
			continue
		}
		// A single-letter multiplier must touch the number ("3k", not
		// "3 K-Pop"); words may stand apart ("1,5 Mio.").
		if len(mr) == 1 && m.word && i != t.next {
			continue
		}
		t.multExp, t.mult, t.next = m.exp, m.text, end
		return
	}
}

// reading is what a token says once it is read as an amount.
type reading struct {
	intPart, frac string
	// alt is the other reading of an ambiguous token ("1,299" read with
	// a decimal comma); ambSep is the separator in question.
	alt    *reading
	ambSep rune
}

// read interprets the separators of t by their form alone. It returns
// false for things that are not amounts (dates, version numbers). A
// token whose only separator is one '.' or ',' before exactly three
// digits gets both readings (grouping first, alt decimal).
func (t token) read() (reading, bool) {
	g, s := t.groups, t.seps
	if len(s) == 0 {
		return reading{intPart: g[0]}, g[0] != ""
	}
	var punct []int
	spaced := false
	for i, c := range s {
		if c == '.' || c == ',' {
			punct = append(punct, i)
		} else {
			spaced = true
		}
	}
	if len(punct) == 0 {
		return grouped(g, s, len(g)-1)
	}
	last := punct[len(punct)-1]
	mark := s[last]
	unique := true // a decimal mark appears once, after any grouping
	for _, p := range punct[:len(punct)-1] {
		if s[p] == mark {
			unique = false
		}
	}
	if len(punct) >= 2 && allSame(s, punct) {
		// "1.234.567" or "1,29,999": every mark groups.
		if spaced {
			return reading{}, false
		}
		return grouped(g, s, len(g)-1)
	}
	if !unique {
		return reading{}, false
	}
	before, ok := grouped(g, s, last)
	if !ok {
		return reading{}, false
	}
	after := g[last+1]
	dec := reading{intPart: before.intPart, frac: after}
	if len(punct) > 1 || spaced || len(after) != 3 || strings.Trim(before.intPart, "0") == "" || len(g[last]) > 3 {
		return dec, true
	}
	grp := reading{intPart: before.intPart + after}
	grp.alt, grp.ambSep = &dec, mark
	return grp, true
}

func allSame(s []rune, idx []int) bool {
	for _, i := range idx {
		if s[i] != s[idx[0]] {
			return false
		}
	}
	return true
}

// grouped joins g[0..upto] as one whole number if the separators between
// them group it validly: three digits a group after a first group of one
// to three, or the Indian lakh form (1,29,999) with commas.
func grouped(g []string, s []rune, upto int) (reading, bool) {
	if upto == 0 {
		return reading{intPart: g[0]}, true
	}
	first := len(g[0])
	western := first >= 1 && first <= 3
	for i := 1; i <= upto; i++ {
		if len(g[i]) != 3 {
			western = false
		}
	}
	lakh := first >= 1 && first <= 2 && len(g[upto]) == 3 && upto >= 2
	for i := 0; i < upto; i++ {
		if s[i] != ',' {
			lakh = false
		}
	}
	for i := 1; i < upto; i++ {
		if len(g[i]) != 2 {
			lakh = false
		}
	}
	if !western && !lakh {
		return reading{}, false
	}
	return reading{intPart: strings.Join(g[:upto+1], "")}, true
}

// amount writes a reading as a canonical decimal ("1299.00") after
// applying a power-of-ten multiplier exactly.
func (r reading) amount(exp int) string {
	ip, fr := r.intPart, r.frac
	for ; exp > 0; exp-- {
		if fr != "" {
			ip, fr = ip+fr[:1], fr[1:]
		} else {
			ip += "0"
		}
	}
	ip = strings.TrimLeft(ip, "0")
	if ip == "" {
		ip = "0"
	}
	if fr == "" {
		return ip
	}
	return ip + "." + fr
}
