// Package probetest is the test world every probe is checked in: a fixture
// platform served on loopback, its profile, an evidence store, a fetcher
// and a target (Env); and the conformance suite every probe passes (Run):
// against a compliant and a violating platform, an unreachable host, a
// one-request budget, a site whose robots.txt disallows everything, and a
// bare-markup platform, every measurement it writes validates against the
// input schema and cites records that exist, and a resumed run repeats no
// finished work.
package probetest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/profile"
)

// Env is one probe test's world.
type Env struct {
	URL     string
	Profile *profile.Profile
	Store   *evidence.Store
	Fetcher *fetch.Fetcher
	Target  *probes.Target
}

// Options adjust an Env.
type Options struct {
	// Fetch changes the fetcher's options (defaults: robots obeyed,
	// 2 retries with millisecond waits, 10 redirects).
	Fetch func(*fetch.Options)
	// Profile edits the profile after it is parsed.
	Profile func(*profile.Profile)
	// Dir is the run directory (default a fresh temporary directory).
	Dir string
}

// Fixture serves fixture variant v and returns its world.
func Fixture(t testing.TB, v fixtures.Variant, o Options) *Env {
	t.Helper()
	srv := httptest.NewServer(fixtures.Handler(v))
	t.Cleanup(srv.Close)
	raw, err := fixtures.Profile(v, map[string]string{v.Slug: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return New(t, srv.URL, raw, o)
}

// New builds the world of a platform at baseURL described by the profile
// raw (its base_url is used as given).
func New(t testing.TB, baseURL string, raw []byte, o Options) *Env {
	t.Helper()
	prof, err := profile.Parse("profile.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	if o.Profile != nil {
		o.Profile(prof)
	}
	dir := o.Dir
	if dir == "" {
		dir = t.TempDir() + "/run"
	}
	st, err := evidence.Create(dir, evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fo := fetch.Options{ObeyRobots: prof.Limits.ObeysRobots(), StrictRobots: prof.Limits.StrictRobots, Retries: 2, MaxRedirects: 10, Timeout: 5 * time.Second,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
		// The test world is served on loopback: a lab target, allowed
		// explicitly (the address guard refuses it otherwise).
		AllowPrivate: true}
	if o.Fetch != nil {
		o.Fetch(&fo)
	}
	f := fetch.New(st, fo)
	tg := probes.NewTarget(prof, f, st)
	tg.ProfileRecord = StoreProfile(t, st, prof)
	return &Env{URL: baseURL, Profile: prof, Store: st, Fetcher: f, Target: tg}
}

// StoreProfile writes the profile as a document record, as a scan does,
// and returns the record id.
func StoreProfile(t testing.TB, st *evidence.Store, prof *profile.Profile) string {
	t.Helper()
	sum, err := st.PutBlob(prof.Raw)
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.Append(evidence.Record{Kind: evidence.KindDocument, Probe: "scan", BodySHA256: sum, Data: json.RawMessage(`{"role":"profile"}`)})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// Gather runs p against the world and returns every record of the store.
func (e *Env) Gather(t testing.TB, p probes.Probe) []evidence.Record {
	t.Helper()
	if err := p.Gather(context.Background(), e.Target); err != nil {
		t.Fatalf("%s: Gather: %v", p.ID(), err)
	}
	return e.Records(t)
}

// Records reads every record of the store.
func (e *Env) Records(t testing.TB) []evidence.Record {
	t.Helper()
	recs, err := evidence.ReadRecords(e.Store.Dir())
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// Measurements decodes the measurements of type typ among recs.
func Measurements[T any](t testing.TB, recs []evidence.Record, typ string) []T {
	t.Helper()
	var out []T
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement {
			continue
		}
		var head struct{ Type string }
		if err := json.Unmarshal(r.Data, &head); err != nil {
			t.Fatalf("record %s: %v", r.ID, err)
		}
		if head.Type != typ {
			continue
		}
		var m T
		if err := json.Unmarshal(r.Data, &m); err != nil {
			t.Fatalf("record %s: %v", r.ID, err)
		}
		out = append(out, m)
	}
	return out
}

// Unreachable returns the URL of a loopback port nothing listens on.
func Unreachable(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	return u
}

// CheckMeasurements fails t unless every measurement record of recs
// validates against the input schema and every evidence id it cites is a
// record of recs.
func CheckMeasurements(t testing.TB, recs []evidence.Record) {
	t.Helper()
	v, err := measure.DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range recs {
		ids[r.ID] = true
	}
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement {
			continue
		}
		m, err := measure.Decode(r.Data, r.ID, r.Persona)
		if err == nil {
			err = v.Validate(r.Probe, m)
		}
		if err != nil {
			t.Errorf("measurement %s (%s): %v\n%s", r.ID, r.Probe, err, r.Data)
			continue
		}
		ev, _ := m["evidence"].([]any)
		for _, e := range ev {
			if id, _ := e.(string); !ids[id] {
				t.Errorf("measurement %s (%s) cites %v, which is no record of the run", r.ID, r.Probe, e)
			}
		}
	}
}
