// Package pyproject reads a Python project's build configuration natively:
// pyproject.toml and setup.cfg, merged the way setuptools merges them, with
// package discovery, so that ferry can build a project without running
// Python. The package is pure: it reads the project through an fs.FS rooted
// at the project directory and never touches the OS.
//
// # Standards
//
//   - pyproject.toml: the "pyproject.toml specification"
//     (https://packaging.python.org/en/latest/specifications/pyproject-toml/),
//     which collects PEP 518 ([build-system] requires), PEP 517
//     (build-backend, backend-path), PEP 621 (the [project] table), PEP 639
//     (license as an SPDX expression, license-files), PEP 735
//     ([dependency-groups]) and PEP 794 (import-names, import-namespaces).
//   - setup.cfg: setuptools' "Configuring setuptools using setup.cfg files"
//     (https://setuptools.pypa.io/en/latest/userguide/declarative_config.html)
//     read with Python's configparser rules (see SetupCfg).
//   - Package discovery: setuptools' "Package Discovery and Namespace
//     Packages" (https://setuptools.pypa.io/en/latest/userguide/package_discovery.html),
//     see FindPackages, FindNamespacePackages and Discover.
//   - Globs in license-files: the PyPA "glob patterns" specification.
//   - Entry points: the PyPA "Entry points specification".
//
// # Entry points
//
// ParsePyproject validates pyproject.toml without touching other files;
// ReadBuildSystem reads only [build-system], as a build frontend does;
// ParseSetupCfg reads setup.cfg as configparser does; Load reads everything
// in a project directory and returns a Project: core metadata ready to
// write (Project.Metadata gives a coremeta.Metadata) and the inputs of a
// build (packages, package-dir, modules, package data, data files, scripts,
// entry points, dependency groups, version tags; Project.ManifestProject
// gives the manifest package's sdist input). ClassifySetupPy tells whether
// a setup.py is trivial, so that the native backend may build the project.
//
// # Validation and errors
//
// Every problem found is reported, not just the first: errors are *Error
// values (joined with errors.Join when there are several) naming the file,
// the line when known, and the key:
//
//	pyproject.toml:12: [project] dynamic: "version" is also given statically
//	pyproject.toml:7: [project] dependencies must be an array of strings, got a string
//	pyproject.toml:3: [project] dependecies: unknown key (did you mean "dependencies"?)
//	pyproject.toml:4:9: invalid TOML: ...; the line reads "name = "
//
// In [project]: unknown keys are errors with a suggestion; name is required
// and valid; version is required unless dynamic; a field listed in dynamic
// must not be given, name cannot be dynamic, unknown names in dynamic are
// errors; readme files must exist and be UTF-8 and their content type is
// inferred from .md, .rst or .txt (or given with a table, charset UTF-8
// only); license is an SPDX expression (syntax checked and normalized:
// operators upper-case, LicenseRef- spelled canonically; identifiers are
// not checked against the SPDX list and keep their case) or the deprecated
// {file}/{text} table, which cannot be combined with license-files; a
// license expression cannot be combined with "License ::" classifiers;
// every license-files glob must be valid and match at least one file;
// console_scripts and gui_scripts may not appear under entry-points;
// requirements are PEP 508; extra and group names are valid and unique
// after normalization; include-group references exist and have no cycles.
// Paths that leave the project (absolute, or through "..") are errors
// wherever a path is accepted (readme, license, file:, package-dir, where,
// data-files, script-files, backend-path).
//
// Warnings (Project.Warnings) cover what setuptools tolerates: unknown
// setup.cfg keys, a file: directive naming a missing file (skipped), a
// multi-line summary (only its first line is kept), setup.cfg metadata that
// a [project] table makes irrelevant, deprecated settings.
//
// # Precedence
//
// Metadata follows setuptools. With a [project] table, its static fields
// are final; each field listed in dynamic is filled from
// [tool.ferry.dynamic] or [tool.setuptools.dynamic] if one gives it, else
// from setup.cfg ([metadata] / [options]), and setup.cfg values for fields
// not listed in dynamic are ignored with a warning. A dynamic version that
// nothing gives is an error (unless setup.py is custom). Without a [project]
// table, setup.cfg gives all metadata and name and version are required.
// Build options are taken from setup.cfg's [options] and sections, each
// overridden key by key by [tool.setuptools] and [tool.ferry]; giving the
// same option in both tool tables is an error.
//
// Requires-Dist and Provides-Extra are derived as setuptools (68 and later)
// writes PKG-INFO (see Project.RequiresDist): unconditional dependencies
// first, then each extra (its requirements written
// `req; (marker) and extra == "name"`, the extra name PEP 685-normalized,
// the marker in packaging's canonical form), then conditional dependencies
// grouped by marker.
//
// # setup.cfg
//
// Values are typed as setuptools types them: list-comma (split on newlines
// when the value has any, else on ','), list-semi (install_requires,
// setup_requires, extras: split on newlines, else on ';' -- so a requirement
// with a marker needs its own line, and a one-line value that looks like a
// marker is warned about), dict (list-comma of key = value), bool (1, true,
// yes), and the directives file: (files joined with "\n", inside the
// project; a missing file is skipped with a warning) and attr: (see
// ReadAttr: the first top-level assignment of the name in the module found
// through package_dir, evaluated as a literal without importing; a computed
// value is an error because ferry never runs project code). Aliases
// (home_page, summary, classifier, platform) and dashed keys are accepted;
// the first spelling of a key wins. [options] packages accepts find: and
// find_namespace: with [options.packages.find]; [egg_info] tag_build and
// tag_date are read; unknown [options.*] and [metadata.*] sections are
// errors as in setuptools, other sections are ignored.
//
// # [tool.ferry]
//
// Settings without a standard home live in [tool.ferry]. The names follow
// setuptools' [tool.setuptools] so they read familiarly; [tool.setuptools]
// itself is also read (same meanings), so projects written for setuptools
// build unchanged.
//
//	[tool.ferry]
//	packages = ["app", "app.sub"]   # explicit package list, or:
//	packages = {find = {where = ["src"], include = ["app*"], exclude = ["*.tests"], namespaces = true}}
//	package-dir = {"" = "src"}      # where packages live ("" is the root package)
//	py-modules = ["tool"]           # single-file modules
//	package-data = {"app" = ["*.json"], "*" = ["py.typed"]}   # "*" = every package
//	exclude-package-data = {"app" = ["*.tmp"]}
//	include-package-data = true     # ship data files the sdist holds (default true)
//	data-files = {"share/app" = ["data/*.conf"]}   # directory -> files/globs (.data/data)
//	script-files = ["bin/app-helper"]              # plain scripts (.data/scripts)
//	license-files = ["LICENSE*"]    # used when [project] has no license-files
//	tag-build = ".dev"              # appended to the version (egg_info tag_build)
//	tag-date = false                # append the build date YYYYMMDD (egg_info tag_date)
//
//	[tool.ferry.sdist]
//	include = ["docs/**"]           # extra files (manifest globs)
//	exclude = ["**/*.orig"]         # files to leave out
//	use-git = false                 # add the files git tracks
//
//	[tool.ferry.dynamic]            # sources for fields listed in [project] dynamic
//	version = {attr = "app.__version__"}   # or {file = "VERSION"}
//	description = {file = "SUMMARY.txt"}
//	readme = {file = ["README.md", "CHANGES.md"], content-type = "text/markdown"}
//	classifiers = {file = "classifiers.txt"}
//	dependencies = {file = ["requirements.in"]}
//	optional-dependencies.dev = {file = ["dev.in"]}
//	entry-points = {file = "entry_points.txt"}   # also fills scripts / gui-scripts
//
// packages, find, package-dir, py-modules, package-data and the dynamic
// table mean what they mean in setuptools (a dynamic readme without
// content-type takes its type from the first file's extension, else
// text/x-rst; missing files are skipped with a warning, as setuptools does). find's where defaults to ["."],
// include to ["*"], namespaces to true; a single where other than "." sets
// package-dir "" to it. The default license globs, when nothing lists
// license files, are setuptools': LICEN[CS]E*, COPYING*, NOTICE*, AUTHORS*
// (matching nothing is fine). [tool.setuptools] keys that need setuptools
// itself (ext-modules, cmdclass, namespace-packages) are recorded in
// Project.Unsupported; Project.Native reports them.
//
// # Package discovery
//
// FindPackages and FindNamespacePackages follow setuptools exactly,
// including that a directory whose name is not an identifier (but has no
// '.') is still returned by the namespace finder, as setuptools does;
// results are sorted rather than in directory-walk order. With neither
// packages nor py-modules configured, Discover applies setuptools'
// automatic discovery (explicit package-dir layout, src layout, flat layout
// with its reserved-name exclusions and its refusal of several top-level
// packages). Simplifications: the project name is never derived from the
// packages (name is required), and a setup.py that is not trivial turns
// discovery off (setup.py may configure packages ferry cannot see).
//
// # Invariants
//
// No package state; output is deterministic (sorted where order is not
// meaningful, file order where it is: URLs, extras, groups, entries); every
// path in a Project is '/'-separated, relative and inside the project;
// nothing panics on any input (fuzzed: FuzzParsePyproject,
// FuzzParseSetupCfg, FuzzAttrVersion, FuzzLoad).
package pyproject
