# METADATA
# title: Other platforms and apps are not hindered
# description: >-
#   Judges the interop probe: each competitor target is compared with the
#   neutral controls of the same mechanism, so a blanket policy (the same
#   warning on every external link) is not reported, while treatment worse
#   than every control is.
package platscan.interop

import data.platscan.lib

ms := [m | some m in input.measurements.interop]

setup_done if {
	some m in ms
	m.type == "setup"
}

treatments(mech) := [m |
	some m in ms
	m.type == "treatment"
	m.mechanism == mech
	m.outcome != "error"
]

controls(mech) := [c |
	some c in treatments(mech)
	c.target_kind == "control"
]

# A competitor is treated worse than every control of its mechanism.
targeted(m) if {
	m.target_kind == "competitor"
	cs := controls(m.mechanism)
	count(cs) > 0
	every c in cs {
		m.rank > c.rank
	}
}

what := {
	"link_check": "link checker",
	"ugc": "review renderer",
	"crawler": "web server (robots.txt and responses)",
	"oauth": "OAuth authorisation endpoint",
}

what_zh := {
	"link_check": "外链检查页面",
	"ugc": "用户评价展示",
	"crawler": "网站服务器（robots.txt及响应）",
	"oauth": "开放平台授权接口",
}

outcome_zh := {
	"blocked": "屏蔽", "stripped": "删除链接", "plain": "转为不可点击的文本", "interstitial": "插入警示页",
	"forbidden": "拒绝访问", "captcha": "要求验证码", "disallowed": "禁止抓取", "refused": "拒绝授权",
	"direct": "直接跳转", "link": "正常显示链接", "allowed": "允许访问", "ok": "正常授权", "degraded": "降级",
}

control_list_zh(mech) := concat("；", [sprintf("%s：%s", [c.target, outcome_zh[c.outcome]]) | some c in controls(mech)])

control_list(mech) := concat("; ", [sprintf("%s: %s", [c.target, c.outcome]) | some c in controls(mech)])

treatment_finding(rule, m) := {
	"rule": rule,
	"key": concat(":", [m.mechanism, m.target]),
	"summary": sprintf(
		"competitor %s was %s by the platform's %s (%s) while the neutral controls were not (%s)",
		[m.target, m.outcome, what[m.mechanism], m.detail, control_list(m.mechanism)],
	),
	"summary_zh": sprintf(
		"平台的%s对竞争对手%s作“%s”处理，而对中立对照目标未作此处理（%s）",
		[what_zh[m.mechanism], m.target, outcome_zh[m.outcome], control_list_zh(m.mechanism)],
	),
	"metrics": {
		"mechanism": m.mechanism, "competitor": m.target, "outcome": m.outcome, "status": m.status,
		"controls": [{"target": c.target, "outcome": c.outcome, "status": c.status} | some c in controls(m.mechanism)],
	},
	"evidence": array.flatten([[m.record], m.evidence, [c.record | some c in controls(m.mechanism)]]),
}

# METADATA
# title: No technical means that hinder competitors' links, content or crawlers
# custom:
#   rule: CN-AUCL25-ART13
#   severity: high
findings contains f if {
	some mech in ["link_check", "ugc", "crawler"]
	some m in treatments(mech)
	targeted(m)
	f := treatment_finding("CN-AUCL25-ART13", m)
}

# METADATA
# title: No refusal of competitors' apps that others are granted
# custom:
#   rule: BJ-DEPR-ART49-NOHINDER
#   severity: high
findings contains f if {
	some m in treatments("oauth")
	targeted(m)
	f := treatment_finding("BJ-DEPR-ART49-NOHINDER", m)
}

# METADATA
# title: Gatekeepers give third parties the interoperability their own services get
# custom:
#   rule: EU-DMA-ART6-7-INTEROP
#   severity: high
findings contains f if {
	some m in treatments("oauth")
	targeted(m)
	f := treatment_finding("EU-DMA-ART6-7-INTEROP", m)
}

all_checkouts := [m | some m in ms; m.type == "checkout"]

# Checkouts whose options were read.
# METADATA
# title: A dominant undertaking may not refuse to deal without good reason
# custom:
#   rule: CN-AML-ART22-1-3-REFUSAL
#   severity: high
findings contains f if {
	some m in treatments("oauth")
	targeted(m)
	f := treatment_finding("CN-AML-ART22-1-3-REFUSAL", m)
}

checkouts := [m | some m in all_checkouts; m.status >= 200; m.status < 300]

own_only(m, kind) if {
	opts := m[kind]
	count(opts) > 0
	count(opts) == own_count(m, kind)
}

own_count(m, "payments") := m.own_payments

own_count(m, "deliveries") := m.own_deliveries

label := {"payments": "payment", "deliveries": "delivery"}

label_zh := {"payments": "支付", "deliveries": "配送"}

