# A user policy that reports conduct under two conditional duties and says
# which facts of their conditions its evidence establishes.
package platscan.conditions

# METADATA
# title: Transfer requests meeting the conditions must be served
# custom:
#   rule: CN-PIPL-ART45-PORTABILITY
#   severity: medium
findings contains f if {
	some m in input.measurements.interop
	m.type == "transfer_request"
	not m.served
	f := {"rule": "CN-PIPL-ART45-PORTABILITY", "key": m.url, "summary": "transfer request not served", "conditions": m.established, "evidence": [m.record]}
}

# METADATA
# title: Several recommender options need a selector
# custom:
#   rule: EU-DSA-ART27-3-SELECT
#   severity: medium
findings contains f if {
	some m in input.measurements.interop
	m.type == "recommender"
	not m.selector
	f := {"rule": "EU-DSA-ART27-3-SELECT", "key": m.url, "summary": "no selector next to the ranked list", "conditions": m.established, "evidence": [m.record]}
}
