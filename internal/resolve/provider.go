package resolve

import (
	"context"
	"fmt"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// Candidate is one version of a project the resolver may choose, as the
// provider offers it.
type Candidate struct {
	// Version is the candidate's version. A provider offers at most one
	// candidate per version (versions equal in PEP 440 order, such as 1.0
	// and 1.0.0, count as one; the resolver keeps the first).
	Version pep440.Version
	// Yanked marks a yanked release (PEP 592). The resolver uses it only
	// when a root requirement or constraint pins it with "==" or "===".
	Yanked bool
	// Unavailable, when not empty, says why this version cannot be used on
	// the target, as a phrase that follows "name==version" in a sentence:
	// "requires Python >=3.10", "has no wheel for the target, and building
	// is disabled for it". The resolver never chooses such a candidate but
	// names the reason when explaining a failure. A provider may equally
	// leave such versions out.
	Unavailable string
	// Ref is the provider's own data about the candidate (the chosen file,
	// say). The resolver hands it back untouched in Requirements and in
	// the Resolution.
	Ref any
}

// Provider is what the resolver asks about projects. Its methods are
// called from one goroutine at a time by one Solve, but an implementation
// shared between solves must be safe for concurrent use.
//
// Errors: a project that does not exist is reported by Versions as an
// empty list, or as an error that satisfies errors.Is(err, fs.ErrNotExist);
// both mean "no versions" and become part of the explanation of a failure.
// Any other error (network failure, a project that only has an sdist that
// must be built, a build failure) stops the resolution and is returned
// wrapped in a *ProviderError that names the project. An error from
// Requirements that wraps an *UnusableError marks just that version as
// unusable instead: the resolver backtracks around it.
type Provider interface {
	// Versions lists the candidates of a project, most preferred first
	// (newest first). The provider has already dropped files that do not
	// suit the target (tags, Requires-Python, --only-binary...); yanked
	// releases are included and flagged.
	Versions(ctx context.Context, name pkgname.Name) ([]Candidate, error)
	// Requirements returns the dependencies declared by one candidate of
	// name (Requires-Dist), unfiltered: the resolver evaluates markers for
	// the target environment and the requested extras.
	Requirements(ctx context.Context, name pkgname.Name, c Candidate) ([]pep508.Requirement, error)
}

// Prefetcher is an optional interface of a Provider: hints that a project
// page or a candidate's metadata will probably be needed soon. The methods
// must not block; a network-backed provider starts the fetch in the
// background (bounded by ctx) and serves the later Versions or
// Requirements call from it. The solver calls them for every project as
// soon as a dependency names it, and for the candidates it is about to
// consider.
type Prefetcher interface {
	Prefetch(ctx context.Context, name pkgname.Name)
	PrefetchRequirements(ctx context.Context, name pkgname.Name, c Candidate)
}

// RangePrefetcher is an optional interface of a Provider: like Prefetch,
// with the versions the requirement that first names the project allows,
// so that a network-backed provider can also fetch, as soon as the page
// arrives, the metadata of the candidate the solver will most likely try.
// It must not block.
type RangePrefetcher interface {
	PrefetchIn(ctx context.Context, name pkgname.Name, allowed pep440.Set)
}

// URLResolver is an optional interface of a Provider, needed for direct
// references (`name @ url`): it resolves the URL to the one candidate it
// names. Errors stop the resolution like those of Versions.
type URLResolver interface {
	URLCandidate(ctx context.Context, name pkgname.Name, url string) (Candidate, error)
}

// ProviderError is an error from the Provider, naming the project (and the
// version when the error came from Requirements) it was asked about.
type ProviderError struct {
	Name    pkgname.Name
	Version pep440.Version // zero for Versions and URLCandidate
	URL     string         // set for URLCandidate
	Err     error
}

func (e *ProviderError) Error() string {
	switch {
	case e.URL != "":
		return fmt.Sprintf("resolving %s @ %s: %v", e.Name, e.URL, e.Err)
	case e.Version.IsZero():
		return fmt.Sprintf("listing versions of %s: %v", e.Name, e.Err)
	}
	return fmt.Sprintf("reading the requirements of %s==%s: %v", e.Name, e.Version, e.Err)
}

// Unwrap returns the provider's error.
func (e *ProviderError) Unwrap() error { return e.Err }

// UnusableError is returned (possibly wrapped) by Provider.Requirements to
// say that one candidate cannot be used, for example because its metadata
// is invalid or disagrees with its file name. The resolver treats the
// version as unavailable, with Reason in explanations, and goes on.
type UnusableError struct {
	// Reason is a phrase that follows "name==version" in a sentence, like
	// Candidate.Unavailable: "has metadata that names another project".
	Reason string
}

func (e *UnusableError) Error() string { return e.Reason }

// ConflictingURLsError reports two different direct references for one
// project.
type ConflictingURLsError struct {
	Name pkgname.Name
	URLs [2]string
}

func (e *ConflictingURLsError) Error() string {
	return fmt.Sprintf("conflicting direct references for %s: %s and %s", e.Name, e.URLs[0], e.URLs[1])
}

// RequiresPythonError reports a target Python that the root project's
// Requires-Python excludes.
type RequiresPythonError struct {
	Python         pep440.Version
	RequiresPython pep440.Specifiers
}

func (e *RequiresPythonError) Error() string {
	return fmt.Sprintf("the target Python %s does not satisfy the project's Requires-Python %s", e.Python, e.RequiresPython)
}
