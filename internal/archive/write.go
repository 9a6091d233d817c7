package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// Entry is one member to write. Exactly one of Data, Open or Linkname
// describes the content; a name ending in "/" is a directory.
type Entry struct {
	Name string
	// Executable selects mode 0755 rather than 0644.
	Executable bool
	Data       []byte
	// Open returns the content; it is called once, when the entry is written.
	Open func() (io.ReadCloser, error)
	// Linkname makes the entry a symbolic link (tar only).
	Linkname string
	// Store disables compression for this zip member (already compressed data).
	Store bool
}

// DefaultTime is the timestamp written when the caller has none: the zip
// format cannot represent times before 1980.
func DefaultTime() time.Time { return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC) }

func (e Entry) mode() fs.FileMode {
	switch {
	case len(e.Name) > 0 && e.Name[len(e.Name)-1] == '/':
		return fs.ModeDir | 0o755
	case e.Linkname != "":
		return fs.ModeSymlink | 0o777
	case e.Executable:
		return 0o755
	}
	return 0o644
}

func (e Entry) reader() (io.ReadCloser, error) {
	if e.Open != nil {
		return e.Open()
	}
	return io.NopCloser(bytes.NewReader(e.Data)), nil
}

// ZipWriter writes a deterministic zip archive.
type ZipWriter struct {
	zw    *zip.Writer
	mtime time.Time
	flate *flate.Writer
}

// NewZipWriter returns a writer whose members all carry mtime (clamped to
// 1980, the earliest a zip can hold). level is a compress/flate level.
func NewZipWriter(w io.Writer, mtime time.Time, level int) *ZipWriter {
	if mtime.Before(DefaultTime()) {
		mtime = DefaultTime()
	}
	zw := zip.NewWriter(w)
	z := &ZipWriter{zw: zw, mtime: mtime.UTC()}
	// One flate writer (about 1 MiB of state) serves every member in turn:
	// zip.Writer finishes a member before it opens the next.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		if z.flate == nil {
			fw, err := flate.NewWriter(out, level)
			if err != nil {
				return nil, err
			}
			z.flate = fw
		} else {
			z.flate.Reset(out)
		}
		return z.flate, nil
	})
	return z
}

// SetOffset tells the writer that the archive starts after n bytes of prefix
// (a zipapp's shebang line), so offsets in the central directory are right.
func (z *ZipWriter) SetOffset(n int64) { z.zw.SetOffset(n) }

// Add writes one member.
func (z *ZipWriter) Add(e Entry) error {
	if _, err := CleanName(e.Name); err != nil {
		return err
	}
	h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: z.mtime}
	h.SetMode(e.mode())
	if e.Store || h.Mode().IsDir() {
		h.Method = zip.Store
	}
	w, err := z.zw.CreateHeader(h)
	if err != nil {
		return fmt.Errorf("writing %s: %w", e.Name, err)
	}
	if h.Mode().IsDir() {
		return nil
	}
	rc, err := e.reader()
	if err != nil {
		return fmt.Errorf("writing %s: %w", e.Name, err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("writing %s: %w", e.Name, err)
	}
	return nil
}

// Close finishes the archive.
func (z *ZipWriter) Close() error { return z.zw.Close() }

// TarWriter writes a deterministic tar archive (PAX format where needed,
// uid/gid 0, no user or group names).
type TarWriter struct {
	tw    *tar.Writer
	mtime time.Time
	// Prefix is prepended to every member name (e.g. "pkg-1.0/").
	Prefix string
}

// NewTarWriter returns a deterministic tar writer.
func NewTarWriter(w io.Writer, mtime time.Time) *TarWriter {
	return &TarWriter{tw: tar.NewWriter(w), mtime: mtime.UTC().Truncate(time.Second)}
}

// Add writes one member.
func (t *TarWriter) Add(e Entry) error {
	name := t.Prefix + e.Name
	if _, err := CleanName(name); err != nil {
		return err
	}
	mode := e.mode()
	h := &tar.Header{Name: name, ModTime: t.mtime, Mode: int64(mode.Perm()), Format: tar.FormatPAX}
	if len(name) < 100 {
		h.Format = tar.FormatUSTAR
	}
	var data []byte
	switch {
	case mode.IsDir():
		h.Typeflag = tar.TypeDir
	case e.Linkname != "":
		h.Typeflag = tar.TypeSymlink
		h.Linkname = e.Linkname
	default:
		h.Typeflag = tar.TypeReg
		rc, err := e.reader()
		if err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
		data, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
		h.Size = int64(len(data))
	}
	if err := t.tw.WriteHeader(h); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if _, err := t.tw.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// Close finishes the tar stream (not the underlying writer).
func (t *TarWriter) Close() error { return t.tw.Close() }

// NewGzipWriter returns a gzip writer with a header that carries no name and
// no time, so identical content gives identical bytes.
func NewGzipWriter(w io.Writer) *gzip.Writer {
	gz, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	gz.Header.ModTime = time.Time{}
	gz.Header.Name = ""
	gz.Header.OS = 255 // unknown
	return gz
}
