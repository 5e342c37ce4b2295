package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
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
// measurements; every measurement record of recs (read one at a time, so
// that a large run is never held as records) and every derived
// measurement is decoded with exact numbers, checked against the input
// schema and filed under its family (policies.Document). Every family is
// present, empty when its probe did not run. It also returns how many
// records recs held.
func BuildInput(head measure.Input, recs iter.Seq2[evidence.Record, error], derived ...Derived) (*policies.Document, int, error) {
	doc := policies.NewDocument(head)
	// Measurements are handed over in batches, which the document decodes
	// and checks in parallel.
	const batchSize = 1024
	var batch []policies.Raw
	flush := func() error {
		err := doc.AddRaw(batch)
		batch = batch[:0]
		return err
	}
	ran := map[string]bool{}
	n := 0
	for r, err := range recs {
		if err != nil {
			return nil, 0, fault.Input(err)
		}
		n++
		if r.Kind != evidence.KindMeasurement {
			continue
		}
		batch = append(batch, policies.Raw{Family: r.Probe, Record: r.ID, Persona: r.Persona, Data: r.Data})
		ran[r.Probe] = true
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return nil, 0, err
			}
		}
	}
	for _, d := range derived {
		if err := measure.Prepare(d.M); err != nil {
			return nil, 0, fault.Internal(err)
		}
		data, err := json.Marshal(d.M)
		if err != nil {
			return nil, 0, fault.Internal(err)
		}
		batch = append(batch, policies.Raw{Family: d.M.Family(), Record: d.Record, Persona: d.Persona, Data: data})
	}
	if err := flush(); err != nil {
		return nil, 0, err
	}
	probes := []string{}
	for _, f := range measure.Families() {
		if ran[f] {
			probes = append(probes, f)
		}
	}
	doc.SetProbes(probes)
	return doc, n, nil
}

// recordsOf iterates over records held in memory.
func recordsOf(recs []evidence.Record) iter.Seq2[evidence.Record, error] {
	return func(yield func(evidence.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
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

// evaluate judges doc with e and completes the report with what the
// caller knows. When a policy failed, the report of everything else is
// returned with the error.
func evaluate(ctx context.Context, e *policies.Engine, doc *policies.Document, version string, records int) (*policies.Report, error) {
	rep, err := e.Judge(ctx, doc)
	if rep == nil {
		return nil, err
	}
	rep.Tool = policies.Tool{Name: "platscan", Version: version}
	rep.Summary.Records = records
	return rep, err // a policy error comes with the report of the rest
}

// storedRun is what re-judging a run reads from its directory (its
// records are read again, one at a time, when it is judged).
type storedRun struct {
	dir      string
	prof     *profile.Profile
	manifest evidence.Manifest
	started  time.Time // zero when the manifest is unreadable
}

func openRun(dir string) (storedRun, error) {
	prof, err := loadProfile(dir, evidence.Records(dir))
	if err != nil {
		return storedRun{}, fault.Input(err)
	}
	r := storedRun{dir: dir, prof: prof}
	if m, err := evidence.ReadManifest(dir); err == nil {
		r.manifest = m
		r.started, _ = time.Parse(time.RFC3339, m.Started)
	}
	return r, nil
}

// input builds the run's policy input document, with derived
// measurements if any, and returns it with the run's record count.
func (r storedRun) input(version string, derived ...Derived) (*policies.Document, int, error) {
	return BuildInput(profileHeader(r.prof, r.started, version, r.manifest.Complete && r.manifest.Incomplete == ""), evidence.Records(r.dir), derived...)
}

func (r storedRun) judge(ctx context.Context, e *policies.Engine, version string, derived ...Derived) (*policies.Report, error) {
	doc, n, err := r.input(version, derived...)
	if err != nil {
		return nil, err
	}
	return evaluate(ctx, e, doc, version, n)
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

// Input builds the policy input document of the run in dir exactly as
// Eval judges it, for inspection (docs/input.md) and for judging the same
// input with another Rego engine (bench/run compares with stock opa).
func Input(dir, version string) (*policies.Document, error) {
	r, err := openRun(dir)
	if err != nil {
		return nil, err
	}
	doc, _, err := r.input(version)
	return doc, err
}

// LoadProfile returns the profile a run was scanned with.
func LoadProfile(dir string, recs []evidence.Record) (*profile.Profile, error) {
	return loadProfile(dir, recordsOf(recs))
}

// loadProfile finds the profile record among recs (it comes first) and
// stops reading there.
func loadProfile(dir string, recs iter.Seq2[evidence.Record, error]) (*profile.Profile, error) {
	for r, err := range recs {
		if err != nil {
			return nil, err
		}
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
