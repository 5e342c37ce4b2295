# METADATA
# title: Merchant and consumer terms impose no unreasonable or unfair conditions
# description: >-
#   Judges the terms probe's clause measurements: clauses that tie merchants
#   to the platform or punish them, change the rules at will, suspend
#   without reasons, or take rights away from consumers. Every finding
#   quotes the clause with its offsets and the hash of the text it is in.
package platscan.terms

import data.platscan.lib

read_docs := [d |
	some d in input.measurements.terms
	d.type == "document"
	d.reachable
]

active(cats) := [c |
	some c in input.measurements.terms
	c.type == "clause"
	c.category in cats
	not c.negated
]

# What each clause category says, for summaries.
says := {
	"exclusivity": {"en": "restricts merchants from selling through other platforms or channels", "zh": "限制平台内经营者通过其他平台或渠道经营"},
	"price_parity": {"en": "forbids merchants to offer better prices or terms elsewhere (price parity)", "zh": "要求商家在本平台的价格或条件不劣于其他渠道（价格平价条款）"},
	"penalty_promotion": {"en": "punishes merchants who stay out of promotions or sell elsewhere", "zh": "对不参加促销活动或在其他平台经营的商家予以处罚"},
	"unilateral_change_m": {"en": "lets the platform change the merchant terms at will, without notice or with immediate effect", "zh": "允许平台随时单方变更商家协议或规则、不经通知或即时生效"},
	"suspension": {"en": "lets the platform suspend, restrict or terminate merchants without stating reasons", "zh": "允许平台不说明理由暂停、限制或终止对商家的服务"},
	"arbitration": {"en": "sends consumers' disputes to arbitration", "zh": "约定以仲裁方式解决与消费者的争议"},
	"unilateral_change": {"en": "lets the provider change the consumer terms unilaterally", "zh": "允许经营者单方变更消费者协议"},
	"content_removal": {"en": "lets the provider remove users' content", "zh": "允许经营者删除用户内容"},
	"jurisdiction": {"en": "sends consumers' lawsuits to a court away from their residence", "zh": "约定由消费者住所地以外的法院管辖"},
	"choice_of_law": {"en": "chooses a law other than that of the consumer's residence", "zh": "约定适用消费者住所地以外的法律"},
	"limitation_of_liability": {"en": "excludes or limits the provider's liability", "zh": "排除或限制经营者的责任"},
	"unilateral_termination": {"en": "lets the provider suspend or terminate the service or contract unilaterally", "zh": "允许经营者单方暂停或终止服务或合同"},
	"contract_by_using": {"en": "binds users by mere use of the service", "zh": "规定用户仅因使用服务即受条款约束"},
	"privacy_included": {"en": "makes accepting the terms consent to the privacy policy", "zh": "将接受条款视为同意隐私政策"},
	"tying": {"en": "pre-selects an add-on for the consumer", "zh": "默认勾选搭售的商品或服务"},
}

# CLAUDETTE's two levels of unfairness, stated for consumer clauses
# (merchant categories have one level).
level_name := {2: {"en": "potentially unfair", "zh": "可能不公平"}, 3: {"en": "clearly unfair", "zh": "明显不公平"}}

level_en(c) := sprintf(": %s", [level_name[c.level].en]) if c.side == "consumer"

level_en(c) := "" if c.side != "consumer"

level_zh(c) := sprintf("，属%s条款", [level_name[c.level].zh]) if c.side == "consumer"

level_zh(c) := "" if c.side != "consumer"

# why says what found the clause: the model's score against its
# threshold, the n-grams that weighed most, and the cue if one matched.
why(c) := sprintf("model score %s, threshold %s; n-grams %s%s", [num(c.score), num(c.threshold), grams(c), cue_part(c)])

grams(c) := concat(", ", [sprintf("«%s» %s", [g.gram, signed(g.weight)]) | some i, g in c.explanation; i < 5])

# Numbers with two decimals; a whole number arrives as an integer, which
# sprintf's %f does not take.
num(x) := sprintf("%d.00", [x]) if x == round(x)

num(x) := sprintf("%.2f", [x]) if x != round(x)

signed(x) := sprintf("%+d.00", [x]) if x == round(x)

signed(x) := sprintf("%+.2f", [x]) if x != round(x)

cue_part(c) := sprintf("; cue «%s»", [c.cue]) if c.cue != ""

cue_part(c) := "" if c.cue == ""

# A consumer clause the model finds only potentially unfair, with no cue
# for the element that makes such a clause unfair (at any time, without
# notice, any loss, sole discretion), is for a person to judge: it is
# reported for review (an info finding), never as a breach.
review_of(c) := "" if {
	c.side != "consumer"
} else := "" if {
	c.level == 3
} else := "" if {
	c.cue != ""
} else := "potentially unfair (CLAUDETTE level 2) with no cue for what would make it unfair: whether it causes a significant imbalance to the consumer's detriment needs a person's judgement"

