// Package scan runs a scan end to end: profile -> probes -> evidence ->
// policy input -> findings, and re-judges stored runs. It renders nothing;
// report does that.
package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/evidence/warc"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/profile"
)

// Errors Run can return.
var (
	// ErrUnreachable means the platform's base URL gave no response at all.
	// What was recorded up to then is kept.
	ErrUnreachable = errors.New("target unreachable")
	// ErrUnknownProbe means Options.Probes names a probe that does not exist.
	ErrUnknownProbe = errors.New("unknown probe")
	// ErrIncomplete means the scan ran but the target stopped answering:
	// the run holds findings judged on what was read, and is marked
	// incomplete.
	ErrIncomplete = errors.New("scan incomplete")
)

// Options configure a scan.
type Options struct {
	// Dir is the run directory to create.
	Dir     string
	Engine  *policies.Engine
	Version string
	// Probes limits the scan to these probe ids (default all registered).
	Probes []string
	// Now is the clock; tests inject a fixed one.
	Now       func() time.Time
	Logger    *slog.Logger
	Transport http.RoundTripper
	// Progress, when set, is called as each probe starts and finishes.
	Progress func(probe string, done, total int)
	// OnRecord, when set, is called after each record is written (tests
	// use it to interrupt a scan at a chosen point).
	OnRecord func(count int)
	// AllowPrivate lets the scan reach private and loopback addresses
	// (lab targets), as the profile's limits.allow_private does; either
	// one is enough.
	AllowPrivate bool
	// Signer signs the manifest (manifest.dsse.json); nil leaves the run
	// unsigned. A signer that also has Info() KeyInfo has its public key
	// written into the manifest.
	Signer evidence.Signer
}

// Result is a finished (or stopped) scan.
type Result struct {
	Dir      string
	Report   *policies.Report
	Manifest evidence.Manifest
}

// profileRole marks the document record holding the scan profile.
const profileRole = "profile"

// Run scans the platform prof describes into a new run directory.
func Run(ctx context.Context, prof *profile.Profile, opts Options) (*Result, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if _, err := selectProbes(opts.Probes); err != nil {
		return nil, err // before anything is written
	}
	store, err := evidence.Create(opts.Dir, evidence.Options{Now: opts.Now, OnAppend: opts.OnRecord})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	profRec, err := storeProfile(store, prof)
	if err != nil {
		return nil, err
	}
	man := evidence.Manifest{Started: opts.Now().UTC().Format(time.RFC3339), ProfileSHA256: profRec.BodySHA256}
	return run(ctx, store, nil, prof, profRec.ID, man, opts)
}

// Resume continues an interrupted run in dir with the profile stored in
// it. Work whose measurement is already recorded is not done again; a
// unit cut off by the interruption is (docs/evidence.md). Sessions are
// re-established (logins, the opt-out switch) because their cookies were
// never stored.
func Resume(ctx context.Context, opts Options) (*Result, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	store, recs, err := evidence.Open(opts.Dir, evidence.Options{Now: opts.Now, OnAppend: opts.OnRecord})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	prof, err := LoadProfile(opts.Dir, recs)
	if err != nil {
		return nil, err
	}
	if err := trimCapture(opts.Dir, recs); err != nil {
		return nil, err
	}
	man := evidence.Manifest{Started: opts.Now().UTC().Format(time.RFC3339)}
	if old, err := evidence.ReadManifest(opts.Dir); err == nil {
		man.Started = old.Started
	}
	var profRec string
	for _, r := range recs {
		var d struct{ Role string }
		if r.Kind == evidence.KindDocument && r.Probe == "scan" && json.Unmarshal(r.Data, &d) == nil && d.Role == profileRole {
			man.ProfileSHA256, profRec = r.BodySHA256, r.ID
		}
	}
	// A resumed run is not finished until this pass says so.
	os.Remove(filepath.Join(opts.Dir, evidence.SignatureFile))
	os.Remove(filepath.Join(opts.Dir, evidence.ManifestFile))
	return run(ctx, store, recs, prof, profRec, man, opts)
}

// trimCapture cuts the WARC file back to the end of the last exchange a
// record names, dropping what an interruption left half-written.
func trimCapture(dir string, recs []evidence.Record) error {
	var end int64
	for _, r := range recs {
		if r.Kind != evidence.KindExchange {
			continue
		}
		var d struct {
			WARC *warc.IDs `json:"warc"`
		}
		if json.Unmarshal(r.Data, &d) == nil && d.WARC != nil && d.WARC.End > end {
			end = d.WARC.End
		}
	}
	path := filepath.Join(dir, warc.FileName)
	fi, err := os.Stat(path)
	if err != nil || fi.Size() <= end {
		return nil
	}
	if err := os.Truncate(path, end); err != nil {
		return fmt.Errorf("trim capture: %w", err)
	}
	return nil
}

