package schemaorg

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// JSON-LD is flattened by hand rather than with a JSON-LD processor
// (piprate/json-gold): shops ship JSON-LD that a conforming processor
// drops or rejects (no @context, "@context": "http://schema.org" with no
// way to load it offline, a relative @id, a block that is not valid
// JSON-LD as a whole), while the features they do use are few: @graph,
// @id references across blocks, arrays, @type arrays, @value/@list
// objects, compact IRIs ("schema:price") and full IRIs. Flattening those
// here keeps every node's document position, which the main-product
// choice needs and a processor's flattening (sorted by @id) loses.

// ldContext is the part of a JSON-LD @context that matters here.
type ldContext struct {
	vocab    string            // prepended to plain terms; "" keeps them as written
	prefixes map[string]string // "schema" → "https://schema.org/"
}

var defaultContext = ldContext{vocab: "https://schema.org/", prefixes: map[string]string{"schema": "https://schema.org/"}}

// with returns the context after applying an @context value.
func (c ldContext) with(v any) ldContext {
	switch t := v.(type) {
	case string:
		if strings.Contains(strings.ToLower(t), "schema.org") {
			c.vocab = "https://schema.org/"
		} else {
			// A remote context we cannot load offline: keep its terms
			// as written rather than pretend they are schema.org's.
			c.vocab = ""
		}
	case []any:
		for _, x := range t {
			c = c.with(x)
		}
	case map[string]any:
		np := make(map[string]string, len(c.prefixes)+len(t))
		for k, v := range c.prefixes {
			np[k] = v
		}
		for k, v := range t {
			iri := ""
			switch d := v.(type) {
			case string:
				iri = d
			case map[string]any:
				iri, _ = d["@id"].(string)
			}
			switch {
			case k == "@vocab":
				c.vocab = iri
			case !strings.HasPrefix(k, "@") && iri != "":
				np[k] = iri
			}
		}
		c.prefixes = np
	}
	return c
}

// expand turns a term or compact IRI into its short schema.org name or
// full IRI.
func (c ldContext) expand(term string) string {
	if iri, ok := c.prefixes[term]; ok && !strings.HasSuffix(iri, "/") && !strings.HasSuffix(iri, "#") {
		return short(iri) // a term defined as a full IRI
	}
	if pre, local, ok := strings.Cut(term, ":"); ok && !strings.HasPrefix(local, "//") {
		if iri, ok := c.prefixes[pre]; ok {
			return short(iri + local)
		}
		return short(term)
	}
	if strings.Contains(term, "://") || c.vocab == "" {
		return short(term)
	}
	return short(c.vocab + term)
}

// ldState carries the JSON-LD nodes of one page across its blocks, so
// that an @id in one block can refer to a node described in another.
type ldState struct {
	p     *page
	nodes map[string]*Item
	all   []*Item
	block int
	order int
	seq   int
}

// Bounds on the JSON-LD read from one page, so that a hostile page costs
// little: a block larger than MaxJSONLDBlock is not parsed, and blocks
// after the first MaxJSONLDBlocks are not read; each is reported as a
// problem. (encoding/json itself refuses nesting deeper than 10000.)
const (
	MaxJSONLDBlock  = 1 << 20
	MaxJSONLDBlocks = 64
)

func (p *page) jsonLD() []*Item {
	s := &ldState{p: p, nodes: map[string]*Item{}}
	for i, sc := range p.scripts {
		s.block, s.order, s.seq = i, p.index[sc], 0
		if i >= MaxJSONLDBlocks {
			p.data.Problems = append(p.data.Problems, Problem{Syntax: JSONLD, Element: s.order,
				Err: fmt.Sprintf("the page has %d JSON-LD blocks: those after the first %d were not read", len(p.scripts), MaxJSONLDBlocks)})
			break
		}
		text := scriptText(sc)
		if len(text) > MaxJSONLDBlock {
			p.data.Problems = append(p.data.Problems, Problem{Syntax: JSONLD, Element: s.order,
				Err: fmt.Sprintf("a JSON-LD block of %d bytes, over the %d-byte bound: not read", len(text), MaxJSONLDBlock)})
			continue
		}
		s.readBlock(text)
	}
	// Resolve @id references now that every block has been read: a
	// reference to a described node becomes that node; one to nothing
	// described stays a URL.
	for _, it := range s.all {
		for _, vs := range it.Props {
			for i, v := range vs {
				if v.Ref == "" {
					continue
				}
				switch n, ok := s.nodes[v.Ref]; {
				case ok:
					vs[i] = Value{Item: n}
				case strings.HasPrefix(v.Ref, "_:"):
					vs[i] = Value{Ref: v.Ref[:strings.LastIndexByte(v.Ref, '#')]} // a blank node described nowhere
				default:
					vs[i] = Value{URL: v.Ref}
				}
			}
		}
	}
	return s.all
}

func scriptText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// cleanScript removes wrappers that pages put around JSON-LD for old
// browsers (HTML comments, CDATA markers).
func cleanScript(s string) string {
	s = strings.TrimSpace(s)
	for _, w := range [][2]string{{"<!--", "-->"}, {"//<![CDATA[", "//]]>"}, {"<![CDATA[", "]]>"}} {
		if strings.HasPrefix(s, w[0]) && strings.HasSuffix(s, w[1]) {
			s = strings.TrimSpace(s[len(w[0]) : len(s)-len(w[1])])
		}
	}
	return s
}