clause_finding(rule, c) := {
	"rule": rule,
	"review": review_of(c),
	"key": concat(":", [c.category, c.url, format_int(c.start, 10)]),
	"persona": c.persona,
	"summary": sprintf("%s %s%s (characters %d-%d; %s)", [c.url, says[c.category].en, level_en(c), c.start, c.end, why(c)]),
	"summary_zh": sprintf("%s中的条款%s%s（第%d至%d字符；%s）", [c.url, says[c.category].zh, level_zh(c), c.start, c.end, why(c)]),
	"quote": c.text,
	"metrics": {
		"url": c.url, "category": c.category, "side": c.side, "level": c.level, "lang": c.lang, "start": c.start, "end": c.end,
		"score": c.score, "threshold": c.threshold, "source": c.source, "cue": c.cue, "explanation": c.explanation,
		"classifier_sha256": c.classifier_sha256, "text_sha256": c.text_sha256,
	},
	"evidence": lib.evidence_of(c),
}

# The consumer categories each consumer-law obligation rests on. A
# category fires only the obligations its definition meets: consent to a
# privacy policy folded into the terms is an unfair-terms question, not an
# exclusion of the consumer's rights or the trader's liability.
consumer_eu := {"arbitration", "unilateral_change", "content_removal", "jurisdiction", "choice_of_law", "limitation_of_liability", "unilateral_termination", "contract_by_using", "privacy_included"}

consumer_cn := consumer_eu - {"privacy_included"}

# The categories of clause each obligation rests on.
grounds_of := {
	"CN-ECL-ART35-NOUNREASON": {"exclusivity", "price_parity", "penalty_promotion"},
	"EU-P2B-ART10-MFN": {"price_parity"},
	"CN-ECL-ART34-NOTICE7": {"unilateral_change_m"},
	"EU-P2B-ART3-TC": {"unilateral_change_m"},
	"EU-P2B-ART4-SUSPEND": {"suspension"},
	"CN-CPL-ART26-STDTERMS": consumer_cn,
	"EU-UCTD-ART3-UNFAIR": consumer_eu,
	"CN-ECL-ART19-TYING": {"tying"},
}

# An obligation resting on clauses was checked when documents were read
# with every one of its categories among those checked.
checked contains {"rule": rule, "basis": lib.plural(n, "document read for these clauses", "documents read for these clauses")} if {
	some rule, cats in grounds_of
	n := count([d | some d in read_docs; every c in cats { c in d.categories_checked }])
	n > 0
}

# METADATA
# title: Merchant terms must not demand exclusivity, price parity or punish selling elsewhere
# custom:
#   rule: CN-ECL-ART35-NOUNREASON
#   severity: high
findings contains f if {
	some c in active({"exclusivity", "price_parity", "penalty_promotion"})
	f := clause_finding("CN-ECL-ART35-NOUNREASON", c)
}

# Grounds for a parity clause (P2B Art. 10 asks for them in the terms).
grounds(c) if regex.match(`(?i)\b(because|in order to|so that|to ensure|to protect)\b|为了|由于|以便|旨在`, c.text)

# METADATA
# title: Parity clauses must state their grounds
# custom:
#   rule: EU-P2B-ART10-MFN
#   severity: medium
findings contains f if {
	some c in active({"price_parity"})
	not grounds(c)
	f := clause_finding("EU-P2B-ART10-MFN", c)
}

# METADATA
# title: Rules may not be changed at will or with immediate effect
# custom:
#   rule: CN-ECL-ART34-NOTICE7
#   severity: high
findings contains f if {
	some c in active({"unilateral_change_m"})
	f := clause_finding("CN-ECL-ART34-NOTICE7", c)
}

# METADATA
# title: Terms may not be changed without notice (P2B)
# custom:
#   rule: EU-P2B-ART3-TC
#   severity: high
findings contains f if {
	some c in active({"unilateral_change_m"})
	f := clause_finding("EU-P2B-ART3-TC", c)
}

# The suspension category is defined by the missing statement of reasons
# (P2B Art. 4), so a termination clause that gives its grounds is not one.
# METADATA
# title: Suspension and termination need reasons
# custom:
#   rule: EU-P2B-ART4-SUSPEND
#   severity: medium
findings contains f if {
	some c in active({"suspension"})
	f := clause_finding("EU-P2B-ART4-SUSPEND", c)
}

