//go:build !unix

package fsx

import (
	"errors"
	"os"
	"syscall"
)

// isLinkModeErrno reports whether err came from making a link; without
// errno classification on this platform every link failure falls back.
func isLinkModeErrno(err error) bool {
	var le *os.LinkError
	return errors.As(err, &le)
}

// isNotSupportedErrno is false: there is no errno classification here.
func isNotSupportedErrno(err error) bool { return false }

// isNotDir reports whether err says a path component is not a directory.
func isNotDir(err error) bool {
	return errors.Is(err, syscall.ENOTDIR)
}
