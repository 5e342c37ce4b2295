package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/profile"
)

// Derived is a measurement made when a run is judged rather than when it
// was scanned (the changes since an earlier run): it is checked like any
// stored one and filed under the record it was derived from.
type Derived struct {
	M       measure.Measurement
	Record  string
	Persona string
}

// BuildInput is the one builder of the policy input document, for scan,
// eval, eval --previous and check alike. head supplies everything but the
// measurements; every measurement record of recs, and every derived
// measurement, is decoded with exact numbers and filed under its family.
// Every family is present, empty when its probe did not run. The engine
// validates every measurement against the input schema before judging
// (policies.Validate).
func BuildInput(head measure.Input, recs []evidence.Record, derived ...Derived) (*measure.Input, error) {
	in := head
	in.Measurements = map[string][]map[string]any{}
	for _, f := range measure.Families() {
		in.Measurements[f] = []map[string]any{}
	}
	add := func(family, record, persona string, data []byte) error {
		m, err := measure.Decode(data, record, persona)
		if err != nil {
			return fault.Input(fmt.Errorf("measurement %s (%s): %w", record, family, err))
		}
		in.Measurements[family] = append(in.Measurements[family], m)
		return nil
	}
	ran := map[string]bool{}
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement {
			continue
		}
		if err := add(r.Probe, r.ID, r.Persona, r.Data); err != nil {
			return nil, err
		}
		ran[r.Probe] = true
	}
	for _, d := range derived {
		if err := measure.Prepare(d.M); err != nil {
			return nil, fault.Internal(err)
		}
		data, err := json.Marshal(d.M)
		if err != nil {
			return nil, fault.Internal(err)
		}
		if err := add(d.M.Family(), d.Record, d.Persona, data); err != nil {
			return nil, err
		}
	}
	in.Run.Probes = []string{}
	for _, f := range measure.Families() {
		if ran[f] {
			in.Run.Probes = append(in.Run.Probes, f)
		}
	}
	return &in, nil
}

// profileHeader is the input header of a scan of prof.
func profileHeader(prof *profile.Profile, started time.Time, version string, complete bool) measure.Input {
	robots := prof.Limits.RobotsPolicy()
	h := measure.Input{
		Platform: measure.Platform{Name: prof.Platform.Name, BaseURL: prof.Platform.BaseURL,
			Jurisdictions: nonNil(prof.Platform.Jurisdictions), Designations: nonNil(prof.Platform.Kinds()), Designated: designated(prof.Platform.Designations)},
		Run:         measure.Run{Started: started.UTC().Format(time.RFC3339), Tool: "platscan " + version, Complete: complete, Robots: robots},
		Personas:    []string{},
		FirstParty:  measure.FirstParty{Brands: nonNil(prof.FirstParty.Brands), Sellers: nonNil(prof.FirstParty.Sellers)},
		Competitors: nonNil(prof.Competitors),
	}
	for _, p := range prof.Personas {
		h.Personas = append(h.Personas, p.ID)
	}
	return h
}

// designated passes on the designations that name a service or a date;
// bare kinds travel in Platform.Designations alone.
func designated(ds []profile.Designation) []measure.Designation {
	out := []measure.Designation{}
	for _, d := range ds {
		if d.Service != "" || d.Date != "" {
			out = append(out, measure.Designation{Kind: d.Kind, Service: d.Service, Date: d.Date})
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// evaluate judges in with e and completes the report with what the caller
// knows. When a policy failed, the report of everything else is returned
// with the error.
func evaluate(ctx context.Context, e *policies.Engine, in *measure.Input, version string, records int) (*policies.Report, error) {
	rep, err := e.Evaluate(ctx, in)
	if rep == nil {
		return nil, err
	}
	rep.Tool = policies.Tool{Name: "platscan", Version: version}
	rep.Summary.Records = records
	return rep, err // a policy error comes with the report of the rest
}

// storedRun is what re-judging a run reads from its directory.
type storedRun struct {
	dir      string
	recs     []evidence.Record
	prof     *profile.Profile
	manifest evidence.Manifest
	started  time.Time // zero when the manifest is unreadable
}

func openRun(dir string) (storedRun, error) {
	recs, err := evidence.ReadRecords(dir)
	if err != nil {
		return storedRun{}, fault.Input(err)
	}
	prof, err := LoadProfile(dir, recs)
	if err != nil {
		return storedRun{}, fault.Input(err)
	}
	r := storedRun{dir: dir, recs: recs, prof: prof}
	if m, err := evidence.ReadManifest(dir); err == nil {
		r.manifest = m
		r.started, _ = time.Parse(time.RFC3339, m.Started)
	}
	return r, nil
}

func (r storedRun) judge(ctx context.Context, e *policies.Engine, version string, derived ...Derived) (*policies.Report, error) {
	in, err := BuildInput(profileHeader(r.prof, r.started, version, r.manifest.Complete && r.manifest.Incomplete == ""), r.recs, derived...)
	if err != nil {
		return nil, err
	}
	return evaluate(ctx, e, in, version, len(r.recs))
}

// Eval re-judges the evidence stored in dir with e, without touching the
// network or the run directory: stored evidence is never rewritten.
func Eval(ctx context.Context, dir string, e *policies.Engine, version string) (*policies.Report, error) {
	r, err := openRun(dir)
	if err != nil {
		return nil, err
	}
	return r.judge(ctx, e, version)
}

// LoadProfile returns the profile a run was scanned with.
func LoadProfile(dir string, recs []evidence.Record) (*profile.Profile, error) {
	for _, r := range recs {
		if r.Kind != evidence.KindDocument || r.Probe != "scan" {
			continue
		}
		var d struct{ Role, Source string }
		if json.Unmarshal(r.Data, &d) != nil || d.Role != profileRole {
			continue
		}
		b, err := evidence.ReadBlob(dir, r.BodySHA256)
		if err != nil {
			return nil, fmt.Errorf("stored profile: %w", err)
		}
		return profile.Parse(d.Source+" (stored in run)", b)
	}
	return nil, errors.New("run holds no scan profile")
}
