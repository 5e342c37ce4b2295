package interop

import (
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes/extract"
)

// Reading is what the interop probe reads from a checkout page: the
// order choices, and which of them the profile names as the platform's
// own.
type Reading struct {
	Order
	Own []string `json:"own"`
}

// Inspect reads pg as the interop probe reads a checkout page;
// firstParty are the profile's names of the platform's own services.
func Inspect(pg *extract.Page, firstParty []string) Reading {
	r := Reading{Order: ReadOrder(pg), Own: []string{}}
	for _, o := range append(append([]measure.CheckoutChoice{}, r.PaymentOptions...), r.DeliveryOptions...) {
		if own(o, firstParty) {
			r.Own = append(r.Own, o.Value)
		}
	}
	return r
}
