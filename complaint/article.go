package complaint

import (
	"regexp"
	"strconv"
	"strings"
)

var articleRe = regexp.MustCompile(`^Art\.\s*(\d+)((?:\(\d+\))*)(?:-\((\d+)\))?$`)

// articleZH renders "Art. 22(1)(6)" as 第二十二条第一款第六项 and
// "Art. 3(1)-(2)" as 第三条第一款至第二款, the way Chinese legal writing
// cites provisions. Anything it does not recognise is returned unchanged.
func articleZH(a string) string {
	m := articleRe.FindStringSubmatch(strings.TrimSpace(a))
	if m == nil {
		return a
	}
	n, _ := strconv.Atoi(m[1])
	out := "第" + numeral(n) + "条"
	var parts []int
	for _, p := range regexp.MustCompile(`\d+`).FindAllString(m[2], -1) {
		x, _ := strconv.Atoi(p)
		parts = append(parts, x)
	}
	units := []string{"款", "项", "目"}
	for i, x := range parts {
		if i < len(units) {
			out += "第" + numeral(x) + units[i]
		}
	}
	if m[3] != "" && len(parts) > 0 {
		x, _ := strconv.Atoi(m[3])
		out += "至第" + numeral(x) + units[len(parts)-1]
	}
	return out
}

// numeral writes 1..99 in Chinese numerals (十, 二十二, 四十九).
func numeral(n int) string {
	d := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + strings.TrimPrefix(d[n%10], "零")
	case n < 100:
		s := d[n/10] + "十"
		if n%10 != 0 {
			s += d[n%10]
		}
		return s
	}
	return strconv.Itoa(n)
}
