// Package project is ferry's orchestration layer: the one place that knows
// the index client, the downloader, the resolver, the builder and the
// installer, and wires them together for the commands. None of those
// engines imports another; each defines the small interface it consumes
// and this package supplies it.
//
// The flow of an install:
//
//  1. A Target says what to resolve for: the marker environment, the
//     Python version that Requires-Python is checked against, and the
//     ranked wheel tags. It comes from a queried interpreter, optionally
//     overridden for another machine (--python-version, --platform,
//     --implementation, --abi).
//  2. A Provider answers the resolver from the index: for each version the
//     best file for the target (the best-ranked compatible wheel, else an
//     sdist when building is allowed), Requires-Python and yanked status,
//     and a version's dependencies from its core metadata (PEP 658 file,
//     HTTP range requests into the wheel, or the whole file). Page and
//     metadata requests run ahead of the solver (Prefetcher) so the
//     network is kept busy while it decides.
//  3. resolve.Solve picks one version of every package.
//  4. The Plan compares the resolution with what is installed and lists
//     what to download, build, install and remove.
//  5. Files are fetched in parallel (hash-checked before use), sdists are
//     built to wheels, wheels are unpacked into the cache (RECORD-checked)
//     and one install transaction applies the plan.
package project
