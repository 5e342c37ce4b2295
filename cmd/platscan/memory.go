package main

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// memoryBudget is the soft memory limit platscan runs under unless
// GOMEMLIMIT says otherwise. A scan streams what it fetches and stores;
// what it holds at once is the policy input of its measurements (about
// 160 MiB for the 50,000 measurements of a 100,000-page pricing scan),
// which the collector's default headroom would double.
const memoryBudget = 216 << 20

// budgetMemory sets the soft memory limit for a scan and watches the live
// heap: when the work itself outgrows the budget (a very large scan),
// keeping to it would only make the collector run without end, so the
// limit is lifted and the default pacing takes over. It returns at once;
// the watcher ends with ctx. (eval and check are left to the default
// pacing: eval holds what it judges and should judge it fast; check
// streams its exports and stays small anyway.)
func budgetMemory(ctx context.Context) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return // the user's choice
	}
	debug.SetMemoryLimit(memoryBudget)
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				metrics.Read(sample)
				if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > memoryBudget*95/100 {
					debug.SetMemoryLimit(math.MaxInt64)
					return
				}
			}
		}
	}()
}
