package pyproject

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"unicode/utf8"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// Project is a Python project's configuration merged from pyproject.toml
// and setup.cfg and resolved against its files: core metadata ready to
// write, and the inputs of a build.
type Project struct {
	// Sources are the configuration files that were read, in the order
	// they apply: "setup.cfg" before "pyproject.toml".
	Sources []string
	// BuildSystem is the effective [build-system]: the declared one
	// (Declared true) or DefaultBuildSystem().
	BuildSystem BuildSystem
	// SetupPy classifies setup.py.
	SetupPy SetupPyKind

	// Core metadata.
	Name                   string // as written
	Normalized             pkgname.Name
	Version                pep440.Version // the zero Version when setup.py must supply it
	Summary                string
	Description            string
	DescriptionContentType string
	RequiresPython         pep440.Specifiers
	// Dependencies and OptionalDependencies are the requirements as
	// declared; RequiresDist and ProvidesExtra are the Requires-Dist and
	// Provides-Extra fields derived from them the way setuptools writes
	// them: unconditional dependencies first, then each extra in order (its
	// requirements get `extra == "name"`, combined with their own marker
	// as `(marker) and extra == "name"`), then the dependencies with a
	// marker, grouped by marker. Extra names are PEP 685-normalized.
	Dependencies         []pep508.Requirement
	OptionalDependencies []Extra
	RequiresDist         []pep508.Requirement
	ProvidesExtra        []pkgname.Name
	// Author and Maintainer hold names without an email; AuthorEmail and
	// MaintainerEmail hold "Name <email>" entries and bare addresses, each
	// list joined with ", " (core metadata's Author / Author-email).
	Author, AuthorEmail         string
	Maintainer, MaintainerEmail string
	// License is the legacy free-text License field; LicenseExpression the
	// PEP 639 SPDX expression; LicenseFiles the license files (matched
	// paths, sorted), for License-File and .dist-info/licenses/.
	License           string
	LicenseExpression string
	LicenseFiles      []string
	Classifiers       []string
	Keywords          []string
	// HomePage and DownloadURL come from setup.cfg's url / download_url;
	// ProjectURLs from [project.urls] or project_urls, in file order.
	HomePage    string
	DownloadURL string
	ProjectURLs []ProjectURL
	// Platforms, Provides, Requires and Obsoletes are the legacy fields
	// setup.cfg (or [tool.setuptools]) may give.
	Platforms, Provides, Requires, Obsoletes []string
	// ImportNames and ImportNamespaces are PEP 794's fields (nil when not
	// given; an empty non-nil slice for an explicit empty list).
	ImportNames, ImportNamespaces []string
	// Dynamic is [project] dynamic as written. Load resolves every dynamic
	// field it can, so it is informational: no field remains dynamic in
	// the metadata Load produces.
	Dynamic []string
	// EntryPoints are the entry point groups sorted by name,
	// "console_scripts" and "gui_scripts" included; entries keep their
	// order.
	EntryPoints []EntryPointGroup

	// Build inputs.
	// Packages are the import packages to ship and PackageDir where they
	// live ("" is the root package: {"": "src"} for a src layout);
	// PyModules are single-file modules. Layout names the automatic
	// discovery that found them ("" when configured).
	Packages   []string
	PackageDir map[string]string
	PyModules  []string
	Layout     Layout
	// PackageData maps a package ("" for every package) to globs of data
	// files relative to its directory; ExcludePackageData removes files.
	// IncludePackageData adds the data files the sdist manifest selects
	// (true by default for pyproject-configured projects, false for
	// setup.cfg ones, as in setuptools).
	PackageData        map[string][]string
	ExcludePackageData map[string][]string
	IncludePackageData bool
	// DataFiles are data-files with globs expanded (.data/data/ in a wheel).
	DataFiles []DataFiles
	// ScriptFiles are plain script files (.data/scripts/ in a wheel).
	ScriptFiles []string
	// DependencyGroups are [dependency-groups] expanded (PEP 735).
	DependencyGroups []DependencyGroup
	// SetupRequires is setup.cfg's setup_requires: extra build
	// requirements setuptools' backend reports to the frontend.
	SetupRequires []pep508.Requirement
	// TagBuild and TagDate are the version tags setuptools' egg_info
	// appends (see TaggedVersion).
	TagBuild string
	TagDate  bool
	// Sdist adjusts the sdist file set.
	Sdist SdistOptions
	// ReferencedFiles are the files the configuration read (readme,
	// license file, file: directives, attr: modules), sorted; an sdist
	// must contain them.
	ReferencedFiles []string
	// Unsupported lists configuration the native backend cannot honour
	// (extension modules, custom commands); see Native.
	Unsupported []string
	// Warnings are the problems that did not stop loading.
	Warnings []Warning
}

