package extract

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/platscan/platscan/measure"
)

var (
	// sortParam is a query parameter or field name that orders results.
	sortParam = regexp.MustCompile(`(?i)sort|^(order|orderby|order_by|order-by|ordering|psort|sorter)$`)
	// sortLabel is a label that names an order. Alone it is not enough
	// on a link (a "price" link may go to a price guide): the link must
	// also stay on the page, changing only its query.
	//
	// The words are those shops use for the usual orders (relevance,
	// price up and down, sales, rating, newest) in the languages of the
	// large marketplaces. Go's \b knows only ASCII letters, so words in
	// other scripts stand outside the \b group.
	sortLabel = regexp.MustCompile(
		// Chinese (simplified and traditional), Japanese, Korean
		`排序|价格|價格|销量|銷量|评分|评价|評價|好评|信用|综合|綜合|人气|熱門|新品|最新|上新|默认|` +
			`並び替え|並べ替え|順$|順で|標準|おすすめ|安い|高い|新着|人気|売れ筋|` +
			`정렬|순$|낮은\s*가격|높은\s*가격|추천|판매량|최신|인기|` +
			// Russian and Ukrainian
			`(?i)сортир|по цене|цены|по рейтингу|по популярности|популярн|новинк|по возрастанию|по убыванию|выгодн|по умолчанию|за ціною|` +
			`(?i)\b(sort(ed)?( by)?|order by|price|rating|reviews?|newest|latest|new arrivals|best ?sell(ing|ers)?|popular(ity)?|relevan(ce|t)|featured|top rated|low to high|high to low|` +
			// German, French, Spanish, Portuguese, Italian, Dutch, Polish
			`preis|relevanz|bewertung(en)?|beliebtheit|neuheiten|neueste|aufsteigend|absteigend|sortier(en|ung)|topseller|` +
			`prix|pertinence|croissant|d[ée]croissant|meilleures? ventes|nouveaut[ée]s|popularit[ée]|trier|` +
			`precio|relevancia|m[aá]s vendidos|novedades|ordenar( por)?|menor precio|mayor precio|m[aá]s recientes|` +
			`pre[çc]o|relev[âa]ncia|mais vendidos|lan[çc]amentos|menor pre[çc]o|maior pre[çc]o|mais recentes|` +
			`prezzo|rilevanza|pi[uù] venduti|novit[àa]|ordina|prijs|relevantie|populariteit|nieuwste|sorteer|` +
			`cena|trafno[śs][ćc]|popularno[śs][ćc]|najnowsze|sortuj|od najta[ńn]szych|od najdro[żz]szych)(\b|$|[^\p{L}\p{N}])`)
	// sortAttr are attributes by which script-driven controls name an order.
	sortAttrs = []string{"data-sort", "data-sort-by", "data-sortby", "data-sort-type", "data-order", "data-orderby"}
)

// markupMax bounds the markup kept as an option's evidence.
const markupMax = 300

