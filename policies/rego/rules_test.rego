package platscan.rules_test

import data.platscan.rules

doc(over) := object.union(
	{
		"type": "document", "role": "rules", "url": "http://p.test/rules", "final_url": "http://p.test/rules", "status": 200,
		"fetch": "answered", "error": "", "reachable": true, "login_wall": false, "linked_from_home": true, "chars": 900,
		"hub": false, "rule_links": [], "via": "", "depth": 0,
		"persona": "new_user", "record": "m1", "evidence": ["x1", "d1"],
	},
	over,
)

change(days) := {
	"type": "rule_change", "url": "http://p.test/announcements", "id": "n1", "title": "deposit rules",
	"text": "…", "published": "2026-11-20", "effective": "2026-11-23", "notice_days": days,
	"persona": "new_user", "record": "m2", "evidence": ["x2"],
}

page := {"type": "announcements_page", "url": "http://p.test/announcements", "status": 200, "fetch": "answered", "error": "", "reachable": true, "count": 1, "persona": "new_user", "record": "m3", "evidence": ["x3"]}

home := {"type": "home_links", "pages": ["http://p.test/"], "links": ["http://p.test/rules"], "complete": true, "persona": "new_user", "record": "m0", "evidence": ["x0"]}

checked(terms) := cs if {
	cs := {c.rule | some c in rules.checked} with input.measurements.terms as terms
}

ids(fs) := {f.rule | some f in fs}

test_published_rules_pass if {
	fs := rules.findings with input.measurements.terms as [home, doc({}), page, change(21)]
	count(fs) == 0
	count(rules.unknown) == 0 with input.measurements.terms as [home, doc({}), page, change(21)]
	checked([home, doc({}), page, change(21)]) == {"CN-ECL-ART33-PUBLISH", "EU-P2B-ART3-TC", "CN-ECL-ART34-NOTICE7"}
}

# A page that was not sent or not answered says nothing about the rules:
# no finding, no pass, unknown with the reason.
test_unanswered_rules_page_is_unknown_not_a_breach if {
	every d in [
		doc({"fetch": "failed", "status": 0, "error": "connection refused", "reachable": false, "chars": 0}),
		doc({"fetch": "not_sent", "status": 0, "error": "disallowed by robots.txt", "reachable": false, "chars": 0}),
		doc({"status": 503, "reachable": false, "chars": 0}),
	] {
		count(rules.findings) == 0 with input.measurements.terms as [home, d]
		not "CN-ECL-ART33-PUBLISH" in checked([home, d])
		some u in rules.unknown with input.measurements.terms as [home, d]
		u.rule == "CN-ECL-ART33-PUBLISH"
	}
}

# Without the home pages read, "not linked from the home page" is not said.
test_unread_home_page_claims_no_missing_link if {
	fs := rules.findings with input.measurements.terms as [doc({"linked_from_home": false})]
	count(fs) == 0
	some u in rules.unknown with input.measurements.terms as [doc({"linked_from_home": false})]
	contains(u.reason, "home pages could not all be read")
}

test_unlinked_rules_fail_publish_only if {
	fs := rules.findings with input.measurements.terms as [home, doc({"linked_from_home": false})]
	ids(fs) == {"CN-ECL-ART33-PUBLISH"}
	some f in fs
	contains(f.summary, "not linked from the home page")
	f.evidence == ["m1", "x1", "d1"]
}

test_login_wall_fails_publish_and_availability if {
	fs := rules.findings with input.measurements.terms as [home, doc({"reachable": false, "login_wall": true, "chars": 0})]
	ids(fs) == {"CN-ECL-ART33-PUBLISH", "EU-P2B-ART3-TC"}
	every f in fs {
		contains(f.summary, "behind a login page")
	}
}

# A rules centre: a short page listing rule documents. It is published
# when a document it lists was read and is readable; the documents it
# lists are judged themselves, and count as on the home page through it.
hub := doc({"chars": 91, "hub": true, "rule_links": [
	{"url": "http://p.test/rules/general", "label": "平台规则总则", "followed": true},
	{"url": "http://p.test/rules/deposit", "label": "保证金规则", "followed": true},
]})

