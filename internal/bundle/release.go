package bundle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"ferry/internal/archive"
	"ferry/internal/fsx"
	"ferry/internal/pkgname"
)

// Names in a release.
const (
	// ReleaseManifestName is the manifest's name at the release root.
	ReleaseManifestName = "RELEASE.json"
	// ReleaseFormat is the manifest format Release writes.
	ReleaseFormat = 1
	// AppDir, VendorDir and BinDir are the release's directories.
	AppDir    = "app"
	VendorDir = "vendor"
	BinDir    = "bin"
	// RequirementsName is the frozen requirements file.
	RequirementsName = "requirements.txt"
	// DefaultLauncherInterpreter is the launcher's "#!" command by default.
	DefaultLauncherInterpreter = "/usr/bin/env python3"
)

// ReleaseManifest is RELEASE.json.
type ReleaseManifest struct {
	Format int `json:"format"`
	// Name is the application's normalized project name, Version its
	// version as its metadata says.
	Name    string `json:"name"`
	Version string `json:"version"`
	// RequiresPython is the application's Requires-Python ("" for none).
	RequiresPython string `json:"requires_python,omitempty"`
	// EntryPoint is the "module:function" the launcher calls.
	EntryPoint string `json:"entry_point"`
	// Script is the launcher's name: bin/<Script>.
	Script string `json:"script"`
	// Native tells whether the release holds native code (it then runs only
	// on the platform it was bundled for).
	Native bool `json:"native"`
	// Hash is the content hash (see the package documentation).
	Hash string `json:"hash"`
}

// Marshal returns the manifest as stored: indented JSON, fixed field
// order, a final newline.
func (m ReleaseManifest) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", ReleaseManifestName, err)
	}
	return b.Bytes(), nil
}

// ReleaseOptions describe a release.
type ReleaseOptions struct {
	// App is the application's distribution; the others are vendored.
	App pkgname.Name
	// EntryPoint is "module:function", or Script a console script name
	// (looked up in the application's entry points first). When both are
	// empty the application's only console script is used.
	EntryPoint, Script string
	// Name is the launcher's name (bin/<Name>); "" means the script's
	// name, else the application's name.
	Name string
	// Interpreter is the launcher's "#!" command: "/usr/bin/env python3"
	// (the default when "") or an absolute path without white space.
	Interpreter string
}

// Release is a release tree ready to be written: its manifest and its
// members.
type Release struct {
	Manifest ReleaseManifest
	// App is the application's distribution.
	App *Dist
	// entries are the members (RELEASE.json excluded), directories
	// included, sorted by name.
	entries []archive.Entry
}

// Release lays the tree out as a release (see the package documentation)
// and computes its content hash; the files are read to be hashed.
func (t *Tree) Release(ctx context.Context, opts ReleaseOptions) (*Release, error) {
	app := t.Get(opts.App)
	if app == nil {
		return nil, fmt.Errorf("the application %q is not among the installed distributions", opts.App)
	}
	ep, script, err := t.releaseEntryPoint(app, opts)
	if err != nil {
		return nil, err
	}
	name := opts.Name
	if name == "" {
		name = script
	}
	if name == "" {
		name = string(app.Name)
	}
	if name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00 \t\r\n") {
		return nil, fmt.Errorf("launcher name %q is not a file name", name)
	}
	interp := opts.Interpreter
	if interp == "" {
		interp = DefaultLauncherInterpreter
	}
	if err := checkInterpreter(interp); err != nil {
		return nil, err
	}

	r := &Release{App: app, Manifest: ReleaseManifest{
		Format:         ReleaseFormat,
		Name:           string(app.Name),
		Version:        app.Version,
		RequiresPython: strings.TrimSpace(app.Metadata.RequiresPython),
		EntryPoint:     ep,
		Script:         name,
	}}
	var entries []archive.Entry
	for _, d := range t.Dists {
		dir := VendorDir
		if d == app {
			dir = AppDir
		}
		if d.Native {
			r.Manifest.Native = true
		}
		for _, f := range d.Files {
			e := archive.Entry{Name: dir + "/" + f.Path, Executable: f.Executable, Linkname: f.Linkname}
			if f.Linkname == "" {
				e.Open = t.open(f.Path)
			} else if err := archive.CheckLinkTarget(e.Name, f.Linkname); err != nil {
				return nil, fmt.Errorf("%s: %w", d, err)
			}
			entries = append(entries, e)
		}
	}
	launcher, err := launcherScript(interp, r.Manifest)
	if err != nil {
		return nil, err
	}
	entries = append(entries,
		archive.Entry{Name: BinDir + "/" + name, Data: launcher, Executable: true},
		archive.Entry{Name: RequirementsName, Data: t.requirements(app)},
		archive.Entry{Name: AppDir + "/"}, archive.Entry{Name: VendorDir + "/"},
	)
	if r.entries, err = completeTree(entries); err != nil {
		return nil, err
	}
	if r.Manifest.Hash, err = contentHash(ctx, r.entries); err != nil {
		return nil, err
	}
	return r, nil
}