// SortOptions reads the ways the page offers to order its results: links
// (relative ones included) whose query parameter says sort, or whose
// label names an order and which stay on the page; select options, radio
// buttons and buttons whose field says sort (or whose options are named
// like orders); and script-driven controls with a data-sort attribute.
// Each distinct order is returned once, in page order.
func (p *Page) SortOptions() []measure.SortOption {
	var out []measure.SortOption
	seen := map[string]bool{}
	add := func(o measure.SortOption, e *goquery.Selection) {
		o.Label = trimText(o.Label)
		if o.Label == "" && o.Value == "" {
			return
		}
		key := strings.ToLower(o.Param + "=" + o.Value)
		if o.Param == "" {
			key = "label:" + strings.ToLower(o.Label)
		}
		if seen[key] {
			return
		}
		seen[key] = true
		o.Markup = Markup(e)
		out = append(out, o)
	}
	// A radio group whose field name says nothing ("tri", "s") is a
	// sort control when two or more of its choices are named like orders.
	named := map[string]int{}
	p.Doc.Find("input[type=radio][name]").Each(func(_ int, e *goquery.Selection) {
		if sortLabel.MatchString(trimText(ControlLabel(e))) {
			named[e.AttrOr("name", "")]++
		}
	})
	orderGroup := func(name string) bool { return named[name] >= 2 }
	page, _ := url.Parse(p.URL)
	p.Doc.Find("a[href], [data-sort], [data-sort-by], [data-sortby], [data-sort-type], [data-order], [data-orderby], select, input[type=radio], button[name]").Each(func(_ int, e *goquery.Selection) {
		switch goquery.NodeName(e) {
		case "select":
			p.sortSelect(e, add)
			return
		case "input":
			if name := e.AttrOr("name", ""); sortParam.MatchString(name) || orderGroup(name) {
				add(measure.SortOption{Label: ControlLabel(e), Kind: "radio", Param: name, Value: e.AttrOr("value", ""),
					Selected: hasAttr(e, "checked"), URL: p.formURL(e, name, e.AttrOr("value", ""))}, e)
			}
			return
		case "button":
			if name := e.AttrOr("name", ""); sortParam.MatchString(name) {
				add(measure.SortOption{Label: e.Text(), Kind: "button", Param: name, Value: e.AttrOr("value", ""),
					URL: p.formURL(e, name, e.AttrOr("value", ""))}, e)
				return
			}
		}
		for _, a := range sortAttrs {
			if v, ok := e.Attr(a); ok && strings.TrimSpace(v) != "" {
				kind := "button"
				if goquery.NodeName(e) == "a" {
					kind = "link"
				}
				add(measure.SortOption{Label: e.Text(), Kind: kind, Param: a, Value: v, URL: p.linkURL(e),
					Selected: selectedMark(e)}, e)
				return
			}
		}
		if goquery.NodeName(e) == "a" {
			if o, ok := p.sortLink(e, page); ok {
				add(o, e)
			}
		}
	})
	return out
}

// sortLink reads a link as a sort option: its query sets a sort
// parameter, or its label names an order and it changes only the query
// of this page.
func (p *Page) sortLink(e *goquery.Selection, page *url.URL) (measure.SortOption, bool) {
	href := strings.TrimSpace(e.AttrOr("href", ""))
	if strings.HasPrefix(strings.ToLower(href), "javascript:") || href == "" {
		if sortLabel.MatchString(trimText(e.Text())) && strings.HasPrefix(strings.ToLower(href), "javascript:") {
			return measure.SortOption{Label: e.Text(), Kind: "link", Selected: selectedMark(e)}, true
		}
		return measure.SortOption{}, false
	}
	u, err := url.Parse(resolve(p.URL, href))
	if err != nil {
		return measure.SortOption{}, false
	}
	o := measure.SortOption{Label: e.Text(), Kind: "link", URL: u.String(), Selected: selectedMark(e)}
	q := u.Query()
	for k, vs := range q {
		if sortParam.MatchString(k) && len(vs) > 0 {
			o.Param, o.Value = k, vs[0]
			return o, true
		}
	}
	if !sortLabel.MatchString(trimText(e.Text())) || page == nil || u.Host != page.Host || u.Path != page.Path {
		return measure.SortOption{}, false
	}
	// A label like "价格" on a link to this same page with another
	// query: the parameter is whichever one it changes.
	pq := page.Query()
	var changed []string
	for k, vs := range q {
		if pv, ok := pq[k]; !ok || strings.Join(pv, ",") != strings.Join(vs, ",") {
			changed = append(changed, k)
		}
	}
	for k := range pq {
		if _, ok := q[k]; !ok {
			changed = append(changed, k)
		}
	}
	if len(changed) == 0 && u.Fragment == "" && !o.Selected {
		// The page itself, not marked as the current order.
		return measure.SortOption{}, false
	}
	if len(changed) == 1 {
		o.Param, o.Value = changed[0], q.Get(changed[0])
	}
	return o, true
}

