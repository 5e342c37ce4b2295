// Package scan runs a scan end to end: profile -> probes -> evidence ->
// policy input -> findings, and re-judges stored runs. It renders nothing;
// report does that.
package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/evidence/warc"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/probes/terms"
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

	errTargetDown = errors.New("the platform stopped answering")
	// ErrProfileNeeded means Resume needs the original profile: the
	// stored one has its secrets redacted.
	ErrProfileNeeded = errors.New("original profile needed")
	// ErrProfileMismatch means the profile given to Resume is not the
	// one the run was started with.
	ErrProfileMismatch = errors.New("profile does not match the run")
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
	// Profile is the original profile for Resume when the stored one had
	// secrets redacted; it must redact to the stored bytes.
	Profile *profile.Profile
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
	if err := browserReady(prof, opts.Probes); err != nil {
		return nil, err
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
// it, or with opts.Profile when the stored one had secrets removed. Work whose measurement is already recorded is not done again; a
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
	prof, err := resumeProfile(opts.Dir, recs, opts.Profile)
	if err != nil {
		return nil, err
	}
	if err := browserReady(prof, opts.Probes); err != nil {
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

// resumeProfile is the profile a resumed scan continues with. The stored
// one lacks the secrets it was redacted of (logins, cookies, personal
// data to remove), so a run whose profile had any needs the original,
// which must be the one the run was started with in everything but the
// secrets (the run cannot tell which password was used).
func resumeProfile(dir string, recs []evidence.Record, given *profile.Profile) (*profile.Profile, error) {
	var stored evidence.Record
	var d struct{ Role, Redacted string }
	for _, r := range recs {
		if r.Kind == evidence.KindDocument && r.Probe == "scan" && json.Unmarshal(r.Data, &d) == nil && d.Role == profileRole {
			stored = r
			break
		}
	}
	if given == nil {
		if d.Redacted == "true" {
			return nil, fmt.Errorf("%w: the profile stored in %s had its secrets removed; give the original with --profile", ErrProfileNeeded, dir)
		}
		return LoadProfile(dir, recs)
	}
	raw, err := redactedProfile(given)
	if err != nil {
		return nil, err
	}
	if evidence.SHA256(raw) != stored.BodySHA256 {
		return nil, fmt.Errorf("%w: %s is not the profile the run in %s was started with", ErrProfileMismatch, given.Source, dir)
	}
	return given, nil
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
	man.CatalogVersion = opts.Engine.CatalogVersion()
	man.ClassifierSHA256 = terms.ModelSHA256()
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

	// Probes run under a context that ends when the platform stops
	// answering, so none of them goes on recording refusals.
	probeCtx, stopProbes := context.WithCancelCause(ctx)
	defer stopProbes(nil)
	baseHost := ""
	if u, err := url.Parse(prof.Platform.BaseURL); err == nil {
		baseHost = u.Host
	}
	l := prof.Limits
	f := fetch.New(store, fetch.Options{RatePerSecond: l.RatePerSecond, MaxBody: l.MaxBodyBytes, Timeout: l.TimeoutDur,
		OnDown: func(host string) {
			if host == baseHost {
				stopProbes(errTargetDown)
			}
		},
		MaxRedirects: l.Redirects(), Retries: l.RetryCount(), MaxRequests: l.MaxPages, ObeyRobots: l.ObeysRobots(), StrictRobots: l.StrictRobots,
		AllowPrivate: l.AllowPrivate || opts.AllowPrivate, Transport: opts.Transport, Logger: opts.Logger, Capture: capture, Redact: prof.Matcher(), Browser: browserOptions(prof)})
	defer f.Close()

	if err := checkReachable(ctx, f, prof); err != nil {
		return &Result{Dir: opts.Dir, Manifest: man}, errors.Join(err, finish(false))
	}

	if usesBrowser(prof, opts.Probes) {
		if err := f.StartBrowser(ctx); err != nil {
			return &Result{Dir: opts.Dir, Manifest: man}, errors.Join(fault.Incomplete(err), finish(false))
		}
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
		opts.Logger.Info("probe", "id", info.ID, "platform", prof.Platform.Name, "render", prof.RenderOf(info.ID))
		target.SetRender(prof.RenderOf(info.ID))
		err := info.New().Gather(probeCtx, target)
		if err != nil && ctx.Err() == nil && errors.Is(context.Cause(probeCtx), errTargetDown) {
			man.Incomplete = fmt.Sprintf("%s stopped answering during the %s probe; probes not run: %s", strings.Join(f.Down(), ", "), info.ID, probeIDs(selected[i+1:]))
			opts.Logger.Warn("target down", "hosts", f.Down(), "platform", prof.Platform.Name)
			break
		}
		if err != nil {
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

// storeProfile keeps the profile in the run with its secrets redacted by
// the rules the fetcher applies to requests: the stored profile goes into
// every bundle, so it must not carry a password (docs/profile.md).
func storeProfile(store *evidence.Store, prof *profile.Profile) (evidence.Record, error) {
	raw, err := redactedProfile(prof)
	if err != nil {
		return evidence.Record{}, err
	}
	sum, err := store.PutBlob(raw)
	if err != nil {
		return evidence.Record{}, err
	}
	meta := map[string]string{"role": profileRole, "source": prof.Source}
	if !bytes.Equal(raw, prof.Raw) {
		meta["redacted"] = "true"
	}
	data, err := evidence.DataJSON(meta)
	if err != nil {
		return evidence.Record{}, err
	}
	return store.Append(evidence.Record{Kind: evidence.KindDocument, Probe: "scan", BodySHA256: sum, Data: data})
}

func redactedProfile(prof *profile.Profile) ([]byte, error) {
	return prof.Redacted(fetch.ProfileScrubber(prof.Matcher()))
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

// usesBrowser reports whether any of the probes ids selects (all when
// none) reads pages in a browser.
func usesBrowser(prof *profile.Profile, ids []string) bool {
	selected, err := selectProbes(ids)
	if err != nil {
		return prof.UsesBrowser()
	}
	return slices.ContainsFunc(selected, func(i probes.Info) bool { return prof.RenderOf(i.ID) == profile.RenderBrowser })
}

// browserReady checks, before a run directory is made, that a scan that
// reads pages in a browser has one to read them with.
func browserReady(prof *profile.Profile, ids []string) error {
	if !usesBrowser(prof, ids) {
		return nil
	}
	if _, err := fetch.FindBrowser(prof.Browser.Path); err != nil {
		return fault.Input(fmt.Errorf("%s: render: browser: %w", prof.Source, err))
	}
	return nil
}

// browserOptions are the fetcher's browser settings from the profile.
func browserOptions(prof *profile.Profile) fetch.BrowserOptions {
	b := prof.Browser
	o := fetch.BrowserOptions{Path: b.Path, Timeout: b.TimeoutDur, NoScreenshots: b.Screenshots != nil && !*b.Screenshots}
	if b.SettleMS != nil {
		o.Settle = time.Duration(*b.SettleMS) * time.Millisecond
		if o.Settle == 0 {
			o.Settle = time.Millisecond // 0 means no quiet time, not the default
		}
	}
	return o
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
