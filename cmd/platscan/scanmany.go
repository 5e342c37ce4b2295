package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/profile"
	"github.com/platscan/platscan/scan"
)

// manyProfiles reports whether scan was asked for several platforms.
func manyProfiles(c *cli.Context) bool {
	return c.String("profiles") != "" || len(c.StringSlice("profile")) > 1
}

// platformRun is one platform of `scan --profiles`: where its profile came
// from, the job, and what became of it.
type platformRun struct {
	path    string
	name    string
	job     scan.Job
	loadErr error
	outcome scan.Outcome
	code    int
}

// scanMany scans several platforms, each into its own run directory, a
// bounded number at a time, and ends with a summary table. A platform
// that fails (a bad profile, an unreachable target) is reported and the
// others carry on; the exit code is the worst of them.
func scanMany(c *cli.Context, jp judgeParams) error {
	if c.String("resume") != "" {
		return inputErr(errors.New("--resume continues one run; drop --profile/--profiles"))
	}
	if err := scan.ValidateProbes(c.StringSlice("probe")); err != nil {
		return inputErr(err)
	}
	if jp.output.path != "" {
		return inputErr(errors.New("--output names one file, and several platforms make several reports: drop it (each run keeps its findings; platscan report RUN renders one)"))
	}
	if c.Int("parallel") < 1 {
		return inputErr(fmt.Errorf("--parallel %d: scan at least one platform at a time", c.Int("parallel")))
	}
	paths, err := profilePaths(c.String("profiles"), c.StringSlice("profile"))
	if err != nil {
		return err
	}
	runs := loadProfiles(paths)
	assignDirs(runs, c.String("out"), time.Now().UTC())

	e, err := jp.engine(c.Context)
	if err != nil {
		return err
	}
	sig, err := signer(c)
	if err != nil {
		return err
	}
	var jobs []scan.Job
	var index []int // job number -> runs index
	for i, r := range runs {
		if r.loadErr == nil {
			jobs = append(jobs, r.job)
			index = append(index, i)
		}
	}
	prog := newManyProgress(c.App.ErrWriter, runs, index)
	outs := scan.RunMany(c.Context, jobs, scan.ManyOptions{
		Options:  scan.Options{Engine: e, Version: version, Logger: logger(c), Signer: sig, Probes: c.StringSlice("probe"), AllowPrivate: allowPrivate(c)},
		Parallel: c.Int("parallel"),
		Started:  prog.started,
		Progress: prog.probe,
		Done:     prog.done,
	})
	prog.finish()

	w := c.App.Writer
	worst := exitOK
	for j, o := range outs {
		r := &runs[index[j]]
		r.outcome = o
		res, err := scanOutcome(c, o.Result, o.Err, o.Job.Dir)
		if err != nil {
			r.code = exitCode(err, true)
		}
		if res != nil && res.Report != nil {
			if jp.output.format == "text" {
				fmt.Fprintf(w, "=== %s (%s) -> %s\n", r.name, r.path, res.Dir)
			}
			if rerr := jp.render(c, res.Report, res.Dir); rerr != nil && r.code == exitOK {
				r.code = exitCode(rerr, true)
			}
			if jp.output.format == "text" {
				fmt.Fprintln(w)
			}
		}
	}
	for _, r := range runs {
		worst = max(worst, r.code)
	}
	sw := w
	if jp.output.format != "text" {
		sw = c.App.ErrWriter // keep machine-readable output clean
	}
	writeSummary(sw, runs)
	if worst == exitOK {
		return nil
	}
	return &exitError{code: worst, err: errors.New("")}
}

// profilePaths lists the profiles of dir (sorted) followed by the ones
// named one by one.
func profilePaths(dir string, named []string) ([]string, error) {
	var out []string
	if dir != "" {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil, inputErr(fmt.Errorf("--profiles: %w", err))
		}
		for _, e := range ents {
			if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
		if len(out) == 0 {
			return nil, inputErr(fmt.Errorf("--profiles %s: no .yaml or .yml profiles in it", dir))
		}
	}
	out = append(out, named...)
	seen := map[string]bool{}
	for _, p := range out {
		abs, _ := filepath.Abs(p)
		if seen[abs] {
			return nil, inputErr(fmt.Errorf("profile %s is named twice", p))
		}
		seen[abs] = true
	}
	return out, nil
}

// loadProfiles loads every profile; one that does not load is kept with
// its error, to be reported, and the others are still scanned.
func loadProfiles(paths []string) []platformRun {
	runs := make([]platformRun, len(paths))
	for i, p := range paths {
		runs[i].path = p
		prof, err := profile.Load(p)
		if err != nil {
			runs[i].loadErr, runs[i].code, runs[i].name = err, exitInput, filepath.Base(p)
			continue
		}
		runs[i].name, runs[i].job.Profile = prof.Platform.Name, prof
	}
	return runs
}

