// Package probes defines what a probe is and gives probes what they share:
// a Target with the profile, persona sessions (logged in and warmed up on
// first use) and helpers that write documents and measurements as
// evidence. Probes measure; they never judge. They import neither rules
// nor policies: the policy input document is the only place their
// measurements meet the law.
package probes

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/platscan/platscan/evidence"
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

	mu       sync.Mutex
	sessions map[string]*fetch.Session
}

// NewTarget wires a target.
func NewTarget(p *profile.Profile, f *fetch.Fetcher, rec Recorder) *Target {
	return &Target{Profile: p, Fetcher: f, Rec: rec, sessions: map[string]*fetch.Session{}}
}

// Session returns persona's session, logging in and visiting its warm-up
// pages the first time it is asked for. A failed login is kept as evidence
// and the session is still returned: the probe's pages will show what an
// unauthenticated persona saw.
func (t *Target) Session(ctx context.Context, persona string) (*fetch.Session, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.sessions[persona]; ok {
		return s, nil
	}
	per, ok := t.Profile.Persona(persona)
	if !ok {
		return nil, fmt.Errorf("unknown persona %q", persona)
	}
	s, err := t.Fetcher.Session(per.ID, per.Headers, per.Cookies, t.Profile.Platform.BaseURL)
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
		s.Get(ctx, "warmup", u)
	}
	t.sessions[persona] = s
	return s, ctx.Err()
}

// DefaultPersona is the persona a probe uses when the profile names none.
func (t *Target) DefaultPersona() string { return t.Profile.Personas[0].ID }

// Measure records m as a measurement of family and returns its record id.
// m must carry its own "evidence" list of the records it was computed from.
func (t *Target) Measure(family, persona string, m any) (string, error) {
	data, err := evidence.DataJSON(m)
	if err != nil {
		return "", err
	}
	r, err := t.Rec.Append(evidence.Record{Kind: evidence.KindMeasurement, Probe: family, Persona: persona, Data: data})
	if err != nil {
		return "", fmt.Errorf("record %s measurement: %w", family, err)
	}
	return r.ID, nil
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
