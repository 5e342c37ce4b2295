package price

import (
	"sort"
	"strings"
	"unicode"
)

// candidate is a token that may be the price, with its surroundings.
type candidate struct {
	tok     token
	rd      reading
	sign    *found // the currency sign next to it, if any
	qty     bool   // a count of items after "x"
	perUnit bool
	unit    string
	unitEnd int // offset after the unit
	// lead and tail bound the amount with its sign and minus.
	lead, tail int
	// neg is set by a minus before the amount or its sign ("-$5.00",
	// "$-5.00", "−5,00 €", "优惠 -￥15").
	neg bool
	// spacedMinus is set for "- $44.99": a dash set apart before the
	// amount, which pages use as a minus and as a separator alike.
	spacedMinus bool
	// paren is set for an amount alone in parentheses ("($5.00)"),
	// which accounting writes for a negative amount.
	paren bool
	// trailingMinus is set for "15,00-", a negative in some ledgers and
	// an open range in others.
	trailingMinus bool
	// bundle is set for the price of several items: "3 for $10", "2/$5".
	bundle bool
	// cue is the word bound to the amount ("Was", "税抜", "shipping")
	// and role what it makes of the amount.
	cue  cueKind
	role Role
}

// candidates returns the numbers in r that can be prices: not a
// percentage, a quantity ("2 x", "x2"), part of a word ("256GB", "A15"),
// a size after a slash ("/100g"), a date or fraction ("2024-05-01",
// "12/25") or an unreadable form. It also returns the percentages, which
// can say which of two prices is the discounted one.
func candidates(r []rune, signs []found, cues []occ, ctx scanCtx) ([]candidate, []float64) {
	var pcts []float64
	toks := tokenize(r, signs, ctx)
	out := make([]candidate, 0, len(toks))
	dates := dateRuns(r, toks)
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		if dates != nil && dates[k] {
			continue
		}
		rd, ok := t.read()
		if !ok {
			continue
		}
		if c, ok := splitBySign(r, signs, toks, k, rd); ok {
			c.lead, c.tail = c.tok.start, c.tok.next
			if c.sign.end <= c.tok.start {
				c.lead = c.sign.start
			}
			out = append(out, c)
			k++
			continue
		}
		after := skipSpace(r, t.next)
		if after < len(r) && (r[after] == '%' || r[after] == '％') {
			if v, ok := toFloat(rd.amount(t.multExp)); ok {
				pcts = append(pcts, v)
			}
			continue
		}
		if t.next < len(r) && unicode.IsLetter(r[t.next]) && signStartingAt(signs, t.next) == nil && !fromWordAt(r, t.next) {
			continue
		}
		if t.start > 0 && signEndingAt(signs, t.start) == nil {
			// "A15", "iPhone15" name things; a CJK label may touch the
			// amount it labels ("满99元", "原价299元", "到手价1099")
			// when a currency follows or the label is a price word.
			prev := r[t.start-1]
			cjk := unicode.IsLetter(prev) && !isSpacedScript(prev) &&
				(signStartingAt(signs, skipSpace(r, t.next)) != nil || labelEndsAt(cues, t.start))
			if (unicode.IsLetter(prev) && !cjk) || prev == '#' || prev == '№' {
				continue
			}
		}
		b := skipSpaceBack(r, t.start)
		if b > 0 && r[b-1] == '/' && signEndingAt(signs, b) == nil {
			continue
		}
		c := candidate{tok: t, rd: rd}
		c.sign = adjacentSign(r, signs, t)
		// "₹5.5L" is 5.5 lakh; "2L" without a rupee sign before it is
		// a bottle's size.
		if t.mult == "L" && !ctx.count && (c.sign == nil || c.sign.end > t.start) {
			continue
		}
		// "12/25", "1/2 lb": a bare number before a slash and a digit is
		// a date or a fraction.
		if c.sign == nil && t.next+1 < len(r) && r[t.next] == '/' && isDigit(r[t.next+1]) {
			continue
		}
		// "19,99 € x 2": a bare number after a multiplication sign
		// counts items.
		c.qty = c.sign == nil && (isQuantityMark(r, after) || b > 0 && (r[b-1] == '×' || r[b-1] == '*' || ((r[b-1] == 'x' || r[b-1] == 'X') && (b-1 == 0 || !unicode.IsLetter(r[b-2])))))
		c.perUnit, c.unit, c.unitEnd = perUnitAfter(r, signs, t, c.sign)
		c.lead, c.tail = t.start, t.next
		if c.sign != nil {
			if c.sign.end <= t.start {
				c.lead = c.sign.start
			} else {
				c.tail = c.sign.end
			}
		}
		c.readMinus(r, signs)
		if !c.perUnit {
			b, a := skipSpaceBack(r, c.lead), skipSpace(r, c.tail)
			c.paren = b > 0 && (r[b-1] == '(' || r[b-1] == '（') && a < len(r) && (r[a] == ')' || r[a] == '）')
		}
		// "15,00-", "15,00- €", "15,00 €-": a minus after the amount.
		if m := c.tail; !t.wholeDash && !c.neg && m < len(r) && r[m] == '-' {
			rest := skipSpace(r, m+1)
			c.trailingMinus = rest == len(r) || (c.sign != nil && c.sign.start == rest && skipSpace(r, c.sign.end) == len(r))
		} else if m := t.next; !t.wholeDash && !c.neg && m < len(r) && r[m] == '-' && c.sign != nil && c.sign.start == m+1 &&
			skipSpace(r, c.sign.end) == len(r) {
			c.trailingMinus = true
		}
		if c.sign != nil {
			c.role = multipleBefore(r, c.lead)
			c.bundle = bundleBefore(r, c.lead)
		}
		out = append(out, c)
	}
	return out, pcts
}

