package pep508

import (
	"fmt"
	"strings"

	"ferry/internal/pep440"
)

// This file is the bridge to PEP 440: markers compare version-like
// variables through version specifiers, and requirements carry a
// specifier set.

// parseVersionSpec parses op+value as one version specifier, as the
// reference does when it decides whether a marker comparison is a version
// comparison.
func parseVersionSpec(s string) (pep440.Specifier, bool) {
	sp, err := pep440.ParseSpecifier(s)
	return sp, err == nil
}

// parseEnvVersion parses an environment value as a version.
func parseEnvVersion(s string) (pep440.Version, bool) {
	v, err := pep440.Parse(s)
	return v, err == nil
}

// specMatches tests a parsed environment version; markers admit
// prereleases.
func specMatches(sp pep440.Specifier, v pep440.Version) bool {
	return sp.Contains(v, pep440.PrereleasesAllow)
}

// specMatchesString tests a raw string: "===" compares it as written,
// other operators need it to parse as a version.
func specMatchesString(sp pep440.Specifier, s string) bool {
	return sp.ContainsString(s, pep440.PrereleasesAllow)
}

// parseSpecifierList parses the specifier tokens of a requirement, joined
// by commas, the way the reference's SpecifierSet does: split on ",", drop
// empty items, parse each trimmed item. (An "===" token may itself hold
// commas, so an item can still be invalid here.)
func parseSpecifierList(s string) (pep440.Specifiers, error) {
	var out pep440.Specifiers
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimFunc(item, isPySpace)
		if item == "" {
			continue
		}
		sp, err := pep440.ParseSpecifier(item)
		if err != nil {
			return nil, &specError{msg: fmt.Sprintf("Invalid specifier: %s", pyRepr(item)), err: err}
		}
		out = append(out, sp)
	}
	return out, nil
}

type specError struct {
	msg string
	err error
}

func (e *specError) Error() string { return e.msg }
func (e *specError) Unwrap() error { return e.err }

// specifiersEqual compares specifier lists as sets, each clause compared
// up to version spelling (pep440.Specifier.Equal), as the reference
// compares SpecifierSets.
func specifiersEqual(a, b pep440.Specifiers) bool {
	return subset(a, b) && subset(b, a)
}

func subset(a, b pep440.Specifiers) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			if x.Equal(y) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
