package platscan.mine

# METADATA
# title: a policy that fails at runtime on every input
# custom:
#   rule: CN-AUCL-ART12
#   severity: medium
findings contains f if {
	some c in input.measurements.terms
	c.type == "rule_change"
	n := to_number(c.title) # "t" is no number: a runtime error
	f := {"rule": "CN-AUCL-ART12", "key": c.url, "summary": sprintf("%v", [n]), "evidence": [c.record]}
}