// labelEndsAt reports a price word ending at i ("原价|299").
func labelEndsAt(cues []occ, i int) bool {
	for _, o := range cues {
		if o.end == i && isLabel(o.kind) {
			return true
		}
	}
	return false
}

// readMinus finds the minus of a negative amount: "-$5.00", "$-5.00",
// "-5,00 €", "优惠 -￥15", and "- 5,00 €" at the start. A dash after
// another amount is a range ("¥99-199", "$5 - $10"), one inside a word
// or code ("SKU-123", "Art.-Nr.") is a hyphen.
func (c *candidate) readMinus(r []rune, signs []found) {
	t := c.tok
	if c.sign == nil && t.start > 0 && r[t.start-1] == '-' {
		// "$-5.00", "€ -5": the minus between the sign and the digits.
		if s := signEndingAt(signs, skipSpaceBack(r, t.start-1)); s != nil && !afterAmount(r, signs, s.start) {
			c.sign, c.neg, c.lead = s, true, s.start
			return
		}
	}
	if c.lead == 0 {
		return
	}
	m := c.lead - 1
	if r[m] == ' ' {
		// "- 5,00 €" at the start or after a label: a minus or a
		// separator, which the caller is told.
		m = skipSpaceBack(r, c.lead) - 1
		if m < 0 || r[m] != '-' {
			return
		}
		if p := skipSpaceBack(r, m); p == 0 || r[p-1] == ':' || r[p-1] == '：' {
			c.spacedMinus = true
		}
		return
	}
	if r[m] != '-' {
		return
	}
	if m > 0 {
		p := r[m-1]
		if isDigit(p) || p == '.' || p == ',' || p == '-' || p == '+' || (unicode.IsLetter(p) && isSpacedScript(p)) {
			return
		}
		if afterAmount(r, signs, m) {
			return
		}
	}
	c.neg, c.lead = true, m
}

// afterAmount reports that an amount (digits, or a sign after digits)
// ends just before i, spaces aside: a dash there joins a range.
func afterAmount(r []rune, signs []found, i int) bool {
	j := skipSpaceBack(r, i)
	if j == 0 {
		return false
	}
	if isDigit(r[j-1]) {
		return true
	}
	if s := signEndingAt(signs, j); s != nil {
		k := skipSpaceBack(r, s.start)
		return k > 0 && isDigit(r[k-1])
	}
	return false
}

// connectives join a count of payments to their amount ("10x de").
var connectives = [][]rune{[]rune("de"), []rune("of"), []rune("à"), []rune("a"), []rune("por")}

func runesEqualFold(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if unicode.ToLower(a[i]) != unicode.ToLower(b[i]) {
			return false
		}
	}
	return true
}

// multipleBefore reports a count before a priced amount: "10x de R$
// 129,90" (one of ten payments) or "4 x $12.50" (one of four items).
func multipleBefore(r []rune, lead int) Role {
	j := skipSpaceBack(r, lead)
	inst := false
	for _, w := range connectives {
		n := len(w)
		if j >= n+1 && runesEqualFold(r[j-n:j], w) && !unicode.IsLetter(r[j-n-1]) {
			j, inst = skipSpaceBack(r, j-n), true
			break
		}
	}
	if j == 0 || (r[j-1] != 'x' && r[j-1] != 'X' && r[j-1] != '×') {
		return ""
	}
	k := skipSpaceBack(r, j-1)
	if k == 0 || !isDigit(r[k-1]) {
		return ""
	}
	if inst {
		return RoleInstallment
	}
	return RoleEach
}

// bundleWords join a count of items to the price of them all.
var bundleWords = [][]rune{[]rune("for"), []rune("für"), []rune("pour"), []rune("por"), []rune("per"), []rune("voor"), []rune("за")}

