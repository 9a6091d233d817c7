package pep440

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Operator is the comparison operator of a version specifier clause.
type Operator string

// The operators of PEP 440.
const (
	OpCompatible   Operator = "~="  // compatible release
	OpEqual        Operator = "=="  // version matching (with optional .* prefix match)
	OpNotEqual     Operator = "!="  // version exclusion
	OpLessEqual    Operator = "<="  // inclusive ordered comparison
	OpGreaterEqual Operator = ">="  // inclusive ordered comparison
	OpLess         Operator = "<"   // exclusive ordered comparison
	OpGreater      Operator = ">"   // exclusive ordered comparison
	OpArbitrary    Operator = "===" // arbitrary (string) equality
)

// String returns the operator as written, e.g. "~=".
func (o Operator) String() string { return string(o) }

// Prereleases is a pre-release policy, the tri-state `prereleases` argument
// of packaging 26. The zero value is PrereleasesDefault.
//
// For Contains only PrereleasesDeny matters: with the default policy a
// single version that matches is accepted even when it is a pre-release
// (PEP 440: pre-releases are accepted when nothing else satisfies the
// specifier, and a single version has no alternative). Filter is where the
// default policy differs from PrereleasesAllow: it drops matching
// pre-releases when at least one final release matches.
type Prereleases uint8

// The pre-release policies.
const (
	PrereleasesDefault Prereleases = iota // no explicit policy: PEP 440's default
	PrereleasesAllow                      // pre-releases are accepted
	PrereleasesDeny                       // pre-releases are rejected
)

// Or returns p, or fallback when p is PrereleasesDefault. It combines a
// per-call policy with a configured one: call.Or(configured).
func (p Prereleases) Or(fallback Prereleases) Prereleases {
	if p == PrereleasesDefault {
		return fallback
	}
	return p
}

// String returns "default", "allow" or "deny".
func (p Prereleases) String() string {
	switch p {
	case PrereleasesAllow:
		return "allow"
	case PrereleasesDeny:
		return "deny"
	}
	return "default"
}

// InvalidSpecifierError reports a string that is not a version specifier.
type InvalidSpecifierError struct {
	Input  string // the clause (or clause list) as given
	Reason string
	Err    error // the underlying *InvalidVersionError, if any
}

func (e *InvalidSpecifierError) Error() string {
	if e.Err != nil && e.Reason == "" {
		return fmt.Sprintf("invalid specifier %q: %v", e.Input, e.Err)
	}
	if e.Err != nil {
		return fmt.Sprintf("invalid specifier %q: %s: %v", e.Input, e.Reason, e.Err)
	}
	return fmt.Sprintf("invalid specifier %q: %s", e.Input, e.Reason)
}

func (e *InvalidSpecifierError) Unwrap() error { return e.Err }

// Specifier is one clause of a version specifier, such as ">=1.0" or
// "==2.1.*". It is comparable; == compares the clause as written (see
// Equal for the comparison that ignores spelling). The zero Specifier is
// not a valid clause; use ParseSpecifier.
type Specifier struct {
	op  Operator
	ver string // as written, surrounding whitespace removed
	// The clause admits the versions whose key k satisfies lo <= k < hi
	// (hi "" is unbounded), negated when neg is set. Boundaries are the
	// canonical points described in set.go. Unused for ===.
	lo, hi string
	neg    bool
	pre    bool // the clause names a pre-release (see ImpliesPrereleases)
}

