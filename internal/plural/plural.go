// Package plural writes counted English nouns ("1 finding", "2 findings")
// so messages never read "1 findings".
package plural

import (
	"fmt"
	"strings"
)

// Of returns n and noun, pluralised when n is not 1. In a phrase of
// several words the last one is pluralised ("evidence record"). Nouns
// ending in a consonant and y take "ies"; nouns ending in s, x, ch or sh
// take "es"; others take "s".
func Of(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	i := strings.LastIndexByte(noun, ' ') + 1
	return fmt.Sprintf("%d %s%s", n, noun[:i], Noun(noun[i:]))
}

// Words returns n with one or other: for phrases that Of cannot inflect
// ("1 obligation checked", "2 obligations checked").
func Words(n int, one, other string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, other)
}

// Noun returns the plural of a regular English noun.
func Noun(s string) string {
	switch {
	case s == "":
		return s
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsAny(s[len(s)-2:len(s)-1], "aeiou"):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	}
	return s + "s"
}
