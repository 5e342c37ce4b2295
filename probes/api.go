package probes

import (
	"net/url"

	"github.com/platscan/platscan/probes/extract"
	"github.com/platscan/platscan/probes/fetch"
)

// APIResults reads a search page's result list from the JSON its script
// fetched from the API the profile names (ranking.api), the last answer
// from that path. ok is false when the profile names no API, or the page
// fetched nothing readable from it (in HTTP mode no script runs): the
// probe then reads the page's markup. The API's exchange is among the
// page's records, so a measurement citing the page cites it.
func (t *Target) APIResults(page *fetch.Page) (items []extract.Result, ok bool) {
	api := t.Profile.Ranking.API
	if api == nil {
		return nil, false
	}
	for i := len(page.Fetched) - 1; i >= 0; i-- {
		f := page.Fetched[i]
		u, err := url.Parse(f.URL)
		if err != nil || u.Path != api.Path || f.Status < 200 || f.Status >= 300 {
			continue
		}
		items, err := extract.APIList(f.Body, api.Items, api.Fields)
		if err != nil {
			continue
		}
		return items, true
	}
	return nil, false
}