listed(path, over) := doc(object.union({"url": concat("", ["http://p.test", path]), "final_url": concat("", ["http://p.test", path]), "linked_from_home": false, "via": "http://p.test/rules", "depth": 1, "record": path}, over))

test_rules_centre_with_readable_documents_is_published if {
	ms := [home, hub, listed("/rules/general", {}), listed("/rules/deposit", {})]
	count(rules.findings) == 0 with input.measurements.terms as ms
	"CN-ECL-ART33-PUBLISH" in checked(ms)
}

test_rules_centre_without_readable_documents_fails if {
	ms := [home, hub, listed("/rules/general", {"reachable": false, "login_wall": true, "chars": 0}), listed("/rules/deposit", {"chars": 10})]
	fs := rules.findings with input.measurements.terms as ms
	some f in fs
	f.rule == "CN-ECL-ART33-PUBLISH"
	f.key == "http://p.test/rules"
	contains(f.summary, "it is a rules centre, but none of the 2 rule documents it links could be read")
	# A hub listing nothing that was read is no better than a short page.
	fs2 := rules.findings with input.measurements.terms as [home, hub]
	"http://p.test/rules" in {f.key | some f in fs2; f.rule == "CN-ECL-ART33-PUBLISH"}
}

test_document_listed_by_an_unlinked_centre_is_not_on_home if {
	ms := [home, object.union(hub, {"linked_from_home": false}), listed("/rules/general", {}), listed("/rules/deposit", {})]
	fs := rules.findings with input.measurements.terms as ms
	some f in fs
	f.key == "http://p.test/rules/deposit"
	contains(f.summary, "nor is the rules page that lists it (http://p.test/rules)")
}

test_near_empty_page_is_not_published if {
	fs := rules.findings with input.measurements.terms as [home, doc({"chars": 12})]
	ids(fs) == {"CN-ECL-ART33-PUBLISH", "EU-P2B-ART3-TC"}
}

# A notice with no HTML id (id "") still fires: its key does not depend on
# optional markup.
test_notice_without_id_fires if {
	fs := rules.findings with input.measurements.terms as [doc({}), page, object.union(change(3), {"id": ""})]
	ids(fs) == {"CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"}
}

test_three_days_notice_fails_both if {
	fs := rules.findings with input.measurements.terms as [doc({}), page, change(3)]
	ids(fs) == {"CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"}
}

test_ten_days_notice_fails_eu_only if {
	fs := rules.findings with input.measurements.terms as [doc({}), page, change(10)]
	ids(fs) == {"EU-P2B-ART3-TC"}
}

test_seven_days_is_enough_in_china if {
	fs := rules.findings with input.measurements.terms as [doc({}), page, change(7)]
	not "CN-ECL-ART34-NOTICE7" in ids(fs)
}

test_threshold_comes_from_data if {
	fs := rules.findings with input.measurements.terms as [doc({}), page, change(10)]
		with data.platscan.thresholds.rules.notice_days_cn as 14
	"CN-ECL-ART34-NOTICE7" in ids(fs)
}

test_undated_change_is_unknown_not_pass if {
	undated := object.remove(change(3), ["notice_days"])
	us := rules.unknown with input.measurements.terms as [home, doc({}), page, object.union(undated, {"notice_days": null})]
	{u.rule | some u in us} == {"CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"}
	count(rules.findings) == 0 with input.measurements.terms as [doc({}), page, object.union(undated, {"notice_days": null})]
}

test_no_measurements_is_unknown if {
	us := rules.unknown with input.measurements as {"terms": [], "pricing": [], "interop": [], "ranking": []}
	{u.rule | some u in us} == {"CN-ECL-ART33-PUBLISH", "CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"}
	count(rules.checked) == 0 with input.measurements as {"terms": [], "pricing": [], "interop": [], "ranking": []}
}

doc_change(anns) := {
	"type": "document_change", "url": "http://p.test/rules", "role": "rules", "previous_seen": "2026-11-20T00:00:00Z", "seen": "2026-11-27T00:00:00Z",
	"previous_text_sha256": "a", "text_sha256": "b", "added": ["保证金调整为20000元"], "removed": [], "announcements": anns,
	"persona": "", "record": "m9", "evidence": ["n1", "d1", "o1", "od1"],
}

