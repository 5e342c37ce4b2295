package terms

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"
	"time"
)

func TestClassifierExclusivity(t *testing.T) {
	c, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang, text string
		fire       bool
	}{
		// Violations, in the drafting variety real agreements use.
		{"zh", "商家在本平台经营期间，不得在其他电子商务平台开设店铺或销售同款商品；违反本条的，本平台有权下架其全部商品。", true},
		{"zh", "参加年货节活动的商家须与本平台签订独家合作协议。", true},
		{"zh", "商家应当仅在本平台销售其品牌商品。", true},
		{"en", "The Merchant shall sell exclusively on Shopmart during the term.", true},
		{"en", "The Merchant shall not list the same products on any other online marketplace.", true},
		// A promise not to demand exclusivity.
		{"zh", "本平台不要求商家独家经营，商家可以自由选择同时在其他平台开设店铺。", false},
		{"en", "Fairmarket does not require merchants to sell exclusively on Fairmarket.", false},
		// Unrelated text that shares words.
		{"zh", "本平台与物流公司签订独立合同，商家可以选择其他物流服务。", false},
		{"en", "Merchants are free to list their products on other marketplaces at the same time.", false},
		{"en", "Exclusive offers for members are shown in the app.", false},
	} {
		fired := false
		for _, h := range c.Classify(tc.text, tc.lang) {
			if h.Category == "exclusivity" && !h.Negated {
				fired = true
			}
		}
		if fired != tc.fire {
			t.Errorf("%q: exclusivity fired=%v want %v", tc.text, fired, tc.fire)
		}
	}
}

// A negation cancels a clause the model alone would report: the model
// reads words, not the scope of a negation.
func TestNegationVetoesTheModel(t *testing.T) {
	c, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	const text = "We shall not be liable for any indirect loss, except where required by applicable law."
	for _, h := range c.Classify(text, "en") {
		if h.Category == "limitation_of_liability" {
			if !h.Negated || h.Negation == "" {
				t.Errorf("saving exception ignored: %+v", h)
			}
			return
		}
	}
	t.Errorf("no limitation_of_liability candidate recorded for %q", text)
}

func TestClassifierOffsetsAreCodePoints(t *testing.T) {
	c, _ := NewClassifier()
	text := "第一条 总则\n商家不得在其他平台开设店铺。其余条款。"
	var hits []Hit
	for _, h := range c.Classify(text, "zh") {
		if h.Category == "exclusivity" {
			hits = append(hits, h)
		}
	}
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
			if h.Category == "limitation_of_liability" {
				fired, saved = !h.Negated, h.Negation
			}
		}
		if fired != tc.fires {
			t.Errorf("%q: fires = %v (negation/exception %q), want %v", tc.text, fired, saved, tc.fires)
		}
	}
}

func TestDecide(t *testing.T) {
	cue := CueMatch{Matched: true, Text: "不得在其他平台"}
	negated := CueMatch{Matched: true, Text: "独家", Negated: true, Negation: "不要求"}
	for _, tc := range []struct {
		score  float64
		cue    CueMatch
		fires  bool
		source string
	}{
		{0.9, CueMatch{}, true, SourceModel},
		{0.9, cue, true, SourceBoth},
		{0.5, cue, true, SourceCue},  // below the threshold, above the cue floor
		{0.1, cue, false, ""},        // below the cue floor
		{0.5, CueMatch{}, false, ""}, // no cue, below the threshold
		{0.99, negated, false, ""},   // a negated cue vetoes the model
	} {
		fires, source := Decide(tc.score, 0.8, 0.4, tc.cue)
		if fires != tc.fires || source != tc.source {
			t.Errorf("Decide(%.2f, %+v) = %v %q, want %v %q", tc.score, tc.cue, fires, source, tc.fires, tc.source)
		}
	}
}

// Every clause the classifier reports explains itself: the score, the
// threshold, the n-grams that weighed most, what found it.
func TestEveryHitExplainsItself(t *testing.T) {
	c, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	text := "商家在本平台经营期间，不得在其他电子商务平台开设店铺或销售同款商品。\nWe may suspend or terminate your seller account at any time without giving reasons."
	hits := c.Classify(text, "zh")
	hits = append(hits, c.Classify("We may suspend or terminate your seller account at any time without giving reasons.", "en")...)
	if len(hits) == 0 {
		t.Fatal("no hits")
	}
	for _, h := range hits {
		if len(h.Explanation) == 0 || h.Source == "" || h.Threshold <= 0 || h.Level < 2 || h.Side == "" {
			t.Errorf("hit without its explanation: %+v", h)
		}
		if !h.Negated && h.Source != SourceCue && h.Score < h.Threshold {
			t.Errorf("%s fired by the model below its threshold: %+v", h.Category, h)
		}
		if (h.Source == SourceCue || h.Source == SourceBoth) && h.Cue == "" {
			t.Errorf("%s: source %s without a cue", h.Category, h.Source)
		}
	}
	cats := map[string]bool{}
	for _, h := range hits {
		if !h.Negated {
			cats[h.Category] = true
		}
	}
	if !cats["exclusivity"] || !cats["suspension"] {
		t.Errorf("categories %v, want exclusivity and suspension", cats)
	}
}

