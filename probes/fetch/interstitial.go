package fetch

import (
	"strings"
)

// challengeMarkers are strings that bot-challenge pages carry and real
// pages do not: the challenge vendors' scripts and elements, and the
// sentences they show, in English and Chinese.
var challengeMarkers = []string{
	"g-recaptcha", "www.google.com/recaptcha", "www.recaptcha.net", "h-captcha", "hcaptcha.com/1/api.js",
	"challenges.cloudflare.com", "/cdn-cgi/challenge-platform", "cf-chl-", "cf_chl_", "checking your browser before accessing",
	"captcha-delivery.com", "px-captcha", "_incapsula_resource", "geetest", "static.geetest.com", "tcaptcha", "turing.captcha",
	"verify you are human", "verify that you are human", "are you a robot", "unusual traffic from your computer network",
	"请完成安全验证", "请完成下方验证", "滑动验证", "拖动滑块", "向右滑动", "人机验证", "访问验证", "请进行验证后继续访问", "检测到您的访问行为异常",
}

// challengePageMax bounds the pages looked at: challenge pages are small,
// and a long page that merely mentions a CAPTCHA (a privacy policy, a help
// page) is not one.
const challengePageMax = 256 << 10

// challenge returns the marker that makes an HTML page a bot challenge
// ("" when it is not one).
func challenge(contentType, text string) string {
	ct := strings.ToLower(contentType)
	if len(text) > challengePageMax || (ct != "" && !strings.Contains(ct, "html")) {
		return ""
	}
	low := strings.ToLower(text)
	for _, m := range challengeMarkers {
		if strings.Contains(low, m) {
			return m
		}
	}
	return ""
}

// markChallenge makes a bot challenge the block detector did not take for
// one (a vendor's challenge script on a page with more text, a 503
// interstitial) a CAPTCHA block page: the exchange is kept and the page is
// never read as the page it stands in for, whatever its size or status.
func markChallenge(page *Page) {
	if page.Blocked != "" || page.Status == 0 {
		return
	}
	if challenge(page.Header.Get("Content-Type"), page.Text) != "" {
		page.Blocked = BlockedCaptcha
	}
}
