// Package price reads prices and counts as shops print them: "¥1,299.00",
// "1.299,00 €", "1 849 руб.", "CHF 1'049.95", "￥99起", "¥99–199",
// "₹1,29,999", "1.2万" reviews.
//
// Which separator is the decimal mark is decided by the string's form
// first ("1.299,00" can only be read one way), then by the currency
// (no currency but the three-decimal dinars is printed with three minor
// digits, so "1.299 €" is 1299), then by the page language and the
// currency the caller expects. A string those cues cannot decide, such as
// "1,234" with no currency and no language, is returned with Ambiguous
// set and both readings, never a silent guess.
package price

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Kind says what sort of amount a price string states.
type Kind string

// The kinds of price.
const (
	Single  Kind = "single"   // one amount
	Range   Kind = "range"    // "¥99–199": Low and High differ
	From    Kind = "from"     // "from $9", "￥99起": a lowest price
	PerUnit Kind = "per_unit" // "€1,49/kg", "¥39/月"
)

// Hint is what the caller knows about where a string came from.
type Hint struct {
	// Lang is the page language (BCP 47, from <html lang> or the
	// profile), which decides the decimal mark when nothing else does.
	Lang string
	// Currency is the ISO 4217 currency the caller expects (a
	// priceCurrency beside the price, or the profile's), which names an
	// ambiguous sign ("$", "¥", "kr") and says how many minor digits an
	// amount can have.
	Currency string
	// Machine marks a schema.org value (an Offer's price), which the
	// vocabulary says is written with '.' as the decimal mark and no
	// grouping: "1.299" is then 1.299 unless the currency makes that
	// impossible, which is reported as ambiguous.
	Machine bool
}