func TestModelIsTheShippedFile(t *testing.T) {
	m, err := ShippedModel()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(ModelFile)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if m.SHA256() != hex.EncodeToString(sum[:]) || ModelSHA256() != m.SHA256() {
		t.Errorf("model hash %s, file %x", m.SHA256(), sum)
	}
	for _, c := range Taxonomy {
		mc, ok := m.Category(c.Name)
		if !ok || mc.Thresholds["zh"] <= 0 || mc.Thresholds["en"] <= 0 {
			t.Errorf("%s: not calibrated in both languages: %+v", c.Name, mc)
		}
	}
	if _, err := ParseModel(append([]byte{}, b[:len(b)/2]...)); err == nil {
		t.Error("a truncated weights file loads")
	}
}

func TestAudience(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"商家入驻本平台须遵守本协议。商家不得在其他平台开设店铺。", Merchant},
		{"The Seller shall ship orders within two days. Sellers pay a commission. Vendors must hold licences.", Merchant},
		{"您使用本平台服务即视为同意本协议。用户可以随时注销账户。", Consumer},
		{"By using the Services you agree to these Terms.", Consumer},
		{"Users may buy from merchants on the site. Merchants ship orders to users.", Consumer},
	} {
		if got := Audience(tc.text); got != tc.want {
			t.Errorf("Audience(%q) = %s, want %s", tc.text, got, tc.want)
		}
	}
	// A consumer-law category is not reported in a merchant agreement; a
	// merchant category is reported anywhere.
	c, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	merchantDoc := "Merchants must provide valid business credentials. The Seller pays the deposit.\nWe may suspend or terminate your seller account at any time without giving reasons."
	aud, hits := c.ClassifyDocument(merchantDoc, "en")
	cats := map[string]bool{}
	for _, h := range hits {
		if !h.Negated {
			cats[h.Category] = true
		}
	}
	if aud != Merchant || !cats["suspension"] || cats["unilateral_termination"] {
		t.Errorf("merchant agreement: audience %s, categories %v", aud, cats)
	}
	aud, hits = c.ClassifyDocument("We may suspend or terminate your account at any time without giving reasons.", "en")
	cats = map[string]bool{}
	for _, h := range hits {
		if !h.Negated {
			cats[h.Category] = true
		}
	}
	if aud != Consumer || !cats["unilateral_termination"] {
		t.Errorf("consumer terms: audience %s, categories %v", aud, cats)
	}
}

// Headings and link labels are not clauses; announcements of a change on
// a stated date are the change made with notice, unless the sentence also
// reserves a right to change at will; removal that gives the user its
// reasons is not removal at the provider's whim. Each both ways.
func TestHeadingsAnnouncementsAndReasonsAreNotBreaches(t *testing.T) {
	c, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text, lang string
		cats       []string // categories that may fire
		fires      bool
	}{
		{"规则变更公告", "zh", []string{"unilateral_change_m", "unilateral_change"}, false},
		{"Changes to these Terms", "en", []string{"unilateral_change_m", "unilateral_change"}, false},
		{"公平集市JS版平台规则总则", "zh", []string{"unilateral_change_m", "unilateral_change"}, false},
		{"平台会员服务协议", "zh", []string{"unilateral_change_m", "unilateral_change"}, false},
		{"Bazaar Seller Rules and Policies (2026 edition)", "en", []string{"unilateral_change_m", "unilateral_change"}, false},
		{"平台有权随时单方修改本规则", "zh", []string{"unilateral_change_m"}, true},
		{"平台可随时单方修改本规则。", "zh", []string{"unilateral_change_m"}, true},
		{"修订后的规则自2026年12月21日起生效。", "zh", []string{"unilateral_change_m", "unilateral_change"}, false},
		{"各位商家：平台对《营销活动规则》进行了更新，更新后的规则将于2026年10月8日起生效。", "zh", []string{"unilateral_change_m", "unilateral_change"}, false},
		{"本规则自2026年1月1日起生效，平台可随时单方修改本规则，无需另行通知。", "zh", []string{"unilateral_change_m"}, true},
		{"The revised seller terms take effect on 1 December 2026.", "en", []string{"unilateral_change_m", "unilateral_change"}, false},
		{"These terms are effective from 1 May 2026 and we may amend them at any time without notice.", "en", []string{"unilateral_change_m"}, true},
		{"你发布的内容违反法律法规或者平台已公示的规则的，平台可以删除该内容，并告知你删除理由。", "zh", []string{"content_removal"}, false},
		{"平台有权随时删除你发布的任何内容，无需说明理由。", "zh", []string{"content_removal"}, true},
		{"If a post breaks these rules we may remove it and will tell you why.", "en", []string{"content_removal"}, false},
		{"We may remove any content at our sole discretion without prior notice.", "en", []string{"content_removal"}, true},
	} {
		fired := ""
		for _, h := range c.Classify(tc.text, tc.lang) {
			for _, cat := range tc.cats {
				if h.Category == cat && !h.Negated {
					fired = cat
				}
			}
		}
		if (fired != "") != tc.fires {
			t.Errorf("%q: fired %q, want fires=%v", tc.text, fired, tc.fires)
		}
	}
}

