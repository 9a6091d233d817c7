package reqfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"ferry/internal/pep508"
)

// Opener reads the requirements files that Parse is given and that -r and
// -c lines name. Parse resolves every reference itself (see Parse), so a
// location is an http, https or file URL, or a slash-separated path
// (absolute, or relative to whatever the caller's top-level name was
// relative to). Open may be called from one goroutine at a time; an error
// for a missing file should satisfy errors.Is(err, fs.ErrNotExist).
type Opener interface {
	Open(ctx context.Context, loc string) ([]byte, error)
}

// OpenerFunc adapts a function to the Opener interface.
type OpenerFunc func(ctx context.Context, loc string) ([]byte, error)

// Open calls f.
func (f OpenerFunc) Open(ctx context.Context, loc string) ([]byte, error) { return f(ctx, loc) }

// FSOpener opens locations in a file system: a path (a leading "/" is
// dropped, so os.DirFS("/") serves absolute paths) or the path of a file:
// URL. Remote URLs fail with an error wrapping errors.ErrUnsupported.
type FSOpener struct {
	FS fs.FS
}

// Open reads loc from o.FS.
func (o FSOpener) Open(ctx context.Context, loc string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := loc
	if isFileLocationURL(loc) {
		fp, ok := fileURLPath(loc)
		if !ok {
			return nil, fmt.Errorf("opening %s: %w", loc, errors.ErrUnsupported)
		}
		p = fp
	}
	p = strings.TrimPrefix(path.Clean(p), "/")
	if p == "" {
		p = "."
	}
	if !fs.ValidPath(p) {
		return nil, &fs.PathError{Op: "open", Path: loc, Err: fs.ErrInvalid}
	}
	return fs.ReadFile(o.FS, p)
}

// Options configures Parse. The zero value is usable.
type Options struct {
	// Getenv looks up the variables that ${NAME} references expand to;
	// nil expands nothing.
	Getenv func(name string) (string, bool)
	// FallbackEncoding decodes a file that is not valid UTF-8 and has no
	// byte-order mark or coding declaration, with a warning (pip uses the
	// locale's encoding). Empty means "latin-1", which decodes anything.
	FallbackEncoding string
	// Constraint parses the top-level file as a constraints file (as with
	// "-c FILE" on the command line): its requirements become Constraints.
	Constraint bool
	// MaxFiles bounds the number of files read, includes counted each time
	// (0 means 1000), so that a diamond of includes cannot explode.
	MaxFiles int
}

// Pos is where something was written: a file (as located by Parse) and a
// 1-based line number, 0 when the whole file is meant.
type Pos struct {
	File string
	Line int
}

// String returns "file:line", or "file" when Line is 0.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// ParseError is an error in a requirements file: the file and line it is
// on (Line 0 when it concerns the whole file) and what is wrong. Err is
// the cause, when there is one (an Opener error, a *pep508.ParseError).
type ParseError struct {
	File string
	Line int
	Msg  string
	Err  error
}

