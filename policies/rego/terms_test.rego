package platscan.terms_test

import data.platscan.terms

doc := {"type": "document", "role": "terms", "url": "http://p.test/merchant", "reachable": true, "chars": 500, "persona": "new_user", "record": "m0", "evidence": ["x0"]}

clause(negated) := {
	"type": "clause", "category": "exclusivity", "side": "merchant", "level": 2, "url": "http://p.test/merchant", "lang": "zh",
	"text": "商家不得在其他电子商务平台开设店铺。", "start": 10, "end": 27, "cue": "不得在其他电子商务平台",
	"score": 0.97, "threshold": 0.8, "source": "both", "classifier_sha256": "f00",
	"explanation": [{"gram": "其他电", "weight": 1.25}, {"gram": "不得在", "weight": 0.5}],
	"negated": negated, "negation": "", "text_sha256": "abc", "persona": "new_user", "record": "m1", "evidence": ["d1", "x1"],
}

test_exclusivity_clause_fires_with_quote if {
	fs := terms.findings with input.measurements.terms as array.concat([doc, clause(false)], disclosures)
	rules_of(fs) == {"CN-ECL-ART35-NOUNREASON", "CN-AML-ART22-1-4-EXCL"}
	some f in fs
	f.rule == "CN-ECL-ART35-NOUNREASON"
	f.quote == "商家不得在其他电子商务平台开设店铺。"
	f.evidence == ["m1", "d1", "x1"]
	f.metrics.level == 2
	f.metrics.explanation[0].gram == "其他电"
	contains(f.summary, "model score 0.97, threshold 0.80; n-grams «其他电» +1.25, «不得在» +0.50; cue «不得在其他电子商务平台»")
	not contains(f.summary, "unfair") # merchant categories have one level
}

test_whole_numbers_format if {
	fs := terms.findings with input.measurements.terms as array.concat([doc, object.union(clause(false), {"score": 1, "explanation": [{"gram": "x", "weight": -1}]})], disclosures)
	some f in fs
	contains(f.summary, "model score 1.00, threshold 0.80; n-grams «x» -1.00")
}

test_negated_clause_is_silent if {
	count(terms.findings) == 0 with input.measurements.terms as array.concat([doc, clause(true)], disclosures)
}

test_other_categories_are_silent if {
	other := object.union(clause(false), {"category": "ranking_disclosure"})
	count(terms.findings) == 0 with input.measurements.terms as array.concat([doc, other], disclosures)
}

of(cat, text) := object.union(clause(false), {"category": cat, "text": text})

rules_of(fs) := {f.rule | some f in fs}

test_categories_map_to_their_rules if {
	rules_of(terms.findings) == {"CN-ECL-ART35-NOUNREASON", "EU-P2B-ART10-MFN"} with input.measurements.terms as array.concat([doc, of("price_parity", "售价不得高于其他平台")], disclosures)
	rules_of(terms.findings) == {"CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"} with input.measurements.terms as array.concat([doc, of("unilateral_change_m", "平台有权随时修改本规则")], disclosures)
	rules_of(terms.findings) == {"EU-P2B-ART4-SUSPEND"} with input.measurements.terms as array.concat([doc, of("suspension", "无需说明理由")], disclosures)
	rules_of(terms.findings) == {"CN-CPL-ART26-STDTERMS", "EU-UCTD-ART3-UNFAIR"} with input.measurements.terms as array.concat([doc, consumer("limitation_of_liability", "概不负责", 3)], disclosures)
}

consumer(cat, text, level) := object.union(of(cat, text), {"side": "consumer", "level": level})

# A consumer clause may change the terms with notice (potentially unfair):
# that is a consumer-law question, never the merchant notice duties.
test_consumer_change_is_not_a_merchant_notice_breach if {
	rules_of(terms.findings) == {"CN-CPL-ART26-STDTERMS", "EU-UCTD-ART3-UNFAIR"} with input.measurements.terms as array.concat([doc, consumer("unilateral_change", "We may revise these terms; we will email you 30 days before.", 2)], disclosures)
}

# Consent to the privacy policy folded into the terms is an unfair term,
# not an exclusion of rights under the Chinese consumer law.
test_privacy_included_is_eu_only if {
	rules_of(terms.findings) == {"EU-UCTD-ART3-UNFAIR"} with input.measurements.terms as array.concat([doc, consumer("privacy_included", "By accepting these terms you consent to our privacy policy.", 2)], disclosures)
}

