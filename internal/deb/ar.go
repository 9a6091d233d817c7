package deb

import (
	"fmt"
	"io"
)

// arWriter writes a System V / GNU ar(5) archive as dpkg-deb does: the
// global header, then for each member a 60-byte header (name, mtime, uid 0,
// gid 0, mode 100644, size) and its bytes padded to an even length.
type arWriter struct {
	w     io.Writer
	mtime int64
	err   error
}

func newArWriter(w io.Writer, mtime int64) *arWriter {
	a := &arWriter{w: w, mtime: mtime}
	_, a.err = io.WriteString(w, "!<arch>\n")
	return a
}

// add writes one member; name is at most 16 bytes.
func (a *arWriter) add(name string, data []byte) error {
	if a.err != nil {
		return a.err
	}
	if len(name) > 16 {
		return fmt.Errorf("ar member name %q longer than 16 bytes", name)
	}
	hdr := fmt.Sprintf("%-16s%-12d%-6d%-6d%-8o%-10d`\n", name, a.mtime, 0, 0, 0o100644, len(data))
	if _, a.err = io.WriteString(a.w, hdr); a.err != nil {
		return a.err
	}
	if _, a.err = a.w.Write(data); a.err != nil {
		return a.err
	}
	if len(data)%2 == 1 {
		_, a.err = io.WriteString(a.w, "\n")
	}
	return a.err
}
