// Package wheel reads and writes wheel files, the binary distribution
// format (PEP 427, as maintained in the binary distribution format
// specification,
// https://packaging.python.org/en/latest/specifications/binary-distribution-format/),
// on top of package archive (checked zip members) and package record
// (RECORD).
//
// Reading. Open takes the wheel's bytes (an io.ReaderAt and its size) and
// its file name, and refuses the wheel, with an *Error naming the wheel
// and, where there is one, the member, unless all of this holds:
//
//   - The file name parses (package distname).
//   - Every member passes archive.CheckZip under the Limits: a clean
//     relative path (no "..", not absolute, no backslash), no duplicates,
//     no symbolic links, sizes and compression ratios within bounds.
//   - Exactly one top-level "{name}-{version}.dist-info" directory exists,
//     its name and version agree with the file name's (after
//     normalization), and it holds WHEEL, METADATA and RECORD.
//   - WHEEL has a Wheel-Version of major version 1 (a newer minor version
//     is accepted with a warning, as pip does).
//   - METADATA parses and its Name and Version agree with the file name.
//   - RECORD parses, lists no path twice, lists every member with a hash
//     and size (except RECORD itself and its signatures RECORD.jws and
//     RECORD.p7s), and lists no file that is missing from the archive
//     (except .pyc files without a hash, which the specification lets an
//     installer add).
//   - Files under a top-level "*.data" directory sit in a subdirectory
//     named purelib, platlib, headers, scripts or data.
//
// The small dist-info files Open reads (WHEEL, METADATA, RECORD,
// entry_points.txt) are checked against RECORD at once. Every other
// member is checked while it is streamed: Wheel.Open returns a reader that
// hashes what it yields and, at the end, fails instead of returning
// io.EOF when the hash or the size disagrees with RECORD. A consumer that
// writes what it reads and only trusts the result after a clean EOF
// therefore verifies and extracts in one pass.
//
// Writing. Writer produces a deterministic wheel: members sorted by name
// with the .dist-info directory last and RECORD its last member, a fixed
// modification time (the caller passes SOURCE_DATE_EPOCH), normalized
// modes, and a RECORD computed from the bytes written.
//
// The package is pure: it reads io.ReaderAt and writes io.Writer.
package wheel