// readBlock decodes one script's JSON, repairing raw control characters
// inside strings (a common fault), and reports what cannot be read.
func (s *ldState) readBlock(text string) {
	text = cleanScript(text)
	if text == "" {
		return
	}
	vals, err := decodeAll(text)
	if err != nil {
		if fixed, ferr := decodeAll(strings.Map(controlToSpace, text)); ferr == nil {
			vals, err = fixed, nil
		}
	}
	if err != nil {
		s.p.data.Problems = append(s.p.data.Problems, Problem{Syntax: JSONLD, Element: s.order, Err: err.Error()})
	}
	for _, v := range vals {
		s.top(v, defaultContext)
	}
}

func controlToSpace(r rune) rune {
	if r < 0x20 {
		return ' '
	}
	return r
}

// decodeAll decodes every JSON value in text; on an error it returns the
// values read before it.
func decodeAll(text string) ([]any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var out []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("json-ld block: %w", err)
		}
		out = append(out, v)
	}
}

// top reads a top-level value: a node, an array of nodes, or a @graph.
func (s *ldState) top(v any, ctx ldContext) {
	switch t := v.(type) {
	case []any:
		for _, x := range t {
			s.top(x, ctx)
		}
	case map[string]any:
		if c, ok := t["@context"]; ok {
			ctx = ctx.with(c)
		}
		if g, ok := t["@graph"]; ok {
			s.top(g, ctx)
			if !hasNodeContent(t) {
				return
			}
		}
		s.node(t, ctx)
	}
}

// hasNodeContent reports whether a @graph holder also describes itself.
func hasNodeContent(m map[string]any) bool {
	for k := range m {
		if k != "@context" && k != "@graph" && k != "@id" {
			return true
		}
	}
	return false
}

// node reads a node object into an item, merging it with any other
// object that has the same @id.
func (s *ldState) node(m map[string]any, ctx ldContext) *Item {
	if c, ok := m["@context"]; ok {
		ctx = ctx.with(c)
	}
	it := newItem(JSONLD, s.order, s.seq)
	s.seq++
	key := ""
	if id, ok := m["@id"].(string); ok && strings.TrimSpace(id) != "" {
		it.ID, key = s.id(id)
	}
	for _, t := range asList(m["@type"]) {
		if ts, ok := t.(string); ok && ts != "" {
			it.Types = append(it.Types, ctx.expand(ts))
		}
	}
	for _, k := range sortedKeys(m) {
		if strings.HasPrefix(k, "@") {
			continue
		}
		prop := ctx.expand(k)
		for _, v := range s.values(m[k], ctx, prop) {
			it.add(prop, v)
		}
	}
	if key == "" {
		s.all = append(s.all, it)
		return it
	}
	if prev, ok := s.nodes[key]; ok {
		for _, t := range it.Types {
			if !prev.Is(t) {
				prev.Types = append(prev.Types, t)
			}
		}
		for _, k := range sortedKeys(it.Props) {
			prev.Props[k] = append(prev.Props[k], it.Props[k]...)
		}
		return prev
	}
	s.nodes[key] = it
	s.all = append(s.all, it)
	return it
}

// id resolves an @id: blank node labels are local to their block, other
// ids are IRIs resolved against the page.
func (s *ldState) id(id string) (shown, key string) {
	id = strings.TrimSpace(id)
	if strings.HasPrefix(id, "_:") {
		return id, fmt.Sprintf("%s#%d", id, s.block)
	}
	abs := s.p.abs(id)
	return abs, abs
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// values reads a property's JSON value into property values.
func (s *ldState) values(v any, ctx ldContext, prop string) []Value {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		if urlProps[prop] && strings.TrimSpace(t) != "" {
			return []Value{{URL: s.p.abs(t)}}
		}
		return []Value{{Text: t}}
	case json.Number:
		return []Value{{Text: t.String()}}
	case bool:
		if t {
			return []Value{{Text: "true"}}
		}
		return []Value{{Text: "false"}}
	case []any:
		var out []Value
		for _, x := range t {
			out = append(out, s.values(x, ctx, prop)...)
		}
		return out
	case map[string]any:
		if val, ok := t["@value"]; ok {
			return s.values(val, ctx, prop)
		}
		for _, k := range []string{"@list", "@set"} {
			if l, ok := t[k]; ok {
				return s.values(l, ctx, prop)
			}
		}
		if id, ok := t["@id"].(string); ok && isReference(t) {
			if strings.TrimSpace(id) == "" {
				return nil
			}
			_, key := s.id(id)
			return []Value{{Ref: key}}
		}
		return []Value{{Item: s.node(t, ctx)}}
	}
	return nil
}

// urlProps are the schema.org properties whose context gives them IRI
// values ("@type": "@id"), so a relative string is resolved against the
// page, as a JSON-LD processor with the schema.org context would.
var urlProps = map[string]bool{"url": true, "image": true, "logo": true, "sameAs": true, "item": true,
	"mainEntityOfPage": true, "thumbnailUrl": true, "contentUrl": true, "embedUrl": true, "additionalType": true}

// isReference reports an object that only names a node ({"@id": ...}).
func isReference(m map[string]any) bool {
	for k := range m {
		if k != "@id" && k != "@context" {
			return false
		}
	}
	return true
}
