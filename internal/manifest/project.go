package manifest

import (
	"errors"
	"path"
	"slices"
	"strings"
)

// Project is the part of a setuptools configuration that decides an
// sdist's default file set. It is plain data: the build backend fills it
// from pyproject.toml / setup.cfg; nothing here reads files. Paths are
// '/'-separated and relative to the project root. Maps are only read, in
// sorted key order where order could matter.
type Project struct {
	// Packages are import names ("app", "app.sub") whose *.py files are
	// sources; PyModules are single modules ("tool", "pkg.mod").
	Packages  []string
	PyModules []string
	// PackageDir maps a package name to its directory ("" is the root
	// package: {"": "src"} is the src layout), as setup(package_dir=...).
	PackageDir map[string]string
	// PackageData maps a package name ("" for every package) to globs,
	// relative to the package directory, of data files to ship.
	// ExcludePackageData removes files from that set (fnmatch rules: '*'
	// crosses '/').
	PackageData        map[string][]string
	ExcludePackageData map[string][]string
	// DataFiles are the files named by data_files, flattened; Scripts are
	// the scripts; ExtSources are the C/C++ sources (and in-tree depends) of
	// ext_modules and libraries.
	DataFiles  []string
	Scripts    []string
	ExtSources []string
	// LicenseFiles are license-files globs (Python glob rules, "**"
	// allowed); matches are added after the template. Leave it nil for
	// none, or pass DefaultLicenseGlobs() for setuptools' default.
	LicenseFiles []string
	// ReferencedFiles are files the configuration points at (a readme or
	// license "file:" directive); they are added after the template.
	ReferencedFiles []string
	// EggInfo is the project's egg-info directory ("app.egg-info", or
	// "src/app.egg-info" when PackageDir[""] is "src"); all its files are
	// included, and SOURCES.txt in it is the manifest. Empty for none.
	EggInfo string
	// Generated are files the build writes before archiving (the egg-info
	// metadata: PKG-INFO, SOURCES.txt, top_level.txt, ...). They count as
	// present on disk.
	Generated []string
	// Tracked are the files a revision-control file finder reports
	// (setuptools' setuptools.file_finders, e.g. setuptools-scm).
	// PreviousManifest is the content of an existing SOURCES.txt, used
	// only when Tracked is empty (an sdist rebuilt from an sdist).
	Tracked          []string
	PreviousManifest []string
	// Template is the manifest template's path; "" means "MANIFEST.in".
	Template string
	// Prune configures the final pruning pass.
	Prune Pruning
}

// Pruning configures what is dropped after the template and the license
// files have been applied. Directory patterns are globs matched against a
// single directory name.
type Pruning struct {
	// Off disables pruning entirely (sdist --no-prune).
	Off bool
	// BuildBase is the build directory; "" means "build".
	BuildBase string
	// BaseDir is the release tree, "<name>-<version>"; "" for none.
	BaseDir string
	// Anywhere are directory patterns pruned at any depth; nil means
	// DefaultPruneAnywhere(). The project's own EggInfo directory is never
	// pruned by these.
	Anywhere []string
	// AtRoot are directory patterns pruned at the project root; nil means
	// DefaultPruneAtRoot().
	AtRoot []string
}

// SetuptoolsPruneAnywhere returns the version-control directories that
// setuptools' sdist prunes at any depth.
func SetuptoolsPruneAnywhere() []string {
	return []string{"RCS", "CVS", ".svn", ".hg", ".git", ".bzr", "_darcs"}
}

// SetuptoolsPruneAtRoot returns the tool directories setuptools' sdist
// prunes at the project root.
func SetuptoolsPruneAtRoot() []string {
	return []string{".tox", ".nox", ".venv"}
}

// DefaultPruneAnywhere returns ferry's default: setuptools' list plus
// bytecode caches and stray egg-info directories, which setuptools lets
// through when a template grafts them in.
func DefaultPruneAnywhere() []string {
	return append(SetuptoolsPruneAnywhere(), "__pycache__", "*.egg-info")
}

// DefaultPruneAtRoot returns ferry's default: setuptools' list plus the
// dist output directory and setup_requires' .eggs cache.
func DefaultPruneAtRoot() []string {
	return append(SetuptoolsPruneAtRoot(), "dist", ".eggs")
}

// DefaultLicenseGlobs returns setuptools' license-files default.
func DefaultLicenseGlobs() []string {
	return []string{"LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*"}
}

// Manifest is the result of Build.
type Manifest struct {
	// Files is the sdist's file list, sorted as SOURCES.txt is.
	Files []string
	// Warnings are the template's warnings, in line order.
	Warnings []Warning
}

