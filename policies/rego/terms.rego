# METADATA
# title: Merchant terms impose no unreasonable restrictions
# description: >-
#   Judges the terms probe's clause measurements: clauses that tie merchants
#   to the platform ("choose one of two").
package platscan.terms

read_docs := [d |
	some d in input.measurements.terms
	d.type == "document"
	d.reachable
]

# METADATA
# title: Merchant terms must not demand exclusivity or punish selling elsewhere
# custom:
#   rule: CN-ECL-ART35-NOUNREASON
#   severity: high
findings contains f if {
	some c in input.measurements.terms
	c.type == "clause"
	c.category == "exclusivity"
	not c.negated
	f := {
		"rule": "CN-ECL-ART35-NOUNREASON",
		"key": concat(":", [c.url, format_int(c.start, 10)]),
		"persona": c.persona,
		"summary": sprintf("%s restricts merchants from selling on other platforms (characters %d-%d)", [c.url, c.start, c.end]),
		"summary_zh": sprintf("%s中的条款限制平台内经营者在其他平台经营（第%d至%d字符）", [c.url, c.start, c.end]),
		"quote": c.text,
		"metrics": {"url": c.url, "lang": c.lang, "start": c.start, "end": c.end, "cue": c.cue, "text_sha256": c.text_sha256},
		"evidence": array.concat([c.record], c.evidence),
	}
}

unknown contains {"rule": "CN-ECL-ART35-NOUNREASON", "reason": "no terms or rules document could be read"} if {
	count(read_docs) == 0
}