// Native reports whether ferry's native backend can build the project from
// this configuration alone: setup.py is absent or trivial and nothing in
// Unsupported is configured. The error says why not.
func (p *Project) Native() error {
	var why []string
	if p.SetupPy == SetupPyCustom {
		why = append(why, "setup.py does more than call setup()")
	}
	why = append(why, p.Unsupported...)
	if len(why) == 0 {
		return nil
	}
	return errors.New(describeUnsupported(why))
}

// loader resolves configuration against the project's files.
type loader struct {
	fsys       fs.FS
	d          *diag
	referenced map[string]bool
}

func (l *loader) reference(p string) { l.referenced[p] = true }

// readProjectFile reads a project-relative file that must exist, as UTF-8
// text with Python's newline translation.
func (l *loader) readProjectFile(p string) (string, error) {
	c, err := cleanRel(p)
	if err != nil {
		return "", err
	}
	data, err := fs.ReadFile(l.fsys, c)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("file %s does not exist: %w", p, fs.ErrNotExist)
		}
		return "", fmt.Errorf("reading %s: %w", p, err)
	}
	if !utf8.Valid(data) {
		return "", fmt.Errorf("file %s is not valid UTF-8", p)
	}
	l.reference(c)
	s := strings.TrimPrefix(string(data), "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n"), nil
}

// readFileDirective reads "file: a, b" as setuptools does: each path must
// stay inside the project; missing files are skipped with a warning; the
// contents are joined with "\n".
func (l *loader) readFileDirective(at origin, value string) string {
	spec := strings.TrimPrefix(value, "file:")
	var paths []string
	for _, p := range strings.Split(spec, ",") {
		if p = pyStrip(p); p != "" {
			paths = append(paths, p)
		}
	}
	return l.readFiles(at, paths)
}

func (l *loader) readFiles(at origin, paths []string) string {
	var parts []string
	for _, p := range paths {
		c, err := cleanRel(p)
		if err == nil && c == "." {
			err = fmt.Errorf("%q is the project directory, not a file", p)
		}
		if err != nil {
			at.wrap(l.d, err, "file: %v", err)
			continue
		}
		if fi, err := fs.Stat(l.fsys, c); err != nil || !fi.Mode().IsRegular() {
			at.warnf(l.d, "file %s cannot be found; skipped", p)
			continue
		}
		text, err := l.readProjectFile(c)
		if err != nil {
			at.wrap(l.d, err, "%v", err)
			continue
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, "\n")
}

// readAttrVersion resolves "attr: pkg.mod.NAME" as setuptools does,
// finding the module through packageDir without importing it.
func (l *loader) readAttrVersion(spec string, packageDir map[string]string) (string, error) {
	spec = strings.TrimSpace(spec)
	parts := strings.Split(spec, ".")
	attr := parts[len(parts)-1]
	module := strings.Join(parts[:len(parts)-1], ".")
	if module == "" {
		module = "__init__"
	}
	if !isDottedWords(spec) {
		return "", fmt.Errorf("attr: %q is not a dotted attribute path", spec)
	}
	file, err := l.findModule(module, packageDir)
	if err != nil {
		return "", fmt.Errorf("attr: %s: %w", spec, err)
	}
	src, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		return "", fmt.Errorf("attr: reading %s: %w", file, err)
	}
	l.reference(file)
	v, err := ReadAttr(src, attr)
	if err != nil {
		return "", fmt.Errorf("attr: %s: %s: %w", spec, file, err)
	}
	s, err := v.VersionString()
	if err != nil {
		return "", fmt.Errorf("attr: %s: %s: %w", spec, file, err)
	}
	return s, nil
}

