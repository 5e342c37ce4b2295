package price

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in       string
		hint     Hint
		amount   string
		high     string
		kind     Kind
		currency string
		amb      bool
	}{
		{in: "¥1,299.00", hint: Hint{Lang: "zh-CN"}, amount: "1299.00", kind: Single, currency: "CNY"},
		{in: "¥1,299.00", hint: Hint{Lang: "ja"}, amount: "1299.00", kind: Single, currency: "JPY"},
		{in: "¥1,299.00", amount: "1299.00", kind: Single}, // the yen sign alone does not say which
		{in: "1.299,00 €", amount: "1299.00", kind: Single, currency: "EUR"},
		{in: "1 299,00", amount: "1299.00", kind: Single},
		{in: "CHF 1'049,95", amount: "1049.95", kind: Single, currency: "CHF"},
		{in: "￥99起", amount: "99", kind: From},
		{in: "¥99–199", amount: "99", high: "199", kind: Range},
		{in: "1.2万", amount: "12000", kind: Single},
		{in: "15.98万元", amount: "159800", kind: Single, currency: "CNY"},
		{in: "$1 298,00", hint: Hint{Currency: "USD"}, amount: "1298.00", kind: Single, currency: "USD"},
		{in: "€1,49/kg", amount: "1.49", kind: PerUnit, currency: "EUR"},
		{in: "kr 1.299,-", hint: Hint{Lang: "da"}, amount: "1299", kind: Single, currency: "DKK"},
		{in: "299€99", amount: "299.99", kind: Single, currency: "EUR"},
		{in: "₹1,29,999.50", amount: "129999.50", kind: Single, currency: "INR"},
		// The form alone cannot decide these; a cue can.
		{in: "1,234", amount: "1234", kind: Single, amb: true},
		{in: "1,234", hint: Hint{Lang: "en"}, amount: "1234", kind: Single},
		{in: "1,234", hint: Hint{Lang: "de"}, amount: "1.234", kind: Single},
		{in: "1,234", hint: Hint{Currency: "EUR"}, amount: "1234", kind: Single, currency: "EUR"},
		{in: "1,459 €/l", amount: "1459", kind: PerUnit, currency: "EUR", amb: true},
		{in: "1,459 €/l", hint: Hint{Lang: "de"}, amount: "1.459", kind: PerUnit, currency: "EUR"},
		{in: "1.299", hint: Hint{Machine: true, Currency: "EUR"}, amount: "1299", kind: Single, currency: "EUR", amb: true},
		{in: "129.900", hint: Hint{Machine: true, Currency: "EUR"}, amount: "129.900", kind: Single, currency: "EUR"},
		{in: "KWD 1.250", amount: "1.250", kind: Single, currency: "KWD"},
		{in: "¥199 ¥299", amount: "199", kind: Single, amb: true},
		{in: "199 - 99 €", amount: "99", high: "199", kind: Range, currency: "EUR", amb: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, ok := Parse(tt.in, tt.hint)
			if !ok {
				t.Fatal("no price read")
			}
			if p.Amount != tt.amount || p.Kind != tt.kind || p.Currency != tt.currency || p.Ambiguous != tt.amb {
				t.Fatalf("got amount %s kind %s currency %q ambiguous %v (%s), want %s %s %q %v",
					p.Amount, p.Kind, p.Currency, p.Ambiguous, p.Reason, tt.amount, tt.kind, tt.currency, tt.amb)
			}
			if tt.high != "" && p.HighAmount != tt.high {
				t.Fatalf("high %s, want %s", p.HighAmount, tt.high)
			}
			if p.Ambiguous && (p.Reason == "" || (p.Alt == "" && p.Kind != Range && tt.in != "¥199 ¥299")) {
				t.Fatalf("ambiguous without a reason or the other reading: %+v", p)
			}
			if p.Low > p.High {
				t.Fatalf("low %v above high %v", p.Low, p.High)
			}
		})
	}
}

