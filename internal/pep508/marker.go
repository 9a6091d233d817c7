package pep508

import (
	"slices"
	"strings"

	"ferry/internal/pep440"
	"ferry/internal/pkgname"
)

// operator is a marker comparison operator.
type operator uint8

const (
	opNone operator = iota
	opLess
	opLessEqual
	opEqual
	opNotEqual
	opGreaterEqual
	opGreater
	opCompatible
	opArbitrary
	numSpecOps // the operators above can form a version specifier
	opIn       = numSpecOps
	opNotIn    = numSpecOps + 1
)

// String returns the operator as written in a marker.
func (o operator) String() string {
	switch o {
	case opLess:
		return "<"
	case opLessEqual:
		return "<="
	case opEqual:
		return "=="
	case opNotEqual:
		return "!="
	case opGreaterEqual:
		return ">="
	case opGreater:
		return ">"
	case opCompatible:
		return "~="
	case opArbitrary:
		return "==="
	case opIn:
		return "in"
	case opNotIn:
		return "not in"
	}
	return "?"
}

// variable is a marker variable, under its canonical (PEP 508) name.
type variable uint8

const (
	varNone variable = iota
	varImplementationName
	varImplementationVersion
	varOSName
	varPlatformMachine
	varPlatformPythonImplementation
	varPlatformRelease
	varPlatformSystem
	varPlatformVersion
	varPythonFullVersion
	varPythonVersion
	varSysPlatform
	varExtra
	varExtras
	varDependencyGroups
	numVars
)

// String returns the canonical name.
func (v variable) String() string {
	switch v {
	case varImplementationName:
		return "implementation_name"
	case varImplementationVersion:
		return "implementation_version"
	case varOSName:
		return "os_name"
	case varPlatformMachine:
		return "platform_machine"
	case varPlatformPythonImplementation:
		return "platform_python_implementation"
	case varPlatformRelease:
		return "platform_release"
	case varPlatformSystem:
		return "platform_system"
	case varPlatformVersion:
		return "platform_version"
	case varPythonFullVersion:
		return "python_full_version"
	case varPythonVersion:
		return "python_version"
	case varSysPlatform:
		return "sys_platform"
	case varExtra:
		return "extra"
	case varExtras:
		return "extras"
	case varDependencyGroups:
		return "dependency_groups"
	}
	return ""
}

// versionLike reports whether comparisons on v use version semantics when
// the other side parses as a version specifier.
func (v variable) versionLike() bool {
	switch v {
	case varImplementationVersion, varPlatformRelease, varPythonFullVersion, varPythonVersion:
		return true
	}
	return false
}

// numVersionVars is the number of version-like variables.
const numVersionVars = 4

// versionSlot numbers the version-like variables from 0.
func versionSlot(v variable) int {
	switch v {
	case varImplementationVersion:
		return 0
	case varPlatformRelease:
		return 1
	case varPythonFullVersion:
		return 2
	}
	return 3
}

// setValued reports whether v holds a set of names (PEP 751).
func (v variable) setValued() bool { return v == varExtras || v == varDependencyGroups }

// variableByName maps a canonical variable name to its variable.
func variableByName(name string) variable {
	for v := varNone + 1; v < numVars; v++ {
		if v.String() == name {
			return v
		}
	}
	return varNone
}

// Marker is a parsed environment marker expression (PEP 508). It is an
// immutable tree; the zero value is the empty marker, which is always true.
// Compare markers with Equal (or by String, which is canonical).
type Marker struct {
	e *expr
}

// expr is a sequence of atoms joined by "and" / "or", kept as written (the
// reference keeps the grouping of the source, and so does String). "and"
// binds tighter than "or" when evaluating. Invariants: len(ors) ==
// len(atoms)-1, and a parenthesised group (atom.sub) has two atoms or more.
type expr struct {
	atoms []atom
	ors   []bool // ors[i] joins atoms[i] and atoms[i+1]: true "or", false "and"
}

// atom is either one comparison or a parenthesised group.
type atom struct {
	c   *cond
	sub *expr
}

