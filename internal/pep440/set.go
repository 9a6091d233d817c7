package pep440

import (
	"slices"
	"sort"
	"strings"
)

// Set is a set of versions: a finite union of disjoint intervals of the
// PEP 440 order. It is what a resolver needs to intersect, complement and
// compare requirements; every Specifiers value maps to one with
// FromSpecifiers, and Set.Contains(v) agrees with
// Specifiers.Contains(v, PrereleasesAllow) for every version v (pre-release
// policy is a matter of candidate selection, not of the set).
//
// # Boundaries
//
// The set is stored as a sorted list of boundary points on the line of
// comparison keys (see Version): a version is in the set when an odd number
// of boundaries are at or below its key. The points PEP 440 needs between
// two versions are expressed as keys too:
//
//   - "just below V" is V's key; "<V" for a final V ends at V.dev0, the
//     first pre-release of V, so it excludes V's pre-releases;
//   - "just above V and all its local versions" ("<=V", "==V") is the least
//     version above them, V.post0.dev0 (or V.devN+1, V.postN+1.dev0);
//   - "just above V and its post-releases" (">V") is the next
//     pre-release's first dev release for a pre-release V (">1.0a1" starts
//     at 1.0a2.dev0); above a final V no least version exists, and the
//     point is the key prefix V and its post-releases share, followed by
//     0xFF;
//   - "just above exactly V" (the end of "==V+local", or of Exactly) is V's
//     key followed by 0x00; no least version exists there either.
//
// Every point is put in this canonical form when it is made: where a least
// version exists the point is that version's key. So two sets are equal
// exactly when their boundary lists are, and an interval is empty exactly
// when its ends meet.
//
// # Arbitrary equality
//
// "===X" compares strings, which no interval can express. FromSpecifiers
// maps it to Exactly(v) when X is the normalized form of a version v (in
// any letter case) and to the empty set otherwise: those are the Version
// values Contains can accept. The set cannot tell 1.0 from 1.0.0, so it
// over-approximates "===1.0" by the versions equal to 1.0. Specifiers with
// "===" should be checked with Specifiers.Contains as well; IsUnsatisfiable
// on Specifiers follows packaging for them.
type Set struct {
	b []string // sorted boundary keys, all >= minKey
}

// minKey is the key of 0.dev0, the least version (see appendKey): epoch 0,
// empty trimmed release, dev-only rank, pre 0, no post, dev 0.
const minKey = "\x01\x00\x00\x01\x00\x01\x00\x01"

// Full returns the set of all versions.
func Full() Set { return Set{b: []string{minKey}} }

// Empty returns the set with no versions.
func Empty() Set { return Set{} }

// Exactly returns the set of the versions equal to v (Compare == 0). It
// does not include v's local versions: Exactly(1.0) holds 1.0 and 1.0.0,
// not 1.0+ubuntu1 (FromSpecifiers of "==1.0" does).
func Exactly(v Version) Set {
	if v.key == "" {
		return Set{}
	}
	return Set{b: []string{v.key, v.key + "\x00"}}
}

// AtLeast returns the versions at or above v in PEP 440 order (">=v").
func AtLeast(v Version) Set {
	if v.key == "" {
		return Full()
	}
	return Set{b: []string{v.key}}
}

// Below returns the versions strictly below v in PEP 440 order, including
// v's pre-releases (unlike the specifier "<v").
func Below(v Version) Set { return AtLeast(v).Complement() }

func interval(lo, hi string) Set {
	if lo < minKey {
		lo = minKey
	}
	if hi == "" {
		return Set{b: []string{lo}}
	}
	if hi <= lo {
		return Set{}
	}
	return Set{b: []string{lo, hi}}
}

// FromSpecifier returns the versions one clause admits (with pre-releases
// allowed). See Set for "===".
func FromSpecifier(s Specifier) Set {
	if s.op == OpArbitrary {
		v, err := Parse(s.ver)
		if err != nil || !strings.EqualFold(v.s, s.ver) {
			return Set{}
		}
		return Exactly(v)
	}
	set := interval(s.lo, s.hi)
	if s.neg {
		set = set.Complement()
	}
	return set
}

// FromSpecifiers returns the versions all clauses admit (with pre-releases
// allowed); the empty list gives Full.
func FromSpecifiers(s Specifiers) Set {
	set := Full()
	for _, spec := range s {
		set = set.Intersect(FromSpecifier(spec))
		if set.IsEmpty() {
			break
		}
	}
	return set
}

// combine sweeps two boundary lists and keeps the points where op of the
// two memberships changes.
func combine(a, b []string, op func(x, y bool) bool) Set {
	var out []string
	i, j := 0, 0
	inA, inB, cur := false, false, false
	for i < len(a) || j < len(b) {
		var k string
		if j >= len(b) || (i < len(a) && a[i] < b[j]) {
			k = a[i]
		} else {
			k = b[j]
		}
		for i < len(a) && a[i] == k {
			inA = !inA
			i++
		}
		for j < len(b) && b[j] == k {
			inB = !inB
			j++
		}
		if n := op(inA, inB); n != cur {
			out = append(out, k)
			cur = n
		}
	}
	return Set{b: out}
}

