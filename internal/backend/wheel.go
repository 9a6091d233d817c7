package backend

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"ferry/internal/coremeta"
	"ferry/internal/distinfo"
	"ferry/internal/distname"
	"ferry/internal/pep440"
	"ferry/internal/pyproject"
	"ferry/internal/tags"
	"ferry/internal/wheel"
)

// PureTag is the tag of every wheel the native backend builds.
func PureTag() tags.Tag { return tags.NewTag("py3", "none", "any") }

// implicitData are the package data globs setuptools adds to every
// package (typing stubs and the PEP 561 marker).
var implicitData = [...]string{"*.pyi", "py.typed"}

// member is one file of a wheel: read from the project (src) or given
// (data).
type member struct {
	src  string
	data []byte
	exec bool
}

// layout is the computed content of a wheel, keyed by archive path.
type layout struct {
	files map[string]member
	// from remembers which project file produced each path, for
	// collision errors.
	from map[string]string
}

func newLayout() *layout {
	return &layout{files: map[string]member{}, from: map[string]string{}}
}

func (l *layout) add(name string, m member, origin string) error {
	if prev, ok := l.from[name]; ok {
		if prev == origin && m.src != "" {
			return nil
		}
		return fmt.Errorf("%s and %s would both be installed as %s", prev, origin, name)
	}
	l.files[name] = m
	l.from[name] = origin
	return nil
}

// packageDirs returns each package's source directory ("" for the root).
func (p *Project) packageDirs() (map[string]string, error) {
	dirs := map[string]string{}
	for _, pkg := range p.Config.Packages {
		d := cleanDir(pyproject.PackagePath(pkg, p.Config.PackageDir))
		if strings.HasPrefix(d, "../") || d == ".." || path.IsAbs(d) {
			return nil, fmt.Errorf("package %s: directory %s is outside the project", pkg, d)
		}
		if d != "" {
			fi, err := fs.Stat(p.FS, d)
			if err != nil || !fi.IsDir() {
				return nil, fmt.Errorf("package %s: directory %s does not exist", pkg, d)
			}
		}
		dirs[pkg] = d
	}
	return dirs, nil
}

// moduleFile returns the source file of a py_modules entry.
func (p *Project) moduleFile(mod string) string {
	pkg, base := "", mod
	if i := strings.LastIndexByte(mod, '.'); i >= 0 {
		pkg, base = mod[:i], mod[i+1:]
	}
	var dir string
	if pkg == "" {
		dir = cleanDir(p.Config.PackageDir[""])
	} else {
		dir = cleanDir(pyproject.PackagePath(pkg, p.Config.PackageDir))
	}
	return path.Join(dir, base+".py")
}

func dirOf(f string) string {
	d := path.Dir(f)
	if d == "." {
		return ""
	}
	return d
}

// isModuleName reports whether f is "<identifier>.py", what setuptools
// counts as a module rather than data in a package directory.
func isModuleName(f string) bool {
	stem, ok := strings.CutSuffix(f, ".py")
	if !ok || stem == "" {
		return false
	}
	for i, r := range stem {
		if r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || (i > 0 && '0' <= r && r <= '9') || r > 0x7f {
			continue
		}
		return false
	}
	return true
}

