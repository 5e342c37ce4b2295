package complaint

import "testing"

func TestArticleZH(t *testing.T) {
	for in, want := range map[string]string{
		"Art. 35": "第三十五条", "Art. 49(1)": "第四十九条第一款", "Art. 22(1)(6)": "第二十二条第一款第六项",
		"Art. 3(1)-(2)": "第三条第一款至第二款", "Art. 10": "第十条", "Art. 18(1)": "第十八条第一款", "Annex I pt 11a": "Annex I pt 11a",
	} {
		if got := articleZH(in); got != want {
			t.Errorf("%s -> %s, want %s", in, got, want)
		}
	}
}