# The level is in the summary and the metrics, and the severity is the
# obligation's whatever the level (docs/method-terms.md).
test_level_is_stated if {
	fs := terms.findings with input.measurements.terms as array.concat([doc, consumer("unilateral_termination", "We may terminate your account at any time.", 3)], disclosures)
	some f in fs
	f.rule == "EU-UCTD-ART3-UNFAIR"
	f.metrics.level == 3
	contains(f.summary, "clearly unfair")
	fs2 := terms.findings with input.measurements.terms as array.concat([doc, consumer("unilateral_termination", "We may terminate your account if you break these terms.", 2)], disclosures)
	some f2 in fs2
	contains(f2.summary, "potentially unfair")
	contains(f2.summary_zh, "可能不公平")
}

test_suspension_fires_only_p2b_art4 if {
	rules_of(terms.findings) == {"EU-P2B-ART4-SUSPEND"} with input.measurements.terms as array.concat([doc, of("suspension", "平台可随时关闭店铺，无需说明理由。")], disclosures)
	count(terms.findings) == 0 with input.measurements.terms as array.concat([doc, object.union(of("suspension", "平台可随时关闭店铺，无需说明理由。"), {"negated": true})], disclosures)
}

test_parity_with_grounds_is_not_a_p2b_finding if {
	rules_of(terms.findings) == {"CN-ECL-ART35-NOUNREASON"} with input.measurements.terms as array.concat([doc, of("price_parity", "Prices shall be no higher than elsewhere, in order to protect consumers from bait pricing.")], disclosures)
}

test_nothing_read_is_unknown if {
	us := terms.unknown with input.measurements.terms as [object.union(doc, {"reachable": false})]
	{u.rule | some u in us} == {"CN-ECL-ART35-NOUNREASON", "EU-P2B-ART10-MFN", "EU-P2B-ART4-SUSPEND", "CN-CPL-ART26-STDTERMS", "EU-UCTD-ART3-UNFAIR", "CN-ECL-ART19-TYING", "EU-P2B-ART5-RANKING", "EU-P2B-ART7-DIFFTREAT"}
}

disclosures := [of("ranking_disclosure", "按相关性排序"), of("own_treatment", "自营商品同一标准排序")]

test_missing_disclosures_fire if {
	fs := terms.findings with input.measurements.terms as [doc] with input.first_party as {"brands": ["X"], "sellers": []}
	rules_of(fs) == {"EU-P2B-ART5-RANKING", "EU-P2B-ART7-DIFFTREAT"}
	fs2 := terms.findings with input.measurements.terms as array.concat([doc], disclosures) with input.first_party as {"brands": ["X"], "sellers": []}
	count(fs2) == 0
	fs3 := terms.findings with input.measurements.terms as [doc, disclosures[0]] with input.first_party as {"brands": [], "sellers": []}
	count(fs3) == 0
}

test_consumer_clauses_and_tying if {
	rules_of(terms.findings) == {"CN-CPL-ART26-STDTERMS", "EU-UCTD-ART3-UNFAIR"} with input.measurements.terms as array.concat([doc, consumer("arbitration", "仲裁", 2)], disclosures)
	rules_of(terms.findings) == {"CN-ECL-ART19-TYING", "CN-AML-ART22-1-5-TYING"} with input.measurements.terms as array.concat([doc, consumer("tying", "默认勾选运费险", 2)], disclosures)
}

test_rules_page_alone_cannot_show_a_missing_disclosure if {
	rules_page := object.union(doc, {"role": "rules"})
	count(terms.findings) == 0 with input.measurements.terms as [rules_page] with input.first_party as {"brands": ["X"], "sellers": []}
	us := terms.unknown with input.measurements.terms as [rules_page] with input.first_party as {"brands": ["X"], "sellers": []}
	{u.rule | some u in us} == {"EU-P2B-ART5-RANKING", "EU-P2B-ART7-DIFFTREAT"}
}

# A potentially unfair consumer clause the model found without a cue for
# the unfair element is for review; a clearly unfair one, or one a cue
# names the unfair element of, is a finding to act on.
test_potentially_unfair_is_for_review if {
	fs := terms.findings with input.measurements.terms as array.concat([doc, object.union(consumer("unilateral_change", "We may revise these terms; we will email you 30 days before.", 2), {"cue": ""})], disclosures)
	count(fs) > 0
	every f in fs {
		contains(f.review, "person's judgement")
	}
	clear := terms.findings with input.measurements.terms as array.concat([doc, object.union(consumer("limitation_of_liability", "We are not liable for any loss whatsoever.", 3), {"cue": ""})], disclosures)
	count(clear) > 0
	every f in clear {
		f.review == ""
	}
	cued := terms.findings with input.measurements.terms as array.concat([doc, object.union(consumer("unilateral_change", "We may change these terms at any time without notice.", 2), {"cue": "at any time without notice"})], disclosures)
	every f in cued {
		f.review == ""
	}
}
