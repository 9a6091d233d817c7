// Package reqfile reads requirements files as pip does: the format of
// "pip install -r FILE", documented at
// https://pip.pypa.io/en/stable/reference/requirements-file-format/.
//
// The package is pure: files come through an Opener (FSOpener serves an
// fs.FS; the network one lives elsewhere), environment variables through a
// lookup function, and nothing here touches the file system, the network
// or process state.
//
// # Lines
//
// A file is decoded (a UTF-8/16/32 byte-order mark wins; else a PEP 263
// "# -*- coding: NAME -*-" declaration on one of the first two lines;
// else UTF-8, and bytes that are not UTF-8 are decoded with
// Options.FallbackEncoding, latin-1 by default, with a warning), split into
// physical lines numbered from 1 (every line break Python's
// str.splitlines knows), and then:
//
//   - a line ending in '\' is joined with the next; the backslashes at both
//     ends of the continued line are dropped, and a comment line ends the
//     join; the joined line has the number of its first physical line;
//   - a comment, from a '#' at the start of the line or after whitespace, is
//     removed, then surrounding whitespace; empty lines are dropped;
//   - ${NAME} references, NAME of A-Z, 0-9 and '_', are replaced by the
//     variable's value when it is set and not empty ($NAME, %NAME% and
//     undefined variables stay as written).
//
// The requirement part of a line runs up to the first space-separated
// piece that starts with '-'; the rest is split like a POSIX shell line
// (quotes, backslashes) and read as options, with optparse's rules
// (--name=value, --name value, -xvalue, unique abbreviations of long
// names).
//
// # Options
//
// Global options (on a line of their own): -i/--index-url,
// --extra-index-url, --no-index, -f/--find-links, --pre, --prefer-binary,
// --require-hashes, --only-binary, --no-binary, --trusted-host,
// --use-feature, -r/--requirement, -c/--constraint, -e/--editable.
// Per-requirement options: --hash=ALG:DIGEST (sha256, sha384, sha512;
// repeatable) and -C/--config-settings KEY=VALUE (repeatable).
// --global-option, --build-option and --install-option, which pip no
// longer accepts, are errors that point to --config-settings; any other
// option is an error naming the file and line.
//
// As in pip: an --index-url replaces the index list built so far, and
// after --no-index the list stays empty; only the first -f, and only the
// first -r or -c, of a line is used; --no-binary/--only-binary apply even
// on a requirement line; other global options on a requirement line are
// ignored (with a warning here). Words that are not options are ignored
// with a warning.
//
// # Requirements
//
// A requirement is one of: a PEP 508 requirement ("name[extras] >= 1 ;
// marker", "name @ url"); a URL (http, https, ftp, file, or a
// version-control URL such as git+https://...), whose marker follows "; ";
// a local path to an archive (by its file name) or, when it contains '/'
// or starts with '.', to a project directory, with optional [extras] and
// a marker after ';'; or -e/--editable with a local directory or
// version-control URL, optional [extras] and a marker after whitespace and
// ';'. An "#egg=NAME" fragment or a wheel file name gives an unnamed
// requirement its name.
//
// Relative paths (in -r, -c, -e, -f and requirements) are resolved
// against the directory of the file they are written in, or joined to its
// URL when that file was read from a URL (pip resolves requirement paths
// against the working directory, and a -f path only when it exists next to
// the file; ferry follows uv and always uses the file's directory). Paths
// are slash-separated POSIX paths; Windows drive paths are not recognized.
// Without a file system, a requirement that contains '/' or starts with
// '.' (and is not "name @ url") is taken to be a directory, where pip
// would first check that the directory exists. Includes may
// repeat a file, but a file that includes itself, directly or not, is an
// error that shows the cycle. Requirements of a -c file are constraints;
// as in pip, a -r inside a constraints file reads requirements again.
//
// # Decisions where pip and uv differ
//
//   - Whitespace inside the extras of an editable ("-e ./p[a, b]") is
//     accepted (uv); pip splits the line there and fails.
//   - A marker after an editable ("-e ./p ; python_version >= '3.9'") is
//     honoured (uv); pip drops it silently.
//   - A ';' or '#' glued to an editable path ("-e ./p;marker", "-e ./p#x")
//     is an error (uv); pip looks for a directory of that name.
//   - A version-control editable without "#egg=" is accepted (its name
//     comes from its metadata later).
//   - A URL followed by ";marker" without the space pip needs is an error
//     (pip would take the whole text as the URL).
//
// Errors are *ParseError values carrying the file and line.
package reqfile
