package price

import (
	"unicode"
)

// cueKind is what a word beside an amount says about it.
type cueKind uint8

const (
	cuePrice    cueKind = iota + 1 // "Price", "Preis", "价格": the number after it is a price
	cueWas                         // "Was", "UVP", "statt", "原价": a former or list price
	cueNow                         // "Now", "Por", "现价": the price to pay
	cueOnly                        // "only", "nur": the price to pay, but also "only 3 left"
	cueExTax                       // "ex VAT", "税抜": before tax
	cueIncTax                      // "inc VAT", "税込": tax included, the price to pay
	cueShipping                    // "shipping", "Versand", "运费"
	cueSaving                      // "Save", "Sie sparen", "省": an amount taken off
	cueFree                        // "Free", "Gratis", "包邮", "送料無料"
	cueOver                        // "over", "满", "以上": a threshold, whatever the order
	cueFrom                        // "from", "ab", "dès": a threshold only after a free word
	cueEach                        // "each", "/Stk.": a unit word that keeps a string a price
	cueFiller                      // "and", "returns": words that may stand beside "free"
)

// cue is one word or phrase of the vocabulary, written in lower case.
type cue struct {
	text  []rune
	kind  cueKind
	latin bool // needs a word boundary on both sides (scripts written with spaces)
	// dir is the side the cue names when amounts stand on both sides of
	// it and nothing else decides: +1 the amount after ("Was $59.99"), -1
	// the one before ("$5.99 shipping"), 0 neither (then it names none).
	dir int8
	// needs is another cue that must be in the string too: the
	// Portuguese "de" is a former price only in "de ... por ...".
	needs string
}

