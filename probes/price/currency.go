package price

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sign is one way a currency is written: a symbol ("€"), a local
// abbreviation ("zł", "руб") or an ISO 4217 code.
type sign struct {
	text string
	// codes are the ISO 4217 currencies the sign can mean, most likely
	// first; one code means the sign is unambiguous.
	codes []string
	// word signs are letters and need a word boundary on both sides, so
	// "kr" is found in "1.299 kr" but not in "Akron".
	word bool
	// minor signs name the hundredth of the currency ("50¢").
	minor bool
	// deflt is the currency a sign means when neither the hint nor the
	// page language picks one of its codes ("元" on a page with no
	// region is the yuan).
	deflt string
}

// signs lists currency signs longest first, so "US$" wins over "$" and
// "R$" over "R". Codes are checked separately (isoCodes).
var signs = func() []sign {
	s := []sign{
		{text: "US$", codes: []string{"USD"}}, {text: "U$S", codes: []string{"USD"}},
		{text: "CA$", codes: []string{"CAD"}}, {text: "C$", codes: []string{"CAD"}},
		{text: "AU$", codes: []string{"AUD"}}, {text: "A$", codes: []string{"AUD"}},
		{text: "NZ$", codes: []string{"NZD"}}, {text: "HK$", codes: []string{"HKD"}},
		{text: "SG$", codes: []string{"SGD"}}, {text: "S$", codes: []string{"SGD"}},
		{text: "NT$", codes: []string{"TWD"}}, {text: "R$", codes: []string{"BRL"}},
		{text: "MX$", codes: []string{"MXN"}}, {text: "RD$", codes: []string{"DOP"}},
		{text: "$", codes: []string{"USD", "CAD", "AUD", "MXN", "ARS", "CLP", "COP", "NZD", "SGD", "HKD", "TWD"}},
		{text: "€", codes: []string{"EUR"}}, {text: "£", codes: []string{"GBP"}},
		{text: "JP¥", codes: []string{"JPY"}}, {text: "CN¥", codes: []string{"CNY"}},
		{text: "¥", codes: []string{"CNY", "JPY"}}, {text: "￥", codes: []string{"CNY", "JPY"}},
		{text: "元", codes: []string{"CNY", "TWD", "HKD", "MOP", "SGD"}, deflt: "CNY"},
		{text: "人民币", codes: []string{"CNY"}}, {text: "人民幣", codes: []string{"CNY"}},
		{text: "港元", codes: []string{"HKD"}}, {text: "港幣", codes: []string{"HKD"}}, {text: "港币", codes: []string{"HKD"}},
		{text: "新台幣", codes: []string{"TWD"}}, {text: "新臺幣", codes: []string{"TWD"}}, {text: "新台币", codes: []string{"TWD"}},
		{text: "台幣", codes: []string{"TWD"}}, {text: "臺幣", codes: []string{"TWD"}},
		{text: "¢", codes: []string{"USD", "CAD", "AUD", "NZD", "EUR"}, minor: true},
		{text: "円", codes: []string{"JPY"}}, {text: "원", codes: []string{"KRW"}},
		{text: "₩", codes: []string{"KRW"}}, {text: "₹", codes: []string{"INR"}},
		{text: "₽", codes: []string{"RUB"}}, {text: "₴", codes: []string{"UAH"}},
		{text: "₺", codes: []string{"TRY"}}, {text: "₫", codes: []string{"VND"}},
		{text: "₱", codes: []string{"PHP"}}, {text: "฿", codes: []string{"THB"}},
		{text: "₪", codes: []string{"ILS"}}, {text: "₦", codes: []string{"NGN"}},
		{text: "₸", codes: []string{"KZT"}}, {text: "₾", codes: []string{"GEL"}},
		{text: "₼", codes: []string{"AZN"}}, {text: "৳", codes: []string{"BDT"}},
		{text: "₨", codes: []string{"PKR", "LKR", "NPR"}}, {text: "E£", codes: []string{"EGP"}},
		{text: "د.إ", codes: []string{"AED"}}, {text: "ر.س", codes: []string{"SAR"}},
		{text: "RMB", codes: []string{"CNY"}, word: true},
		{text: "Rs.", codes: []string{"INR", "PKR", "LKR", "NPR"}, word: true},
		{text: "Rs", codes: []string{"INR", "PKR", "LKR", "NPR"}, word: true},
		{text: "руб.", codes: []string{"RUB"}, word: true}, {text: "руб", codes: []string{"RUB"}, word: true},
		{text: "р.", codes: []string{"RUB"}, word: true},
		{text: "грн", codes: []string{"UAH"}, word: true},
		{text: "zł", codes: []string{"PLN"}, word: true}, {text: "Kč", codes: []string{"CZK"}, word: true},
		{text: "Ft", codes: []string{"HUF"}, word: true}, {text: "kr.", codes: []string{"DKK", "SEK", "NOK", "ISK"}, word: true},
		{text: "kr", codes: []string{"SEK", "NOK", "DKK", "ISK"}, word: true},
		{text: "SFr.", codes: []string{"CHF"}, word: true}, {text: "Fr.", codes: []string{"CHF"}, word: true},
		{text: "TL", codes: []string{"TRY"}, word: true}, {text: "RM", codes: []string{"MYR"}, word: true},
		{text: "Rp", codes: []string{"IDR"}, word: true}, {text: "lei", codes: []string{"RON"}, word: true},
		{text: "Lei", codes: []string{"RON"}, word: true}, {text: "лв.", codes: []string{"BGN"}, word: true},
		{text: "лв", codes: []string{"BGN"}, word: true}, {text: "kn", codes: []string{"HRK"}, word: true},
		{text: "đ", codes: []string{"VND"}, word: true}, {text: "đồng", codes: []string{"VND"}, word: true},
		{text: "ج.م", codes: []string{"EGP"}}, {text: "جنيه", codes: []string{"EGP"}, word: true}, {text: "Euro", codes: []string{"EUR"}, word: true},
		{text: "euros", codes: []string{"EUR"}, word: true}, {text: "euro", codes: []string{"EUR"}, word: true},
		{text: "R", codes: []string{"ZAR"}, word: true}, {text: "บาท", codes: []string{"THB"}},
		{text: "S/.", codes: []string{"PEN"}}, {text: "S/", codes: []string{"PEN"}},
		{text: "Р", codes: []string{"RUB"}, word: true}, {text: "تومان", codes: []string{"IRR"}}, {text: "ریال", codes: []string{"IRR"}},
		{text: "Dhs", codes: []string{"AED"}, word: true}, {text: "AED", codes: []string{"AED"}, word: true},
		// Currency words and local signs beyond the codes: Russian and
		// Ukrainian declensions, Arabic names and abbreviations, the
		// dinars' letters, and the spellings shops use in capitals.
		{text: "рублей", codes: []string{"RUB"}, word: true}, {text: "рубля", codes: []string{"RUB"}, word: true},
		{text: "рубль", codes: []string{"RUB"}, word: true}, {text: "гривень", codes: []string{"UAH"}, word: true},
		{text: "гривні", codes: []string{"UAH"}, word: true}, {text: "гривня", codes: []string{"UAH"}, word: true},
		{text: "درهم", codes: []string{"AED", "MAD"}, word: true}, {text: "د.إ.", codes: []string{"AED"}},
		{text: "ريال", codes: []string{"SAR", "QAR", "OMR", "YER"}, word: true}, {text: "ر.ق", codes: []string{"QAR"}},
		{text: "د.ك", codes: []string{"KWD"}}, {text: "د.ب", codes: []string{"BHD"}}, {text: "ر.ع.", codes: []string{"OMR"}},
		{text: "د.ت", codes: []string{"TND"}}, {text: "د.م.", codes: []string{"MAD"}}, {text: "د.أ", codes: []string{"JOD"}},
		{text: "دينار", codes: []string{"KWD", "BHD", "JOD", "IQD", "LYD", "TND", "RSD"}, word: true},
		{text: "KD", codes: []string{"KWD"}, word: true}, {text: "BD", codes: []string{"BHD"}, word: true},
		{text: "DT", codes: []string{"TND"}, word: true}, {text: "LD", codes: []string{"LYD"}, word: true},
		{text: "Dinara", codes: []string{"RSD"}, word: true}, {text: "din.", codes: []string{"RSD"}, word: true},
		{text: "дин.", codes: []string{"RSD"}, word: true}, {text: "LEI", codes: []string{"RON"}, word: true},
		{text: "Zł", codes: []string{"PLN"}, word: true}, {text: "ZŁ", codes: []string{"PLN"}, word: true},
		{text: "Br", codes: []string{"BYN"}, word: true}, {text: "Lek", codes: []string{"ALL"}, word: true},
		{text: "KSh", codes: []string{"KES"}, word: true}, {text: "TSh", codes: []string{"TZS"}, word: true},
		{text: "USh", codes: []string{"UGX"}, word: true}, {text: "GH₵", codes: []string{"GHS"}}, {text: "₵", codes: []string{"GHS"}},
		{text: "FCFA", codes: []string{"XOF", "XAF"}, word: true}, {text: "CFA", codes: []string{"XOF", "XAF"}, word: true},
		{text: "B/.", codes: []string{"PAB"}}, {text: "Bs.", codes: []string{"VES", "BOB"}, word: true},
		{text: "Bs", codes: []string{"VES", "BOB"}, word: true}, {text: "ƒ", codes: []string{"ANG", "AWG"}},
	}
	sort.SliceStable(s, func(i, j int) bool { return utf8.RuneCountInString(s[i].text) > utf8.RuneCountInString(s[j].text) })
	return s
}()

