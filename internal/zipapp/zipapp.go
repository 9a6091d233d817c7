package zipapp

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"ferry/internal/archive"
	"ferry/internal/distinfo"
)

//go:embed bootstrap/__main__.py
var bootstrapSource string

// Bootstrap returns the __main__.py every zipapp carries.
func Bootstrap() []byte { return []byte(bootstrapSource) }

// Names and limits of the format.
const (
	// DefaultInterpreter is the "#!" command when Options.Interpreter is "".
	DefaultInterpreter = "/usr/bin/env python3"
	// MainName is the bootstrap's member name.
	MainName = "__main__.py"
	// ManifestName is the manifest's member name.
	ManifestName = ".ferry/bundle.json"
	// SitePackages is the directory imported from the zip.
	SitePackages = "site-packages/"
	// ExtractDir is the directory unpacked to disk on first run.
	ExtractDir = "extract/"
	// ManifestFormat is the manifest format this package writes and the
	// bootstrap reads.
	ManifestFormat = 1
	// maxShebang is the longest "#!" line Linux reads whole before 5.1.
	maxShebang = 127
	// level is the deflate level of every member.
	level = 6
)

// Manifest is .ferry/bundle.json: what the bootstrap needs to know.
type Manifest struct {
	// Format is ManifestFormat (set by Write).
	Format int `json:"format"`
	// EntryPoint is "module:function" (attributes may be dotted), called
	// with no arguments; its result goes to sys.exit. Set by Write from
	// Script when that is given.
	EntryPoint string `json:"entry_point,omitempty"`
	// Script is a console_scripts (or gui_scripts) name defined by a bundled
	// distribution's entry_points.txt; Write resolves it into EntryPoint.
	Script string `json:"script,omitempty"`
	// Module is run as __main__ (python -m) when there is no EntryPoint.
	Module string `json:"module,omitempty"`
	// InheritPath keeps the host's site-packages on sys.path.
	InheritPath bool `json:"inherit_path"`
	// RequiresPython is checked against the running interpreter (numeric
	// clauses; others are not checked), e.g. ">=3.8".
	RequiresPython string `json:"requires_python,omitempty"`
	// Hash is the content hash, set by Write: the hex SHA-256 of one line
	// per member in name order (the manifest excluded),
	// "<kind> <name>\x00<hex SHA-256 of the content>\n", kind "d" for a
	// directory, "f" for a file, "x" for an executable file.
	Hash string `json:"hash"`
	// Extract tells whether the zip has an extract/ tree (set by Write).
	Extract bool `json:"extract"`
}

// ManifestError reports a manifest that cannot be written or read.
type ManifestError struct {
	Field  string
	Reason string
}

// Error names the field and the reason.
func (e *ManifestError) Error() string {
	return fmt.Sprintf("zipapp manifest %s: %s", e.Field, e.Reason)
}

// Options describe one zipapp.
type Options struct {
	// Interpreter is the program that runs the zipapp: "/usr/bin/env
	// python3" (the default when "") or an absolute path. It becomes the
	// "#!" line, except an absolute path that contains white space or makes
	// the line longer than 127 bytes: then a /bin/sh trampoline execs it
	// with the zipapp's path and arguments.
	Interpreter string
	// Manifest holds the entry point and options; Write fills Format, Hash,
	// Extract and (from Script) EntryPoint.
	Manifest Manifest
	// Entries are the members: site-packages/..., extract/... and any
	// top-level application files. A name ending in "/" is a directory;
	// missing parent directories are added. Symbolic links are refused
	// (zipimport cannot follow them), and so are the reserved names
	// __main__.py and .ferry/.
	Entries []archive.Entry
	// Mtime stamps every member (SOURCE_DATE_EPOCH, chosen by the caller;
	// clamped to 1980, the earliest a zip can hold).
	Mtime time.Time
}

