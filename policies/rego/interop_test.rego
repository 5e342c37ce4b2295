package platscan.interop_test

import data.platscan.interop

setup := {"type": "setup", "competitors": ["https://rival.example"], "controls": ["https://neutral.example"], "checks": ["link_check"], "record": "s0", "evidence": ["p"]}

tr(mech, target, kind, outcome, rank) := {
	"type": "treatment", "mechanism": mech, "target": target, "target_kind": kind, "outcome": outcome,
	"rank": rank, "status": 200, "detail": "", "record": concat("-", [mech, target]), "evidence": ["x"],
}

rules_of(fs) := {f.rule | some f in fs}

test_targeted_link_block_fires_with_controls_beside_it if {
	ms := [setup, tr("link_check", "https://rival.example", "competitor", "blocked", 3), tr("link_check", "https://neutral.example", "control", "direct", 0)]
	fs := interop.findings with input.measurements.interop as ms
	rules_of(fs) == {"CN-AUCL25-ART13"}
	some f in fs
	contains(f.summary, "https://neutral.example: direct")
	"link_check-https://neutral.example" in f.evidence
}

test_blanket_warning_is_not_targeted if {
	ms := [setup, tr("link_check", "https://rival.example", "competitor", "interstitial", 1), tr("link_check", "https://neutral.example", "control", "interstitial", 1)]
	count(interop.findings) == 0 with input.measurements.interop as ms
}

test_worse_than_only_one_control_is_silent if {
	ms := [
		setup, tr("ugc", "https://rival.example", "competitor", "stripped", 3),
		tr("ugc", "https://a.example", "control", "link", 0), tr("ugc", "https://b.example", "control", "stripped", 3),
	]
	count(interop.findings) == 0 with input.measurements.interop as ms
}

test_no_controls_is_unknown if {
	ms := [setup, tr("crawler", "RivalBot", "competitor", "forbidden", 3)]
	count(interop.findings) == 0 with input.measurements.interop as ms
	us := interop.unknown with input.measurements.interop as ms
	some u in us
	u.rule == "CN-AUCL25-ART13"
}

# A competitor refused with a bare 403 (no detail) still gives a finding.
test_bare_refusal_fires if {
	ms := [setup, object.union(tr("link_check", "https://rival.example", "competitor", "blocked", 3), {"status": 403}), tr("link_check", "https://neutral.example", "control", "direct", 0)]
	rules_of(interop.findings) == {"CN-AUCL25-ART13"} with input.measurements.interop as ms
	"CN-AUCL25-ART13" in {c.rule | some c in interop.checked} with input.measurements.interop as ms
}

test_oauth_refusal_fires if {
	ms := [setup, tr("oauth", "rival-app", "competitor", "refused", 3), tr("oauth", "neutral-app", "control", "ok", 0)]
	rules_of(interop.findings) == {"BJ-DEPR-ART49-NOHINDER", "EU-DMA-ART6-7-INTEROP", "CN-AML-ART22-1-3-REFUSAL"} with input.measurements.interop as ms
}

checkout(pay, own) := {"type": "checkout", "url": "u", "final_url": "u", "status": 200, "fetch": "answered", "error": "", "payments": pay, "deliveries": ["SF Express"], "first_party": ["Own Pay"], "own_payments": own, "own_deliveries": 0, "payment_options": [], "delivery_options": [], "add_ons": [], "persona": "p", "record": "c", "evidence": ["x"]}

insurance(selected, paid, price) := {"name": "shipping_insurance", "value": "1", "label": "运费险", "selected": selected, "paid": paid, "price": price, "currency": "CNY", "markup": "<input>"}

test_preselected_paid_extra_fires if {
	co := object.union(checkout(["Own Pay", "Alipay"], 1), {"add_ons": [insurance(true, true, 3)]})
	fs := interop.findings with input.measurements.interop as [setup, co]
	rules_of(fs) == {"CN-ECL-ART19-TYING"}
	some f in fs
	contains(f.summary, "serves the paid extra \"运费险\" (3 CNY) already selected")
}

