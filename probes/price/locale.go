package price

import "strings"

// commaLangs write a decimal comma (CLDR number symbols, checked against
// how each market's largest shops print prices). Languages not listed here
// or in dotLangs give no cue.
var commaLangs = map[string]bool{}

// dotLangs write a decimal point.
var dotLangs = map[string]bool{}

// langOverride holds regional variants whose mark differs from their
// language's: Swiss German and Italian shops print "CHF 1'049.95", Mexican
// and Latin-American Spanish of the dollar markets print "$1,299.00".
var langOverride = map[string]rune{
	"de-ch": '.', "it-ch": '.', "de-li": '.', "es-mx": '.', "es-us": '.', "es-pr": '.', "es-do": '.',
	"es-gt": '.', "es-hn": '.', "es-ni": '.', "es-pa": '.', "es-sv": '.', "es-pe": '.',
	"pt-br": ',', "fr-ch": ',', "ar-ma": ',', "ar-dz": ',', "ar-tn": ',',
}

func init() {
	for _, l := range strings.Fields("de fr es it pt ru pl nl tr cs sk sv da nb nn no fi hu ro id vi uk el bg hr sl sr lt lv et is ca eu gl az kk ka be mk sq bs") {
		commaLangs[l] = true
	}
	for _, l := range strings.Fields("en zh ja ko hi th he ms fil tl ur bn ta te mr gu kn ml si ne my km lo ar fa ga mt sw") {
		dotLangs[l] = true
	}
}

// langMark returns the decimal mark for a BCP 47 language tag, or 0 when
// the tag gives no cue.
func langMark(lang string) rune {
	lang = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"))
	if lang == "" {
		return 0
	}
	if m, ok := langOverride[lang]; ok {
		return m
	}
	// A script subtag (zh-Hans-CN, sr-Latn) does not change the mark;
	// look at language and region only.
	parts := strings.Split(lang, "-")
	if len(parts) >= 3 {
		if m, ok := langOverride[parts[0]+"-"+parts[2]]; ok {
			return m
		}
	}
	switch {
	case commaLangs[parts[0]]:
		return ','
	case dotLangs[parts[0]]:
		return '.'
	}
	return 0
}

// langParts splits a BCP 47 tag (lower case, '-' separated) into its
// language, script and region: "zh-hant-tw" gives "zh", "hant", "tw".
func langParts(lang string) (language, script, region string) {
	language, rest, _ := strings.Cut(lang, "-")
	for rest != "" {
		var p string
		p, rest, _ = strings.Cut(rest, "-")
		switch {
		case len(p) == 4 && script == "" && region == "":
			script = p
		case (len(p) == 2 || (len(p) == 3 && p[0] >= '0' && p[0] <= '9')) && region == "":
			region = p
		}
	}
	return language, script, region
}
