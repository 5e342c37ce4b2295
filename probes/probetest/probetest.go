// Package probetest is the test world every probe is checked in: a fixture
// platform served on loopback, its profile, an evidence store, a fetcher
// and a target (Env); and the conformance suite every probe passes (Run):
// against a compliant and a violating platform, an unreachable host, a
// one-request budget, a site whose robots.txt disallows everything, and a
// bare-markup platform (read with and without the profile's selectors),
// every measurement it writes validates against the
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

// BareSelectors gives a profile the CSS selectors that read Baremart's
// bare markup, as a profile writer would for a platform without
// structured data.
func BareSelectors(p *profile.Profile) {
	p.Extract.Lang, p.Extract.Currency = "zh-CN", "CNY"
	p.Extract.Product = profile.ProductSelectors{Name: "article.product h1", Price: "article.product .price", Brand: "article.product .brand"}
	p.Extract.Results = profile.ResultSelectors{Container: "ol.results", Item: "li", Link: "a", Name: "a", Price: ".price", Seller: ".seller",
		AdLabel: ".badge.ad", SelfLabel: ".badge.self"}
}

// Suite options for Run.
type Suite struct {
	// Trim makes a profile small enough for the suite's many runs; the
	// default keeps at most 4 products, 2 rounds, 2 queries.
	Trim func(*profile.Profile)
}

// trim is the default Suite.Trim.
func trim(p *profile.Profile) {
	if len(p.Pricing.Products) > 4 {
		p.Pricing.Products = p.Pricing.Products[:4]
	}
	p.Pricing.Rounds = min(p.Pricing.Rounds, 2)
	if len(p.Ranking.Queries) > 2 {
		p.Ranking.Queries = p.Ranking.Queries[:2]
	}
	if len(p.Pricing.Steering.Queries) > 1 {
		p.Pricing.Steering.Queries = p.Pricing.Steering.Queries[:1]
	}
}

// Run is the conformance suite every probe passes. In each world, Gather
// must not fail (a page that cannot be read is a measurement, not an
// error), every measurement must validate against the input schema and
// cite records of the run, and a page that was not answered must say so.
// A resumed run must repeat no finished work.
func Run(t *testing.T, newProbe func() probes.Probe, s Suite) {
	if s.Trim == nil {
		s.Trim = trim
	}
	worlds := []struct {
		name string
		env  func(t *testing.T) *Env
		// answered is false when no page of the world can answer.
		answered bool
	}{
		{"compliant", func(t *testing.T) *Env { return Fixture(t, fixtures.Fairmarket, Options{Profile: s.Trim}) }, true},
		{"violating", func(t *testing.T) *Env { return Fixture(t, fixtures.Shopmart, Options{Profile: s.Trim}) }, true},
		{"bare markup", func(t *testing.T) *Env { return Fixture(t, fixtures.Baremart, Options{Profile: s.Trim}) }, true},
		{"bare markup read with selectors", func(t *testing.T) *Env {
			return Fixture(t, fixtures.Baremart, Options{Profile: func(p *profile.Profile) { s.Trim(p); BareSelectors(p) }})
		}, true},
		{"unreachable host", func(t *testing.T) *Env {
			u := Unreachable(t)
			raw, err := fixtures.Profile(fixtures.Shopmart, map[string]string{"shopmart": u})
			if err != nil {
				t.Fatal(err)
			}
			return New(t, u, raw, Options{Profile: s.Trim})
		}, false},
		{"one-request budget", func(t *testing.T) *Env {
			return Fixture(t, fixtures.Shopmart, Options{Profile: s.Trim, Fetch: func(o *fetch.Options) { o.MaxRequests = 1 }})
		}, true},
		{"robots.txt disallows everything", func(t *testing.T) *Env {
			srv := httptest.NewServer(disallowAll(fixtures.Handler(fixtures.Fairmarket)))
			t.Cleanup(srv.Close)
			raw, err := fixtures.Profile(fixtures.Fairmarket, map[string]string{"fairmarket": srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			return New(t, srv.URL, raw, Options{Profile: s.Trim})
		}, true},
	}
	for _, w := range worlds {
		t.Run(w.name, func(t *testing.T) {
			env := w.env(t)
			p := newProbe()
			recs := env.Gather(t, p)
			CheckMeasurements(t, recs)
			if !w.answered {
				for _, r := range recs {
					if r.Kind == evidence.KindMeasurement && hasFetch(r, measure.Answered) {
						t.Errorf("measurement %s says answered, but nothing can answer: %s", r.ID, r.Data)
					}
				}
			}
			// Resume: a new target on the same store, told what is done,
			// must write no measurement whose work was finished.
			before := keyed(recs)
			tg := probes.NewTarget(env.Profile, env.Fetcher, env.Store)
			tg.ProfileRecord = env.Target.ProfileRecord
			tg.Resume(recs)
			if err := newProbe().Gather(context.Background(), tg); err != nil {
				t.Fatalf("resumed Gather: %v", err)
			}
			after := keyed(env.Records(t))
			for k, n := range after {
				if n > 1 || (before[k] == 0 && n > 0 && !w.answered) {
					t.Errorf("resume repeated finished work: %d measurements with key %q", n, k)
				}
			}
			CheckMeasurements(t, env.Records(t))
		})
	}
}

// keyed counts the measurements of recs by their unit-of-work key (those
// with a key only: unkeyed ones are failures a resume tries again).
func keyed(recs []evidence.Record) map[string]int {
	out := map[string]int{}
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement {
			continue
		}
		var k struct{ Key string }
		if json.Unmarshal(r.Data, &k) == nil && k.Key != "" {
			out[r.Probe+"\x00"+k.Key]++
		}
	}
	return out
}

// hasFetch reports whether measurement record r has fetch outcome f.
func hasFetch(r evidence.Record, f string) bool {
	var m struct {
		Fetch string `json:"fetch"`
	}
	return json.Unmarshal(r.Data, &m) == nil && m.Fetch == f
}

// disallowAll serves a robots.txt that disallows every path to every
// agent, and h for everything else.
func disallowAll(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("User-agent: *\nDisallow: /\n")) //nolint:errcheck
			return
		}
		h.ServeHTTP(w, r)
	})
}
