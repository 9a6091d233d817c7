package wheel

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"ferry/internal/archive"
	"ferry/internal/distinfo"
	"ferry/internal/record"
)

// WriterOptions configure a Writer.
type WriterOptions struct {
	// DistInfo is the name of the wheel's ".dist-info" directory
	// (distinfo.DirName gives the standard one).
	DistInfo string
	// Mtime is every member's modification time: SOURCE_DATE_EPOCH when
	// the caller has one; the zero time means 1980-01-01, the earliest a
	// zip can hold.
	Mtime time.Time
	// Level is the compress/flate level; 0 means flate.DefaultCompression.
	Level int
}

// Writer writes a deterministic wheel. Add members in any order; Close
// writes them sorted by name, the .dist-info directory's files after all
// others and RECORD, computed from the bytes written, last.
type Writer struct {
	out     io.Writer
	opts    WriterOptions
	entries map[string]writerEntry
	closed  bool
}

type writerEntry struct {
	name       string
	data       []byte
	open       func() (io.ReadCloser, error)
	executable bool
}

// NewWriter returns a Writer that writes the wheel to out when closed.
func NewWriter(out io.Writer, opts WriterOptions) *Writer {
	if opts.Level == 0 {
		opts.Level = flate.DefaultCompression
	}
	return &Writer{out: out, opts: opts, entries: map[string]writerEntry{}}
}

func (w *Writer) add(e writerEntry) error {
	if w.closed {
		return errors.New("wheel writer: add after close")
	}
	clean, err := archive.CleanName(e.name)
	if err != nil {
		return fmt.Errorf("adding to wheel: %w", err)
	}
	if clean != e.name {
		return fmt.Errorf("adding to wheel: member name %q is not clean (want %q)", e.name, clean)
	}
	if w.opts.DistInfo == "" || strings.Contains(w.opts.DistInfo, "/") || !strings.HasSuffix(w.opts.DistInfo, ".dist-info") {
		return fmt.Errorf("adding to wheel: invalid dist-info directory %q", w.opts.DistInfo)
	}
	if e.name == w.opts.DistInfo+"/"+distinfo.RecordFile {
		return errors.New("adding to wheel: RECORD is written by the writer")
	}
	if _, dup := w.entries[e.name]; dup {
		return fmt.Errorf("adding to wheel: duplicate member %s", e.name)
	}
	w.entries[e.name] = e
	return nil
}

// Add adds a member with the given content.
func (w *Writer) Add(name string, data []byte, executable bool) error {
	return w.add(writerEntry{name: name, data: data, executable: executable})
}

// AddOpen adds a member whose content open returns when the wheel is
// written (once, during Close).
func (w *Writer) AddOpen(name string, open func() (io.ReadCloser, error), executable bool) error {
	return w.add(writerEntry{name: name, open: open, executable: executable})
}

// Close writes the wheel. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return errors.New("wheel writer: closed twice")
	}
	w.closed = true
	prefix := w.opts.DistInfo + "/"
	names := make([]string, 0, len(w.entries))
	for n := range w.entries {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := names[i], names[j]
		ai, bi := strings.HasPrefix(a, prefix), strings.HasPrefix(b, prefix)
		if ai != bi {
			return bi
		}
		return a < b
	})
	zw := archive.NewZipWriter(w.out, w.opts.Mtime, w.opts.Level)
	rec := make([]record.Entry, 0, len(names)+1)
	for _, n := range names {
		e := w.entries[n]
		h := record.NewSHA256()
		ae := archive.Entry{Name: n, Executable: e.executable}
		if e.open != nil {
			open := e.open
			ae.Open = func() (io.ReadCloser, error) {
				rc, err := open()
				if err != nil {
					return nil, err
				}
				return struct {
					io.Reader
					io.Closer
				}{io.TeeReader(rc, h), rc}, nil
			}
		} else {
			h.Write(e.data)
			ae.Data = e.data
		}
		if err := zw.Add(ae); err != nil {
			return fmt.Errorf("writing wheel: %w", err)
		}
		rec = append(rec, h.Entry(n))
	}
	recordName := prefix + distinfo.RecordFile
	rec = append(rec, record.Entry{Path: recordName, Size: -1})
	var buf bytes.Buffer
	if err := record.WriteLF(&buf, rec); err != nil {
		return fmt.Errorf("writing wheel: %w", err)
	}
	if err := zw.Add(archive.Entry{Name: recordName, Data: buf.Bytes()}); err != nil {
		return fmt.Errorf("writing wheel: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("writing wheel: %w", err)
	}
	return nil
}