ann(days) := {"title": "t", "published": "2026-11-24", "effective": "2026-11-27", "notice_days": days, "record": "a1"}

test_unannounced_change_fires if {
	fs := rules.findings with input.measurements.terms as [doc({}), page, doc_change([])]
	{f.rule | some f in fs} == {"CN-ECL-ART34-NOTICE7", "EU-P2B-ART3-TC"}
	some f in fs
	contains(f.summary, "no rule-change announcement")
}

test_change_announced_in_time_is_silent if {
	count(rules.findings) == 0 with input.measurements.terms as [doc({}), page, doc_change([ann(20)])]
}

test_change_announced_three_days_ahead_fires if {
	fs := rules.findings with input.measurements.terms as [doc({}), page, doc_change([ann(3)])]
	some f in fs
	f.rule == "CN-ECL-ART34-NOTICE7"
	contains(f.summary, "at most 3 days' notice")
}

test_unread_format_is_unknown_not_unavailable if {
	pdf := doc({"reachable": false, "chars": 0, "unsupported": true, "format": "application/pdf"})
	count(rules.findings) == 0 with input.measurements.terms as [home, pdf, page, change(21)]
	us := rules.unknown with input.measurements.terms as [home, pdf, page, change(21)]
	{u.rule | some u in us} == {"CN-ECL-ART33-PUBLISH", "EU-P2B-ART3-TC"}

	# Not being linked from the home page is still seen.
	fs := rules.findings with input.measurements.terms as [home, object.union(pdf, {"linked_from_home": false}), page, change(21)]
	ids(fs) == {"CN-ECL-ART33-PUBLISH"}
}

# A block page in the rules' place (a CAPTCHA, a slider check, an
# access-denied page, an application shell read without JavaScript) is a
# result about the scan: unknown with the reason, never a finding, never
# a pass.
test_blocked_rules_page_is_unknown_not_a_breach if {
	every kind in ["captcha", "slider", "access_denied", "empty_shell"] {
		d := doc({"blocked": kind, "reachable": false, "chars": 0, "linked_from_home": false})
		count(rules.findings) == 0 with input.measurements.terms as [home, d]
		not "CN-ECL-ART33-PUBLISH" in checked([home, d])
		some u in rules.unknown with input.measurements.terms as [home, d]
		u.rule == "CN-ECL-ART33-PUBLISH"
		contains(u.reason, "instead of the page")
	}
}

# A sign-in page in place of the rules is different: it is the evidence
# that the rules are not open to everyone.
test_login_wall_block_on_rules_is_a_finding if {
	d := doc({"blocked": "login_wall", "login_wall": true, "reachable": false, "chars": 0})
	fs := rules.findings with input.measurements.terms as [home, d]
	ids(fs) == {"CN-ECL-ART33-PUBLISH", "EU-P2B-ART3-TC"}
	us := rules.unknown with input.measurements.terms as [home, d]
	count([u | some u in us; u.rule == "CN-ECL-ART33-PUBLISH"]) == 0
}

test_blocked_announcements_page_is_unknown if {
	p := object.union(page, {"blocked": "captcha", "reachable": false, "count": 0})
	us := rules.unknown with input.measurements.terms as [home, doc({}), p]
	some u in us
	u.rule == "CN-ECL-ART34-NOTICE7"
	contains(u.reason, "a CAPTCHA instead of the page")
	count(rules.findings) == 0 with input.measurements.terms as [home, doc({}), p]
}

# A document read from an exported file (platscan check) is not judged
# for publication or availability, however short: both are unknown with
# the reason. A short page read from the platform is still a breach.
test_imported_document_is_not_judged_for_availability if {
	d := doc({"url": "file:rules-4.txt", "final_url": "file:rules-4.txt", "chars": 26, "linked_from_home": false})
	fs := rules.findings with input.measurements.terms as [d]
	count(fs) == 0
	us := {u.rule | some u in rules.unknown} with input.measurements.terms as [d]
	count({"CN-ECL-ART33-PUBLISH", "EU-P2B-ART3-TC"} - us) == 0
	short := doc({"chars": 26})
	"EU-P2B-ART3-TC" in ids(rules.findings) with input.measurements.terms as [home, short]
}
