//go:build unix

package fsx

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// WriteNew creates the file path, which must not exist, with mode perm
// and copies r into it through buf. It uses plain system calls (open,
// write, fchmod, close) rather than an *os.File: extracting a large wheel
// creates thousands of files, and an *os.File costs several more calls
// each (poller registration, flag queries). The mode is set exactly,
// whatever the umask.
func WriteNew(path string, perm fs.FileMode, r io.Reader, buf []byte) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, uint32(perm.Perm()))
	for errors.Is(err, unix.EINTR) {
		fd, err = unix.Open(path, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, uint32(perm.Perm()))
	}
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	werr := copyToFD(fd, r, buf)
	if werr == nil && perm&0o111 != 0 {
		// The umask may have dropped the executable bits.
		if err := unix.Fchmod(fd, uint32(perm.Perm())); err != nil {
			werr = &os.PathError{Op: "chmod", Path: path, Err: err}
		}
	}
	if err := unix.Close(fd); err != nil && werr == nil {
		werr = &os.PathError{Op: "close", Path: path, Err: err}
	}
	if werr != nil {
		var pe *os.PathError
		if !errors.As(werr, &pe) {
			werr = &os.PathError{Op: "write", Path: path, Err: werr}
		}
		return werr
	}
	return nil
}

func copyToFD(fd int, r io.Reader, buf []byte) error {
	for {
		n, rerr := r.Read(buf)
		for off := 0; off < n; {
			w, err := unix.Write(fd, buf[off:n])
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil {
				return err
			}
			off += w
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}
