package schemaorg

import "strings"

// ogProps maps OpenGraph and Facebook product tags onto schema.org
// properties of the Product item (p) or its Offer (o).
var ogProps = []struct{ tag, on, prop string }{
	{"og:title", "p", "name"}, {"og:url", "p", "url"}, {"og:image", "p", "image"},
	{"og:description", "p", "description"}, {"product:brand", "p", "brand"}, {"og:brand", "p", "brand"},
	{"product:retailer_item_id", "p", "sku"}, {"product:upc", "p", "gtin12"}, {"product:ean", "p", "gtin13"},
	{"product:price:amount", "o", "price"}, {"og:price:amount", "o", "price"},
	{"product:price:currency", "o", "priceCurrency"}, {"og:price:currency", "o", "priceCurrency"},
	{"product:availability", "o", "availability"}, {"og:availability", "o", "availability"},
	{"product:condition", "o", "itemCondition"},
}

// openGraph reads a page's OpenGraph product tags (og:type "product",
// product:price:amount, og:price:amount) as one Product with one Offer.
// Every og:/product: tag is also kept on the Product under its own name,
// so a sale price (product:sale_price:amount) stays visible without
// being taken for the price.
func (p *page) openGraph() []*Item {
	tags := map[string][]string{}
	first := -1
	for _, m := range p.metas {
		key, ok := attr(m, "property")
		if !ok {
			key, _ = attr(m, "name")
		}
		key = strings.ToLower(strings.TrimSpace(key))
		if !strings.HasPrefix(key, "og:") && !strings.HasPrefix(key, "product:") {
			continue
		}
		content, _ := attr(m, "content")
		tags[key] = append(tags[key], strings.TrimSpace(content))
		if first < 0 {
			first = p.index[m]
		}
	}
	typ := ""
	if t := tags["og:type"]; len(t) > 0 {
		typ = strings.ToLower(t[0])
	}
	if !strings.Contains(typ, "product") && tags["product:price:amount"] == nil && tags["og:price:amount"] == nil {
		return nil
	}
	prod, offer := newItem(OpenGraph, first, 0), newItem(OpenGraph, first, 1)
	prod.Types, offer.Types = []string{"Product"}, []string{"Offer"}
	for _, m := range ogProps {
		vals := tags[m.tag]
		if len(vals) == 0 || (m.on == "p" && prod.Props[m.prop] != nil) || (m.on == "o" && offer.Props[m.prop] != nil) {
			continue
		}
		v := Value{Text: vals[0]}
		if m.prop == "url" || m.prop == "image" {
			v = Value{URL: p.abs(vals[0])}
		}
		if m.on == "p" {
			prod.add(m.prop, v)
		} else {
			offer.add(m.prop, v)
		}
	}
	for _, k := range sortedKeys(tags) {
		for _, v := range tags[k] {
			prod.add(k, Value{Text: v})
		}
	}
	if len(offer.Props) == 0 {
		return []*Item{prod}
	}
	prod.add("offers", Value{Item: offer})
	return []*Item{prod, offer}
}
