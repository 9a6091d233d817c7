// Package pkgname implements project-name normalization as specified by
// PEP 503 (names are compared after lower-casing and collapsing runs of
// "-", "_" and "." to a single "-") and PEP 685 (extra names are normalized
// the same way). It also validates names against the core metadata rule
// (ASCII letters and digits, with ".", "_" and "-" only between them).
//
// Name is the identity of a project everywhere in ferry: a comparable value
// that is always in normalized form, usable as a map key.
package pkgname

import (
	"fmt"
	"strings"
)

// Name is a normalized project (or extra) name. The zero value is not valid.
type Name string

// String returns the normalized form.
func (n Name) String() string { return string(n) }

// InvalidError reports a string that is not a valid project name.
type InvalidError struct {
	Input  string
	Reason string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("invalid project name %q: %s", e.Input, e.Reason)
}

// Parse validates s as a project name and returns it normalized.
func Parse(s string) (Name, error) {
	if err := Validate(s); err != nil {
		return "", err
	}
	return Name(Normalize(s)), nil
}

// MustParse is Parse for names known valid at compile time (tests, tables).
// It panics on an invalid name.
func MustParse(s string) Name {
	n, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return n
}

// Validate reports whether s is a valid name: it starts and ends with an
// ASCII letter or digit, and contains only those and ".", "_", "-".
func Validate(s string) error {
	if s == "" {
		return &InvalidError{s, "empty"}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnum(c):
		case c == '.' || c == '_' || c == '-':
			if i == 0 || i == len(s)-1 {
				return &InvalidError{s, fmt.Sprintf("must start and end with a letter or digit")}
			}
		default:
			return &InvalidError{s, fmt.Sprintf("character %q at offset %d is not allowed", rune(c), i)}
		}
	}
	return nil
}

// Normalize lower-cases s and replaces each run of "-", "_" and "." with a
// single "-", without validating it (packaging's canonicalize_name).
func Normalize(s string) string {
	if isNormalized(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// IsNormalized reports whether s is a valid name already in normalized form.
func IsNormalized(s string) bool {
	return Validate(s) == nil && isNormalized(s)
}

func isNormalized(s string) bool {
	prevSep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == '.' || ('A' <= c && c <= 'Z'):
			return false
		case c == '-':
			if prevSep {
				return false
			}
			prevSep = true
		default:
			prevSep = false
		}
	}
	return true
}

// DistInfoName returns the escaped form used in wheel and sdist file names and
// in .dist-info directory names (PEP 427 as amended by the binary
// distribution format specification): normalized, with "-" replaced by "_".
func (n Name) DistInfoName() string {
	return strings.ReplaceAll(string(n), "-", "_")
}

func isAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}
