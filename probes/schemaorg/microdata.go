package schemaorg

import (
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// microdata reads every itemscope element as an item, following the
// WHATWG HTML "microdata" section: an item's properties are found by
// crawling its subtree and its itemref elements, stopping at nested
// itemscope elements, so a property belongs to the nearest item that
// encloses (or references) it. Two deliberate departures, both what
// search engines accept and shops rely on: a content attribute on any
// element gives the value (schema.org's own examples use
// <span itemprop="price" content="88.50">), and an itemscope element
// with itemprop that no item claims is kept as a top-level item rather
// than dropped.
func (p *page) microdata() []*Item {
	items := make(map[*html.Node]*Item, len(p.scopes))
	out := make([]*Item, 0, len(p.scopes))
	for _, el := range p.scopes {
		it := newItem(Microdata, p.index[el], 0)
		if t, ok := attr(el, "itemtype"); ok {
			for _, tok := range strings.Fields(t) {
				it.Types = append(it.Types, short(tok))
			}
		}
		if id, ok := attr(el, "itemid"); ok && strings.TrimSpace(id) != "" {
			it.ID = p.abs(id)
		}
		items[el] = it
		out = append(out, it)
	}
	for _, el := range p.scopes {
		it := items[el]
		for _, prop := range p.crawl(el) {
			names := propNames(prop)
			if len(names) == 0 {
				continue
			}
			v := p.propValue(prop, items)
			for _, n := range names {
				it.add(n, v)
			}
		}
	}
	return out
}

// crawl returns the elements holding root's properties in tree order
// (the spec's "crawl the properties" algorithm; memory keeps an itemref
// loop from running forever).
func (p *page) crawl(root *html.Node) []*html.Node {
	memory := map[*html.Node]bool{root: true}
	var pending, results []*html.Node
	pending = appendChildren(pending, root)
	if refs, ok := attr(root, "itemref"); ok {
		for _, id := range strings.Fields(refs) {
			if el := p.ids[id]; el != nil {
				pending = append(pending, el)
			}
		}
	}
	for len(pending) > 0 {
		cur := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		if memory[cur] {
			continue
		}
		memory[cur] = true
		if !hasAttr(cur, "itemscope") {
			pending = appendChildren(pending, cur)
		}
		if v, ok := attr(cur, "itemprop"); ok && strings.TrimSpace(v) != "" {
			results = append(results, cur)
		}
	}
	sort.Slice(results, func(i, j int) bool { return p.index[results[i]] < p.index[results[j]] })
	return results
}

func appendChildren(list []*html.Node, n *html.Node) []*html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			list = append(list, c)
		}
	}
	return list
}

// propNames returns the element's property names: its itemprop tokens
// without duplicates, schema.org IRIs shortened to their terms.
func propNames(el *html.Node) []string {
	v, _ := attr(el, "itemprop")
	var out []string
	for _, tok := range strings.Fields(v) {
		n := short(tok)
		if !contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// propValue is the spec's "property value" of an element.
func (p *page) propValue(el *html.Node, items map[*html.Node]*Item) Value {
	if hasAttr(el, "itemscope") {
		return Value{Item: items[el]}
	}
	if c, ok := attr(el, "content"); ok {
		return Value{Text: c}
	}
	switch el.DataAtom {
	case atom.Meta:
		return Value{}
	case atom.Audio, atom.Embed, atom.Iframe, atom.Img, atom.Source, atom.Track, atom.Video:
		return p.urlValue(el, "src")
	case atom.A, atom.Area, atom.Link:
		return p.urlValue(el, "href")
	case atom.Object:
		return p.urlValue(el, "data")
	case atom.Data, atom.Meter:
		v, _ := attr(el, "value")
		return Value{Text: v}
	case atom.Time:
		if v, ok := attr(el, "datetime"); ok {
			return Value{Text: v}
		}
	}
	return Value{Text: textContent(el), Display: true}
}

// lazySrc are the attributes lazy-loading scripts keep the real image
// URL in while src holds a placeholder.
var lazySrc = []string{"data-src", "data-original", "data-lazy-src", "data-lazy"}

func (p *page) urlValue(el *html.Node, key string) Value {
	v, _ := attr(el, key)
	v = strings.TrimSpace(v)
	if key == "src" && (v == "" || strings.HasPrefix(v, "data:")) {
		for _, k := range lazySrc {
			if l, ok := attr(el, k); ok && strings.TrimSpace(l) != "" {
				v = l
				break
			}
		}
	}
	if v == "" {
		return Value{}
	}
	return Value{URL: p.abs(v)}
}
