package pep508

import (
	"slices"
	"strings"

	"ferry/internal/pkgname"
)

// Evaluate reports whether m holds in env. The empty marker holds
// everywhere. Comparisons follow the reference implementation:
//
//   - With python_version, python_full_version, implementation_version or
//     platform_release on the left, the comparison is a PEP 440 version
//     specifier test (prereleases admitted) when the operator and the right
//     side form a valid specifier; an environment value that is not a
//     version then matches nothing. A literal on the left is tested against
//     the specifier the operator and the environment value form.
//   - Otherwise values compare as strings: "in" / "not in" test for a
//     substring, "==" / "!=" for equality, "<=" and ">=" behave as "==",
//     "<" and ">" never hold.
//   - "extra" compares PEP 685-normalized names. "extras" and
//     "dependency_groups" (PEP 751) are sets, meaningful on the right of
//     "in" / "not in".
//   - A variable on the right of another variable stands for its own name,
//     as in the reference.
//
// Comparisons the specification leaves undefined (see EvaluateStrict)
// count as false.
func (m Marker) Evaluate(env Env) bool {
	if m.e == nil {
		return true
	}
	x := evaluator{d: env.d}
	x.extra = env.Extra()
	return x.expr(m.e)
}

// EvaluateStrict is Evaluate that reports an undefined comparison as an
// *UndefinedComparisonError instead of counting it false: "~=" or "==="
// between values that are not versions, a set-valued variable anywhere but
// on the right of "in" / "not in", or two literals. Like the reference it
// evaluates every comparison, so an undefined one is reported even where
// the result would not depend on it.
func (m Marker) EvaluateStrict(env Env) (bool, error) {
	if m.e == nil {
		return true, nil
	}
	x := evaluator{d: env.d, strict: true}
	x.extra = env.Extra()
	ok := x.expr(m.e)
	if x.err != nil {
		return false, x.err
	}
	return ok, nil
}

// EvaluateExtras reports whether m holds in env for a requirement read
// from a project's metadata when the given extras of that project are
// requested: with "extra" set to each of them in turn (any one suffices),
// or to "" when none is requested. env's own extra is ignored.
func (m Marker) EvaluateExtras(env Env, extras []pkgname.Name) bool {
	if m.e == nil {
		return true
	}
	x := evaluator{d: env.d}
	if len(extras) == 0 {
		return x.expr(m.e)
	}
	for _, name := range extras {
		x.extra = string(name)
		if x.expr(m.e) {
			return true
		}
	}
	return false
}

// evaluator walks a marker tree; d is nil for the zero Env.
type evaluator struct {
	d      *envData
	extra  string
	strict bool
	err    error
}

// expr evaluates "and" before "or", short-circuiting unless strict.
func (x *evaluator) expr(e *expr) bool {
	anyTrue, cur := false, true
	for i := range e.atoms {
		if i > 0 && e.ors[i-1] {
			if cur {
				if !x.strict {
					return true
				}
				anyTrue = true
			}
			cur = true
		}
		if !cur && !x.strict {
			continue
		}
		a := &e.atoms[i]
		var v bool
		if a.sub != nil {
			v = x.expr(a.sub)
		} else {
			v = x.cond(a.c)
		}
		cur = cur && v
	}
	return anyTrue || cur
}

func (x *evaluator) undefined(c *cond) bool {
	if x.strict && x.err == nil {
		var b strings.Builder
		c.write(&b)
		x.err = &UndefinedComparisonError{Expr: b.String()}
	}
	return false
}

func (x *evaluator) value(v variable) string {
	switch {
	case v == varExtra:
		return x.extra
	case x.d == nil:
		return ""
	}
	return x.d.vals[v]
}

func (x *evaluator) cond(c *cond) bool {
	key := c.key
	if key == varNone {
		return x.undefined(c)
	}
	if key.setValued() {
		if c.keyLeft {
			return x.undefined(c)
		}
		_, member := slices.BinarySearch(x.d.set(key), c.other)
		switch c.op {
		case opIn:
			return member
		case opNotIn:
			return !member
		case opNotEqual:
			return true
		case opCompatible, opArbitrary:
			return x.undefined(c)
		}
		return false
	}
	env := x.value(key)
	if key.versionLike() && c.op != opIn && c.op != opNotIn {
		if c.keyLeft {
			if c.hasSpec {
				if c.op == opArbitrary {
					return specMatchesString(c.spec, env)
				}
				return x.d != nil && x.d.verOK[key] && specMatches(c.spec, x.d.vers[key])
			}
		} else if x.d != nil {
			if e := &x.d.specs[versionSlot(key)][c.op]; e.ok {
				if c.op == opArbitrary {
					return specMatchesString(e.sp, c.other)
				}
				return c.otherVerOK && specMatches(e.sp, c.otherVer)
			}
		} else if c.op == opArbitrary {
			// The zero Env: "===" with an empty version is a valid
			// specifier, matching only the empty string.
			return c.other == ""
		}
	}
	lhs, rhs := env, c.other
	if !c.keyLeft {
		lhs, rhs = rhs, lhs
	}
	switch c.op {
	case opIn:
		return strings.Contains(rhs, lhs)
	case opNotIn:
		return !strings.Contains(rhs, lhs)
	case opEqual, opLessEqual, opGreaterEqual:
		return lhs == rhs
	case opNotEqual:
		return lhs != rhs
	case opLess, opGreater:
		return false
	}
	return x.undefined(c)
}