checkout_finding(rule, m, kind) := {
	"rule": rule,
	"key": concat(":", ["checkout", kind]),
	"summary": sprintf("checkout at %s offers only the platform's own %s service (%s); consumers and merchants cannot choose another", [m.url, label[kind], concat(", ", m[kind])]),
	"summary_zh": sprintf("%s的结算页面仅提供平台自有的%s服务（%s），消费者和商家无法选择其他服务", [m.url, label_zh[kind], concat("、", m[kind])]),
	"metrics": {"url": m.url, "options": m[kind], "first_party": m.first_party},
	"evidence": lib.evidence_of(m),
}

# METADATA
# title: Consumers are not restricted to the platform's own payment or delivery
# custom:
#   rule: BJ-DEPR-ART49-CONSUMER
#   severity: high
findings contains f if {
	some m in checkouts
	some kind in ["payments", "deliveries"]
	own_only(m, kind)
	f := checkout_finding("BJ-DEPR-ART49-CONSUMER", m, kind)
}

# METADATA
# title: Gatekeepers do not require use of their own payment service
# custom:
#   rule: EU-DMA-ART5-7-NOFORCEDID-PAY
#   severity: high
findings contains f if {
	some m in checkouts
	own_only(m, "payments")
	f := checkout_finding("EU-DMA-ART5-7-NOFORCEDID-PAY", m, "payments")
}

# Extras the checkout serves already chosen and that cost money: the
# consumer pays for them unless they notice and untick them.
preselected_paid(m) := [a | some a in m.add_ons; a.selected; a.paid]

price_text(a) := sprintf("%v %s", [a.price, a.currency]) if a.currency != ""

else := sprintf("%v", [a.price])

# METADATA
# title: Tied goods or services may not be pre-selected
# custom:
#   rule: CN-ECL-ART19-TYING
#   severity: medium
findings contains f if {
	some m in checkouts
	some a in preselected_paid(m)
	f := {
		"rule": "CN-ECL-ART19-TYING",
		"key": concat(":", ["checkout-addon", m.url, a.name, a.value]),
		"persona": m.persona,
		"summary": sprintf("checkout at %s serves the paid extra \"%s\" (%s) already selected: the buyer pays for it unless they notice and deselect it", [m.url, a.label, price_text(a)]),
		"summary_zh": sprintf("%s的结算页面默认勾选了收费的搭售项目“%s”（%s），消费者若未注意取消即需付费", [m.url, a.label, price_text(a)]),
		"quote": a.markup,
		"metrics": {"url": m.url, "name": a.name, "value": a.value, "label": a.label, "price": a.price, "currency": a.currency, "selected": a.selected},
		"evidence": lib.evidence_of(m),
	}
}

checked contains {"rule": "CN-ECL-ART19-TYING", "basis": sprintf("the checkout at %s was read for pre-selected extras (%s offered)", [m.url, lib.plural(count(m.add_ons), "extra", "extras")])} if {
	some m in checkouts
}

unknown contains {"rule": "CN-ECL-ART19-TYING", "reason": sprintf("the checkout page %s could not be read (%s), so its pre-selected extras are not known", [m.url, why])} if {
	some m in all_checkouts
	not m in checkouts
	why := object.get({"answered": sprintf("HTTP %d", [m.status])}, m.fetch, m.error)
}

all_exports := [m | some m in ms; m.type == "export"]

# Exports whose answer can be judged.
exports := [m | some m in all_exports; lib.answered(m)]

export_problem(m) := sprintf("no export at %s (HTTP %d)", [m.url, m.status]) if {
	not m.found
} else := sprintf("the export at %s is not machine-readable (%s)", [m.url, m.format]) if {
	not m.machine_readable
} else := sprintf("the export at %s lacks %s", [m.url, concat(", ", m.missing)]) if {
	count(m.missing) > 0
}

export_problem_zh(m) := sprintf("%s未提供数据导出（状态码%d）", [m.url, m.status]) if {
	not m.found
} else := sprintf("%s提供的导出文件不是机器可读格式（%s）", [m.url, m.format]) if {
	not m.machine_readable
} else := sprintf("%s提供的导出文件缺少%s", [m.url, concat("、", m.missing)]) if {
	count(m.missing) > 0
}

export_finding(rule, m) := {
	"rule": rule,
	"key": "export",
	"summary": sprintf("a user cannot take their data with them: %s", [export_problem(m)]),
	"summary_zh": sprintf("用户无法完整导出并转移其个人数据：%s", [export_problem_zh(m)]),
	"metrics": {"url": m.url, "status": m.status, "found": m.found, "machine_readable": m.machine_readable, "sections": m.sections, "missing": m.missing},
	"evidence": lib.evidence_of(m),
}

