package platscan.custom

findings contains f if {
	f := {"rule": "CN-ECL-ART33-PUBLISH", "key": "x", "summary": "s", "evidence": ["x"]}
}