func TestParseNoPrice(t *testing.T) {
	for _, s := range []string{"", "Out of stock", "价格面议", "-20%", "12.03.2024", "256GB", "¥--.--", "x2"} {
		if p, ok := Parse(s, Hint{}); ok {
			t.Errorf("%q: read a price %+v", s, p)
		}
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in      string
		lang    string
		want    int64
		atLeast bool
		amb     bool
	}{
		{in: "1.2万", want: 12000},
		{in: "10万+", want: 100000, atLeast: true},
		{in: "1万以上", want: 10000, atLeast: true},
		{in: "1,234 reviews", want: 1234},
		{in: "1.234 Bewertungen", lang: "de", want: 1234},
		{in: "(1.234)", want: 1234},
		{in: "3.5k", want: 3500},
		{in: "1,5 Tsd.", want: 1500},
		{in: "2 345 отзывов", want: 2345},
		{in: "999+", want: 999, atLeast: true},
		{in: "1,234万", lang: "zh", want: 12340000},
		{in: "1,234万", lang: "de", want: 12340},
		{in: "1,234万", want: 12340000, amb: true},
		{in: "4.5", want: 4, amb: true},
	}
	for _, tt := range tests {
		c, ok := ParseCount(tt.in, tt.lang)
		if !ok || c.Value != tt.want || c.AtLeast != tt.atLeast || c.Ambiguous != tt.amb {
			t.Errorf("%q (%s): got %+v ok=%v, want %d at_least=%v ambiguous=%v", tt.in, tt.lang, c, ok, tt.want, tt.atLeast, tt.amb)
		}
	}
	if c, ok := ParseCount("no reviews yet", ""); ok {
		t.Errorf("read a count from text without one: %+v", c)
	}
}