// Build computes an sdist's file list the way setuptools' egg_info does:
// the default file set (see DefaultFiles), then the template's commands in
// order, then the license files and referenced files, then pruning. files
// are the regular files on disk (see NewFileList); template is the content
// of p.Template and is read only when that path is among files.
//
// A malformed template line does not stop the build, as in setuptools: the
// returned Manifest is complete and the error joins a *LineError for each
// bad line. Any other error (an invalid path, a template that is not UTF-8)
// comes with a nil Manifest.
func Build(p *Project, files []string, template string) (*Manifest, error) {
	fl, err := p.fileList(files)
	if err != nil {
		return nil, err
	}
	p.addDefaults(fl)
	var m Manifest
	var tmplErr error
	if fl.onDisk(p.templatePath()) {
		m.Warnings, tmplErr = fl.ApplyTemplate(template)
		if errors.Is(tmplErr, ErrNotUTF8) {
			return nil, tmplErr
		}
	}
	fl.Add(p.licenseFiles(fl)...)
	fl.Add(p.ReferencedFiles...)
	p.prune(fl)
	m.Files = fl.Files()
	return &m, tmplErr
}

// DefaultFiles returns the files setuptools' egg_info selects before
// reading the template, sorted: the first README of README, README.rst,
// README.txt and README.md; setup.py, setup.cfg and pyproject.toml; the
// files matching tests/test*.py and test/test*.py; the modules of Packages
// and PyModules with each package's __init__.py; package data (PackageData
// plus *.pyi and py.typed, less ExcludePackageData); DataFiles, ExtSources
// and Scripts; the template itself; Tracked (or else PreviousManifest); and
// everything under EggInfo. Only files on disk are selected. Pruning has
// not happened yet.
func (p *Project) DefaultFiles(files []string) ([]string, error) {
	fl, err := p.fileList(files)
	if err != nil {
		return nil, err
	}
	p.addDefaults(fl)
	return fl.Files(), nil
}

func (p *Project) fileList(files []string) (*FileList, error) {
	all := files
	if len(p.Generated) > 0 {
		all = append(slices.Clone(files), p.Generated...)
	}
	return NewFileList(all)
}

func (p *Project) templatePath() string {
	if p.Template == "" {
		return "MANIFEST.in"
	}
	return p.Template
}

func (fl *FileList) onDisk(path string) bool {
	_, ok := fl.disk[path]
	return ok
}

func (p *Project) addDefaults(fl *FileList) {
	// setuptools' sdist takes the first README that exists.
	for _, r := range []string{"README", "README.rst", "README.txt", "README.md"} {
		if fl.Add(r) > 0 {
			break
		}
	}
	fl.Add("setup.py")
	for _, g := range []string{"tests/test*.py", "test/test*.py"} {
		fl.Add(globFiles(fl, g)...)
	}
	fl.Add("setup.cfg", "pyproject.toml")
	if len(p.Packages) > 0 || len(p.PyModules) > 0 {
		fl.Add(p.moduleFiles(fl)...)
		fl.Add(p.packageDataFiles(fl)...)
	}
	fl.Add(cleanAll(p.DataFiles)...)
	fl.Add(cleanAll(p.ExtSources)...)
	fl.Add(cleanAll(p.Scripts)...)
	fl.Add(p.templatePath())
	if p.EggInfo != "" {
		fl.Add(path.Join(p.EggInfo, "SOURCES.txt"))
	}
	if len(p.Tracked) > 0 {
		fl.Add(cleanAll(p.Tracked)...)
	} else {
		fl.Add(cleanAll(p.PreviousManifest)...)
	}
	if p.EggInfo != "" {
		fl.IncludeMatching(CompilePattern(underDir(p.EggInfo, "**")))
	}
}

// packageDir resolves a package's directory as distutils' build_py does:
// the longest dotted prefix with a PackageDir entry, then the rest of the
// name as subdirectories; "" is the project root.
func (p *Project) packageDir(pkg string) string {
	var parts []string
	if pkg != "" {
		parts = strings.Split(pkg, ".")
	}
	var tail []string
	for len(parts) > 0 {
		if d, ok := p.PackageDir[strings.Join(parts, ".")]; ok {
			return cleanPath(path.Join(append([]string{d}, tail...)...))
		}
		tail = append([]string{parts[len(parts)-1]}, tail...)
		parts = parts[:len(parts)-1]
	}
	if d, ok := p.PackageDir[""]; ok {
		tail = append([]string{d}, tail...)
	}
	return cleanPath(path.Join(tail...))
}

// moduleFiles lists the sources build_py would copy: every *.py directly in
// each package's directory (not setup.py at the root) and, for each
// py_module, its file and its package's __init__.py.
func (p *Project) moduleFiles(fl *FileList) []string {
	var out []string
	for _, mod := range p.PyModules {
		pkg, name := "", mod
		if i := strings.LastIndexByte(mod, '.'); i >= 0 {
			pkg, name = mod[:i], mod[i+1:]
		}
		dir := p.packageDir(pkg)
		if pkg != "" {
			out = append(out, joinRel(dir, "__init__.py"))
		}
		out = append(out, joinRel(dir, name+".py"))
	}
	for _, pkg := range p.Packages {
		for _, f := range globFiles(fl, joinRel(escapeGlob(p.packageDir(pkg)), "*.py")) {
			if f != "setup.py" {
				out = append(out, f)
			}
		}
	}
	return out
}