// assignDirs gives each platform its run directory: out/<platform> when
// --out names a parent directory, else runs/<platform>-<time> as a single
// scan would. Two profiles of one platform name are told apart by their
// file names.
func assignDirs(runs []platformRun, out string, now time.Time) {
	count := map[string]int{}
	for _, r := range runs {
		if r.loadErr == nil {
			count[slug(r.name)]++
		}
	}
	for i := range runs {
		r := &runs[i]
		if r.loadErr != nil {
			continue
		}
		name := slug(r.name)
		if count[name] > 1 {
			name += "-" + slug(strings.TrimSuffix(filepath.Base(r.path), filepath.Ext(r.path)))
		}
		if out != "" {
			r.job.Dir = filepath.Join(out, name)
		} else {
			r.job.Dir = filepath.Join("runs", fmt.Sprintf("%s-%s", name, now.Format("20060102T150405Z")))
		}
	}
}

// writeSummary prints one line per platform: what became of its scan.
func writeSummary(w io.Writer, runs []platformRun) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PLATFORM\tSTATUS\tFINDINGS (H/M/L)\tRECORDS\tTIME\tRUN\tPROFILE")
	for _, r := range runs {
		status, findings, records, elapsed, dir := "invalid profile", "-", "-", "-", "-"
		if r.loadErr == nil {
			o := r.outcome
			dir = o.Job.Dir
			elapsed = o.Elapsed.Round(100 * time.Millisecond).String()
			status = outcomeStatus(o)
			if o.Result != nil {
				records = fmt.Sprint(o.Result.Manifest.Records)
				if rep := o.Result.Report; rep != nil {
					findings = fmt.Sprintf("%d (%d/%d/%d)", len(rep.Findings), rep.Summary.High, rep.Summary.Medium, rep.Summary.Low)
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name, status, findings, records, elapsed, dir, r.path)
	}
	tw.Flush()
	for _, r := range runs {
		err := r.loadErr
		if err == nil {
			err = r.outcome.Err
		}
		if err != nil {
			fmt.Fprintf(w, "%s: %s\n", r.name, firstLine(err.Error()))
		}
	}
}

func outcomeStatus(o scan.Outcome) string {
	switch {
	case o.Err == nil:
		return "complete"
	case errors.Is(o.Err, scan.ErrIncomplete):
		return "incomplete"
	case o.Result != nil && o.Result.Report != nil:
		return "policy error"
	case errors.Is(o.Err, scan.ErrUnreachable):
		return "unreachable"
	}
	return "failed"
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// manyProgress shows how the scans are going: one status line, redrawn
// in place, on a terminal; structured log lines otherwise.
type manyProgress struct {
	w     io.Writer
	tty   bool
	log   *slog.Logger
	names []string // by job number

	mu     sync.Mutex
	status map[int]string // running jobs: what they are doing
	ended  int
}

func newManyProgress(w io.Writer, runs []platformRun, index []int) *manyProgress {
	p := &manyProgress{w: w, tty: isTerminal(w), status: map[int]string{}}
	for _, i := range index {
		p.names = append(p.names, runs[i].name)
	}
	if !p.tty {
		p.log = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return p
}

func (p *manyProgress) started(job int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status[job] = "starting"
	if p.log != nil {
		p.log.Info("scan started", "platform", p.names[job])
	}
	p.redraw()
}

func (p *manyProgress) probe(job int, probe string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if probe == "" {
		p.status[job] = "judging"
	} else {
		p.status[job] = fmt.Sprintf("%s %d/%d", probe, done+1, total)
	}
	if p.log != nil && probe != "" {
		p.log.Info("probe", "platform", p.names[job], "probe", probe, "step", done+1, "of", total)
	}
	p.redraw()
}

func (p *manyProgress) done(job int, o scan.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.status, job)
	p.ended++
	if p.log != nil {
		attrs := []any{"platform", p.names[job], "status", outcomeStatus(o), "elapsed", o.Elapsed.Round(time.Millisecond).String(), "run", o.Job.Dir}
		if o.Err != nil {
			attrs = append(attrs, "err", firstLine(o.Err.Error()))
		}
		p.log.Info("scan ended", attrs...)
	}
	p.redraw()
}

// redraw rewrites the terminal's status line (callers hold mu).
func (p *manyProgress) redraw() {
	if !p.tty {
		return
	}
	jobs := make([]int, 0, len(p.status))
	for j := range p.status {
		jobs = append(jobs, j)
	}
	slices.Sort(jobs)
	parts := []string{fmt.Sprintf("%d/%d done", p.ended, len(p.names))}
	for _, j := range jobs {
		parts = append(parts, p.names[j]+": "+p.status[j])
	}
	fmt.Fprintf(p.w, "\r\033[K%s", strings.Join(parts, " | "))
}

func (p *manyProgress) finish() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