// findModule locates module's source as setuptools' _find_module does: a
// package-dir entry for the first name part replaces it; otherwise
// package-dir "" is the parent directory. Both pkg/mod.py and
// pkg/mod/__init__.py are tried.
func (l *loader) findModule(module string, packageDir map[string]string) (string, error) {
	parts := strings.Split(module, ".")
	parent := "."
	if d, ok := packageDir[parts[0]]; ok {
		// The mapped directory's last component stands for the first
		// name part; the rest of its path is the parent.
		if i := strings.LastIndexByte(d, '/'); i >= 0 {
			parent, parts[0] = d[:i], d[i+1:]
		} else {
			parts[0] = d
		}
	} else if d, ok := packageDir[""]; ok {
		parent = d
	}
	if _, err := cleanRel(parent); err != nil {
		return "", err
	}
	base := joinRel(append([]string{parent}, parts...)...)
	if _, err := cleanRel(base); err != nil {
		return "", err
	}
	for _, cand := range []string{base + ".py", joinRel(base, "__init__.py")} {
		if fi, err := fs.Stat(l.fsys, cand); err == nil && fi.Mode().IsRegular() {
			return cand, nil
		}
	}
	return "", fmt.Errorf("cannot find module %s (looked for %s.py and %s/__init__.py): %w", module, base, base, fs.ErrNotExist)
}

