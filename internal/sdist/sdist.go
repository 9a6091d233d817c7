package sdist

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"ferry/internal/archive"
	"ferry/internal/coremeta"
	"ferry/internal/distname"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
)

// PkgInfoFile is the name of the metadata file at the top of an sdist.
const PkgInfoFile = "PKG-INFO"

// Format is an sdist's archive format.
type Format int

const (
	// TarGz is a gzipped tar archive, the standard format.
	TarGz Format = iota
	// Zip is a zip archive, which the specification no longer allows for
	// uploads but tools still read.
	Zip
)

// Ext returns the format's file name suffix: ".tar.gz" or ".zip".
func (f Format) Ext() string {
	if f == Zip {
		return ".zip"
	}
	return ".tar.gz"
}

// String returns the format's name as ParseFormat reads it.
func (f Format) String() string {
	if f == Zip {
		return "zip"
	}
	return "tar.gz"
}

// ParseFormat reads a format name: "tar.gz" (or "gztar", setuptools'
// name, or "targz") and "zip".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "tar.gz", "gztar", "targz", "tgz":
		return TarGz, nil
	case "zip":
		return Zip, nil
	}
	return 0, fmt.Errorf("unknown sdist format %q (want tar.gz or zip)", s)
}

// FormatOf returns the format of an sdist file name by its suffix.
func FormatOf(filename string) (Format, bool) {
	ext, ok := distname.SdistExt(filename)
	switch {
	case !ok:
		return 0, false
	case ext == ".tar.gz" || ext == ".tgz":
		return TarGz, true
	case ext == ".zip":
		return Zip, true
	}
	return 0, false
}

// TopDir returns the top-level directory of the sdist of name and version:
// "{name}-{version}" with the name normalized and "-" written as "_".
func TopDir(name pkgname.Name, version pep440.Version) string {
	return name.DistInfoName() + "-" + version.String()
}

// Filename returns the sdist's file name (PEP 625): TopDir plus the
// format's suffix.
func Filename(name pkgname.Name, version pep440.Version, f Format) string {
	return TopDir(name, version) + f.Ext()
}

// Options configure a Writer.
type Options struct {
	// Name and Version identify the distribution; they name the file and
	// the top-level directory, and PKG-INFO must agree with them.
	Name    pkgname.Name
	Version pep440.Version
	Format  Format
	// Mtime is every member's modification time (SOURCE_DATE_EPOCH when
	// the caller has one); the zero time means 1980-01-01.
	Mtime time.Time
}

// Writer writes a deterministic sdist. Add members (paths relative to the
// project root, without the top-level directory) in any order; Close
// writes them sorted.
type Writer struct {
	out     io.Writer
	opts    Options
	entries map[string]archive.Entry
	closed  bool
}

// NewWriter returns a Writer that writes the sdist to out when closed.
func NewWriter(out io.Writer, opts Options) (*Writer, error) {
	if err := pkgname.Validate(string(opts.Name)); err != nil || opts.Name == "" {
		return nil, fmt.Errorf("sdist writer: invalid name %q", opts.Name)
	}
	if opts.Version.String() == "" {
		return nil, errors.New("sdist writer: no version")
	}
	if opts.Mtime.IsZero() {
		opts.Mtime = archive.DefaultTime()
	}
	return &Writer{out: out, opts: opts, entries: map[string]archive.Entry{}}, nil
}

// Filename returns the name of the file being written.
func (w *Writer) Filename() string { return Filename(w.opts.Name, w.opts.Version, w.opts.Format) }

func (w *Writer) add(e archive.Entry) error {
	if w.closed {
		return errors.New("sdist writer: add after close")
	}
	clean, err := archive.CleanName(e.Name)
	if err != nil {
		return fmt.Errorf("adding to sdist: %w", err)
	}
	if clean != e.Name || strings.HasSuffix(e.Name, "/") {
		return fmt.Errorf("adding to sdist: member name %q is not a clean file path", e.Name)
	}
	if _, dup := w.entries[e.Name]; dup {
		return fmt.Errorf("adding to sdist: duplicate member %s", e.Name)
	}
	w.entries[e.Name] = e
	return nil
}

// Add adds a file with the given content.
func (w *Writer) Add(name string, data []byte, executable bool) error {
	if data == nil {
		data = []byte{}
	}
	return w.add(archive.Entry{Name: name, Data: data, Executable: executable})
}

// AddOpen adds a file whose content open returns when the archive is
// written (once, during Close).
func (w *Writer) AddOpen(name string, open func() (io.ReadCloser, error), executable bool) error {
	return w.add(archive.Entry{Name: name, Open: open, Executable: executable})
}

// Close checks PKG-INFO and writes the archive. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return errors.New("sdist writer: closed twice")
	}
	w.closed = true
	pi, ok := w.entries[PkgInfoFile]
	if !ok {
		return fmt.Errorf("writing %s: no %s", w.Filename(), PkgInfoFile)
	}
	if pi.Open != nil {
		return fmt.Errorf("writing %s: %s must be added with Add", w.Filename(), PkgInfoFile)
	}
	if err := checkPkgInfo(pi.Data, w.opts.Name, w.opts.Version); err != nil {
		return fmt.Errorf("writing %s: %w", w.Filename(), err)
	}
	names := make([]string, 0, len(w.entries))
	for n := range w.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	top := TopDir(w.opts.Name, w.opts.Version) + "/"
	if w.opts.Format == Zip {
		zw := archive.NewZipWriter(w.out, w.opts.Mtime, 9)
		for _, n := range names {
			e := w.entries[n]
			e.Name = top + n
			if err := zw.Add(e); err != nil {
				return fmt.Errorf("writing %s: %w", w.Filename(), err)
			}
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", w.Filename(), err)
		}
		return nil
	}
	gz := archive.NewGzipWriter(w.out)
	tw := archive.NewTarWriter(gz, w.opts.Mtime)
	tw.Prefix = top
	for _, n := range names {
		if err := tw.Add(w.entries[n]); err != nil {
			return fmt.Errorf("writing %s: %w", w.Filename(), err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", w.Filename(), err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", w.Filename(), err)
	}
	return nil
}

// checkPkgInfo parses PKG-INFO and compares its name and version with the
// file name's.
func checkPkgInfo(data []byte, name pkgname.Name, version pep440.Version) error {
	m, err := coremeta.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", PkgInfoFile, err)
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("%s: %w", PkgInfoFile, err)
	}
	if !coremeta.AtLeast(m.MetadataVersion, "2.2") {
		return fmt.Errorf("%s: Metadata-Version %s is older than 2.2, which sdists need", PkgInfoFile, m.MetadataVersion)
	}
	if n := pkgname.Normalize(m.Name); n != string(name) {
		return fmt.Errorf("%s: Name %q is not the sdist's name %q", PkgInfoFile, m.Name, name)
	}
	v, err := pep440.Parse(m.Version)
	if err != nil {
		return fmt.Errorf("%s: Version %q: %w", PkgInfoFile, m.Version, err)
	}
	if v != version {
		return fmt.Errorf("%s: Version %s is not the sdist's version %s", PkgInfoFile, m.Version, version)
	}
	return nil
}

// Bytes is a convenience for tests and small callers: it writes the sdist
// of files (path → content, executable when the path is in exec) to a
// buffer.
func Bytes(opts Options, files map[string][]byte, exec map[string]bool) ([]byte, error) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, opts)
	if err != nil {
		return nil, err
	}
	for n, d := range files {
		if err := w.Add(n, d, exec[n]); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
