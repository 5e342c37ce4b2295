package schemaorg

import (
	"maps"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rdfaPrefixes is the part of the RDFa initial context that shop pages
// rely on without declaring it.
var rdfaPrefixes = map[string]string{
	"schema": "https://schema.org/", "og": "http://ogp.me/ns#", "dc": "http://purl.org/dc/terms/",
	"dcterms": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/", "gr": "http://purl.org/goodrelations/v1#",
	"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}

// rdfaCtx is what an element inherits.
type rdfaCtx struct {
	vocab    string
	prefixes map[string]string
	subject  *Item
}

// rdfa reads RDFa Lite 1.1 (vocab, typeof, property, resource, prefix):
// an element with typeof starts an item, which is the value of its own
// property attribute on the enclosing item; a property without typeof
// adds a value (content, then resource/href/src, then datetime, then the
// text) to the enclosing item. Properties outside any typeof have no
// subject here and are left to the OpenGraph reader.
func (p *page) rdfa(doc *html.Node) []*Item {
	var out []*Item
	var visit func(*html.Node, rdfaCtx)
	visit = func(n *html.Node, c rdfaCtx) {
		if n.Type == html.ElementNode {
			c = p.rdfaElement(n, c, &out)
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			visit(ch, c)
		}
	}
	visit(doc, rdfaCtx{prefixes: rdfaPrefixes})
	return out
}

func (p *page) rdfaElement(n *html.Node, c rdfaCtx, out *[]*Item) rdfaCtx {
	if v, ok := attr(n, "vocab"); ok {
		c.vocab = strings.TrimSpace(v)
	}
	if pf, ok := attr(n, "prefix"); ok {
		c.prefixes = parsePrefixes(pf, c.prefixes)
	}
	var props []string
	if v, ok := attr(n, "property"); ok {
		for _, tok := range strings.Fields(v) {
			if name := c.expand(tok); name != "" && !contains(props, name) {
				props = append(props, name)
			}
		}
	}
	if t, ok := attr(n, "typeof"); ok {
		it := newItem(RDFa, p.index[n], 0)
		for _, tok := range strings.Fields(t) {
			if name := c.expand(tok); name != "" {
				it.Types = append(it.Types, name)
			}
		}
		for _, k := range []string{"resource", "about"} {
			if id, ok := attr(n, k); ok && strings.TrimSpace(id) != "" {
				it.ID = p.abs(id)
				break
			}
		}
		*out = append(*out, it)
		if c.subject != nil {
			for _, pr := range props {
				c.subject.add(pr, Value{Item: it})
			}
		}
		c.subject = it
		return c
	}
	if len(props) > 0 && c.subject != nil {
		v := p.rdfaValue(n)
		for _, pr := range props {
			c.subject.add(pr, v)
		}
	}
	return c
}

func (p *page) rdfaValue(n *html.Node) Value {
	if v, ok := attr(n, "content"); ok {
		return Value{Text: v}
	}
	for _, k := range []string{"resource", "href", "src"} {
		if v, ok := attr(n, k); ok {
			return Value{URL: p.abs(v)}
		}
	}
	if n.DataAtom == atom.Time {
		if v, ok := attr(n, "datetime"); ok {
			return Value{Text: v}
		}
	}
	return Value{Text: textContent(n), Display: true}
}

// expand resolves an RDFa term, compact IRI or IRI.
func (c rdfaCtx) expand(tok string) string {
	if strings.Contains(tok, "://") {
		return short(tok)
	}
	if pre, local, ok := strings.Cut(tok, ":"); ok {
		if iri, ok := c.prefixes[strings.ToLower(pre)]; ok {
			return short(iri + local)
		}
		return tok
	}
	if c.vocab == "" {
		return tok
	}
	return short(c.vocab + tok)
}

// parsePrefixes reads a prefix attribute ("og: http://ogp.me/ns# ex:
// http://example.org/") on top of the inherited mappings.
func parsePrefixes(s string, base map[string]string) map[string]string {
	out := maps.Clone(base)
	f := strings.Fields(s)
	for i := 0; i+1 < len(f); i += 2 {
		if strings.HasSuffix(f[i], ":") {
			out[strings.ToLower(strings.TrimSuffix(f[i], ":"))] = f[i+1]
		}
	}
	return out
}