// Intersect returns the versions in both s and o.
func (s Set) Intersect(o Set) Set {
	return combine(s.b, o.b, func(x, y bool) bool { return x && y })
}

// Union returns the versions in s or o.
func (s Set) Union(o Set) Set {
	return combine(s.b, o.b, func(x, y bool) bool { return x || y })
}

// Difference returns the versions in s and not in o.
func (s Set) Difference(o Set) Set {
	return combine(s.b, o.b, func(x, y bool) bool { return x && !y })
}

// Complement returns the versions not in s.
func (s Set) Complement() Set {
	if len(s.b) > 0 && s.b[0] == minKey {
		return Set{b: slices.Clone(s.b[1:])}
	}
	return Set{b: append([]string{minKey}, s.b...)}
}

// IsEmpty reports whether s holds no version.
func (s Set) IsEmpty() bool { return len(s.b) == 0 }

// IsFull reports whether s holds every version.
func (s Set) IsFull() bool { return len(s.b) == 1 && s.b[0] == minKey }

// Contains reports whether v is in s.
func (s Set) Contains(v Version) bool {
	if v.key == "" {
		return false
	}
	n := sort.Search(len(s.b), func(i int) bool { return s.b[i] > v.key })
	return n%2 == 1
}

// IsSubset reports whether every version in s is in o.
func (s Set) IsSubset(o Set) bool { return s.Difference(o).IsEmpty() }

// IsDisjoint reports whether no version is in both s and o.
func (s Set) IsDisjoint(o Set) bool { return s.Intersect(o).IsEmpty() }

// Equal reports whether s and o hold the same versions.
func (s Set) Equal(o Set) bool { return slices.Equal(s.b, o.b) }

// HasFinal reports whether s holds a version that is not a pre-release
// (a final or post-release, with or without a local label).
func (s Set) HasFinal() bool {
	for i := 0; i < len(s.b); i += 2 {
		lo := s.b[i]
		least := leastFinalAtOrAbove(lo)
		if least == "" {
			// No least final above lo: finals lie arbitrarily close above it.
			return true
		}
		if i+1 == len(s.b) || least < s.b[i+1] {
			return true
		}
	}
	return false
}

// leastFinalAtOrAbove returns the key of the least non-pre-release version
// at or above boundary point b, or "" when there is none that is least.
func leastFinalAtOrAbove(b string) string {
	bd := decodeBoundary(b)
	switch bd.kind {
	case pointAfterPosts:
		return ""
	case pointAfter:
		if !bd.p.isPrerelease() {
			return "" // V+anything, no least one
		}
	}
	p := bd.p
	if !p.isPrerelease() {
		return p.key()
	}
	q := p.clone()
	q.local = ""
	q.hasDev, q.dev = false, 0
	if q.pre != 0 {
		q.pre, q.preN, q.hasPost, q.post = 0, 0, false, 0
	}
	return q.key()
}

// Kinds of boundary points.
const (
	pointVersion    = iota // a version's key: just below it
	pointAfter             // key + 0x00: just above exactly that version
	pointAfterPosts        // prefix + 0xFF: above a final release and its post-releases
)

type boundary struct {
	p    parts
	kind int
}

// decodeBoundary turns a canonical boundary point back into a version and
// the kind of point.
func decodeBoundary(k string) boundary {
	var bd boundary
	p := &bd.p
	p.epoch, k = readNum(k)
	for k != "" && k[0] != 0 {
		var n uint64
		n, k = readNum(k)
		p.addRelease(n)
	}
	if p.nrel == 0 && p.big == nil {
		p.addRelease(0)
	}
	if len(k) < 2 {
		return bd
	}
	rank := k[1]
	var preN uint64
	preN, k = readNum(k[2:])
	switch rank {
	case rankAlpha:
		p.pre, p.preN = 'a', preN
	case rankBeta:
		p.pre, p.preN = 'b', preN
	case rankRC:
		p.pre, p.preN = 'r', preN
	}
	if k == "\xff" {
		bd.kind = pointAfterPosts
		return bd
	}
	if len(k) < 1 {
		return bd
	}
	p.hasPost = k[0] == 1
	p.post, k = readNum(k[1:])
	if len(k) < 1 {
		return bd
	}
	p.hasDev = k[0] == 0
	p.dev, k = readNum(k[1:])
	var local []byte
	for k != "" {
		switch k[0] {
		case 0:
			bd.kind = pointAfter
			k = ""
		case 1:
			end := strings.IndexByte(k[1:], 0)
			if end < 0 {
				end = len(k) - 1
			}
			if len(local) > 0 {
				local = append(local, '.')
			}
			local = append(local, k[1:1+end]...)
			k = k[min(len(k), 2+end):]
		case 2:
			n, rest := readNum(k[1:])
			if int(n) > len(rest) {
				n = uint64(len(rest))
			}
			if len(local) > 0 {
				local = append(local, '.')
			}
			local = append(local, rest[:n]...)
			k = rest[n:]
		default:
			k = ""
		}
	}
	p.local = string(local)
	return bd
}