// cond is one comparison. A side is a variable (lvar / rvar) or a literal
// (lval / rval, the decoded string, PEP 685-normalized where the reference
// normalizes it).
type cond struct {
	lvar, rvar variable
	lval, rval string
	op         operator

	// The evaluation plan, fixed at parse time: the environment value of
	// key is compared with other, on the left side when keyLeft.
	key     variable
	keyLeft bool
	other   string
	spec    pep440.Specifier // op+other as a version specifier, when hasSpec
	hasSpec bool
	// With a literal on the left of a version-like variable: the literal
	// as a version, when otherVerOK.
	otherVer   pep440.Version
	otherVerOK bool
}

// ParseMarker parses a marker expression (the part of a dependency
// specifier after ";"). Errors are *ParseError.
func ParseMarker(s string) (Marker, error) {
	p := parser{s: s}
	e, err := p.marker()
	if err != nil {
		return Marker{}, err
	}
	if !p.end() {
		return Marker{}, p.expected("end of marker expression")
	}
	return markerOf(e), nil
}

// MustParseMarker is ParseMarker for markers known valid (tests, tables).
// It panics on an invalid marker.
func MustParseMarker(s string) Marker {
	m, err := ParseMarker(s)
	if err != nil {
		panic(err)
	}
	return m
}

// markerOf wraps a parsed expression, unwrapping a lone group.
func markerOf(e *expr) Marker {
	if len(e.atoms) == 1 && e.atoms[0].sub != nil {
		e = e.atoms[0].sub
	}
	return Marker{e}
}

// True returns the empty marker, which always evaluates to true. It is the
// zero Marker.
func True() Marker { return Marker{} }

// False returns the canonical marker that no environment satisfies,
// `python_version < "0"`.
func False() Marker {
	c := &cond{lvar: varPythonVersion, op: opLess, rval: "0"}
	c.plan()
	return Marker{&expr{atoms: []atom{{c: c}}}}
}

// IsTrue reports whether m is the empty marker (always true).
func (m Marker) IsTrue() bool { return m.e == nil }

// IsFalse reports whether m is the canonical false marker (see False).
// Other markers that no environment satisfies are not detected.
func (m Marker) IsFalse() bool {
	if m.e == nil || len(m.e.atoms) != 1 || m.e.atoms[0].c == nil {
		return false
	}
	c := m.e.atoms[0].c
	return c.lvar == varPythonVersion && c.rvar == varNone && c.op == opLess && c.rval == "0"
}

// And returns the conjunction of a and b. An empty marker is the identity;
// a false one absorbs.
func And(a, b Marker) Marker { return combine(a, b, false) }

// Or returns the disjunction of a and b. An empty (true) marker absorbs; a
// false one is the identity.
func Or(a, b Marker) Marker { return combine(a, b, true) }

func combine(a, b Marker, or bool) Marker {
	switch {
	case or && (a.IsTrue() || b.IsTrue()):
		return True()
	case !or && a.IsTrue():
		return b
	case !or && b.IsTrue():
		return a
	case or && a.IsFalse():
		return b
	case or && b.IsFalse():
		return a
	case !or && (a.IsFalse() || b.IsFalse()):
		return False()
	}
	return Marker{&expr{atoms: []atom{a.asAtom(), b.asAtom()}, ors: []bool{or}}}
}

func (m Marker) asAtom() atom {
	if len(m.e.atoms) == 1 {
		return m.e.atoms[0]
	}
	return atom{sub: m.e}
}

// String returns the canonical form, as the reference prints it: literals
// in double quotes (single when the value holds a double quote), one space
// around operators, variables under their canonical names, extra names
// normalized, and the source's parentheses kept where a group has more
// than one term. The empty marker gives "".
func (m Marker) String() string {
	if m.e == nil {
		return ""
	}
	var b strings.Builder
	m.e.write(&b, true)
	return b.String()
}

func (e *expr) write(b *strings.Builder, top bool) {
	if !top {
		b.WriteByte('(')
	}
	for i, a := range e.atoms {
		if i > 0 {
			if e.ors[i-1] {
				b.WriteString(" or ")
			} else {
				b.WriteString(" and ")
			}
		}
		if a.sub != nil {
			a.sub.write(b, false)
		} else {
			a.c.write(b)
		}
	}
	if !top {
		b.WriteByte(')')
	}
}

