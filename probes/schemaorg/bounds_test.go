package schemaorg

import (
	"fmt"
	"strings"
	"testing"
)

// A hostile page's JSON-LD costs little: a block over the size bound and
// blocks past the count bound are not read, each is reported, and the
// page's own product is still found.
func TestJSONLDBounds(t *testing.T) {
	huge := `<script type="application/ld+json">{"@type":"Product","name":"Noise","offers":[` +
		strings.Repeat(`{"@type":"Offer","price":"1.00","priceCurrency":"CNY"},`, MaxJSONLDBlock/50) + `{"price":"2"}]}</script>`
	real := `<script type="application/ld+json">{"@type":"Product","name":"Real","offers":{"price":"77.00","priceCurrency":"CNY"}}</script>`
	d, err := ParseBytes([]byte("<html><body>"+huge+real+"</body></html>"), "text/html", "https://p.test/item/1")
	if err != nil {
		t.Fatal(err)
	}
	c, ok := d.MainProduct("https://p.test/item/1")
	if !ok || c.Ambiguous || c.Product.Name != "Real" {
		t.Fatalf("main product %+v, ok %v", c, ok)
	}
	if len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Err, "over the") {
		t.Errorf("problems %+v: want the oversized block reported", d.Problems)
	}

	var many strings.Builder
	for i := range MaxJSONLDBlocks + 5 {
		fmt.Fprintf(&many, `<script type="application/ld+json">{"@type":"Thing","name":"t%d"}</script>`, i)
	}
	d, err = ParseBytes([]byte("<html><body>"+many.String()+"</body></html>"), "text/html", "https://p.test/")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.All()); n != MaxJSONLDBlocks {
		t.Errorf("%d items read, want the first %d blocks' only", n, MaxJSONLDBlocks)
	}
	if len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Err, "were not read") {
		t.Errorf("problems %+v: want the blocks past the bound reported", d.Problems)
	}
}
