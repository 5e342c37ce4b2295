package price

import (
	"math"
	"unicode"
)

// choice is the price picked among a string's candidates.
type choice struct {
	first  candidate
	second *candidate // the high end of a range
	// related are the other amounts the words name ("Was", "shipping").
	related []candidate
	// free: the string states the price as nothing ("Free shipping on
	// orders over $35"), the amounts beside it being thresholds.
	free   bool
	reason string
}

// choose picks the price among the candidates: a range if two are joined
// by a range word, else the one candidate next to a currency sign, else
// the only candidate. When several remain, the words beside them decide
// (was/now, list/sale, tax excluded/included, "+ shipping"), then a
// discount that the two amounts agree with; what is still undecided is
// reported as ambiguous.
func choose(r []rune, cands []candidate, pcts []float64, cues []occ, val func(candidate) (float64, bool)) choice {
	// A unit price beside the item price ("$19.99 ($0.50/oz)") is not a
	// second price.
	main := make([]*candidate, 0, len(cands))
	nonQty := make([]*candidate, 0, len(cands))
	for i := range cands {
		if c := &cands[i]; !c.qty {
			nonQty = append(nonQty, c)
			if !c.perUnit {
				main = append(main, c)
			}
		}
	}
	if len(main) == 0 {
		for i := range cands {
			main = append(main, &cands[i])
		}
	}
	for i := 0; i+1 < len(nonQty); i++ {
		a, b := nonQty[i], nonQty[i+1]
		// The high end may carry the unit for both ends ("$1.99 -
		// $3.49/lb"); a unit on the low end alone belongs to it.
		if (a.perUnit && !b.perUnit) || !isRangeBetween(r, *a, *b) {
			continue
		}
		for _, c := range main {
			if c != a && c != b && (c.sign != nil || (a.sign == nil && b.sign == nil)) {
				return choice{first: *a, second: b, reason: "more than one price in the string"}
			}
		}
		return choice{first: *a, second: b}
	}
	var priced []*candidate
	for _, c := range main {
		if c.sign != nil {
			priced = append(priced, c)
		}
	}
	free := hasCue(cues, cueFree)
	switch {
	case len(priced) == 1 && !free && hasCue(cues, cueSaving):
		// "You save: $200.00" holds a saving and no price.
		bindCues(r, priced, cues, false)
		c := *priced[0]
		if c.role != RoleSaving {
			c.role = ""
		}
		return choice{first: c}
	case len(priced) == 1 && !free:
		return choice{first: *priced[0]}
	case len(priced) == 0 && len(main) == 1 && !free:
		return choice{first: *main[0]}
	case len(priced) == 0:
		priced = main
	}
	return byCues(r, priced, pcts, cues, free, val)
}