// Price is one price string read.
type Price struct {
	// Raw is the string as given.
	Raw string `json:"raw"`
	// Amount is the exact decimal of the price (the low end of a range):
	// '.' as the decimal mark, no grouping, minor digits as written.
	Amount string `json:"amount"`
	// Value is Amount as a float64; Low and High are the ends of a range
	// and both equal Value for other kinds. Comparisons use Low.
	Value float64 `json:"value"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	// HighAmount is the exact high end of a range.
	HighAmount string `json:"high_amount,omitempty"`
	// Currency is the ISO 4217 code when the sign, the hint or the page
	// language settle it; Symbol is the sign as written ("$", "руб.").
	Currency string `json:"currency,omitempty"`
	Symbol   string `json:"symbol,omitempty"`
	Kind     Kind   `json:"kind"`
	// Unit is what a per-unit price is per ("kg", "月", "100 g").
	Unit string `json:"unit,omitempty"`
	// Ambiguous is set when the string can be read more than one way and
	// no cue decides: Amount then holds one reading, Alt the other, and
	// Reason says what was missing. Callers must not compare an
	// ambiguous price as if it were known.
	Ambiguous bool   `json:"ambiguous,omitempty"`
	Alt       string `json:"alt,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// maxRunes bounds the text read: a price string is short, and a longer
// one (a whole container's text) is read from its start.
const maxRunes = 4096

// maxUnit bounds how far after a price a unit ("/ 100 g") is looked for.
const maxUnit = 32

// candidate is a token that may be the price, with its surroundings.
type candidate struct {
	tok     token
	rd      reading
	sign    *found // the currency sign next to it, if any
	qty     bool   // a count of items after "x"
	perUnit bool
	unit    string
}

// Parse reads the price in s. It returns false when s holds no number
// that can be a price (no digits, only percentages, quantities or dates).
func Parse(s string, h Hint) (Price, bool) {
	r := normalize(s)
	if len(r) > maxRunes {
		r = r[:maxRunes]
	}
	signs := findSigns(r)
	cands := candidates(r, signs)
	if len(cands) == 0 {
		return Price{}, false
	}
	p := Price{Raw: s, Kind: Single}
	first, second, reason := choose(r, cands)
	if reason != "" {
		p.Ambiguous, p.Reason = true, reason
	}
	cur, sym := currencyOf(first, second, signs, h)
	p.Currency, p.Symbol = cur, sym
	codes := currencyCodes(first, second, cur, h)
	low, lowAlt, why := decide(first, codes, h)
	if why != "" && !p.Ambiguous {
		p.Ambiguous, p.Reason = true, why
	}
	p.Amount, p.Alt = low, lowAlt
	if first.perUnit {
		p.Kind, p.Unit = PerUnit, first.unit
	}
	if second != nil {
		high, highAlt, why := decide(*second, codes, h)
		if why != "" && !p.Ambiguous {
			p.Ambiguous, p.Reason = true, why
		}
		if highAlt != "" && p.Alt == "" {
			p.Alt = highAlt
		}
		p.Kind, p.HighAmount = Range, high
	} else if isFrom(r, first, signs) {
		p.Kind = From
	}
	var ok bool
	if p.Value, ok = toFloat(p.Amount); !ok {
		return Price{}, false
	}
	p.Low, p.High = p.Value, p.Value
	if p.Kind == Range {
		if p.High, ok = toFloat(p.HighAmount); !ok {
			return Price{}, false
		}
		if p.High < p.Low {
			// "199 - 99" is no range; keep low <= high and say so.
			p.Low, p.High = p.High, p.Low
			p.Amount, p.HighAmount = p.HighAmount, p.Amount
			p.Value = p.Low
			if !p.Ambiguous {
				p.Ambiguous, p.Reason = true, "range ends in the wrong order"
			}
		}
	}
	return p, true
}

func toFloat(a string) (float64, bool) {
	v, err := strconv.ParseFloat(a, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// candidates returns the numbers in r that can be prices: not a
// percentage, a quantity ("2 x", "x2"), part of a word ("256GB", "A15"),
// a size after a slash ("/100g") or an unreadable form (a date).
func candidates(r []rune, signs []found) []candidate {
	var out []candidate
	toks := tokenize(r, signs)
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		rd, ok := t.read()
		if !ok {
			continue
		}
		if c, ok := splitBySign(r, signs, toks, k, rd); ok {
			out = append(out, c)
			k++
			continue
		}
		after := skipSpace(r, t.next)
		if after < len(r) && (r[after] == '%' || r[after] == '％') {
			continue
		}
		if t.next < len(r) && unicode.IsLetter(r[t.next]) && signStartingAt(signs, t.next) == nil && !fromWordAt(r, t.next) {
			continue
		}
		if t.start > 0 && signEndingAt(signs, t.start) == nil {
			prev := r[t.start-1]
			if unicode.IsLetter(prev) || prev == '#' || prev == '№' {
				continue
			}
		}
		b := skipSpaceBack(r, t.start)
		if b > 0 && r[b-1] == '/' && signEndingAt(signs, b) == nil {
			continue
		}
		c := candidate{tok: t, rd: rd}
		c.sign = adjacentSign(r, signs, t)
		// "19,99 € x 2": a bare number after a multiplication sign
		// counts items.
		c.qty = c.sign == nil && (isQuantityMark(r, after) || b > 0 && (r[b-1] == '×' || r[b-1] == '*' || ((r[b-1] == 'x' || r[b-1] == 'X') && (b-1 == 0 || !unicode.IsLetter(r[b-2])))))
		c.perUnit, c.unit = perUnitAfter(r, signs, t, c.sign)
		out = append(out, c)
	}
	return out
}

// splitBySign reads the French shop form "299€99" (299.99 €), where the
// sign stands in for the decimal mark between two touching numbers.
func splitBySign(r []rune, signs []found, toks []token, k int, rd reading) (candidate, bool) {
	if k+1 >= len(toks) || rd.frac != "" || rd.alt != nil || toks[k].multExp != 0 {
		return candidate{}, false
	}
	s, b := signStartingAt(signs, toks[k].next), toks[k+1]
	if s == nil || s.end != b.start || len(b.seps) != 0 || len(b.groups[0]) != 2 || b.multExp != 0 ||
		(b.next < len(r) && unicode.IsLetter(r[b.next])) {
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
// allowed between.
func adjacentSign(r []rune, signs []found, t token) *found {
	if s := signEndingAt(signs, skipSpaceBack(r, t.start)); s != nil {
		return s
	}
	// "-" between a sign and the number is the minus of "-€5" or a
	// range dash; only spaces count as adjacency.
	return signStartingAt(signs, skipSpace(r, t.next))
}

// perUnitAfter reports a unit after the price: "/kg", "/ 100 g",
// "per month", "元/斤".
func perUnitAfter(r []rune, signs []found, t token, sign *found) (bool, string) {
	i := t.next
	if sign != nil && sign.start >= t.next {
		i = sign.end
	}
	i = skipSpace(r, i)
	rest := string(r[i:min(len(r), i+maxUnit)])
	var unit string
	switch {
	case strings.HasPrefix(rest, "/"):
		unit = rest[1:]
	case hasWordPrefix(rest, "per "), hasWordPrefix(rest, "pro "), hasWordPrefix(rest, "par "):
		unit = rest[4:]
	case strings.HasPrefix(rest, "每"):
		unit = strings.TrimPrefix(rest, "每")
	default:
		return false, ""
	}
	unit = strings.TrimSpace(unit)
	if j := strings.IndexAny(unit, ")]）,;"); j >= 0 {
		unit = strings.TrimSpace(unit[:j])
	}
	if unit == "" {
		return false, ""
	}
	// "¥99/¥199" is two prices, not a price per "¥199".
	ur := []rune(unit)
	if f := findSigns(ur); len(f) > 0 && f[0].start == 0 {
		return false, ""
	}
	if isDigit(ur[0]) && len(tokenize(ur, nil)) > 0 && !strings.ContainsFunc(unit, unicode.IsLetter) {
		return false, ""
	}
	return true, unit
}

func hasWordPrefix(s, w string) bool { return strings.HasPrefix(strings.ToLower(s), w) }

// choose picks the price among the candidates: a range if two are joined
// by a range word, else the one candidate next to a currency sign, else
// the only candidate. More than one left is reported as ambiguous.
func choose(r []rune, cands []candidate) (candidate, *candidate, string) {
	// A unit price beside the item price ("$19.99 ($0.50/oz)") is not a
	// second price.
	var main []candidate
	for _, c := range cands {
		if !c.perUnit && !c.qty {
			main = append(main, c)
		}
	}
	if len(main) == 0 {
		main = cands
	}
	for i := 0; i+1 < len(main); i++ {
		if isRangeBetween(r, main[i], main[i+1]) {
			a, b := main[i], main[i+1]
			for j, c := range main {
				if j != i && j != i+1 && (c.sign != nil || (a.sign == nil && b.sign == nil)) {
					return a, &b, "more than one price in the string"
				}
			}
			return a, &b, ""
		}
	}
	var priced []candidate
	for _, c := range main {
		if c.sign != nil {
			priced = append(priced, c)
		}
	}
	switch {
	case len(priced) == 1:
		return priced[0], nil, ""
	case len(priced) > 1:
		return priced[0], nil, "more than one price in the string"
	case len(main) == 1:
		return main[0], nil, ""
	}
	return main[0], nil, "more than one number and no currency to tell the price"
}

// rangeWords join the two ends of a price range.
var rangeWords = map[string]bool{"-": true, "~": true, "to": true, "bis": true, "à": true, "a": true, "至": true,
	"到": true, "до": true, "–": true, "-до": true, "à partir de": false}

func isRangeBetween(r []rune, a, b candidate) bool {
	from, to := a.tok.next, b.tok.start
	if a.sign != nil && a.sign.start >= a.tok.next {
		from = a.sign.end
	}
	if b.sign != nil && b.sign.end <= b.tok.start {
		to = b.sign.start
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
	rest := string(r[i:])
	return strings.HasPrefix(rest, "起") || strings.HasPrefix(rest, "以上")
}

func isFrom(r []rune, c candidate, signs []found) bool {
	start, end := c.tok.start, c.tok.next
	if c.sign != nil {
		if c.sign.end <= c.tok.start {
			start = c.sign.start
		} else {
			end = c.sign.end
		}
	}
	before := strings.ToLower(strings.TrimSpace(string(r[:start])))
	for _, w := range fromWords {
		if strings.HasSuffix(before, w) {
			k := len(before) - len(w)
			if k == 0 || !unicode.IsLetter(lastRune(before[:k])) {
				return true
			}
		}
	}
	after := strings.TrimSpace(string(r[end:]))
	for _, w := range fromSuffixes {
		if strings.HasPrefix(after, w) && (w != "~" || strings.TrimSpace(after[1:]) == "") {
			return true
		}
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

// currencyOf returns the ISO code and the sign as written for the chosen
// price: its own sign, else the range's other end's, else the one sign in
// the string, else the hint.
func currencyOf(first candidate, second *candidate, signs []found, h Hint) (string, string) {
	s := first.sign
	if s == nil && second != nil {
		s = second.sign
	}
	if s == nil && len(signs) > 0 {
		one := true
		for _, x := range signs[1:] {
			if x.text != signs[0].text {
				one = false
			}
		}
		if one {
			s = &signs[0]
		}
	}
	if s == nil {
		return strings.ToUpper(h.Currency), ""
	}
	return resolveCurrency(s.codes, h), s.text
}

// currencyCodes are the currencies the amount may be in, for the minor
// digit rule: the resolved one, else every candidate of the sign.
func currencyCodes(first candidate, second *candidate, cur string, h Hint) []string {
	if cur != "" {
		return []string{cur}
	}
	for _, c := range []*candidate{&first, second} {
		if c != nil && c.sign != nil {
			return c.sign.codes
		}
	}
	return nil
}

// decide settles a candidate's reading with the cues, returning its
// amount, the other reading when undecided, and why it is undecided.
func decide(c candidate, codes []string, h Hint) (string, string, string) {
	rd, exp := c.rd, c.tok.multExp
	if c.tok.wholeDash && rd.alt != nil {
		// "1.299,-" is a whole amount written with grouping.
		rd.alt = nil
	}
	if rd.alt == nil {
		return rd.amount(exp), "", ""
	}
	grp, dec := rd.amount(exp), rd.alt.amount(exp)
	scaled := c.perUnit || exp != 0
	minor := -1 // the most minor digits any of the currencies has
	for _, k := range codes {
		minor = max(minor, minorDigits(k))
	}
	noThree := minor >= 0 && minor < 3
	if h.Machine && rd.ambSep == '.' {
		// schema.org: '.' is the decimal mark. Trust it unless the
		// currency cannot have that many minor digits (padding zeros
		// aside): "1.299" EUR or "1.980" JPY then reads both ways.
		if noThree && !scaled && len(strings.TrimRight(rd.alt.frac, "0")) > minor {
			return grp, dec, "a schema.org price with more decimals than its currency has"
		}
		return dec, "", ""
	}
	if noThree && !scaled {
		return grp, "", ""
	}
	marks := map[rune]bool{}
	if len(codes) > 0 {
		m := decimalMark[codes[0]]
		for _, k := range codes[1:] {
			if decimalMark[k] != m {
				m = 0
			}
		}
		if m != 0 {
			marks[m] = true
		}
	}
	if m := langMark(h.Lang); m != 0 {
		marks[m] = true
	}
	if m := decimalMark[strings.ToUpper(h.Currency)]; m != 0 && len(codes) == 0 {
		marks[m] = true
	}
	switch {
	case len(marks) == 0:
		return grp, dec, "no currency or language to tell a decimal mark from a thousands separator"
	case len(marks) > 1:
		return grp, dec, "the currency and the page language disagree on the decimal mark"
	}
	if marks[rd.ambSep] {
		return dec, "", ""
	}
	return grp, "", ""
}
