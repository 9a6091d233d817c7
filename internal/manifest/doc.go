// Package manifest implements MANIFEST.in templates and the sdist file set
// as distutils and setuptools define them. The package is pure: it is given
// the project's files as '/'-separated paths relative to the project root
// and never touches the file system.
//
// # Specification
//
// The template language is distutils' ("Specifying the files to
// distribute", https://docs.python.org/3.11/distutils/sourcedist.html, and
// the command reference in the same document), as setuptools implements it
// today ("Controlling files in the distribution",
// https://setuptools.pypa.io/en/latest/userguide/miscellaneous.html):
// setuptools' FileList overrides every distutils command with its own
// translate_pattern glob. Conformance is checked against the test suites of
// both (setuptools/tests/test_manifest.py, distutils/tests/test_filelist.py)
// through ../shared/vectors/manifest_in.json.
//
// # Lines
//
// A template is UTF-8 (anything else is ErrNotUTF8; a leading byte-order
// mark is ignored). It is read as distutils' TextFile reads it:
//
//   - "\r\n", "\r" and "\n" all end a line.
//   - The first '#' on a physical line starts a comment running to the end
//     of the line, unless a backslash precedes it; then every `\#` on that
//     line becomes a literal '#' and nothing is stripped. A line that is
//     only a comment is dropped before line joining, so it may sit inside a
//     continued line.
//   - A line ending in a backslash (after comment stripping and trimming)
//     continues on the next line; the next line's leading whitespace is
//     dropped. A continuation on the last line is a Warning.
//   - Leading and trailing whitespace is removed and blank lines are
//     skipped. Whitespace is Python's: Unicode White_Space and 0x1c-0x1f.
//   - The logical line is split on whitespace. There is no quoting, so
//     patterns cannot contain whitespace. A backslash other than `\#` is an
//     ordinary character.
//
// Line numbers are 1-based physical lines; a joined line is numbered by its
// first physical line.
//
// # Commands
//
// The first word names the command; the rest are its arguments.
//
//	include pat1 pat2 ...             select files on disk matching a pattern (paths from the root)
//	exclude pat1 pat2 ...             deselect selected files matching a pattern (paths from the root)
//	global-include pat1 pat2 ...      select files on disk matching "**/pat" (the pattern anywhere)
//	global-exclude pat1 pat2 ...      deselect selected files matching "**/pat"
//	recursive-include dir pat1 ...    select files on disk matching "dir/**/pat"
//	recursive-exclude dir pat1 ...    deselect selected files matching "dir/**/pat"
//	graft dir                         select every file on disk under a directory matching dir
//	prune dir                         deselect every selected file under a directory matching dir
//
// Include commands draw from all files on disk; exclude commands only
// remove from the current selection, so order matters ("graft tests" then
// "global-exclude *.pyc" drops the bytecode, the reverse order keeps it).
// dir is itself a pattern ("graft */static"). A leading "./" on a pattern
// or directory is dropped and "." as a directory is the project root; a
// trailing '/' on a directory is ignored. Each pattern of a command stands
// alone: one that selects or deselects nothing yields a Warning worded as
// setuptools words it ("no files found matching 'x'", "no previously-
// included files found matching 'x'", "... anywhere in distribution",
// "... under directory 'd'", "no directories found matching 'd'",
// "no previously-included directories found matching 'd'").
//
// A line is rejected, with a *LineError naming its number and text, when
//
//   - its first word is not one of the eight commands (ErrUnknownAction);
//   - include, exclude, global-include or global-exclude has no pattern,
//     recursive-include or recursive-exclude lacks the directory or a
//     pattern, or graft or prune has other than exactly one argument
//     (ErrArguments).
//
// setuptools only warns about such a line and goes on, and so does
// ApplyTemplate: the selection reflects every well-formed line and the
// error joins one *LineError per malformed line, for the caller to treat as
// fatal or not.
//
// # Patterns
//
// A pattern matches a whole path (anchored at both ends), compared in
// Unicode normalization form C on both sides (setuptools' fix for
// GHSA-h35f-9h28-mq5c: a name stored decomposed cannot slip past an
// exclusion written composed). The pattern is split on '/' into components
// first, so nothing inside a component can match '/':
//
//   - '*' matches any run of characters within one component, including
//     none and including a leading '.' (hidden files are not special);
//   - '?' matches one character within a component;
//   - "[abc]", "[a-z]" and "[!abc]" match one character in (or, with '!',
//     not in) the set; ']' right after "[" or "[!" is a member, '-' first
//     or last is literal, a reversed range matches nothing, and a '[' with
//     no closing ']' is an ordinary character. Other characters, including
//     backslash, stand for themselves: "[*]" matches a literal '*';
//   - a component that is exactly "**" matches zero or more whole
//     directories ("foo/**/bar" matches foo/bar and foo/x/y/bar); as the
//     last component it matches everything below ("foo/**" matches every
//     file under foo, "**" matches every path).
//
// Known differences from setuptools, all in the direction of one consistent
// glob: setuptools runs the include side (include, recursive-include,
// graft) through a file-system glob, where "**" in an include pattern acts
// as '*' and character ranges work, and the exclude side through
// translate_pattern, where "[a-z]" escapes the '-' (matching 'a', '-' and
// 'z') and "[!x]" can match '/'. Here every command uses the rules above.
// setuptools also globs include patterns against the real disk, so an
// absolute path or one with ".." could pick up files outside the project;
// here such a pattern matches nothing.
//
// # The sdist file set
//
// Build reproduces setuptools' egg_info manifest (SOURCES.txt) for a
// Project:
//
//  1. the defaults (DefaultFiles): the first of README, README.rst,
//     README.txt, README.md; setup.py, setup.cfg, pyproject.toml;
//     tests/test*.py and test/test*.py; the *.py files of each package
//     directory and each py_module with its package's __init__.py; package
//     data (PackageData plus setuptools' implicit *.pyi and py.typed, less
//     ExcludePackageData); data files, C sources and scripts; the template;
//     the egg-info SOURCES.txt; revision-control files (or the previous
//     SOURCES.txt); and every file under the egg-info directory;
//  2. the template, when the template file exists;
//  3. the license files (LicenseFiles globs; names ending in '~' skipped)
//     and the files the configuration references, which the template
//     therefore cannot exclude;
//  4. pruning: everything under the build directory and the release tree
//     "<name>-<version>", under version-control directories (RCS, CVS,
//     .svn, .hg, .git, .bzr, _darcs) at any depth and under .tox, .nox and
//     .venv at the root. ferry's default adds __pycache__ and stray
//     *.egg-info directories at any depth and dist and .eggs at the root;
//     SetuptoolsPruneAnywhere and SetuptoolsPruneAtRoot give setuptools'
//     exact lists.
//
// Only files present on disk (or declared Generated) are ever selected.
// Globs in the defaults follow Python's glob.glob(recursive=True): unlike
// template patterns, their wildcards skip names starting with '.'.
//
// # Invariants
//
// The selection is a subset of the files on disk. Output is deterministic:
// Files and Build sort as setuptools sorts SOURCES.txt (by directory, then
// by name), never by map order. Nothing panics on any input; every string
// is a valid pattern.
package manifest