// byCues binds the cue words to the amounts and picks the one to pay.
func byCues(r []rune, pool []*candidate, pcts []float64, cues []occ, free bool, val func(candidate) (float64, bool)) choice {
	bindCues(r, pool, cues, free)
	var rest, rel []candidate
	named := -1 // the one amount a word names as the price to pay
	for _, c := range pool {
		switch {
		case c.role != "":
			rel = append(rel, *c)
		case c.cue == cueNow || c.cue == cueOnly || c.cue == cueIncTax:
			if named == -1 {
				named = len(rest)
			} else {
				named = -2
			}
			rest = append(rest, *c)
		default:
			rest = append(rest, *c)
		}
	}
	thresholds := false
	for _, c := range rel {
		thresholds = thresholds || c.role == RoleThreshold
	}
	switch {
	case len(rest) == 0 && free:
		ch := choice{free: true, related: rel}
		if thresholds {
			ch.reason = "free only above a threshold"
		}
		return ch
	case len(rest) == 0:
		return choice{first: *pool[0], reason: "more than one price in the string and none named as the price to pay"}
	case len(rest) == 1:
		return choice{first: rest[0], related: rel}
	case sameAmounts(rest, val):
		// "205,68 € 205.68", "$19.99 $19.99": one price printed twice
		// (for the eye and for a screen reader).
		return choice{first: rest[0], related: rel}
	case named >= 0 && len(rest) == 2:
		// One amount named as the price to pay and one unnamed. Beside
		// a price named as including tax, a lower amount is the price
		// before tax ("1,980円（税込2,178円）").
		other := rest[1-named]
		vn, ok1 := val(rest[named])
		vo, ok2 := val(other)
		if rest[named].cue == cueIncTax && ok1 && ok2 && vo < vn && vo > 0 {
			other.role = RoleExTax
			return choice{first: rest[named], related: append(rel, other)}
		}
		// Beside a price named by "now", "券后价" or "only", a higher
		// amount is what it was before ("¥59 券后价¥49"); a lower one
		// is something else, and only a discount that agrees with the
		// two decides.
		if (rest[named].cue == cueNow || rest[named].cue == cueOnly) && ok1 && ok2 && vo > vn && vn > 0 {
			other.role = RoleWas
			return choice{first: rest[named], related: append(rel, other)}
		}
		if lo, hi, ok := discountPair(rest[named], other, rel, pcts, val); ok && lo.tok.start == rest[named].tok.start {
			hi.role = RoleWas
			return choice{first: lo, related: append(rel, hi)}
		}
	case named == -1 && len(rest) == 2:
		if lo, hi, ok := discountPair(rest[0], rest[1], rel, pcts, val); ok {
			hi.role = RoleWas
			return choice{first: lo, related: append(rel, hi)}
		}
	}
	if named >= 0 {
		return choice{first: rest[named], related: rel, reason: "more than one price in the string"}
	}
	return choice{first: rest[0], related: rel, reason: "more than one price in the string"}
}

// sameAmounts reports that every amount in cs has one value and sign.
func sameAmounts(cs []candidate, val func(candidate) (float64, bool)) bool {
	v0, ok := val(cs[0])
	if !ok {
		return false
	}
	for _, c := range cs[1:] {
		v, ok := val(c)
		if !ok || v != v0 || c.neg != cs[0].neg {
			return false
		}
	}
	return true
}

// discountPair orders two amounts as sale and former price when a
// percentage or a saving in the string agrees with their difference
// ("₹499 ₹999 50% off", "$1,299.99 $1,499.99 Save $200").
func discountPair(a, b candidate, rel []candidate, pcts []float64, val func(candidate) (float64, bool)) (candidate, candidate, bool) {
	va, ok1 := val(a)
	vb, ok2 := val(b)
	if !ok1 || !ok2 || a.neg || b.neg || va == vb || va <= 0 || vb <= 0 {
		return a, b, false
	}
	lo, hi, vlo, vhi := a, b, va, vb
	if vb < va {
		lo, hi, vlo, vhi = b, a, vb, va
	}
	for _, p := range pcts {
		if math.Abs(100*(vhi-vlo)/vhi-p) <= 1 {
			return lo, hi, true
		}
	}
	for _, c := range rel {
		if c.role != RoleSaving {
			continue
		}
		if s, ok := val(c); ok && math.Abs(math.Abs(s)-(vhi-vlo)) < 0.005 {
			return lo, hi, true
		}
	}
	return a, b, false
}

// roleOf is what a cue makes of the amount it names.
func roleOf(k cueKind) Role {
	switch k {
	case cueWas:
		return RoleWas
	case cueExTax:
		return RoleExTax
	case cueShipping:
		return RoleShipping
	case cueSaving:
		return RoleSaving
	case cueOver, cueFrom:
		return RoleThreshold
	}
	return ""
}

