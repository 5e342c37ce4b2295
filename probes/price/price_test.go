package price

import "testing"

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