// ParseSpecifier parses one specifier clause: an operator followed by a
// version, with optional whitespace around either. The operator decides
// which versions are allowed: "==" and "!=" accept a trailing ".*" after the
// release segment and a local version label; "~=" needs at least two release
// numbers; "<", "<=", ">" and ">=" accept neither a wildcard nor a local
// label; "===" accepts any string without whitespace, ";" or ")".
func ParseSpecifier(s string) (Specifier, error) {
	t, _ := trimSpace(s)
	fail := func(reason string, err error) (Specifier, error) {
		return Specifier{}, &InvalidSpecifierError{Input: s, Reason: reason, Err: err}
	}
	if t == "" {
		return fail("empty specifier", nil)
	}
	var op Operator
	switch {
	case strings.HasPrefix(t, "==="):
		op = OpArbitrary
	case strings.HasPrefix(t, "~="), strings.HasPrefix(t, "=="), strings.HasPrefix(t, "!="),
		strings.HasPrefix(t, "<="), strings.HasPrefix(t, ">="):
		op = Operator(t[:2])
	case t[0] == '<' || t[0] == '>':
		op = Operator(t[:1])
	case isDigit(t[0]) || lower(t[0]) == 'v':
		return fail("missing operator (for example \"==\" or \">=\")", nil)
	default:
		end := 0
		for end < len(t) && strings.IndexByte("~=!<>", t[end]) >= 0 {
			end++
		}
		if end == 0 {
			return fail("missing operator (for example \"==\" or \">=\")", nil)
		}
		return fail(fmt.Sprintf("unknown operator %q", t[:end]), nil)
	}
	ver, _ := trimSpace(t[len(op):])
	if op == OpArbitrary {
		for _, r := range ver {
			if isPySpace(r) || r == ';' || r == ')' {
				return fail(fmt.Sprintf("%q is not allowed in an arbitrary-equality version", r), nil)
			}
		}
		spec := Specifier{op: op, ver: ver}
		if v, err := Parse(ver); err == nil {
			spec.pre = v.IsPrerelease()
		}
		return spec, nil
	}
	if ver == "" {
		return fail("missing version after "+string(op), nil)
	}
	wildcardOK := op == OpEqual || op == OpNotEqual
	var p parts
	star, err := parseVersion(ver, &p, wildcardOK)
	if err != nil {
		if strings.HasSuffix(ver, ".*") {
			if !wildcardOK {
				return fail("a .* wildcard is only allowed with == and !=", nil)
			}
			return fail("a .* wildcard is only allowed directly after the release numbers", nil)
		}
		return fail("", err)
	}
	if p.local != "" && !wildcardOK {
		return fail("a local version label is only allowed with == and !=", nil)
	}
	if op == OpCompatible && len(p.release()) < 2 {
		return fail("~= needs a release with at least two numbers", nil)
	}
	spec := Specifier{op: op, ver: ver}
	spec.bounds(&p, star)
	switch {
	case op == OpNotEqual, star:
		spec.pre = false
	default:
		spec.pre = p.isPrerelease()
	}
	return spec, nil
}

// MustParseSpecifier is ParseSpecifier for clauses known to be valid. It
// panics on an invalid clause.
func MustParseSpecifier(s string) Specifier {
	spec, err := ParseSpecifier(s)
	if err != nil {
		panic(err)
	}
	return spec
}

// bounds computes the clause's interval in key space.
func (s *Specifier) bounds(p *parts, star bool) {
	switch s.op {
	case OpGreaterEqual:
		s.lo = p.key()
	case OpLessEqual:
		s.hi = p.afterLocals()
	case OpGreater:
		if p.hasDev || p.hasPost {
			s.lo = p.afterLocals()
		} else {
			s.lo = p.afterPosts()
		}
	case OpLess:
		if p.isPrerelease() {
			s.hi = p.key()
		} else {
			q := p.clone()
			q.hasDev, q.dev = true, 0
			s.hi = q.key()
		}
	case OpCompatible:
		s.lo = p.key()
		s.hi = nextPrefix(p.epoch, p.release()[:len(p.release())-1])
	case OpEqual, OpNotEqual:
		s.neg = s.op == OpNotEqual
		switch {
		case star:
			q := parts{epoch: p.epoch, hasDev: true}
			q.setRelease(p.release())
			s.lo = q.key()
			s.hi = nextPrefix(p.epoch, p.release())
		case p.local != "":
			s.lo = p.key()
			s.hi = s.lo + "\x00"
		default:
			s.lo = p.key()
			s.hi = p.afterLocals()
		}
	}
}

func (p *parts) clone() parts {
	q := *p
	q.big = slices.Clone(p.big)
	return q
}

func (p *parts) key() string {
	var arr [96]byte
	return string(p.appendKey(arr[:0]))
}

