package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"ferry/internal/distname"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/simpleapi"
	"ferry/internal/tags"
)

// Index lists the distribution files of a project.
//
// Project returns the files an index offers for name, in the index's
// order. A project the index does not know is a *NotFoundError (which
// satisfies errors.Is(err, fs.ErrNotExist)); any other error (network,
// garbage page, offline cache miss) means the index could not be asked and
// the answer is unknown. Implementations are safe for concurrent use and
// memoize pages for the life of the value, so asking twice costs nothing;
// a returned Page may be shared and must not be modified.
type Index interface {
	Project(ctx context.Context, name pkgname.Name) (*Page, error)
}

// Page is what an index knows about one project.
type Page struct {
	Name pkgname.Name
	// Files that parse as wheels or sdists of Name, in index order. Links
	// whose names do not parse, or name another project, are dropped.
	Files []File
	// Sources names (redacted) every index or find-links location that
	// contributed files.
	Sources []string
}

// Kind is the kind of a distribution file.
type Kind uint8

// File kinds.
const (
	KindSdist Kind = iota + 1
	KindWheel
)

// String returns "wheel" or "sdist".
func (k Kind) String() string {
	switch k {
	case KindWheel:
		return "wheel"
	case KindSdist:
		return "sdist"
	}
	return "unknown"
}

// File is one distribution file of a project, with what its index said
// about it.
type File struct {
	Filename string
	// URL is absolute (http, https or file), without credentials or fragment.
	URL  string
	Kind Kind
	// Name and Version are parsed from Filename.
	Name    pkgname.Name
	Version pep440.Version
	// Build and Tags are set for wheels.
	Build distname.Build
	Tags  []tags.Tag
	// Hashes maps a lower-case hashlib name to a lower-case hex digest.
	Hashes map[string]string
	// RequiresPython is the parsed data-requires-python; nil when absent or
	// invalid (an invalid one is ignored with a warning, as pip does).
	RequiresPython pep440.Specifiers
	Yanked         bool
	YankedReason   string
	// CoreMetadata reports a PEP 658 metadata file at URL + ".metadata",
	// with its hashes when the index gave them.
	CoreMetadata simpleapi.CoreMetadata
	// Size in bytes, -1 when unknown.
	Size int64
	// UploadTime is zero when unknown.
	UploadTime time.Time
	// Index names (redacted) the index or find-links location the file
	// came from.
	Index string
}

// SHA256 returns the file's sha256 digest from the index, or "".
func (f File) SHA256() string { return f.Hashes["sha256"] }

// NotFoundError reports a project no consulted index knows.
type NotFoundError struct {
	Name    pkgname.Name
	Sources []string // redacted
}

// Error names the project and every place that was asked.
func (e *NotFoundError) Error() string {
	if len(e.Sources) == 0 {
		return fmt.Sprintf("project %s not found: no index configured", e.Name)
	}
	return fmt.Sprintf("project %s not found in %s", e.Name, strings.Join(e.Sources, ", "))
}

// Is makes NotFoundError satisfy fs.ErrNotExist.
func (e *NotFoundError) Is(target error) bool { return target == fs.ErrNotExist }

// ErrOffline is wrapped by errors for anything that would need the network
// while the cache is in offline mode and holds no copy.
var ErrOffline = errors.New("not available offline")

// fileFrom turns a simple API link into a File. It returns false when the
// link's file name is not a wheel or sdist of project (checked with the
// legacy sdist rules, as pip does for links on a page).
func fileFrom(sf simpleapi.File, project pkgname.Name, source string, warn *invalidWarnings, specs specMemo) (File, bool) {
	f := File{
		Filename:     sf.Filename,
		URL:          sf.URL,
		Hashes:       sf.Hashes,
		Yanked:       sf.Yanked,
		YankedReason: sf.YankedReason,
		CoreMetadata: sf.CoreMetadata,
		Size:         sf.Size,
		UploadTime:   sf.UploadTime,
		Index:        source,
	}
	if !parseFilename(&f, project) {
		return File{}, false
	}
	if rp := strings.TrimSpace(sf.RequiresPython); rp != "" {
		spec, err := specs.parse(rp)
		if err != nil {
			warn.add(rp, f.Filename, err)
		} else {
			f.RequiresPython = spec
		}
	}
	return f, true
}

// specMemo parses each distinct Requires-Python of a page once: the
// files of a release, and often of many releases, share one.
type specMemo map[string]specResult

type specResult struct {
	spec pep440.Specifiers
	err  error
}

func (m specMemo) parse(s string) (pep440.Specifiers, error) {
	if r, ok := m[s]; ok {
		return r.spec, r.err
	}
	spec, err := pep440.ParseSpecifiers(s)
	m[s] = specResult{spec, err}
	return spec, err
}

// parseFilename fills Kind, Name, Version (and Build, Tags) from
// f.Filename. When project is not empty the file must belong to it.
func parseFilename(f *File, project pkgname.Name) bool {
	if strings.HasSuffix(f.Filename, ".whl") {
		w, err := distname.ParseWheel(f.Filename)
		if err != nil || (project != "" && w.Name != project) {
			return false
		}
		f.Kind, f.Name, f.Version, f.Build, f.Tags = KindWheel, w.Name, w.Version, w.Build, w.Tags
		return true
	}
	var s distname.SdistName
	var err error
	if project != "" {
		s, err = distname.ParseSdistFor(f.Filename, project)
	} else {
		s, err = distname.ParseSdist(f.Filename)
	}
	if err != nil {
		return false
	}
	f.Kind, f.Name, f.Version = KindSdist, s.Name, s.Version
	return true
}

// ParseFilename parses a distribution file name (a wheel, or an sdist in
// the standard form) into a File with only the name fields set.
func ParseFilename(filename string) (File, bool) {
	f := File{Filename: filename, Size: -1}
	ok := parseFilename(&f, "")
	return f, ok
}

// dedupe returns the distinct values of srcs in first-seen order.
func dedupe(srcs []string) []string {
	var out []string
	for _, s := range srcs {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// invalidWarnings collects the invalid requires-python values of one page
// so that each is reported once, not once per file.
type invalidWarnings struct {
	warn  func(string)
	order []string
	seen  map[string]*invalidSeen
}

type invalidSeen struct {
	first string
	n     int
	err   error
}

func newInvalidWarnings(warn func(string)) *invalidWarnings {
	return &invalidWarnings{warn: warn, seen: map[string]*invalidSeen{}}
}

func (w *invalidWarnings) add(rp, filename string, err error) {
	if w == nil {
		return
	}
	s := w.seen[rp]
	if s == nil {
		s = &invalidSeen{first: filename, err: err}
		w.seen[rp] = s
		w.order = append(w.order, rp)
	}
	s.n++
}

// flush reports what was collected.
func (w *invalidWarnings) flush() {
	if w == nil || w.warn == nil {
		return
	}
	for _, rp := range w.order {
		s := w.seen[rp]
		files := s.first
		if s.n > 1 {
			files = fmt.Sprintf("%s and %d other files", s.first, s.n-1)
		}
		w.warn(fmt.Sprintf("ignoring invalid requires-python %q of %s: %v", rp, files, s.err))
	}
}
