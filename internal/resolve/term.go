package resolve

import "ferry/internal/pep440"

// pkgID numbers the solver's packages: 0 is the root, the others are a
// project (extra "") or one extra of a project, in the order they were
// first named.
type pkgID int32

const rootID pkgID = 0

// term is a statement about one package: with pos, "the package is
// selected at a version in set"; without, "the package is not selected at
// a version in set" (which holds when it is not selected at all).
type term struct {
	pkg pkgID
	pos bool
	set pep440.Set
	// exact, when not zero, is the version set holds exactly
	// (set == pep440.Exactly(exact)), which relate answers quickly.
	exact pep440.Version
}

func posTerm(p pkgID, s pep440.Set) term { return term{pkg: p, pos: true, set: s} }
func negTerm(p pkgID, s pep440.Set) term { return term{pkg: p, pos: false, set: s} }

// exactTerm is the positive term "p is selected at v".
func exactTerm(p pkgID, v pep440.Version) term {
	return term{pkg: p, pos: true, set: pep440.Exactly(v), exact: v}
}

// anyTerm is the term every state satisfies ("not in nothing").
func anyTerm(p pkgID) term { return negTerm(p, pep440.Empty()) }

func (t term) negate() term { return term{pkg: t.pkg, pos: !t.pos, set: t.set, exact: t.exact} }

// isEmpty reports whether no state satisfies t.
func (t term) isEmpty() bool { return t.pos && t.set.IsEmpty() }

// intersect returns the term that holds when both t and o hold.
func (t term) intersect(o term) term {
	switch {
	case t.pos && o.pos:
		return posTerm(t.pkg, t.set.Intersect(o.set))
	case t.pos:
		return posTerm(t.pkg, t.set.Difference(o.set))
	case o.pos:
		return posTerm(t.pkg, o.set.Difference(t.set))
	}
	return negTerm(t.pkg, t.set.Union(o.set))
}

// difference returns t ∩ ¬o.
func (t term) difference(o term) term { return t.intersect(o.negate()) }

// subsetOf reports whether every state satisfying t satisfies o.
func (t term) subsetOf(o term) bool {
	switch {
	case t.pos && o.pos:
		return t.set.IsSubset(o.set)
	case t.pos:
		return t.set.IsDisjoint(o.set)
	case o.pos:
		return false
	}
	return o.set.IsSubset(t.set)
}

// disjoint reports whether no state satisfies both t and o.
func (t term) disjoint(o term) bool {
	switch {
	case t.pos && o.pos:
		return t.set.IsDisjoint(o.set)
	case t.pos:
		return t.set.IsSubset(o.set)
	case o.pos:
		return o.set.IsSubset(t.set)
	}
	return false
}

// relation is how a term stands against what the partial solution knows.
type relation uint8

const (
	inconclusive relation = iota
	satisfied             // the partial solution implies the term
	contradicted          // the partial solution excludes the term
)

// relate compares t with the partial solution's accumulated term acc for
// the same package.
func relate(acc, t term) relation {
	if !t.exact.IsZero() {
		return relateExact(acc, t)
	}
	if acc.subsetOf(t) {
		return satisfied
	}
	if acc.disjoint(t) {
		return contradicted
	}
	return inconclusive
}

// relateExact is relate for a term on one exact version, with binary
// searches instead of set arithmetic. A non-empty subset of
// pep440.Exactly(v) is that set itself (no boundary lies inside it).
func relateExact(acc, t term) relation {
	allowed := acc.set.Contains(t.exact) == acc.pos
	same := acc.pos && acc.set.Equal(t.set)
	switch {
	case t.pos && !allowed:
		return contradicted
	case t.pos && same:
		return satisfied
	case !t.pos && !allowed:
		return satisfied
	case !t.pos && same:
		return contradicted
	}
	return inconclusive
}
