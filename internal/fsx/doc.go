// Package fsx holds the filesystem primitives the installer, the cache and
// the virtual-environment builder share: atomic writes, cross-process file
// locks, placing files by reflink, hard link or copy, and joining untrusted
// relative paths onto a root without escaping it.
//
// Invariants:
//
//   - WriteFileAtomic never leaves a partly written file at its destination:
//     a reader sees either the old content or the new, never a mix, and the
//     rename is made durable by syncing the file and then its directory.
//   - Lock and RLock are advisory locks on a lock file (flock(2) on Unix,
//     LockFileEx on Windows, through github.com/rogpeppe/go-internal/lockedfile).
//     They exclude other processes and other lock holders in this process
//     alike, and give up when their context ends.
//   - Place falls back along clone → hardlink → copy when the requested mode
//     is not possible between the two paths (a different filesystem, a
//     filesystem without reflinks, a forbidden link), and reports the mode
//     it actually used. It never changes the source.
//   - SafeJoin returns a path inside root or a *PathError: absolute paths,
//     ".." escapes and symlinks whose targets leave root are all rejected.
package fsx
