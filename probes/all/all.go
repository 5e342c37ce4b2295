// Package all registers every built-in probe; import it for its side effect.
package all

import (
	_ "github.com/platscan/platscan/probes/interop" // links, crawlers, API clients, checkout choice, export
	_ "github.com/platscan/platscan/probes/pricing" // persona prices, steering, non-personalised option
	_ "github.com/platscan/platscan/probes/ranking" // self-preferencing, buy box, labels, sorting
	_ "github.com/platscan/platscan/probes/terms"   // terms and platform rules
)
