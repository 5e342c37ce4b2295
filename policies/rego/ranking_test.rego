package platscan.ranking_test

import data.platscan.ranking

metrics(over) := object.union(
	{
		"type": "ranking_metrics", "queries": 2, "rows": 40, "top_k": 10,
		"first_party_top1": 1, "first_party_topk": 0.4, "first_party_all": 0.2, "topk_excess_z": 3, "topk_excess_p": 0.001,
		"first_party_in_topk": 8, "expected_in_topk": 4,
		"dominated_fp_pairs": 30, "dominated_fp_above": 10, "dominated_tp_pairs": 30, "dominated_tp_above": 1,
		"dominated_rate_fp": 0.33, "dominated_rate_tp": 0.03, "dominated_diff": 0.3, "dominated_diff_ci_low": 0.1, "dominated_diff_ci_high": 0.5, "dominated_p": 0.001,
		"model_n": 40, "first_party_coef": 0.6, "first_party_coef_se": 0.1, "first_party_ci_low": 0.4, "first_party_ci_high": 0.8, "first_party_p": 0.00001,
		"buybox_contests": 0, "buybox_platform_won": 0, "sponsored": 2, "sponsored_known": 40, "sponsored_unlabelled": 0, "first_party_items": 8, "first_party_labels_read": 8, "first_party_unlabelled": 0,
		"model_covariates": ["price", "rating", "reviews"], "model_dropped": 0, "gaps": [],
		"record": "m1", "evidence": ["r1"],
	},
	over,
)

rules_of(fs) := {f.rule | some f in fs}

opt(label) := {"label": label, "kind": "link", "url": "", "param": "sort", "value": label, "selected": false, "markup": ""}

in_cn(ms) := {"platform": {"jurisdictions": ["cn-bj"]}, "measurements": {"ranking": ms}}

test_boost_fires if {
	fs := ranking.findings with input.measurements.ranking as [metrics({})]
	"BJ-DEPR-ART49-SME" in rules_of(fs)
	some f in fs
	contains(f.summary, "rank 0.6 standard deviations higher than their price, rating and reviews explain")
}

test_summary_names_the_attributes_compared if {
	fs := ranking.findings with input.measurements.ranking as [metrics({"model_covariates": ["rating", "reviews"]})]
	some f in fs
	contains(f.summary, "higher than their rating and reviews explain")
	contains(f.summary_zh, "在控制评分、评价数后")
}

# Labels not read are neither a breach nor a pass.
test_unread_labels_are_unknown if {
	m := metrics({"first_party_p": 0.5, "first_party_labels_read": 0, "sponsored_known": 0})
	count(ranking.findings) == 0 with input.measurements.ranking as [m]
	us := {u.rule | some u in ranking.unknown} with input.measurements.ranking as [m]
	{"CN-ECL-ART37-SELFOP", "CN-ECL-ART40-RANKING"} == us & {"CN-ECL-ART37-SELFOP", "CN-ECL-ART40-RANKING"}
	cs := {c.rule | some c in ranking.checked} with input.measurements.ranking as [m]
	not "CN-ECL-ART37-SELFOP" in cs
	not "CN-ECL-ART40-RANKING" in cs
}

test_zero_results_read_says_why if {
	page := {"type": "results", "query": "q", "rows": [], "fetch": "answered", "status": 200, "url": "http://p.test/s?q=q", "error": "", "source": "", "pages": 1, "unread": "0 results read", "record": "r0", "evidence": ["x"]}
	m := metrics({"rows": 0, "model_n": 0})
	us := ranking.unknown with input.measurements.ranking as [page, m]
	some u in us
	u.rule == "CN-ECL-ART37-SELFOP"
	contains(u.reason, "0 results were read from 1 answered result page")
}

test_insignificant_or_small_is_silent if {
	count(ranking.findings) == 0 with input.measurements.ranking as [metrics({"first_party_p": 0.2})]
	count(ranking.findings) == 0 with input.measurements.ranking as [metrics({"first_party_coef": 0.1})]
}

test_contrary_pair_evidence_is_silent if {
	count(ranking.findings) == 0 with input.measurements.ranking as [metrics({"dominated_diff": -0.1})]
}

test_buybox_fires if {
	fs := ranking.findings with input.measurements.ranking as [metrics({"first_party_p": 0.5, "buybox_contests": 4, "buybox_platform_won": 3})]
	some f in fs
	f.key == "buybox"
	count(ranking.findings) == 0 with input.measurements.ranking as [metrics({"first_party_p": 0.5, "buybox_contests": 4, "buybox_platform_won": 1})]
}

test_labels_fire if {
	fs := ranking.findings with input.measurements.ranking as [metrics({"first_party_p": 0.5, "sponsored_unlabelled": 1, "first_party_unlabelled": 2})]
	rules_of(fs) == {"CN-ECL-ART40-RANKING", "CN-ECL-ART37-SELFOP"}
}

test_one_sort_option_fires if {
	s := {"type": "sort_options", "query": "kettle", "options": [opt("综合")], "record": "s1", "evidence": []}
	fs := ranking.findings with input.measurements.ranking as [metrics({"first_party_p": 0.5}), s]
	rules_of(fs) == {"CN-ECL-ART40-RANKING"}
	some f in fs
	contains(f.summary, "results can be ordered only one way (综合)")
	two := [s, object.union(s, {"query": "tea", "record": "s2"})]
	count(ranking.findings) == 1 with input.measurements.ranking as array.concat([metrics({"first_party_p": 0.5})], two)
	s3 := object.union(s, {"options": [opt("综合"), opt("价格"), opt("销量")]})
	count(ranking.findings) == 0 with input.measurements.ranking as [metrics({"first_party_p": 0.5}), s3]
}

test_small_sample_is_unknown if {
	us := ranking.unknown with input.measurements.ranking as [metrics({"model_n": 5, "first_party_p": 0.5})]
	"EU-DMA-ART6-5-SELFPREF" in {u.rule | some u in us}
}
