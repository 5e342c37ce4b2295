package platscan.pricing_test

import data.platscan.pricing

effect(prod, pct) := {"product": prod, "effect_pct": pct, "ci_low": pct - 0.5, "ci_high": pct + 0.5, "rounds": 8, "higher": 8, "lower": 0}

ptest(over) := object.union(
	{
		"type": "persona_test", "persona": "loyal_user", "reference": "new_user", "phase": "personalised", "role": "treatment",
		"products_tested": 20, "rounds": 8, "statistic": 1.2, "p_value": 0.0005, "p_adjusted": 0.002, "permutations": 2000,
		"noise_floor_pct": 0.8, "above_floor": ["/p/1", "/p/2", "/p/3", "/p/4", "/p/5"],
		"effect_pct": 3.0, "ci_low": 2.6, "ci_high": 3.4,
		"products": [effect("/p/1", 3), effect("/p/2", 3.1), effect("/p/3", 2.9), effect("/p/4", 3), effect("/p/5", 3), effect("/p/6", 0)],
		"record": "m1", "evidence": ["x1", "x2"],
	},
	over,
)

opt(found) := {"type": "opt_out", "found": found, "pages": ["http://p.test/settings"], "action": "http://p.test/settings/personalization", "record": "o1", "evidence": ["x9"]}

rules_of(fs) := {f.rule | some f in fs}

test_surcharge_fires if {
	fs := pricing.findings with input.measurements.pricing as [ptest({}), opt(true)]
	rules_of(fs) == {"CN-ALGO-ART21-PRICE", "CN-AML-ART22-1-6-DISCRIM"}
	some f in fs
	f.rule == "CN-ALGO-ART21-PRICE"
	contains(f.summary, "loyal_user paid 3% more than new_user on 5 of 20 products (95% CI 2.6% to 3.4%; permutation p = 0.002")
	f.evidence == ["m1", "x1", "x2"]
}

test_not_significant_is_silent if {
	count(pricing.findings) == 0 with input.measurements.pricing as [ptest({"p_adjusted": 0.2}), opt(true)]
}

test_below_noise_floor_is_silent if {
	count(pricing.findings) == 0 with input.measurements.pricing as [ptest({"above_floor": ["/p/1", "/p/2"]}), opt(true)]
}

test_small_effects_are_silent if {
	small := [effect(p, 0.6) | some p in ["/p/1", "/p/2", "/p/3", "/p/4", "/p/5"]]
	count(pricing.findings) == 0 with input.measurements.pricing as [ptest({"products": small}), opt(true)]
}

test_controls_are_never_judged if {
	count(pricing.findings) == 0 with input.measurements.pricing as [ptest({"role": "control"}), opt(true)]
}

test_underpowered_is_unknown_not_pass if {
	m := ptest({"rounds": 3})
	count(pricing.findings) == 0 with input.measurements.pricing as [m, opt(true)]
	us := pricing.unknown with input.measurements.pricing as [m, opt(true)]
	some u in us
	u.rule == "CN-ALGO-ART21-PRICE"
	contains(u.reason, "3 rounds")
}

test_ineffective_opt_out_fires if {
	after := ptest({"phase": "opted_out"})
	fs := pricing.findings with input.measurements.pricing as [ptest({}), after, opt(true)]
	rules_of(fs) == {"CN-ALGO-ART21-PRICE", "CN-AML-ART22-1-6-DISCRIM", "CN-ECL-ART18-NONPERS"}
}

test_working_opt_out_is_silent if {
	after := ptest({"phase": "opted_out", "p_adjusted": 0.5, "above_floor": []})
	fs := pricing.findings with input.measurements.pricing as [ptest({}), after, opt(true)]
	rules_of(fs) == {"CN-ALGO-ART21-PRICE", "CN-AML-ART22-1-6-DISCRIM"}
}

test_missing_opt_out_fires_only_when_personalising if {
	fs := pricing.findings with input.measurements.pricing as [ptest({}), opt(false)]
	"CN-ECL-ART18-NONPERS" in rules_of(fs)
	count(pricing.findings) == 0 with input.measurements.pricing as [ptest({"p_adjusted": 0.3}), opt(false)]
}

test_steering_fires if {
	s := ptest({"type": "steering_test", "products": [effect("headphones", 6.2)], "above_floor": ["headphones"], "products_tested": 2, "effect_pct": 6.2})
	fs := pricing.findings with input.measurements.pricing as [s, opt(true)]
	some f in fs
	contains(f.summary, "per query: headphones 6.2%")
}

test_alpha_comes_from_data if {
	fs := pricing.findings with input.measurements.pricing as [ptest({"p_adjusted": 0.03}), opt(true)]
		with data.platscan.thresholds.pricing.alpha as 0.05
	rules_of(fs) == {"CN-ALGO-ART21-PRICE", "CN-AML-ART22-1-6-DISCRIM"}
}
