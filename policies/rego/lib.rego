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
}

# Why a page measurement cannot be judged, in English and Chinese.
unanswered_why(m) := sprintf("%s was not requested (%s)", [m.url, m.error]) if {
	m.fetch == "not_sent"
} else := sprintf("%s did not answer (%s)", [m.url, m.error]) if {
	m.fetch == "failed"
} else := sprintf("%s answered HTTP %d, which says nothing about the page itself", [m.url, m.status])

unanswered_why_zh(m) := sprintf("未请求%s（%s）", [m.url, m.error]) if {
	m.fetch == "not_sent"
} else := sprintf("%s无响应（%s）", [m.url, m.error]) if {
	m.fetch == "failed"
} else := sprintf("%s返回状态码%d，无法据此判断页面本身", [m.url, m.status])

# The records a finding about m cites: m itself and what it rests on.
evidence_of(m) := array.concat([m.record], m.evidence)

plural(n, one, many) := sprintf("%d %s", [n, one]) if n == 1

else := sprintf("%d %s", [n, many])