// checkInterpreter checks a launcher's "#!" command: an absolute path
// without white space, or /usr/bin/env NAME (one word), that fits a "#!"
// line.
func checkInterpreter(interp string) error {
	word := interp
	if name, ok := strings.CutPrefix(interp, "/usr/bin/env "); ok {
		word = "/" + name // one word after env: Linux passes the rest as one argument
	}
	if len(word) < 2 || !strings.HasPrefix(word, "/") || strings.ContainsAny(word, " \t\x00\r\n") || len(interp)+2 > 127 {
		return fmt.Errorf("launcher interpreter %q: want an absolute path without white space or /usr/bin/env NAME", interp)
	}
	return nil
}

// releaseEntryPoint picks the entry point and the script name it came
// from ("" for an explicit entry point).
func (t *Tree) releaseEntryPoint(app *Dist, opts ReleaseOptions) (ep, script string, err error) {
	switch {
	case opts.EntryPoint != "" && opts.Script != "":
		return "", "", &EntryPointError{Reason: "give an entry point or a script name, not both"}
	case opts.EntryPoint != "":
		return opts.EntryPoint, "", CheckEntryPoint(opts.EntryPoint)
	case opts.Script != "":
		ep, err := t.ResolveScript(opts.Script, app)
		return ep, opts.Script, err
	}
	scripts := app.EntryPoints.ConsoleScripts()
	switch len(scripts) {
	case 0:
		return "", "", &EntryPointError{Reason: fmt.Sprintf("%s defines no console script: name the entry point (module:function) or a script", app)}
	case 1:
		ep, err := t.ResolveScript(scripts[0].Name, app)
		return ep, scripts[0].Name, err
	}
	names := make([]string, len(scripts))
	for i, s := range scripts {
		names[i] = s.Name
	}
	return "", "", &EntryPointError{Reason: fmt.Sprintf("%s defines %d console scripts (%s): name the one to run", app, len(scripts), strings.Join(names, ", "))}
}

// requirements returns requirements.txt: every vendored distribution
// pinned, with the digest of the wheel it was installed from.
func (t *Tree) requirements(app *Dist) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# The dependencies of %s %s, frozen by ferry bundle: vendor/ holds them\n", app.Name, app.Version)
	b.WriteString("# installed from exactly these wheels. To install them again:\n")
	b.WriteString("#   pip install --require-hashes --no-deps --target vendor -r requirements.txt\n")
	for _, d := range t.Dists {
		if d == app {
			continue
		}
		if d.Wheel.SHA256 == "" {
			fmt.Fprintf(&b, "%s==%s\n", d.Name, d.Version)
			continue
		}
		fmt.Fprintf(&b, "%s==%s \\\n    --hash=sha256:%s\n", d.Name, d.Version, d.Wheel.SHA256)
	}
	return b.Bytes()
}

