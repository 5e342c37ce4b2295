# METADATA
# title: The platform does not rank its own products above better offers
# description: >-
#   Judges the ranking probe's (or an imported ranking export's) metrics:
#   the dominated-pair test and the rank model for self-preferencing, buy-box
#   wins against better third-party offers, and the labelling and sorting
#   duties of the E-Commerce Law.
package platscan.ranking

import data.platscan.lib

th := data.platscan.thresholds.ranking

# Metrics computed over no results say nothing: they are neither a
# breach nor a pass.
metrics := [m | some m in input.measurements.ranking; m.type == "ranking_metrics"; m.rows > 0]

empty_metrics := [m | some m in input.measurements.ranking; m.type == "ranking_metrics"; m.rows == 0]

sorts := [m | some m in input.measurements.ranking; m.type == "sort_options"]

result_pages := [m | some m in input.measurements.ranking; m.type == "results"]

r2(x) := round(x * 100) / 100

p_text(p) := "< 0.0001" if p < 0.0001

else := sprintf("= %v", [round(p * 10000) / 10000])

# The rank model decides; the dominated-pair comparison must not point
# the other way. (Alone, the pair comparison is biased against a platform
# whose own products really are better: docs/method-ranking.md.)
selfpref(m) if {
	m.model_n >= th.min_model_n
	m.first_party_p < th.alpha
	m.first_party_coef >= th.min_score_shift
	m.dominated_diff >= 0
}

# The attributes the model compared results on, in words.
merits(m) := concat(" and ", [concat(", ", array.slice(m.model_covariates, 0, count(m.model_covariates) - 1)), m.model_covariates[count(m.model_covariates) - 1]]) if {
	count(m.model_covariates) > 1
} else := concat("", m.model_covariates)

merits_zh := {"price": "价格", "rating": "评分", "reviews": "评价数"}

merits_text_zh(m) := concat("、", [merits_zh[c] | some c in m.model_covariates])

selfpref_finding(rule, m) := {
	"rule": rule,
	"key": "ranking",
	"summary": sprintf(
		"first-party results rank %v standard deviations higher than their %s explain (95%% CI %v to %v, p %s, %d results in %d queries); they hold %v%% of first places and %v%% of the top %d but are %v%% of all results (%d in the top %d against %v expected at random, p %s); first-party items were ranked above third-party items that beat them on %s in %v%% of %d such pairs, the reverse in %v%% of %d",
		[
			r2(m.first_party_coef), merits(m), r2(m.first_party_ci_low), r2(m.first_party_ci_high), p_text(m.first_party_p), m.model_n, m.queries,
			r2(m.first_party_top1 * 100), r2(m.first_party_topk * 100), m.top_k, r2(m.first_party_all * 100),
			m.first_party_in_topk, m.top_k, r2(m.expected_in_topk), p_text(m.topk_excess_p),
			merits(m), r2(m.dominated_rate_fp * 100), m.dominated_fp_pairs, r2(m.dominated_rate_tp * 100), m.dominated_tp_pairs,
		],
	),
	"summary_zh": sprintf(
		"在控制%s后，平台自营商品的排名比第三方商品高出%v个标准差（95%%置信区间%v至%v，p %s，%d个查询共%d条结果）；自营商品占第一位的%v%%、前%d位的%v%%，但仅占全部结果的%v%%；在%s均优于自营商品的第三方商品中，自营商品仍排在其前的比例为%v%%（%d对），反之为%v%%（%d对）",
		[
			merits_text_zh(m), r2(m.first_party_coef), r2(m.first_party_ci_low), r2(m.first_party_ci_high), p_text(m.first_party_p), m.queries, m.model_n,
			r2(m.first_party_top1 * 100), m.top_k, r2(m.first_party_topk * 100), r2(m.first_party_all * 100),
			merits_text_zh(m), r2(m.dominated_rate_fp * 100), m.dominated_fp_pairs, r2(m.dominated_rate_tp * 100), m.dominated_tp_pairs,
		],
	),
	"metrics": object.remove(m, ["record", "evidence", "persona", "key", "type"]),
	"evidence": lib.evidence_of(m),
}

# METADATA
# title: Self-preferencing in rankings harms the merchants who depend on the platform
# custom:
#   rule: BJ-DEPR-ART49-SME
#   severity: high
findings contains f if {
	some m in metrics
	selfpref(m)
	f := selfpref_finding("BJ-DEPR-ART49-SME", m)
}

