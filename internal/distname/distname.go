// Package distname parses and formats the file names of Python
// distributions:
//
//   - wheels, "{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl"
//     (PEP 427 and the binary distribution format specification,
//     https://packaging.python.org/en/latest/specifications/binary-distribution-format/);
//   - source distributions, "{name}-{version}.tar.gz" (PEP 625 and the
//     source distribution format specification), and the older archive
//     forms pip still accepts (.zip, .tar.bz2, .tgz, .tar.xz, .tar, ...).
//
// Parsing validates like packaging's parse_wheel_filename and
// parse_sdist_filename: the project name is normalized (PEP 503), the
// version must be a PEP 440 version, a build tag must start with a digit,
// the tag set must be valid (package tags). WheelName and SdistName hold
// typed values; String returns the one canonical file name (escaped
// normalized name, normalized version, sorted compressed tag set, .tar.gz
// for sdists), and parsing that name gives back an equal value.
package distname

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/tags"
)

// InvalidError reports a file name that is not a valid wheel or sdist name.
type InvalidError struct {
	Kind     string // "wheel" or "sdist"
	Filename string
	Reason   string
}

// Error implements the error interface.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("invalid %s filename %q: %s", e.Kind, e.Filename, e.Reason)
}

// Build is a wheel's build tag: the leading number and the rest ("1000abc"
// is 1000 and "abc"). Wheels without a build tag have the zero Build
// (Present false). Builds compare as packaging's tuples do: no build tag
// sorts first, then by number, then by the rest.
type Build struct {
	Present bool
	Number  int
	Tag     string
}

// String returns the build tag as written in file names, "" when absent.
func (b Build) String() string {
	if !b.Present {
		return ""
	}
	return strconv.Itoa(b.Number) + b.Tag
}

// Compare returns -1, 0 or +1 as b sorts before, equal to or after o.
func (b Build) Compare(o Build) int {
	switch {
	case b.Present != o.Present:
		if b.Present {
			return 1
		}
		return -1
	case b.Number != o.Number:
		if b.Number < o.Number {
			return -1
		}
		return 1
	default:
		return strings.Compare(b.Tag, o.Tag)
	}
}

// ParseBuild parses a build tag: ASCII digits, then anything.
func ParseBuild(s string) (Build, error) {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return Build{}, fmt.Errorf("build tag %q does not start with a digit", s)
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		return Build{}, fmt.Errorf("build number in %q is too large", s)
	}
	return Build{Present: true, Number: n, Tag: s[i:]}, nil
}

// WheelName is a parsed wheel file name.
type WheelName struct {
	Name    pkgname.Name
	Version pep440.Version
	Build   Build
	// Tags are the expanded tag set, sorted and without duplicates.
	Tags []tags.Tag
}

// ParseWheel parses a wheel file name (without directories).
func ParseWheel(filename string) (WheelName, error) {
	bad := func(format string, args ...any) (WheelName, error) {
		return WheelName{}, &InvalidError{"wheel", filename, fmt.Sprintf(format, args...)}
	}
	stem, ok := strings.CutSuffix(filename, ".whl")
	if !ok {
		return bad("extension must be .whl")
	}
	parts := strings.Split(stem, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return bad("want 5 or 6 parts separated by \"-\", have %d", len(parts))
	}
	name, err := wheelProjectName(parts[0])
	if err != nil {
		return bad("%v", err)
	}
	version, err := pep440.Parse(parts[1])
	if err != nil || parts[1] != strings.TrimSpace(parts[1]) {
		return bad("invalid version %q", parts[1])
	}
	w := WheelName{Name: name, Version: version}
	if len(parts) == 6 {
		if w.Build, err = ParseBuild(parts[2]); err != nil {
			return bad("invalid build number: %v", err)
		}
	}
	n := len(parts)
	if w.Tags, err = tags.ParseTagSet(strings.Join(parts[n-3:], "-")); err != nil {
		return bad("%v", err)
	}
	return w, nil
}

// wheelProjectName checks and normalizes the escaped name of a wheel file
// name: letters (any script, as packaging's \w), digits, "_" and ".",
// starting and ending with a letter or digit, without "__" (an escaped
// name never has two separators in a row).
func wheelProjectName(s string) (pkgname.Name, error) {
	if s == "" {
		return "", fmt.Errorf("empty project name")
	}
	if strings.Contains(s, "__") {
		return "", fmt.Errorf("invalid project name %q: \"__\"", s)
	}
	for i, r := range s {
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		if !alnum && r != '_' && r != '.' {
			return "", fmt.Errorf("invalid project name %q: character %q", s, r)
		}
		if !alnum && (i == 0 || i == len(s)-1) {
			return "", fmt.Errorf("invalid project name %q: must start and end with a letter or digit", s)
		}
	}
	return pkgname.Name(pkgname.Normalize(strings.ToLower(s))), nil
}

