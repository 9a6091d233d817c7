package resolve

import "sort"

// assignment is one step of the partial solution: a decision (cause nil,
// the term is positive and names exactly one version) or a derivation
// (the term follows from cause and the earlier assignments).
type assignment struct {
	t     term
	level int // decision level
	cause *incompat
	// acc is the intersection of the terms of the package's assignments
	// up to and including this one.
	acc term
}

// pkgState is what the partial solution knows about one package.
type pkgState struct {
	idx     []int // indexes of its assignments, oldest first
	acc     term  // intersection of their terms (anyTerm when there are none)
	decided bool
	cand    Candidate // the decision, when decided
	gen     uint64    // changes whenever acc does
}

// partial is PubGrub's partial solution: an ordered list of assignments
// and, per package, their accumulated term.
type partial struct {
	assigns []assignment
	states  []pkgState
	level   int
	gen     uint64
}

func (ps *partial) state(p pkgID) *pkgState {
	for int(p) >= len(ps.states) {
		id := pkgID(len(ps.states))
		ps.states = append(ps.states, pkgState{acc: anyTerm(id)})
	}
	return &ps.states[p]
}

// term returns the accumulated term of p.
func (ps *partial) term(p pkgID) term { return ps.state(p).acc }

func (ps *partial) push(a assignment) {
	st := ps.state(a.t.pkg)
	st.acc = st.acc.intersect(a.t)
	a.acc = st.acc
	st.idx = append(st.idx, len(ps.assigns))
	ps.assigns = append(ps.assigns, a)
	ps.gen++
	st.gen = ps.gen
}

// derive adds a derivation of t caused by cause at the current level.
func (ps *partial) derive(t term, cause *incompat) {
	ps.push(assignment{t: t, level: ps.level, cause: cause})
}

// decide selects candidate c for p at a new decision level.
func (ps *partial) decide(p pkgID, c Candidate, t term) {
	ps.level++
	ps.push(assignment{t: t, level: ps.level})
	st := ps.state(p)
	st.decided = true
	st.cand = c
}

// backtrack removes every assignment made above decision level lvl.
func (ps *partial) backtrack(lvl int) {
	touched := map[pkgID]bool{}
	for len(ps.assigns) > 0 && ps.assigns[len(ps.assigns)-1].level > lvl {
		a := ps.assigns[len(ps.assigns)-1]
		ps.assigns = ps.assigns[:len(ps.assigns)-1]
		st := ps.state(a.t.pkg)
		st.idx = st.idx[:len(st.idx)-1]
		if a.cause == nil {
			st.decided = false
			st.cand = Candidate{}
		}
		touched[a.t.pkg] = true
	}
	for p := range touched {
		st := ps.state(p)
		st.acc = anyTerm(p)
		if n := len(st.idx); n > 0 {
			st.acc = ps.assigns[st.idx[n-1]].acc
		}
		ps.gen++
		st.gen = ps.gen
	}
	ps.level = lvl
}

// satisfier returns the index of the earliest assignment at which the
// assignments of t's package, taken together, satisfy t. t must be
// satisfied by the partial solution.
//
// The accumulated terms only narrow as assignments are added, so whether
// they satisfy t is monotone and a binary search finds the first.
func (ps *partial) satisfier(t term) int {
	st := ps.state(t.pkg)
	k := sort.Search(len(st.idx), func(k int) bool {
		return ps.assigns[st.idx[k]].acc.subsetOf(t)
	})
	if k == len(st.idx) {
		return -1
	}
	return st.idx[k]
}
