// Package probes defines what a probe is and gives probes what they share:
// a Target with the profile, persona sessions (logged in and warmed up on
// first use) and helpers that write documents and measurements as
// evidence. Probes measure; they never judge. They import neither rules
// nor policies: the policy input document is the only place their
// measurements meet the law.
package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/profile"
)

// Probe gathers one family of evidence.
type Probe interface {
	// ID is the stable family name ("terms"); measurements are filed under it.
	ID() string
	// Gather visits the target and records measurements. A page that cannot
	// be reached is a measurement, not an error; Gather returns an error
	// only when evidence could not be written or ctx ended.
	Gather(ctx context.Context, t *Target) error
}

// Info registers a probe.
type Info struct {
	ID          string
	Description string
	New         func() Probe
}

var (
	regMu    sync.Mutex
	registry = map[string]Info{}
)

// Register adds a probe; probe packages call it from init.
func Register(i Info) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[i.ID]; dup {
		panic("probes: duplicate registration of " + i.ID)
	}
	registry[i.ID] = i
}

// Registered returns every registered probe, sorted by id so scans run in
// a fixed order.
func Registered() []Info {
	regMu.Lock()
	defer regMu.Unlock()
	out := make([]Info, 0, len(registry))
	for _, i := range registry {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out
}

// Recorder is the part of the evidence store probes write to.
type Recorder interface {
	PutBlob(b []byte) (string, error)
	Append(r evidence.Record) (evidence.Record, error)
}

// Target is what a probe works on.
type Target struct {
	Profile *profile.Profile
	Fetcher *fetch.Fetcher
	Rec     Recorder
	// ProfileRecord is the record holding the scan profile: the evidence
	// for what a measurement took from the profile (what to compare).
	ProfileRecord string

	mu       sync.Mutex
	sessions map[string]*fetch.Session // by render mode and persona
	render   string
	// prior holds the keyed measurements of an interrupted run being
	// resumed: family + "\x00" + key -> record.
	prior map[string]evidence.Record
}

// Resume tells the target which measurements an interrupted run already
// holds, so that probes skip the work behind them.
func (t *Target) Resume(recs []evidence.Record) {
	t.prior = map[string]evidence.Record{}
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement {
			continue
		}
		var k struct {
			Key string `json:"key"`
		}
		if json.Unmarshal(r.Data, &k) == nil && k.Key != "" {
			t.prior[r.Probe+"\x00"+k.Key] = r
		}
	}
}

// Prior reports whether the unit of work key of family was already
// measured in the run being resumed, decoding the measurement into v
// (when v is not nil). Its record id is returned.
func (t *Target) Prior(family, key string, v any) (string, bool) {
	r, ok := t.prior[family+"\x00"+key]
	if !ok || key == "" {
		return "", false
	}
	if v != nil && json.Unmarshal(r.Data, v) != nil {
		return "", false
	}
	return r.ID, true
}

// NewTarget wires a target.
func NewTarget(p *profile.Profile, f *fetch.Fetcher, rec Recorder) *Target {
	return &Target{Profile: p, Fetcher: f, Rec: rec, sessions: map[string]*fetch.Session{}}
}

// SetRender chooses how the sessions handed out from now on read pages:
// profile.RenderHTTP or profile.RenderBrowser. The scan sets it before
// each probe, from the profile; a persona has one session per mode.
func (t *Target) SetRender(mode string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.render = mode
}

// Session returns persona's session, logging in and visiting its warm-up
// pages the first time it is asked for. A failed login is kept as evidence
// and the session is still returned: the probe's pages will show what an
// unauthenticated persona saw. In browser mode the session is the
// persona's own browser, with the profile's device settings.
func (t *Target) Session(ctx context.Context, persona string) (*fetch.Session, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := t.render + "\x00" + persona
	if s, ok := t.sessions[key]; ok {
		return s, nil
	}
	per, ok := t.Profile.Persona(persona)
	if !ok {
		return nil, fmt.Errorf("unknown persona %q", persona)
	}
	var s *fetch.Session
	var err error
	if t.render == profile.RenderBrowser {
		s, err = t.Fetcher.BrowserSession(per.ID, per.Headers, per.Cookies, t.Profile.Platform.BaseURL, Emulation(t.Profile.EmulationOf(per)))
	} else {
		s, err = t.Fetcher.Session(per.ID, per.Headers, per.Cookies, t.Profile.Platform.BaseURL)
	}
	if err != nil {
		return nil, err
	}
	if per.Login != nil {
		u, err := t.Profile.Resolve(per.Login.URL)
		if err != nil {
			return nil, err
		}
		form := map[string][]string{}
		for k, v := range per.Login.Form {
			form[k] = []string{v}
		}
		s.PostForm(ctx, "login", u, form)
	}
	for _, w := range per.Warmup {
		u, err := t.Profile.Resolve(w)
		if err != nil {
			return nil, err
		}
		s.GetAsUser(ctx, "warmup", u)
	}
	t.sessions[key] = s
	return s, ctx.Err()
}

