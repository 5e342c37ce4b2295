//go:build !linux

package evidence

import "os"

// syncAll makes the run durable: each blob written since the last sync,
// the capture, then the journal.
func syncAll(journal *os.File, blobs []string, dir string) error {
	return syncFiles(journal, blobs, dir)
}
