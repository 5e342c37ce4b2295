package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Designation kinds a profile may state.
const (
	Gatekeeper = "gatekeeper" // EU Digital Markets Act
	VLOP       = "vlop"       // EU Digital Services Act very large online platform or search engine
)

// Designations lists the designation kinds.
var Designations = []string{Gatekeeper, VLOP}

// Designation is a regulatory designation of the platform, or of one of its
// services, as the profile states it.
type Designation struct {
	Kind string `json:"kind"`
	// Service names the designated service as the decision lists it.
	Service string `json:"service,omitempty"`
	// Date is when the service was listed in the designation decision
	// (DMA) or the designation was notified (DSA), YYYY-MM-DD; "" when the
	// profile does not say.
	Date string `json:"date,omitempty"`
}

// Platform is what applicability depends on besides the entry itself.
type Platform struct {
	Jurisdictions []string
	Designations  []Designation
}

// Applicability says whether an entry binds a platform at a moment, and
// why not; Note carries a caveat when it does (a designation date the
// profile did not give).
type Applicability struct {
	Applies bool
	Reason  string
	Note    string
}

// AppliesTo reports whether the entry binds a platform operating in the
// given jurisdictions. A sub-national code implies its country: a platform
// in "cn-bj" is bound by "cn" law too, but "cn" alone does not bring in
// Beijing's local regulations.
func (o Obligation) AppliesTo(jurisdictions []string) bool {
	return o.appliesIn(jurisdictions)
}

// AppliesToPlatform is AppliesTo plus scope, without dates: an obligation
// scoped to gatekeepers (DMA) or very large platforms (DSA Art. 38) binds
// only a platform the profile designates so.
func (o Obligation) AppliesToPlatform(jurisdictions, designations []string) bool {
	if o.Scope != "" && !slices.Contains(designations, o.Scope) {
		return false
	}
	return o.appliesIn(jurisdictions)
}

// At decides whether the entry binds p at the moment at (a run's start).
// Jurisdiction and scope come first. Then dates: the entry's
// effective_from and effective_until, and for a duty that binds a
// designated platform some months after its designation, the day after
// that period has run from the earliest dated designation of the kind
// (periods counted as Regulation 1182/71 counts them: a designation on 6
// September 2023 and six months give 7 March 2024). A designation without
// a date means "designated, date unknown": the duty is taken to bind from
// effective_from, and Note says so. A zero at (an input without a run
// time) skips every date check.
func (o Obligation) At(p Platform, at time.Time) Applicability {
	if !o.appliesIn(p.Jurisdictions) {
		return Applicability{Reason: fmt.Sprintf("applies in %s; the platform's jurisdictions are %s", o.Jurisdiction, strings.Join(p.Jurisdictions, ", "))}
	}
	var ds []Designation
	for _, d := range p.Designations {
		if d.Kind == o.Scope {
			ds = append(ds, d)
		}
	}
	if o.Scope != "" && len(ds) == 0 {
		return Applicability{Reason: fmt.Sprintf("applies only to a platform designated %s (profile platform.designations)", o.Scope)}
	}
	if at.IsZero() || at.Year() <= 1 {
		return Applicability{Applies: true}
	}
	day := at.UTC().Truncate(24 * time.Hour)
	from, _ := time.Parse(time.DateOnly, o.EffectiveFrom)
	why := fmt.Sprintf("in force from %s (%s)", o.EffectiveFrom, o.EffectiveClause)
	var note string
	if n := o.monthsAfterDesignation(); n > 0 {
		since, by, dated := bindingDate(ds, n)
		if dated {
			from = since
			why = fmt.Sprintf("binds the platform from %s, %d months after %s", since.Format(time.DateOnly), n, by)
		} else {
			note = fmt.Sprintf("the profile gives no date for the %s designation; the duty is taken to bind since %s, though it binds only %d months after designation", o.Scope, o.EffectiveFrom, n)
		}
	}
	if day.Before(from) {
		return Applicability{Reason: fmt.Sprintf("%s; the run started %s", why, day.Format(time.DateOnly))}
	}
	if o.EffectiveUntil != "" {
		until, _ := time.Parse(time.DateOnly, o.EffectiveUntil)
		if day.After(until) {
			return Applicability{Reason: fmt.Sprintf("applied until %s; the run started %s", o.EffectiveUntil, day.Format(time.DateOnly))}
		}
	}
	return Applicability{Applies: true, Note: note}
}

func (o Obligation) monthsAfterDesignation() int {
	if o.Condition == nil || o.Scope == "" {
		return 0
	}
	return o.Condition.MonthsAfterDesignation
}

// bindingDate returns the earliest day a duty binds among the dated
// designations, with the designation it comes from; dated is false when
// none has a date.
func bindingDate(ds []Designation, months int) (since time.Time, by string, dated bool) {
	for _, d := range ds {
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			continue
		}
		s := AddMonths(t, months).AddDate(0, 0, 1)
		if !dated || s.Before(since) {
			since, dated = s, true
			by = "designation on " + d.Date
			if d.Service != "" {
				by = d.Service + "'s " + by
			}
		}
	}
	return since, by, dated
}

// AddMonths returns the day on which a period of n months that runs from
// t ends: the same day of the month, or the last day of a shorter month
// (31 August plus six months is 28 or 29 February).
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}

func (o Obligation) appliesIn(jurisdictions []string) bool {
	for _, j := range jurisdictions {
		j = strings.ToLower(j)
		if j == o.Jurisdiction {
			return true
		}
		if country, _, ok := strings.Cut(j, "-"); ok && country == o.Jurisdiction {
			return true
		}
	}
	return false
}