// signsByRune indexes signs by their first rune, longest first.
var signsByRune = func() map[rune][]sign {
	m := map[rune][]sign{}
	for _, s := range signs {
		r, _ := utf8.DecodeRuneInString(s.text)
		m[r] = append(m[r], s)
	}
	return m
}()

// isoCodes are the ISO 4217 codes recognised when written out
// ("EUR 12,50", "12.50 USD"). Only codes that shops commonly print are
// listed, so three capital letters in a product name are not taken for a
// currency.
var isoCodes = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`AED ARS AUD AZN BDT BGN BHD BRL CAD CHF CLP CNY COP CZK DKK DOP EGP EUR GBP GEL HKD
		HRK HUF IDR ILS INR IQD IRR ISK JOD JPY KRW KWD KZT LKR LYD MAD MXN MYR NGN NOK NPR NZD OMR PEN PHP PKR PLN QAR RON
		RSD RUB SAR SEK SGD THB TND TRY TWD UAH USD VND ZAR`) {
		isoCodes[c] = true
	}
}

// lowerCodes are the codes also recognised in lower case ("140,00 pln"):
// those that are no word of a language shops write in ("try", "mad" and
// "all" are).
var lowerCodes = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`AED AUD BGN BRL CAD CHF CNY CZK DKK EUR GBP HKD HUF IDR INR JPY KRW MXN MYR NOK NZD
		PHP PLN RON RUB SEK SGD THB TWD UAH USD VND ZAR`) {
		lowerCodes[c] = true
	}
	for _, c := range strings.Fields("ALL BYN GHS KES TZS UGX XOF XAF PAB VES BOB ANG AWG YER") {
		isoCodes[c] = true
	}
	for _, c := range strings.Fields("UGX XOF XAF") {
		zeroDecimals[c] = true
	}
}

