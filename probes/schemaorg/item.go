// Package schemaorg reads the schema.org items a page carries, whatever
// the syntax: JSON-LD, microdata (the WHATWG algorithm), RDFa Lite and
// OpenGraph product meta tags. Parse returns the items as generic,
// multi-valued property sets; Products, ItemLists and Ratings give the
// typed views the probes compare.
//
// Every property belongs to its own item: a price inside a related
// product's markup is that product's price, never the page's. Terms are
// normalised so that "price", "schema:price" and
// "https://schema.org/price" are one property.
package schemaorg

import (
	"encoding/json"
	"slices"
	"strings"
)

// Syntax names the markup an item was read from.
type Syntax string

// The syntaxes read, in the order of precedence used when two describe
// the same thing.
const (
	JSONLD    Syntax = "json-ld"
	Microdata Syntax = "microdata"
	RDFa      Syntax = "rdfa"
	OpenGraph Syntax = "opengraph"
)

// rank orders syntaxes by precedence.
func (s Syntax) rank() int {
	switch s {
	case JSONLD:
		return 0
	case Microdata:
		return 1
	case RDFa:
		return 2
	}
	return 3
}

// Item is one schema.org item (a JSON-LD node, a microdata itemscope, an
// RDFa typeof resource, or the OpenGraph tags of a page).
type Item struct {
	// Types are schema.org type names ("Product") or, outside
	// schema.org, full IRIs.
	Types []string `json:"type"`
	// ID is the item's global identifier (@id, itemid, resource), if any.
	ID string `json:"id,omitempty"`
	// Props holds every property's values in document order; a property
	// may have several values.
	Props  map[string][]Value `json:"properties"`
	Syntax Syntax             `json:"syntax"`
	// Pos is the item's place in document order among all items read
	// from the page (0 is first), across syntaxes.
	Pos int `json:"pos"`

	// order and seq place the item while parsing: the preorder index of
	// the element that made it, then the order within that element.
	order, seq int
}

// Value is one property value: a text, a URL, or a nested item. Ref is
// set instead of Item when the item is already an ancestor (a cycle of
// @id references), so that an item tree is always finite.
type Value struct {
	Text string
	URL  string
	Item *Item
	Ref  string
	// Display is set when the text is what the page shows (an element's
	// text content) rather than a machine value (a content attribute, a
	// JSON-LD literal), which decides how a price in it is read.
	Display bool
}

// MarshalJSON writes a text as a string, and a URL, an item or a
// reference as an object with one key.
func (v Value) MarshalJSON() ([]byte, error) {
	switch {
	case v.Item != nil:
		return json.Marshal(map[string]*Item{"item": v.Item})
	case v.Ref != "":
		return json.Marshal(map[string]string{"ref": v.Ref})
	case v.URL != "":
		return json.Marshal(map[string]string{"url": v.URL})
	}
	return json.Marshal(v.Text)
}

// String returns a text or URL value; "" for an item.
func (v Value) String() string {
	if v.URL != "" {
		return v.URL
	}
	return v.Text
}

func newItem(s Syntax, order, seq int) *Item {
	return &Item{Types: []string{}, Props: map[string][]Value{}, Syntax: s, order: order, seq: seq}
}

func (it *Item) add(prop string, v Value) {
	it.Props[prop] = append(it.Props[prop], v)
}

// Is reports whether the item has one of the given types.
func (it *Item) Is(types ...string) bool {
	for _, t := range it.Types {
		if slices.Contains(types, t) {
			return true
		}
	}
	return false
}

// Get returns the first text or URL value of prop, trimmed; "" when
// there is none.
func (it *Item) Get(prop string) string {
	for _, v := range it.Props[prop] {
		if s := strings.TrimSpace(v.String()); s != "" {
			return s
		}
	}
	return ""
}

// Value returns the first text or URL value of prop with its flags.
func (it *Item) Value(prop string) (Value, bool) {
	for _, v := range it.Props[prop] {
		if v.Item == nil && strings.TrimSpace(v.String()) != "" {
			return v, true
		}
	}
	return Value{}, false
}

// Items returns the nested items among the values of prop.
func (it *Item) Items(prop string) []*Item {
	var out []*Item
	for _, v := range it.Props[prop] {
		if v.Item != nil {
			out = append(out, v.Item)
		}
	}
	return out
}

// Problem is a block of markup that could not be read. It is reported,
// not fatal: the rest of the page is still read.
type Problem struct {
	Syntax Syntax `json:"syntax"`
	// Element is the preorder index of the element holding the markup
	// (for JSON-LD, its script element).
	Element int    `json:"element"`
	Err     string `json:"error"`
}

// schemaPrefixes are the spellings of the schema.org namespace that
// pages use; all of them mean the same vocabulary.
var schemaPrefixes = []string{"https://schema.org/", "http://schema.org/", "https://www.schema.org/", "http://www.schema.org/", "schema:"}

// short turns a schema.org IRI into its term ("http://schema.org/Offer"
// → "Offer") and leaves other IRIs as they are.
func short(iri string) string {
	iri = strings.TrimSpace(iri)
	for _, p := range schemaPrefixes {
		if len(iri) > len(p) && strings.EqualFold(iri[:len(p)], p) {
			return strings.TrimPrefix(iri[len(p):], "/")
		}
	}
	return iri
}