// completeTree checks and sorts the members and adds missing parent
// directories.
func completeTree(in []archive.Entry) ([]archive.Entry, error) {
	seen := map[string]bool{}
	out := make([]archive.Entry, 0, len(in)+len(in)/4)
	for _, e := range in {
		isDir := strings.HasSuffix(e.Name, "/")
		clean, err := archive.CleanName(e.Name)
		if err != nil {
			return nil, err
		}
		if clean == ReleaseManifestName {
			return nil, fmt.Errorf("release member %s: reserved name", clean)
		}
		if seen[clean] {
			if isDir {
				continue
			}
			return nil, fmt.Errorf("release member %s: listed twice", clean)
		}
		seen[clean] = true
		e.Name = clean
		if isDir {
			e.Name += "/"
		}
		out = append(out, e)
	}
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

// contentHash computes the release's content hash over its members.
func contentHash(ctx context.Context, entries []archive.Entry) (string, error) {
	type line struct{ name, kind, sum string }
	var lines []line
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		if strings.HasSuffix(e.Name, "/") {
			continue
		}
		h := sha256.New()
		kind := "f"
		switch {
		case e.Linkname != "":
			kind = "l"
			io.WriteString(h, e.Linkname)
		default:
			if e.Executable {
				kind = "x"
			}
			if e.Open == nil {
				h.Write(e.Data)
				break
			}
			rc, err := e.Open()
			if err != nil {
				return "", fmt.Errorf("reading %s: %w", e.Name, err)
			}
			_, err = io.Copy(h, rc)
			rc.Close()
			if err != nil {
				return "", fmt.Errorf("reading %s: %w", e.Name, err)
			}
		}
		lines = append(lines, line{e.Name, kind, hex.EncodeToString(h.Sum(nil))})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].name < lines[j].name })
	sum := sha256.New()
	for _, l := range lines {
		fmt.Fprintf(sum, "%s %s\x00%s\n", l.kind, l.name, l.sum)
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// Entries returns the release's members, RELEASE.json first, then the
// rest in name order (directories end in "/").
func (r *Release) Entries() ([]archive.Entry, error) {
	m, err := r.Manifest.Marshal()
	if err != nil {
		return nil, err
	}
	return append([]archive.Entry{{Name: ReleaseManifestName, Data: m}}, r.entries...), nil
}

// TopDir is the directory the .tar.gz form holds the release under:
// "<name>-<version>".
func (r *Release) TopDir() string { return r.Manifest.Name + "-" + r.Manifest.Version }

// WriteTarGz writes the release as a deterministic .tar.gz whose members
// are under TopDir()/.
func (r *Release) WriteTarGz(w io.Writer, mtime time.Time) error {
	entries, err := r.Entries()
	if err != nil {
		return err
	}
	gz := archive.NewGzipWriter(w)
	tw := archive.NewTarWriter(gz, clampTime(mtime))
	if err := tw.Add(archive.Entry{Name: r.TopDir() + "/"}); err != nil {
		return err
	}
	tw.Prefix = r.TopDir() + "/"
	for _, e := range entries {
		if err := tw.Add(e); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing the release: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("writing the release: %w", err)
	}
	return nil
}

// clampTime keeps time stamps at or after the Unix epoch.
func clampTime(t time.Time) time.Time {
	if t.Unix() < 0 {
		return time.Unix(0, 0)
	}
	return t
}

// WriteDir writes the release as a directory at dir, which must not exist
// or be empty. The tree is built in a temporary directory beside dir and
// renamed into place, so dir never holds a partial release. Every file
// and directory gets mtime.
func (r *Release) WriteDir(ctx context.Context, dir string, mtime time.Time) (err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return err
	}
	if ents, err := os.ReadDir(dir); err == nil {
		if len(ents) > 0 {
			return fmt.Errorf("writing the release to %s: the directory exists and is not empty", dir)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("writing the release to %s: %w", dir, err)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("writing the release to %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("writing the release to %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	entries, err := r.Entries()
	if err != nil {
		return err
	}
	mtime = clampTime(mtime)
	var dirs []string
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := filepath.Join(tmp, filepath.FromSlash(strings.TrimSuffix(e.Name, "/")))
		switch {
		case strings.HasSuffix(e.Name, "/"):
			if err := os.MkdirAll(p, 0o755); err != nil {
				return fmt.Errorf("writing the release: %w", err)
			}
			dirs = append(dirs, p)
			continue
		case e.Linkname != "":
			if err := os.Symlink(e.Linkname, p); err != nil {
				return fmt.Errorf("writing the release: %w", err)
			}
			continue
		}
		if err := writeEntry(p, e); err != nil {
			return err
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			return fmt.Errorf("writing the release: %w", err)
		}
	}
	dirs = append(dirs, tmp)
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Chtimes(dirs[i], mtime, mtime)
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("writing the release to %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("writing the release to %s: %w", dir, err)
	}
	return fsx.SyncDir(parent)
}

func writeEntry(p string, e archive.Entry) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("writing the release: %w", err)
	}
	perm := os.FileMode(0o644)
	if e.Executable {
		perm = 0o755
	}
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("writing the release: %w", err)
	}
	if e.Open == nil {
		_, err = out.Write(e.Data)
	} else {
		var rc io.ReadCloser
		if rc, err = e.Open(); err == nil {
			_, err = io.Copy(out, rc)
			rc.Close()
		}
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(p, perm)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", e.Name, err)
	}
	return nil
}

// launcherSource is bin/<script>, with @NAME@ placeholders.
const launcherSource = `#!@INTERPRETER@
# Launcher of @NAME@ @VERSION@, written by ferry bundle. It puts the
# release's app/ and vendor/ directories first on sys.path (through
# site.addsitedir, so their .pth files are processed) and runs the entry
# point @ENTRY_POINT@.
import os
import site
import sys

ENTRY_POINT = @ENTRY_POINT_LITERAL@


def _prepend(directory):
    before = list(sys.path)
    site.addsitedir(directory)
    added = [p for p in sys.path if p not in before]
    sys.path[:] = added + before


def _main():
    root = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    _prepend(os.path.join(root, "vendor"))
    _prepend(os.path.join(root, "app"))
    module, _, attrs = ENTRY_POINT.partition(":")
    try:
        import importlib

        obj = importlib.import_module(module)
        for attr in attrs.split("."):
            obj = getattr(obj, attr)
    except (ImportError, AttributeError) as e:
        sys.stderr.write(
            "%s: entry point %r could not be imported: %s: %s\n"
            % (os.path.basename(sys.argv[0]), ENTRY_POINT, type(e).__name__, e)
        )
        sys.exit(1)
    sys.exit(obj())


if __name__ == "__main__":
    _main()
`

func launcherScript(interp string, m ReleaseManifest) ([]byte, error) {
	if strings.ContainsAny(m.Name+m.Version+m.EntryPoint, "\r\n") {
		return nil, fmt.Errorf("writing the launcher: a name, version or entry point contains a line break")
	}
	return []byte(strings.NewReplacer(
		"@INTERPRETER@", interp,
		"@NAME@", m.Name,
		"@VERSION@", m.Version,
		"@ENTRY_POINT_LITERAL@", strconv.Quote(m.EntryPoint),
		"@ENTRY_POINT@", m.EntryPoint,
	).Replace(launcherSource)), nil
}
