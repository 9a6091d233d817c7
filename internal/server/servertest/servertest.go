// Package servertest builds fixture distributions and serves them with
// package server on loopback, for the hermetic tests of every package that
// talks to an index. Everything is built in memory and deterministically.
package servertest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ferry/internal/archive"
	"ferry/internal/server"
	"ferry/internal/wheel"
)

// Dist is a distribution file: its name and bytes.
type Dist struct {
	Filename string
	Data     []byte
}

// WheelSpec describes a fixture wheel.
type WheelSpec struct {
	// Name and Version as written in the file name ("demo_pkg", "1.0").
	Name, Version string
	// Tag is the tag triple; "" means "py3-none-any".
	Tag string
	// RequiresPython is written to METADATA when not empty.
	RequiresPython string
	// Requires are Requires-Dist values.
	Requires []string
	// MetadataName and MetadataVersion, when set, replace what METADATA
	// says (a wheel whose metadata disagrees with its file name).
	MetadataName, MetadataVersion string
	// Files are extra members (path → content); a module named after the
	// project is added when empty.
	Files map[string]string
	// ExtraFiles adds that many small modules, which makes the central
	// directory and RECORD large enough to push METADATA out of the last
	// 64 KiB of the file (tests of range requests).
	ExtraFiles int
}

// Metadata returns the METADATA the spec's wheel carries.
func (s WheelSpec) Metadata() string {
	name, version := s.Name, s.Version
	if s.MetadataName != "" {
		name = s.MetadataName
	}
	if s.MetadataVersion != "" {
		version = s.MetadataVersion
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: fixture\n", name, version)
	if s.RequiresPython != "" {
		fmt.Fprintf(&b, "Requires-Python: %s\n", s.RequiresPython)
	}
	for _, r := range s.Requires {
		fmt.Fprintf(&b, "Requires-Dist: %s\n", r)
	}
	return b.String()
}

// Wheel builds the wheel.
func Wheel(s WheelSpec) (Dist, error) {
	tag := s.Tag
	if tag == "" {
		tag = "py3-none-any"
	}
	info := s.Name + "-" + s.Version + ".dist-info"
	var buf bytes.Buffer
	w := wheel.NewWriter(&buf, wheel.WriterOptions{DistInfo: info})
	files := s.Files
	if len(files) == 0 {
		files = map[string]string{strings.ToLower(s.Name) + "/__init__.py": "VERSION = " + fmt.Sprintf("%q", s.Version) + "\n"}
	}
	for p, c := range files {
		if err := w.Add(p, []byte(c), false); err != nil {
			return Dist{}, err
		}
	}
	for i := range s.ExtraFiles {
		p := fmt.Sprintf("%s/generated/module_with_a_long_name_%05d.py", strings.ToLower(s.Name), i)
		if err := w.Add(p, []byte(fmt.Sprintf("N = %d\n", i)), false); err != nil {
			return Dist{}, err
		}
	}
	if err := w.Add(info+"/METADATA", []byte(s.Metadata()), false); err != nil {
		return Dist{}, err
	}
	wheelFile := fmt.Sprintf("Wheel-Version: 1.0\nGenerator: ferry-servertest\nRoot-Is-Purelib: true\nTag: %s\n", tag)
	if err := w.Add(info+"/WHEEL", []byte(wheelFile), false); err != nil {
		return Dist{}, err
	}
	if err := w.Close(); err != nil {
		return Dist{}, err
	}
	return Dist{Filename: s.Name + "-" + s.Version + "-" + tag + ".whl", Data: buf.Bytes()}, nil
}

// MustWheel is Wheel for specs known to be valid; it panics on error.
func MustWheel(s WheelSpec) Dist {
	d, err := Wheel(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Sdist builds "<name>-<version>.tar.gz" with a PKG-INFO (and the
// requires-python, when given).
func Sdist(name, version, requiresPython string) Dist {
	var buf bytes.Buffer
	gz := archive.NewGzipWriter(&buf)
	tw := archive.NewTarWriter(gz, archive.DefaultTime())
	tw.Prefix = name + "-" + version + "/"
	info := fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, version)
	if requiresPython != "" {
		info += "Requires-Python: " + requiresPython + "\n"
	}
	tw.Add(archive.Entry{Name: "PKG-INFO", Data: []byte(info)})
	tw.Add(archive.Entry{Name: "setup.py", Data: []byte("from setuptools import setup\nsetup()\n")})
	tw.Close()
	gz.Close()
	return Dist{Filename: name + "-" + version + ".tar.gz", Data: buf.Bytes()}
}

// WriteDir writes dists into dir with a fixed modification time (so upload
// times are stable), returning dir.
func WriteDir(t testing.TB, dir string, dists ...Dist) string {
	t.Helper()
	mtime := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, d := range dists {
		p := filepath.Join(dir, d.Filename)
		if err := os.WriteFile(p, d.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Yank marks a file in dir yanked with reason.
func Yank(t testing.TB, dir, filename, reason string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, filename+server.YankedSuffix), []byte(reason), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Counter counts the requests a test server answered, by path and status.
type Counter struct {
	mu       sync.Mutex
	requests []string // "METHOD path status"
}

// Record notes one request.
func (c *Counter) Record(method, path string, status int) {
	c.mu.Lock()
	c.requests = append(c.requests, fmt.Sprintf("%s %s %d", method, path, status))
	c.mu.Unlock()
}

// Count returns how many requests for path were answered with status (0
// means any status).
func (c *Counter) Count(path string, status int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.requests {
		f := strings.Fields(r)
		if f[1] == path && (status == 0 || f[2] == fmt.Sprint(status)) {
			n++
		}
	}
	return n
}

// Requests returns every recorded request, in order.
func (c *Counter) Requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.requests...)
}

// Reset forgets the recorded requests.
func (c *Counter) Reset() {
	c.mu.Lock()
	c.requests = nil
	c.mu.Unlock()
}

// Handler wraps h, recording every request in c.
func (c *Counter) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		c.Record(r.Method, r.URL.Path, sw.status)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status.
func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// NoRanges wraps h so that it ignores Range headers, as servers without
// range support do.
func NoRanges(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Range")
		h.ServeHTTP(w, r)
	})
}

// Serve starts server.New(dir, opts) on loopback, wrapped by the given
// middlewares (outermost first), recording requests. The server stops when
// the test ends.
func Serve(t testing.TB, dir string, opts server.Options, wrap ...func(http.Handler) http.Handler) (*httptest.Server, *Counter) {
	t.Helper()
	var h http.Handler = server.New(dir, opts)
	for i := len(wrap) - 1; i >= 0; i-- {
		h = wrap[i](h)
	}
	c := &Counter{}
	srv := httptest.NewServer(c.Handler(h))
	t.Cleanup(srv.Close)
	return srv, c
}
