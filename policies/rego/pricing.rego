# METADATA
# title: Consumers in the same situation are charged and shown the same
# description: >-
#   Judges the pricing probe's persona tests (paired sign-flip permutation
#   tests against a reference persona, Holm-corrected, with a noise floor
#   from identical control personas), its steering tests, and whether the
#   platform's non-personalised option works.
package platscan.pricing

import data.platscan.lib

th := data.platscan.thresholds.pricing

tests(kind, phase) := [m |
	some m in input.measurements.pricing
	m.type == kind
	m.role == "treatment"
	m.phase == phase
]

opt_outs := [m |
	some m in input.measurements.pricing
	m.type == "opt_out"
]

# The products of m whose difference exceeds both the noise floor and the
# minimum effect. above_floor becomes a set first: looking each product up
# in the list would cost products x above_floor, which grows with the
# square of a large scan.
material(m, min) := [e |
	above := {p | some p in m.above_floor}
	some e in m.products
	e.product in above
	abs(e.effect_pct) >= min
]

powered(m) if {
	m.rounds >= th.min_rounds
	m.products_tested >= th.min_products_tested
}

discriminates(m) if {
	powered(m)
	m.p_adjusted < th.alpha
	count(material(m, th.min_effect_pct)) >= th.min_products
}

steers(m) if {
	m.p_adjusted < th.alpha
	count(material(m, th.steering_min_effect_pct)) >= th.steering_min_queries
}

direction_zh(x) := "高" if x > 0

else := "低"

price_summary_zh(m) := sprintf(
	"在所测%d件商品中，%s有%d件商品的价格比%s%s%v%%（95%%置信区间%v%%至%v%%；经Holm校正的置换检验p %s，共%d轮；配置相同的对照身份之间差异不超过%v%%）",
	[
		m.products_tested, m.persona, count(material(m, th.min_effect_pct)), m.reference, direction_zh(m.effect_pct), r1(m.effect_pct),
		round(m.ci_low * 10) / 10, round(m.ci_high * 10) / 10, p4(m.p_adjusted), m.rounds, r1(m.noise_floor_pct),
	],
)

direction(x) := "more" if x > 0

else := "less"

# OPA's sprintf prints whole numbers as integers, so %f is unsafe; numbers
# are rounded here and printed with %v.
r1(x) := round(abs(x) * 10) / 10

p4(p) := "< 0.0001" if p < 0.0001

else := sprintf("= %v", [round(p * 10000) / 10000])

price_summary(m) := sprintf(
	"%s paid %v%% %s than %s on %d of %d products (95%% CI %v%% to %v%%; permutation p %s after Holm correction, %d rounds; identical control personas differ by at most %v%%)",
	[
		m.persona, r1(m.effect_pct), direction(m.effect_pct), m.reference,
		count(material(m, th.min_effect_pct)), m.products_tested,
		round(m.ci_low * 10) / 10, round(m.ci_high * 10) / 10, p4(m.p_adjusted), m.rounds, r1(m.noise_floor_pct),
	],
)

metrics(m, min) := {
	"persona": m.persona, "reference": m.reference, "effect_pct": m.effect_pct,
	"ci_low": m.ci_low, "ci_high": m.ci_high, "p_value": m.p_value, "p_adjusted": m.p_adjusted,
	"rounds": m.rounds, "products_tested": m.products_tested, "noise_floor_pct": m.noise_floor_pct,
	"products": material(m, min),
}

# METADATA
# title: No algorithmic price discrimination between consumers in the same situation
# custom:
#   rule: CN-ALGO-ART21-PRICE
#   severity: high
findings contains f if {
	some m in tests("persona_test", "personalised")
	discriminates(m)
	f := {
		"rule": "CN-ALGO-ART21-PRICE",
		"key": concat(":", ["price", m.persona]),
		"persona": m.persona,
		"summary": price_summary(m),
		"summary_zh": price_summary_zh(m),
		"metrics": metrics(m, th.min_effect_pct),
		"evidence": lib.evidence_of(m),
	}
}

# METADATA
# title: A dominant undertaking may not discriminate between counterparties in equal conditions
# custom:
#   rule: CN-AML-ART22-1-6-DISCRIM
#   severity: high
findings contains f if {
	some m in tests("persona_test", "personalised")
	discriminates(m)
	f := {
		"rule": "CN-AML-ART22-1-6-DISCRIM",
		"key": concat(":", ["price", m.persona]),
		"persona": m.persona,
		"summary": price_summary(m),
		"summary_zh": price_summary_zh(m),
		"metrics": metrics(m, th.min_effect_pct),
		"evidence": lib.evidence_of(m),
	}
}

# METADATA
# title: No steering of some consumers towards pricier offers
# custom:
#   rule: CN-ALGO-ART21-PRICE
#   severity: high
findings contains f if {
	some m in tests("steering_test", "personalised")
	steers(m)
	qs := [sprintf("%s %v%%", [e.product, round(e.effect_pct * 10) / 10]) | some e in material(m, th.steering_min_effect_pct)]
	f := {
		"rule": "CN-ALGO-ART21-PRICE",
		"key": concat(":", ["steering", m.persona]),
		"persona": m.persona,
		"summary": sprintf(
			"%s was shown pricier results first: the position-weighted price of what %s saw differed from %s's, per query: %s (p %s after Holm correction; identical control personas differ by at most %v%%)",
			[m.persona, m.persona, m.reference, concat(", ", qs), p4(m.p_adjusted), r1(m.noise_floor_pct)],
		),
		"summary_zh": sprintf(
			"%s被优先展示价格更高的商品：按位置加权的展示价格与%s相比，各搜索词分别为：%s（经Holm校正p %s；配置相同的对照身份之间差异不超过%v%%）",
			[m.persona, m.reference, concat("，", qs), p4(m.p_adjusted), r1(m.noise_floor_pct)],
		),
		"metrics": metrics(m, th.steering_min_effect_pct),
		"evidence": lib.evidence_of(m),
	}
}

