//go:build !unix

package fsx

import (
	"io"
	"io/fs"
	"os"
)

// WriteNew creates the file path, which must not exist, with mode perm
// and copies r into it through buf.
func WriteNew(path string, perm fs.FileMode, r io.Reader, buf []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.CopyBuffer(struct{ io.Writer }{f}, r, buf); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, perm)
}
