package platscan.terms_test

import data.platscan.terms

doc := {"type": "document", "role": "terms", "url": "http://p.test/merchant", "reachable": true, "chars": 500, "persona": "new_user", "record": "m0", "evidence": ["x0"]}

clause(negated) := {
	"type": "clause", "category": "exclusivity", "url": "http://p.test/merchant", "lang": "zh",
	"text": "商家不得在其他电子商务平台开设店铺。", "start": 10, "end": 27, "cue": "不得在其他电子商务平台",
	"negated": negated, "text_sha256": "abc", "persona": "new_user", "record": "m1", "evidence": ["d1", "x1"],
}

test_exclusivity_clause_fires_with_quote if {
	fs := terms.findings with input.measurements.terms as array.concat([doc, clause(false)], disclosures)
	rules_of(fs) == {"CN-ECL-ART35-NOUNREASON", "CN-AML-ART22-1-4-EXCL"}
	some f in fs
	f.rule == "CN-ECL-ART35-NOUNREASON"
	f.quote == "商家不得在其他电子商务平台开设店铺。"
	f.evidence == ["m1", "d1", "x1"]
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
	rules_of(terms.findings) == {"CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"} with input.measurements.terms as array.concat([doc, of("unilateral_change", "平台有权随时修改本规则")], disclosures)
	rules_of(terms.findings) == {"EU-P2B-ART4-SUSPEND"} with input.measurements.terms as array.concat([doc, of("suspension", "无需说明理由")], disclosures)
	rules_of(terms.findings) == {"CN-CPL-ART26-STDTERMS", "EU-UCTD-ART3-UNFAIR"} with input.measurements.terms as array.concat([doc, of("liability", "概不负责")], disclosures)
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
	rules_of(terms.findings) == {"CN-CPL-ART26-STDTERMS", "EU-UCTD-ART3-UNFAIR"} with input.measurements.terms as array.concat([doc, of("arbitration", "仲裁")], disclosures)
	rules_of(terms.findings) == {"CN-ECL-ART19-TYING", "CN-AML-ART22-1-5-TYING"} with input.measurements.terms as array.concat([doc, of("tying", "默认勾选运费险")], disclosures)
}

test_rules_page_alone_cannot_show_a_missing_disclosure if {
	rules_page := object.union(doc, {"role": "rules"})
	count(terms.findings) == 0 with input.measurements.terms as [rules_page] with input.first_party as {"brands": ["X"], "sellers": []}
	us := terms.unknown with input.measurements.terms as [rules_page] with input.first_party as {"brands": ["X"], "sellers": []}
	{u.rule | some u in us} == {"EU-P2B-ART5-RANKING", "EU-P2B-ART7-DIFFTREAT"}
}
