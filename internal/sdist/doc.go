// Package sdist writes and reads source distributions as the source
// distribution format specification describes them
// (https://packaging.python.org/en/latest/specifications/source-distribution-format/,
// which took in PEP 517's sdist rules and PEP 625's file name).
//
// # The format
//
// An sdist is a gzipped tar archive (".tar.gz", the standard format) or,
// as a legacy alternative ferry still writes on request, a zip archive
// (".zip"). Its file name is "{name}-{version}.tar.gz" with the project
// name normalized (PEP 503) and "-" written as "_", and the version
// normalized (PEP 440); see Filename. Every member lives under one
// top-level directory named like the file without its suffix
// ("my_project-1.0/"), and that directory holds PKG-INFO, the project's
// core metadata (version 2.2 or later, package coremeta).
//
// # Writing
//
// Writer produces a deterministic archive: members sorted by name (byte
// order), no directory entries, one modification time for every member
// (the caller passes SOURCE_DATE_EPOCH; the zero time means 1980-01-01),
// modes 0644 or 0755, owner and group 0 without names, a gzip header
// without name or time. The same members and options give the same bytes.
// Close refuses an archive without PKG-INFO, or whose PKG-INFO names
// another project or version than the file name.
//
// # Reading
//
// Unpack checks an archive while it streams it and hands each regular
// file to a callback; it refuses, with an error naming the member:
//
//   - any member package archive refuses: absolute paths, ".." components,
//     backslashes, NUL, duplicates, sizes over the limits, a lying size;
//   - symbolic and hard links, devices and FIFOs;
//   - a member outside the single top-level directory, or a second
//     top-level directory;
//   - an archive without "{top}/PKG-INFO" or whose PKG-INFO does not parse.
//
// Because the last two can only be known at the end, a caller that
// extracts while Unpack runs must discard what it wrote when Unpack
// fails.
//
// The package is pure: it reads io.ReaderAt and writes io.Writer.
package sdist