// String returns the canonical wheel file name: the name escaped as in
// .dist-info directories, the normalized version, the build tag, and the
// compressed tag set with each part's values sorted.
func (w WheelName) String() string {
	var b strings.Builder
	b.WriteString(w.Name.DistInfoName())
	b.WriteByte('-')
	b.WriteString(w.Version.String())
	if w.Build.Present {
		b.WriteByte('-')
		b.WriteString(w.Build.String())
	}
	b.WriteByte('-')
	b.WriteString(tags.FormatTagSet(w.Tags))
	b.WriteString(".whl")
	return b.String()
}

// sdistExts are the archive suffixes pip accepts for source
// distributions, longest first so that ".tar.gz" wins over ".gz"-like
// shorter matches.
var sdistExts = [...]string{".tar.lzma", ".tar.bz2", ".tar.gz", ".tar.xz", ".tar.lz", ".tar", ".tbz", ".tgz", ".tlz", ".txz", ".zip"}

// SdistExt returns the archive suffix of an sdist file name, lower-cased
// (".tar.gz", ".zip", ...), and false when it has none pip accepts.
func SdistExt(filename string) (string, bool) {
	for _, ext := range sdistExts {
		if len(filename) > len(ext) && strings.EqualFold(filename[len(filename)-len(ext):], ext) {
			return ext, true
		}
	}
	return "", false
}

// SdistName is a parsed sdist file name. It is comparable.
type SdistName struct {
	Name    pkgname.Name
	Version pep440.Version
}

// String returns the PEP 625 file name: "{name}-{version}.tar.gz" with the
// name normalized and "-" written as "_".
func (s SdistName) String() string {
	return s.Name.DistInfoName() + "-" + s.Version.String() + ".tar.gz"
}

// ParseSdist parses an sdist file name in the standard form: the name is
// everything before the last "-" and must be a valid project name, the
// rest before the archive suffix (any that SdistExt knows) must be a PEP
// 440 version. Legacy names whose version itself contains "-"
// ("foo-1.0-1.tar.gz") need ParseSdistFor.
func ParseSdist(filename string) (SdistName, error) {
	bad := func(format string, args ...any) (SdistName, error) {
		return SdistName{}, &InvalidError{"sdist", filename, fmt.Sprintf(format, args...)}
	}
	ext, ok := SdistExt(filename)
	if !ok {
		return bad("extension must be .tar.gz, .zip or another archive pip accepts")
	}
	stem := filename[:len(filename)-len(ext)]
	i := strings.LastIndexByte(stem, '-')
	if i < 0 {
		return bad("no \"-\" between name and version")
	}
	name, err := pkgname.Parse(stem[:i])
	if err != nil {
		return bad("%v", err)
	}
	version, err := pep440.Parse(stem[i+1:])
	if err != nil || stem[i+1:] != strings.TrimSpace(stem[i+1:]) {
		return bad("invalid version %q", stem[i+1:])
	}
	return SdistName{name, version}, nil
}

// ParseSdistFor parses an sdist file name whose project is known, as pip
// does for links found on a page (find-links, simple index): the name is
// the shortest prefix ending before a "-" that normalizes to name and is
// followed by a valid version. This accepts legacy names such as
// "Foo_Bar-1.0-1.tar.gz" (version 1.0.post1) that ParseSdist splits
// differently.
func ParseSdistFor(filename string, name pkgname.Name) (SdistName, error) {
	bad := func(format string, args ...any) (SdistName, error) {
		return SdistName{}, &InvalidError{"sdist", filename, fmt.Sprintf(format, args...)}
	}
	ext, ok := SdistExt(filename)
	if !ok {
		return bad("extension must be .tar.gz, .zip or another archive pip accepts")
	}
	stem := filename[:len(filename)-len(ext)]
	found := false
	for i := 0; i < len(stem); i++ {
		if stem[i] != '-' || pkgname.Normalize(stem[:i]) != string(name) {
			continue
		}
		found = true
		rest := stem[i+1:]
		if v, err := pep440.Parse(rest); err == nil && rest == strings.TrimSpace(rest) {
			return SdistName{name, v}, nil
		}
	}
	if found {
		return bad("no valid version after the project name %s", name)
	}
	return bad("does not start with project name %s followed by \"-\"", name)
}