// Error returns "file:line: msg".
func (e *ParseError) Error() string {
	return Pos{e.File, e.Line}.String() + ": " + e.Msg
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// Warning is something pip accepts but that probably is not what the
// author meant (an ignored option, a file decoded with the fallback
// encoding).
type Warning struct {
	Pos Pos
	Msg string
}

// String returns "file:line: msg".
func (w Warning) String() string { return w.Pos.String() + ": " + w.Msg }

// Kind is the form a requirement is written in.
type Kind uint8

const (
	// Named is a PEP 508 requirement: a name, extras, version specifiers
	// or "@ url", and a marker.
	Named Kind = iota
	// URL is a bare URL: an archive (http, https, ftp) or a version-control
	// URL ("git+https://...").
	URL
	// Path is a local path or file: URL: an archive file (by its name) or
	// a project directory.
	Path
)

// String returns "named", "url" or "path".
func (k Kind) String() string {
	switch k {
	case Named:
		return "named"
	case URL:
		return "url"
	case Path:
		return "path"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Hash is one --hash value: an algorithm pip accepts (sha256, sha384,
// sha512) and a digest, as written (pip does not check it is hex).
type Hash struct {
	Alg    string
	Digest string
}

// String returns "alg:digest".
func (h Hash) String() string { return h.Alg + ":" + h.Digest }

// ConfigSetting is one --config-settings / -C KEY=VALUE. A key given more
// than once is passed to the build backend as a list, in order.
type ConfigSetting struct {
	Key, Value string
}

// Requirement is one requirement line.
type Requirement struct {
	// Pos is where the requirement was written.
	Pos Pos
	// Text is the requirement as written, after ${NAME} expansion: the
	// requirement part of the line, or the value of -e.
	Text string
	// Kind is the form of the requirement.
	Kind Kind
	// Editable is set for -e / --editable (a local directory or a
	// version-control URL).
	Editable bool
	// Req is the requirement in PEP 508 terms. For a Named requirement it
	// is what the line says. For URL and Path it has the extras and marker
	// of the line, URL set to the absolute URL of the location ("" for a
	// path that stays relative), and Name set when the location names the
	// project (an "#egg=" fragment, a wheel file name), else "".
	Req pep508.Requirement
	// Location is the URL or path of a URL or Path requirement as written
	// (without extras and marker); "" for Named.
	Location string
	// Path is the local path of a Path requirement, resolved against the
	// directory of the file it was written in and cleaned.
	Path string
	// Hashes are the --hash values of the line, in order.
	Hashes []Hash
	// ConfigSettings are the --config-settings values of the line, in order.
	ConfigSettings []ConfigSetting
}

// link is the location the requirement names: Location, or the URL of a
// "name @ url" requirement; "" for a plain named requirement.
func (r *Requirement) link() string {
	if r.Location != "" {
		return r.Location
	}
	return r.Req.URL
}

// IsWheel reports whether the requirement names a wheel file (by its
// location's file name).
func (r *Requirement) IsWheel() bool {
	l := r.link()
	return l != "" && strings.HasSuffix(strings.ToLower(locationBase(l)), ".whl")
}

// IsArchive reports whether the requirement names a distribution archive
// (by its location's file name); a Path requirement that is not an archive
// is a directory.
func (r *Requirement) IsArchive() bool {
	l := r.link()
	return l != "" && isArchive(locationBase(l))
}

// VCS returns the version-control system of a requirement whose URL is a
// version-control URL ("git", "hg", "svn", "bzr"), or "".
func (r *Requirement) VCS() string {
	sch := scheme(r.Req.URL)
	if !isVCSScheme(sch) {
		return ""
	}
	vcs, _, _ := strings.Cut(sch, "+")
	return vcs
}

// locationBase is the last path element of a URL or path, without query
// or fragment.
func locationBase(loc string) string {
	if i := strings.IndexAny(loc, "#?"); i >= 0 && isURL(loc) {
		loc = loc[:i]
	}
	return path.Base(loc)
}

// Global are the options of a requirements file that apply to the whole
// run, accumulated over the file and its includes in order.
type Global struct {
	// IndexURL is the last -i / --index-url, or "".
	IndexURL string
	// ExtraIndexURLs are all --extra-index-url values, in order.
	ExtraIndexURLs []string
	// NoIndex is set by --no-index.
	NoIndex bool
	// IndexURLs is the index list pip derives from these lines alone: an
	// --index-url replaces the list so far, --extra-index-url appends, and
	// after --no-index the list is empty and stays so. See
	// EffectiveIndexURLs for combining it with the command line.
	IndexURLs []string
	// FindLinks are the -f / --find-links values (pip uses the first one
	// of each line), relative paths resolved against the file's directory.
	FindLinks []string
	// Pre, PreferBinary and RequireHashes are set by --pre,
	// --prefer-binary and --require-hashes.
	Pre, PreferBinary, RequireHashes bool
	// FormatControl is the accumulated --no-binary / --only-binary state.
	FormatControl FormatControl
	// TrustedHosts are the --trusted-host values, in order.
	TrustedHosts []string
	// Features are the --use-feature names, in order, without duplicates.
	Features []string

	indexReplaced bool
}

// EffectiveIndexURLs combines base, the index URLs from the command line,
// with the file's options as pip does: none after --no-index, the file's
// own list when it has an --index-url, else base followed by the file's
// extra index URLs.
func (g *Global) EffectiveIndexURLs(base []string) []string {
	if g.NoIndex {
		return nil
	}
	if g.indexReplaced {
		return append([]string(nil), g.IndexURLs...)
	}
	return append(append([]string(nil), base...), g.IndexURLs...)
}

// File is a parsed requirements file with its includes.
type File struct {
	// Name is the location of the top-level file, cleaned.
	Name string
	// Requirements are the requirements of the file and of the files it
	// includes with -r, in order (editables among them).
	Requirements []Requirement
	// Constraints are the requirements of constraints files (-c), in order.
	Constraints []Requirement
	// Global holds the options that apply to the whole run.
	Global Global
	// Warnings are things pip accepts silently that are worth a word.
	Warnings []Warning
}