// threeDecimals are the currencies with three minor digits. In every other
// currency a shop never prints three digits after the decimal mark for a
// whole item's price, which decides "1.299 €" (1299) without a locale.
var threeDecimals = map[string]bool{"BHD": true, "IQD": true, "JOD": true, "KWD": true, "LYD": true, "OMR": true, "TND": true}

// zeroDecimals are the currencies priced in whole units (by ISO 4217,
// or in practice as shops print them).
var zeroDecimals = map[string]bool{"JPY": true, "KRW": true, "VND": true, "CLP": true, "ISK": true, "PYG": true,
	"UGX": true, "XAF": true, "XOF": true, "GNF": true, "RWF": true, "KMF": true, "VUV": true}

// minorDigits is how many digits a currency's minor unit has.
func minorDigits(code string) int {
	switch {
	case zeroDecimals[code]:
		return 0
	case threeDecimals[code]:
		return 3
	}
	return 2
}

// decimalMark is the decimal mark a currency's home market writes, where
// that is one mark; currencies used with both (EUR, CHF, CAD) are absent.
var decimalMark = map[string]rune{}

func init() {
	for _, c := range strings.Fields("USD GBP CNY JPY INR KRW AUD NZD HKD SGD TWD MXN PHP THB MYR ILS AED SAR PKR LKR NPR NGN EGP BDT QAR KWD BHD OMR JOD DOP PEN") {
		decimalMark[c] = '.'
	}
	for _, c := range strings.Fields("BRL RUB PLN CZK HUF TRY SEK NOK DKK ISK RON BGN HRK UAH VND IDR ARS COP CLP ZAR KZT GEL AZN RSD MAD TND") {
		decimalMark[c] = ','
	}
}

