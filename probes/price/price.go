// Package price reads prices and counts as shops print them: "¥1,299.00",
// "1.299,00 €", "1 849 руб.", "CHF 1'049.95", "￥99起", "¥99–199",
// "₹1,29,999", "1万9,800円", "-$5.00", "Was $59.99 Now $39.99", "包邮",
// "1.2万" reviews.
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
	// Free is a price stated in words as nothing to pay: "Free",
	// "Gratis", "Kostenlos", "免费", "包邮", "送料無料", "무료배송". Amount
	// is "0". It is its own kind because a page that says "free" states
	// a price as surely as one that prints "0,00 €", and a reader that
	// returned no price for it would lose that.
	Free Kind = "free"
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
	// impossible, which is reported as ambiguous. A machine value is a
	// price field (see Field).
	Machine bool
	// Field says the string is the text of a price field: an
	// itemprop=price or offers element, or the element a selector names
	// as the price. Without it (and without Machine), a string that
	// holds words is read only when it shows a currency or a price word
	// ("Size 10.5", "Only 3 left", "Model 2024" are not prices); a bare
	// number ("759.00") is read either way.
	Field bool
}

// Role says what a second amount in a price string is.
type Role string

// The roles of the amounts that stand beside the price.
const (
	RoleWas         Role = "was"         // a former, list or struck-through price ("Was", "UVP", "De:", "原价")
	RoleExTax       Role = "ex_tax"      // the price before tax ("税抜", "ex VAT")
	RoleShipping    Role = "shipping"    // a delivery charge ("+ $5.99 shipping")
	RoleSaving      Role = "saving"      // the amount taken off ("Save $200")
	RoleInstallment Role = "installment" // one of several payments ("10x de R$ 129,90")
	RoleEach        Role = "each"        // the price of one of several items ("2 x 19,99 €")
	RoleThreshold   Role = "threshold"   // the order value above which the price is free ("包邮 满99元")
)

// Related is an amount the string states beside the price.
type Related struct {
	Role   Role    `json:"role"`
	Amount string  `json:"amount"`
	Value  float64 `json:"value"`
}