// bindCues gives each cue word the amount it names. A word names the
// amount next to it when only spaces and punctuation stand between. A
// word with amounts on both sides names the one after it when a colon
// follows it ("Shipping: $5.99") or it opens a parenthesis ("(税抜
// 1,980円)"), the one before when it sits in a parenthesis of its own
// ("2,178円(税込)"); otherwise the one its neighbour has not taken
// ("Was $59.99 Now $39.99"), and failing that the side its language
// writes it on ("Save $200"), or none where shops write it on either
// side ("shipping", "inc VAT").
func bindCues(r []rune, pool []*candidate, cues []occ, free bool) {
	type pending struct {
		o          occ
		prev, next int
	}
	var undecided []pending
	freeAt := -1
	for _, o := range cues {
		if o.kind == cueFree && freeAt < 0 {
			freeAt = o.start
		}
	}
	bind := func(i int, o occ) {
		if i < 0 || pool[i].cue != 0 {
			return
		}
		pool[i].cue = o.kind
		if pool[i].role == "" {
			pool[i].role = roleOf(o.kind)
		}
	}
	// Thresholds go first: in "Ücretsiz kargo 150 TL ve üzeri" the
	// amount belongs to "ve üzeri", not to "kargo".
	ordered := make([]occ, 0, len(cues))
	for _, o := range cues {
		if o.kind == cueOver || o.kind == cueFrom {
			ordered = append(ordered, o)
		}
	}
	for _, o := range cues {
		if o.kind != cueOver && o.kind != cueFrom {
			ordered = append(ordered, o)
		}
	}
	for _, o := range ordered {
		switch o.kind {
		case cueWas, cueNow, cueOnly, cueExTax, cueIncTax, cueShipping, cueSaving:
		case cueOver:
			if !free {
				continue
			}
		case cueFrom:
			// "ab 29 €" is a threshold only after the free word
			// ("Versandkostenfrei ab 29 €"); "ab 19,99 € versandkostenfrei"
			// is a price from 19,99 € with free delivery.
			if !free || freeAt < 0 || freeAt > o.start {
				continue
			}
		default:
			continue
		}
		prev, next := -1, -1
		for i := range pool {
			if pool[i].tail <= o.start && cleanGap(r, pool[i].tail, o.start, o, cues) {
				prev = i
			}
			if next < 0 && pool[i].lead >= o.end && cleanGap(r, o.end, pool[i].lead, o, cues) {
				next = i
			}
		}
		if o.text == "+" && (prev < 0 || pool[prev].tail != o.start) {
			// "$35+" names a threshold; a spaced "+" joins a sum.
			continue
		}
		if o.text[0] == '+' {
			next = -1 // "£20.00 + VAT": the plus adds to what stands before
		}
		if prev >= 0 && next >= 0 {
			switch {
			case gapHas(r, o.end, pool[next].lead, ")）"):
				next = -1
			case colonAfter(r, o) || gapHas(r, pool[prev].tail, o.start, "(（"):
				prev = -1
			}
		}
		switch {
		case prev >= 0 && next >= 0:
			undecided = append(undecided, pending{o, prev, next})
		case prev >= 0:
			bind(prev, o)
		case next >= 0:
			bind(next, o)
		}
	}
	for changed := true; changed; {
		changed = false
		for k, u := range undecided {
			if u.o.kind == 0 {
				continue
			}
			pt, nt := pool[u.prev].cue != 0, pool[u.next].cue != 0
			switch {
			case pt && !nt:
				bind(u.next, u.o)
			case nt && !pt:
				bind(u.prev, u.o)
			case pt && nt:
			default:
				continue
			}
			undecided[k].o.kind, changed = 0, true
		}
	}
	for _, u := range undecided {
		if u.o.kind == 0 {
			continue
		}
		switch u.o.dir {
		case 1:
			bind(u.next, u.o)
		case -1:
			bind(u.prev, u.o)
		}
	}
}

// cleanGap reports that r[a:b] holds no other number and no word but the
// cue's own kind, price words and "only" ("Now only $39.99").
func cleanGap(r []rune, a, b int, o occ, cues []occ) bool {
	for i := a; i < b; i++ {
		c := r[i]
		if isDigit(c) {
			return false
		}
		if !unicode.IsLetter(c) {
			continue
		}
		ok := false
		for _, x := range cues {
			if i >= x.start && i < x.end && (x.kind == o.kind || x.kind == cuePrice || x.kind == cueOnly) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func gapHas(r []rune, a, b int, set string) bool {
	for i := a; i < b && i < len(r); i++ {
		for _, c := range set {
			if r[i] == c {
				return true
			}
		}
	}
	return false
}

func colonAfter(r []rune, o occ) bool {
	if n := len(o.text); n > 0 && o.text[n-1] == ':' {
		return true
	}
	i := skipSpace(r, o.end)
	return i < len(r) && (r[i] == ':' || r[i] == '：')
}
