package platscan.custom

# METADATA
# custom:
#   rule: CN-NOT-A-RULE
#   severity: high
findings contains f if {
	f := {"rule": "CN-NOT-A-RULE", "key": "x", "summary": "s", "evidence": ["x"]}
}