# METADATA
# title: Users can copy and transfer their personal information
# custom:
#   rule: CN-PIPL-ART45-PORTABILITY
#   severity: medium
findings contains f if {
	some m in exports
	export_problem(m)
	f := export_finding("CN-PIPL-ART45-PORTABILITY", m)
}

# METADATA
# title: Gatekeepers provide effective, continuous data portability
# custom:
#   rule: EU-DMA-ART6-9-PORTABILITY
#   severity: medium
findings contains f if {
	some m in exports
	export_problem(m)
	f := export_finding("EU-DMA-ART6-9-PORTABILITY", m)
}

interop_rules := ["CN-AUCL25-ART13", "BJ-DEPR-ART49-NOHINDER", "EU-DMA-ART6-7-INTEROP", "BJ-DEPR-ART49-CONSUMER",
	"EU-DMA-ART5-7-NOFORCEDID-PAY", "CN-PIPL-ART45-PORTABILITY", "EU-DMA-ART6-9-PORTABILITY"]

unknown contains {"rule": r, "reason": "the profile configures no interoperability checks (interop)"} if {
	not setup_done
	some r in interop_rules
}

rule_of := {"link_check": "CN-AUCL25-ART13", "ugc": "CN-AUCL25-ART13", "crawler": "CN-AUCL25-ART13", "oauth": "BJ-DEPR-ART49-NOHINDER"}

unknown contains {"rule": rule_of[mech], "reason": sprintf("%s: competitors were checked but no neutral control answered, so targeting cannot be told from a blanket policy", [mech])} if {
	some mech in ["link_check", "ugc", "crawler", "oauth"]
	count(treatments(mech)) > 0
	count(controls(mech)) == 0
}

unknown contains {"rule": "CN-PIPL-ART45-PORTABILITY", "reason": "the profile names no data export (interop.export)"} if {
	setup_done
	count(all_exports) == 0
}

unknown contains {"rule": r, "reason": lib.unanswered_why(m)} if {
	some m in all_exports
	not lib.answered(m)
	some r in ["CN-PIPL-ART45-PORTABILITY", "EU-DMA-ART6-9-PORTABILITY"]
}

checked contains {"rule": r, "basis": sprintf("the export at %s was requested as a signed-in user", [m.url])} if {
	some m in exports
	some r in ["CN-PIPL-ART45-PORTABILITY", "EU-DMA-ART6-9-PORTABILITY"]
}

unknown contains {"rule": "BJ-DEPR-ART49-CONSUMER", "reason": "the profile names no checkout page (interop.checkout)"} if {
	setup_done
	count(all_checkouts) == 0
}

unknown contains {"rule": r, "reason": sprintf("the checkout page %s could not be read (%s)", [m.url, why])} if {
	some m in all_checkouts
	not m in checkouts
	why := object.get({"answered": sprintf("HTTP %d", [m.status])}, m.fetch, m.error)
	some r in ["BJ-DEPR-ART49-CONSUMER", "EU-DMA-ART5-7-NOFORCEDID-PAY"]
}

checked contains {"rule": r, "basis": sprintf("the checkout at %s offered %s", [m.url, lib.plural(count(m.payments), "payment option", "payment options")])} if {
	some m in checkouts
	count(m.payments) > 0
	some r in ["BJ-DEPR-ART49-CONSUMER", "EU-DMA-ART5-7-NOFORCEDID-PAY"]
}

unknown contains {"rule": r, "reason": sprintf("no payment option was recognised on the checkout page %s", [m.url])} if {
	some m in checkouts
	count(m.payments) == 0
	some r in ["BJ-DEPR-ART49-CONSUMER", "EU-DMA-ART5-7-NOFORCEDID-PAY"]
}

# A mechanism was checked when at least one competitor and one control
# were tried through it.
checked contains {"rule": rule_of[mech], "basis": sprintf("%s: %s and %s tried", [what[mech], lib.plural(count(cs), "competitor", "competitors"), lib.plural(count(controls(mech)), "control", "controls")])} if {
	some mech in ["link_check", "ugc", "crawler", "oauth"]
	cs := [m | some m in treatments(mech); m.target_kind == "competitor"]
	count(cs) > 0
	count(controls(mech)) > 0
}

checked contains {"rule": "EU-DMA-ART6-7-INTEROP", "basis": sprintf("OAuth: %s and %s tried", [lib.plural(count(cs), "competitor", "competitors"), lib.plural(count(controls("oauth")), "control", "controls")])} if {
	cs := [m | some m in treatments("oauth"); m.target_kind == "competitor"]
	count(cs) > 0
	count(controls("oauth")) > 0
}

unknown contains {"rule": rule_of[m.mechanism], "reason": sprintf("%s: the check of %s could not be made (%s)", [m.mechanism, m.target, m.detail])} if {
	some m in ms
	m.type == "treatment"
	m.target_kind == "competitor"
	m.outcome == "error"
}
