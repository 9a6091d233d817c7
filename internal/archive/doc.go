// Package archive holds the rules every zip and tar archive ferry reads or
// writes must follow, so that wheels, sdists, bundles and release archives
// share one checked path.
//
// Reading. No member is trusted before it is checked:
//
//   - Its name is a relative, slash-separated path: not empty, not absolute
//     (no leading "/", no Windows drive letter or UNC prefix), no ".."
//     component after cleaning, no NUL or backslash.
//   - No two members clean to the same name.
//   - Its declared uncompressed size is at most Limits.MaxEntrySize, the sum
//     of declared sizes at most Limits.MaxTotalSize, the number of members at
//     most Limits.MaxEntries, and its compression ratio at most
//     Limits.MaxRatio (a zip bomb).
//   - While it is read, the bytes actually produced may not exceed the
//     declared size (a lying header).
//   - A symbolic link is refused unless the caller allows links, and then
//     only when its target stays inside the archive root.
//
// Writing is deterministic: members in the order the caller gives (callers
// sort), a fixed modification time (SOURCE_DATE_EPOCH when set by the
// caller), normalized modes (0644, or 0755 for executables), no owner names,
// and gzip headers without names or times.
package archive
