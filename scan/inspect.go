package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/evidence/warc"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/fetch"
	"github.com/platscan/platscan/probes/inspect"
	"github.com/platscan/platscan/profile"
)

// InspectOptions configure the inspection of one page.
type InspectOptions struct {
	// Dir is the run directory to create for the page's evidence.
	Dir     string
	Version string
	// Persona fetches the page (default the profile's first).
	Persona   string
	Now       func() time.Time
	Logger    *slog.Logger
	Transport http.RoundTripper
	Signer    evidence.Signer
	// AllowPrivate lets the page be on a private or loopback address (a
	// lab target), as the profile's limits.allow_private does.
	AllowPrivate bool
}

// Inspection is one inspected page and the run that holds its evidence.
type Inspection struct {
	Dir      string
	Report   *inspect.Report
	Manifest evidence.Manifest
}

// Inspect fetches one page of the platform prof describes, as a persona
// of it (logged in and warmed up like in a scan), records the exchange as
// a scan does (records, blobs, WARC, a sealed and signed manifest, no
// findings), and returns what every probe reads from the page. ref may be
// a path on the platform or an absolute URL.
func Inspect(ctx context.Context, prof *profile.Profile, ref string, opts InspectOptions) (*Inspection, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	persona := opts.Persona
	if persona == "" {
		persona = prof.Personas[0].ID
	}
	if _, ok := prof.Persona(persona); !ok {
		return nil, fault.Input(fmt.Errorf("--persona %q: the profile has no such persona", persona))
	}
	u, err := prof.Resolve(ref)
	if err != nil {
		return nil, fault.Input(err)
	}
	store, err := evidence.Create(opts.Dir, evidence.Options{Now: opts.Now})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	profRec, err := storeProfile(store, prof)
	if err != nil {
		return nil, err
	}
	man := evidence.Manifest{Started: opts.Now().UTC().Format(time.RFC3339), ProfileSHA256: profRec.BodySHA256,
		Tool: evidence.Tool{Name: "platscan", Version: opts.Version}, Platform: prof.Platform.Name, Capture: warc.FileName}
	capture, err := warc.Create(filepath.Join(opts.Dir, warc.FileName), map[string]string{
		"software": "platscan " + opts.Version, "format": "WARC File Format 1.1", "isPartOf": prof.Platform.Name,
		"description": "the HTTP exchange of one page inspected with platscan inspect; see records.jsonl"})
	if err != nil {
		return nil, err
	}
	l := prof.Limits
	f := fetch.New(store, fetch.Options{RatePerSecond: l.RatePerSecond, MaxBody: l.MaxBodyBytes, Timeout: l.TimeoutDur,
		MaxRedirects: l.Redirects(), Retries: l.RetryCount(), MaxRequests: l.MaxPages, ObeyRobots: l.ObeysRobots(), StrictRobots: l.StrictRobots,
		AllowPrivate: l.AllowPrivate || opts.AllowPrivate, Transport: opts.Transport, Logger: opts.Logger, Capture: capture, Redact: prof.Matcher()})
	t := probes.NewTarget(prof, f, store)
	t.ProfileRecord = profRec.ID
	man.Robots = l.RobotsPolicy()
	rep, inspectErr := inspect.Page(ctx, t, persona, u)
	closeErr := capture.Close()
	man.Finished = opts.Now().UTC().Format(time.RFC3339)
	man.Complete = inspectErr == nil && closeErr == nil
	if man, err = seal(ctx, opts.Dir, store, man, opts.Signer); err != nil {
		return nil, errors.Join(inspectErr, closeErr, err)
	}
	if inspectErr != nil || closeErr != nil {
		return nil, errors.Join(inspectErr, closeErr)
	}
	return &Inspection{Dir: opts.Dir, Report: rep, Manifest: man}, nil
}

// InspectProfile is the profile `platscan inspect` uses when none is
// given: the page's site as the platform, one persona with platscan's
// own User-Agent, robots.txt obeyed, the default limits.
func InspectProfile(pageURL string) (*profile.Profile, error) {
	u, err := url.Parse(pageURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fault.Input(fmt.Errorf("%q is not an absolute http(s) URL (give --profile to inspect a path on a profile's platform)", pageURL))
	}
	raw := fmt.Sprintf("# written by platscan inspect: no --profile was given\nplatform: {name: %q, base_url: %q, jurisdictions: [cn]}\npersonas: [{id: visitor}]\n",
		u.Hostname(), u.Scheme+"://"+u.Host+"/")
	p, err := profile.Parse("inspect-profile.yaml", []byte(raw))
	if err != nil {
		return nil, fmt.Errorf("inspect profile for %s: %w", strings.TrimSpace(pageURL), err)
	}
	return p, nil
}