# The same extra offered but not ticked, or ticked and free, is no breach;
# and the checkout counts as checked for it.
test_optional_or_free_extra_is_silent if {
	every a in [insurance(false, true, 3), insurance(true, false, 0), insurance(true, false, null)] {
		co := object.union(checkout(["Own Pay", "Alipay"], 1), {"add_ons": [a]})
		count(interop.findings) == 0 with input.measurements.interop as [setup, co]
	}
	cs := {c.rule | some c in interop.checked} with input.measurements.interop as [setup, checkout(["Alipay"], 0)]
	"CN-ECL-ART19-TYING" in cs
}

# A checkout with payment options and no delivery section at all: the
# empty list is judged, never an evaluation error.
test_checkout_without_deliveries_is_judged if {
	co := object.union(checkout(["Own Pay"], 1), {"deliveries": []})
	rules_of(interop.findings) == {"BJ-DEPR-ART49-CONSUMER", "EU-DMA-ART5-7-NOFORCEDID-PAY"} with input.measurements.interop as [setup, co]
}

test_unread_checkout_is_unknown if {
	co := object.union(checkout([], 0), {"fetch": "failed", "status": 0, "error": "timeout"})
	count(interop.findings) == 0 with input.measurements.interop as [setup, co]
	some u in interop.unknown with input.measurements.interop as [setup, co]
	u.rule == "BJ-DEPR-ART49-CONSUMER"
	tying := {u.rule | some u in interop.unknown} with input.measurements.interop as [setup, co]
	"CN-ECL-ART19-TYING" in tying
}

test_own_wallet_only_fires if {
	fs := interop.findings with input.measurements.interop as [setup, checkout(["Own Pay"], 1)]
	rules_of(fs) == {"BJ-DEPR-ART49-CONSUMER", "EU-DMA-ART5-7-NOFORCEDID-PAY"}
}

test_choice_of_wallets_is_silent if {
	count(interop.findings) == 0 with input.measurements.interop as [setup, checkout(["Own Pay", "Alipay"], 1)]
}

export(found, readable, missing) := {"type": "export", "url": "u", "final_url": "u", "status": 200, "fetch": "answered", "error": "", "found": found, "machine_readable": readable, "format": "json", "sections": [], "missing": missing, "record": "e", "evidence": ["x"]}

test_export_problems_fire if {
	every e in [export(false, false, []), export(true, false, []), export(true, true, ["orders"])] {
		rules_of(interop.findings) == {"CN-PIPL-ART45-PORTABILITY", "EU-DMA-ART6-9-PORTABILITY"} with input.measurements.interop as [setup, e]
	}
}

# An export page robots.txt kept platscan from requesting, or that did not
# answer, is unknown: never "a user cannot take their data with them".
test_unrequested_export_is_unknown_not_a_breach if {
	every e in [
		object.union(export(false, false, []), {"fetch": "not_sent", "status": 0, "error": "disallowed by robots.txt"}),
		object.union(export(false, false, []), {"fetch": "failed", "status": 0, "error": "connection refused"}),
	] {
		count(interop.findings) == 0 with input.measurements.interop as [setup, e]
		some u in interop.unknown with input.measurements.interop as [setup, e]
		u.rule == "CN-PIPL-ART45-PORTABILITY"
		not "CN-PIPL-ART45-PORTABILITY" in {c.rule | some c in interop.checked} with input.measurements.interop as [setup, e]
	}
}

test_complete_export_is_silent if {
	count(interop.findings) == 0 with input.measurements.interop as [setup, export(true, true, [])]
}

test_unconfigured_is_unknown if {
	us := interop.unknown with input.measurements.interop as []
	"CN-AUCL25-ART13" in {u.rule | some u in us}
}