// Load reads the project rooted at fsys: pyproject.toml and setup.cfg (each
// optional), with setup.py classified. Metadata follows setuptools'
// precedence: with a [project] table its static fields win and setup.cfg or
// [tool.ferry.dynamic] / [tool.setuptools.dynamic] only fill the fields
// listed in dynamic; without one, setup.cfg's [metadata] and [options] give
// everything. Build options come from [tool.ferry] / [tool.setuptools],
// each key overriding setup.cfg's [options]. Every problem found is
// reported: the error joins *Error values.
func Load(fsys fs.FS) (*Project, error) {
	var d diag
	l := &loader{fsys: fsys, d: &d, referenced: map[string]bool{}}
	ppData, err := readOptional(fsys, PyprojectFile)
	if err != nil {
		return nil, err
	}
	cfgData, err := readOptional(fsys, SetupCfgFile)
	if err != nil {
		return nil, err
	}
	kind, err := SetupPyIn(fsys)
	if err != nil {
		return nil, err
	}
	p := &Project{SetupPy: kind, BuildSystem: DefaultBuildSystem()}
	var pp *Pyproject
	if cfgData != nil {
		p.Sources = append(p.Sources, SetupCfgFile)
	}
	if ppData != nil {
		p.Sources = append(p.Sources, PyprojectFile)
		pp = parsePyproject(&d, ppData)
	}
	var cfg *SetupCfg
	if cfgData != nil {
		c, err := ParseSetupCfg(cfgData)
		if err != nil {
			for _, sub := range unjoin(err) {
				if se, ok := sub.(*Error); ok {
					d.add(se)
				} else {
					d.add(&Error{File: SetupCfgFile, Msg: sub.Error(), Err: sub})
				}
			}
		}
		cfg = c
	}
	if d.failed() {
		return nil, d.err()
	}
	if pp != nil && pp.BuildSystem.Declared {
		p.BuildSystem = pp.BuildSystem
		if p.BuildSystem.Backend == "" {
			p.BuildSystem.Backend = DefaultBuildSystem().Backend
		}
	}
	hasProject := pp != nil && pp.Project != nil

	// Build options: setup.cfg [options], overridden by the tool tables.
	var opts *buildOptions
	cfgMeta := newMeta()
	if cfg != nil {
		opts, cfgMeta = l.readSetupCfgOptions(cfg)
	}
	if pp != nil {
		opts = overlay(&d, opts, pp.tool, false)
	}
	if opts == nil {
		opts = &buildOptions{}
	}
	l.resolvePackages(p, opts, hasProject || pp != nil && pp.hasTool)

	// Metadata.
	if cfg != nil {
		l.readSetupCfgMetadata(cfg, cfgMeta, p.PackageDir)
	}
	var meta *metaValues
	if hasProject {
		meta = l.projectMeta(pp, cfgMeta, p.PackageDir, kind)
	} else {
		meta = cfgMeta
		if cfg == nil || cfg.Section("metadata") == nil {
			if kind != SetupPyCustom {
				file := PyprojectFile
				if ppData == nil && cfgData != nil {
					file = SetupCfgFile
				}
				d.add(&Error{File: file, Msg: "pyproject.toml has no [project] table and setup.cfg no [metadata] section", Err: ErrNoMetadata})
			}
		} else if kind != SetupPyCustom {
			if !meta.has("name") {
				d.errorf(SetupCfgFile, cfg.Section("metadata").Line, "[metadata]", "name is required")
			}
			if !meta.has("version") {
				d.errorf(SetupCfgFile, cfg.Section("metadata").Line, "[metadata]", "version is required")
			}
		}
	}
	l.fillMetadata(p, meta, opts, hasProject)
	if pp != nil {
		p.DependencyGroups = pp.DependencyGroups
		if hasProject {
			p.Dynamic = pp.Project.Dynamic
		}
	}
	if d.failed() {
		return nil, d.err()
	}
	p.RequiresDist, p.ProvidesExtra = requiresDist(p.Dependencies, p.OptionalDependencies)
	for f := range l.referenced {
		p.ReferencedFiles = append(p.ReferencedFiles, f)
	}
	sort.Strings(p.ReferencedFiles)
	p.Warnings = d.warnings()
	return p, nil
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func readOptional(fsys fs.FS, name string) ([]byte, error) {
	data, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{File: name, Msg: "reading: " + err.Error(), Err: err}
	}
	return data, nil
}

// projectMeta builds the metadata of a project with a [project] table: its
// static fields, then each dynamic field from [tool.*.dynamic] or else
// setup.cfg. setup.cfg metadata for fields that are neither is ignored with
// a warning, as setuptools does.
func (l *loader) projectMeta(pp *Pyproject, cfgMeta *metaValues, packageDir map[string]string, kind SetupPyKind) *metaValues {
	t := pp.Project
	base := tomlPath{"kproject"}
	at := func(field string) origin {
		fp := base.key(field)
		return origin{PyprojectFile, pp.doc.line(fp), fp.display()}
	}
	m := newMeta()
	static := l.staticMeta(t, at)
	for _, f := range ProjectFields() {
		if static.has(f) {
			m.copyField(static, f)
		}
	}
	dynMeta := l.dynamicMeta(pp.dynamic, packageDir)
	for _, f := range t.Dynamic {
		switch {
		case dynMeta.has(f):
			m.copyField(dynMeta, f)
		case cfgMeta.has(f):
			m.copyField(cfgMeta, f)
		case f == "version" && kind != SetupPyCustom:
			at("dynamic").errorf(l.d, "version is dynamic but nothing gives it: add [tool.ferry.dynamic] version = {attr = \"pkg.__version__\"} (or file), or a version in setup.cfg [metadata]")
		}
	}
	for f, o := range cfgMeta.set {
		if !t.IsDynamic(f) && f != "name" {
			o.warnf(l.d, "ignored: [project] in pyproject.toml does not list %q in dynamic", f)
		}
	}
	// The legacy fields have no [project] home; setup.cfg keeps them.
	m.platforms, m.hasPlatforms = cfgMeta.platforms, cfgMeta.hasPlatforms
	m.provides, m.hasProvides = cfgMeta.provides, cfgMeta.hasProvides
	m.requires, m.hasRequires = cfgMeta.requires, cfgMeta.hasRequires
	m.obsoletes, m.hasObsoletes = cfgMeta.obsoletes, cfgMeta.hasObsoletes
	return m
}