// importLayout computes the importable part of a wheel: the packages'
// modules, py_modules and package data (setuptools' build_py). sdistFiles
// are the manifest's files, used when include_package_data is on.
func (p *Project) importLayout(l *layout, sdistFiles []string) (map[string]string, error) {
	dirs, err := p.packageDirs()
	if err != nil {
		return nil, err
	}
	byDir := map[string][]string{}
	for _, f := range p.files {
		byDir[dirOf(f)] = append(byDir[dirOf(f)], f)
	}
	pkgs := append([]string(nil), p.Config.Packages...)
	sort.Strings(pkgs)
	// Modules of each package: the *.py files directly in its directory.
	for _, pkg := range pkgs {
		target := strings.ReplaceAll(pkg, ".", "/")
		for _, f := range byDir[dirs[pkg]] {
			base := path.Base(f)
			if strings.HasSuffix(base, ".py") && !strings.HasPrefix(base, ".") {
				if err := l.add(target+"/"+base, member{src: f}, f); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, mod := range p.Config.PyModules {
		f := p.moduleFile(mod)
		if fi, err := fs.Stat(p.FS, f); err != nil || !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("module %s: file %s does not exist", mod, f)
		}
		if err := l.add(strings.ReplaceAll(mod, ".", "/")+".py", member{src: f}, f); err != nil {
			return nil, err
		}
	}
	// Package data.
	rc := reCache{}
	data := map[string]map[string]bool{} // package -> project files
	addData := func(pkg, f string) {
		if data[pkg] == nil {
			data[pkg] = map[string]bool{}
		}
		data[pkg][f] = true
	}
	for _, pkg := range pkgs {
		globs := append(globsFor(p.Config.PackageData, pkg), implicitData[:]...)
		dir := dirs[pkg]
		for _, f := range p.files {
			rel, ok := under(dir, f)
			if !ok {
				continue
			}
			for _, g := range globs {
				if rc.globMatch(path.Clean(g), rel) {
					addData(pkg, f)
					break
				}
			}
		}
	}
	if p.Config.IncludePackageData {
		srcDirs := map[string]string{}
		for pkg, d := range dirs {
			srcDirs[d] = pkg
		}
		for _, f := range sdistFiles {
			d := dirOf(f)
			for d != "" {
				if _, ok := srcDirs[d]; ok {
					break
				}
				d = dirOf(d)
			}
			pkg, ok := srcDirs[d]
			if !ok {
				continue
			}
			if dirOf(f) == d && isModuleName(path.Base(f)) {
				continue
			}
			addData(pkg, f)
		}
	}
	for _, pkg := range pkgs {
		files := data[pkg]
		if len(files) == 0 {
			continue
		}
		dir := dirs[pkg]
		excl := globsFor(p.Config.ExcludePackageData, pkg)
		list := make([]string, 0, len(files))
		for f := range files {
			list = append(list, f)
		}
		sort.Strings(list)
		target := strings.ReplaceAll(pkg, ".", "/")
	files:
		for _, f := range list {
			for _, g := range excl {
				if rc.fnmatch(path.Join(dir, g), f) {
					continue files
				}
			}
			rel, _ := under(dir, f)
			name := target + "/" + rel
			if _, ok := l.files[name]; ok {
				continue // a module, or data of a parent package
			}
			if err := l.add(name, member{src: f}, f); err != nil {
				return nil, err
			}
		}
	}
	return dirs, nil
}

// globsFor returns the patterns that apply to pkg: those for every
// package ("" or "*") and its own.
func globsFor(m map[string][]string, pkg string) []string {
	var out []string
	out = append(out, m[""]...)
	out = append(out, m["*"]...)
	out = append(out, m[pkg]...)
	return out
}

// shebang matches a script's first line that names a Python interpreter,
// as distutils' build_scripts recognises it; group 1 is the
// interpreter's arguments.
var shebang = regexp.MustCompile(`^#!.*python[0-9.]*([ \t].*)?$`)

// rewriteShebang replaces a Python script's "#!" line with "#!python"
// (keeping the interpreter's arguments), which installers replace with
// the target interpreter. Other content is returned unchanged.
func rewriteShebang(data []byte) ([]byte, bool) {
	line, rest, found := bytes.Cut(data, []byte("\n"))
	m := shebang.FindSubmatch(line)
	if m == nil {
		return data, false
	}
	out := append([]byte("#!python"), m[1]...)
	if found {
		out = append(out, '\n')
	}
	return append(out, rest...), true
}

// dataLayout adds scripts (.data/scripts, with #!python) and data files
// (.data/data).
func (p *Project) dataLayout(l *layout, dataDir string) error {
	for _, s := range p.Config.ScriptFiles {
		raw, err := fs.ReadFile(p.FS, s)
		if err != nil {
			return fmt.Errorf("script %s: %w", s, err)
		}
		content, _ := rewriteShebang(raw)
		if err := l.add(dataDir+"/scripts/"+path.Base(s), member{data: content, exec: true}, s); err != nil {
			return err
		}
	}
	for _, df := range p.Config.DataFiles {
		dir := cleanDir(df.Dir)
		for _, f := range df.Files {
			name := path.Join(dataDir, "data", dir, path.Base(f))
			if err := l.add(name, member{src: f}, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// topLevel returns the names top_level.txt lists: the first component of
// every package and module.
func (p *Project) topLevel() []string {
	set := map[string]bool{}
	for _, n := range append(append([]string(nil), p.Config.Packages...), p.Config.PyModules...) {
		first, _, _ := strings.Cut(n, ".")
		set[first] = true
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// entryPoints converts the configuration's groups, each group's entries
// sorted by name as setuptools writes them.
func (p *Project) entryPoints() distinfo.EntryPoints {
	var eps distinfo.EntryPoints
	for _, g := range p.Config.EntryPoints {
		entries := append([]pyproject.EntryPoint(nil), g.Entries...)
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
		for _, e := range entries {
			eps.Add(g.Group, distinfo.EntryPoint{Name: e.Name, Value: e.Value})
		}
	}
	return eps
}

// distInfoLayout adds METADATA, WHEEL, entry_points.txt, top_level.txt
// and the license files (PEP 639: .dist-info/licenses/<path>).
func (p *Project) distInfoLayout(l *layout, distInfo string, version pep440.Version, o Options) error {
	var buf bytes.Buffer
	if err := coremeta.Write(&buf, p.metadata(version, false)); err != nil {
		return err
	}
	l.add(distInfo+"/"+distinfo.MetadataFile, member{data: bytes.Clone(buf.Bytes())}, "METADATA")
	buf.Reset()
	gen := o.Generator
	if gen == "" {
		gen = "ferry"
	}
	if err := distinfo.WriteWheel(&buf, distinfo.Wheel{WheelVersion: "1.0", Generator: gen, RootIsPurelib: true, Tags: []tags.Tag{PureTag()}}); err != nil {
		return err
	}
	l.add(distInfo+"/"+distinfo.WheelFile, member{data: bytes.Clone(buf.Bytes())}, "WHEEL")
	if eps := p.entryPoints(); len(eps.Groups) > 0 {
		buf.Reset()
		if err := distinfo.WriteEntryPoints(&buf, eps); err != nil {
			return err
		}
		// setuptools separates groups with a blank line and ends the file
		// after the last entry; distinfo writes a blank line after every
		// group.
		data := bytes.TrimRight(buf.Bytes(), "\n")
		data = append(bytes.Clone(data), '\n')
		l.add(distInfo+"/"+distinfo.EntryPointsFile, member{data: data}, "entry points")
	}
	if top := p.topLevel(); len(top) > 0 {
		l.add(distInfo+"/top_level.txt", member{data: []byte(strings.Join(top, "\n") + "\n")}, "top_level.txt")
	}
	for _, lf := range p.Config.LicenseFiles {
		if err := l.add(distInfo+"/"+distinfo.LicensesDir+"/"+lf, member{src: lf}, lf); err != nil {
			return err
		}
	}
	return nil
}

// WheelName returns the wheel's file name for version.
func (p *Project) WheelName(version pep440.Version) string {
	return distname.WheelName{Name: p.Name(), Version: version, Tags: []tags.Tag{PureTag()}}.String()
}

func dataDirName(p *Project, version pep440.Version) string {
	return p.Name().DistInfoName() + "-" + version.String() + ".data"
}

// WheelFiles computes the wheel's members without writing it: archive
// path → project file ("" for generated files). Tests and `--dry-run`
// style callers use it.
func (p *Project) WheelFiles(ctx context.Context, o Options) ([]string, error) {
	l, _, err := p.wheelLayout(ctx, o)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(l.files))
	for n := range l.files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

func (p *Project) wheelLayout(ctx context.Context, o Options) (*layout, pep440.Version, error) {
	version, err := p.Version(o)
	if err != nil {
		return nil, version, err
	}
	var sdistFiles []string
	if p.Config.IncludePackageData {
		tracked, err := p.tracked(ctx, o)
		if err != nil {
			return nil, version, err
		}
		// Warnings belong to the sdist build; do not print them twice.
		quiet := o
		quiet.Warnf = nil
		if sdistFiles, err = p.SdistFiles(version, tracked, quiet); err != nil {
			return nil, version, err
		}
	}
	l := newLayout()
	if _, err := p.importLayout(l, sdistFiles); err != nil {
		return nil, version, err
	}
	if err := p.dataLayout(l, dataDirName(p, version)); err != nil {
		return nil, version, err
	}
	if err := p.distInfoLayout(l, distinfo.DirName(p.Name(), version), version, o); err != nil {
		return nil, version, err
	}
	return l, version, nil
}

// WriteWheel writes the project's wheel to w and returns its file name.
func (p *Project) WriteWheel(ctx context.Context, w io.Writer, o Options) (string, error) {
	l, version, err := p.wheelLayout(ctx, o)
	if err != nil {
		return "", err
	}
	if err := p.writeLayout(ctx, w, l, version, o); err != nil {
		return "", err
	}
	return p.WheelName(version), nil
}

func (p *Project) writeLayout(ctx context.Context, w io.Writer, l *layout, version pep440.Version, o Options) error {
	ww := wheel.NewWriter(w, wheel.WriterOptions{DistInfo: distinfo.DirName(p.Name(), version), Mtime: o.Mtime})
	names := make([]string, 0, len(l.files))
	for n := range l.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		m := l.files[n]
		if m.src == "" {
			if err := ww.Add(n, m.data, m.exec); err != nil {
				return err
			}
			continue
		}
		src := m.src
		if err := ww.AddOpen(n, func() (io.ReadCloser, error) { return p.FS.Open(src) }, m.exec || p.isExecutable(src)); err != nil {
			return err
		}
	}
	return ww.Close()
}
