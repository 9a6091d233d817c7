package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"ferry/internal/distinfo"
	"ferry/internal/pyproject"
)

// EditableStrategy is how an editable wheel makes the source tree
// importable.
type EditableStrategy string

const (
	// EditablePath adds the source roots (the project directory for a
	// flat layout, src/ for a src layout) to sys.path with a .pth file.
	// Namespace packages (PEP 420) work because the interpreter's own
	// path finder sees them. Everything importable in a root becomes
	// importable, as with setuptools' lenient mode.
	EditablePath EditableStrategy = "path"
	// EditableFinder installs a small import hook (a meta path finder)
	// that maps each top-level name to its directory or file; a .pth
	// line imports it at start-up. It is used when a package_dir mapping
	// cannot be expressed by a path entry (a package whose directory has
	// another name, or a subpackage mapped elsewhere).
	EditableFinder EditableStrategy = "finder"
)

// editableMapping is the import name → absolute source path of every
// name the finder must place itself: top-level names, and packages whose
// directory is not where their parent's path would find them.
type editablePlan struct {
	strategy EditableStrategy
	roots    []string          // EditablePath: absolute directories
	mapping  map[string]string // EditableFinder: name -> dir or .py file
}

// editablePlan decides the strategy for the project at absolute
// directory dir.
func (p *Project) editablePlan(dir string) (editablePlan, error) {
	dirs, err := p.packageDirs()
	if err != nil {
		return editablePlan{}, err
	}
	abs := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }
	// Where each name lives: packages (and the namespace parents of
	// listed packages) and modules.
	loc := map[string]string{}
	for pkg, d := range dirs {
		loc[pkg] = d
		parts := strings.Split(pkg, ".")
		for i := 1; i < len(parts); i++ {
			parent := strings.Join(parts[:i], ".")
			if _, ok := loc[parent]; !ok {
				loc[parent] = cleanDir(pyproject.PackagePath(parent, p.Config.PackageDir))
			}
		}
	}
	for _, mod := range p.Config.PyModules {
		loc[mod] = p.moduleFile(mod)
	}
	names := make([]string, 0, len(loc))
	for n := range loc {
		names = append(names, n)
	}
	sort.Strings(names)
	// A name is placed by its parent when its location is the parent's
	// directory plus its last component; a top-level name when its
	// location's last component is its name.
	roots := map[string]bool{}
	mapping := map[string]string{}
	expressible := true
	for _, n := range names {
		l := loc[n]
		last := n[strings.LastIndexByte(n, '.')+1:]
		_, isModule := moduleSet(p.Config.PyModules)[n]
		want := last
		if isModule {
			want = last + ".py"
		}
		i := strings.LastIndexByte(n, '.')
		if i < 0 {
			if path.Base(l) != want || l == "" {
				expressible = false
			} else {
				roots[dirOf(l)] = true
			}
			mapping[n] = abs(l)
			continue
		}
		parent := n[:i]
		if pl, ok := loc[parent]; ok && path.Join(pl, want) == l {
			continue
		}
		expressible = false
		mapping[n] = abs(l)
	}
	if expressible {
		var rs []string
		for r := range roots {
			rs = append(rs, abs(r))
		}
		sort.Strings(rs)
		return editablePlan{strategy: EditablePath, roots: rs}, nil
	}
	return editablePlan{strategy: EditableFinder, mapping: mapping}, nil
}

func moduleSet(mods []string) map[string]struct{} {
	s := make(map[string]struct{}, len(mods))
	for _, m := range mods {
		s[m] = struct{}{}
	}
	return s
}

// EditableStrategyFor reports which strategy BuildEditable uses for the
// project at absolute directory dir.
func (p *Project) EditableStrategyFor(dir string) (EditableStrategy, error) {
	plan, err := p.editablePlan(dir)
	return plan.strategy, err
}

// finderModule is the import hook of EditableFinder, written for ferry.
// MAPPING maps import names to a directory (a package, regular or
// namespace) or a .py file (a module).
const finderModule = `"""Editable install of %[1]s, made by ferry: an import hook placing its modules."""
import importlib.machinery
import importlib.util
import os
import sys

MAPPING = %[2]s


class _EditableFinder:
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        location = MAPPING.get(fullname)
        if location is None:
            return None
        if os.path.isdir(location):
            init = os.path.join(location, "__init__.py")
            if os.path.isfile(init):
                return importlib.util.spec_from_file_location(
                    fullname, init, submodule_search_locations=[location])
            spec = importlib.machinery.ModuleSpec(fullname, None, is_package=True)
            spec.submodule_search_locations = [location]
            return spec
        if os.path.isfile(location):
            return importlib.util.spec_from_file_location(fullname, location)
        return None

    @classmethod
    def invalidate_caches(cls):
        pass


def install():
    if not any(getattr(f, "__name__", "") == _EditableFinder.__name__ and getattr(f, "__module__", "") == __name__
               for f in sys.meta_path):
        sys.meta_path.append(_EditableFinder)
`

// pyString quotes s as a Python string literal (ASCII, escapes for
// everything else).
func pyString(s string) string {
	return strconv.QuoteToASCII(s)
}

func pyDict(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("{\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s: %s,\n", pyString(k), pyString(m[k]))
	}
	b.WriteString("}")
	return b.String()
}

// WriteEditable writes a PEP 660 editable wheel for the project to w and
// returns its file name. The project must be on disk (Dir is absolute).
// The wheel holds the .pth file (and, for EditableFinder, the finder
// module), the .dist-info (METADATA, WHEEL, entry_points.txt so that the
// installer makes launchers, licenses) and copies of the scripts and
// data files. direct_url.json is the installer's to write.
func (p *Project) WriteEditable(ctx context.Context, w io.Writer, o Options) (string, error) {
	if p.Dir == "" || !filepath.IsAbs(p.Dir) {
		return "", errors.New("an editable wheel needs the project's absolute directory")
	}
	version, err := p.Version(o)
	if err != nil {
		return "", err
	}
	plan, err := p.editablePlan(p.Dir)
	if err != nil {
		return "", err
	}
	l := newLayout()
	dist := p.Name().DistInfoName()
	pth := "__editable__." + dist + "-" + version.String() + ".pth"
	switch plan.strategy {
	case EditablePath:
		var b strings.Builder
		for _, r := range plan.roots {
			if strings.ContainsAny(r, "\n\r") {
				return "", fmt.Errorf("source directory %q contains a line break and cannot go in a .pth file", r)
			}
			b.WriteString(r + "\n")
		}
		l.add(pth, member{data: []byte(b.String())}, pth)
	case EditableFinder:
		mod := "__editable___ferry_" + dist + "_finder"
		src := fmt.Sprintf(finderModule, p.Config.Name, pyDict(plan.mapping))
		l.add(mod+".py", member{data: []byte(src)}, mod)
		l.add(pth, member{data: []byte("import " + mod + "; " + mod + ".install()\n")}, pth)
	}
	if err := p.dataLayout(l, dataDirName(p, version)); err != nil {
		return "", err
	}
	if err := p.distInfoLayout(l, distinfo.DirName(p.Name(), version), version, o); err != nil {
		return "", err
	}
	if err := p.writeLayout(ctx, w, l, version, o); err != nil {
		return "", err
	}
	return p.WheelName(version), nil
}