// Consumer clauses that state the fair version of a kind the model knows:
// the consumer's own courts, a separate privacy policy, liability as the
// law provides. Each beside its unfair twin.
func TestFairVersionsOfConsumerKinds(t *testing.T) {
	c, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text, lang, cat string
		fires           bool
	}{
		{"因本协议引起的争议，你可以向你住所地有管辖权的人民法院提起诉讼。", "zh", "jurisdiction", false},
		{"因本协议引起的争议，由本公司住所地人民法院专属管辖。", "zh", "jurisdiction", true},
		{"You may bring proceedings in the courts of your place of residence.", "en", "jurisdiction", false},
		{"The courts of Dublin, where we have our seat, have exclusive jurisdiction over any dispute.", "en", "jurisdiction", true},
		{"平台处理个人信息的规则见单独的《隐私政策》；", "zh", "privacy_included", false},
		{"本协议适用中华人民共和国法律；", "zh", "choice_of_law", false},
		{"本协议适用中华人民共和国香港特别行政区法律。", "zh", "choice_of_law", true},
		{"These terms are governed by the law of your country of residence.", "en", "choice_of_law", false},
		{"Any dispute shall be heard by the courts where you are domiciled.", "en", "jurisdiction", false},
		{"These terms are governed by the laws of the State of California.", "en", "choice_of_law", true},

		{"Our separate privacy policy explains how we handle your personal data.", "en", "privacy_included", false},
		{"By using the service you agree to these terms and consent to our privacy policy.", "en", "privacy_included", true},
		{"集市依法承担责任。", "zh", "limitation_of_liability", false},
		{"Bazaar is liable as provided by law.", "en", "limitation_of_liability", false},
		{"您应妥善保管账号和密码，因您保管不善造成的损失由您自行承担。", "zh", "limitation_of_liability", false},
		{"因本平台系统故障造成的损失由您自行承担。", "zh", "limitation_of_liability", true},
		{"You are responsible for any loss caused by your failure to keep your password secure.", "en", "limitation_of_liability", false},
		{"甲方拟限制、暂停或者终止乙方店铺服务的，应当在作出决定前以书面形式向乙方说明具体理由，并给予乙方不少于15日的陈述和申辩期间；", "zh", "suspension", false},
		{"甲方可随时暂停或者终止乙方店铺服务，无需说明理由。", "zh", "suspension", true},
		{"Before we suspend or terminate your seller account we will tell you the reasons and how to appeal.", "en", "suspension", false},
		{"We may suspend or terminate your seller account at any time without giving reasons.", "en", "suspension", true},
		{"集市对你因使用本服务而遭受的任何损失均不承担责任。", "zh", "limitation_of_liability", true},
	} {
		fired := false
		for _, h := range c.Classify(tc.text, tc.lang) {
			if h.Category == tc.cat && !h.Negated {
				fired = true
			}
		}
		if fired != tc.fires {
			t.Errorf("%q: %s fires = %v, want %v", tc.text, tc.cat, fired, tc.fires)
		}
	}
}

// Titles with nouns that contain a modal character are still titles; a
// short sentence that ends with a full stop is still a clause.
func TestTitlesAndShortSentences(t *testing.T) {
	for s, want := range map[string]bool{"平台会员服务协议": true, "供应商入驻合作协议": true, "商家入驻须知": true, "平台可以随时修改本规则": false, "We may change these rules": false, "Seller Terms of Service": true} {
		if got := title(s); got != want {
			t.Errorf("title(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"恕不另行通知。": true, "规则变更公告": false} {
		if got := clauseSized(s) || endsSentence(s); got != want {
			t.Errorf("%q read as a clause: %v, want %v", s, got, want)
		}
	}
}

// The platform's domicile is a jurisdiction cue; the consumer's is not.
func TestJurisdictionCueByDomicile(t *testing.T) {
	c, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	if m := c.MatchCue("jurisdiction", "en", "Any dispute shall be submitted to the People's Court of Yuhang District, Hangzhou, where Bazaar is domiciled."); !m.Matched || m.Negated {
		t.Errorf("platform's domicile: %+v", m)
	}
	if m := c.MatchCue("jurisdiction", "en", "Any dispute shall be heard by the courts where you are domiciled."); m.Matched && !m.Negated {
		t.Errorf("consumer's domicile: %+v", m)
	}
}
