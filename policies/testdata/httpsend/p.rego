package platscan.custom

# METADATA
# custom:
#   rule: CN-ECL-ART33-PUBLISH
#   severity: high
findings contains f if {
	r := http.send({"method": "GET", "url": "http://example.test"})
	f := {"rule": "CN-ECL-ART33-PUBLISH", "key": "x", "summary": r.body, "evidence": ["x"]}
}
