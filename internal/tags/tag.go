package tags

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Tag is one compatibility tag: an interpreter, an ABI and a platform, all
// lower case. It is comparable and usable as a map key.
type Tag struct {
	Interpreter string
	ABI         string
	Platform    string
}

// NewTag returns the Tag with the three parts lower-cased, as packaging's Tag
// constructor does. It does not validate them; ParseTag does.
func NewTag(interpreter, abi, platform string) Tag {
	return Tag{strings.ToLower(interpreter), strings.ToLower(abi), strings.ToLower(platform)}
}

// String returns the tag as "interpreter-abi-platform", e.g. "py3-none-any".
func (t Tag) String() string {
	return t.Interpreter + "-" + t.ABI + "-" + t.Platform
}

// MaxTagSet is the largest number of tags a compressed tag set may expand
// to. Real wheels carry a handful; the limit keeps hostile file names from
// costing memory.
const MaxTagSet = 4096

// ErrInvalidTag is matched (errors.Is) by every error ParseTag and
// ParseTagSet return.
var ErrInvalidTag = errors.New("invalid tag")

// InvalidError describes why a tag (set) could not be parsed.
type InvalidError struct {
	Input  string
	Reason string
}

// Error implements the error interface.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("invalid tag %q: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalidTag) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalidTag }

// ParseTag parses a single tag "interpreter-abi-platform" (no compressed
// components) and lower-cases it.
func ParseTag(s string) (Tag, error) {
	set, err := ParseTagSet(s)
	if err != nil {
		return Tag{}, err
	}
	if len(set) != 1 || strings.Contains(s, ".") {
		return Tag{}, &InvalidError{s, "a compressed tag set where one tag was expected"}
	}
	return set[0], nil
}

// ParseTagSet parses a possibly compressed tag set such as
// "py2.py3-none-any" (PEP 425: each of the three parts may list several
// values separated by ".") and returns every combination, lower-cased,
// sorted and without duplicates.
//
// The parts are checked more strictly than packaging does: each component
// must be non-empty ASCII letters, digits and "_", and an interpreter
// component must not start with a digit (packaging 26.3 requires it to be
// a Python identifier, so "2.7.6-none-any" is not three tags).
func ParseTagSet(s string) ([]Tag, error) {
	parts := strings.Split(strings.ToLower(s), "-")
	if len(parts) != 3 {
		return nil, &InvalidError{s, fmt.Sprintf("want 3 parts separated by \"-\", have %d", len(parts))}
	}
	var comps [3][]string
	n := 1
	for i, p := range parts {
		c := strings.Split(p, ".")
		for _, v := range c {
			if err := checkComponent(v, i == 0); err != "" {
				return nil, &InvalidError{s, fmt.Sprintf("%s component %q %s", partNames[i], v, err)}
			}
		}
		slices.Sort(c)
		c = slices.Compact(c)
		comps[i] = c
		n *= len(c)
		if n > MaxTagSet {
			return nil, &InvalidError{s, fmt.Sprintf("expands to more than %d tags", MaxTagSet)}
		}
	}
	out := make([]Tag, 0, n)
	for _, in := range comps[0] {
		for _, abi := range comps[1] {
			for _, pl := range comps[2] {
				out = append(out, Tag{in, abi, pl})
			}
		}
	}
	return out, nil
}

var partNames = [3]string{"interpreter", "abi", "platform"}

func checkComponent(v string, interpreter bool) string {
	if v == "" {
		return "is empty"
	}
	if interpreter && '0' <= v[0] && v[0] <= '9' {
		return "starts with a digit"
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '_') {
			return fmt.Sprintf("contains %q", rune(c))
		}
	}
	return ""
}

// FormatTagSet returns the compressed form of tags: for each of the three
// parts, the sorted distinct values joined by ".", the parts joined by "-"
// (what bdist_wheel and packaging write into wheel file names). It denotes
// exactly tags only when tags are every combination of those values, which
// is always the case for the result of ParseTagSet; IsTagProduct says so.
// It returns "" for an empty slice.
func FormatTagSet(tags []Tag) string {
	if len(tags) == 0 {
		return ""
	}
	comps := tagComponents(tags)
	return strings.Join(comps[0], ".") + "-" + strings.Join(comps[1], ".") + "-" + strings.Join(comps[2], ".")
}

// IsTagProduct reports whether tags (ignoring order and duplicates) are
// exactly every combination of their distinct interpreters, ABIs and
// platforms, so that FormatTagSet loses nothing.
func IsTagProduct(tags []Tag) bool {
	if len(tags) == 0 {
		return false
	}
	comps := tagComponents(tags)
	seen := make(map[Tag]bool, len(tags))
	for _, t := range tags {
		seen[t] = true
	}
	return len(seen) == len(comps[0])*len(comps[1])*len(comps[2])
}

func tagComponents(tags []Tag) [3][]string {
	var comps [3][]string
	for _, t := range tags {
		comps[0] = append(comps[0], t.Interpreter)
		comps[1] = append(comps[1], t.ABI)
		comps[2] = append(comps[2], t.Platform)
	}
	for i := range comps {
		slices.Sort(comps[i])
		comps[i] = slices.Compact(comps[i])
	}
	return comps
}