// found is a currency sign located in the normalised text.
type found struct {
	start, end int // rune offsets
	text       string
	codes      []string
	minor      bool
	deflt      string
}

// findSigns returns every currency sign in r, in order, without overlaps.
func findSigns(r []rune) []found {
	var out []found
	for i := 0; i < len(r); {
		f, ok := signAt(r, i)
		if !ok {
			i++
			continue
		}
		out = append(out, f)
		i = f.end
	}
	return out
}

func signAt(r []rune, i int) (found, bool) {
	if r[i] >= 'A' && r[i] <= 'Z' && i+3 <= len(r) && wordStart(r, i) && wordEnd(r, i+3) {
		if c := string(r[i : i+3]); isoCodes[c] {
			return found{start: i, end: i + 3, text: c, codes: []string{c}}, true
		}
	}
	if r[i] >= 'a' && r[i] <= 'z' && i+3 <= len(r) && wordStart(r, i) && wordEnd(r, i+3) {
		if c := strings.ToUpper(string(r[i : i+3])); lowerCodes[c] {
			return found{start: i, end: i + 3, text: string(r[i : i+3]), codes: []string{c}}, true
		}
	}
	for _, s := range signsByRune[r[i]] {
		n := utf8.RuneCountInString(s.text)
		if i+n > len(r) || string(r[i:i+n]) != s.text {
			continue
		}
		if s.word && (!wordStart(r, i) || !wordEnd(r, i+n)) {
			continue
		}
		return found{start: i, end: i + n, text: s.text, codes: s.codes, minor: s.minor, deflt: s.deflt}, true
	}
	return found{}, false
}

func wordStart(r []rune, i int) bool { return i == 0 || !unicode.IsLetter(r[i-1]) }

// wordEnd also accepts a sign that ends in a dot ("Rs.") before a letter.
func wordEnd(r []rune, i int) bool {
	return i >= len(r) || !unicode.IsLetter(r[i]) || r[i-1] == '.'
}

