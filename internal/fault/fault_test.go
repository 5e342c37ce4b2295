package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindOf(t *testing.T) {
	base := errors.New("boom")
	cases := []struct {
		err  error
		want Kind
	}{
		{base, KindInternal},
		{Input(base), KindInput},
		{fmt.Errorf("load profile x: %w", Input(base)), KindInput},
		{Incomplete(fmt.Errorf("scan: %w", Input(base))), KindIncomplete},
		{Policy(base), KindPolicy},
		{Internal(Input(base)), KindInternal},
	}
	for _, c := range cases {
		if got := KindOf(c.err); got != c.want {
			t.Errorf("KindOf(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	if Input(nil) != nil {
		t.Error("Input(nil) is not nil")
	}
	if !errors.Is(Input(base), base) {
		t.Error("the wrapped error is lost")
	}
	if Input(base).Error() != "boom" {
		t.Error("the message changed")
	}
}
