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

// Real centres carry more than their rule links: a pager, FAQ links, a
// line describing each rule. They are still centres; a long rules
// document that cites three others in its prose is still a document.
func TestHubWithPagerAndDescriptions(t *testing.T) {
	pager := `<main><h1>规则中心</h1><ul>
	  <li><a href="/rules/1">交易规则</a></li><li><a href="/rules/2">营销活动规则</a></li><li><a href="/rules/3">保证金规则</a></li></ul>
	  <div class="pages"><a href="?page=2">2</a><a href="?page=3">3</a><a href="?page=2">下一页</a></div>
	  <div><a href="/help/faq-1">如何申诉？</a><a href="/help/faq-2">如何退出活动？</a><a href="#top">返回顶部</a></div></main>`
	if links, hub := hubOf(t, pager, "https://shop.example/rules/"); !hub || len(links) != 3 {
		t.Errorf("centre with pager and FAQ: hub %v links %v", hub, links)
	}
	described := `<main><h1>Seller policies</h1>
	  <p><a href="/policies/fees">Fee schedule</a>: what selling costs, by category.</p>
	  <p><a href="/policies/returns">Returns policy</a>: how returns are handled and who pays.</p>
	  <p><a href="/policies/conduct">Seller code of conduct</a>: what we expect of sellers.</p>
	  <p><a href="/policies/prohibited">Prohibited items policy</a>: what cannot be listed.</p></main>`
	if links, hub := hubOf(t, described, "https://shop.example/help/"); !hub || len(links) != 4 {
		t.Errorf("centre describing each rule: hub %v links %v", hub, links)
	}
	doc := `<main><h1>Seller Agreement</h1><p>` + strings.Repeat("The seller shall keep its listings accurate and ship orders on time. ", 12) +
		`See the <a href="/policies/fees">Fee schedule</a>, the <a href="/policies/returns">Returns policy</a> and the <a href="/policies/conduct">Seller code of conduct</a>.</p></main>`
	if links, hub := hubOf(t, doc, "https://shop.example/agreement"); hub || len(links) != 3 {
		t.Errorf("agreement citing three policies: hub %v links %v", hub, links)
	}
}

// Lists of prohibited items are rules whatever they are called; a
// product page or a help article is not.
func TestHubProhibitedItems(t *testing.T) {
	html := `<main><a href="/help/prohibited-items">Prohibited items</a> <a href="/s/禁售商品">禁售商品目录</a> <a href="/help/shipping">Shipping help</a> <a href="/p/99">Kettle</a></main>`
	links, _ := hubOf(t, html, "https://shop.example/help/")
	if len(links) != 2 || !strings.HasPrefix(links[0], "Prohibited items ") || !strings.HasPrefix(links[1], "禁售商品目录 ") {
		t.Errorf("links: %v", links)
	}
}
