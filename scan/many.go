package scan

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/platscan/platscan/internal/fault"
	"github.com/platscan/platscan/profile"
)

// Job is one platform of a multi-platform scan: its profile and the run
// directory to create for it.
type Job struct {
	Profile *profile.Profile
	Dir     string
}

// Outcome is what became of one Job: the result of its scan (nil when it
// did not get as far as judging) and the error Run returned, as for a
// single scan.
type Outcome struct {
	Job     Job
	Result  *Result
	Err     error
	Elapsed time.Duration
}

// ManyOptions configure RunMany.
type ManyOptions struct {
	// Options are shared by every platform's scan (engine, signer,
	// probes, clock, address guard); Dir and Progress are set per job.
	Options
	// Parallel bounds how many platforms are scanned at once (default 4).
	// Each has its own fetcher, so its own per-host rate limit, budget,
	// robots.txt and health.
	Parallel int
	// Progress, when set, is called with the job's index as each of its
	// probes starts and when it finishes (probe ""), from the job's own
	// goroutine.
	Progress func(job int, probe string, done, total int)
	// Started and Done, when set, are called as each job starts and ends.
	Started func(job int)
	Done    func(job int, o Outcome)
}

// RunMany scans every job's platform into its own run directory, at most
// opts.Parallel at a time. One platform's failure (an unreachable target,
// a policy error, even a panic) is its own outcome and does not stop the
// others; cancelling ctx stops them all, each keeping what it recorded.
// The outcomes are in the order of jobs.
func RunMany(ctx context.Context, jobs []Job, opts ManyOptions) []Outcome {
	par := opts.Parallel
	if par <= 0 {
		par = 4
	}
	out := make([]Outcome, len(jobs))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = Outcome{Job: job, Err: fmt.Errorf("%s: not started: %w", job.Profile.Platform.Name, ctx.Err())}
				if opts.Done != nil {
					opts.Done(i, out[i])
				}
				return
			}
			defer func() { <-sem }()
			if opts.Started != nil {
				opts.Started(i)
			}
			out[i] = runJob(ctx, i, job, opts)
			if opts.Done != nil {
				opts.Done(i, out[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// runJob scans one platform, turning a panic into that platform's error so
// the other scans carry on.
func runJob(ctx context.Context, i int, job Job, opts ManyOptions) (o Outcome) {
	start := time.Now()
	o.Job = job
	defer func() {
		o.Elapsed = time.Since(start)
		if p := recover(); p != nil {
			o.Result = nil
			o.Err = fault.Internal(fmt.Errorf("scan of %s crashed: %v\n%s", job.Profile.Platform.Name, p, debug.Stack()))
		}
	}()
	so := opts.Options
	so.Dir = job.Dir
	so.Progress = nil
	if opts.Progress != nil {
		so.Progress = func(probe string, done, total int) { opts.Progress(i, probe, done, total) }
	}
	o.Result, o.Err = Run(ctx, job.Profile, so)
	return o
}
