package fsx

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// cloneFile makes dst a copy-on-write clone of src with clonefile(2), which
// APFS supports. It fails with EXDEV across volumes and ENOTSUP elsewhere;
// Place falls back on those.
func cloneFile(src, dst string, perm fs.FileMode) error {
	if err := unix.Clonefile(src, dst, unix.CLONE_NOFOLLOW); err != nil {
		return &os.PathError{Op: "clonefile", Path: src, Err: err}
	}
	return os.Chmod(dst, perm)
}
