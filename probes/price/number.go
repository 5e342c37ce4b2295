package price

import (
	"sort"
	"strings"
	"unicode"
)

// normalize maps the many ways shops write digits, spaces, apostrophes and
// dashes onto one rune each, so the reader below sees "1 849,00" whether
// the page used a no-break space, a thin space or a narrow no-break space,
// and "1299" whether it was written in ASCII, fullwidth, Arabic-Indic or
// Devanagari digits.
func normalize(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, c := range s {
		switch {
		case c == '`':
			c = '\''
		case c < 0x80:
			if c != ' ' && unicode.IsSpace(c) {
				c = ' '
			}
		case c >= '０' && c <= '９':
			c = '0' + (c - '０')
		case c == '，' || c == 0x66C || c == 0xFE50:
			c = ','
		case c == '．' || c == 0x66B || c == 0xFE52:
			c = '.'
		case c == '＄':
			c = '$'
		case c == '＋':
			c = '+'
		case c == '＇' || c == '’' || c == 'ʼ' || c == '′' || c == '´' || c == 0x2018:
			c = '\''
		case c == 0x200B || c == 0x200C || c == 0x200D || c == 0xFEFF || c == 0x2060 || c == 0xAD || c == 0x200E || c == 0x200F:
			continue // zero-width characters, soft hyphens and direction marks carry no meaning
		case unicode.IsSpace(c):
			c = ' ' // no-break, thin, narrow and ideographic spaces
		case (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 || c == 0xFF0D || c == 0xFE58:
			c = '-'
		case c == '～' || c == '〜' || c == '∼':
			c = '~'
		default:
			if d, ok := digitValue(c); ok {
				c = '0' + d
			}
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

// digitValue is the value of a decimal digit of any script (Arabic-Indic,
// Persian, Devanagari, Bengali, Thai, ...). Unicode lays every such digit
// set out as ten consecutive code points from zero, so the value is the
// offset from the start of its run in the Nd table, modulo ten.
func digitValue(c rune) (rune, bool) {
	if c < 0x660 || !unicode.Is(unicode.Nd, c) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if c >= rune(rg.Lo) && c <= rune(rg.Hi) {
			return (c - rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if c >= rune(rg.Lo) && c <= rune(rg.Hi) {
			return (c - rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
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
	myriad     bool // the multiplier is a CJK unit that further digits can follow ("1万9,800")
	// tail holds the digits written after a multiplier as its
	// fraction: the Vietnamese "1tr2" is 1.2 million.
	tail string
	// fixed is the whole value of a compound CJK number ("3億2000万"),
	// already multiplied out.
	fixed *reading
	// colloquial is the other reading of a single digit after a CJK
	// unit: "1万2" is 10,002 as written but 12,000 as said.
	colloquial string
	// strayDigits is set when digits touch the multiplier without
	// continuing it ("2k5" outside Vietnamese, "1.5万3000"): the number
	// is not what it seems, and no reading is safe.
	strayDigits bool
}

// scanCtx is what the tokenizer needs to know beyond the text: the page
// language decides words that are multipliers in one language and not in
// another ("mil" is a thousand in Spanish), and a count allows "2.3L"
// (lakh), which in a price is more often litres.
type scanCtx struct {
	lang  string // lower case, '-' separated
	count bool
}

func newScanCtx(lang string, count bool) scanCtx {
	return scanCtx{lang: strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-")), count: count}
}

// tokenize finds every number in r that does not overlap a currency sign.
func tokenize(r []rune, signs []found, ctx scanCtx) []token {
	var inSign []bool
	if len(signs) > 0 {
		inSign = make([]bool, len(r)+1)
		for _, s := range signs {
			for i := s.start; i < s.end; i++ {
				inSign[i] = true
			}
		}
	}
	in := func(i int) bool { return inSign != nil && inSign[i] }
	var out []token
	for i := 0; i < len(r); {
		lead := !isDigit(r[i]) && (r[i] == '.' || r[i] == ',') && i+1 < len(r) && isDigit(r[i+1]) &&
			(i == 0 || !isDigit(r[i-1])) && !in(i)
		if in(i) || (!isDigit(r[i]) && !lead) {
			i++
			continue
		}
		t := scanToken(r, i, inSign, ctx)
		out = append(out, t)
		i = t.next
		if i <= t.start { // cannot happen, but never loop forever on bad input
			i = t.start + 1
		}
	}
	return compound(r, out)
}

// compound joins the parts of a CJK number written with several units,
// "1万9,800" (19,800), "2만 9,900" (29,900), "3億2000万" (320,000,000):
// a number with a myriad unit followed at once (or after one space) by a
// number smaller than that unit is their sum. The parts are joined from
// the right, so "1億2345万6789" becomes one number. Digits that touch a
// unit but cannot continue it mark the number as stray.
func compound(r []rune, toks []token) []token {
	for k := len(toks) - 1; k >= 0; k-- {
		h := &toks[k]
		if h.multExp == 0 || h.next >= len(r) {
			continue
		}
		touching := isDigit(r[h.next])
		if k+1 >= len(toks) || !h.myriad {
			h.strayDigits = touching
			continue
		}
		a := toks[k+1]
		if a.start != h.next && !(r[h.next] == ' ' && a.start == h.next+1) {
			continue
		}
		sum, alt, ok := joinMyriad(*h, a)
		if !ok {
			h.strayDigits = touching
			continue
		}
		h.fixed = &reading{intPart: sum.intPart, frac: sum.frac}
		h.colloquial = alt
		h.end, h.next = a.end, a.next
		h.multExp, h.mult, h.myriad = 0, "", false
		toks = append(toks[:k+1], toks[k+2:]...)
	}
	return toks
}

// joinMyriad adds a to the head h ("1万" + "9,800"). The head must be a
// whole number of units; a must be smaller than one unit.
func joinMyriad(h, a token) (reading, string, bool) {
	hr, ok := h.read()
	if !ok || h.wholeDash || h.tail != "" {
		return reading{}, "", false
	}
	if hr.alt != nil {
		// "1,234万5,678": with more digits after the unit, only the
		// grouping reading of the head makes sense.
		hr = reading{intPart: hr.intPart}
	}
	if hr.frac != "" {
		return reading{}, "", false
	}
	hv := hr.amount(h.multExp)
	var ar reading
	if a.fixed != nil {
		ar = *a.fixed
	} else {
		rd, ok := a.read()
		if !ok || a.wholeDash {
			return reading{}, "", false
		}
		// After a unit only whole digits are grouped: "1万9,800" is
		// 19,800, never 10,009.8.
		if rd.alt != nil {
			rd = reading{intPart: rd.intPart}
		}
		ip, fr, _ := strings.Cut(rd.amount(a.multExp), ".")
		ar = reading{intPart: ip, frac: fr}
	}
	ai := strings.TrimLeft(ar.intPart, "0")
	// A fraction is taken only after all the digits of the lower units
	// ("1万9,800.50円"); "1万2.5" may be said for 12,500.
	if len(ai) > h.multExp || hv == "0" || (ar.frac != "" && len(ar.intPart) != h.multExp) {
		return reading{}, "", false
	}
	head := hv[:len(hv)-h.multExp]
	sum := reading{intPart: head + strings.Repeat("0", h.multExp-len(ai)) + ai, frac: ar.frac}
	alt := ""
	if a.fixed == nil && a.multExp == 0 && len(a.seps) == 0 && len(a.groups[0]) == 1 && h.multExp >= 3 {
		alt = head + a.groups[0] + strings.Repeat("0", h.multExp-1)
	}
	return sum, alt, true
}

func scanToken(r []rune, i int, inSign []bool, ctx scanCtx) token {
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
		if (inSign != nil && inSign[i]) || i+1 >= len(r) || !isDigit(r[i+1]) {
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
	t.readMultiplier(r, ctx)
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

// multiplier is a word for a power of ten that follows a number ("1.2万",
// "3,5k", "2 Mio.", "1.5 lakh", "Rp 15rb", "10 mil").
type multiplier struct {
	text  string
	runes []rune
	exp   int
	// word: letters that need a word end after them (CJK and Thai units
	// are written straight before the next word).
	word bool
	// myriad: a CJK unit that further digits may follow ("1万9,800").
	myriad bool
	// tail: digits written straight after it are its fraction ("1tr2").
	tail bool
	// allow limits a word to the languages that use it; nil allows it
	// everywhere.
	allow func(ctx scanCtx) bool
}

// langIn reports whether ctx's language (or, with empty, a missing
// language) is one of langs.
func langIn(empty bool, langs ...string) func(scanCtx) bool {
	return func(ctx scanCtx) bool {
		if ctx.lang == "" {
			return empty
		}
		p := primary(ctx.lang)
		for _, l := range langs {
			if p == l {
				return true
			}
		}
		return false
	}
}

// indian allows the lakh letter "L" in counts anywhere ("2.3L ratings")
// and in prices only on Indian pages, where "₹5.5L" is a car's price;
// elsewhere "2L" is a bottle's size.
func indian(ctx scanCtx) bool {
	if ctx.count {
		return true
	}
	_, _, region := langParts(ctx.lang)
	return region == "in" || langIn(false, "hi", "mr", "bn", "ta", "te", "gu", "kn", "ml", "pa")(ctx)
}

// vietnameseTail allows "2k5" (2,500) only on Vietnamese pages.
func vietnameseTail(ctx scanCtx) bool { return langIn(true, "vi")(ctx) }

var multipliers = func() []multiplier {
	ms := []multiplier{
		// Chinese, Japanese, Korean units.
		{text: "百万", exp: 6, myriad: true}, {text: "千万", exp: 7, myriad: true}, {text: "万", exp: 4, myriad: true},
		{text: "萬", exp: 4, myriad: true}, {text: "亿", exp: 8, myriad: true}, {text: "億", exp: 8, myriad: true},
		{text: "千", exp: 3, myriad: true}, {text: "百", exp: 2, myriad: true},
		{text: "만", exp: 4, myriad: true}, {text: "억", exp: 8, myriad: true}, {text: "천", exp: 3, myriad: true},
		// Indian.
		{text: "crore", exp: 7, word: true}, {text: "Crore", exp: 7, word: true}, {text: "lakh", exp: 5, word: true},
		{text: "Lakh", exp: 5, word: true}, {text: "lac", exp: 5, word: true}, {text: "Cr", exp: 7, word: true},
		{text: "L", exp: 5, word: true, allow: indian},
		// Hindi हज़ार, लाख, करोड़, with the nukta precomposed or not.
		{text: "\u0939\u091c\u093c\u093e\u0930", exp: 3, word: true}, {text: "\u0939\u095b\u093e\u0930", exp: 3, word: true},
		{text: "\u0939\u091c\u093e\u0930", exp: 3, word: true}, {text: "\u0932\u093e\u0916", exp: 5, word: true},
		{text: "\u0915\u0930\u094b\u0921\u093c", exp: 7, word: true}, {text: "\u0915\u0930\u094b\u095c", exp: 7, word: true},
		{text: "\u0915\u0930\u094b\u0921", exp: 7, word: true},
		// German, Russian, English.
		{text: "Mrd.", exp: 9, word: true}, {text: "Mrd", exp: 9, word: true}, {text: "Mio.", exp: 6, word: true},
		{text: "Mio", exp: 6, word: true}, {text: "mln", exp: 6, word: true}, {text: "млн", exp: 6, word: true},
		{text: "млрд", exp: 9, word: true}, {text: "тыс.", exp: 3, word: true}, {text: "тыс", exp: 3, word: true},
		{text: "Tsd.", exp: 3, word: true}, {text: "Tsd", exp: 3, word: true}, {text: "bn", exp: 9, word: true},
		{text: "million", exp: 6, word: true}, {text: "billion", exp: 9, word: true}, {text: "thousand", exp: 3, word: true},
		{text: "k", exp: 3, word: true}, {text: "K", exp: 3, word: true}, {text: "M", exp: 6, word: true},
		// Indonesian and Malay: ribu, juta.
		{text: "ribu", exp: 3, word: true}, {text: "rb", exp: 3, word: true}, {text: "juta", exp: 6, word: true},
		{text: "jt", exp: 6, word: true},
		// Spanish and Portuguese: "10 mil vendidos", "R$ 1,2 milhão".
		{text: "mil", exp: 3, word: true, allow: langIn(true, "es", "pt", "ca", "gl")},
		{text: "millones", exp: 6, word: true}, {text: "millón", exp: 6, word: true}, {text: "milhões", exp: 6, word: true},
		{text: "milhão", exp: 6, word: true},
		// Vietnamese: nghìn/ngàn, triệu ("tr", "1tr2" is 1.2 million), tỷ.
		{text: "nghìn", exp: 3, word: true}, {text: "ngàn", exp: 3, word: true}, {text: "triệu", exp: 6, word: true},
		{text: "tr", exp: 6, word: true, tail: true, allow: langIn(true, "vi")}, {text: "tỷ", exp: 9, word: true},
		{text: "tỉ", exp: 9, word: true},
		// Thai: พัน, หมื่น, แสน, ล้าน.
		{text: "พัน", exp: 3}, {text: "หมื่น", exp: 4}, {text: "แสน", exp: 5}, {text: "ล้าน", exp: 6},
	}
	for i := range ms {
		ms[i].runes = []rune(ms[i].text)
	}
	// Longest first, so "milhões" wins over "mil" and "百万" over "百".
	sort.SliceStable(ms, func(i, j int) bool { return len(ms[i].runes) > len(ms[j].runes) })
	return ms
}()

// multByRune indexes the multipliers by their first rune.
var multByRune = func() map[rune][]*multiplier {
	m := map[rune][]*multiplier{}
	for i := range multipliers {
		x := &multipliers[i]
		m[x.runes[0]] = append(m[x.runes[0]], x)
	}
	return m
}()

func (t *token) readMultiplier(r []rune, ctx scanCtx) {
	i := t.next
	if i < len(r) && r[i] == ' ' {
		i++
	}
	if i >= len(r) {
		return
	}
	for _, m := range multByRune[r[i]] {
		mr := m.runes
		if i+len(mr) > len(r) || !runesEqual(r[i:i+len(mr)], mr) {
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
		if m.allow != nil && !m.allow(ctx) {
			continue
		}
		touching := i == t.next
		t.multExp, t.mult, t.next, t.myriad = m.exp, m.text, end, m.myriad
		// "1tr2" and, on Vietnamese pages, "2k5": the digits straight
		// after the unit are its fraction.
		if (m.tail || (m.text == "k" && vietnameseTail(ctx))) && touching && len(t.seps) == 0 {
			j := end
			for j < len(r) && isDigit(r[j]) {
				j++
			}
			if j > end && j-end <= 3 && (j == len(r) || !unicode.IsLetter(r[j])) {
				t.tail, t.next = string(r[end:j]), j
			}
		}
		return
	}
}

func runesEqual(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
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
	if t.fixed != nil {
		return *t.fixed, true
	}
	g, s := t.groups, t.seps
	if len(s) == 0 {
		return reading{intPart: g[0], frac: t.tail}, g[0] != ""
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
// applying a power of ten exactly: a multiplier ("万", exp 4) or a minor
// unit ("99p", exp -2).
func (r reading) amount(exp int) string {
	ip, fr := r.intPart, r.frac
	for ; exp > 0; exp-- {
		if fr != "" {
			ip, fr = ip+fr[:1], fr[1:]
		} else {
			ip += "0"
		}
	}
	for ; exp < 0; exp++ {
		if ip == "" {
			ip = "0"
		}
		ip, fr = ip[:len(ip)-1], ip[len(ip)-1:]+fr
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
