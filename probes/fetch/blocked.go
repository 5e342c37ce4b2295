package fetch

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// What can stand between platscan and a page's content (Page.Blocked).
// A blocked page was answered, but what it shows is not the page: it is a
// result about the scan, never data about the platform's conduct.
const (
	// BlockedCaptcha is a CAPTCHA or "are you a robot" challenge.
	BlockedCaptcha = "captcha"
	// BlockedSlider is a slider check ("drag the slider to verify").
	BlockedSlider = "slider"
	// BlockedLogin is a sign-in page shown instead of the page asked for.
	BlockedLogin = "login_wall"
	// BlockedDenied is an "access denied" page.
	BlockedDenied = "access_denied"
	// BlockedShell is an empty application shell: the page's content is
	// drawn by JavaScript, which was not run (HTTP mode) or drew nothing.
	BlockedShell = "empty_shell"
)

// Block pages are short: cues in the text of a long page (a terms page
// that mentions 验证码, a product called "Captcha") say nothing.
const (
	shortPage = 800  // runes of visible text
	smallPage = 2000 // runes; markup cues count up to here
)

var (
	sliderMarkup  = []string{"nc_wrapper", "nocaptcha", "slider-verify", "slide-verify", "verify-slider", "captcha-slider", "geetest_slider", "baxia-dialog", "slidetounlock"}
	sliderText    = []string{"滑块", "拖动滑块", "向右滑动", "请按住滑块", "slide to verify", "drag the slider", "slide to unlock"}
	captchaMarkup = []string{"g-recaptcha", "recaptcha", "hcaptcha", "h-captcha", "geetest", "captcha", "cf-challenge", "challenge-form", "cf-turnstile"}
	captchaText   = []string{"验证码", "人机验证", "安全验证", "captcha", "verify you are human", "are you a robot", "not a robot", "unusual traffic"}
	deniedText    = []string{"access denied", "访问被拒绝", "拒绝访问", "无权访问", "禁止访问", "request blocked", "you have been blocked", "403 forbidden"}
	loginPath     = []string{"login", "signin", "sign-in", "passport", "auth"}
	mountIDs      = []string{"app", "root", "__next", "__nuxt", "main-app", "application"}
)

// detectBlock says what kind of block page a response is ("" when it is
// the page itself). requested is the URL asked for, final where it ended;
// text is the page as decoded (or, in browser mode, as rendered).
func detectBlock(requested, final string, status int, contentType, text string) string {
	if status == 0 {
		return ""
	}
	if status == 401 || (final != "" && loginLike(final) && !loginLike(requested)) {
		return BlockedLogin
	}
	if !isHTML(contentType) {
		return ""
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		return ""
	}
	markup := strings.ToLower(attributes(doc.Selection))
	scripts := executableScripts(doc)
	mountEmpty := emptyMount(doc)
	password := doc.Find(`input[type="password"]`).Length() > 0
	doc.Find("script, style, noscript, template").Remove()
	visible := strings.Join(strings.Fields(doc.Find("body").Text()), " ")
	lower := strings.ToLower(visible)
	n := utf8.RuneCountInString(visible)
	short, small := n < shortPage, n < smallPage
	switch {
	case small && containsAny(markup, sliderMarkup), short && containsAny(lower, sliderText):
		return BlockedSlider
	case small && containsAny(markup, captchaMarkup), short && containsAny(lower, captchaText):
		return BlockedCaptcha
	case short && password && !loginLike(requested):
		return BlockedLogin
	case short && (status == 403 || status == 451 || containsAny(lower, deniedText)):
		return BlockedDenied
	case scripts && (mountEmpty || n == 0):
		return BlockedShell
	}
	return ""
}

func isHTML(contentType string) bool {
	ct := strings.ToLower(contentType)
	return ct == "" || strings.Contains(ct, "html")
}

// loginLike reports whether u's path names a sign-in page.
func loginLike(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	path := strings.ToLower(p.Path)
	for _, w := range loginPath {
		if strings.Contains(path, w) {
			return true
		}
	}
	return false
}

// attributes joins the ids, classes and sources of every element, where
// challenge widgets name themselves.
func attributes(s *goquery.Selection) string {
	var b strings.Builder
	s.Find("*").Each(func(_ int, e *goquery.Selection) {
		for _, n := range e.Nodes {
			for _, a := range n.Attr {
				switch a.Key {
				case "id", "class", "src", "action", "data-sitekey":
					b.WriteString(a.Val)
					b.WriteByte(' ')
				}
			}
		}
	})
	return b.String()
}

// executableScripts reports whether the page runs any script (structured
// data in <script type="application/ld+json"> does not run).
func executableScripts(doc *goquery.Document) bool {
	found := false
	doc.Find("script").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		switch t := strings.ToLower(strings.TrimSpace(s.AttrOr("type", ""))); t {
		case "", "text/javascript", "application/javascript", "module":
			found = true
		}
		return !found
	})
	return found
}

// emptyMount reports whether the page has the empty container a
// JavaScript application draws itself into.
func emptyMount(doc *goquery.Document) bool {
	empty := false
	doc.Find("[id], [data-reactroot], [ng-app]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		id := s.AttrOr("id", "")
		_, react := s.Attr("data-reactroot")
		_, ng := s.Attr("ng-app")
		if !react && !ng && !slices.Contains(mountIDs, id) {
			return true
		}
		empty = s.Children().Length() == 0 && strings.TrimSpace(s.Text()) == ""
		return !empty
	})
	return empty
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
