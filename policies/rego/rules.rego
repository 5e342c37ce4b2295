# METADATA
# title: Platform rules are published, readable and changed with notice
# description: >-
#   Judges the terms probe's document and rule_change measurements against
#   the duties to display platform rules on the home page, keep them
#   readable by anyone, and announce changes ahead of time.
package platscan.rules

import data.platscan.lib

docs(role) := [d |
	some d in input.measurements.terms
	d.type == "document"
	d.role == role
]

all_docs := [d |
	some d in input.measurements.terms
	d.type == "document"
]

# Documents whose answer can be judged; the others are unknown.
judged(ds) := [d | some d in ds; judgeable(d); not imported(d)]

# A document read from a file the platform exported (platscan check) says
# what its text is, not whether it is published and available to users:
# that is judged on the platform's pages, by a scan. Its clauses are
# judged like any others.
imported(d) if startswith(d.url, "file:")

unknown contains {"rule": r, "reason": sprintf("%s was read from an exported file: whether it is published and freely available is judged on the platform's own pages (platscan scan)", [d.url])} if {
	some d in all_docs
	imported(d)
	some r in ["CN-ECL-ART33-PUBLISH", "EU-P2B-ART3-TC"]
}

judgeable(d) if lib.answered(d)

# A sign-in page in place of the rules or terms is an answer here, unlike
# for any other page: these documents must be readable by anyone, and the
# sign-in page is the evidence that they are not.
judgeable(d) if {
	d.login_wall
	d.fetch == "answered"
	d.blocked in {"", "login_wall"}
	d.status < 500
}

changes := [c |
	some c in input.measurements.terms
	c.type == "rule_change"
]

announcement_pages := [p |
	some p in input.measurements.terms
	p.type == "announcements_page"
]

# Whether the home pages were all read, so that "not linked from the home
# page" can be said at all.
home_read if {
	some h in input.measurements.terms
	h.type == "home_links"
	h.complete
}

readable_text(d) if {
	d.reachable
	d.chars >= data.platscan.thresholds.rules.min_document_chars
}

readable(d) if readable_text(d)

# A rules centre publishes the rules by listing them: it is published
# when at least one rule document it links was read and is readable
# (those documents are judged themselves).
readable(d) if {
	d.reachable
	d.hub
	count(hub_documents(d)) > 0
}

# The readable documents a rules centre links, as read in this scan.
hub_documents(d) := [x.url |
	some l in d.rule_links
	some x in all_docs
	x.url == l.url
	readable_text(x)
]

# A document reached from a rules page is on the home page when that
# page is (the home page links the rules centre, which lists it).
on_home(d) if d.linked_from_home

on_home(d) if {
	some p in all_docs
	p.url == d.via
	p.linked_from_home
}

on_home(d) if {
	some p in all_docs
	p.url == d.via
	some q in all_docs
	q.url == p.via
	q.linked_from_home
}

# A page served in a format platscan does not read (PDF) was delivered; we
# cannot say whether it is readable, so it is neither a pass nor a finding.
readable(d) if d.unsupported

why_unreadable(d) := "it sits behind a login page" if {
	d.login_wall
} else := sprintf("the server answered %d", [d.status]) if {
	d.status >= 400
} else := sprintf("it is a rules centre, but none of the %d rule documents it links could be read", [count(d.rule_links)]) if {
	d.hub
} else := sprintf("it holds only %d characters of text", [d.chars])

why_unreadable_zh(d) := "需登录后方可查看" if {
	d.login_wall
} else := sprintf("服务器返回状态码%d", [d.status]) if {
	d.status >= 400
} else := sprintf("该页面为规则中心，但其链接的%d份规则文件均无法读取", [count(d.rule_links)]) if {
	d.hub
} else := sprintf("页面仅有%d个字符的正文", [d.chars])

problems_zh(d) := array.concat(
	[p | home_read; not on_home(d); p := "未在首页提供链接"],
	[p | not readable(d); p := why_unreadable_zh(d)],
)

problems(d) := array.concat(
	[p | home_read; not on_home(d); p := via_text(d)],
	[p | not readable(d); p := why_unreadable(d)],
)

via_text(d) := "it is not linked from the home page" if d.via == ""

