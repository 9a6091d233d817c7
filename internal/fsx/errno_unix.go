//go:build unix

package fsx

import (
	"errors"

	"golang.org/x/sys/unix"
)

// isLinkModeErrno reports whether err is an errno meaning a clone or hard
// link is not possible between two paths, so a more widely supported mode
// should be tried. (ENOTSUP and EOPNOTSUPP are the same number on Linux but
// not everywhere.)
func isLinkModeErrno(err error) bool {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return false
	}
	for _, e := range [...]unix.Errno{
		unix.EXDEV,                    // different filesystems
		unix.ENOTSUP, unix.EOPNOTSUPP, // filesystem lacks the feature
		unix.EINVAL, unix.ENOTTY, unix.ENOSYS, // ioctl not understood
		unix.EPERM,  // links forbidden (protected_hardlinks, some FUSE)
		unix.EMLINK, // too many links to the source
		unix.ETXTBSY,
	} {
		if errno == e {
			return true
		}
	}
	return false
}

// isNotSupportedErrno reports whether err is an errno meaning the operation
// is not supported on this file.
func isNotSupportedErrno(err error) bool {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return false
	}
	return errno == unix.EINVAL || errno == unix.ENOTSUP || errno == unix.EOPNOTSUPP
}

// isNotDir reports whether err says a path component is not a directory.
func isNotDir(err error) bool {
	return errors.Is(err, unix.ENOTDIR)
}