// Write writes the zipapp to w and returns the manifest as written.
func Write(w io.Writer, opts Options) (Manifest, error) {
	m := opts.Manifest
	m.Format = ManifestFormat
	m.Hash = ""
	prefix, err := Shebang(opts.Interpreter)
	if err != nil {
		return Manifest{}, err
	}
	entries, err := tree(opts.Entries)
	if err != nil {
		return Manifest{}, err
	}
	if m.Script != "" {
		if m.EntryPoint != "" || m.Module != "" {
			return Manifest{}, &ManifestError{Field: "script", Reason: "set together with an entry point or module"}
		}
		if m.EntryPoint, err = resolveScript(entries, m.Script); err != nil {
			return Manifest{}, err
		}
	}
	if err := m.validate(false); err != nil {
		return Manifest{}, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name, ExtractDir) {
			m.Extract = true
		}
	}

	if _, err := io.WriteString(w, prefix); err != nil {
		return Manifest{}, fmt.Errorf("writing zipapp: %w", err)
	}
	zw := archive.NewZipWriter(w, opts.Mtime, level)
	zw.SetOffset(int64(len(prefix)))
	sum := sha256.New()
	for _, e := range entries {
		kind := "f"
		switch {
		case strings.HasSuffix(e.Name, "/"):
			kind = "d"
		case e.Executable:
			kind = "x"
		}
		inner := sha256.New()
		if err := zw.Add(hashing(e, inner)); err != nil {
			return Manifest{}, fmt.Errorf("writing zipapp: %w", err)
		}
		fmt.Fprintf(sum, "%s %s\x00%x\n", kind, e.Name, inner.Sum(nil))
	}
	m.Hash = hex.EncodeToString(sum.Sum(nil))
	data, err := m.Marshal()
	if err != nil {
		return Manifest{}, err
	}
	if err := zw.Add(archive.Entry{Name: ManifestName, Data: data}); err != nil {
		return Manifest{}, fmt.Errorf("writing zipapp: %w", err)
	}
	if err := zw.Close(); err != nil {
		return Manifest{}, fmt.Errorf("writing zipapp: %w", err)
	}
	return m, nil
}

// Shebang returns the prefix written before the zip for an interpreter
// (see Options.Interpreter).
func Shebang(interpreter string) (string, error) {
	if interpreter == "" {
		interpreter = DefaultInterpreter
	}
	if strings.ContainsAny(interpreter, "\x00\r\n") {
		return "", fmt.Errorf("zipapp interpreter %q: contains a line break or NUL", interpreter)
	}
	if strings.HasPrefix(interpreter, "/usr/bin/env ") {
		if len(interpreter)+2 > maxShebang {
			return "", fmt.Errorf("zipapp interpreter %q: longer than a #! line can hold", interpreter)
		}
		return "#!" + interpreter + "\n", nil
	}
	if !strings.HasPrefix(interpreter, "/") {
		return "", fmt.Errorf("zipapp interpreter %q: not an absolute path nor /usr/bin/env NAME", interpreter)
	}
	if len(interpreter)+2 <= maxShebang && !strings.ContainsAny(interpreter, " \t") {
		return "#!" + interpreter + "\n", nil
	}
	quoted := "'" + strings.ReplaceAll(interpreter, "'", `'\''`) + "'"
	return "#!/bin/sh\nexec " + quoted + " \"$0\" \"$@\"\n", nil
}