else := sprintf("it is not linked from the home page, nor is the rules page that lists it (%s)", [d.via])

role_zh := {"rules": "平台规则", "terms": "协议"}

# METADATA
# title: Platform rules must be shown on the home page and readable by anyone
# custom:
#   rule: CN-ECL-ART33-PUBLISH
#   severity: high
findings contains f if {
	some d in judged(docs("rules"))
	ps := problems(d)
	count(ps) > 0
	f := {
		"rule": "CN-ECL-ART33-PUBLISH",
		"key": d.url,
		"persona": d.persona,
		"summary": sprintf("platform rules page %s is not properly published: %s", [d.url, concat("; ", ps)]),
		"summary_zh": sprintf("平台规则页面%s未依法持续公示：%s", [d.url, concat("；", problems_zh(d))]),
		"metrics": {"url": d.url, "status": d.status, "linked_from_home": d.linked_from_home, "login_wall": d.login_wall, "chars": d.chars, "hub": d.hub, "via": d.via, "rule_documents_read": hub_documents(d)},
		"evidence": lib.evidence_of(d),
	}
}

checked contains {"rule": "CN-ECL-ART33-PUBLISH", "basis": lib.plural(n, "rules page read", "rules pages read")} if {
	n := count(judged(docs("rules")))
	n > 0
}

unknown contains {"rule": "CN-ECL-ART33-PUBLISH", "reason": "the profile names no platform rules pages (terms.rules)"} if {
	count(docs("rules")) == 0
}

unknown contains {"rule": r, "reason": lib.unanswered_why(d)} if {
	some d in all_docs
	not judgeable(d)
	some r in ["CN-ECL-ART33-PUBLISH", "EU-P2B-ART3-TC"]
}

unknown contains {"rule": "CN-ECL-ART33-PUBLISH", "reason": "the home pages could not all be read, so links to the rules could not be checked"} if {
	count(judged(docs("rules"))) > 0
	not home_read
}

unknown contains {"rule": r, "reason": sprintf("%s is served as %s, which platscan does not read", [d.url, d.format])} if {
	some d in all_docs
	d.unsupported
	some r in ["CN-ECL-ART33-PUBLISH", "EU-P2B-ART3-TC"]
}

# METADATA
# title: Terms must be easily available to business users at every stage
# custom:
#   rule: EU-P2B-ART3-TC
#   severity: high
findings contains f if {
	some d in judged(all_docs)
	not readable(d)
	f := {
		"rule": "EU-P2B-ART3-TC",
		"key": concat(":", ["available", d.url]),
		"persona": d.persona,
		"summary": sprintf("%s page %s is not freely available: %s", [d.role, d.url, why_unreadable(d)]),
		"summary_zh": sprintf("%s页面%s无法自由获取：%s", [role_zh[d.role], d.url, why_unreadable_zh(d)]),
		"metrics": {"url": d.url, "status": d.status, "login_wall": d.login_wall, "chars": d.chars, "hub": d.hub},
		"evidence": lib.evidence_of(d),
	}
}

checked contains {"rule": "EU-P2B-ART3-TC", "basis": lib.plural(n, "rules or terms document read", "rules or terms documents read")} if {
	n := count(judged(all_docs))
	n > 0
}

# METADATA
# title: Changes to terms must be notified at least 15 days ahead (P2B)
# custom:
#   rule: EU-P2B-ART3-TC
#   severity: high
findings contains f if {
	some c in changes
	c.notice_days != null
	c.notice_days < data.platscan.thresholds.rules.notice_days_eu
	f := notice_finding("EU-P2B-ART3-TC", c, data.platscan.thresholds.rules.notice_days_eu)
}

# METADATA
# title: Rule changes must be published at least 7 days before they apply
# custom:
#   rule: CN-ECL-ART34-NOTICE7
#   severity: high
findings contains f if {
	some c in changes
	c.notice_days != null
	c.notice_days < data.platscan.thresholds.rules.notice_days_cn
	f := notice_finding("CN-ECL-ART34-NOTICE7", c, data.platscan.thresholds.rules.notice_days_cn)
}

