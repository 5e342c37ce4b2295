package ranking

import (
	"errors"
	"strings"
	"testing"
)

func TestImportCSVAndJSON(t *testing.T) {
	csvIn := "query,position,item,seller,first_party,price,rating,reviews,sponsored,ad_label\nkettle,1,k1,self,true,99.5,4.5,120,false,\nkettle,2,k2,acme,0,89,4.7,300,1,0\n"
	rows, err := Import("r.csv", []byte(csvIn))
	if err != nil || len(rows) != 2 || !rows[0].FirstParty || rows[1].AdLabel || !rows[1].Sponsored || rows[1].Reviews != 300 {
		t.Fatalf("%v %+v", err, rows)
	}
	js := `[{"query":"kettle","position":1,"item":"k1","first_party":true,"price":99.5},{"query":"kettle","position":2,"item":"k2","first_party":false,"price":89}]`
	rows, err = Import("r.json", []byte(js))
	if err != nil || len(rows) != 2 || rows[1].Price != 89 {
		t.Fatalf("%v %+v", err, rows)
	}
}

func TestImportErrorsNamePlace(t *testing.T) {
	for in, want := range map[string]string{
		"query,position,item,first_party,price\nq,1,a,true,9\nq,two,b,false,8\n":     "r.csv:3: position: \"two\" is not a position",
		"query,position,item,first_party,price,colour\n":                             "r.csv:1: colour: unknown column",
		"query,position,item,price\n":                                                "r.csv:1: first_party: required column missing",
		"query,position,item,first_party,price\nq,1,a,maybe,9\n":                     "r.csv:2: first_party: \"maybe\" is not true or false",
		`[{"query":"q","position":1,"item":"a","first_party":true,"price":"x"}]`:     "r.csv: [0].price: \"x\" is not a price",
		`[{"query":"q","position":1,"item":"a","first_party":true,"price":1,"z":1}]`: "r.csv: [0].z: unknown key",
	} {
		_, err := Import("r.csv", []byte(in))
		var ie *ImportError
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
}