func run(ctx context.Context, store *evidence.Store, prior []evidence.Record, prof *profile.Profile, profRec string, man evidence.Manifest, opts Options) (*Result, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	started, _ := time.Parse(time.RFC3339, man.Started)
	man.Tool = evidence.Tool{Name: "platscan", Version: opts.Version}
	man.Platform = prof.Platform.Name
	man.PolicyBundleSHA256 = opts.Engine.BundleHash()
	capture, err := warc.Create(filepath.Join(opts.Dir, warc.FileName), map[string]string{
		"software": "platscan " + opts.Version, "format": "WARC File Format 1.1", "isPartOf": prof.Platform.Name,
		"description": "HTTP exchanges of a platscan compliance scan; see records.jsonl for the evidence chain"})
	if err != nil {
		return nil, err
	}
	man.Capture = warc.FileName

	// finish writes the manifest whatever happens, so an interrupted run
	// still says what it holds, and signs it.
	finish := func(complete bool) error {
		man.Complete = complete
		man.Finished = opts.Now().UTC().Format(time.RFC3339)
		var errs []error
		if err := capture.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close capture: %w", err))
		}
		if sum, err := evidence.FileSHA256(filepath.Join(opts.Dir, warc.FileName)); err == nil {
			man.CaptureSHA256 = sum
		}
		var err error
		if man, err = seal(ctx, opts.Dir, store, man, opts.Signer); err != nil {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}

	l := prof.Limits
	f := fetch.New(store, fetch.Options{RatePerSecond: l.RatePerSecond, MaxBody: l.MaxBodyBytes, Timeout: l.TimeoutDur,
		MaxRedirects: l.Redirects(), Retries: l.RetryCount(), MaxRequests: l.MaxPages, ObeyRobots: l.ObeysRobots(), StrictRobots: l.StrictRobots,
		AllowPrivate: l.AllowPrivate || opts.AllowPrivate, Transport: opts.Transport, Logger: opts.Logger, Capture: capture, Redact: prof.Matcher()})

	if err := checkReachable(ctx, f, prof); err != nil {
		return &Result{Dir: opts.Dir, Manifest: man}, errors.Join(err, finish(false))
	}

	target := probes.NewTarget(prof, f, store)
	target.ProfileRecord = profRec
	if prior != nil {
		target.Resume(prior)
	}
	selected, err := selectProbes(opts.Probes)
	if err != nil {
		return nil, errors.Join(err, finish(false))
	}
	man.Robots = l.RobotsPolicy()
	for i, info := range selected {
		if down := f.Down(); len(down) > 0 {
			// The target stopped answering: what was read is kept and
			// judged; what was not is unknown, and the run says so.
			man.Incomplete = fmt.Sprintf("%s stopped answering during the scan; probes not run: %s", strings.Join(down, ", "), probeIDs(selected[i:]))
			opts.Logger.Warn("target down", "hosts", down, "platform", prof.Platform.Name)
			break
		}
		if opts.Progress != nil {
			opts.Progress(info.ID, i, len(selected))
		}
		opts.Logger.Info("probe", "id", info.ID, "platform", prof.Platform.Name)
		if err := info.New().Gather(ctx, target); err != nil {
			return &Result{Dir: opts.Dir, Manifest: man}, errors.Join(fmt.Errorf("probe %s: %w", info.ID, err), finish(false))
		}
	}
	if down := f.Down(); len(down) > 0 && man.Incomplete == "" {
		man.Incomplete = fmt.Sprintf("%s stopped answering during the scan", strings.Join(down, ", "))
	}
	if opts.Progress != nil {
		opts.Progress("", len(selected), len(selected))
	}

	doc, n, err := BuildInput(profileHeader(prof, started, opts.Version, man.Incomplete == ""), evidence.Records(opts.Dir))
	if err != nil {
		return nil, errors.Join(err, finish(false))
	}
	rep, judgeErr := evaluate(ctx, opts.Engine, doc, opts.Version, n)
	if rep == nil {
		return nil, errors.Join(judgeErr, finish(false))
	}
	// A policy that failed leaves its obligations marked error; the rest
	// of the judgement is kept and the error returned after sealing.
	sum, err := writeFindings(opts.Dir, rep)
	if err != nil {
		return nil, errors.Join(err, finish(false))
	}
	man.FindingsSHA256 = sum
	if err := finish(man.Incomplete == ""); err != nil {
		return nil, err
	}
	res := &Result{Dir: opts.Dir, Report: rep, Manifest: man}
	if man.Incomplete != "" {
		// Judged on what was read, and still an incomplete scan.
		return res, errors.Join(fault.Incomplete(fmt.Errorf("%w: %s", ErrIncomplete, man.Incomplete)), judgeErr)
	}
	return res, judgeErr
}

