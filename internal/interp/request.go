package interp

import (
	"fmt"
	"strconv"
	"strings"
)

// RequestKind says what a Request names.
type RequestKind uint8

// The kinds of request.
const (
	// AnyPython asks for the first python3 or python on PATH.
	AnyPython RequestKind = iota
	// VersionRequest asks for a version, optionally of one implementation.
	VersionRequest
	// PathRequest names an executable or a virtual environment directory.
	PathRequest
	// NameRequest names an executable to look up on PATH ("pypy3").
	NameRequest
)

// knownImplementations are the implementation names a version request may
// carry, as sys.implementation.name spells them.
func knownImplementation(s string) bool {
	switch s {
	case "cpython", "pypy", "graalpy":
		return true
	}
	return false
}

// Request is a parsed interpreter request. It is comparable; String gives
// its canonical form, which ParseRequest maps back to the same Request.
type Request struct {
	Kind RequestKind
	// Implementation restricts a VersionRequest to one implementation
	// ("cpython", "pypy", "graalpy"); "" accepts any.
	Implementation string
	// Parts holds the requested version's components; NParts (1 to 3) says
	// how many were given: 3 → "3", 3.12 → "3.12", 3.12.1 → "3.12.1".
	Parts  [3]int
	NParts int
	// Path is the PathRequest's path, as given.
	Path string
	// Name is the NameRequest's executable name.
	Name string
}

// ParseRequest parses an interpreter request:
//
//	""                        the first python3 or python on PATH
//	"3", "3.12", "3.12.1"     a version
//	"python3.12", "python3"   the same, spelled as an executable
//	"cpython@3.12", "pypy3.10", "cpython3.12"  a version of one implementation
//	"/usr/bin/python3", "./.venv", "~/envs/x"  a path (anything with a slash,
//	                          or starting with "." or "~")
//	"pypy3", "python3.12-dbg" any other executable name, looked up on PATH
func ParseRequest(s string) (Request, error) {
	if s == "" {
		return Request{}, nil
	}
	if strings.ContainsAny(s, "/\\") || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "~") {
		return Request{Kind: PathRequest, Path: s}, nil
	}
	if strings.ContainsAny(s, "\x00\t\n\r ") {
		return Request{}, fmt.Errorf("invalid interpreter request %q", s)
	}
	lower := strings.ToLower(s)
	impl, ver := "", lower
	if i := strings.IndexByte(lower, '@'); i >= 0 {
		impl, ver = lower[:i], lower[i+1:]
		if !knownImplementation(impl) && impl != "python" {
			return Request{}, fmt.Errorf("invalid interpreter request %q: unknown implementation %q", s, impl)
		}
		if ver == "" {
			if impl == "python" {
				return Request{}, nil
			}
			return Request{Kind: VersionRequest, Implementation: impl}, nil
		}
	} else {
		for _, p := range []string{"cpython", "pypy", "graalpy", "python"} {
			if strings.HasPrefix(lower, p) {
				impl, ver = p, lower[len(p):]
				break
			}
		}
		if impl != "" && ver == "" {
			if impl == "python" {
				// "python" alone: any interpreter.
				return Request{}, nil
			}
			return Request{Kind: VersionRequest, Implementation: impl}, nil
		}
	}
	if impl == "python" {
		impl = ""
	}
	parts, n, ok := parseVersionPrefix(ver)
	if !ok {
		if lower[0] >= '0' && lower[0] <= '9' || strings.Contains(lower, "@") {
			return Request{}, fmt.Errorf("invalid interpreter request %q: not a version", s)
		}
		for _, r := range s {
			if !(r == '.' || r == '_' || r == '-' || r == '+' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return Request{}, fmt.Errorf("invalid interpreter request %q", s)
			}
		}
		return Request{Kind: NameRequest, Name: s}, nil
	}
	return Request{Kind: VersionRequest, Implementation: impl, Parts: parts, NParts: n}, nil
}

// parseVersionPrefix parses "3", "3.12" or "3.12.1".
func parseVersionPrefix(s string) (parts [3]int, n int, ok bool) {
	fields := strings.Split(s, ".")
	if len(fields) > 3 {
		return parts, 0, false
	}
	for i, f := range fields {
		if f == "" || len(f) > 4 {
			return parts, 0, false
		}
		v, err := strconv.Atoi(f)
		if err != nil || v < 0 || strconv.Itoa(v) != f {
			return parts, 0, false
		}
		parts[i] = v
	}
	return parts, len(fields), true
}

// String returns the request's canonical form.
func (r Request) String() string {
	switch r.Kind {
	case VersionRequest:
		v := r.VersionString()
		if r.Implementation == "" {
			return v
		}
		if v == "" {
			return r.Implementation
		}
		return r.Implementation + "@" + v
	case PathRequest:
		return r.Path
	case NameRequest:
		return r.Name
	}
	return ""
}

// VersionString returns the requested version ("3.12"), "" if none.
func (r Request) VersionString() string {
	s := make([]string, r.NParts)
	for i := range r.NParts {
		s[i] = strconv.Itoa(r.Parts[i])
	}
	return strings.Join(s, ".")
}

// Matches reports whether an interpreter satisfies a VersionRequest (every
// interpreter satisfies the other kinds).
func (r Request) Matches(i *Info) bool {
	if r.Kind != VersionRequest {
		return true
	}
	if r.Implementation != "" && r.Implementation != i.Implementation.Name {
		return false
	}
	have := [3]int{i.Version.Major, i.Version.Minor, i.Version.Micro}
	for k := range r.NParts {
		if have[k] != r.Parts[k] {
			return false
		}
	}
	return true
}

// matchesName reports whether a version-like string ("3.12.1", the name
// of a pyenv version directory) can satisfy r's version.
func (r Request) matchesVersionString(v string) bool {
	fields := strings.Split(v, ".")
	for k := range r.NParts {
		if k >= len(fields) || fields[k] != strconv.Itoa(r.Parts[k]) {
			return false
		}
	}
	return true
}
