package extract

import (
	"reflect"
	"testing"
)

func TestAPIList(t *testing.T) {
	body := []byte(`{"data": {"items": [
		{"url": "/p/1", "name": "Kettle", "seller": {"name": "shop-self"}, "price": 129.5, "rating": {"value": 4.6, "count": 210}, "rank": 2},
		{"url": "/p/2", "name": "Lamp", "seller": {"name": "lumen"}, "price": "¥1,299.00", "rating": {"value": "4.1", "count": 8}, "rank": 1},
		{"name": "no address"},
		{"url": "/p/3"}
	]}}`)
	fields := map[string]string{"url": "url", "name": "name", "seller": "seller.name", "price": "price", "rating": "rating.value",
		"reviews": "rating.count", "position": "rank"}
	got, err := APIList(body, "data.items", fields)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		pos           int
		url, name, by string
		price, rating float64
		reviews       int
	}
	var rows []row
	for _, r := range got {
		x := row{pos: r.Position, url: r.URL, name: r.Name, by: r.Seller}
		if r.Price != nil {
			x.price = r.Price.Value
		}
		if r.Rating != nil {
			x.rating = *r.Rating
		}
		if r.Reviews != nil {
			x.reviews = *r.Reviews
		}
		rows = append(rows, x)
	}
	want := []row{{2, "/p/1", "Kettle", "shop-self", 129.5, 4.6, 210}, {1, "/p/2", "Lamp", "lumen", 1299, 4.1, 8}, {4, "/p/3", "", "", 0, 0, 0}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got %+v\nwant %+v", rows, want)
	}

	if list, err := APIList([]byte(`[{"u": "/p/9"}]`), "$", map[string]string{"url": "u"}); err != nil || len(list) != 1 || list[0].URL != "/p/9" {
		t.Errorf("top-level list: %v %v", list, err)
	}
	for _, c := range []struct{ body, items string }{{`{"data": {}}`, "data.items"}, {`not json`, ""}, {`{"data": {"items": 3}}`, "data.items"}} {
		if _, err := APIList([]byte(c.body), c.items, fields); err == nil {
			t.Errorf("%s at %q: no error", c.body, c.items)
		}
	}
}
