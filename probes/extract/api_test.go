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
	want := []ListItem{
		{Position: 2, URL: "/p/1", Offer: &Offer{Name: "Kettle", Seller: "shop-self", Price: 129.5, Rating: 4.6, Reviews: 210, Source: "api"}},
		{Position: 1, URL: "/p/2", Offer: &Offer{Name: "Lamp", Seller: "lumen", Price: 1299, Rating: 4.1, Reviews: 8, Source: "api"}},
		{Position: 4, URL: "/p/3"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
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