// packageDataFiles lists build_py's data files for every package.
func (p *Project) packageDataFiles(fl *FileList) []string {
	var out []string
	for _, pkg := range p.Packages {
		dir := p.packageDir(pkg)
		// setuptools (68.3+) adds PEP 561 type information to every package.
		globs := []string{"*.pyi", "py.typed"}
		globs = append(globs, p.PackageData[""]...)
		if pkg != "" {
			globs = append(globs, p.PackageData[pkg]...)
		}
		var found []string
		for _, g := range globs {
			found = append(found, globFiles(fl, joinRel(dir, g))...)
		}
		var excl []fnPattern
		ex := slices.Clone(p.ExcludePackageData[""])
		if pkg != "" {
			ex = append(ex, p.ExcludePackageData[pkg]...)
		}
		for _, g := range ex {
			excl = append(excl, compileFn(joinRel(dir, g)))
		}
	next:
		for _, f := range found {
			for _, e := range excl {
				if e.match(f) {
					continue next
				}
			}
			out = append(out, f)
		}
	}
	return out
}

// licenseFiles expands LicenseFiles with Python's glob, skipping names
// ending in '~' as setuptools does.
func (p *Project) licenseFiles(fl *FileList) []string {
	var out []string
	for _, g := range p.LicenseFiles {
		for _, f := range globFiles(fl, trimDot(g)) {
			if !strings.HasSuffix(f, "~") {
				out = append(out, f)
			}
		}
	}
	return out
}

// globFiles is Python's glob.glob(pattern, recursive=True) restricted to
// regular files.
func globFiles(fl *FileList, glob string) []string {
	pat := CompilePattern(glob)
	var out []string
	for _, f := range fl.all {
		if pat.matchStdlib(f) {
			out = append(out, f)
		}
	}
	return out
}

// prune drops the build tree, the release tree and the configured
// directories from the selection.
func (p *Project) prune(fl *FileList) {
	pr := p.Prune
	if pr.Off {
		return
	}
	build := pr.BuildBase
	if build == "" {
		build = "build"
	}
	var prefixes []string
	for _, d := range []string{build, pr.BaseDir} {
		if d = cleanPath(d); d != "" {
			prefixes = append(prefixes, d+"/")
		}
	}
	anywhere := compileAll(pr.Anywhere, DefaultPruneAnywhere)
	atRoot := compileAll(pr.AtRoot, DefaultPruneAtRoot)
	eggInfo := ""
	if p.EggInfo != "" {
		eggInfo = cleanPath(p.EggInfo) + "/"
	}
	for _, f := range fl.Files() {
		if prunedFile(f, prefixes, anywhere, atRoot, eggInfo) {
			fl.Remove(f)
		}
	}
}

func prunedFile(f string, prefixes []string, anywhere, atRoot []Pattern, eggInfo string) bool {
	for _, pre := range prefixes {
		if strings.HasPrefix(f, pre) {
			return true
		}
	}
	dirs := strings.Split(f, "/")
	dirs = dirs[:len(dirs)-1]
	if len(dirs) > 0 && matchAny(atRoot, dirs[0]) {
		return true
	}
	skip := 0
	if eggInfo != "" && strings.HasPrefix(f, eggInfo) {
		skip = strings.Count(eggInfo, "/")
	}
	for _, d := range dirs[skip:] {
		if matchAny(anywhere, d) {
			return true
		}
	}
	return false
}

func compileAll(globs []string, def func() []string) []Pattern {
	if globs == nil {
		globs = def()
	}
	out := make([]Pattern, len(globs))
	for i, g := range globs {
		out[i] = CompilePattern(g)
	}
	return out
}

func matchAny(pats []Pattern, name string) bool {
	for _, p := range pats {
		if p.Match(name) {
			return true
		}
	}
	return false
}

// escapeGlob quotes the glob metacharacters of a literal path, as Python's
// glob.escape does.
func escapeGlob(p string) string {
	var b strings.Builder
	for _, r := range p {
		switch r {
		case '*', '?', '[':
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// joinRel joins a directory ("" for the root) and a relative path.
func joinRel(dir, rel string) string {
	if dir == "" || dir == "." {
		return rel
	}
	return dir + "/" + rel
}

// cleanPath cleans a configured path; "." becomes "".
func cleanPath(p string) string {
	p = path.Clean(p)
	if p == "." {
		return ""
	}
	return p
}

func cleanAll(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = cleanPath(p)
	}
	return out
}
