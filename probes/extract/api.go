package extract

import (
	"github.com/platscan/platscan/probes/price"

	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// APIList reads a ranked result list from the JSON a platform's own API
// returned: items is the dotted path to the list ("data.items"; "" when
// the document is the list), fields maps result fields (url, name, sku,
// brand, seller, price, currency, rating, reviews, position) to dotted
// paths within an item ("seller.name"). An item without a url is skipped;
// positions default to the order of the list. Prices may be numbers or
// text ("¥129.00").
func APIList(body []byte, items string, fields map[string]string) ([]Result, error) {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("api response: %w", err)
	}
	list, ok := at(doc, items).([]any)
	if !ok {
		return nil, fmt.Errorf("api response: %q is not a list", items)
	}
	out := []Result{}
	for i, raw := range list {
		get := func(field string) any {
			path, ok := fields[field]
			if !ok {
				return nil
			}
			return at(raw, path)
		}
		u := text(get("url"))
		if u == "" {
			continue
		}
		r := Result{Position: i + 1, URL: u, Name: text(get("name")), Brand: text(get("brand")), Seller: text(get("seller")), Labels: []string{}}
		if n, ok := number(get("position")); ok && n >= 1 {
			r.Position = int(n)
		}
		if v := get("price"); v != nil {
			// A JSON number is a machine value; a string is read as shops
			// write prices.
			if p, ok := price.Parse(text(v), price.Hint{Currency: text(get("currency")), Machine: true}); ok && !p.Ambiguous {
				r.Price = &p
			}
		}
		if n, ok := number(get("rating")); ok {
			r.Rating = &n
		}
		if n, ok := number(get("reviews")); ok {
			c := int(n)
			r.Reviews = &c
		}
		out = append(out, r)
	}
	return out, nil
}

// at follows a dotted path ("data.items", "offers.0.price") into v.
func at(v any, path string) any {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "$"), ".")
	if path == "" {
		return v
	}
	for _, key := range strings.Split(path, ".") {
		switch t := v.(type) {
		case map[string]any:
			v = t[key]
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

func text(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return ""
}

func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, !math.IsNaN(t)
	case string:
		if p, ok := price.Parse(t, price.Hint{Machine: true}); ok && !p.Ambiguous {
			return p.Value, true
		}
	}
	return 0, false
}