// staticMeta turns the [project] table into metaValues, reading the readme
// and license files.
func (l *loader) staticMeta(t *ProjectTable, at func(string) origin) *metaValues {
	m := newMeta()
	mark := func(f string) { m.set[f] = at(f) }
	if t.Has("name") {
		m.name = t.Name
		mark("name")
	}
	if t.Has("version") {
		m.version = t.Version
		mark("version")
	}
	if t.Has("description") {
		m.summary = t.Description
		mark("description")
	}
	if t.Has("readme") && t.Readme != nil {
		rd := *t.Readme
		if rd.File != "" {
			text, err := l.readProjectFile(rd.File)
			if err != nil {
				at("readme").wrap(l.d, err, "%v", err)
			}
			rd.Text = text
		}
		m.readme = &rd
		mark("readme")
	}
	if t.Has("requires-python") {
		m.requiresPython = t.RequiresPython
		mark("requires-python")
	}
	if t.Has("license") && t.License != nil {
		lic := *t.License
		if lic.File != "" {
			text, err := l.readProjectFile(lic.File)
			if err != nil {
				at("license").wrap(l.d, err, "%v", err)
			}
			lic.Text = text
		}
		m.license = &lic
		mark("license")
	}
	if t.Has("license-files") {
		m.licenseFiles, m.licenseFilesGiven = t.LicenseFiles, true
		mark("license-files")
	}
	if t.Has("authors") {
		m.author, m.authorEmail = joinPeople(t.Authors)
		mark("authors")
	}
	if t.Has("maintainers") {
		m.maintainer, m.maintainerEmail = joinPeople(t.Maintainers)
		mark("maintainers")
	}
	if t.Has("keywords") {
		m.keywords = t.Keywords
		mark("keywords")
	}
	if t.Has("classifiers") {
		m.classifiers = t.Classifiers
		mark("classifiers")
	}
	if t.Has("urls") {
		m.urls = t.URLs
		mark("urls")
	}
	if t.Has("scripts") {
		m.scripts = t.Scripts
		mark("scripts")
	}
	if t.Has("gui-scripts") {
		m.guiScripts = t.GUIScripts
		mark("gui-scripts")
	}
	if t.Has("entry-points") {
		m.entryPoints = t.EntryPoints
		mark("entry-points")
	}
	if t.Has("dependencies") {
		m.dependencies = t.Dependencies
		mark("dependencies")
	}
	if t.Has("optional-dependencies") {
		m.extras = t.OptionalDependencies
		mark("optional-dependencies")
	}
	if t.Has("import-names") {
		m.importNames, m.hasImportNames = t.ImportNames, true
		mark("import-names")
	}
	if t.Has("import-namespaces") {
		m.importNamespaces, m.hasImportSpaces = t.ImportNamespaces, true
		mark("import-namespaces")
	}
	return m
}

