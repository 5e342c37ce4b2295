package ranking

import (
	"errors"
	"strings"
	"testing"
)

func TestImportCSVAndJSON(t *testing.T) {
	csvIn := "query,position,item,seller,first_party,price,rating,reviews,sponsored,ad_label\nkettle,1,k1,self,true,99.5,4.5,120,false,\nkettle,2,k2,acme,0,89,4.7,300,1,0\n"
	rows, err := Import("r.csv", []byte(csvIn))
	if err != nil || len(rows) != 2 || !rows[0].FirstParty || *rows[1].AdLabel || !*rows[1].Sponsored || *rows[1].Reviews != 300 {
		t.Fatalf("%v %+v", err, rows)
	}
	// An empty cell is a value not known, never false or zero.
	if rows[0].AdLabel != nil || rows[0].SelfLabel != nil || rows[0].Shipping != nil {
		t.Errorf("empty cells read as values: %+v", rows[0])
	}
	js := `[{"query":"kettle","position":1,"item":"k1","first_party":true,"price":99.5},
	{"query":"kettle","position":2,"item":"k2","first_party":false,"price":null,"rating":"4.5"}]`
	rows, err = Import("r.json", []byte(js))
	if err != nil || len(rows) != 2 || *rows[0].Price != 99.5 || rows[1].Price != nil || *rows[1].Rating != 4.5 {
		t.Fatalf("%v %+v", err, rows)
	}
}

// An export without prices, as The Markup published theirs (query,
// position, item, first-party flag, sponsored, stars, reviews): read, with
// prices unknown.
func TestImportWithoutPrices(t *testing.T) {
	in := "query,position,item,first_party,sponsored,rating,reviews\nkettle,1,B01,true,false,4.1,1010\nkettle,2,B02,false,false,4.8,14069\nkettle,3,B03,false,true,,\n"
	rows, err := Import("markup.csv", []byte(in))
	if err != nil || len(rows) != 3 || rows[0].Price != nil || rows[2].Rating != nil || rows[2].Reviews != nil || !*rows[2].Sponsored {
		t.Fatalf("%v %+v", err, rows)
	}
	if _, err := Import("e.csv", []byte("query,position,item,first_party,price\nq,1,a,true,\n")); err != nil {
		t.Errorf("an empty price is a missing value: %v", err)
	}
}

func TestImportErrorsNamePlace(t *testing.T) {
	head := "query,position,item,first_party,price,rating,reviews\n"
	for in, want := range map[string]string{
		head + "q,1,a,true,9,,\nq,two,b,false,8,,\n":                             `r.csv:3: position: "two" is not a position`,
		"query,position,item,first_party,price,colour\n":                         "r.csv:1: colour: unknown column",
		"query,position,item,price\n":                                            "r.csv:1: first_party: required column missing",
		"query,position,item,first_party,price,price\n":                          "r.csv:1: price: column named twice",
		head + "q,1,a,maybe,9,,\n":                                               `r.csv:2: first_party: "maybe" is not true or false`,
		head + "q,1,a,,9,,\n":                                                    "r.csv:2: first_party: empty",
		head + "q,1,a,true,NaN,,\n":                                              `r.csv:2: price: "NaN" is not a finite number`,
		head + "q,1,a,true,9,,\nq,2,b,true,+Inf,,\n":                             `r.csv:3: price: "+Inf" is not a finite number`,
		head + "q,1,a,true,-3,,\n":                                               "r.csv:2: price: -3 is negative",
		head + "q,1,a,true,9,99,\n":                                              "r.csv:2: rating: 99 is outside the 0-5 star scale",
		head + "q,1,a,true,9,4,-2\n":                                             "r.csv:2: reviews: -2 is not a count",
		head + "q,1,a,true,9,4,2.5\n":                                            "r.csv:2: reviews: 2.5 is not a count",
		head + "q,1,a,true,9,4,2\nq,2,b,false,9,4,2\nq,1,c,false,9,4,2\n":        `r.csv:4: position: query "q" has position 1 twice (first at line 2)`,
		head + "q,1,a,true,9,4,2,extra\n":                                        "r.csv:2: 8 fields, but the header names 7 columns",
		head + "q,1,a\xff,true,9,4,2\n":                                          "r.csv:2: invalid UTF-8",
		`[{"query":"q","position":1,"item":"a","first_party":true,"price":"x"}]`: `r.csv:1: [0].price: "x" is not a number`,
		"[\n{\"query\":\"q\",\"position\":1,\"item\":\"a\",\"first_party\":true},\n{\"query\":\"q\",\"position\":2,\"item\":\"b\",\"first_party\":true,\"z\":1}]": "r.csv:3: [1].z: unknown key",
		"[\n{\"query\":\"q\",\"position\":1,\"item\":\"a\",\"first_party\":true,\"rating\":7}\n]":                                                                 "r.csv:2: [0].rating: 7 is outside the 0-5 star scale",
		`[{"query":"q","position":1,"item":"a","first_party":true},{"query":"q","position":1,"item":"b","first_party":false}]`:                                    `r.csv:1: [1].position: query "q" has position 1 twice`,
		`[1]`: "r.csv:1: [0]: not an object",
	} {
		_, err := Import("r.csv", []byte(in))
		var ie *ImportError
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q:\n got  %v\n want %q", in, err, want)
		}
	}
}
