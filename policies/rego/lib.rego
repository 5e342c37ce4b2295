# METADATA
# title: Helpers every policy shares
# description: >-
#   What counts as an answer: a page that was not requested, did not answer,
#   or answered with a server error or a rate limit says nothing about the
#   page itself, so it is never evidence of a breach, and never of a pass.
package platscan.lib

# m is a page measurement (it has url, status, fetch and error) whose
# answer can be judged.
answered(m) if {
	m.fetch == "answered"
	m.status < 500
	not m.status in {408, 429}
	not blocked(m)
}

# m was answered with a block page in the page's place: a CAPTCHA, a
# slider check, a sign-in page, an access-denied page, or an application
# shell read without running its JavaScript. That is a result about the
# scan, never evidence about the page.
blocked(m) if m.blocked != ""

block_what := {
	"captcha": "a CAPTCHA",
	"slider": "a slider check",
	"login_wall": "a sign-in page",
	"access_denied": "an access-denied page",
	"empty_shell": "an empty JavaScript application shell (scan it with render: browser)",
}

block_what_zh := {
	"captcha": "验证码页面",
	"slider": "滑块验证页面",
	"login_wall": "登录页面",
	"access_denied": "拒绝访问页面",
	"empty_shell": "未经JavaScript渲染的空白应用页面（请以浏览器模式扫描）",
}

# Why a page measurement cannot be judged, in English and Chinese.
unanswered_why(m) := sprintf("%s was not requested (%s)", [m.url, m.error]) if {
	m.fetch == "not_sent"
} else := sprintf("%s did not answer (%s)", [m.url, m.error]) if {
	m.fetch == "failed"
} else := sprintf("%s showed %s instead of the page", [m.url, object.get(block_what, m.blocked, m.blocked)]) if {
	blocked(m)
} else := sprintf("%s answered HTTP %d, which says nothing about the page itself", [m.url, m.status])

unanswered_why_zh(m) := sprintf("未请求%s（%s）", [m.url, m.error]) if {
	m.fetch == "not_sent"
} else := sprintf("%s无响应（%s）", [m.url, m.error]) if {
	m.fetch == "failed"
} else := sprintf("%s返回%s而非页面本身", [m.url, object.get(block_what_zh, m.blocked, m.blocked)]) if {
	blocked(m)
} else := sprintf("%s返回状态码%d，无法据此判断页面本身", [m.url, m.status])

# The records a finding about m cites: m itself and what it rests on.
evidence_of(m) := array.concat([m.record], m.evidence)

plural(n, one, many) := sprintf("%d %s", [n, one]) if n == 1

else := sprintf("%d %s", [n, many])
