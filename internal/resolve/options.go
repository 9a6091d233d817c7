package resolve

import (
	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// Strategy says which version of a package the solver tries first.
type Strategy uint8

// The resolution strategies.
const (
	// Highest tries the newest version first (pip's and uv's default).
	Highest Strategy = iota
	// Lowest tries the oldest version of every package first.
	Lowest
	// LowestDirect tries the oldest version of the packages the root
	// requires directly, and the newest of the others.
	LowestDirect
)

// String returns "highest", "lowest" or "lowest-direct".
func (s Strategy) String() string {
	switch s {
	case Lowest:
		return "lowest"
	case LowestDirect:
		return "lowest-direct"
	}
	return "highest"
}

// ParseStrategy reads a strategy by its String form.
func ParseStrategy(s string) (Strategy, bool) {
	switch s {
	case "highest":
		return Highest, true
	case "lowest":
		return Lowest, true
	case "lowest-direct":
		return LowestDirect, true
	}
	return Highest, false
}

// UpgradeStrategy is pip's --upgrade-strategy: which preferences --upgrade
// drops.
type UpgradeStrategy uint8

// The upgrade strategies.
const (
	// OnlyIfNeeded upgrades the requested packages and keeps the preferred
	// versions of their dependencies when they still fit (pip's default).
	OnlyIfNeeded UpgradeStrategy = iota
	// Eager drops every preference.
	Eager
)

// Options controls one Solve. The zero value resolves newest-first for the
// zero Env (every marker variable empty), with no constraints or
// preferences.
type Options struct {
	// Env is the target environment: markers are evaluated against it
	// (with "extra" set while reading a requested extra).
	Env pep508.Env
	// Prereleases is the pre-release policy. PrereleasesDefault chooses a
	// pre-release only when no final release of the package is left in the
	// range being considered; PrereleasesAllow (--pre) ranks pre-releases
	// with final releases; PrereleasesDeny never chooses one.
	Prereleases pep440.Prereleases
	// Strategy picks newest or oldest versions first.
	Strategy Strategy
	// Constraints restrict the versions of a package if it is needed, but
	// never make it needed (pip's -c). Markers are evaluated; extras are
	// ignored; a direct reference makes the package come from that URL.
	Constraints []pep508.Requirement
	// Preferences are versions to try first (the installed or locked
	// ones), used when they fit the requirements. A preferred version
	// may be a yanked release.
	Preferences map[pkgname.Name]pep440.Version
	// Upgrade drops the preferences of the packages the root requires
	// directly (pip's --upgrade), and of all packages with Eager.
	Upgrade bool
	// UpgradeStrategy says which preferences Upgrade drops.
	UpgradeStrategy UpgradeStrategy
	// UpgradePackages drops the preferences of these packages
	// (--upgrade-package).
	UpgradePackages []pkgname.Name
	// NoDeps resolves the root requirements only (pip's --no-deps).
	NoDeps bool
	// RequiresPython is the root project's Requires-Python. When set,
	// Solve fails with a *RequiresPythonError if the target Python (the
	// Env's python_full_version, or python_version) is outside it.
	RequiresPython pep440.Specifiers
	// RootName names the root in explanations; empty means "you" ("you
	// require a==1.0").
	RootName string
}
