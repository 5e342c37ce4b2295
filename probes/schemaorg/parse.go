package schemaorg

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// Data is what a page says in structured markup.
type Data struct {
	// Items are the top-level items in document order: those that are
	// not a property value of another item. Nested items are reached
	// through their parents' properties (All walks them).
	Items []*Item `json:"items"`
	// Problems lists markup that could not be read (a JSON-LD block
	// that is not JSON), which was skipped.
	Problems []Problem `json:"problems,omitempty"`
	// Lang is the page language from <html lang>, used to read prices.
	Lang string `json:"lang,omitempty"`
	// Canonical is <link rel=canonical>, and Next the rel=next link of a
	// paged result list, both absolute.
	Canonical string `json:"canonical,omitempty"`
	Next      string `json:"next,omitempty"`
	// Titles are what the page says it is about: its first <h1>,
	// og:title and <title>. They pick the page's product when several
	// are marked up and nothing else tells them apart.
	Titles []string `json:"titles,omitempty"`
	// Currency is the ISO 4217 currency assumed for a price whose offer
	// names none (a caller's hint, such as a profile's); it is not read
	// from the page.
	Currency string `json:"-"`
}

// Parse reads UTF-8 HTML (as probes/fetch returns a page's text) and
// returns its structured data. baseURL resolves relative URLs; a <base
// href> in the page takes precedence, as in a browser. The error is
// only for input that cannot be read at all.
func Parse(r io.Reader, baseURL string) (*Data, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("parse html: %w", err)
	}
	return ParseNode(doc, baseURL), nil
}

// ParseBytes reads an undecoded body (a stored blob), choosing its
// charset from contentType, a BOM or a <meta> declaration the way
// probes/fetch does, so GBK, GB18030 and Big5 pages read correctly.
func ParseBytes(body []byte, contentType, baseURL string) (*Data, error) {
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		return nil, fmt.Errorf("decode body: %w", err)
	}
	return Parse(r, baseURL)
}

// page is the state of one parse.
type page struct {
	base     *url.URL
	index    map[*html.Node]int // preorder index of every element
	ids      map[string]*html.Node
	data     *Data
	scripts  []*html.Node
	scopes   []*html.Node // itemscope elements
	metas    []*html.Node
	h1       *html.Node
	title    *html.Node
	rdfaRoot bool // some element uses RDFa attributes
}

// ParseNode reads a parsed document.
func ParseNode(doc *html.Node, baseURL string) *Data {
	p := &page{index: map[*html.Node]int{}, ids: map[string]*html.Node{}, data: &Data{Items: []*Item{}}}
	if baseURL != "" {
		p.base, _ = url.Parse(baseURL)
	}
	p.walk(doc)
	var all []*Item
	all = append(all, p.jsonLD()...)
	all = append(all, p.microdata()...)
	if p.rdfaRoot {
		all = append(all, p.rdfa(doc)...)
	}
	if og := p.openGraph(); og != nil {
		all = append(all, og...)
	}
	p.data.Items = finish(all)
	return p.data
}

func (p *page) walk(doc *html.Node) {
	n := 0
	var visit func(*html.Node)
	visit = func(x *html.Node) {
		if x.Type == html.ElementNode {
			p.index[x] = n
			n++
			p.element(x)
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	// A <base href> changes the base for the whole document, so find it
	// before anything is resolved.
	if b := find(doc, atom.Base); b != nil {
		if h, ok := attr(b, "href"); ok {
			p.base = p.resolveURL(h)
		}
	}
	visit(doc)
	if p.data.Lang == "" {
		p.data.Lang = p.metaLang()
	}
	p.data.Titles = p.titles()
}

// titles collects the page's headings named in Data.Titles.
func (p *page) titles() []string {
	var out []string
	add := func(s string) {
		if s = strings.Join(strings.Fields(s), " "); s != "" {
			out = append(out, s)
		}
	}
	if p.h1 != nil {
		add(textContent(p.h1))
	}
	for _, m := range p.metas {
		if prop, _ := attr(m, "property"); strings.EqualFold(prop, "og:title") {
			c, _ := attr(m, "content")
			add(c)
			break
		}
	}
	if p.title != nil {
		add(textContent(p.title))
	}
	return out
}

// metaLang is the page language from a Content-Language declaration or
// og:locale, for pages whose <html> has no lang (many shop templates).
func (p *page) metaLang() string {
	for _, m := range p.metas {
		he, _ := attr(m, "http-equiv")
		prop, _ := attr(m, "property")
		c, _ := attr(m, "content")
		if strings.EqualFold(he, "content-language") || strings.EqualFold(prop, "og:locale") {
			if f := strings.FieldsFunc(c, func(r rune) bool { return r == ',' || r == ' ' }); len(f) > 0 {
				return strings.ReplaceAll(f[0], "_", "-")
			}
		}
	}
	return ""
}

func (p *page) resolveURL(h string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(h))
	if err != nil {
		return p.base
	}
	if p.base == nil {
		return u
	}
	return p.base.ResolveReference(u)
}

// element notes what an element contributes.
func (p *page) element(x *html.Node) {
	if id, ok := attr(x, "id"); ok && id != "" {
		if _, dup := p.ids[id]; !dup {
			p.ids[id] = x // the first element with an id wins, as getElementById
		}
	}
	switch x.DataAtom {
	case atom.Html:
		if l, ok := attr(x, "lang"); ok {
			p.data.Lang = strings.TrimSpace(l)
		} else if l, ok := attr(x, "xml:lang"); ok {
			p.data.Lang = strings.TrimSpace(l)
		}
	case atom.Script:
		if t, _ := attr(x, "type"); isJSONLDType(t) {
			p.scripts = append(p.scripts, x)
		}
	case atom.Meta:
		p.metas = append(p.metas, x)
	case atom.H1:
		if p.h1 == nil {
			p.h1 = x
		}
	case atom.Title:
		if p.title == nil {
			p.title = x
		}
	case atom.Link, atom.A:
		rel, _ := attr(x, "rel")
		h, ok := attr(x, "href")
		if !ok {
			break
		}
		for _, r := range strings.Fields(strings.ToLower(rel)) {
			switch {
			case r == "canonical" && x.DataAtom == atom.Link && p.data.Canonical == "":
				p.data.Canonical = p.abs(h)
			case r == "next" && p.data.Next == "":
				p.data.Next = p.abs(h)
			}
		}
	}
	if hasAttr(x, "itemscope") {
		p.scopes = append(p.scopes, x)
	}
	if hasAttr(x, "typeof") || hasAttr(x, "vocab") {
		p.rdfaRoot = true
	}
}

func isJSONLDType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	return t == "application/ld+json"
}

