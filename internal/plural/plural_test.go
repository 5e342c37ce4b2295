package plural

import "testing"

func TestOf(t *testing.T) {
	for _, c := range []struct {
		n    int
		noun string
		want string
	}{
		{0, "finding", "0 findings"},
		{1, "finding", "1 finding"},
		{2, "finding", "2 findings"},
		{1, "problem", "1 problem"},
		{3, "problem", "3 problems"},
		{2, "entry", "2 entries"},
		{2, "day", "2 days"},
		{2, "match", "2 matches"},
		{2, "evidence record", "2 evidence records"},
	} {
		if got := Of(c.n, c.noun); got != c.want {
			t.Errorf("Of(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
}

func TestWords(t *testing.T) {
	if got := Words(1, "obligation checked", "obligations checked"); got != "1 obligation checked" {
		t.Error(got)
	}
	if got := Words(22, "obligation checked", "obligations checked"); got != "22 obligations checked" {
		t.Error(got)
	}
}