// dynamicMeta resolves [tool.ferry.dynamic] / [tool.setuptools.dynamic].
func (l *loader) dynamicMeta(ds *dynamicSpec, packageDir map[string]string) *metaValues {
	m := newMeta()
	if ds == nil {
		return m
	}
	for _, f := range []string{"version", "description", "readme", "classifiers", "dependencies", "entry-points"} {
		src, ok := ds.get(f)
		if !ok {
			continue
		}
		switch f {
		case "version":
			text := ""
			if src.attr != "" {
				s, err := l.readAttrVersion(src.attr, packageDir)
				if err != nil {
					src.at.wrap(l.d, err, "%v", err)
					continue
				}
				text = s
			} else {
				text = pyStrip(l.readFiles(src.at, src.files))
			}
			ver, err := pep440.Parse(text)
			if err != nil {
				src.at.wrap(l.d, err, "%q is not a valid version (PEP 440)", text)
				continue
			}
			m.version = ver
		case "description":
			m.summary = singleLine(l.d, src.at, l.readFiles(src.at, src.files))
		case "readme":
			ct := src.contentType
			if ct == "" {
				ct = "text/x-rst"
				if len(src.files) > 0 {
					if guess, ok := readmeContentType(src.files[0]); ok {
						ct = guess
					}
				}
			}
			m.readme = &Readme{Text: l.readFiles(src.at, src.files), ContentType: ct}
		case "classifiers":
			for _, line := range splitLinesUniversal(l.readFiles(src.at, src.files)) {
				if line = pyStrip(line); line != "" {
					m.classifiers = append(m.classifiers, line)
				}
			}
		case "dependencies":
			m.dependencies = l.requirementsFile(src)
		case "entry-points":
			groups, err := parseEntryPointsText(l.readFiles(src.at, src.files))
			if err != nil {
				src.at.wrap(l.d, err, "%v", err)
				continue
			}
			l.assignEntryPoints(src.at, groups, m)
			continue
		}
		m.set[f] = src.at
	}
	if len(ds.extrasOrder) > 0 {
		for _, name := range ds.extrasOrder {
			src := ds.extras[name]
			n, err := pkgname.Parse(name)
			if err != nil {
				src.at.wrap(l.d, err, "%q is not a valid extra name", name)
				continue
			}
			m.extras = append(m.extras, Extra{Name: name, Normalized: n, Requirements: l.requirementsFile(src)})
		}
		m.set["optional-dependencies"] = ds.extrasGivenAt
	}
	return m
}

// requirementsFile reads requirements from files as setuptools' dynamic
// dependencies do: one per line, blank and comment lines dropped.
func (l *loader) requirementsFile(src dynSource) []pep508.Requirement {
	text := l.readFiles(src.at, src.files)
	var out []pep508.Requirement
	for _, s := range requirementLines([]string{text}) {
		if strings.HasPrefix(s, "-") {
			src.at.errorf(l.d, "%q: requirements-file options are not supported here", s)
			continue
		}
		req, err := pep508.Parse(s)
		if err != nil {
			src.at.wrap(l.d, err, "invalid requirement %q: %s", s, firstLine(err.Error()))
			continue
		}
		out = append(out, req)
	}
	return out
}

// resolvePackages settles packages, modules and package-dir: configured
// lists, find directives, or automatic discovery; then checks that every
// package directory and module exists inside the project.
func (l *loader) resolvePackages(p *Project, o *buildOptions, pyprojectStyle bool) {
	pd := map[string]string{}
	if o.packageDir.set {
		for k, v := range o.packageDir.v {
			c, err := cleanRel(v)
			if err != nil {
				continue // reported when read
			}
			pd[k] = c
		}
	}
	switch {
	case o.packages.set:
		p.Packages = append([]string(nil), o.packages.v...)
	case o.find.set:
		f := o.find.v
		pkgs, err := findWhere(l.fsys, f.where, f.include, f.exclude, f.namespaces, pd)
		if err != nil {
			o.find.at.wrap(l.d, err, "%v", err)
		}
		p.Packages = pkgs
	}
	if o.pyModules.set {
		p.PyModules = append([]string(nil), o.pyModules.v...)
	}
	if !o.packages.set && !o.find.set && !o.pyModules.set && len(o.unsupported) == 0 && p.SetupPy != SetupPyCustom {
		disc, err := Discover(l.fsys, pd)
		if err != nil {
			file := SetupCfgFile
			if pyprojectStyle {
				file = PyprojectFile
			}
			l.d.wrap(file, 0, "automatic package discovery", err, "%v", err)
		} else {
			p.Layout = disc.Layout
			p.Packages, p.PyModules, pd = disc.Packages, disc.PyModules, disc.PackageDir
		}
	}
	sort.Strings(p.Packages)
	p.PackageDir = pd
	pkgAt := o.packages.at
	if o.find.set {
		pkgAt = o.find.at
	}
	for _, pkg := range p.Packages {
		dir := PackagePath(pkg, pd)
		if _, err := cleanRel(dir); err != nil {
			pkgAt.wrap(l.d, err, "package %s: %v", pkg, err)
			continue
		}
		if !isDir(l.fsys, dir) {
			pkgAt.errorf(l.d, "package %s: directory %s does not exist", pkg, dir)
		}
	}
	for _, mod := range p.PyModules {
		file := PackagePath(mod, pd) + ".py"
		if _, err := cleanRel(file); err != nil {
			o.pyModules.at.wrap(l.d, err, "module %s: %v", mod, err)
			continue
		}
		if fi, err := fs.Stat(l.fsys, file); err != nil || !fi.Mode().IsRegular() {
			o.pyModules.at.errorf(l.d, "module %s: file %s does not exist", mod, file)
		}
	}
}

