package scan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	m, sums, err := readExports(inputs, opts.TopK)
	if err != nil {
		return nil, err
	}
	store, err := evidence.Create(opts.Dir, evidence.Options{Now: opts.Now})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	started := opts.Now().UTC()
	var ids []string
	for i, in := range inputs {
		sum, err := storeFile(store, in)
		if err != nil {
			return nil, err
		}
		if sum != sums[i] {
			return nil, fault.Input(fmt.Errorf("%s changed while it was being read; check it again", in))
		}
		data, _ := evidence.DataJSON(map[string]any{"format": "ranking export", "file": filepath.Base(in)})
		r, err := store.Append(evidence.Record{Kind: evidence.KindImport, Probe: ranking.ID, URL: "file:" + filepath.Base(in), BodySHA256: sum, Data: data})
		if err != nil {
			return nil, err
		}
		ids = append(ids, r.ID)
	}
	m.Key, m.Evidence = "metrics", ids
	if _, err := probes.Record(store, "", &m); err != nil {
		return nil, err
	}

	head := measure.Input{
		Platform: measure.Platform{Name: opts.Platform, Jurisdictions: nonNil(opts.Jurisdictions), Designations: nonNil(opts.Designations)},
		Run:      measure.Run{Started: started.Format(time.RFC3339), Tool: "platscan " + opts.Version, Complete: true},
		Personas: []string{}, FirstParty: measure.FirstParty{Brands: []string{}, Sellers: []string{}}, Competitors: []string{},
	}
	doc, _, err := BuildInput(head, evidence.Records(opts.Dir))
	if err != nil {
		return nil, err
	}
	rep, judgeErr := evaluate(ctx, opts.Engine, doc, opts.Version, store.Count())
	if rep == nil {
		return nil, judgeErr
	}
	sum, err := writeFindings(opts.Dir, rep)
	if err != nil {
		return nil, err
	}
	man := evidence.Manifest{Tool: evidence.Tool{Name: "platscan", Version: opts.Version}, Platform: opts.Platform,
		PolicyBundleSHA256: opts.Engine.BundleHash(), FindingsSHA256: sum,
		Started: started.Format(time.RFC3339), Finished: opts.Now().UTC().Format(time.RFC3339), Complete: true}
	if man, err = seal(ctx, opts.Dir, store, man, opts.Signer); err != nil {
		return nil, err
	}
	return &Result{Dir: opts.Dir, Report: rep, Manifest: man}, judgeErr
}

// readExports computes the ranking metrics of the exports, streaming them
// one query at a time so that memory does not grow with their size, and
// returns each file's SHA-256 as read. Exports whose rows are not grouped
// by query are read again, whole.
func readExports(inputs []string, topK int) (ranking.Metrics, []string, error) {
	acc := ranking.NewAccumulator(topK)
	sums := make([]string, len(inputs))
	grouped := true
	for i, in := range inputs {
		sum, err := eachFile(in, acc.Add)
		if errors.Is(err, ranking.ErrNotGrouped) {
			grouped = false
			break
		}
		if err != nil {
			return ranking.Metrics{}, nil, err
		}
		sums[i] = sum
	}
	if grouped {
		return acc.Metrics(nil), sums, nil
	}
	var rows []ranking.Row
	for i, in := range inputs {
		sum, err := eachFile(in, func(r ranking.Row) error {
			rows = append(rows, r)
			return nil
		})
		if err != nil {
			return ranking.Metrics{}, nil, err
		}
		sums[i] = sum
	}
	return ranking.Compute(rows, nil, topK), sums, nil
}

// eachFile streams the export at path to fn and returns the file's
// SHA-256.
func eachFile(path string, fn func(ranking.Row) error) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fault.Input(err)
	}
	defer f.Close()
	h := sha256.New()
	tee := io.TeeReader(f, h)
	if err := ranking.Each(path, tee, fn); err != nil {
		if errors.Is(err, ranking.ErrNotGrouped) {
			return "", err
		}
		return "", fault.Input(err)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil { // the rest of the file, for the hash
		return "", fault.Input(err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// storeFile streams the file at path into the blob store.
func storeFile(store *evidence.Store, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fault.Input(err)
	}
	defer f.Close()
	sum, _, err := store.PutBlobFrom(f)
	return sum, err
}
