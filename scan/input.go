package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/rules"
)

// BuildInput turns a run's measurement records into the policy input
// document. Each measurement gains "record" (its own record id) and
// "persona", so findings can cite it.
func BuildInput(prof *profile.Profile, recs []evidence.Record, started time.Time, version string) (*policies.Input, error) {
	in := &policies.Input{
		Platform: policies.Platform{Name: prof.Platform.Name, BaseURL: prof.Platform.BaseURL, Jurisdictions: prof.Platform.Jurisdictions,
			Designations: prof.Platform.Kinds(), Designated: designated(prof.Platform.Designations)},
		Run:          policies.Run{Started: started.UTC().Format(time.RFC3339), Tool: "platscan " + version},
		FirstParty:   map[string][]string{"brands": nonNil(prof.FirstParty.Brands), "sellers": nonNil(prof.FirstParty.Sellers)},
		Competitors:  nonNil(prof.Competitors),
		Measurements: map[string][]map[string]any{},
	}
	for _, p := range prof.Personas {
		in.Personas = append(in.Personas, p.ID)
	}
	for _, r := range recs {
		if r.Kind != evidence.KindMeasurement {
			continue
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(r.Data))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("measurement %s: %w", r.ID, err)
		}
		m["record"] = r.ID
		m["persona"] = r.Persona
		in.Measurements[r.Probe] = append(in.Measurements[r.Probe], m)
	}
	return in, nil
}

// designated passes on the designations that name a service or a date;
// bare kinds travel in Platform.Designations alone.
func designated(ds []profile.Designation) []rules.Designation {
	var out []rules.Designation
	for _, d := range ds {
		if d.Service != "" || d.Date != "" {
			out = append(out, rules.Designation{Kind: d.Kind, Service: d.Service, Date: d.Date})
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func judge(ctx context.Context, e *policies.Engine, prof *profile.Profile, recs []evidence.Record, started time.Time, version string, more map[string][]map[string]any) (*policies.Report, error) {
	in, err := BuildInput(prof, recs, started, version)
	if err != nil {
		return nil, err
	}
	for family, ms := range more {
		in.Measurements[family] = append(in.Measurements[family], ms...)
	}
	rep, err := e.Evaluate(ctx, in)
	if err != nil {
		return nil, err
	}
	rep.Tool = policies.Tool{Name: "platscan", Version: version}
	rep.Summary.Records = len(recs)
	return rep, nil
}

// storedRun is what re-judging a run reads from its directory.
type storedRun struct {
	dir     string
	recs    []evidence.Record
	prof    *profile.Profile
	started string // manifest start time (RFC 3339), "" when unreadable
}

func openRun(dir string) (storedRun, error) {
	recs, err := evidence.ReadRecords(dir)
	if err != nil {
		return storedRun{}, err
	}
	prof, err := LoadProfile(dir, recs)
	if err != nil {
		return storedRun{}, err
	}
	r := storedRun{dir: dir, recs: recs, prof: prof}
	if m, err := evidence.ReadManifest(dir); err == nil {
		r.started = m.Started
	}
	return r, nil
}

func (r storedRun) judge(ctx context.Context, e *policies.Engine, version string, more map[string][]map[string]any) (*policies.Report, error) {
	started, _ := time.Parse(time.RFC3339, r.started)
	return judge(ctx, e, r.prof, r.recs, started, version, more)
}

// Eval re-judges the evidence stored in dir with e, without touching the
// network or the run directory: stored evidence is never rewritten.
func Eval(ctx context.Context, dir string, e *policies.Engine, version string) (*policies.Report, error) {
	r, err := openRun(dir)
	if err != nil {
		return nil, err
	}
	return r.judge(ctx, e, version, nil)
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