// TestParseClasses checks each class of string both ways: the form that
// must be read a new way, and a near form that must not be.
func TestParseClasses(t *testing.T) {
	type rel = map[Role]string
	tests := []struct {
		class    string
		in       string
		hint     Hint
		amount   string // "" with none: no price
		kind     Kind
		currency string
		amb      bool
		high     string
		unit     string
		related  rel
		none     bool
	}{
		// Negative amounts keep their sign; a dash after an amount is a
		// range, one inside a code a hyphen.
		{class: "negative", in: "-$5.00", hint: Hint{Lang: "en-US"}, amount: "-5.00", kind: Single, currency: "USD"},
		{class: "negative", in: "$-5.00", hint: Hint{Lang: "en-US"}, amount: "-5.00", kind: Single, currency: "USD"},
		{class: "negative", in: "−5,00 €", amount: "-5.00", kind: Single, currency: "EUR"},
		{class: "negative", in: "优惠 -￥15", hint: Hint{Lang: "zh-CN"}, amount: "-15", kind: Single, currency: "CNY"},
		{class: "negative", in: "($5.00)", hint: Hint{Lang: "en-US"}, amount: "-5.00", kind: Single, currency: "USD"},
		{class: "negative", in: "(5.00)", amount: "5.00", kind: Single, amb: true},
		{class: "negative", in: "15,00-", hint: Hint{Lang: "de"}, amount: "15.00", kind: Single, amb: true},
		{class: "negative", in: "¥99-199", amount: "99", high: "199", kind: Range},
		{class: "negative", in: "$5 - $10", hint: Hint{Lang: "en-US"}, amount: "5", high: "10", kind: Range, currency: "USD"},
		{class: "negative", in: "SKU-12345 $9.99", hint: Hint{Lang: "en-US"}, amount: "9.99", kind: Single, currency: "USD"},
		{class: "negative", in: "$19.99 ($0.50/oz)", hint: Hint{Lang: "en-US"}, amount: "19.99", kind: Single, currency: "USD"},
		// CJK numbers with several units.
		{class: "myriad", in: "1万9,800円", amount: "19800", kind: Single, currency: "JPY"},
		{class: "myriad", in: "2만 9,900원", amount: "29900", kind: Single, currency: "KRW"},
		{class: "myriad", in: "3億2000万", amount: "320000000", kind: Single},
		{class: "myriad", in: "1,234万5,678円", amount: "12345678", kind: Single, currency: "JPY"},
		{class: "myriad", in: "1.2万", amount: "12000", kind: Single},
		{class: "myriad", in: "1万2", amount: "10002", kind: Single, amb: true},
		{class: "myriad", in: "¥1.5万3000", amount: "15000", kind: Single, amb: true, currency: ""},
		// Free.
		{class: "free", in: "Free", amount: "0", kind: Free},
		{class: "free", in: "送料無料", amount: "0", kind: Free},
		{class: "free", in: "Versandkostenfrei", hint: Hint{Currency: "EUR"}, amount: "0", kind: Free, currency: "EUR"},
		{class: "free", in: "Free shipping on orders over $35", amount: "0", kind: Free, amb: true, related: rel{RoleThreshold: "35"}},
		{class: "free", in: "$19.99 Free shipping", hint: Hint{Lang: "en-US"}, amount: "19.99", kind: Single, currency: "USD"},
		{class: "free", in: "Sugar free", none: true},
		{class: "free", in: "不包邮", none: true},
		// Hundredths.
		{class: "minor", in: "99p", hint: Hint{Lang: "en-GB"}, amount: "0.99", kind: Single, currency: "GBP"},
		{class: "minor", in: "45p/100g", hint: Hint{Lang: "en-GB"}, amount: "0.45", kind: PerUnit, currency: "GBP", unit: "100g"},
		{class: "minor", in: "50¢", hint: Hint{Lang: "en-US"}, amount: "0.50", kind: Single, currency: "USD"},
		{class: "minor", in: "99c", hint: Hint{Lang: "en-AU"}, amount: "0.99", kind: Single, currency: "AUD"},
		{class: "minor", in: "HD 720p", hint: Hint{Lang: "en-GB"}, none: true},
		{class: "minor", in: "99c", none: true},
		// Magnitude words.
		{class: "magnitude", in: "Rp1,2jt", hint: Hint{Lang: "id"}, amount: "1200000", kind: Single, currency: "IDR"},
		{class: "magnitude", in: "R$ 10 mil", hint: Hint{Lang: "pt-BR"}, amount: "10000", kind: Single, currency: "BRL"},
		{class: "magnitude", in: "1tr2", hint: Hint{Lang: "vi"}, amount: "1200000", kind: Single},
		{class: "magnitude", in: "₹5.5L", hint: Hint{Lang: "en-IN"}, amount: "550000", kind: Single, currency: "INR"},
		{class: "magnitude", in: "Olive Oil 2L ₹499", hint: Hint{Lang: "en-IN"}, amount: "499", kind: Single, currency: "INR"},
		{class: "magnitude", in: "10 mil", hint: Hint{Lang: "en"}, none: true},
		{class: "magnitude", in: "2k5", hint: Hint{Lang: "en"}, amount: "2000", kind: Single, amb: true},
		// Digits of other scripts.
		{class: "digits", in: "₹१,२९९", amount: "1299", kind: Single, currency: "INR"},
		{class: "digits", in: "١٬٢٩٩٫٥٠ ر.س", amount: "1299.50", kind: Single, currency: "SAR"},
		{class: "digits", in: "۱۲۵٬۰۰۰ تومان", amount: "125000", kind: Single, currency: "IRR"},
		{class: "digits", in: "฿๑,๒๙๙", amount: "1299", kind: Single, currency: "THB"},
		// Numbers that are not prices, and the same numbers where the
		// caller or the string says they are.
		{class: "no-price", in: "Size 10.5", none: true},
		{class: "no-price", in: "Size 10.5", hint: Hint{Field: true}, amount: "10.5", kind: Single},
		{class: "no-price", in: "4,7 von 5 Sternen", hint: Hint{Lang: "de"}, none: true},
		{class: "no-price", in: "Lieferzeit: 2-3 Werktage", hint: Hint{Lang: "de"}, none: true},
		{class: "no-price", in: "2024-05-01", none: true},
		{class: "no-price", in: "12/25", none: true},
		{class: "no-price", in: "Price: 759.00", hint: Hint{Lang: "en"}, amount: "759.00", kind: Single},
		{class: "no-price", in: "759.00", amount: "759.00", kind: Single},
		{class: "no-price", in: "Model 2024", hint: Hint{Machine: true}, amount: "2024", kind: Single},
		// Several prices.
		{class: "multi", in: "Was $59.99 Now $39.99", hint: Hint{Lang: "en-US"}, amount: "39.99", kind: Single, currency: "USD", related: rel{RoleWas: "59.99"}},
		{class: "multi", in: "De: R$ 199,90 Por: R$ 149,90", hint: Hint{Lang: "pt-BR"}, amount: "149.90", kind: Single, currency: "BRL", related: rel{RoleWas: "199.90"}},
		{class: "multi", in: "$4.99 + $5.99 shipping", hint: Hint{Lang: "en-US"}, amount: "4.99", kind: Single, currency: "USD", related: rel{RoleShipping: "5.99"}},
		{class: "multi", in: "2,178円 (税抜 1,980円)", hint: Hint{Lang: "ja"}, amount: "2178", kind: Single, currency: "JPY", related: rel{RoleExTax: "1980"}},
		{class: "multi", in: "₹499 ₹999 50% off", hint: Hint{Lang: "en-IN"}, amount: "499", kind: Single, currency: "INR", related: rel{RoleWas: "999"}},
		{class: "multi", in: "$29.99 $39.99", hint: Hint{Lang: "en-US"}, amount: "29.99", kind: Single, currency: "USD", amb: true},
		{class: "multi", in: "$79.99 $99.99 35% off", hint: Hint{Lang: "en-US"}, amount: "79.99", kind: Single, currency: "USD", amb: true},
		{class: "multi", in: "$25.00 Shipping $5.99", hint: Hint{Lang: "en-US"}, amount: "25.00", kind: Single, currency: "USD", amb: true},
		// Ranges with a unit on the high end.
		{class: "unit-range", in: "$1.99 - $3.49/lb", hint: Hint{Lang: "en-US"}, amount: "1.99", high: "3.49", kind: Range, currency: "USD", unit: "lb"},
		{class: "unit-range", in: "€1,49/kg - €2,99/kg", amount: "1.49", high: "2.99", kind: Range, currency: "EUR", unit: "kg"},
		{class: "unit-range", in: "€1,49/kg", amount: "1.49", kind: PerUnit, currency: "EUR", unit: "kg"},
		// 元 by region.
		{class: "yuan", in: "1,290元", hint: Hint{Lang: "zh-TW"}, amount: "1290", kind: Single, currency: "TWD"},
		{class: "yuan", in: "1,290元", hint: Hint{Lang: "zh-HK"}, amount: "1290", kind: Single, currency: "HKD"},
		{class: "yuan", in: "1,290元", hint: Hint{Lang: "zh-Hant-TW"}, amount: "1290", kind: Single, currency: "TWD"},
		{class: "yuan", in: "1,290元", hint: Hint{Lang: "zh-Hant"}, amount: "1290", kind: Single, currency: ""},
		{class: "yuan", in: "1,290元", hint: Hint{Lang: "zh-CN"}, amount: "1290", kind: Single, currency: "CNY"},
		{class: "yuan", in: "1,290元", hint: Hint{Lang: "zh-Hans"}, amount: "1290", kind: Single, currency: "CNY"},
		{class: "yuan", in: "1,290元", amount: "1290", kind: Single, currency: "CNY"},
		{class: "yuan", in: "1,290元", hint: Hint{Lang: "zh-TW", Currency: "CNY"}, amount: "1290", kind: Single, currency: "CNY"},
	}
	for _, tt := range tests {
		t.Run(tt.class+"/"+tt.in, func(t *testing.T) {
			p, ok := Parse(tt.in, tt.hint)
			if tt.none {
				if ok {
					t.Fatalf("read a price: %+v", p)
				}
				return
			}
			if !ok {
				t.Fatal("no price read")
			}
			if p.Amount != tt.amount || p.Kind != tt.kind || p.Currency != tt.currency || p.Ambiguous != tt.amb ||
				p.HighAmount != tt.high || p.Unit != tt.unit {
				t.Fatalf("got amount %s high %s kind %s currency %q unit %q ambiguous %v (%s), want %s %s %s %q %q %v",
					p.Amount, p.HighAmount, p.Kind, p.Currency, p.Unit, p.Ambiguous, p.Reason, tt.amount, tt.high, tt.kind, tt.currency, tt.unit, tt.amb)
			}
			if p.Ambiguous && p.Reason == "" {
				t.Fatal("ambiguous without a reason")
			}
			got := rel{}
			for _, x := range p.Related {
				got[x.Role] = x.Amount
			}
			for role, want := range tt.related {
				if got[role] != want {
					t.Fatalf("related %s = %q, want %q (all: %+v)", role, got[role], want, p.Related)
				}
			}
			if !tt.amb && len(got) != len(tt.related) {
				t.Fatalf("related %+v, want %+v", p.Related, tt.related)
			}
		})
	}
}

