package terms

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

const datePat = `(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?` +
	`|(\d{1,2})\s+(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{4})` +
	`|(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2}),?\s+(\d{4})`

var (
	anyDate = regexp.MustCompile(datePat)
	// effectiveCues find the date a change applies from.
	effectiveCues = []*regexp.Regexp{
		regexp.MustCompile(`自\s*(?:` + datePat + `)\s*起`),
		regexp.MustCompile(`(?:生效|施行|实施)(?:日期|时间)\s*[:：为]?\s*(?:` + datePat + `)`),
		regexp.MustCompile(`于\s*(?:` + datePat + `)\s*(?:起)?(?:正式)?(?:生效|施行|实施)`),
		regexp.MustCompile(`(?i)(?:take|takes|taking|took)\s+effect\s+(?:on|from|as\s+of)\s+(?:` + datePat + `)`),
		regexp.MustCompile(`(?i)(?:effective|applies|apply)\s+(?:date\s*:?\s*|from\s+|on\s+|as\s+of\s+)?(?:` + datePat + `)`),
	}
	publishedCues = []*regexp.Regexp{
		regexp.MustCompile(`(?:发布|公布|公示)(?:日期|时间)\s*[:：]?\s*(?:` + datePat + `)`),
		regexp.MustCompile(`(?i)(?:published|posted|announced)(?:\s+on)?\s*:?\s*(?:` + datePat + `)`),
	}
	months = map[string]time.Month{"January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6,
		"July": 7, "August": 8, "September": 9, "October": 10, "November": 11, "December": 12}
)

// parseDate reads the first date in s (ISO, 2026/11/20, 2026年11月20日,
// 20 November 2026, November 20, 2026).
func parseDate(s string) (time.Time, bool) {
	m := anyDate.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	var y, d int
	var mo time.Month
	switch {
	case m[1] != "":
		y, _ = strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		mo = time.Month(n)
		d, _ = strconv.Atoi(m[3])
	case m[4] != "":
		d, _ = strconv.Atoi(m[4])
		mo = months[m[5]]
		y, _ = strconv.Atoi(m[6])
	default:
		mo = months[m[7]]
		d, _ = strconv.Atoi(m[8])
		y, _ = strconv.Atoi(m[9])
	}
	t := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	if t.Month() != mo || t.Day() != d || mo < 1 || mo > 12 {
		return time.Time{}, false
	}
	return t, true
}

func findCue(cues []*regexp.Regexp, text string) (time.Time, bool) {
	for _, re := range cues {
		if m := re.FindString(text); m != "" {
			if t, ok := parseDate(m); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// Announcement is one rule change read from an announcements page.
type Announcement struct {
	ID        string
	Title     string
	Text      string
	Published time.Time
	Effective time.Time
}

// announcements reads the notice blocks of a page: <article> elements, or
// elements whose class names a notice or announcement, or failing those
// list items. The publication date comes from a <time datetime> element or
// a "published" cue; the effective date from an "effective" cue.
func announcements(doc *goquery.Document) []Announcement {
	blocks := doc.Find("article")
	if blocks.Length() == 0 {
		blocks = doc.Find("[class*=notice],[class*=announcement],[class*=gonggao]")
	}
	if blocks.Length() == 0 {
		blocks = doc.Find("main li, #content li")
	}
	var out []Announcement
	blocks.Each(func(_ int, s *goquery.Selection) {
		text := collapse(s.Text())
		a := Announcement{ID: s.AttrOr("id", ""), Title: collapse(s.Find("h1,h2,h3,h4").First().Text()), Text: text}
		if dt, ok := s.Find("time[datetime]").First().Attr("datetime"); ok {
			a.Published, _ = parseDate(strings.TrimSpace(dt))
		}
		if a.Published.IsZero() {
			a.Published, _ = findCue(publishedCues, text)
		}
		a.Effective, _ = findCue(effectiveCues, text)
		if a.Title == "" && a.Published.IsZero() && a.Effective.IsZero() {
			return
		}
		out = append(out, a)
	})
	return out
}