// cueTexts lists the vocabulary by kind. Words are matched on the string
// folded to lower case; a trailing '.' or ':' is part of some entries.
var cueTexts = []struct {
	kind  cueKind
	dir   int8
	words []string
}{
	{cuePrice, 1, []string{"price", "prices", "our price", "preis", "prix", "precio", "prezzo", "preço", "prijs", "pris",
		"cena", "цена", "ціна", "fiyat", "fiyatı", "ár", "hinta", "harga", "giá", "ราคา", "价", "價", "价格", "價格",
		"価格", "値段",
		"가격", "판매가", "특가", "pvp", "p.v.p.", "total", "subtotal",
		"summe", "gesamtpreis", "betrag", "montant", "importe", "итого", "合计", "合計", "小计", "小計", "합계", "소계", "qiymət"}},
	{cueWas, 1, []string{"was", "was:", "list", "list price", "list:", "regular price", "regular", "reg.", "reg", "typical price",
		"original price", "orig.", "old price", "compare at", "retail price", "rrp", "msrp", "mrp", "m.r.p.", "m.r.p", "uvp",
		"statt", "bisher", "alter preis", "ursprünglich", "au lieu de", "ancien prix", "prix barré", "prix de référence",
		"antes", "precio anterior", "precio original", "precio normal", "era", "invece di", "prezzo consigliato", "prima era",
		"in plaats van", "adviesprijs", "van", "em vez de", "zamiast", "stara cena", "было", "старая цена", "eski fiyat",
		"原价", "原價", "定价", "定價", "划线价", "市场价", "专柜价", "通常価格", "参考価格", "希望小売価格", "定価",
		"정가", "기존가", "giá gốc", "ราคาปกติ", "harga asli", "de", "de:"}},
	{cueNow, 1, []string{"now", "now:", "sale", "sale price", "deal price", "special price", "offer price", "you pay", "por",
		"por:", "ahora", "jetzt", "jetzt nur", "voor", "maintenant", "prix promo", "ora", "oferta", "promoção", "teraz",
		"сейчас", "indirimli fiyat", "现价", "現價", "到手价", "券后价", "折后价", "活动价", "促销价", "秒杀价", "特价", "特價",
		"券后", "折后", "到手", "セール価格", "特価", "할인가", "즉시할인가", "최종가", "giá bán", "harga diskon", "ราคาพิเศษ"}},
	{cueOnly, 1, []string{"only", "just", "nur", "solo", "sólo", "apenas", "seulement", "仅", "只要", "tylko", "всего"}},
	{cueExTax, 0, []string{"ex vat", "ex. vat", "excl. vat", "excl vat", "exc. vat", "exc vat", "excluding vat", "+ vat",
		"+vat", "plus vat", "ex tax", "excl. tax", "tax excl.", "tax excl", "before tax", "pre-tax", "net", "netto",
		"exkl. mwst.", "exkl. mwst", "zzgl. mwst.", "zzgl. mwst", "ohne mwst", "ht", "hors taxes", "h.t.", "sin iva",
		"+ iva", "+iva", "excl. btw", "ex. btw", "excl btw", "bez dph", "без ндс", "kdv hariç", "ex gst", "excl. gst",
		"excl gst", "+ gst", "+gst", "plus gst", "+ tax", "plus tax", "ekskl. moms", "exkl. moms", "ex. moms", "税抜", "税抜き", "税別",
		"本体価格", "不含税", "未税", "부가세 별도"}},
	{cueIncTax, 0, []string{"inc vat", "inc. vat", "incl. vat", "incl vat", "including vat", "inc. tax", "incl. tax",
		"inkl. mwst.", "inkl. mwst", "ttc", "con iva", "iva incluido", "iva incl.", "incl. btw", "s dph", "с ндс",
		"kdv dahil", "inc gst", "inc. gst", "incl. gst", "incl gst", "including gst", "inkl. moms", "inkl moms", "tax incl.",
		"税込", "税込み", "含税", "부가세 포함"}},
	{cueShipping, 0, []string{"shipping", "delivery", "postage", "p&p", "s&h", "versand", "versandkosten", "lieferung",
		"livraison", "frais de port", "envío", "envio", "gastos de envío", "frete", "spedizione", "verzendkosten",
		"verzending", "dostawa", "wysyłka", "доставка", "kargo", "szállítás", "doprava", "运费", "邮费", "運費", "送料",
		"배송비", "배송", "ongkir", "phí vận chuyển", "vận chuyển", "giao hàng", "ค่าส่ง", "شحن", "التوصيل", "αποστολή",
		"transport", "dostava", "toimitus", "levering", "frakt", "fragt", "送货", "配送", "送貨"}},
	{cueSaving, 1, []string{"save", "save:", "you save", "sie sparen", "sparen sie", "spare", "économisez", "ahorra",
		"ahorras", "economize", "economia de", "risparmi", "bespaar", "oszczędzasz", "экономия", "省", "立省", "节省",
		"立减", "直降"}},
	{cueSaving, -1, []string{"off", "de réduction", "de descuento", "rabatt"}},
	{cueFree, 0, []string{"free", "free shipping", "free delivery", "gratis", "kostenlos", "kostenlose", "kostenloser",
		"kostenfrei", "kostenfreie", "versandkostenfrei", "gratuit", "gratuite", "gratuits", "offert", "offerts",
		"livraison offerte", "gratuito", "gratuita", "grátis", "бесплатно", "бесплатная", "безкоштовно", "безкоштовна",
		"مجاني", "مجانا", "مجانًا", "darmowa", "bezpłatna", "bezpłatnie", "ücretsiz", "ingyenes", "zdarma", "ilmainen",
		"fri frakt", "gratis frakt", "gratis fragt", "δωρεάν", "besplatno", "besplatna", "безплатна", "безплатно",
		"miễn phí", "percuma", "ฟรี", "ส่งฟรี", "免费", "免費", "包邮", "包郵", "免运费", "免運費", "免運", "送料無料",
		"無料", "무료", "무료배송", "חינם", "رایگان", "मुफ़्त", "मुफ्त", "निःशुल्क", "bedava", "free returns"}},
	{cueOver, 1, []string{"over", "above", "orders over", "orders above", "on orders over", "spend over", "min.", "minimum",
		"满", "滿", "acima de", "über", "oltre", "au-dessus de", "more than", "mindestbestellwert"}},
	{cueOver, -1, []string{"以上", "이상", "üzeri", "ve üzeri", "felett", "feletti", "and over", "or more", "and up", "+"}},
	{cueFrom, 1, []string{"from", "ab", "à partir de", "a partir de", "dès", "desde", "od", "от", "від", "vanaf", "fra",
		"från", "a partire da", "on orders of", "orders of", "on", "on all orders over", "when you spend", "spend",
		"purchases over", "with", "with orders of", "bei bestellungen ab", "pour toute commande de", "en pedidos de", "em compras acima de"}},
	{cueFiller, 0, []string{"and", "und", "et", "y", "e", "i", "og", "och", "returns", "return", "retouren",
		"rücksendung", "retours", "devoluciones", "devolução", "resi", "zwroty", "退货", "退貨", "返品"}},
	{cueEach, -1, []string{"each", "ea", "ea.", "/stk.", "pro stück", "l'unité", "la pièce", "c/u", "cada", "件"}},
}

