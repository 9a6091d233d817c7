package pyproject

import (
	"errors"
	"io/fs"
)

// ClassifySetupPy reads a setup.py (nil for none) and reports whether it
// is trivial: it only imports setuptools and calls setup() once without
// arguments, so the configuration files describe the project completely.
// Allowed besides the call are comments, blank lines, string statements
// (a docstring), "from __future__ import ...", "import setuptools [as x]",
// "from setuptools import setup [as s], ..." and an
// `if __name__ == "__main__":` guard around the call. Everything else, and
// a file that does not parse, is SetupPyCustom.
func ClassifySetupPy(src []byte) SetupPyKind {
	if src == nil {
		return SetupPyAbsent
	}
	if isTrivialSetupPy(src) {
		return SetupPyTrivial
	}
	return SetupPyCustom
}

// SetupPyIn classifies the setup.py at the root of fsys.
func SetupPyIn(fsys fs.FS) (SetupPyKind, error) {
	src, err := fs.ReadFile(fsys, SetupPyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return SetupPyAbsent, nil
	}
	if err != nil {
		return SetupPyCustom, &Error{File: SetupPyFile, Msg: "reading: " + err.Error(), Err: err}
	}
	return ClassifySetupPy(src), nil
}

func isTrivialSetupPy(src []byte) bool {
	lines, err := tokenizePython(string(src))
	if err != nil {
		return false
	}
	modules := map[string]bool{} // names bound to the setuptools module
	setups := map[string]bool{}  // names bound to setuptools.setup
	calls := 0
	inGuard := false
	for _, l := range lines {
		if l.indent > 0 {
			if !inGuard {
				return false
			}
			for _, st := range l.statements() {
				if !isSetupCall(st, modules, setups) {
					return false
				}
				calls++
			}
			continue
		}
		inGuard = false
		for i, st := range l.statements() {
			switch {
			case isStringStatement(st):
			case isFutureImport(st):
			case bindSetuptoolsImport(st, modules, setups):
			case isSetupCall(st, modules, setups):
				calls++
			case i == 0 && isMainGuard(st):
				rest := st[guardLen:]
				if len(rest) == 0 {
					inGuard = true
					continue
				}
				if !isSetupCall(rest, modules, setups) {
					return false
				}
				calls++
			default:
				return false
			}
		}
	}
	return calls == 1
}

func isStringStatement(st []pyTok) bool {
	for _, t := range st {
		if t.kind != tkString {
			return false
		}
	}
	return len(st) > 0
}

func isFutureImport(st []pyTok) bool {
	return len(st) >= 4 && isName(st[0], "from") && isName(st[1], "__future__") && isName(st[2], "import")
}

func isName(t pyTok, s string) bool  { return t.kind == tkName && t.text == s }
func isOpTok(t pyTok, s string) bool { return t.kind == tkOp && t.text == s }

// bindSetuptoolsImport recognises "import setuptools [as x]" and
// "from setuptools import a [as b], ..." (optionally parenthesized),
// recording the names that refer to setuptools and to setuptools.setup.
func bindSetuptoolsImport(st []pyTok, modules, setups map[string]bool) bool {
	switch {
	case len(st) == 2 && isName(st[0], "import") && isName(st[1], "setuptools"):
		modules["setuptools"] = true
		return true
	case len(st) == 4 && isName(st[0], "import") && isName(st[1], "setuptools") && isName(st[2], "as") && st[3].kind == tkName:
		modules[st[3].text] = true
		return true
	case len(st) >= 4 && isName(st[0], "from") && isName(st[1], "setuptools") && isName(st[2], "import"):
		names := st[3:]
		if len(names) >= 2 && isOpTok(names[0], "(") && isOpTok(names[len(names)-1], ")") {
			names = names[1 : len(names)-1]
		}
		var bound []pyTok
		for len(names) > 0 {
			if names[0].kind != tkName {
				return false
			}
			orig, as := names[0].text, names[0].text
			names = names[1:]
			if len(names) >= 2 && isName(names[0], "as") && names[1].kind == tkName {
				as = names[1].text
				names = names[2:]
			}
			if orig == "setup" {
				bound = append(bound, pyTok{text: as})
			}
			if len(names) > 0 {
				if !isOpTok(names[0], ",") {
					return false
				}
				names = names[1:]
			}
		}
		for _, b := range bound {
			setups[b.text] = true
		}
		return true
	}
	return false
}

// isSetupCall recognises "setup()" and "setuptools.setup()" (through the
// bound names), with nothing between the parentheses.
func isSetupCall(st []pyTok, modules, setups map[string]bool) bool {
	switch {
	case len(st) == 3 && st[0].kind == tkName && setups[st[0].text] && isOpTok(st[1], "(") && isOpTok(st[2], ")"):
		return true
	case len(st) == 5 && st[0].kind == tkName && modules[st[0].text] && isOpTok(st[1], ".") &&
		isName(st[2], "setup") && isOpTok(st[3], "(") && isOpTok(st[4], ")"):
		return true
	}
	return false
}

// guardLen is the number of tokens of `if __name__ == "__main__" :`.
const guardLen = 5

func isMainGuard(st []pyTok) bool {
	if len(st) < guardLen || !isName(st[0], "if") || !isOpTok(st[2], "==") || !isOpTok(st[4], ":") {
		return false
	}
	isMain := func(t pyTok) bool {
		if t.kind != tkString {
			return false
		}
		s, k, err := decodePyString(t.text)
		return err == nil && k == 's' && s == "__main__"
	}
	return isName(st[1], "__name__") && isMain(st[3]) || isMain(st[1]) && isName(st[3], "__name__")
}