// abs resolves h against the page base; it returns h unchanged when it
// cannot be parsed.
func (p *page) abs(h string) string {
	h = strings.TrimSpace(h)
	u, err := url.Parse(h)
	if err != nil {
		return h
	}
	if p.base == nil {
		return u.String()
	}
	return p.base.ResolveReference(u).String()
}

// finish orders every item by document position, numbers them, cuts
// reference cycles and returns the top-level ones.
func finish(all []*Item) []*Item {
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].order != all[j].order {
			return all[i].order < all[j].order
		}
		return all[i].seq < all[j].seq
	})
	for i, it := range all {
		it.Pos = i
	}
	breakCycles(all)
	nested := map[*Item]bool{}
	for _, it := range all {
		for _, vs := range it.Props {
			for _, v := range vs {
				if v.Item != nil && v.Item != it {
					nested[v.Item] = true
				}
			}
		}
	}
	top := []*Item{}
	for _, it := range all {
		if !nested[it] {
			top = append(top, it)
		}
	}
	return top
}

// breakCycles replaces every value that would lead back to an item on
// the current path with a Ref, so that walking or encoding an item tree
// ends. Items are visited in document order, so the first of a cycle
// stays the root.
func breakCycles(all []*Item) {
	const (
		white = iota
		grey
		black
	)
	colour := map[*Item]int{}
	var visit func(*Item)
	visit = func(it *Item) {
		colour[it] = grey
		for _, k := range sortedKeys(it.Props) {
			vs := it.Props[k]
			for i := range vs {
				c := vs[i].Item
				if c == nil {
					continue
				}
				switch colour[c] {
				case grey:
					vs[i] = Value{Ref: refName(c)}
				case white:
					visit(c)
				}
			}
		}
		colour[it] = black
	}
	for _, it := range all {
		if colour[it] == white {
			visit(it)
		}
	}
}

func refName(it *Item) string {
	if it.ID != "" {
		return it.ID
	}
	return fmt.Sprintf("#%d", it.Pos)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// All returns every item of the page, top-level and nested, each once,
// in document order.
func (d *Data) All() []*Item {
	seen := map[*Item]bool{}
	var out []*Item
	var visit func(*Item)
	visit = func(it *Item) {
		if seen[it] {
			return
		}
		seen[it] = true
		out = append(out, it)
		for _, k := range sortedKeys(it.Props) {
			for _, v := range it.Props[k] {
				if v.Item != nil {
					visit(v.Item)
				}
			}
		}
	}
	for _, it := range d.Items {
		visit(it)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos < out[j].Pos })
	return out
}

// html helpers

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasAttr(n *html.Node, key string) bool {
	_, ok := attr(n, key)
	return ok
}

func find(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, a); f != nil {
			return f
		}
	}
	return nil
}

// textContent is the DOM textContent of n (its text nodes joined with
// nothing between, so "¥<b>88</b>.50" stays "¥88.50") with runs of
// white space collapsed to one space and the ends trimmed.
func textContent(n *html.Node) string {
	var b strings.Builder
	var visit func(*html.Node)
	visit = func(x *html.Node) {
		if x.Type == html.TextNode {
			b.WriteString(x.Data)
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return strings.Join(strings.Fields(b.String()), " ")
}