// cuesByRune indexes the vocabulary by first rune; entries are longest
// first so "list price" is found before "list".
var cuesByRune = func() map[rune][]cue {
	m := map[rune][]cue{}
	for _, g := range cueTexts {
		for _, w := range g.words {
			rs := []rune(w)
			c := cue{text: rs, kind: g.kind, dir: g.dir, latin: isSpacedScript(rs[0])}
			if !c.latin && (g.kind == cueExTax || g.kind == cueIncTax || g.kind == cueShipping) {
				// "税込 2,178円", "送料 500円": CJK labels stand
				// before the amount, or after it in parentheses.
				c.dir = 1
			}
			switch w {
			case "de", "de:":
				c.needs = "por"
			case "van":
				c.needs = "voor"
			case "voor":
				c.needs = "van"
			}
			m[rs[0]] = append(m[rs[0]], c)
		}
	}
	for k, cs := range m {
		for i := 1; i < len(cs); i++ {
			for j := i; j > 0 && len(cs[j].text) > len(cs[j-1].text); j-- {
				cs[j], cs[j-1] = cs[j-1], cs[j]
			}
		}
		m[k] = cs
	}
	return m
}()

// isSpacedScript reports a letter of a script written with spaces between
// words (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari), whose cue
// words need a boundary; CJK and Thai words stand against their
// neighbours.
func isSpacedScript(c rune) bool {
	return !(unicode.Is(unicode.Han, c) || unicode.Is(unicode.Hiragana, c) || unicode.Is(unicode.Katakana, c) ||
		unicode.Is(unicode.Hangul, c) || unicode.Is(unicode.Thai, c))
}

// occ is one cue found in a string, at rune offsets [start, end).
type occ struct {
	start, end int
	kind       cueKind
	dir        int8
	text       string
	needs      string
}

// findCues returns every cue in r, in order; a shorter cue inside a
// longer one ("price" in "list price") is not reported again. It returns
// nil at once for a string with no letter.
func findCues(r []rune) []occ {
	letters := false
	for _, c := range r {
		if unicode.IsLetter(c) || c == '+' || c == '/' {
			letters = true
			break
		}
	}
	if !letters {
		return nil
	}
	var out []occ
	covered := 0
	for i := 0; i < len(r); i++ {
		// A cue of a spaced script starts a word; one of a CJK script
		// starts anywhere.
		if i > 0 && unicode.IsLetter(r[i-1]) && unicode.IsLetter(r[i]) && isSpacedScript(r[i]) {
			continue
		}
		for _, c := range cuesByRune[unicode.ToLower(r[i])] {
			n := len(c.text)
			if i+n > len(r) || !lowerEqual(r[i:i+n], c.text) {
				continue
			}
			if c.latin && unicode.IsLetter(c.text[0]) && i > 0 && (unicode.IsLetter(r[i-1]) || (c.kind == cueFree && r[i-1] == '-')) {
				continue
			}
			last := c.text[n-1]
			if c.latin && unicode.IsLetter(last) && i+n < len(r) && (unicode.IsLetter(r[i+n]) || unicode.Is(unicode.Mn, r[i+n])) {
				continue
			}
			if i+n <= covered {
				break
			}
			out = append(out, occ{start: i, end: i + n, kind: c.kind, dir: c.dir, text: string(c.text), needs: c.needs})
			covered = i + n
			break
		}
	}
	// Drop the cues whose partner is missing ("de" without "por").
	k := 0
	for _, o := range out {
		if o.needs != "" && !hasCueText(out, o.needs) {
			continue
		}
		out[k] = o
		k++
	}
	return out[:k]
}

// lowerEqual reports that a, folded to lower case, is the lower-case b.
func lowerEqual(a, b []rune) bool {
	for i := range a {
		if unicode.ToLower(a[i]) != b[i] {
			return false
		}
	}
	return true
}

func hasCueText(os []occ, text string) bool {
	for _, o := range os {
		if o.text == text || o.text == text+":" {
			return true
		}
	}
	return false
}