func (c *cond) write(b *strings.Builder) {
	writeSide(b, c.lvar, c.lval)
	b.WriteByte(' ')
	b.WriteString(c.op.String())
	b.WriteByte(' ')
	writeSide(b, c.rvar, c.rval)
}

func writeSide(b *strings.Builder, v variable, lit string) {
	if v != varNone {
		b.WriteString(v.String())
	} else {
		quote(b, lit)
	}
}

// Equal reports whether m and o are the same marker: the same tree, which
// is the same canonical String.
func (m Marker) Equal(o Marker) bool {
	if m.e == nil || o.e == nil {
		return m.e == o.e
	}
	return m.e.equal(o.e)
}

func (e *expr) equal(o *expr) bool {
	if e == o {
		return true
	}
	if len(e.atoms) != len(o.atoms) || !slices.Equal(e.ors, o.ors) {
		return false
	}
	for i, a := range e.atoms {
		b := o.atoms[i]
		switch {
		case (a.sub == nil) != (b.sub == nil):
			return false
		case a.sub != nil:
			if !a.sub.equal(b.sub) {
				return false
			}
		default:
			x, y := a.c, b.c
			if x.lvar != y.lvar || x.rvar != y.rvar || x.op != y.op || x.lval != y.lval || x.rval != y.rval {
				return false
			}
		}
	}
	return true
}

// Extras returns the extra names that m compares the "extra" variable
// with, normalized (PEP 685), sorted and without duplicates. The names are
// not validated: a marker may name an extra no project can define.
func (m Marker) Extras() []pkgname.Name {
	var out []pkgname.Name
	m.walk(func(c *cond) {
		switch {
		case c.lvar == varExtra && c.rvar == varNone:
			out = append(out, pkgname.Name(c.rval))
		case c.rvar == varExtra && c.lvar == varNone:
			out = append(out, pkgname.Name(c.lval))
		}
	})
	slices.Sort(out)
	return slices.Compact(out)
}

func (m Marker) walk(f func(*cond)) {
	if m.e != nil {
		m.e.walk(f)
	}
}

func (e *expr) walk(f func(*cond)) {
	for _, a := range e.atoms {
		if a.sub != nil {
			a.sub.walk(f)
		} else {
			f(a.c)
		}
	}
}

// canonicalizeExtra normalizes an extra (or dependency group) name the way
// the reference does (PEP 685): runs of "-", "_", "." become one "-", and
// the result is lower-cased.
func canonicalizeExtra(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.ToLower(pkgname.Normalize(s))
		}
	}
	return pkgname.Normalize(s)
}

// plan fixes how c is evaluated, as the reference does: the variable on
// the left is looked up (or, with a literal on the left, the one on the
// right) and compared with the other side taken as a string — a variable on
// the right stands for its own name there.
func (c *cond) plan() {
	switch {
	case c.lvar != varNone:
		c.key, c.keyLeft = c.lvar, true
		c.other = c.rval
		if c.rvar != varNone {
			c.other = c.rvar.String()
		}
	case c.rvar != varNone:
		c.key, c.other = c.rvar, c.lval
	default:
		// The reference looks the right-hand literal up as a variable name.
		c.key, c.other = variableByName(c.rval), c.lval
	}
	if c.key.setValued() && !c.keyLeft {
		c.other = canonicalizeExtra(c.other)
	}
	if c.key.versionLike() && c.op < numSpecOps {
		if c.keyLeft {
			c.spec, c.hasSpec = parseVersionSpec(c.op.String() + c.other)
		} else {
			c.otherVer, c.otherVerOK = parseEnvVersion(c.other)
		}
	}
}

// normalizeExtras applies the reference's parse-time normalization: a
// literal compared with "extra", or tested for membership in "extras" or
// "dependency_groups", is PEP 685-normalized.
func (c *cond) normalizeExtras() {
	switch {
	case c.lvar == varExtra && c.rvar == varNone:
		c.rval = canonicalizeExtra(c.rval)
	case c.rvar == varExtra && c.lvar == varNone:
		c.lval = canonicalizeExtra(c.lval)
	case c.rvar.setValued() && c.lvar == varNone:
		c.lval = canonicalizeExtra(c.lval)
	}
}
