package resolve

import (
	"ferry/internal/pep440"
	"ferry/internal/pep508"
)

// causeKind says where an incompatibility comes from.
type causeKind uint8

const (
	causeRoot       causeKind = iota // the root must be selected
	causeDependency                  // a package version depends on a range of another
	causeNoVersions                  // no usable version of a package lies in a range
	causeUnusable                    // one version cannot be used (reason)
	causeConstraint                  // a constraint (-c) excludes a range
	causeDerived                     // derived by conflict resolution from c1 and c2
)

// incompat is a set of terms that must not all hold at once. Terms name
// distinct packages.
type incompat struct {
	terms  []term
	kind   causeKind
	c1, c2 *incompat // causeDerived
	// req is the requirement of a dependency (nil for the link from
	// pkg[extra]==v to pkg==v) or of a constraint.
	req *pep508.Requirement
	// merged marks a dependency the explanation made from several.
	merged bool
	// version is the depender's version of a dependency.
	version pep440.Version
	// reason explains causeUnusable, and lists the unusable versions of a
	// causeNoVersions range.
	reason string
	// rel caches the relation of each term to the partial solution.
	rel []relCache
}

// relCache is the relation of one term, valid while its package's
// accumulated term has generation gen.
type relCache struct {
	gen uint64
	ok  bool
	r   relation
}

// newIncompat builds an incompatibility, merging terms on one package
// (their intersection must hold) and dropping terms every state satisfies.
// When other terms remain, a positive root term is dropped as well: the
// root is always selected. It returns nil when a positive term is empty,
// since such an incompatibility can never be satisfied.
func newIncompat(terms []term, kind causeKind) *incompat {
	var out []term
	for _, t := range terms {
		merged := false
		for i := range out {
			if out[i].pkg == t.pkg {
				out[i] = out[i].intersect(t)
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, t)
		}
	}
	kept := out[:0]
	for _, t := range out {
		if t.isEmpty() {
			return nil
		}
		if !t.pos && t.set.IsEmpty() {
			continue
		}
		kept = append(kept, t)
	}
	out = kept
	if len(out) > 1 && kind == causeDerived {
		kept := out[:0]
		for _, t := range out {
			if t.pkg == rootID && t.pos {
				continue
			}
			kept = append(kept, t)
		}
		out = kept
	}
	return &incompat{terms: out, kind: kind}
}

// isFailure reports whether the incompatibility says the root cannot be
// selected: version solving has failed.
func (in *incompat) isFailure() bool {
	return len(in.terms) == 0 || (len(in.terms) == 1 && in.terms[0].pkg == rootID && in.terms[0].pos)
}

// termFor returns the term on p, if any.
func (in *incompat) termFor(p pkgID) (term, bool) {
	for _, t := range in.terms {
		if t.pkg == p {
			return t, true
		}
	}
	return term{}, false
}