notice_finding(rule, c, min) := {
	"rule": rule,
	"key": concat(":", ["notice", c.url, c.id, c.published, c.effective]),
	"persona": c.persona,
	"summary": sprintf("rule change \"%s\" was published %s and took effect %s: %d days' notice, %d required", [c.title, c.published, c.effective, c.notice_days, min]),
	"summary_zh": sprintf("规则变更公告《%s》于%s发布、%s生效，公示期仅%d日，少于规定的%d日", [c.title, c.published, c.effective, c.notice_days, min]),
	"quote": c.text,
	"metrics": {"published": c.published, "effective": c.effective, "notice_days": c.notice_days, "required_days": min, "url": c.url},
	"evidence": lib.evidence_of(c),
}

dated_changes := [c | some c in changes; c.notice_days != null]

no_dated_changes_reason := "the profile names no announcements page (terms.announcements)" if {
	count(announcement_pages) == 0
} else := "no announcements page could be read" if {
	count([p | some p in announcement_pages; p.reachable]) == 0
} else := "announcements were read but none gave both a publication and an effective date" if {
	count(dated_changes) == 0
	count(changes) > 0
} else := "the announcements page lists no rule change" if {
	count(changes) == 0
}

unknown contains {"rule": rule, "reason": no_dated_changes_reason} if {
	count(doc_changes) == 0
	some rule in ["CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"]
}

unknown contains {"rule": rule, "reason": lib.unanswered_why(p)} if {
	some p in announcement_pages
	not lib.answered(p)
	some rule in ["CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"]
}

checked contains {"rule": rule, "basis": basis} if {
	n := count(dated_changes)
	n > 0
	basis := lib.plural(n, "dated rule-change notice read", "dated rule-change notices read")
	some rule in ["CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"]
}

checked contains {"rule": rule, "basis": basis} if {
	n := count(doc_changes)
	n > 0
	basis := sprintf("%s compared with the earlier run", [lib.plural(n, "changed document", "changed documents")])
	some rule in ["CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"]
}

doc_changes := [c |
	some c in input.measurements.terms
	c.type == "document_change"
]

# The longest notice any announcement since the earlier run gave (-1 when
# none was published).
best_notice(c) := max([n | some a in c.announcements; n := a.notice_days; n != null]) if {
	count([a | some a in c.announcements; a.notice_days != null]) > 0
} else := -1

change_finding(rule, c, min) := {
	"rule": rule,
	"key": concat(":", ["changed", c.url, c.text_sha256]),
	"summary": sprintf("%s changed between the scans of %s and %s (%d lines added, %d removed) %s", [c.url, c.previous_seen, c.seen, count(c.added), count(c.removed), notice_text(c, min)]),
	"summary_zh": sprintf("%s在%s与%s两次检测之间发生变更（新增%d行，删除%d行），%s", [c.url, c.previous_seen, c.seen, count(c.added), count(c.removed), notice_text_zh(c, min)]),
	"quote": concat(" / ", array.slice(c.added, 0, 3)),
	"metrics": {"url": c.url, "added": c.added, "removed": c.removed, "announcements": c.announcements, "required_days": min},
	"evidence": array.concat([c.record], c.evidence),
}

notice_text(c, min) := "with no rule-change announcement published in between" if {
	best_notice(c) < 0
} else := sprintf("and the announcements published in between gave at most %d days' notice, %d required", [best_notice(c), min])

notice_text_zh(c, min) := "期间未发布任何规则变更公告" if {
	best_notice(c) < 0
} else := sprintf("期间发布的变更公告公示期最长仅%d日，少于规定的%d日", [best_notice(c), min])

# METADATA
# title: Rule changes must be published at least 7 days before they apply
# custom:
#   rule: CN-ECL-ART34-NOTICE7
#   severity: high
findings contains f if {
	some c in doc_changes
	best_notice(c) < data.platscan.thresholds.rules.notice_days_cn
	f := change_finding("CN-ECL-ART34-NOTICE7", c, data.platscan.thresholds.rules.notice_days_cn)
}

# METADATA
# title: Changes to terms must be notified at least 15 days ahead (P2B)
# custom:
#   rule: EU-P2B-ART3-TC
#   severity: high
findings contains f if {
	some c in doc_changes
	best_notice(c) < data.platscan.thresholds.rules.notice_days_eu
	f := change_finding("EU-P2B-ART3-TC", c, data.platscan.thresholds.rules.notice_days_eu)
}
