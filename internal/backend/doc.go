// Package backend is ferry's native build backend: it builds the sdist,
// the wheel and the PEP 660 editable wheel of a pure-Python project from
// its configuration files alone, without running Python. It implements
// the build side of PEP 517 (build_sdist, build_wheel) and PEP 660
// (build_editable), writing what the source distribution format, binary
// distribution format (PEP 427), core metadata (PKG-INFO 2.4 in sdists)
// and PEP 639 (license files) specifications ask, and matching what
// setuptools produces for the same project wherever it can
// (SETUPTOOLS_DIFFERENCES.md lists where it does not, and why).
//
// # Which backend builds a project
//
// Choose applies the rule: the native backend when pyproject.toml's
// [build-system] names BackendName ("ferry.backend"), or when there is no
// [build-system] table, setup.py is absent or only calls setup() without
// arguments, and the configuration asks for nothing that needs setuptools
// itself (extension modules, custom commands); the project's declared
// backend (setuptools' legacy backend when none is declared) otherwise.
// The command line's --backend native|declared overrides it.
//
// The seam for declared backends is the Hooks interface: NativeHooks
// implements it here, and the PEP 517 frontend (package build, an engine
// this package may not import) implements the same three methods, so the
// command line's Opener hands Build one or the other per directory.
// Until the frontend exists the command line returns NeedsDeclaredError.
//
// # The sdist
//
// Project.SdistFiles computes the file set with package manifest:
// setuptools' defaults (the first README, setup.py / setup.cfg /
// pyproject.toml, test/test*.py and tests/test*.py, the packages' modules
// and package data, py_modules, data files, scripts), MANIFEST.in with
// every command, the license files (PEP 639 license-files, else
// setuptools' default globs) and the files the configuration references,
// the default pruning, optionally the files git tracks (GitTracked runs
// `git ls-files`; the rest takes the list as data), then
// [tool.ferry.sdist] include/exclude. A MANIFEST.in pattern that matches
// nothing is a warning worded as setuptools words it; a malformed line is
// a *ManifestError naming the line (setuptools only warns). The archive
// is written by package sdist: {name}-{version}.tar.gz (or .zip), sorted,
// with PKG-INFO and no egg-info directory.
//
// # The wheel
//
// Project.WriteWheel writes py3-none-any wheels: each package's *.py
// files, py_modules, package data (package_data globs plus setuptools'
// implicit *.pyi and py.typed, the sdist manifest's files inside package
// directories when include_package_data is on, less
// exclude_package_data, all as setuptools' build_py selects them),
// scripts in .data/scripts with a Python "#!" line rewritten to
// "#!python" (keeping its arguments) as build_scripts does, data files in
// .data/data, and the .dist-info: METADATA (the lowest metadata version
// that holds the fields: 2.4 with License-Expression or License-File),
// WHEEL (Generator, Root-Is-Purelib: true), entry_points.txt (groups and
// entries sorted as setuptools writes them), top_level.txt, the license
// files under licenses/ and RECORD. A project with extension modules is
// refused with ErrExtensions. The data files of a .data/headers directory
// are never written: no configuration key ferry reads declares headers.
//
// Versions are tagged as setuptools' egg_info tags them: tag-build is
// appended, then (with tag-date) the build date as YYYYMMDD, and the
// result normalized ("1.0" + ".dev" + "20240528" is 1.0.dev20240528).
// The tags come from [tool.ferry] / setup.cfg [egg_info] or Options.
//
// Build's default mode builds the sdist, unpacks it (package sdist's
// checked reading) and builds the wheel from the unpacked tree, so that a
// file missing from the sdist fails the build. An unpacked sdist is
// recognised by its PKG-INFO: all its files form the manifest, and
// PKG-INFO's version (tags included) is the version.
//
// # Editable wheels
//
// Project.WriteEditable writes a PEP 660 wheel with one of two
// strategies (EditableStrategyFor tells which):
//
//   - EditablePath, whenever every top-level package and module lives in
//     a directory named like it and every subpackage below its parent: a
//     .pth file lists the source roots (the project directory for a flat
//     layout, src/ for a src layout, package-dir "" in general). PEP 420
//     namespace packages work, since the interpreter's own path finder
//     scans the roots.
//   - EditableFinder otherwise (package-dir maps a package to a directory
//     of another name, or a subpackage elsewhere): a small meta path
//     finder module, written by ferry, maps each such import name to its
//     directory or file; the .pth file imports and installs it. A mapped
//     directory without __init__.py becomes a namespace package.
//
// The editable wheel also carries METADATA, entry_points.txt (so that the
// installer makes the launchers), the license files and copies of the
// scripts and data files; direct_url.json is the installer's to write.
//
// # Invariants
//
// Builds are reproducible: the same files and Options give the same
// bytes (sorted members, fixed times from Options.Mtime, normalized
// modes), whatever the files' times on disk. Output is written to a
// temporary file in the output directory and renamed, so a failed build
// leaves nothing behind. Nothing panics on bad input; configuration
// errors are package pyproject's, naming the file, line and key.
package backend
