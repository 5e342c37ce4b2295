package platscan.mine

blocked(m) if m.outcom == "blocked"

# METADATA
# title: a policy with a typo in a field read inside a function
# custom:
#   rule: CN-AUCL25-ART13
#   severity: high
findings contains f if {
	some m in input.measurements.interop
	m.type == "treatment"
	blocked(m)
	f := {"rule": "CN-AUCL25-ART13", "key": m.target, "summary": "x", "evidence": [m.record]}
}
