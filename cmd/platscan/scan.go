package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/evidence"
	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/scan"
)

func scanCommand() *cli.Command {
	return &cli.Command{
		Name:      "scan",
		Usage:     "probe a platform, store evidence, evaluate, report",
		ArgsUsage: " ",
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "profile", Usage: "platform profile `FILE` (docs/profile.md); repeat it to scan several platforms at once"},
			&cli.StringFlag{Name: "profiles", Usage: "scan every platform profile (*.yaml, *.yml) in `DIR`, each into its own run under --out"},
			&cli.IntFlag{Name: "parallel", Value: 4, Usage: "with several profiles, scan at most `N` platforms at once"},
			&cli.StringFlag{Name: "resume", Usage: "continue the interrupted run in `DIR` with the profile stored in it (give --profile too when that profile had secrets, which are stored redacted)"},
			&cli.StringFlag{Name: "out", Usage: "run `DIR` to create (default runs/<platform>-<time>)"},
			&cli.StringSliceFlag{Name: "probe", Usage: "run only this probe `ID` (repeatable)"},
			allowPrivateFlag(),
			keyFlag(),
		}, judgeFlags()...),
		Action: func(c *cli.Context) error {
			budgetMemory(c.Context)
			jp := judgeParamsFrom(c)
			if manyProfiles(c) {
				return scanMany(c, jp)
			}
			if dir := c.String("resume"); dir != "" {
				// A profile with secrets is stored redacted; the original
				// comes back with --profile (scan.Resume checks it is the same).
				var prof *profile.Profile
				switch paths := c.StringSlice("profile"); len(paths) {
				case 0:
				case 1:
					var err error
					if prof, err = profile.Load(paths[0]); err != nil {
						return inputErr(err)
					}
				default:
					return inputErr(errors.New("--resume continues one run: give at most one --profile (the original of the profile stored in it)"))
				}
				e, err := jp.engine(c.Context)
				if err != nil {
					return err
				}
				res, err := resumeOne(c, dir, prof, e)
				if res == nil {
					return err
				}
				note(c, "run completed in %s (verify with: platscan verify %s)", res.Dir, res.Dir)
				return errors.Join(judgedErr(err), jp.render(c, res.Report, res.Dir))
			}
			if len(c.StringSlice("profile")) == 0 {
				return inputErr(errors.New("scan needs --profile FILE, --profiles DIR or --resume RUN"))
			}
			if err := scan.ValidateProbes(c.StringSlice("probe")); err != nil {
				return inputErr(err)
			}
			prof, err := profile.Load(c.StringSlice("profile")[0])
			if err != nil {
				return inputErr(err)
			}
			e, err := jp.engine(c.Context)
			if err != nil {
				return err
			}
			out := c.String("out")
			if out == "" {
				out = filepath.Join("runs", fmt.Sprintf("%s-%s", slug(prof.Platform.Name), time.Now().UTC().Format("20060102T150405Z")))
			}
			res, err := scanOne(c, prof, out, e)
			if res == nil {
				return err
			}
			note(c, "run stored in %s (verify with: platscan verify %s)", res.Dir, res.Dir)
			return errors.Join(judgedErr(err), jp.render(c, res.Report, res.Dir))
		},
	}
}

// scanOne runs a scan with a progress bar when stderr is a terminal.
func scanOne(c *cli.Context, prof *profile.Profile, dir string, e *policies.Engine) (*scan.Result, error) {
	sig, err := signer(c)
	if err != nil {
		return nil, err
	}
	opts := scan.Options{Dir: dir, Engine: e, Version: version, Logger: logger(c), Signer: sig, Probes: c.StringSlice("probe"), AllowPrivate: allowPrivate(c)}
	if isTerminal(c.App.ErrWriter) && !c.Bool("quiet") {
		var bar *progressbar.ProgressBar
		opts.Progress = func(probe string, done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(prof.Platform.Name))
			}
			if probe != "" {
				bar.Describe(prof.Platform.Name + ": " + probe)
			}
			bar.Set(done) //nolint:errcheck // a progress bar may fail quietly
			if done == total {
				bar.Finish() //nolint:errcheck
				fmt.Fprintln(os.Stderr)
			}
		}
	}
	res, err := scan.Run(c.Context, prof, opts)
	return scanOutcome(c, res, err, dir)
}

// scanOutcome keeps a finished scan's result (with a policy error, if
// one failed) and gives every other error its exit code.
func scanOutcome(c *cli.Context, res *scan.Result, err error, dir string) (*scan.Result, error) {
	switch {
	case err == nil || (res != nil && res.Report != nil && (fault.KindOf(err) == fault.KindPolicy || errors.Is(err, scan.ErrIncomplete))):
		// Judged, with a policy error or on what an incomplete scan read.
		return res, err
	case errors.Is(err, evidence.ErrRunExists) || errors.Is(err, scan.ErrUnknownProbe) || errors.Is(err, evidence.ErrDamaged) ||
		errors.Is(err, scan.ErrProfileNeeded) || errors.Is(err, scan.ErrProfileMismatch):
		return nil, inputErr(err)
	case fault.KindOf(err) == fault.KindInput:
		return nil, err
	case errors.Is(err, scan.ErrUnreachable) || c.Context.Err() != nil || fault.KindOf(err) == fault.KindIncomplete:
		return nil, scanErr(fmt.Errorf("%w (what was recorded is kept in %s)", err, dir))
	default:
		return nil, scanErr(err)
	}
}

func resumeOne(c *cli.Context, dir string, prof *profile.Profile, e *policies.Engine) (*scan.Result, error) {
	if _, err := os.Stat(filepath.Join(dir, "records.jsonl")); err != nil {
		return nil, inputErr(fmt.Errorf("%s is not a platscan run directory (no records.jsonl)", dir))
	}
	sig, err := signer(c)
	if err != nil {
		return nil, err
	}
	res, err := scan.Resume(c.Context, scan.Options{Dir: dir, Engine: e, Version: version, Logger: logger(c), Signer: sig, Profile: prof, AllowPrivate: allowPrivate(c)})
	return scanOutcome(c, res, err, dir)
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0:
			b.WriteRune('-')
		}
	}
	if b.Len() == 0 {
		return "platform"
	}
	return strings.TrimRight(b.String(), "-")
}
