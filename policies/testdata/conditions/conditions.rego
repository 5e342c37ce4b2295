# A user policy that reports conduct under two conditional duties and says
# which facts of their conditions its evidence establishes (here: the facts
# the data file names, standing in for evidence a real policy would read).
package platscan.conditions

default established := []

established := data.conditions_test.established

# METADATA
# title: Transfer requests meeting the conditions must be served
# custom:
#   rule: CN-PIPL-ART45-PORTABILITY
#   severity: medium
findings contains f if {
	some m in input.measurements.interop
	m.type == "export"
	not m.found
	f := {"rule": "CN-PIPL-ART45-PORTABILITY", "key": concat(":", ["transfer", m.url]), "summary": "transfer request not served", "conditions": established, "evidence": [m.record]}
}

# METADATA
# title: Several recommender options need a selector
# custom:
#   rule: EU-DSA-ART27-3-SELECT
#   severity: medium
findings contains f if {
	some m in input.measurements.ranking
	m.type == "sort_options"
	count(m.options) < 2
	f := {"rule": "EU-DSA-ART27-3-SELECT", "key": m.query, "summary": "no selector next to the ranked list", "conditions": established, "evidence": [m.record]}
}
