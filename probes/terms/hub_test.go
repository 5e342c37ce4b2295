package terms

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func hubOf(t *testing.T, html, u string) ([]string, bool) {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	links, hub := Hub(doc, u)
	var out []string
	for _, l := range links {
		out = append(out, l.Label+" "+l.URL)
	}
	return out, hub
}

func TestHub(t *testing.T) {
	centre := `<html><body><header><nav><a href="/rules/nav-rule">导航规则</a></nav></header>
	<main><h1>规则中心</h1><ul>
	  <li><a href="/rules/general">平台规则总则</a></li>
	  <li><a href="detail?id=7">商家保证金规则</a></li>
	  <li><a href="https://rules.shop.example/detail?id=9">商品发布规范</a></li>
	  <li><a href="https://other.example/rules">外部规则</a></li>
	  <li><a href="/login?next=/rules">登录查看协议</a></li>
	  <li><a href="/p/1001">热卖商品</a></li>
	</ul></main>
	<footer><a href="/terms">用户协议</a></footer></body></html>`
	links, hub := hubOf(t, centre, "https://www.shop.example/rules/")
	want := "平台规则总则 https://www.shop.example/rules/general|商家保证金规则 https://www.shop.example/rules/detail?id=7|商品发布规范 https://rules.shop.example/detail?id=9"
	if !hub || strings.Join(links, "|") != want {
		t.Errorf("centre: hub %v\n got  %s\n want %s", hub, strings.Join(links, "|"), want)
	}
	// A full rules document with a cross-reference is not a centre; its
	// link is still listed, so the document it names is read too.
	doc := `<html><body><main><h1>平台规则</h1><p>` + strings.Repeat("商家应当遵守本规则，诚信经营，保障消费者的合法权益。", 10) +
		`</p><p>保证金的缴纳和退还见<a href="/rules/deposit">《商家保证金规则》</a>。</p></main></body></html>`
	links, hub = hubOf(t, doc, "https://www.shop.example/rules")
	if hub || len(links) != 1 {
		t.Errorf("document: hub %v links %v", hub, links)
	}
	// One link is a page with a link, not a centre.
	if _, hub := hubOf(t, `<main><a href="/rules/a">规则</a></main>`, "https://s.example/r"); hub {
		t.Error("one link made a hub")
	}
}

func TestSameSite(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"rules.shop.example", "www.shop.example", true},
		{"rule.taobao.com", "www.taobao.com", true},
		{"a.com.cn", "b.com.cn", false},
		{"rules.shop.com.cn", "shop.com.cn", true},
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.1", "127.0.0.2", false},
		{"127.0.0.1", "10.0.0.1", false},
	} {
		if got := sameSite(c.a, c.b); got != c.want {
			t.Errorf("sameSite(%s, %s) = %v", c.a, c.b, got)
		}
	}
}
