package fsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// WriteFileAtomic writes data to path with permissions perm such that path
// always holds either its previous content or all of data. The data goes to
// a temporary file in the same directory, which is synced, given perm and
// renamed over path; the directory is then synced so the rename survives a
// crash.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	return writeRenamed(path, data, perm, true)
}

// WriteFileCache writes data to path through a temporary file renamed
// into place, as WriteFileAtomic does, but syncs nothing: readers never
// see a partly written file, yet after a power failure path may hold
// nothing or a prefix. For cache entries, which are checked when read and
// fetched again when they fail; a sync per entry made cold runs wait on
// the filesystem's journal hundreds of times.
func WriteFileCache(path string, data []byte, perm fs.FileMode) error {
	return writeRenamed(path, data, perm, false)
}

func writeRenamed(path string, data []byte, perm fs.FileMode, sync bool) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Chmod(perm); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if sync {
		if err = tmp.Sync(); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if sync {
		if err = SyncDir(dir); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}

// SyncDir flushes a directory's entries to stable storage, so that files
// created or renamed in it survive a crash. Filesystems and platforms that
// cannot sync a directory (Windows, some network filesystems) are not an
// error.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !isUnsupported(err) {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}

// isUnsupported reports whether err says the operation is not possible on
// this file or filesystem (as opposed to a real I/O failure).
func isUnsupported(err error) bool {
	return errors.Is(err, errors.ErrUnsupported) || isNotSupportedErrno(err)
}