// bundleBefore reports "3 for $10", "2 für 5 €", "2/$5": a whole number
// of items, then the price of them all.
func bundleBefore(r []rune, lead int) bool {
	j := skipSpaceBack(r, lead)
	switch {
	case j > 0 && r[j-1] == '/':
		j--
	default:
		ok := false
		for _, w := range bundleWords {
			n := len(w)
			if j >= n+2 && runesEqualFold(r[j-n:j], w) && r[j-n-1] == ' ' {
				j, ok = j-n-1, true
				break
			}
		}
		if !ok {
			return false
		}
	}
	k := j
	for k > 0 && isDigit(r[k-1]) {
		k--
	}
	return k < j && j-k <= 2 && (k == 0 || !unicode.IsLetter(r[k-1]) && r[k-1] != '.' && r[k-1] != ',')
}

// dateRuns marks numbers joined by one '-' or '/' in threes, without
// spaces: dates ("2024-05-01", "12/25/2024"), phone numbers and part
// numbers, never prices.
func dateRuns(r []rune, toks []token) []bool {
	if len(toks) < 3 {
		return nil
	}
	out := make([]bool, len(toks))
	joined := func(a, b token) rune {
		if a.next != a.end || a.end >= len(r) || b.start != a.end+1 || len(b.seps) != 0 {
			return 0
		}
		// The first part may be spaced ("+1 555-123-4567"), not
		// punctuated.
		for _, s := range a.seps {
			if s != ' ' {
				return 0
			}
		}
		if c := r[a.end]; c == '-' || c == '/' {
			return c
		}
		return 0
	}
	for k := 0; k+2 < len(toks); k++ {
		if s := joined(toks[k], toks[k+1]); s != 0 && joined(toks[k+1], toks[k+2]) == s {
			out[k], out[k+1], out[k+2] = true, true, true
		}
	}
	return out
}

// splitBySign reads the French shop form "299€99" (299.99 €), where the
// sign stands in for the decimal mark between two touching numbers.
func splitBySign(r []rune, signs []found, toks []token, k int, rd reading) (candidate, bool) {
	if k+1 >= len(toks) || rd.frac != "" || rd.alt != nil || toks[k].multExp != 0 || toks[k].fixed != nil {
		return candidate{}, false
	}
	s, b := signStartingAt(signs, toks[k].next), toks[k+1]
	if s == nil || s.minor || s.end != b.start || len(b.seps) != 0 || len(b.groups[0]) != 2 || b.multExp != 0 ||
		b.fixed != nil || (b.next < len(r) && unicode.IsLetter(r[b.next])) {
		return candidate{}, false
	}
	t := toks[k]
	t.next = b.next
	return candidate{tok: t, rd: reading{intPart: rd.intPart, frac: b.groups[0]}, sign: s}, true
}

func skipSpace(r []rune, i int) int {
	for i < len(r) && r[i] == ' ' {
		i++
	}
	return i
}

func skipSpaceBack(r []rune, i int) int {
	for i > 0 && r[i-1] == ' ' {
		i--
	}
	return i
}

// isQuantityMark reports "x"/"×"/"*" followed by a space, digit or end:
// the "2" of "2 x 19,99 €" counts items, it is not a price.
func isQuantityMark(r []rune, i int) bool {
	if i >= len(r) || (r[i] != 'x' && r[i] != 'X' && r[i] != '×' && r[i] != '*') {
		return false
	}
	return i+1 == len(r) || r[i+1] == ' ' || isDigit(r[i+1])
}

// signStartingAt and signEndingAt search the signs, which findSigns
// returns in order and without overlaps.
func signStartingAt(signs []found, i int) *found {
	k := sort.Search(len(signs), func(k int) bool { return signs[k].start >= i })
	if k < len(signs) && signs[k].start == i {
		return &signs[k]
	}
	return nil
}

func signEndingAt(signs []found, i int) *found {
	k := sort.Search(len(signs), func(k int) bool { return signs[k].end >= i })
	if k < len(signs) && signs[k].end == i {
		return &signs[k]
	}
	return nil
}

// adjacentSign is the currency sign just before or just after t, spaces
// allowed between. A minor-unit sign ("99p") only counts after.
func adjacentSign(r []rune, signs []found, t token) *found {
	if s := signEndingAt(signs, skipSpaceBack(r, t.start)); s != nil && !s.minor {
		return s
	}
	// "-" between a sign and the number is the minus of "-€5" or a
	// range dash; only spaces count as adjacency. A sign set apart from
	// t but touching the next number is that number's: "SKU 12345
	// $9.99", "iPhone 15 $799".
	s := signStartingAt(signs, skipSpace(r, t.next))
	if s != nil && s.start > t.next && s.end < len(r) && isDigit(r[s.end]) {
		return nil
	}
	return s
}