// tree checks the caller's entries, adds the bootstrap, the manifest's
// directory and missing parent directories, and sorts by name.
func tree(in []archive.Entry) ([]archive.Entry, error) {
	seen := map[string]bool{}
	out := make([]archive.Entry, 0, len(in)+8)
	for _, e := range in {
		isDir := strings.HasSuffix(e.Name, "/")
		clean, err := archive.CleanName(e.Name)
		if err != nil {
			return nil, err
		}
		switch {
		case clean == MainName || clean == ".ferry" || strings.HasPrefix(clean, ".ferry/"):
			return nil, fmt.Errorf("zipapp member %q: reserved name", e.Name)
		case e.Linkname != "":
			return nil, fmt.Errorf("zipapp member %q: symbolic links cannot be imported from a zip", e.Name)
		case seen[clean]:
			return nil, fmt.Errorf("zipapp member %q: listed twice", e.Name)
		}
		seen[clean] = true
		e.Name = clean
		if isDir {
			e.Name += "/"
		}
		out = append(out, e)
	}
	out = append(out, archive.Entry{Name: MainName, Data: []byte(bootstrapSource)}, archive.Entry{Name: ".ferry/"})
	seen[MainName], seen[".ferry"] = true, true
	for _, e := range out {
		for dir := path.Dir(strings.TrimSuffix(e.Name, "/")); dir != "."; dir = path.Dir(dir) {
			if !seen[dir] {
				seen[dir] = true
				out = append(out, archive.Entry{Name: dir + "/"})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// resolveScript finds a console_scripts or gui_scripts entry named script in
// the bundled entry_points.txt files (in name order, console scripts first)
// and returns its "module:attr". The files it reads are kept in memory so
// they are not opened twice.
func resolveScript(entries []archive.Entry, script string) (string, error) {
	type found struct{ dist, value string }
	var console, gui []found
	for i, e := range entries {
		dir, file := path.Split(e.Name)
		top := strings.TrimSuffix(dir, "/")
		if file != "entry_points.txt" || !strings.HasSuffix(top, ".dist-info") {
			continue
		}
		parent := path.Dir(top) + "/"
		if parent != SitePackages && parent != ExtractDir {
			continue
		}
		data, err := readAll(e)
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", e.Name, err)
		}
		entries[i].Data, entries[i].Open = data, nil
		eps, err := distinfo.ParseEntryPoints(bytes.NewReader(data))
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", e.Name, err)
		}
		for _, ep := range eps.ConsoleScripts() {
			if ep.Name == script {
				console = append(console, found{top, ep.Value})
			}
		}
		for _, ep := range eps.GUIScripts() {
			if ep.Name == script {
				gui = append(gui, found{top, ep.Value})
			}
		}
	}
	all := append(console, gui...)
	if len(all) == 0 {
		return "", &ManifestError{Field: "script", Reason: fmt.Sprintf("no bundled distribution defines a script named %q", script)}
	}
	ref, err := distinfo.ParseObjectRef(all[0].value)
	if err != nil || ref.Attr == "" {
		return "", &ManifestError{Field: "script", Reason: fmt.Sprintf("%s defines %q as %q, not module:function", all[0].dist, script, all[0].value)}
	}
	return ref.Module + ":" + ref.Attr, nil
}

func (m Manifest) validate(read bool) error {
	bad := func(field, reason string) error { return &ManifestError{Field: field, Reason: reason} }
	if m.Format != ManifestFormat {
		return bad("format", fmt.Sprintf("%d is not format %d", m.Format, ManifestFormat))
	}
	switch {
	case m.EntryPoint == "" && m.Module == "":
		return bad("entry_point", "missing: set an entry point, a script or a module")
	case m.EntryPoint != "" && m.Module != "":
		return bad("module", "set together with an entry point")
	case m.Script != "" && m.EntryPoint == "":
		return bad("script", "not resolved to an entry point")
	}
	if m.EntryPoint != "" {
		ref, err := distinfo.ParseObjectRef(m.EntryPoint)
		if err != nil || ref.Attr == "" || len(ref.Extras) > 0 || m.EntryPoint != ref.Module+":"+ref.Attr {
			return bad("entry_point", fmt.Sprintf("%q is not module:function", m.EntryPoint))
		}
	}
	if m.Module != "" {
		ref, err := distinfo.ParseObjectRef(m.Module)
		if err != nil || ref.Attr != "" || len(ref.Extras) > 0 || ref.Module != m.Module {
			return bad("module", fmt.Sprintf("%q is not a dotted module name", m.Module))
		}
	}
	if strings.ContainsAny(m.Script, "\x00\r\n=[]") {
		return bad("script", fmt.Sprintf("%q is not a script name", m.Script))
	}
	if strings.ContainsAny(m.RequiresPython, "\x00\r\n") {
		return bad("requires_python", "contains a line break")
	}
	if read {
		if len(m.Hash) != 64 || strings.Trim(m.Hash, "0123456789abcdef") != "" {
			return bad("hash", fmt.Sprintf("%q is not a hex SHA-256", m.Hash))
		}
	}
	return nil
}

// Marshal returns the manifest as Write stores it: indented JSON with the
// fields in a fixed order and a final newline.
func (m Manifest) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "python_requires": ">=3.8", not "\u003e=3.8"
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encoding zipapp manifest: %w", err)
	}
	return buf.Bytes(), nil
}

// ParseManifest reads and validates a manifest. Unknown fields are ignored
// (a newer writer may add some); another format number is an error.
func ParseManifest(data []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("reading zipapp manifest: %w", err)
	}
	if err := m.validate(true); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// ReadManifest reads the manifest of the zipapp in r (size bytes, prefix
// included).
func ReadManifest(r io.ReaderAt, size int64) (Manifest, error) {
	zr, err := archive.NewZipReader(r, size)
	if err != nil {
		return Manifest{}, fmt.Errorf("reading zipapp: %w", err)
	}
	for _, f := range zr.File {
		if f.Name != ManifestName {
			continue
		}
		if f.UncompressedSize64 > 1<<20 {
			return Manifest{}, fmt.Errorf("reading zipapp: %s larger than 1 MiB", ManifestName)
		}
		rc, err := f.Open()
		if err != nil {
			return Manifest{}, fmt.Errorf("reading %s: %w", ManifestName, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return Manifest{}, fmt.Errorf("reading %s: %w", ManifestName, err)
		}
		return ParseManifest(data)
	}
	return Manifest{}, fmt.Errorf("reading zipapp: no %s: %w", ManifestName, ErrNotZipapp)
}

// ErrNotZipapp is wrapped by ReadManifest's error for a zip without a
// manifest.
var ErrNotZipapp = errors.New("not a ferry zipapp")

func readAll(e archive.Entry) ([]byte, error) {
	if e.Open == nil {
		return e.Data, nil
	}
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// hashing returns e with its content fed to sum as the zip writer reads it.
func hashing(e archive.Entry, sum hash.Hash) archive.Entry {
	if strings.HasSuffix(e.Name, "/") {
		return e
	}
	if e.Open == nil {
		sum.Write(e.Data)
		return e
	}
	open := e.Open
	e.Open = func() (io.ReadCloser, error) {
		rc, err := open()
		if err != nil {
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{io.TeeReader(rc, sum), rc}, nil
	}
	return e
}
