package scan

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/ranking"
)

// CheckOptions configure a self-audit of a platform's own exports.
type CheckOptions struct {
	Dir           string
	Engine        *policies.Engine
	Version       string
	Platform      string
	Jurisdictions []string
	Designations  []string
	TopK          int
	Signer        evidence.Signer
	Now           func() time.Time
}

// Check judges a platform's own exports (ranking exports today: CSV or
// JSON) the way a scan judges what it fetched: each file is stored as an
// import record, the metrics become a measurement citing them, and the
// run is written, signed and verifiable like any other.
func Check(ctx context.Context, inputs []string, opts CheckOptions) (*Result, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var rows []ranking.Row
	type file struct {
		name string
		data []byte
	}
	var files []file
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			return nil, fault.Input(err)
		}
		rs, err := ranking.Import(in, b)
		if err != nil {
			return nil, fault.Input(err)
		}
		rows = append(rows, rs...)
		files = append(files, file{in, b})
	}
	store, err := evidence.Create(opts.Dir, evidence.Options{Now: opts.Now})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	started := opts.Now().UTC()
	var ids []string
	for _, f := range files {
		sum, err := store.PutBlob(f.data)
		if err != nil {
			return nil, err
		}
		data, _ := evidence.DataJSON(map[string]any{"format": "ranking export", "file": filepath.Base(f.name)})
		r, err := store.Append(evidence.Record{Kind: evidence.KindImport, Probe: ranking.ID, URL: "file:" + filepath.Base(f.name), BodySHA256: sum, Data: data})
		if err != nil {
			return nil, err
		}
		ids = append(ids, r.ID)
	}
	m := ranking.Compute(rows, nil, opts.TopK)
	m.Key, m.Evidence = "metrics", ids
	if _, err := probes.Record(store, "", &m); err != nil {
		return nil, err
	}
	recs, err := evidence.ReadRecords(opts.Dir)
	if err != nil {
		return nil, err
	}
	head := measure.Input{
		Platform: measure.Platform{Name: opts.Platform, Jurisdictions: nonNil(opts.Jurisdictions), Designations: nonNil(opts.Designations), Designated: []measure.Designation{}},
		Run:      measure.Run{Started: started.Format(time.RFC3339), Tool: "platscan " + opts.Version, Complete: true},
		Personas: []string{}, FirstParty: measure.FirstParty{Brands: []string{}, Sellers: []string{}}, Competitors: []string{},
	}
	in, err := BuildInput(head, recs)
	if err != nil {
		return nil, err
	}
	rep, judgeErr := evaluate(ctx, opts.Engine, in, opts.Version, store.Count())
	if rep == nil {
		return nil, judgeErr
	}
	sum, err := writeFindings(opts.Dir, rep)
	if err != nil {
		return nil, err
	}
	man := evidence.Manifest{Tool: evidence.Tool{Name: "platscan", Version: opts.Version}, Platform: opts.Platform,
		PolicyBundleSHA256: opts.Engine.BundleHash(), CatalogVersion: opts.Engine.CatalogVersion(), FindingsSHA256: sum,
		Started: started.Format(time.RFC3339), Finished: opts.Now().UTC().Format(time.RFC3339), Complete: true}
	if man, err = seal(ctx, opts.Dir, store, man, opts.Signer); err != nil {
		return nil, err
	}
	return &Result{Dir: opts.Dir, Report: rep, Manifest: man}, judgeErr
}

// OutOfScope lists the duties the imported families are judged under
// (the obligations of their policy packages) that were not judged
// because they do not apply to the platform as described: its
// jurisdictions or designations leave them out. A self-audit with no
// finding says nothing about these, and the caller should say so.
func OutOfScope(rep *policies.Report, e *policies.Engine, families ...string) []policies.Coverage {
	meta := e.Meta()
	out := []policies.Coverage{}
	for _, c := range rep.Coverage {
		m, ok := meta[c.Rule]
		if ok && c.Status == policies.StatusNotApplicable && slices.Contains(families, strings.TrimPrefix(m.Package, "platscan.")) {
			out = append(out, c)
		}
	}
	return out
}