checked contains {"rule": "CN-ALGO-ART21-PRICE", "basis": basis} if {
	powered_tests := [m | some m in tests("persona_test", "personalised"); powered(m)]
	count(powered_tests) > 0
	basis := sprintf("%s compared with %s", [lib.plural(count(powered_tests), "persona", "personas"), powered_tests[0].reference])
}

prices := [m | some m in input.measurements.pricing; m.type == "price"]

no_comparison_reason := "no persona price comparison was made (the profile needs pricing.products, a reference persona and two control personas)" if {
	count(prices) == 0
} else := sprintf("no price could be read from the %d product page visits (%s): add structured data or a price selector to the profile (`platscan inspect`)", [count(prices), prices[0].error]) if {
	count([m | some m in prices; m.error == ""]) == 0
} else := "too few prices were read for the personas to be compared"

unknown contains {"rule": "CN-ALGO-ART21-PRICE", "reason": no_comparison_reason} if {
	count(tests("persona_test", "personalised")) == 0
}

unknown contains {"rule": "CN-ALGO-ART21-PRICE", "reason": reason} if {
	some m in tests("persona_test", "personalised")
	not powered(m)
	reason := sprintf("%s: %d rounds over %d products is below the minimum of %d rounds and %d products", [m.persona, m.rounds, m.products_tested, th.min_rounds, th.min_products_tested])
}

personalises if {
	some m in tests("persona_test", "personalised")
	discriminates(m)
}

personalises if {
	some m in tests("steering_test", "personalised")
	steers(m)
}

still_what := {"persona_test": "paid prices", "steering_test": "saw results priced"}

still_what_zh := {"persona_test": "支付的价格", "steering_test": "所见搜索结果的价格"}

# METADATA
# title: A non-personalised option must exist and actually stop personalisation
# custom:
#   rule: CN-ECL-ART18-NONPERS
#   severity: high
findings contains f if {
	some o in opt_outs
	o.found
	some m in array.concat(tests("persona_test", "opted_out"), tests("steering_test", "opted_out"))
	m.p_adjusted < th.alpha
	count(material(m, th.min_effect_pct)) >= 1
	f := {
		"rule": "CN-ECL-ART18-NONPERS",
		"key": concat(":", ["optout-ineffective", m.type, m.persona]),
		"persona": m.persona,
		"summary": sprintf("after switching personalisation off (%s), %s still %s %v%% %s than %s (p %s)", [o.action, m.persona, still_what[m.type], r1(m.effect_pct), direction(m.effect_pct), m.reference, p4(m.p_adjusted)]),
		"summary_zh": sprintf("关闭个性化推荐（%s）后，%s%s仍比%s%s%v%%（p %s）", [o.action, m.persona, still_what_zh[m.type], m.reference, direction_zh(m.effect_pct), r1(m.effect_pct), p4(m.p_adjusted)]),
		"metrics": metrics(m, th.min_effect_pct),
		"evidence": array.concat(array.concat([m.record, o.record], o.evidence), m.evidence),
	}
}

# METADATA
# title: A non-personalised option must exist and actually stop personalisation
# custom:
#   rule: CN-ECL-ART18-NONPERS
#   severity: high
findings contains f if {
	some o in opt_outs
	not o.found
	personalises
	f := {
		"rule": "CN-ECL-ART18-NONPERS",
		"key": "optout-missing",
		"summary": sprintf("prices or results differ by persona, and no switch for non-personalised results was found on %s", [concat(", ", o.pages)]),
		"summary_zh": sprintf("价格或搜索结果因用户身份而异，但在%s未找到关闭个性化推荐的选项", [concat("、", o.pages)]),
		"metrics": {"pages": o.pages},
		"evidence": lib.evidence_of(o),
	}
}

# Whether personalisation was measured at all: powered persona tests.
measured_personalisation if {
	some m in tests("persona_test", "personalised")
	powered(m)
}

opted_out_tests := array.concat(tests("persona_test", "opted_out"), tests("steering_test", "opted_out"))

checked contains {"rule": "CN-ECL-ART18-NONPERS", "basis": sprintf("the switch at %s was used and %s compared again", [o.action, lib.plural(count(opted_out_tests), "persona", "personas")])} if {
	some o in opt_outs
	o.found
	count(opted_out_tests) > 0
}

checked contains {"rule": "CN-ECL-ART18-NONPERS", "basis": sprintf("no switch found on %s read; personalisation measured", [lib.plural(o.pages_read, "settings page", "settings pages")])} if {
	some o in opt_outs
	not o.found
	o.pages_read > 0
	measured_personalisation
}

unknown contains {"rule": "CN-ECL-ART18-NONPERS", "reason": "the pricing probe did not look for a non-personalised option"} if {
	count(opt_outs) == 0
}

unknown contains {"rule": "CN-ECL-ART18-NONPERS", "reason": sprintf("none of the settings pages (%s) could be read", [concat(", ", o.pages)])} if {
	some o in opt_outs
	not o.found
	o.pages_read == 0
}

unknown contains {"rule": "CN-ECL-ART18-NONPERS", "reason": "a switch was found but no comparison after using it could be made"} if {
	some o in opt_outs
	o.found
	count(opted_out_tests) == 0
}

unknown contains {"rule": "CN-ECL-ART18-NONPERS", "reason": "personalisation could not be measured, so whether a switch is owed could not be judged"} if {
	some o in opt_outs
	not o.found
	o.pages_read > 0
	not measured_personalisation
}
