// Package pep508 implements dependency specifiers and environment markers:
// PEP 508 (https://peps.python.org/pep-0508/, now the "Dependency
// specifiers" specification of the Python Packaging User Guide), with the
// PEP 685 normalization of extra names and the PEP 751 set-valued marker
// variables "extras" and "dependency_groups".
//
// Parse reads a requirement such as
//
//	requests[security,socks] >=2.8.1, ==2.8.* ; python_version < "2.7"
//	pip @ https://github.com/pypa/pip/archive/1.3.1.zip ; extra == "dev"
//
// into a Requirement; ParseMarker reads the marker after ";" into a Marker,
// which Evaluate tests against an Env.
//
// The grammar, the accepted input and the error texts follow the reference
// implementation, pypa/packaging 26 (its conformance vectors pass in
// full): the legacy PEP 345 variable spellings (os.name, sys.platform,
// platform.version, platform.machine, platform.python_implementation,
// python_implementation) are accepted and printed under their PEP 508
// names; marker literals are Python string literals (escapes are decoded;
// \N{...} is not supported); a URL runs to the next blank, so ";" must be
// preceded by whitespace after it.
//
// Invariants:
//   - Marker is an immutable tree; the zero Marker is the empty marker,
//     which is always true. Markers are equal (Equal) exactly when their
//     canonical String forms are equal.
//   - String forms are canonical and parse back to an equal value: for
//     Requirement the reference's str(), for Marker the reference's str()
//     except that a literal the reference would print so that it reads
//     back differently (a backslash before an escape letter, a line break,
//     both quote characters) is written with escapes.
//   - Every parse error is a *ParseError carrying the input and the span;
//     its text is the reference's message with the input and a caret line.
//   - Evaluate never fails: comparisons the specification leaves undefined
//     count as false (EvaluateStrict reports them). Evaluating does not
//     allocate: specifiers are parsed with the marker and environment
//     versions when the Env is made.
//
// The package is pure: no I/O, no package state.
package pep508