// afterLocals is the least version above p and all its local versions
// (PEP 440: "<=V" and "==V" admit V+anything).
func (p *parts) afterLocals() string {
	q := p.clone()
	q.local = ""
	switch {
	case q.hasDev:
		q.dev++
	case q.hasPost:
		q.post++
		q.hasDev, q.dev = true, 0
	default:
		q.hasPost, q.post = true, 0
		q.hasDev, q.dev = true, 0
	}
	return q.key()
}

// afterPosts is the point above p (which has no post or dev segment), its
// local versions and all its post-releases: the lower end of ">V". For a
// pre-release that is the next pre-release's first dev release; above a
// final release there is no least version, and the boundary is the shared
// key prefix followed by 0xFF.
func (p *parts) afterPosts() string {
	q := p.clone()
	q.local = ""
	if q.pre != 0 {
		q.preN++
		q.hasDev, q.dev = true, 0
		return q.key()
	}
	var arr [96]byte
	b := q.appendPrefix(arr[:0])
	return string(append(b, 0xff))
}

// nextPrefix is the key of the first dev release after every version that
// starts with release: 1.2 gives 1.3.dev0.
func nextPrefix(epoch uint64, release []uint64) string {
	q := parts{epoch: epoch, hasDev: true}
	q.setRelease(release)
	r := q.release()
	r[len(r)-1]++
	return q.key()
}

// Operator returns the clause's operator.
func (s Specifier) Operator() Operator { return s.op }

// Version returns the clause's version as written (without surrounding
// whitespace), including a trailing ".*".
func (s Specifier) Version() string { return s.ver }

// String returns the clause as written with whitespace removed, e.g. "<2".
func (s Specifier) String() string { return string(s.op) + s.ver }

// IsWildcard reports whether the clause is a "==V.*" or "!=V.*" prefix match.
func (s Specifier) IsWildcard() bool { return strings.HasSuffix(s.ver, ".*") && s.op != OpArbitrary }

// ImpliesPrereleases reports whether the clause names a pre-release
// version, which makes pre-releases acceptable by default when filtering
// (packaging's Specifier.prereleases). It is false for "!=" and wildcard
// clauses, and for "===" with a string that is not a version.
func (s Specifier) ImpliesPrereleases() bool { return s.pre }

// canonical is the clause with its version in canonical form (trailing
// zeros dropped, except for ~= where they carry meaning).
func (s Specifier) canonical() string {
	if s.op == OpArbitrary || s.IsWildcard() {
		return s.String()
	}
	v, err := Parse(s.ver)
	if err != nil {
		return s.String()
	}
	if s.op == OpCompatible {
		return string(s.op) + v.String()
	}
	return string(s.op) + v.Canonical()
}

// Equal reports whether s and o are the same clause up to the spelling of
// the version: "==1.2.0" equals "== 1.2", "~=1.0" does not equal "~=1".
func (s Specifier) Equal(o Specifier) bool {
	return s.op == o.op && s.canonical() == o.canonical()
}

// Contains reports whether v satisfies the clause. With PrereleasesDeny a
// pre-release never does; otherwise only the operator decides (see
// Prereleases). For "===" the comparison is against v's normalized form,
// ignoring case.
func (s Specifier) Contains(v Version, pre Prereleases) bool {
	if pre == PrereleasesDeny && v.IsPrerelease() {
		return false
	}
	return s.match(v)
}

// ContainsString is Contains for a version string that may not be a valid
// version. "===" compares the string as written; every other operator
// parses it and never matches an invalid version.
func (s Specifier) ContainsString(v string, pre Prereleases) bool {
	if s.op == OpArbitrary {
		if !strings.EqualFold(v, s.ver) {
			return false
		}
		if pre == PrereleasesDeny {
			if w, err := Parse(v); err == nil && w.IsPrerelease() {
				return false
			}
		}
		return true
	}
	w, err := Parse(v)
	if err != nil {
		return false
	}
	return s.Contains(w, pre)
}