// fillMetadata copies the merged metadata and the remaining build options
// into p, resolving file globs.
func (l *loader) fillMetadata(p *Project, m *metaValues, o *buildOptions, pyprojectStyle bool) {
	p.Name = m.name
	if m.name != "" {
		p.Normalized = pkgname.Name(pkgname.Normalize(m.name))
	}
	p.Version = m.version
	p.Summary = m.summary
	if m.readme != nil {
		p.Description = m.readme.Text
		p.DescriptionContentType = m.readme.ContentType
	}
	p.RequiresPython = m.requiresPython
	p.Dependencies = m.dependencies
	p.OptionalDependencies = m.extras
	p.Author, p.AuthorEmail = m.author, m.authorEmail
	p.Maintainer, p.MaintainerEmail = m.maintainer, m.maintainerEmail
	if m.license != nil {
		p.License, p.LicenseExpression = m.license.Text, m.license.Expression
	}
	// [project] alone was checked when parsed; this covers the other sources.
	bothStatic := m.set["license"].key == "[project] license" && m.set["classifiers"].key == "[project] classifiers"
	if p.LicenseExpression != "" && !bothStatic {
		for _, c := range m.classifiers {
			if strings.HasPrefix(c, "License ::") {
				m.set["classifiers"].errorf(l.d, "license classifier %q cannot be combined with a license expression (PEP 639): remove it", c)
			}
		}
	}
	p.Classifiers = m.classifiers
	p.Keywords = m.keywords
	p.HomePage, p.DownloadURL, p.ProjectURLs = m.homePage, m.downloadURL, m.urls
	p.Platforms, p.Provides, p.Requires, p.Obsoletes = m.platforms, m.provides, m.requires, m.obsoletes
	if o.platforms.set && !m.hasPlatforms {
		p.Platforms = o.platforms.v
	}
	if o.provides.set && !m.hasProvides {
		p.Provides = o.provides.v
	}
	if o.obsoletes.set && !m.hasObsoletes {
		p.Obsoletes = o.obsoletes.v
	}
	if m.hasImportNames {
		p.ImportNames = m.importNames
	}
	if m.hasImportSpaces {
		p.ImportNamespaces = m.importNamespaces
	}
	p.EntryPoints = mergeEntryPoints(l.d, m)

	// License files: explicit globs must each match; the default globs
	// may match nothing.
	switch {
	case m.licenseFilesGiven:
		p.LicenseFiles = l.matchLicenseFiles(m.set["license-files"], m.licenseFiles, true)
	case o.licenseFiles.set:
		p.LicenseFiles = l.matchLicenseFiles(o.licenseFiles.at, o.licenseFiles.v, true)
	default:
		p.LicenseFiles = l.matchLicenseFiles(origin{}, []string{"LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*"}, false)
	}

	p.IncludePackageData = pyprojectStyle
	if o.includePackageData.set {
		p.IncludePackageData = o.includePackageData.v
	}
	p.PackageData = copyGlobMap(l.d, o.packageData)
	p.ExcludePackageData = copyGlobMap(l.d, o.excludePackageData)
	if o.dataFiles.set {
		for _, df := range o.dataFiles.v {
			if strings.HasPrefix(df.Dir, "/") {
				o.dataFiles.at.warnf(l.d, "data-files directory %q is absolute; it is installed relative to the prefix", df.Dir)
			}
			files := l.expandFiles(o.dataFiles.at, df.Files)
			p.DataFiles = append(p.DataFiles, DataFiles{Dir: df.Dir, Files: files})
		}
	}
	if o.scriptFiles.set {
		p.ScriptFiles = l.expandFiles(o.scriptFiles.at, o.scriptFiles.v)
	}
	if o.setupRequires.set {
		for _, s := range o.setupRequires.v {
			if req, err := pep508.Parse(s); err == nil {
				p.SetupRequires = append(p.SetupRequires, req)
			}
		}
	}
	p.TagBuild, p.TagDate = o.tagBuild.v, o.tagDate.v
	p.Sdist = o.sdist.v
	p.Unsupported = o.unsupported
}

