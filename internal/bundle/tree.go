package bundle

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"ferry/internal/coremeta"
	"ferry/internal/distinfo"
	"ferry/internal/install"
	"ferry/internal/pkgname"
)

// ScriptsDir is where a --target install puts scripts, relative to the
// tree's root.
const ScriptsDir = "bin"

// WheelRef names the wheel file a distribution was installed from.
type WheelRef struct {
	// FileName is the wheel's file name.
	FileName string
	// SHA256 is the hex digest of the wheel file ("" when unknown).
	SHA256 string
}

// File is one installed file of a distribution.
type File struct {
	// Path is slash-separated and relative to the tree's root.
	Path       string
	Executable bool
	// Linkname is the target of a symbolic link ("" for a regular file).
	Linkname string
}

// Dist is one installed distribution of a Tree.
type Dist struct {
	Name    pkgname.Name
	Version string
	// DistInfo is the .dist-info directory, relative to the root.
	DistInfo string
	// Files are the files its RECORD lists that exist, sorted by path.
	Files       []File
	Metadata    coremeta.Metadata
	EntryPoints distinfo.EntryPoints
	// Native is set for a distribution that must be a file on disk (see
	// the package documentation); NativeReason says why.
	Native       bool
	NativeReason string
	// Wheel is the wheel it was installed from, when the caller said.
	Wheel WheelRef
}

// String returns "name==version".
func (d *Dist) String() string { return string(d.Name) + "==" + d.Version }

// Tree is a staging directory of installed distributions (pip install
// --target layout) read by Scan.
type Tree struct {
	// Root is the directory.
	Root string
	// Dists are its distributions, sorted by name.
	Dists []*Dist
}

// Get returns the distribution named n, or nil.
func (t *Tree) Get(n pkgname.Name) *Dist {
	for _, d := range t.Dists {
		if d.Name == n {
			return d
		}
	}
	return nil
}

// Scan reads the distributions installed in root. wheels (may be nil) says
// which wheel file each came from. A file listed by two distributions
// belongs to the first in name order.
func Scan(ctx context.Context, root string, wheels map[pkgname.Name]WheelRef) (*Tree, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	inv, err := install.ReadInventory(root)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", root, err)
	}
	t := &Tree{Root: root}
	claimed := map[string]bool{}
	all := inv.All()
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	for _, id := range all {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if id.Kind != install.DistInfo {
			return nil, fmt.Errorf("%s in %s: only .dist-info installs can be bundled", id, root)
		}
		d := &Dist{Name: id.Name, Version: id.Version, Wheel: wheels[id.Name]}
		rel, err := relPath(root, id.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		d.DistInfo = rel
		if d.Metadata, err = id.Metadata(); err != nil {
			return nil, fmt.Errorf("reading the metadata of %s: %w", id, err)
		}
		if d.EntryPoints, err = id.EntryPoints(); err != nil {
			return nil, fmt.Errorf("reading the entry points of %s: %w", id, err)
		}
		files, err := id.Files()
		if err != nil {
			return nil, err
		}
		for _, p := range files {
			rel, err := relPath(root, p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", id, err)
			}
			if claimed[rel] {
				continue
			}
			st, err := os.Lstat(p)
			if err != nil || st.IsDir() {
				continue // listed but absent (bytecode never written)
			}
			f := File{Path: rel, Executable: st.Mode().Perm()&0o111 != 0}
			switch {
			case st.Mode()&os.ModeSymlink != 0:
				if f.Linkname, err = os.Readlink(p); err != nil {
					return nil, fmt.Errorf("%s: %w", id, err)
				}
				f.Executable = false
			case !st.Mode().IsRegular():
				return nil, fmt.Errorf("%s: %s is not a regular file", id, rel)
			}
			claimed[rel] = true
			d.Files = append(d.Files, f)
		}
		sort.Slice(d.Files, func(i, j int) bool { return d.Files[i].Path < d.Files[j].Path })
		d.Native, d.NativeReason = classify(d)
		t.Dists = append(t.Dists, d)
	}
	return t, nil
}