// TestCountCorpus reads every line of testdata/counts.txt.
func TestCountCorpus(t *testing.T) {
	f, err := os.Open("testdata/counts.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n, cases := 0, 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, " ;; ")
		if len(parts) < 2 {
			t.Fatalf("counts.txt:%d: want RAW ;; WANT", n)
		}
		cases++
		lang := ""
		if len(parts) > 2 {
			lang = parseHint(parts[2]).Lang
		}
		want := strings.TrimSpace(parts[1])
		c, ok := ParseCount(parts[0], lang)
		switch want {
		case "-":
			if ok {
				t.Errorf("counts.txt:%d: %q: read %+v, want no count", n, parts[0], c)
			}
			continue
		case "?":
			if !ok || !c.Ambiguous || c.Reason == "" {
				t.Errorf("counts.txt:%d: %q: got %+v ok=%v, want ambiguous", n, parts[0], c, ok)
			}
			continue
		}
		atLeast := strings.HasSuffix(want, "+")
		v, err := strconv.ParseInt(strings.TrimSuffix(want, "+"), 10, 64)
		if err != nil {
			t.Fatalf("counts.txt:%d: bad WANT %q", n, want)
		}
		if !ok || c.Value != v || c.AtLeast != atLeast || c.Ambiguous {
			t.Errorf("counts.txt:%d: %q (%s): got %+v ok=%v, want %d at_least=%v", n, parts[0], lang, c, ok, v, atLeast)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases < 50 {
		t.Fatalf("counts.txt has %d lines, want at least 50", cases)
	}
}
