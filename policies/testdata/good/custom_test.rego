package platscan.acme_test

import data.platscan.acme

test_short_rules_flagged if {
	fs := acme.findings with input.measurements.terms as [{"type": "document", "role": "rules", "url": "u", "chars": 5, "record": "m", "evidence": []}]
		with data.acme.min_chars as 10
	count(fs) == 1
}