// sortSelect reads a select whose name, id or class says sort, or two or
// more of whose options are named like orders.
func (p *Page) sortSelect(e *goquery.Selection, add func(measure.SortOption, *goquery.Selection)) {
	name := e.AttrOr("name", "")
	named := sortParam.MatchString(name) || sortParam.MatchString(e.AttrOr("id", "")) || strings.Contains(strings.ToLower(e.AttrOr("class", "")), "sort")
	opts := e.Find("option")
	if !named {
		n := 0
		opts.Each(func(_ int, o *goquery.Selection) {
			if sortLabel.MatchString(trimText(o.Text())) {
				n++
			}
		})
		if n < 2 {
			return
		}
	}
	opts.Each(func(_ int, o *goquery.Selection) {
		v := o.AttrOr("value", trimText(o.Text()))
		add(measure.SortOption{Label: o.Text(), Kind: "select", Param: name, Value: v, Selected: hasAttr(o, "selected"),
			URL: p.formURL(e, name, v)}, o)
	})
}

// formURL is where a GET form around e leads with field name set to v;
// "" when e is not in such a form.
func (p *Page) formURL(e *goquery.Selection, name, v string) string {
	f := e.Closest("form")
	if f.Length() == 0 || name == "" || !strings.EqualFold(f.AttrOr("method", "get"), "get") {
		return ""
	}
	u, err := url.Parse(resolve(p.URL, f.AttrOr("action", "")))
	if err != nil {
		return ""
	}
	q := url.Values{}
	f.Find("input[name]").Each(func(_ int, in *goquery.Selection) {
		t := strings.ToLower(in.AttrOr("type", "text"))
		if (t == "hidden" || t == "text" || t == "search") && in.AttrOr("name", "") != name {
			q.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
		}
	})
	q.Set(name, v)
	u.RawQuery = q.Encode()
	return u.String()
}

func (p *Page) linkURL(e *goquery.Selection) string {
	h := strings.TrimSpace(e.AttrOr("href", ""))
	if h == "" || strings.HasPrefix(strings.ToLower(h), "javascript:") {
		return ""
	}
	return resolve(p.URL, h)
}

// selectedMark reports an element the page marks as the current choice.
func selectedMark(e *goquery.Selection) bool {
	c := strings.ToLower(e.AttrOr("class", "") + " " + e.Parent().AttrOr("class", ""))
	return e.AttrOr("aria-current", "") != "" || e.AttrOr("aria-selected", "") == "true" ||
		currentClass.MatchString(c)
}

var currentClass = regexp.MustCompile(`(^|[\s_-])(active|current|selected|on|cur|curr)($|[\s_-])`)

// ControlLabel is the visible label of a form control: its <label for>,
// the label around it, else the text right after it.
func ControlLabel(e *goquery.Selection) string {
	if id := e.AttrOr("id", ""); id != "" {
		doc := e.Parents().Last()
		if l := doc.Find(`label[for="` + id + `"]`); l.Length() > 0 {
			return trimText(l.First().Text())
		}
	}
	if l := e.Closest("label"); l.Length() > 0 {
		return trimText(l.Text())
	}
	var b strings.Builder
	for n := e.Nodes[0].NextSibling; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && (n.Data == "input" || n.Data == "br" || n.Data == "select") {
			break
		}
		b.WriteString(textOf(n))
	}
	return trimText(b.String())
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

func hasAttr(e *goquery.Selection, a string) bool {
	_, ok := e.Attr(a)
	return ok
}

// Markup is the element as served, cut to 300 bytes at a rune boundary:
// the evidence of a control within its page.
func Markup(e *goquery.Selection) string {
	if e.Length() == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := html.Render(&b, e.Nodes[0]); err != nil {
		return ""
	}
	return truncate(b.String(), markupMax)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
