// Package fetch downloads distribution files (http, https or file URLs)
// into the archives bucket of ferry's cache (package cache: files named by
// their sha256), verifying them before they are trusted.
//
// Invariants:
//
//   - Bytes are hashed while they stream to a temporary file inside the
//     cache. Only after every expected digest matches (the index's hashes:
//     each one whose algorithm ferry can compute must match; pip's --hash
//     pins: at least one must match), the size agrees with the index's
//     (PEP 700) and the response was complete (Content-Length against the
//     bytes received) is the file moved into the cache. Any failure removes
//     the temporary file: nothing unverified is ever in the cache.
//   - A hash mismatch is a *HashMismatchError naming the file, the expected
//     digests and the digest actually received.
//   - A file larger than Options.MaxSize is refused as soon as that is
//     known (Content-Length, the index's size, or the bytes counted).
//   - A request whose sha256 is known (the index's, or a sha256 --hash pin)
//     is served from the cache without the network when the cache has it.
//     In offline mode anything else is an error wrapping ErrOffline.
//   - Concurrent requests for one URL within a Fetcher share one download;
//     FetchAll bounds the number of simultaneous downloads.
package fetch