// relPath returns p relative to root, slash-separated, refusing a path
// outside root.
func relPath(root, p string) (string, error) {
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", fmt.Errorf("%s is outside %s", p, root)
	}
	return filepath.ToSlash(rel), nil
}

// classify tells whether d must live on disk.
func classify(d *Dist) (bool, string) {
	for _, f := range d.Files {
		if IsNativeFile(f.Path) {
			return true, "holds native code (" + f.Path + ")"
		}
	}
	for _, f := range d.Files {
		if f.Path == d.DistInfo+"/not-zip-safe" {
			return true, "is marked not zip-safe"
		}
	}
	return false, ""
}

// IsNativeFile reports whether a file name is an extension module or a
// shared library: .so, .pyd, .dylib, .dll, or a versioned "lib.so.1".
func IsNativeFile(name string) bool {
	base := strings.ToLower(path.Base(name))
	for _, ext := range []string{".so", ".pyd", ".dylib", ".dll"} {
		if strings.HasSuffix(base, ext) {
			return true
		}
	}
	return strings.Contains(base, ".so.")
}

// open returns a function that opens a file of the tree.
func (t *Tree) open(rel string) func() (io.ReadCloser, error) {
	p := filepath.Join(t.Root, filepath.FromSlash(rel))
	return func() (io.ReadCloser, error) { return os.Open(p) }
}

// ProvidesModule reports whether a dotted module name is importable from
// the tree's files: a module file, a package, an extension module or a
// namespace directory.
func (t *Tree) ProvidesModule(module string) bool {
	base := strings.ReplaceAll(module, ".", "/")
	for _, d := range t.Dists {
		for _, f := range d.Files {
			p := f.Path
			switch {
			case p == base+".py", p == base+"/__init__.py", strings.HasPrefix(p, base+"/"):
				return true
			case strings.HasPrefix(p, base+".") && IsNativeFile(p) && !strings.Contains(p[len(base)+1:], "/"):
				return true
			}
		}
	}
	return false
}

// ResolveScript finds the console (or GUI) script named name among the
// entry points of prefer (may be nil) and then of every distribution in
// name order, and returns its "module:function".
func (t *Tree) ResolveScript(name string, prefer *Dist) (string, error) {
	dists := t.Dists
	if prefer != nil {
		dists = append([]*Dist{prefer}, t.Dists...)
	}
	for _, gui := range []bool{false, true} {
		for _, d := range dists {
			eps := d.EntryPoints.ConsoleScripts()
			if gui {
				eps = d.EntryPoints.GUIScripts()
			}
			for _, ep := range eps {
				if ep.Name != name {
					continue
				}
				ref, err := distinfo.ParseObjectRef(ep.Value)
				if err != nil || ref.Attr == "" {
					return "", fmt.Errorf("%s defines the script %q as %q, not module:function", d, name, ep.Value)
				}
				return ref.Module + ":" + ref.Attr, nil
			}
		}
	}
	return "", &EntryPointError{Reason: fmt.Sprintf("no bundled distribution defines a script named %q", name)}
}

// EntryPointError reports an entry point that is missing or invalid.
type EntryPointError struct {
	Reason string
}

// Error returns the reason.
func (e *EntryPointError) Error() string { return "entry point: " + e.Reason }

// CheckEntryPoint checks that ep is "module:function" (attributes may be
// dotted).
func CheckEntryPoint(ep string) error {
	ref, err := distinfo.ParseObjectRef(ep)
	if err != nil || ref.Attr == "" || len(ref.Extras) > 0 || ep != ref.Module+":"+ref.Attr {
		return &EntryPointError{Reason: fmt.Sprintf("%q is not module:function", ep)}
	}
	return nil
}
