package terms

import (
	"strings"
	"testing"
)

func TestDocumentTextByFormat(t *testing.T) {
	html := "<html><body><nav>菜单</nav><p>第一条  规则。</p><p>Second rule.</p></body></html>"
	for _, tc := range []struct {
		format, body, want string
		ok                 bool
	}{
		{"text/html", html, "第一条 规则。\nSecond rule.", true},
		{"", html, "第一条 规则。\nSecond rule.", true},
		{"text/plain", "第一条  规则。\r\n\r\n   Second\trule.\n", "第一条 规则。\nSecond rule.", true},
		{"application/pdf", "%PDF-1.7 ...", "", false},
	} {
		got, ok := documentText(tc.format, tc.body)
		if got != tc.want || ok != tc.ok {
			t.Errorf("documentText(%q) = %q, %v; want %q, %v", tc.format, got, ok, tc.want, tc.ok)
		}
	}
	if mt := mediaType("text/plain; charset=GBK"); mt != "text/plain" {
		t.Errorf("mediaType = %q", mt)
	}
}

func TestClauseIDsAreStable(t *testing.T) {
	cls, err := NewClassifier()
	if err != nil {
		t.Fatal(err)
	}
	const s = "本平台有权随时修改本规则。"
	first := "前言。\n" + s + "\n中间一段。\n" + s
	later := "新增的前言，长了很多字。\n" + s + "\n中间一段。\n" + s
	ids := func(text string) []string {
		c := clauseIDs{url: "http://p.test/rules"}
		var out []string
		for _, h := range cls.Classify(text, "zh") {
			if h.Category == "unilateral_change_m" {
				out = append(out, c.of(h.Clause, h.Start))
			}
		}
		return out
	}
	a, b := ids(first), ids(later)
	if len(a) != 2 || len(b) != 2 {
		t.Fatalf("want two hits each, got %v and %v", a, b)
	}
	if a[0] == a[1] {
		t.Errorf("two occurrences of one sentence share id %s", a[0])
	}
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Errorf("ids moved with the offsets: %v then %v", a, b)
	}
	other := clauseIDs{url: "http://p.test/terms"}
	if other.of(s, 0) == a[0] {
		t.Error("the same sentence in another document got the same id")
	}
}
