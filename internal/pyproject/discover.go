package pyproject

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// FindPackages returns the packages below where (a '/'-separated directory
// relative to the root of fsys; "" or "." is the root) as
// setuptools.find_packages finds them: every directory that holds an
// __init__.py, reached through directories that are packages themselves,
// named by its dotted path relative to where. Directories whose names
// contain '.' are skipped with everything below them. include and exclude
// are fnmatch patterns on the dotted names (include defaults to "*"); a
// package must match an include pattern and no exclude pattern, and
// excluding a package does not exclude its sub-packages ("*.tests" excludes
// a.tests but neither the top-level tests nor a.tests.unit). "ez_setup" and
// "*__pycache__" are always excluded. The result is sorted; a missing where
// gives none.
func FindPackages(fsys fs.FS, where string, include, exclude []string) ([]string, error) {
	return findPackages(fsys, where, include, exclude, finderRegular)
}

// FindNamespacePackages is FindPackages for PEP 420 namespace packages, as
// setuptools.find_namespace_packages: every directory counts as a package,
// with or without __init__.py.
func FindNamespacePackages(fsys fs.FS, where string, include, exclude []string) ([]string, error) {
	return findPackages(fsys, where, include, exclude, finderNamespace)
}

type finderKind int

const (
	finderRegular finderKind = iota
	finderNamespace
	finderFlat // setuptools' FlatLayoutPackageFinder
)

// flatLayoutExclude is setuptools' list of reserved top-level names for
// automatic discovery in a flat layout (each also excluded with ".*").
func flatLayoutExclude() []string {
	names := []string{
		"ci", "bin", "debian", "doc", "docs", "documentation", "manpages", "news",
		"newsfragments", "changelog", "test", "tests", "unit_test", "unit_tests",
		"example", "examples", "scripts", "tools", "util", "utils", "python",
		"build", "dist", "venv", "env", "requirements", "tasks", "fabfile",
		"site_scons", "benchmark", "benchmarks", "exercise", "exercises",
		"htmlcov", "[._]*",
	}
	var out []string
	for _, n := range names {
		out = append(out, n, n+".*")
	}
	return out
}

// flatLayoutModuleExclude is setuptools' list of reserved top-level module
// names in a flat layout.
func flatLayoutModuleExclude() []string {
	return []string{
		"setup", "conftest", "test", "tests", "example", "examples", "build",
		"toxfile", "noxfile", "pavement", "dodo", "tasks", "fabfile",
		"[Ss][Cc]onstruct", "conanfile", "manage", "benchmark", "benchmarks",
		"exercise", "exercises", "[._]*",
	}
}

