# A user policy: flag any rules document in English that is shorter than
# the company's own minimum.
package platscan.acme

# METADATA
# title: ACME internal minimum for platform rules
# custom:
#   rule: BJ-DEPR-ART49-RULES
#   severity: low
findings contains f if {
	some d in input.measurements.terms
	d.type == "document"
	d.role == "rules"
	d.chars < data.acme.min_chars
	f := {"rule": "BJ-DEPR-ART49-RULES", "key": d.url, "summary": sprintf("%s is short", [d.url]), "evidence": array.concat([d.record], d.evidence)}
}
