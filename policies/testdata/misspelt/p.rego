package platscan.mine

# METADATA
# title: a policy with a typo in a measurement field
# custom:
#   rule: CN-AUCL25-ART13
#   severity: high
findings contains f if {
	some m in input.measurements.interop
	m.type == "treatment"
	m.outcom == "blocked"
	f := {"rule": "CN-AUCL25-ART13", "key": m.target, "summary": "x", "evidence": [m.record]}
}
