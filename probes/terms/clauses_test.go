package terms

import (
	"testing"
	"time"
)

func TestClassifierExclusivity(t *testing.T) {
	c, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang, text string
		fire, neg  bool
	}{
		// Violations.
		{"zh", "商家在本平台经营期间，不得在其他电子商务平台开设店铺或销售同款商品；违反本条的，本平台有权下架其全部商品。", true, false},
		{"zh", "参加年货节活动的商家须与本平台签订独家合作协议。", true, false},
		{"zh", "商家应当仅在本平台销售其品牌商品。", true, false},
		{"en", "The Merchant shall sell exclusively on Shopmart during the term.", true, false},
		{"en", "The Merchant shall not list the same products on any other online marketplace.", true, false},
		// Negated: a promise not to demand exclusivity.
		{"zh", "本平台不要求商家独家经营，商家可以自由选择同时在其他平台开设店铺。", true, true},
		{"en", "Fairmarket does not require merchants to sell exclusively on Fairmarket.", true, true},
		// Unrelated text that shares words.
		{"zh", "本平台与物流公司签订独立合同，商家可以选择其他物流服务。", false, false},
		{"en", "Merchants are free to list their products on other marketplaces at the same time.", false, false},
		{"en", "Exclusive offers for members are shown in the app.", false, false},
	}
	for _, tc := range cases {
		hits := c.Classify(tc.text, tc.lang)
		if got := len(hits) > 0; got != tc.fire {
			t.Errorf("%q: fired=%v want %v (%+v)", tc.text, got, tc.fire, hits)
			continue
		}
		if tc.fire && hits[0].Negated != tc.neg {
			t.Errorf("%q: negated=%v want %v", tc.text, hits[0].Negated, tc.neg)
		}
	}
}

func TestClassifierOffsetsAreCodePoints(t *testing.T) {
	c, _ := NewClassifier()
	text := "第一条 总则\n商家不得在其他平台开设店铺。其余条款。"
	hits := c.Classify(text, "zh")
	if len(hits) != 1 {
		t.Fatalf("hits %+v", hits)
	}
	runes := []rune(text)
	if got := string(runes[hits[0].Start:hits[0].End]); got != hits[0].Clause || got != "商家不得在其他平台开设店铺。" {
		t.Fatalf("offsets select %q", got)
	}
}

func TestParseDate(t *testing.T) {
	want := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2026-11-23", "2026/11/23", "2026年11月23日", "23 November 2026", "November 23, 2026", "自 2026 年 11 月 23 日起"} {
		if got, ok := parseDate(s); !ok || !got.Equal(want) {
			t.Errorf("%q -> %v %v", s, got, ok)
		}
	}
	if _, ok := parseDate("2026-02-30"); ok {
		t.Error("impossible date accepted")
	}
	if got, ok := findCue(effectiveCues, "The new rules take effect on 23 November 2026."); !ok || !got.Equal(want) {
		t.Errorf("effective cue: %v", got)
	}
	if got, ok := findCue(effectiveCues, "修订后的规范自2026年11月23日起施行。"); !ok || !got.Equal(want) {
		t.Errorf("zh effective cue: %v", got)
	}
}

func TestSavingExceptionsSilenceLiabilityClauses(t *testing.T) {
	c, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text, lang string
		fires      bool
	}{
		{"本平台对因使用本服务产生的损失不承担责任。", "zh", true},
		{"本平台对因使用本服务产生的损失不承担责任，但法律另有规定的除外。", "zh", false},
		{"平台不对第三方商家的行为承担责任，但因本平台过错造成损失的除外。", "zh", false},
		{"We shall not be liable for any indirect loss.", "en", true},
		{"We shall not be liable for any indirect loss, except where required by applicable law.", "en", false},
		// An exception for another matter does not save the exclusion.
		{"We shall not be liable for any loss, except for refunds of shipping fees.", "en", true},
	} {
		fired, saved := false, ""
		for _, h := range c.Classify(tc.text, tc.lang) {
			if h.Category == "liability" {
				fired, saved = !h.Negated, h.Negation
			}
		}
		if fired != tc.fires {
			t.Errorf("%q: fires = %v (negation/exception %q), want %v", tc.text, fired, saved, tc.fires)
		}
	}
}