func findPackages(fsys fs.FS, where string, include, exclude []string, kind finderKind) ([]string, error) {
	root, err := cleanRel(where)
	if where == "" {
		root, err = ".", nil
	}
	if err != nil {
		return nil, fmt.Errorf("find packages: where: %w", err)
	}
	if len(include) == 0 {
		include = []string{"*"}
	}
	if len(exclude) == 0 && kind == finderFlat {
		exclude = flatLayoutExclude()
	}
	exclude = append([]string{"ez_setup", "*__pycache__"}, exclude...)
	var out []string
	var walk func(dir, prefix string, depth int) error
	walk = func(dir, prefix string, depth int) error {
		if depth > maxGlobDepth {
			return fmt.Errorf("find packages: %s: directories nested too deeply", dir)
		}
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && dir == root {
				return nil
			}
			return fmt.Errorf("find packages: reading %s: %w", dir, err)
		}
		for _, e := range entries {
			name := e.Name()
			full := joinRel(dir, name)
			if !isDir(fsys, full) {
				continue
			}
			pkg := name
			if prefix != "" {
				pkg = prefix + "." + name
			}
			if strings.Contains(name, ".") || !looksLikePackage(fsys, full, pkg, kind) {
				continue
			}
			if matchAny(pkg, include) && !matchAny(pkg, exclude) {
				out = append(out, pkg)
			}
			// Nothing below can be included when the exclusions name the
			// package's whole subtree (setuptools prunes the walk here too).
			if contains(exclude, pkg+"*") || contains(exclude, pkg+".*") {
				continue
			}
			if err := walk(full, pkg, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root, "", 0); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

func looksLikePackage(fsys fs.FS, dir, pkg string, kind finderKind) bool {
	switch kind {
	case finderRegular:
		fi, err := fs.Stat(fsys, path.Join(dir, "__init__.py"))
		return err == nil && fi.Mode().IsRegular()
	case finderFlat:
		names := strings.Split(pkg, ".")
		if !isIdentifier(names[0]) && !strings.HasSuffix(names[0], "-stubs") {
			return false
		}
		for _, n := range names[1:] {
			if !isIdentifier(n) {
				return false
			}
		}
	}
	return true
}

func matchAny(name string, pats []string) bool {
	for _, p := range pats {
		if fnmatch(name, p) {
			return true
		}
	}
	return false
}

// findModules returns the top-level modules in dir (its *.py files whose
// names are identifiers) that pass include and exclude, sorted: setuptools'
// ModuleFinder. Hidden files are not considered, as glob skips them.
func findModules(fsys fs.FS, dir string, exclude []string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("find modules: reading %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".py") {
			continue
		}
		if fi, err := fs.Stat(fsys, joinRel(dir, name)); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		mod := strings.TrimSuffix(name, ".py")
		if !isIdentifier(mod) || matchAny(mod, exclude) {
			continue
		}
		out = append(out, mod)
	}
	sort.Strings(out)
	return out, nil
}

// Layout names the layout automatic discovery found.
type Layout string

// Layouts automatic discovery recognises (setuptools' names).
const (
	LayoutNone         Layout = ""
	LayoutExplicit     Layout = "explicit"      // package-dir names each top-level package
	LayoutSrc          Layout = "src"           // everything under src/ (or package-dir "")
	LayoutFlatPackages Layout = "flat"          // one top-level package at the root
	LayoutFlatModules  Layout = "single-module" // one top-level module at the root
)

// Discovery is the result of automatic discovery.
type Discovery struct {
	Layout     Layout
	Packages   []string
	PyModules  []string
	PackageDir map[string]string
}

// ErrMultipleTopLevel is wrapped by Discover's error when a flat layout has
// more than one top-level package or module, which setuptools refuses to
// guess about.
var ErrMultipleTopLevel = errors.New("multiple top-level packages or modules in a flat layout")

// Discover finds the packages and modules of a project that configures
// neither, as setuptools' automatic discovery does
// (https://setuptools.pypa.io/en/latest/userguide/package_discovery.html#automatic-discovery):
//
//  1. explicit layout: package-dir maps names other than "" -- each such
//     package and the namespace packages below its directory;
//  2. src layout: the directory package-dir[""] names, or "src" when it
//     exists -- every directory below it (namespace rules) and its
//     top-level modules; package-dir[""] is set to it;
//  3. flat layout: the root's packages, skipping setuptools' reserved names
//     (tests, docs, examples, build, dist, venv, names starting with '.'
//     or '_', ...) and "-stubs" packages; if there are none, the root's
//     modules, skipping setup, conftest, noxfile and the like. More than
//     one top-level package (or module) is an error (ErrMultipleTopLevel).
//
// packageDir is not modified.
func Discover(fsys fs.FS, packageDir map[string]string) (Discovery, error) {
	pd := map[string]string{}
	for k, v := range packageDir {
		pd[k] = v
	}
	var explicit []string
	for k := range pd {
		if k != "" {
			explicit = append(explicit, k)
		}
	}
	sort.Strings(explicit)
	if len(explicit) > 0 {
		var pkgs []string
		for _, k := range explicit {
			dir, err := cleanRel(pd[k])
			if err != nil {
				return Discovery{}, fmt.Errorf("package-dir %q: %w", k, err)
			}
			nested, err := FindNamespacePackages(fsys, dir, nil, nil)
			if err != nil {
				return Discovery{}, err
			}
			pkgs = append(pkgs, k)
			for _, n := range nested {
				pkgs = append(pkgs, k+"."+n)
			}
		}
		return Discovery{Layout: LayoutExplicit, Packages: pkgs, PackageDir: pd}, nil
	}
	src := "src"
	if d, ok := pd[""]; ok {
		src = d
	}
	srcDir, err := cleanRel(src)
	if err != nil {
		return Discovery{}, fmt.Errorf("package-dir \"\": %w", err)
	}
	if isDir(fsys, srcDir) {
		pkgs, err := FindNamespacePackages(fsys, srcDir, nil, nil)
		if err != nil {
			return Discovery{}, err
		}
		mods, err := findModules(fsys, srcDir, nil)
		if err != nil {
			return Discovery{}, err
		}
		if _, ok := pd[""]; !ok {
			pd[""] = srcDir
		}
		return Discovery{Layout: LayoutSrc, Packages: pkgs, PyModules: mods, PackageDir: pd}, nil
	}
	pkgs, err := findPackages(fsys, ".", nil, nil, finderFlat)
	if err != nil {
		return Discovery{}, err
	}
	top := topLevel(removeStubs(pkgs))
	if len(top) > 1 {
		return Discovery{}, fmt.Errorf("%w: packages %s; list packages (or py-modules) explicitly, configure find with include/exclude, or use a src layout", ErrMultipleTopLevel, strings.Join(top, ", "))
	}
	if len(top) == 1 {
		return Discovery{Layout: LayoutFlatPackages, Packages: pkgs, PackageDir: pd}, nil
	}
	mods, err := findModules(fsys, ".", flatLayoutModuleExclude())
	if err != nil {
		return Discovery{}, err
	}
	if len(mods) > 1 {
		return Discovery{}, fmt.Errorf("%w: modules %s; list py-modules (or packages) explicitly, or use a src layout", ErrMultipleTopLevel, strings.Join(mods, ", "))
	}
	if len(mods) == 1 {
		return Discovery{Layout: LayoutFlatModules, PyModules: mods, PackageDir: pd}, nil
	}
	return Discovery{Layout: LayoutNone, PackageDir: pd}, nil
}

// topLevel drops every package whose parent is in the list, keeping the
// others sorted.
func topLevel(pkgs []string) []string {
	sorted := append([]string(nil), pkgs...)
	sort.Strings(sorted)
	var out []string
	for _, p := range sorted {
		nested := false
		for _, q := range out {
			if strings.HasPrefix(p, q+".") {
				nested = true
				break
			}
		}
		if !nested {
			out = append(out, p)
		}
	}
	return out
}

func removeStubs(pkgs []string) []string {
	var out []string
	for _, p := range pkgs {
		first, _, _ := strings.Cut(p, ".")
		if !strings.HasSuffix(first, "-stubs") {
			out = append(out, p)
		}
	}
	return out
}

// PackagePath returns the directory of package name under packageDir, as
// setuptools' find_package_path: the longest dotted prefix of name that
// packageDir maps gives the directory of that prefix, the rest of the name
// is appended; without one, packageDir[""] (or the root) is the parent.
func PackagePath(name string, packageDir map[string]string) string {
	parts := strings.Split(name, ".")
	for i := len(parts); i > 0; i-- {
		prefix := strings.Join(parts[:i], ".")
		if d, ok := packageDir[prefix]; ok {
			return joinRel(append([]string{d}, parts[i:]...)...)
		}
	}
	return joinRel(append([]string{packageDir[""]}, parts...)...)
}

// findWhere runs package finding over several where directories as
// setuptools' pyproject/setup.cfg "find" does, filling packageDir: a single
// where other than the root becomes packageDir[""]; with several, each
// top-level package found under a where that is not packageDir[""] is
// mapped to its directory.
func findWhere(fsys fs.FS, where, include, exclude []string, namespaces bool, packageDir map[string]string) ([]string, error) {
	if len(where) == 0 {
		where = []string{"."}
	}
	var search []string
	seen := map[string]bool{}
	for _, w := range where {
		c, err := cleanRel(w)
		if w == "" {
			c, err = ".", nil
		}
		if err != nil {
			return nil, fmt.Errorf("where: %w", err)
		}
		if !seen[c] {
			seen[c] = true
			search = append(search, c)
		}
	}
	if len(search) == 1 && search[0] != "." {
		if _, ok := packageDir[""]; !ok {
			packageDir[""] = search[0]
		}
	}
	var all []string
	for _, w := range search {
		var pkgs []string
		var err error
		if namespaces {
			pkgs, err = FindNamespacePackages(fsys, w, include, exclude)
		} else {
			pkgs, err = FindPackages(fsys, w, include, exclude)
		}
		if err != nil {
			return nil, err
		}
		all = append(all, pkgs...)
		if len(pkgs) > 0 && w != "." && packageDir[""] != w {
			for _, top := range topLevel(pkgs) {
				packageDir[top] = joinRel(w, strings.ReplaceAll(top, ".", "/"))
			}
		}
	}
	return all, nil
}