func (s *Specifier) match(v Version) bool {
	if v.key == "" {
		return false
	}
	if s.op == OpArbitrary {
		return strings.EqualFold(v.s, s.ver)
	}
	in := v.key >= s.lo && (s.hi == "" || v.key < s.hi)
	return in != s.neg
}

// Specifiers is a comma-separated list of clauses that must all hold (a
// PEP 440 version specifier, packaging's SpecifierSet). The empty list
// allows every version. Clauses keep the order they were written in;
// String gives the canonical form.
type Specifiers []Specifier

// ParseSpecifiers parses a comma-separated list of clauses. Empty items
// are ignored, so "" is the specifier that allows everything.
func ParseSpecifiers(s string) (Specifiers, error) {
	var out Specifiers
	for item := range strings.SplitSeq(s, ",") {
		if t, _ := trimSpace(item); t == "" {
			continue
		}
		spec, err := ParseSpecifier(item)
		if err != nil {
			if item != s {
				var ie *InvalidSpecifierError
				if errors.As(err, &ie) {
					return nil, fmt.Errorf("invalid specifier set %q: %w", s, err)
				}
			}
			return nil, err
		}
		out = append(out, spec)
	}
	return out, nil
}

// MustParseSpecifiers is ParseSpecifiers for lists known to be valid. It
// panics on an invalid list.
func MustParseSpecifiers(s string) Specifiers {
	specs, err := ParseSpecifiers(s)
	if err != nil {
		panic(err)
	}
	return specs
}

// String returns the canonical form: clauses sorted by their written form,
// duplicates (equal up to version spelling) removed, joined by ",".
func (s Specifiers) String() string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0].String()
	}
	sorted := slices.Clone(s)
	slices.SortStableFunc(sorted, func(a, b Specifier) int { return strings.Compare(a.String(), b.String()) })
	var b strings.Builder
	seen := make(map[string]bool, len(sorted))
	for _, spec := range sorted {
		c := spec.canonical()
		if seen[c] {
			continue
		}
		seen[c] = true
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(spec.String())
	}
	return b.String()
}

// Intersect returns the clauses of s followed by those of o: the versions
// both allow (packaging's SpecifierSet "&").
func (s Specifiers) Intersect(o Specifiers) Specifiers {
	out := make(Specifiers, 0, len(s)+len(o))
	return append(append(out, s...), o...)
}

// Equal reports whether s and o have the same canonical form.
func (s Specifiers) Equal(o Specifiers) bool { return s.String() == o.String() }

// ImpliesPrereleases reports whether some clause names a pre-release, which
// makes Filter keep pre-releases under PrereleasesDefault.
func (s Specifiers) ImpliesPrereleases() bool {
	for _, spec := range s {
		if spec.pre {
			return true
		}
	}
	return false
}

func (s Specifiers) hasArbitrary() bool {
	for _, spec := range s {
		if spec.op == OpArbitrary {
			return true
		}
	}
	return false
}

// Contains reports whether v satisfies every clause. With PrereleasesDeny a
// pre-release never does; otherwise the clauses alone decide (see
// Prereleases).
func (s Specifiers) Contains(v Version, pre Prereleases) bool {
	if pre == PrereleasesDeny && v.IsPrerelease() {
		return false
	}
	for i := range s {
		if !s[i].match(v) {
			return false
		}
	}
	return true
}

// ContainsString is Contains for a string that may not be a valid version.
// "===" clauses compare it as written (ignoring case); every other clause
// parses it, and an invalid version satisfies none of them. The empty list
// contains every string.
func (s Specifiers) ContainsString(v string, pre Prereleases) bool {
	w, err := Parse(v)
	if err == nil && pre == PrereleasesDeny && w.IsPrerelease() {
		return false
	}
	for _, spec := range s {
		if spec.op == OpArbitrary {
			if !strings.EqualFold(v, spec.ver) {
				return false
			}
			continue
		}
		if err != nil || !spec.match(w) {
			return false
		}
	}
	return true
}