// writeFindings stores rep as findings.json and returns its SHA-256.
func writeFindings(dir string, rep *policies.Report) (string, error) {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode findings: %w", err)
	}
	b = append(b, '\n')
	if err := evidence.WriteFile(dir, evidence.FindingsFile, b); err != nil {
		return "", err
	}
	return evidence.SHA256(b), nil
}

// seal completes man from the store (record count, chain head, Merkle
// root, the signer's key), writes it, and signs it when there is a signer.
// Signing ignores cancellation: what a cancelled scan kept deserves a
// signature too.
func seal(ctx context.Context, dir string, store *evidence.Store, man evidence.Manifest, signer evidence.Signer) (evidence.Manifest, error) {
	// The manifest never names a record that is not durable.
	if err := store.Finish(); err != nil {
		return man, err
	}
	man.Records, man.ChainHead = store.Count(), store.Head()
	root, err := evidence.MerkleRoot(store.IDs())
	if err != nil {
		return man, err
	}
	man.MerkleRoot = root
	if info, ok := signer.(interface{ Info() evidence.KeyInfo }); ok {
		ki := info.Info()
		man.SigningKey = &ki
	}
	if err := evidence.WriteManifest(dir, man); err != nil {
		return man, err
	}
	if signer != nil {
		if err := evidence.SignManifest(context.WithoutCancel(ctx), dir, signer); err != nil {
			return man, err
		}
	}
	return man, nil
}

func storeProfile(store *evidence.Store, prof *profile.Profile) (evidence.Record, error) {
	sum, err := store.PutBlob(prof.Raw)
	if err != nil {
		return evidence.Record{}, err
	}
	data, err := evidence.DataJSON(map[string]string{"role": profileRole, "source": prof.Source})
	if err != nil {
		return evidence.Record{}, err
	}
	return store.Append(evidence.Record{Kind: evidence.KindDocument, Probe: "scan", BodySHA256: sum, Data: data})
}

// checkReachable fetches the base URL once as the first persona would
// (without logging in). No response at all means the scan cannot proceed;
// any HTTP status, even an error page, means it can.
func checkReachable(ctx context.Context, f *fetch.Fetcher, prof *profile.Profile) error {
	per := prof.Personas[0]
	s, err := f.Session(per.ID, per.Headers, per.Cookies, prof.Platform.BaseURL)
	if err != nil {
		return err
	}
	page := s.Get(ctx, "scan", prof.Platform.BaseURL)
	if errors.Is(page.Err, fetch.ErrAddressBlocked) {
		// A profile pointing at an internal address is a mistake in the
		// profile (or a lab target not marked as one), not a dead host.
		return fault.Input(fmt.Errorf("%s: platform.base_url %s: %w", prof.Source, fetch.RedactURL(prof.Platform.BaseURL), page.Err))
	}
	if !f.Answers(ctx, prof.Platform.BaseURL) || (page.Status == 0 && page.Err != nil && !errors.Is(page.Err, fetch.ErrRobotsBlocked)) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %s: %v", ErrUnreachable, fetch.RedactURL(prof.Platform.BaseURL), page.Err)
	}
	return nil
}

func probeIDs(infos []probes.Info) string {
	var ids []string
	for _, i := range infos {
		ids = append(ids, i.ID)
	}
	return strings.Join(ids, ", ")
}

// ValidateProbes checks that every id names a registered probe.
func ValidateProbes(ids []string) error {
	_, err := selectProbes(ids)
	return err
}

func selectProbes(ids []string) ([]probes.Info, error) {
	all := probes.Registered()
	if len(ids) == 0 {
		return all, nil
	}
	var out []probes.Info
	for _, id := range ids {
		found := false
		for _, i := range all {
			if i.ID == id {
				out = append(out, i)
				found = true
			}
		}
		if !found {
			var known []string
			for _, i := range all {
				known = append(known, i.ID)
			}
			return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownProbe, id, strings.Join(known, ", "))
		}
	}
	return out, nil
}
