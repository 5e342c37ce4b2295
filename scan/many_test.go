package scan

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/probes/probetest"
	"github.com/platscan/platscan/profile"
)

// Platforms scanned together share the engine and the signer, and each
// outcome is its own: a dead host fails alone, the others are judged.
func TestRunManyKeepsGoing(t *testing.T) {
	var jobs []Job
	root := t.TempDir()
	for _, v := range fixtures.Variants {
		srv, err := fixtures.Start(v, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		raw, err := fixtures.Profile(v, map[string]string{v.Slug: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		prof, err := profile.Parse(v.Slug+".yaml", raw)
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, Job{Profile: prof, Dir: filepath.Join(root, v.Slug)})
	}
	dead, err := profile.Parse("dead.yaml", []byte(fmt.Sprintf("platform: {name: Dead, base_url: %q, jurisdictions: [cn]}\npersonas: [{id: a}]\nlimits: {allow_private: true, retries: 0}\n", probetest.Unreachable(t))))
	if err != nil {
		t.Fatal(err)
	}
	jobs = append(jobs, Job{Profile: dead, Dir: filepath.Join(root, "dead")})
	var started, done atomic.Int32
	outs := RunMany(context.Background(), jobs, ManyOptions{Options: Options{Engine: testEngine(t), Version: "test", Probes: []string{"terms"}, Signer: testSigner},
		Parallel: 2, Started: func(int) { started.Add(1) }, Done: func(int, Outcome) { done.Add(1) }})
	if started.Load() != 3 || done.Load() != 3 || len(outs) != 3 {
		t.Fatalf("started %d done %d outcomes %d", started.Load(), done.Load(), len(outs))
	}
	for _, o := range outs[:2] {
		if o.Err != nil || o.Result == nil || o.Result.Report == nil {
			t.Errorf("%s: %v", o.Job.Profile.Platform.Name, o.Err)
		}
	}
	if !errors.Is(outs[2].Err, ErrUnreachable) || outs[2].Job.Profile.Platform.Name != "Dead" {
		t.Errorf("dead platform: %v", outs[2].Err)
	}
}