// Emulation converts a profile's device settings for the fetcher.
func Emulation(e profile.Emulation) fetch.Emulation {
	out := fetch.Emulation{Width: e.Width, Height: e.Height, Mobile: e.Mobile != nil && *e.Mobile, Locale: e.Locale, Timezone: e.Timezone}
	if g := e.Geolocation; g != nil {
		out.Geolocation = &fetch.Geolocation{Latitude: g.Latitude, Longitude: g.Longitude, Accuracy: g.Accuracy}
	}
	return out
}

// DefaultPersona is the persona a probe uses when the profile names none.
func (t *Target) DefaultPersona() string { return t.Profile.Personas[0].ID }

// Measure records m, measured as persona, and returns its record id. m
// must cite the records it was computed from; its envelope's Key names the
// unit of work: when a resumed run already holds it, nothing is written
// and the earlier record's id is returned. An empty key always writes: use
// it for outcomes that a resumed scan should try again (failures). m is
// checked against the input schema before it is written, so a probe cannot
// store what a policy could not read.
func (t *Target) Measure(persona string, m measure.Measurement) (string, error) {
	if id, ok := t.Prior(m.Family(), m.Envelope().Key, nil); ok {
		return id, nil
	}
	r, err := Record(t.Rec, persona, m)
	return r.ID, err
}

// Record checks m against the input schema and appends it to rec as a
// measurement of persona: the one way a measurement is written, by probes
// and by `platscan check` alike.
func Record(rec Recorder, persona string, m measure.Measurement) (evidence.Record, error) {
	family := m.Family()
	if err := measure.Prepare(m); err != nil {
		return evidence.Record{}, fmt.Errorf("record %s measurement: %w", family, err)
	}
	data, err := evidence.DataJSON(m)
	if err != nil {
		return evidence.Record{}, fmt.Errorf("record %s measurement: %w", family, err)
	}
	if err := measure.ValidateData(family, persona, data); err != nil {
		return evidence.Record{}, fmt.Errorf("record %s measurement: %w", family, err)
	}
	r, err := rec.Append(evidence.Record{Kind: evidence.KindMeasurement, Probe: family, Persona: persona, Data: data})
	if err != nil {
		return evidence.Record{}, fmt.Errorf("record %s measurement: %w", family, err)
	}
	return r, nil
}

// Document stores derived text (such as a page's readable text) as a blob
// with a document record pointing back at the exchange it came from.
func (t *Target) Document(family, persona, url string, text []byte, meta any) (evidence.Record, error) {
	sum, err := t.Rec.PutBlob(text)
	if err != nil {
		return evidence.Record{}, fmt.Errorf("store document %s: %w", url, err)
	}
	data, err := evidence.DataJSON(meta)
	if err != nil {
		return evidence.Record{}, err
	}
	r, err := t.Rec.Append(evidence.Record{Kind: evidence.KindDocument, Probe: family, Persona: persona, URL: url, BodySHA256: sum, Data: data})
	if err != nil {
		return evidence.Record{}, fmt.Errorf("store document %s: %w", url, err)
	}
	return r, nil
}

// Response describes what became of the request behind page, for a
// measurement of it: answered (any HTTP status), not sent (robots.txt,
// budget, address guard, a target that stopped answering) or failed (no
// answer, or none that is the page: a body cut short or unreadable, a
// redirect loop, a bot challenge served instead, or in browser mode a page
// that did not settle in time); and whether the answer was a block page
// instead of the page (a bot challenge is both failed and blocked).
func Response(url string, page *fetch.Page) measure.Response {
	r := measure.Response{URL: url, FinalURL: page.FinalURL, Status: page.Status, Blocked: page.Blocked}
	switch {
	case fetch.NotSent(page.Err):
		r.Fetch = measure.NotSent
	case page.Status > 0 && page.Err == nil:
		r.Fetch = measure.Answered
	default:
		r.Fetch = measure.Failed
	}
	if page.Err != nil {
		r.Error = page.Err.Error()
	}
	return r
}
