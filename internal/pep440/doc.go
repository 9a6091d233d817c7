// Package pep440 implements Python version identifiers and version
// specifiers as specified by PEP 440 and the "Version specifiers" packaging
// specification (https://packaging.python.org/en/latest/specifications/version-specifiers/),
// with the behaviour of pypa/packaging 26 where the specification leaves
// room (pre-release handling, "===" and invalid versions, ">V" and "<V"
// around post- and pre-releases, the is_unsatisfiable checks).
//
// Version is a parsed version; Parse accepts every spelling PEP 440 allows
// and String returns the normalized form. Specifier is one clause such as
// ">=1.0" and Specifiers a comma-separated list of them (packaging's
// SpecifierSet). Set is a union of intervals of the PEP 440 order, the form
// a resolver intersects and compares.
//
// Invariants:
//   - Parse(v.String()) succeeds and returns a Version == v; String is
//     idempotent.
//   - Version is comparable; v == w means the same normalized form, while
//     Compare(v, w) == 0 also holds across trailing zeros (1.0 and 1.0.0).
//     Compare never allocates.
//   - Specifiers.Contains(v, PrereleasesAllow) == FromSpecifiers(s).Contains(v)
//     for every version v and every Specifiers s without "===".
//   - Sets are canonical: two Sets hold the same versions exactly when
//     Equal reports so.
//   - Nothing panics on bad input except the Must* helpers.
//
// Numbers in a version (epoch, release, pre-, post- and dev-release) must
// fit in an int64; numeric local segments may be of any length.
package pep440