# METADATA
# title: Gatekeepers do not rank their own products more favourably
# custom:
#   rule: EU-DMA-ART6-5-SELFPREF
#   severity: high
findings contains f if {
	some m in metrics
	selfpref(m)
	f := selfpref_finding("EU-DMA-ART6-5-SELFPREF", m)
}

buybox(m) if {
	m.buybox_contests >= th.buybox_min_contests
	m.buybox_platform_won / m.buybox_contests >= th.buybox_min_win_rate
}

buybox_finding(rule, m) := {
	"rule": rule,
	"key": "buybox",
	"summary": sprintf("the platform's own offer won the buy box in %d of %d products where a third-party offer was cheaper and rated at least as well", [m.buybox_platform_won, m.buybox_contests]),
	"summary_zh": sprintf("在%d件存在价格更低且评分不低于平台自营报价的第三方报价的商品中，平台自营报价有%d件占据默认购买位", [m.buybox_contests, m.buybox_platform_won]),
	"metrics": {"buybox_contests": m.buybox_contests, "buybox_platform_won": m.buybox_platform_won},
	"evidence": lib.evidence_of(m),
}

# METADATA
# title: Self-preferencing in rankings harms the merchants who depend on the platform
# custom:
#   rule: BJ-DEPR-ART49-SME
#   severity: high
findings contains f if {
	some m in metrics
	buybox(m)
	f := buybox_finding("BJ-DEPR-ART49-SME", m)
}

# METADATA
# title: Gatekeepers do not rank their own products more favourably
# custom:
#   rule: EU-DMA-ART6-5-SELFPREF
#   severity: high
findings contains f if {
	some m in metrics
	buybox(m)
	f := buybox_finding("EU-DMA-ART6-5-SELFPREF", m)
}

# METADATA
# title: Paid rankings must be labelled as ads, and results sortable in several ways
# custom:
#   rule: CN-ECL-ART40-RANKING
#   severity: medium
findings contains f if {
	some m in metrics
	m.sponsored_unlabelled > 0
	f := {
		"rule": "CN-ECL-ART40-RANKING",
		"key": "ads",
		"summary": sprintf("%d of %d sponsored results carried no visible ad label", [m.sponsored_unlabelled, m.sponsored]),
		"summary_zh": sprintf("%d个竞价排名结果中有%d个未显著标明“广告”", [m.sponsored, m.sponsored_unlabelled]),
		"metrics": {"sponsored": m.sponsored, "sponsored_unlabelled": m.sponsored_unlabelled},
		"evidence": lib.evidence_of(m),
	}
}

# METADATA
# title: Paid rankings must be labelled as ads, and results sortable in several ways
# custom:
#   rule: CN-ECL-ART40-RANKING
#   severity: medium
findings contains f if {
	count(metrics) > 0 # the result list itself was read
	few := [s | some s in sorts; count(s.options) < 2]
	count(few) > 0
	qs := sort([s.query | some s in few])
	f := {
		"rule": "CN-ECL-ART40-RANKING",
		"key": "sort",
		"summary": sprintf("%s for %d of %d queries (%s); the law asks for several, such as price, sales and rating", [order_text(labels(few[0].options)), count(few), count(sorts), concat(", ", qs)]),
		"summary_zh": sprintf("%d个搜索词中有%d个的搜索结果%s，未按价格、销量、信用等多种方式展示：%s", [count(sorts), count(few), order_text_zh(labels(few[0].options)), concat("、", qs)]),
		"metrics": {"queries": qs, "options": labels(few[0].options)},
		"evidence": array.flatten([[s.record | some s in few], [e | some s in few; some e in s.evidence]]),
	}
}

labels(opts) := [o.label | some o in opts]

order_text(opts) := "results offer no choice of order" if {
	count(opts) == 0
} else := sprintf("results can be ordered only one way (%s)", [concat(", ", opts)])

order_text_zh(opts) := "未提供任何排序选项" if {
	count(opts) == 0
} else := sprintf("仅提供一种排序方式（%s）", [concat("、", opts)])