// Price is one price string read.
type Price struct {
	// Raw is the string as given.
	Raw string `json:"raw"`
	// Amount is the exact decimal of the price (the low end of a range):
	// '.' as the decimal mark, no grouping, minor digits as written, a
	// leading '-' for a negative amount (a discount, refund or credit:
	// "-$5.00", "−5,00 €", "($5.00)").
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
	// Unit is what a per-unit price is per ("kg", "月", "100 g"); a range
	// with a unit ("$1.99 - $3.49/lb") is of kind Range with Unit set.
	Unit string `json:"unit,omitempty"`
	// Related are the other amounts the string names beside the price:
	// the former price of "Was $59.99 Now $39.99", the shipping of
	// "$4.99 + $5.99 shipping", the pre-tax price of "2,178円 (税抜
	// 1,980円)".
	Related []Related `json:"related,omitempty"`
	// Ambiguous is set when the string can be read more than one way and
	// no cue decides: Amount then holds one reading, Alt the other (when
	// there is one), and Reason says what was missing. Callers must not
	// compare an ambiguous price as if it were known.
	Ambiguous bool   `json:"ambiguous,omitempty"`
	Alt       string `json:"alt,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// maxRunes bounds the text read: a price string is short, and a longer
// one (a whole container's text) is read from its start.
const maxRunes = 4096

// maxUnit bounds how far after a price a unit ("/ 100 g") is looked for.
const maxUnit = 32

// Parse reads the price in s. It returns false when s holds no number
// that can be a price (no digits, only percentages, quantities or dates)
// and no word that states one ("Free"), and when s holds words but no
// currency, no price word and h does not say it is a price field.
func Parse(s string, h Hint) (Price, bool) {
	r := normalize(s)
	if len(r) > maxRunes {
		r = r[:maxRunes]
	}
	ctx := newScanCtx(h.Lang, false)
	signs := minorSigns(r, findSigns(r), h)
	cues := findCues(r)
	cands, pcts := candidates(r, signs, cues, ctx)
	if len(cands) == 0 {
		return parseFree(s, r, h, cues)
	}
	if !h.Field && !h.Machine && !hasCurrency(signs) && !onlyPriceWords(r, cands, signs, cues) {
		return Price{}, false
	}
	val := func(c candidate) (float64, bool) {
		a, _, _ := decide(c, c.codes(h), h)
		return toFloat(a)
	}
	ch := choose(r, cands, pcts, cues, val)
	if ch.free {
		p := Price{Raw: s, Kind: Free, Amount: "0", Currency: strings.ToUpper(h.Currency)}
		p.Related = related(ch.related, h)
		if ch.reason != "" {
			p.Ambiguous, p.Reason = true, ch.reason
		}
		return p, true
	}
	first, second := ch.first, ch.second
	p := Price{Raw: s, Kind: Single}
	if ch.reason != "" {
		p.Ambiguous, p.Reason = true, ch.reason
	}
	cur, sym := currencyOf(first, second, signs, h)
	p.Currency, p.Symbol = cur, sym
	codes := currencyCodes(first, second, cur, h)
	low, lowAlt, why := decide(first, codes, h)
	if why != "" && !p.Ambiguous {
		p.Ambiguous, p.Reason = true, why
	}
	p.Amount, p.Alt = signed(low, first.neg), signed(lowAlt, first.neg)
	switch {
	case first.paren && first.sign != nil && second == nil && len(ch.related) == 0:
		// Accounting parentheses around a priced amount: "($5.00)".
		p.Amount, p.Alt = signed(low, true), signed(lowAlt, true)
	case first.paren && !p.Ambiguous:
		p.Ambiguous, p.Reason, p.Alt = true, "a number in parentheses may be an accounting negative", signed(low, true)
	case first.spacedMinus && !p.Ambiguous:
		p.Ambiguous, p.Reason, p.Alt = true, "a dash set apart before the amount may be a minus or a separator", signed(low, true)
	case first.trailingMinus && !p.Ambiguous:
		p.Ambiguous, p.Reason, p.Alt = true, "a minus after the amount may mark it negative", signed(low, true)
	case first.bundle && !p.Ambiguous:
		p.Ambiguous, p.Reason = true, "the price of several items (3 for $10)"
	case first.role == RoleSaving && !first.neg && !p.Ambiguous:
		// "You save $200"; a signed "Rabatt -10,00 €" is the
		// discount line's own amount.
		p.Ambiguous, p.Reason = true, "the only amount is a saving, not a price"
	}
	if first.perUnit {
		p.Kind, p.Unit = PerUnit, first.unit
	}
	if second != nil {
		high, highAlt, why := decide(*second, codes, h)
		if why != "" && !p.Ambiguous {
			p.Ambiguous, p.Reason = true, why
		}
		if highAlt != "" && p.Alt == "" {
			p.Alt = signed(highAlt, second.neg)
		}
		p.Kind, p.HighAmount = Range, signed(high, second.neg)
		if second.perUnit {
			p.Unit = second.unit
		}
	} else if isFrom(r, first) {
		p.Kind = From
	}
	p.Related = related(ch.related, h)
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
	if p.Kind == Single && p.Value == 0 {
		switch {
		case hasCue(cues, cueFree):
			p.Kind, p.Amount = Free, "0" // "0,00 € Gratis"
		case hasRole(p.Related, RoleWas) && !p.Ambiguous:
			// "Was: $124.95 Now: $0.00" is more often a page's
			// placeholder than a gift; a gift says "free".
			p.Ambiguous, p.Reason = true, "a price of zero beside a former price"
		}
	}
	return p, true
}

// signed puts a minus before a nonzero amount.
func signed(a string, neg bool) string {
	if !neg || a == "" || strings.Trim(a, "0.") == "" {
		return a
	}
	return "-" + a
}

// related writes the amounts that stand beside the price.
func related(cs []candidate, h Hint) []Related {
	var out []Related
	for _, c := range cs {
		a, _, _ := decide(c, c.codes(h), h)
		a = signed(a, c.neg)
		v, ok := toFloat(a)
		if !ok || c.role == "" {
			continue
		}
		out = append(out, Related{Role: c.role, Amount: a, Value: v})
	}
	return out
}

// parseFree reads a string that holds no number: a price of nothing
// stated in words ("Free", "FREE delivery", "Kostenlos", "包邮", "무료배송"),
// when the words are only that. "Sugar free" and "not free" are no price.
func parseFree(s string, r []rune, h Hint, cues []occ) (Price, bool) {
	if !hasCue(cues, cueFree) {
		return Price{}, false
	}
	covered := make([]bool, len(r))
	for _, o := range cues {
		if o.kind == cueFree || o.kind == cueShipping || o.kind == cueFiller {
			for i := o.start; i < o.end; i++ {
				covered[i] = true
			}
		}
	}
	for i, c := range r {
		if isDigit(c) || (unicode.IsLetter(c) && !covered[i]) {
			return Price{}, false
		}
	}
	return Price{Raw: s, Kind: Free, Amount: "0", Currency: strings.ToUpper(h.Currency)}, true
}

func hasRole(rs []Related, role Role) bool {
	for _, x := range rs {
		if x.Role == role {
			return true
		}
	}
	return false
}

func hasCue(cues []occ, k cueKind) bool {
	for _, o := range cues {
		if o.kind == k {
			return true
		}
	}
	return false
}

// isLabel reports the cue kinds that say a number is a price.
func isLabel(k cueKind) bool {
	switch k {
	case cuePrice, cueWas, cueNow, cueExTax, cueIncTax, cueEach:
		return true
	}
	return false
}

// nextIsAmount reports a candidate starting at i, spaces and a colon
// aside.
func nextIsAmount(r []rune, i int, cands []candidate) bool {
	i = skipSpace(r, i)
	if i < len(r) && (r[i] == ':' || r[i] == '：') {
		i = skipSpace(r, i+1)
	}
	for _, c := range cands {
		if c.lead == i {
			return true
		}
	}
	return false
}

// hasCurrency reports a currency written in the string: a sign, a code
// or a currency word. The letters that write hundredths ("99p", "99c")
// do not count, as they could be other units ("4p" for a four-pack).
func hasCurrency(signs []found) bool {
	for _, s := range signs {
		if !(s.minor && (s.text == "p" || s.text == "c")) {
			return true
		}
	}
	return false
}

// onlyPriceWords reports that every word in r belongs to the price: the
// numbers with their multipliers, the unit of a per-unit price, a
// minor-unit letter, and the vocabulary of prices ("Price", "UVP", "Was",
// "inkl. MwSt.", "each"). "Price 3,999" and "99c each" pass; "Size
// 10.5", "Only 3 left in stock" and "4.7 out of 5 stars" do not.
func onlyPriceWords(r []rune, cands []candidate, signs []found, cues []occ) bool {
	covered := make([]bool, len(r)+1)
	mark := func(a, b int) {
		for i := max(a, 0); i < min(b, len(r)); i++ {
			covered[i] = true
		}
	}
	for _, s := range signs {
		mark(s.start, s.end)
	}
	for _, c := range cands {
		mark(c.lead, c.tail)
		if c.perUnit {
			mark(c.tail, c.unitEnd)
		}
		if i := skipSpace(r, c.tail); fromWordAt(r, i) {
			mark(i, i+2)
		}
	}
	for _, o := range cues {
		switch {
		case o.kind == cueFrom && nextIsAmount(r, o.end, cands):
			mark(o.start, o.end) // "ab 19,99", "from 9.99"
		case isLabel(o.kind):
			mark(o.start, o.end)
			// A CJK price word ends a compound label: "指导价",
			// "京东价", "税込価格".
			for i := o.start - 1; i >= 0 && unicode.IsLetter(r[i]) && !isSpacedScript(r[i]); i-- {
				covered[i] = true
			}
		}
	}
	for i, c := range r {
		if unicode.IsLetter(c) && !covered[i] {
			return false
		}
	}
	return true
}

func toFloat(a string) (float64, bool) {
	v, err := strconv.ParseFloat(a, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
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
	return resolveCurrency(*s, h), s.text
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
	if c.sign != nil && c.sign.minor {
		exp -= 2 // "99p", "50¢": hundredths
	}
	switch {
	case c.tok.strayDigits:
		return rd.amount(exp), "", "digits touch the multiplier without continuing it"
	case c.tok.colloquial != "":
		return rd.amount(exp), c.tok.colloquial, "a single digit after a CJK unit may be the unit's next digit (1万2 is said for 12,000)"
	}
	if c.tok.wholeDash && rd.alt != nil {
		// "1.299,-" is a whole amount written with grouping.
		rd.alt = nil
	}
	if rd.alt == nil {
		return rd.amount(exp), "", ""
	}
	grp, dec := rd.amount(exp), rd.alt.amount(exp)
	scaled := c.perUnit || exp != 0 || c.tok.multExp != 0
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

// codes are the currencies c's own amount may be in: its sign's, narrowed
// by the hint, else the hint's.
func (c candidate) codes(h Hint) []string {
	if c.sign == nil {
		if h.Currency != "" {
			return []string{strings.ToUpper(h.Currency)}
		}
		return nil
	}
	if cur := resolveCurrency(*c.sign, h); cur != "" {
		return []string{cur}
	}
	return c.sign.codes
}