// matchLicenseFiles expands license globs; with strict, a glob matching
// no file is an error (PEP 639).
func (l *loader) matchLicenseFiles(at origin, globs []string, strict bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range globs {
		if err := checkLicenseGlob(g); err != nil {
			continue // reported when read
		}
		files, err := globFiles(l.fsys, g)
		if err != nil {
			at.wrap(l.d, err, "license-files %q: %v", g, err)
			continue
		}
		if len(files) == 0 && strict {
			at.errorf(l.d, "license-files pattern %q matches no file", g)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "~") {
				continue
			}
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	sort.Strings(out)
	return out
}

// expandFiles resolves data-files / script-files entries: globs are
// expanded (Python glob rules), plain paths must name existing files.
func (l *loader) expandFiles(at origin, entries []string) []string {
	var out []string
	for _, e := range entries {
		c, err := cleanGlob(e)
		if err != nil {
			at.wrap(l.d, err, "%v", err)
			continue
		}
		if hasMagic(c) {
			files, err := globFiles(l.fsys, c)
			if err != nil {
				at.wrap(l.d, err, "%q: %v", e, err)
				continue
			}
			out = append(out, files...)
			continue
		}
		if fi, err := fs.Stat(l.fsys, c); err != nil || !fi.Mode().IsRegular() {
			at.errorf(l.d, "file %s does not exist", e)
			continue
		}
		out = append(out, c)
	}
	return out
}

func copyGlobMap(d *diag, v optVal[map[string][]string]) map[string][]string {
	if !v.set {
		return nil
	}
	out := map[string][]string{}
	for k, globs := range v.v {
		for _, g := range globs {
			if _, err := cleanGlob(g); err != nil {
				v.at.wrap(d, err, "%v", err)
				continue
			}
			out[k] = append(out[k], g)
		}
	}
	return out
}

// mergeEntryPoints builds the sorted group list from scripts, GUI scripts
// and the other groups; a name given twice in a group is an error.
func mergeEntryPoints(d *diag, m *metaValues) []EntryPointGroup {
	groups := map[string][]EntryPoint{}
	if len(m.scripts) > 0 {
		groups["console_scripts"] = m.scripts
	}
	if len(m.guiScripts) > 0 {
		groups["gui_scripts"] = m.guiScripts
	}
	for _, g := range m.entryPoints {
		groups[g.Group] = append(groups[g.Group], g.Entries...)
	}
	var names []string
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	var out []EntryPointGroup
	for _, g := range names {
		seen := map[string]bool{}
		for _, ep := range groups[g] {
			if seen[ep.Name] {
				at := m.set["entry-points"]
				if g == "console_scripts" {
					at = m.set["scripts"]
				} else if g == "gui_scripts" {
					at = m.set["gui-scripts"]
				}
				at.errorf(d, "entry point %q appears twice in group %s", ep.Name, g)
			}
			seen[ep.Name] = true
		}
		out = append(out, EntryPointGroup{Group: g, Entries: groups[g]})
	}
	return out
}