// minorSigns finds the letters that write a price in hundredths: the
// British "99p" and "45p/100g" (pence) and the "99c" of English-language
// shops in the cent currencies. A letter after a number means many things
// ("720p", "4p" for a four-pack, "12c" for twelve cores), so it is read as
// a minor unit only where the page says so (the page language or the
// expected currency), or when the string is the amount alone; and only
// after at most two whole digits, as 100 pence and more are written in
// pounds.
func minorSigns(r []rune, signs []found, h Hint) []found {
	any := false
	for i := 1; i < len(r) && !any; i++ {
		any = (r[i] == 'p' || r[i] == 'c') && isDigit(r[i-1])
	}
	if !any {
		return signs
	}
	lang := strings.ToLower(strings.ReplaceAll(h.Lang, "_", "-"))
	language, _, region := langParts(lang)
	cur := strings.ToUpper(h.Currency)
	var out []found
	for i := 1; i < len(r); i++ {
		c := r[i]
		if (c != 'p' && c != 'c') || !isDigit(r[i-1]) || !wordEnd(r, i+1) {
			continue
		}
		j := i - 1
		for j > 0 && isDigit(r[j-1]) {
			j--
		}
		whole := i - j
		if j > 1 && r[j-1] == '.' && isDigit(r[j-2]) {
			// "12.5p": count the whole digits before the mark.
			k := j - 1
			for k > 0 && isDigit(r[k-1]) {
				k--
			}
			whole, j = j-1-k, k
		}
		if whole > 2 || (j > 0 && (unicode.IsLetter(r[j-1]) || r[j-1] == '.' || r[j-1] == ',')) {
			continue
		}
		alone := j == 0 && amountOnlyAfter(r, i+1)
		var f found
		switch c {
		case 'p':
			if !(cur == "GBP" || (language == "en" && (region == "gb" || region == "uk")) || (alone && lang == "" && cur == "")) {
				continue
			}
			f = found{start: i, end: i + 1, text: "p", codes: []string{"GBP"}, minor: true}
		case 'c':
			cents := cur == "USD" || cur == "EUR" || cur == "AUD" || cur == "NZD" || cur == "CAD" || cur == "ZAR"
			if !(cents || (language == "en" && region != "gb" && region != "uk" && region != "in")) {
				continue
			}
			f = found{start: i, end: i + 1, text: "c", codes: []string{"USD", "EUR", "AUD", "NZD", "CAD", "ZAR"}, minor: true}
		}
		if signStartingAt(signs, i) == nil {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return signs
	}
	all := append(append([]found(nil), signs...), out...)
	sort.Slice(all, func(a, b int) bool { return all[a].start < all[b].start })
	return all
}

// amountOnlyAfter reports that nothing but a unit ("/100g", " each",
// " per kg") follows position i.
func amountOnlyAfter(r []rune, i int) bool {
	rest := strings.ToLower(strings.TrimSpace(string(r[i:])))
	return rest == "" || strings.HasPrefix(rest, "/") || rest == "each" || rest == "ea" || strings.HasPrefix(rest, "per ")
}

// langCurrency picks the currency an ambiguous sign means on a page in
// lang ("¥" on a Japanese page is yen, "kr" on a Swedish page is kronor).
// Keys are a language, a language and script, or a language and region;
// an empty value says the tag leaves the choice open (zh-Hant is written
// in Taiwan, Hong Kong and Macau alike).
var langCurrency = map[string]string{
	"zh": "CNY", "zh-cn": "CNY", "zh-hans": "CNY", "zh-hant": "", "zh-tw": "TWD", "zh-hk": "HKD", "zh-mo": "MOP",
	"zh-sg": "SGD", "ja": "JPY", "sv": "SEK", "nb": "NOK", "nn": "NOK", "no": "NOK", "da": "DKK", "is": "ISK",
	"en-us": "USD", "en-ca": "CAD", "fr-ca": "CAD", "en-au": "AUD", "en-nz": "NZD", "es-mx": "MXN",
	"es-ar": "ARS", "es-cl": "CLP", "es-co": "COP", "en-sg": "SGD", "en-ie": "EUR", "en-za": "ZAR", "en-gb": "GBP",
	"en-in": "INR", "hi": "INR", "ur": "PKR", "si": "LKR", "ne": "NPR", "en-hk": "HKD",
}

// resolveCurrency narrows a sign's candidate codes with the hint currency
// and then the page language (its region first, then its script, then
// the language); it returns "" when they leave a choice.
func resolveCurrency(f found, h Hint) string {
	codes := f.codes
	if len(codes) == 1 {
		return codes[0]
	}
	if hc := strings.ToUpper(h.Currency); hc != "" {
		for _, c := range codes {
			if c == hc {
				return c
			}
		}
	}
	lang := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(h.Lang), "_", "-"))
	language, script, region := langParts(lang)
	var keys [3]string
	n := 0
	if region != "" {
		keys[n], n = language+"-"+region, n+1
	}
	if script != "" {
		keys[n], n = language+"-"+script, n+1
	}
	keys[n], n = language, n+1
	for _, key := range keys[:n] {
		c, ok := langCurrency[key]
		if !ok {
			continue
		}
		if c == "" {
			return ""
		}
		for _, x := range codes {
			if x == c {
				return c
			}
		}
		if key != language {
			// The region names a currency the sign cannot mean ("¥" on
			// a zh-TW page); the language alone is no better cue.
			break
		}
	}
	return f.deflt
}

func primary(lang string) string {
	if i := strings.IndexByte(lang, '-'); i >= 0 {
		return lang[:i]
	}
	return lang
}
