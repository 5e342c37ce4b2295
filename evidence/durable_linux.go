package evidence

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncAll makes the run durable. On Linux one syncfs(2) flushes the blobs,
// the capture and the journal together (the whole file system the run is
// on): one call instead of one fsync per blob. The journal is then synced
// on its own as well, for file systems where syncfs reports nothing.
func syncAll(journal *os.File, blobs []string, dir string) error {
	if err := unix.Syncfs(int(journal.Fd())); err != nil {
		return syncFiles(journal, blobs, dir)
	}
	return journal.Sync()
}
