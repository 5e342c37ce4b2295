package interop

import (
	"testing"

	"github.com/platscan/platscan/probes"
	"github.com/platscan/platscan/probes/probetest"
)

func TestConformance(t *testing.T) {
	probetest.Run(t, func() probes.Probe { return &Probe{} }, probetest.Suite{})
}
