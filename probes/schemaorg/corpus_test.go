package schemaorg

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platscan/platscan/internal/golden"
)

// pageBase is the URL every corpus page is read as, so relative links
// resolve the same way each run.
const pageBase = "https://shop.test/pages/"

// extraction is what a corpus page's golden file holds.
type extraction struct {
	Lang      string     `json:"lang,omitempty"`
	Canonical string     `json:"canonical,omitempty"`
	Next      string     `json:"next,omitempty"`
	Problems  []Problem  `json:"problems,omitempty"`
	Products  []Product  `json:"products"`
	Main      *Choice    `json:"main,omitempty"`
	Lists     []ItemList `json:"item_lists"`
	Ratings   []Rating   `json:"ratings"`
	Items     []*Item    `json:"items"`
}

func corpusPages(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/pages/*.html")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		// selectors-*.html carry no structured data; probes/extract reads
		// them with CSS selectors and holds their goldens.
		if !strings.HasPrefix(filepath.Base(f), "selectors-") {
			out = append(out, f)
		}
	}
	return out
}

func readPage(t testing.TB, path string) *Data {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseBytes(body, "text/html", pageBase+filepath.Base(path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

// TestCorpusGolden reads every page of testdata/pages and compares the
// whole extraction with its golden file (go test -update to rewrite).
func TestCorpusGolden(t *testing.T) {
	pages := corpusPages(t)
	if len(pages) < 25 {
		t.Fatalf("only %d corpus pages", len(pages))
	}
	for _, path := range pages {
		t.Run(filepath.Base(path), func(t *testing.T) {
			d := readPage(t, path)
			x := extraction{Lang: d.Lang, Canonical: d.Canonical, Next: d.Next, Problems: d.Problems,
				Products: d.Products(), Lists: d.ItemLists(), Ratings: d.Ratings(), Items: d.Items}
			if c, ok := d.MainProduct(pageBase + filepath.Base(path)); ok {
				x.Main = &c
			}
			got, err := json.MarshalIndent(x, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, strings.TrimSuffix(path, ".html")+".golden.json", append(got, '\n'))
		})
	}
}
