// Package tags implements platform compatibility tags: PEP 425 (the
// interpreter-abi-platform triple and compressed tag sets), PEP 600
// (manylinux_x_y tags and the legacy manylinux1/2010/2014 aliases),
// PEP 656 (musllinux_x_y), the macOS, iOS, Android and Windows platform tags
// of the platform compatibility tags specification
// (https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/),
// and the free-threaded ABI rules of PEP 703 and PEP 803 (abi3t).
//
// Invariants:
//   - A Tag is a comparable value whose three parts are lower case; Tags made
//     by this package (ParseTag, ParseTagSet, NewTag, Supported) always are.
//   - ParseTagSet returns the expanded set sorted and without duplicates, so
//     equal sets compare equal as slices and FormatTagSet(ParseTagSet(s)) is
//     the canonical compressed form of s.
//   - Supported lists the tags an interpreter accepts, most preferred first,
//     in the order packaging.tags.sys_tags() yields them (the version pip
//     vendors: native linux_* tags after manylinux and musllinux unless
//     Platform.NativeLinuxFirst asks for packaging 26.3's order).
//   - The package is pure: it never looks at the running system. Facts
//     about an interpreter come in as an Interpreter (or as Facts, the raw
//     values a Python interpreter reports about itself).
package tags
