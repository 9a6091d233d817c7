package fsx

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// cloneFile makes dst a copy-on-write clone of src with the FICLONE ioctl.
// It fails with EXDEV across filesystems and EOPNOTSUPP (or EINVAL) on
// filesystems without reflinks; Place falls back on those.
func cloneFile(src, dst string, perm fs.FileMode) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	if err := unix.IoctlFileClone(int(out.Fd()), int(in.Fd())); err != nil {
		return &os.PathError{Op: "clone", Path: src, Err: err}
	}
	return out.Chmod(perm)
}