# METADATA
# title: Self-operated items must be labelled as such
# custom:
#   rule: CN-ECL-ART37-SELFOP
#   severity: medium
findings contains f if {
	some m in metrics
	m.first_party_unlabelled > 0
	f := {
		"rule": "CN-ECL-ART37-SELFOP",
		"key": "self-label",
		"summary": sprintf("%d of %d first-party results carried no self-operated label", [m.first_party_unlabelled, m.first_party_items]),
		"summary_zh": sprintf("%d个平台自营商品结果中有%d个未标明“自营”", [m.first_party_items, m.first_party_unlabelled]),
		"metrics": {"first_party_items": m.first_party_items, "first_party_unlabelled": m.first_party_unlabelled},
		"evidence": lib.evidence_of(m),
	}
}

ranking_rules := ["EU-DMA-ART6-5-SELFPREF", "BJ-DEPR-ART49-SME", "CN-ECL-ART37-SELFOP", "CN-ECL-ART40-RANKING"]

no_results_reason := "no ranking was measured (profile ranking.queries, or platscan check --input with a ranking export)" if {
	count(empty_metrics) == 0
	count(result_pages) == 0
} else := sprintf("0 results were read from %s: the page has no schema.org result list and the profile's extract.results selectors match nothing (see what is read with `platscan inspect URL`)", [lib.plural(count(read_pages), "answered result page", "answered result pages")]) if {
	count(read_pages) > 0
} else := sprintf("0 results were read: none of the %s answered", [lib.plural(count(result_pages), "result page", "result pages")]) if {
	count(result_pages) > 0
} else := "the export holds no result rows"

# Result pages that answered, whatever was read from them.
read_pages := [p | some p in result_pages; lib.answered(p)]

unknown contains {"rule": r, "reason": no_results_reason} if {
	count(metrics) == 0
	some r in ranking_rules
}

unknown contains {"rule": r, "reason": lib.unanswered_why(p)} if {
	some p in result_pages
	not lib.answered(p)
	some r in ranking_rules
}

unknown contains {"rule": r, "reason": sprintf("too few results to judge: %d in the rank model (need %d)", [m.model_n, th.min_model_n])} if {
	some m in metrics
	m.model_n < th.min_model_n
	some r in ["EU-DMA-ART6-5-SELFPREF", "BJ-DEPR-ART49-SME"]
}

unknown contains {"rule": "CN-ECL-ART37-SELFOP", "reason": sprintf("none of the %d results read is a first-party item, so their labelling could not be checked", [m.rows])} if {
	some m in metrics
	m.first_party_items == 0
}

unknown contains {"rule": "CN-ECL-ART37-SELFOP", "reason": sprintf("the labels of the %d first-party results were not read (no card of them was found on the result pages, or the export has no self_label column)", [m.first_party_items])} if {
	some m in metrics
	m.first_party_items > 0
	m.first_party_labels_read == 0
}

unknown contains {"rule": "CN-ECL-ART40-RANKING", "reason": sprintf("whether any of the %d results is a paid slot is not known (no card of a result was found on the result pages, or the export has no sponsored column), so ad labelling could not be checked", [m.rows])} if {
	some m in metrics
	m.sponsored_known == 0
}

unknown contains {"rule": "CN-ECL-ART40-RANKING", "reason": "no result page was read for its sort options"} if {
	count(metrics) > 0
	count(sorts) == 0
	count(result_pages) > 0
}

checked contains {"rule": r, "basis": sprintf("%d results in %d queries", [m.model_n, m.queries])} if {
	some m in metrics
	m.model_n >= th.min_model_n
	some r in ["EU-DMA-ART6-5-SELFPREF", "BJ-DEPR-ART49-SME"]
}

checked contains {"rule": "CN-ECL-ART37-SELFOP", "basis": sprintf("the labels of %d first-party results among %d read", [m.first_party_labels_read, m.rows])} if {
	some m in metrics
	m.first_party_labels_read > 0
}

checked contains {"rule": "CN-ECL-ART40-RANKING", "basis": sprintf("%s and their sort options read", [lib.plural(count(sorts), "result list", "result lists")])} if {
	count(metrics) > 0
	count(sorts) > 0
}

checked contains {"rule": "CN-ECL-ART40-RANKING", "basis": sprintf("%d exported results read for ad labels", [m.sponsored_known])} if {
	some m in metrics
	count(result_pages) == 0
	m.sponsored_known > 0
}

unknown contains {"rule": "CN-ECL-ART40-RANKING", "reason": "an export holds no sort options: whether results can be ordered several ways needs a scan of the result pages"} if {
	count(metrics) > 0
	count(result_pages) == 0
}
