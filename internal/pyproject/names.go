package pyproject

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isIdentifier approximates Python's str.isidentifier: a letter, '_' or
// letter-number first, then letters, digits, marks, connector punctuation.
// (Python also applies NFKC and Other_ID_Start/Continue; the difference
// is a handful of exotic code points.)
func isIdentifier(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for i, c := range s {
		start := c == '_' || unicode.IsLetter(c) || unicode.Is(unicode.Nl, c)
		if i == 0 {
			if !start {
				return false
			}
			continue
		}
		if !start && !unicode.Is(unicode.Mn, c) && !unicode.Is(unicode.Mc, c) &&
			!unicode.Is(unicode.Nd, c) && !unicode.Is(unicode.Pc, c) {
			return false
		}
	}
	return true
}

// isKeyword reports whether s is a Python keyword (which cannot name a
// module).
func isKeyword(s string) bool {
	switch s {
	case "False", "None", "True", "and", "as", "assert", "async", "await",
		"break", "class", "continue", "def", "del", "elif", "else", "except",
		"finally", "for", "from", "global", "if", "import", "in", "is",
		"lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
		"while", "with", "yield":
		return true
	}
	return false
}

// isDottedIdentifier reports whether s is a dotted module name made of
// identifiers that are not keywords; with stubs, the first part may end in
// "-stubs" (PEP 561 stub-only packages).
func isDottedIdentifier(s string, stubs bool) bool {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		if i == 0 && stubs && strings.HasSuffix(p, "-stubs") {
			p = strings.TrimSuffix(p, "-stubs")
		}
		if !isIdentifier(p) || isKeyword(p) {
			return false
		}
	}
	return true
}

// isWordRune is Python's \w for str patterns.
func isWordRune(c rune) bool {
	return c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.IsNumber(c)
}

// isDottedWords matches \w+(\.\w+)*.
func isDottedWords(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for _, c := range part {
			if !isWordRune(c) {
				return false
			}
		}
	}
	return true
}

// validGroupName reports whether g is an entry point group name as the
// entry points specification recommends (a dotted name of \w runs).
func validGroupName(g string) bool { return isDottedWords(g) }

// ParseEntryPoint validates an entry point as the entry points
// specification (https://packaging.python.org/en/latest/specifications/entry-points/)
// defines it: a name without '=' that neither starts nor ends with white
// space nor starts with '[', and an object reference
// "module[:qualname] [extras]" where module and qualname are dotted
// names.
func ParseEntryPoint(name, value string) (EntryPoint, error) {
	if name == "" {
		return EntryPoint{}, errors.New("entry point name is empty")
	}
	first, _ := utf8.DecodeRuneInString(name)
	last, _ := utf8.DecodeLastRuneInString(name)
	if strings.Contains(name, "=") || unicode.IsSpace(first) || unicode.IsSpace(last) || first == '[' {
		return EntryPoint{}, fmt.Errorf("%q is not a valid entry point name", name)
	}
	ep := EntryPoint{Name: name}
	v := strings.TrimSpace(value)
	if i := strings.IndexByte(v, '['); i >= 0 {
		ex := strings.TrimSpace(v[i:])
		if !strings.HasSuffix(ex, "]") {
			return EntryPoint{}, fmt.Errorf("invalid object reference %q: unclosed extras", value)
		}
		for _, e := range strings.Split(ex[1:len(ex)-1], ",") {
			e = strings.TrimSpace(e)
			if e == "" {
				continue
			}
			if !isDottedWords(strings.ReplaceAll(e, "-", "_")) {
				return EntryPoint{}, fmt.Errorf("invalid object reference %q: bad extra %q", value, e)
			}
			ep.Extras = append(ep.Extras, e)
		}
		v = strings.TrimSpace(v[:i])
	}
	mod, obj, hasObj := strings.Cut(v, ":")
	mod, obj = strings.TrimSpace(mod), strings.TrimSpace(obj)
	if !isDottedWords(mod) || (hasObj && !isDottedWords(obj)) {
		return EntryPoint{}, fmt.Errorf("invalid object reference %q: want module or module:object", value)
	}
	ep.Module, ep.Object = mod, obj
	ep.Value = mod
	if hasObj {
		ep.Value += ":" + obj
	}
	if len(ep.Extras) > 0 {
		ep.Value += " [" + strings.Join(ep.Extras, ",") + "]"
	}
	return ep, nil
}

// ErrOutsideProject is wrapped by errors about paths that leave the
// project directory (absolute, or climbing out with "..").
var ErrOutsideProject = errors.New("outside the project")

// cleanRel cleans a '/'-separated path relative to the project root. It
// rejects absolute paths (including Windows drive paths) and paths that
// climb out of the project. The root itself is ".".
func cleanRel(p string) (string, error) {
	q := strings.ReplaceAll(p, "\\", "/")
	if strings.HasPrefix(q, "/") || (len(q) >= 2 && q[1] == ':' && (q[0]|0x20) >= 'a' && (q[0]|0x20) <= 'z') {
		return "", fmt.Errorf("%q is an absolute path: %w", p, ErrOutsideProject)
	}
	c := path.Clean(q)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("%q is %w", p, ErrOutsideProject)
	}
	return c, nil
}

func checkRelPath(p string) error {
	if p == "" {
		return errors.New("the path is empty")
	}
	_, err := cleanRel(p)
	return err
}

// joinRel joins '/'-separated project-relative parts and cleans the result.
func joinRel(parts ...string) string {
	c := path.Join(parts...)
	if c == "" {
		return "."
	}
	return c
}
