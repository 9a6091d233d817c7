//go:build !linux && !darwin

package fsx

import (
	"errors"
	"io/fs"
)

// cloneFile is not available on this platform; Place falls back to a hard
// link or a copy.
func cloneFile(src, dst string, perm fs.FileMode) error {
	return errors.ErrUnsupported
}