// IsUnsatisfiable reports whether no version can satisfy s under the
// configured pre-release policy pre (only PrereleasesDeny matters: a set
// that admits only pre-releases is then unsatisfiable). "===" clauses are
// judged as packaging does: the one string they name is the only
// candidate, and it must satisfy every other clause.
func (s Specifiers) IsUnsatisfiable(pre Prereleases) bool {
	if len(s) == 0 {
		return false
	}
	var std Specifiers
	var arb []Specifier
	for _, spec := range s {
		if spec.op == OpArbitrary {
			arb = append(arb, spec)
		} else {
			std = append(std, spec)
		}
	}
	set := FromSpecifiers(std)
	if set.IsEmpty() {
		return true
	}
	if len(arb) > 0 {
		for _, a := range arb[1:] {
			if !strings.EqualFold(a.ver, arb[0].ver) {
				return true
			}
		}
		cand, err := Parse(arb[0].ver)
		if pre == PrereleasesDeny && err == nil && cand.IsPrerelease() {
			return true
		}
		if len(std) > 0 {
			if err != nil {
				return true
			}
			for _, spec := range std {
				if !spec.match(cand) {
					return true
				}
			}
		}
	}
	return pre == PrereleasesDeny && !set.HasFinal()
}

// Filter returns the versions of vs that satisfy s, in input order, with
// packaging's pre-release rules: under PrereleasesDefault (after s's own
// ImpliesPrereleases, which turns it into PrereleasesAllow) matching
// pre-releases are kept only when no final release matches; Allow keeps
// them, Deny drops them.
func (s Specifiers) Filter(vs []Version, pre Prereleases) []Version {
	return FilterFunc(s, vs, func(v Version) Version { return v }, pre)
}

// FilterFunc is Filter for any items that carry a version.
func FilterFunc[T any](s Specifiers, items []T, version func(T) Version, pre Prereleases) []T {
	return filter(s, items, func(item T) (Version, string, bool) {
		v := version(item)
		return v, v.s, true
	}, pre)
}

// FilterStrings is Filter for version strings that may be invalid: "==="
// compares them as written, an invalid version satisfies only "===" clauses
// and the empty list, and counts as neither a final nor a pre-release.
func (s Specifiers) FilterStrings(vs []string, pre Prereleases) []string {
	return filter(s, vs, func(item string) (Version, string, bool) {
		v, err := Parse(item)
		return v, item, err == nil
	}, pre)
}

func filter[T any](s Specifiers, items []T, get func(T) (Version, string, bool), pre Prereleases) []T {
	if pre == PrereleasesDefault && s.ImpliesPrereleases() {
		pre = PrereleasesAllow
	}
	// Unparsable items pass through only the empty list and "===" lists;
	// there they keep their place among the final releases.
	keepInvalid := len(s) == 0 || s.hasArbitrary()
	var out, held []T
	foundFinal := false
	for _, item := range items {
		v, raw, ok := get(item)
		match := true
		for _, spec := range s {
			switch {
			case spec.op == OpArbitrary:
				match = strings.EqualFold(raw, spec.ver)
			case !ok:
				match = false
			default:
				match = spec.match(v)
			}
			if !match {
				break
			}
		}
		if !match || (!ok && !keepInvalid) {
			continue
		}
		switch {
		case ok && v.IsPrerelease():
			switch pre {
			case PrereleasesAllow:
				out = append(out, item)
			case PrereleasesDefault:
				if !foundFinal {
					held = append(held, item)
				}
			}
		case !ok:
			// An invalid string is neither final nor pre-release: it is
			// yielded in place once a final release has been seen and
			// otherwise waits with the pre-releases, ahead of the next final.
			if pre == PrereleasesDefault && !foundFinal {
				held = append(held, item)
			} else {
				out = append(out, item)
			}
		default:
			if pre == PrereleasesDefault && !foundFinal {
				// Flush the invalid strings held so far; drop held pre-releases.
				for _, h := range held {
					if _, _, hok := get(h); !hok {
						out = append(out, h)
					}
				}
				held = nil
			}
			foundFinal = true
			out = append(out, item)
		}
	}
	if pre == PrereleasesDefault && !foundFinal {
		out = append(out, held...)
	}
	return out
}