# METADATA
# title: Standard terms may not take consumers' rights away
# custom:
#   rule: CN-CPL-ART26-STDTERMS
#   severity: medium
findings contains f if {
	some c in active(consumer_cn)
	f := clause_finding("CN-CPL-ART26-STDTERMS", c)
}

# METADATA
# title: No unfair standard terms in consumer contracts
# custom:
#   rule: EU-UCTD-ART3-UNFAIR
#   severity: medium
findings contains f if {
	some c in active(consumer_eu)
	f := clause_finding("EU-UCTD-ART3-UNFAIR", c)
}

# METADATA
# title: Bundled items may not be pre-selected
# custom:
#   rule: CN-ECL-ART19-TYING
#   severity: medium
findings contains f if {
	some c in active({"tying"})
	f := clause_finding("CN-ECL-ART19-TYING", c)
}

# Disclosures the terms must contain somewhere: a clause of the category
# in any document read. Absence is only claimed once the agreement itself
# (a "terms" document) was read; a rules centre page alone is too little to
# say a disclosure is missing, so that case is reported unknown instead.
disclosed(cat) if count(active({cat})) > 0

agreement_read if {
	some d in read_docs
	d.role == "terms"
}

absent_finding(rule, what, what_zh) := {
	"rule": rule,
	"key": concat(":", ["missing", rule]),
	"summary": sprintf("none of the %d rules and terms documents read describes %s", [count(read_docs), what]),
	"summary_zh": sprintf("所读取的%d份规则和协议文件均未说明%s", [count(read_docs), what_zh]),
	"metrics": {"documents": [d.url | some d in read_docs]},
	"evidence": [e | some d in read_docs; some e in lib.evidence_of(d)],
}

# METADATA
# title: The main ranking parameters must be described
# custom:
#   rule: EU-P2B-ART5-RANKING
#   severity: medium
findings contains f if {
	agreement_read
	not disclosed("ranking_disclosure")
	f := absent_finding("EU-P2B-ART5-RANKING", "the main parameters that decide ranking", "决定排名的主要参数")
}

sells_itself if count(input.first_party.brands) + count(input.first_party.sellers) > 0

# METADATA
# title: Differentiated treatment of the platform's own offers must be described
# custom:
#   rule: EU-P2B-ART7-DIFFTREAT
#   severity: medium
findings contains f if {
	agreement_read
	sells_itself
	not disclosed("own_treatment")
	f := absent_finding("EU-P2B-ART7-DIFFTREAT", "how the platform's own products are treated compared with other merchants'", "平台自营商品与其他商家商品在排序、数据和收费等方面的待遇差异")
}

checked contains {"rule": "EU-P2B-ART5-RANKING", "basis": "the agreement was read for a description of ranking parameters"} if {
	agreement_read
}

checked contains {"rule": "EU-P2B-ART7-DIFFTREAT", "basis": "the agreement was read for a description of own-product treatment"} if {
	agreement_read
	sells_itself
}

unknown contains {"rule": "EU-P2B-ART7-DIFFTREAT", "reason": "the profile names no first-party brands or sellers, so the duty to describe their treatment cannot be tied to this platform"} if {
	agreement_read
	not sells_itself
}

unknown contains {"rule": r, "reason": "no terms or rules document could be read"} if {
	count(read_docs) == 0
	some r in ["CN-ECL-ART35-NOUNREASON", "EU-P2B-ART10-MFN", "EU-P2B-ART4-SUSPEND", "CN-CPL-ART26-STDTERMS", "EU-UCTD-ART3-UNFAIR",
		"CN-ECL-ART19-TYING", "EU-P2B-ART5-RANKING", "EU-P2B-ART7-DIFFTREAT"]
}

unknown contains {"rule": r, "reason": "only rules pages were read, not the user or merchant agreement"} if {
	count(read_docs) > 0
	not agreement_read
	some r in ["EU-P2B-ART5-RANKING", "EU-P2B-ART7-DIFFTREAT"]
}

# The Anti-Monopoly Law forbids the same conduct only to a dominant
# undertaking, which a scan cannot establish: these findings carry no
# conditions, so the engine reports them as info findings that name the
# missing condition (docs/policies.md).

# METADATA
# title: A dominant undertaking may not restrict its counterparties to dealing with it alone
# custom:
#   rule: CN-AML-ART22-1-4-EXCL
#   severity: high
findings contains f if {
	some c in active({"exclusivity"})
	f := clause_finding("CN-AML-ART22-1-4-EXCL", c)
}

# METADATA
# title: A dominant undertaking may not tie or impose unreasonable conditions
# custom:
#   rule: CN-AML-ART22-1-5-TYING
#   severity: high
findings contains f if {
	some c in active({"tying"})
	f := clause_finding("CN-AML-ART22-1-5-TYING", c)
}