// perUnitAfter reports a unit after the price: "/kg", "/ 100 g",
// "per month", "元/斤", with the unit and the offset after it. The unit
// ends at a bracket, a comma, a dash or another currency sign, so the
// "lb" of "$1.99/lb - $3.49/lb" is not "lb - $3.49/lb".
func perUnitAfter(r []rune, signs []found, t token, sign *found) (bool, string, int) {
	i := t.next
	if sign != nil && sign.start >= t.next {
		i = sign.end
	}
	i = skipSpace(r, i)
	if i >= len(r) {
		return false, "", 0
	}
	var j int
	switch {
	case r[i] == '/':
		j = i + 1
	case r[i] == '每':
		j = i + 1
	case wordAt(r, i, "per "), wordAt(r, i, "pro "), wordAt(r, i, "par "):
		j = i + 4
	default:
		return false, "", 0
	}
	j = skipSpace(r, j)
	k := j
	letters := false
	for k < len(r) && k < j+maxUnit {
		c := r[k]
		if strings.ContainsRune(")]）(（,;-~|", c) || signStartingAt(signs, k) != nil {
			break
		}
		// "100 g" and "fl oz" are units; "mo. after trial" is a unit and
		// words after it.
		if c == ' ' && letters && !shortWordAt(r, k+1) {
			break
		}
		letters = letters || unicode.IsLetter(c)
		k++
	}
	unit := strings.TrimSpace(string(r[j:k]))
	if unit == "" || !strings.ContainsFunc(unit, unicode.IsLetter) {
		// "¥99/¥199" is two prices, "1/2" a fraction.
		return false, "", 0
	}
	return true, unit, skipSpaceBack(r, k)
}

// shortWordAt reports a word of one or two letters at i ("oz" of "fl
// oz").
func shortWordAt(r []rune, i int) bool {
	n := 0
	for i+n < len(r) && unicode.IsLetter(r[i+n]) {
		n++
	}
	return n >= 1 && n <= 2 && (i+n == len(r) || !unicode.IsLetter(r[i+n]))
}

// wordAt reports the lower-case w at r[i:].
func wordAt(r []rune, i int, w string) bool {
	n := len(w)
	if i+n > len(r) {
		return false
	}
	return strings.EqualFold(string(r[i:i+n]), w)
}

// rangeWords join the two ends of a price range.
var rangeWords = map[string]bool{"-": true, "~": true, "to": true, "bis": true, "à": true, "a": true, "至": true,
	"到": true, "до": true, "–": true, "-до": true}

func isRangeBetween(r []rune, a, b candidate) bool {
	from, to := a.tail, b.lead
	if a.perUnit {
		from = a.unitEnd
	}
	if from > to {
		return false
	}
	between := strings.ToLower(strings.TrimSpace(string(r[from:to])))
	return rangeWords[between]
}

// fromWords before a price, and fromSuffixes after it, mark a lowest
// price.
var fromWords = []string{"from", "starting at", "starts at", "starting from", "ab", "à partir de", "a partir de",
	"desde", "dès", "a partire da", "od", "от", "від", "vanaf", "fra", "från", "alkaen", "低至", "最低"}

var fromSuffixes = []string{"起", "~", "+", "以上", "and up", "& up", "onwards", "alkaen", "〜"}

func fromWordAt(r []rune, i int) bool {
	if i >= len(r) {
		return false
	}
	return r[i] == '起' || (r[i] == '以' && i+1 < len(r) && r[i+1] == '上')
}

func isFrom(r []rune, c candidate) bool {
	before := strings.ToLower(strings.TrimSpace(string(r[:c.lead])))
	for _, w := range fromWords {
		if strings.HasSuffix(before, w) {
			k := len(before) - len(w)
			if k == 0 || !unicode.IsLetter(lastRune(before[:k])) {
				return true
			}
		}
	}
	after := strings.TrimSpace(string(r[c.tail:]))
	for _, w := range fromSuffixes {
		if !strings.HasPrefix(after, w) {
			continue
		}
		// "¥99~" and "$129.99+" end the string; "¥99~199" is a range,
		// "$4.99 + $5.99 shipping" a sum and "£20.00 + VAT" a price
		// before tax.
		if (w == "~" || w == "+") && strings.ContainsFunc(after[1:], func(c rune) bool { return isDigit(c) || unicode.IsLetter(c) || c == '~' }) {
			continue
		}
		if w == "~" && strings.TrimSpace(after[1:]) != "" {
			continue
		}
		return true
	}
	return false
}

func lastRune(s string) rune {
	r := []rune(s)
	if len(r) == 0 {
		return 0
	}
	return r[len(r)-1]
}
