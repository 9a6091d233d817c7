// Package resolve chooses one version of every Python package a set of
// requirements needs: pip's dependency resolution, for requirements and
// metadata as PEP 508 (dependency specifiers), PEP 440 (versions and
// specifiers), PEP 685 (extras) and PEP 592 (yanked releases) define them.
// It is an engine: it works on the in-memory answers of a Provider, which
// the caller connects to an index, a cache or a builder; MemoryProvider is
// the fake its tests (and other packages' tests) use.
//
// # Algorithm
//
// Solve implements PubGrub (Natalie Weizenbaum, "PubGrub: Next-Generation
// Version Solving", 2018), a conflict-driven solver in the style of CDCL
// SAT solvers. Its facts are incompatibilities: sets of terms ("a is
// selected at a version in S", or its negation) that must not all hold.
// The root requirements, each dependency of each version looked at ("a==1.0
// and not b>=2"), each range of a package with no usable version, and each
// constraint are incompatibilities. The partial solution is an ordered
// list of assignments: decisions (a package selected at one version) and
// derivations (a term implied by an incompatibility and earlier
// assignments), each at a decision level.
//
//   - Unit propagation: when every term of an incompatibility but one is
//     satisfied by the partial solution and the last one is inconclusive,
//     its negation is derived. When every term is satisfied, there is a
//     conflict.
//   - Conflict resolution: from the conflicting incompatibility the solver
//     derives new ones, by resolving it with the cause of the assignment
//     that most recently satisfied one of its terms, until the result is
//     satisfied only up to an earlier decision level. It backjumps there
//     and keeps the learned incompatibility, so the same dead end is never
//     explored twice. An incompatibility that rules out the root itself
//     means there is no solution.
//   - Decision making: among the required packages not yet decided, the
//     one with the fewest usable versions left in its range goes first
//     (a package with none fails at once, a pinned one costs nothing); a
//     tie goes to the package named first. Its version is the preferred
//     one if any fits, else the one another package of the same project
//     (an extra) is decided at, else the newest final release (the oldest
//     with the Lowest strategy), else the newest pre-release. The
//     version's dependencies become incompatibilities; unless they conflict
//     with the partial solution at once, the version is decided.
//
// PubGrub is complete and sound: it finds a solution whenever one exists,
// and a failure comes with a proof. FuzzSolve checks both against brute
// force on small random indexes.
//
// # Explanations
//
// A *NoSolutionError holds the proof, the derivation graph of the final
// incompatibility, rendered as sentences ("Because a==1.0.0 depends on c
// and no versions of c exist, a==1.0.0 cannot be used."). A step used more
// than once is numbered and referred back to. Before rendering, steps that
// only add "no versions of a between 1.0 and 2.0" (versions that do not
// exist) are dropped, chains of dependencies of several versions on the
// same requirement are merged ("all versions of b depend on a==1.0.0"),
// and ranges are named by the versions that exist or by the specifier a
// requirement wrote.
//
// # Extras
//
// Each requested extra is a package of its own, "a[x]", with the versions
// of a. Version v of a[x] depends on a==v (so base and extra agree) and on
// the requirements of a==v whose marker holds only with "extra" set to x.
// A requirement "a[x,y]>=1" is three terms: a, a[x] and a[y], each >=1. An
// extra that a version does not define adds nothing (pip and uv ignore a
// missing extra).
//
// Markers are evaluated against Options.Env; a requirement whose marker is
// false for the target is dropped, at the root as in metadata.
//
// # Pre-releases and yanked releases
//
// With the default policy a pre-release is chosen only when no final
// release of the package is left in the range being considered: when every
// final release is excluded by the requirements (or by what the solver
// learned), or the package only has pre-releases. A requirement that names
// a pre-release ("a>=2.0b1") makes pre-releases possible only in that way:
// a final release in range is still preferred. PrereleasesAllow (pip's
// --pre) ranks pre-releases with final releases; PrereleasesDeny never
// chooses one.
//
// A yanked release (PEP 592) is used only when a root requirement or a
// constraint pins it exactly ("==" without a wildcard, or "==="); a pin in
// some package's metadata does not count.
//
// # Direct references
//
// A requirement "name @ url" (at the root, in a constraint or in metadata)
// makes the URL the only candidate of name, resolved once by the
// Provider's URLResolver. Two different URLs for one name are a
// *ConflictingURLsError; a URL met in metadata after name was already
// listed from the index is an error too.
//
// # The Provider contract
//
// The solver runs on one goroutine and calls the Provider synchronously;
// it memoizes every answer for the duration of one Solve, so a provider
// need not cache within a run. A provider shared between solves must be
// safe for concurrent use. A Provider that also implements Prefetcher gets
// non-blocking hints: Prefetch(name) as soon as a dependency names a
// project, PrefetchRequirements for the candidate the solver will try next
// for every pending package (and, once a package has been backtracked,
// for the next candidate too), so a network-backed provider can fetch
// pages and metadata concurrently while the solver works.
//
// Versions reports a project that does not exist with an empty list or an
// error satisfying errors.Is(err, fs.ErrNotExist); both are "no versions"
// facts in explanations. Any other error stops Solve and comes back as a
// *ProviderError naming the project (and version), never mistaken for a
// missing project. A Requirements error wrapping *UnusableError marks only
// that candidate unusable.
//
// Invariants: Solve is deterministic (no map iteration decides anything);
// every Resolution satisfies every requirement of the root and of each
// chosen package for the target environment; nothing panics on bad input.
package resolve