// display is the version for a description: keys keep no trailing zeros,
// so the release is padded to two numbers ("1" reads as 1.0).
func (p *parts) display() string {
	q := p.clone()
	for len(q.release()) < 2 {
		q.addRelease(0)
	}
	var arr [96]byte
	return string(q.appendString(arr[:0], false))
}

// wildcardBase reports whether [lo, hi) is "==B.*" and returns B.
func wildcardBase(l *parts, hi string) (string, bool) {
	if l.pre != 0 || l.hasPost || !l.hasDev || l.dev != 0 || l.local != "" {
		return "", false
	}
	h := decodeBoundary(hi)
	hp := &h.p
	if h.kind != pointVersion || hp.pre != 0 || hp.hasPost || !hp.hasDev || hp.dev != 0 || hp.local != "" || hp.epoch != l.epoch {
		return "", false
	}
	base := hp.clone()
	r := base.release()
	if r[len(r)-1] == 0 {
		return "", false
	}
	r[len(r)-1]--
	if !slices.Equal(trimZeros(base.release()), trimZeros(l.release())) {
		return "", false
	}
	base.hasDev, base.dev = false, 0
	var arr [96]byte
	return string(base.appendString(arr[:0], false)), true
}

// String describes s with specifier clauses where PEP 440 has an exact
// spelling: ">=1.0, <2.0" for one interval, "==1.2" for a version and its
// local versions, intervals joined by " || ", "*" for every version and
// "∅" for none. A bound PEP 440 cannot spell is written with its nearest
// clause and a note, e.g. "<2.0 (incl. pre-releases)" for the versions
// strictly below 2.0 in PEP 440 order.
func (s Set) String() string {
	if s.IsEmpty() {
		return "∅"
	}
	if s.IsFull() {
		return "*"
	}
	var b strings.Builder
	for i := 0; i < len(s.b); i += 2 {
		if i > 0 {
			b.WriteString(" || ")
		}
		hi := ""
		if i+1 < len(s.b) {
			hi = s.b[i+1]
		}
		b.WriteString(describeInterval(s.b[i], hi))
	}
	return b.String()
}

func describeInterval(lo, hi string) string {
	l := decodeBoundary(lo)
	if l.kind == pointVersion && hi != "" {
		if l.p.local == "" && hi == l.p.afterLocals() {
			return "==" + l.p.display()
		}
		if b, ok := wildcardBase(&l.p, hi); ok && lo != minKey {
			return "==" + b + ".*"
		}
		if hi == lo+"\x00" {
			if l.p.local != "" {
				return "==" + l.p.display()
			}
			return "==" + l.p.display() + " (excl. local versions)"
		}
	}
	var clauses []string
	if lo != minKey {
		switch l.kind {
		case pointVersion:
			clauses = append(clauses, ">="+l.p.display())
		case pointAfterPosts:
			clauses = append(clauses, ">"+l.p.display())
		case pointAfter:
			if l.p.local != "" {
				clauses = append(clauses, ">"+l.p.display())
			} else {
				clauses = append(clauses, ">"+l.p.display()+" (incl. local versions)")
			}
		}
	}
	if hi != "" {
		clauses = append(clauses, describeUpper(hi))
	}
	return strings.Join(clauses, ", ")
}

func describeUpper(hi string) string {
	h := decodeBoundary(hi)
	p := &h.p
	switch h.kind {
	case pointAfterPosts:
		return "<=" + p.display() + " (incl. post-releases)"
	case pointAfter:
		if p.local != "" {
			return "<=" + p.display()
		}
		return "<=" + p.display() + " (excl. local versions)"
	}
	if p.local != "" {
		return "<" + p.display()
	}
	if p.hasDev && p.dev == 0 && p.hasPost {
		// V.postN.dev0 is the least version above V.post(N-1) (or V) and
		// its local versions.
		q := p.clone()
		q.hasDev = false
		if q.post == 0 {
			q.hasPost = false
		} else {
			q.post--
		}
		return "<=" + q.display()
	}
	if p.hasDev && p.dev == 0 {
		q := p.clone()
		q.hasDev = false
		if !q.isPrerelease() {
			return "<" + q.display()
		}
	}
	if p.isPrerelease() {
		return "<" + p.display()
	}
	return "<" + p.display() + " (incl. pre-releases)"
}

// Intervals returns s as PEP 440 interval descriptions, one per interval
// (the parts of String).
func (s Set) Intervals() []string {
	var out []string
	for i := 0; i < len(s.b); i += 2 {
		hi := ""
		if i+1 < len(s.b) {
			hi = s.b[i+1]
		}
		out = append(out, describeInterval(s.b[i], hi))
	}
	return out
}
