package distinfo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"ferry/internal/tags"
)

// Header is one "Name: value" line of an email-header file that the
// parser has no field for, kept so that writing loses nothing.
type Header struct {
	Name, Value string
}

// Wheel is the content of a wheel's WHEEL file.
type Wheel struct {
	// WheelVersion is the version of the wheel format, "1.0".
	WheelVersion string
	// Generator names the tool that built the wheel.
	Generator string
	// RootIsPurelib is true when the wheel's root goes to purelib.
	RootIsPurelib bool
	// Tags are the wheel's tags, one per Tag line, in file order (a
	// compressed Tag value counts as its expansion).
	Tags []tags.Tag
	// Build is the build tag, "" when the wheel has none.
	Build string
	// Other are the remaining headers, in file order.
	Other []Header
}

// header names in WHEEL, in the order WriteWheel writes them.
const (
	hWheelVersion  = "Wheel-Version"
	hGenerator     = "Generator"
	hRootIsPurelib = "Root-Is-Purelib"
	hBuild         = "Build"
	hTag           = "Tag"
)

// ParseWheel reads a WHEEL file. Header names are case-insensitive, values
// are trimmed, continuation lines are joined with a space, and anything
// after the first blank line is ignored (pip reads it with the email
// parser). Wheel-Version is required; Root-Is-Purelib is true only when it
// says "true" (any case).
func ParseWheel(r io.Reader) (Wheel, error) {
	hs, err := readHeaders(r, WheelFile)
	if err != nil {
		return Wheel{}, err
	}
	var w Wheel
	seen := map[string]bool{}
	for _, h := range hs {
		key := canonicalWheelHeader(h.Name)
		if key != hTag && key != "" {
			if seen[key] {
				return Wheel{}, fmt.Errorf("%s: line %d: duplicate %s header", WheelFile, h.line, key)
			}
			seen[key] = true
		}
		switch key {
		case hWheelVersion:
			w.WheelVersion = h.Value
		case hGenerator:
			w.Generator = h.Value
		case hRootIsPurelib:
			w.RootIsPurelib = strings.EqualFold(h.Value, "true")
		case hBuild:
			w.Build = h.Value
		case hTag:
			ts, err := tags.ParseTagSet(h.Value)
			if err != nil {
				return Wheel{}, fmt.Errorf("%s: line %d: %w", WheelFile, h.line, err)
			}
			w.Tags = append(w.Tags, ts...)
		default:
			w.Other = append(w.Other, h.Header)
		}
	}
	if w.WheelVersion == "" {
		return Wheel{}, fmt.Errorf("%s: missing %s", WheelFile, hWheelVersion)
	}
	return w, nil
}

func canonicalWheelHeader(name string) string {
	for _, k := range []string{hWheelVersion, hGenerator, hRootIsPurelib, hBuild, hTag} {
		if strings.EqualFold(name, k) {
			return k
		}
	}
	return ""
}

// WriteWheel writes w in the layout bdist_wheel uses: Wheel-Version,
// Generator, Root-Is-Purelib, Build (when set), one Tag line per tag, the
// other headers, and a blank line.
func WriteWheel(out io.Writer, w Wheel) error {
	var b bytes.Buffer
	put := func(name, value string) error {
		if err := checkHeader(name, value); err != nil {
			return fmt.Errorf("writing %s: %w", WheelFile, err)
		}
		b.WriteString(name + ": " + value + "\n")
		return nil
	}
	if w.WheelVersion == "" {
		return fmt.Errorf("writing %s: no %s", WheelFile, hWheelVersion)
	}
	if err := put(hWheelVersion, w.WheelVersion); err != nil {
		return err
	}
	if w.Generator != "" {
		if err := put(hGenerator, w.Generator); err != nil {
			return err
		}
	}
	if err := put(hRootIsPurelib, strconv.FormatBool(w.RootIsPurelib)); err != nil {
		return err
	}
	if w.Build != "" {
		if err := put(hBuild, w.Build); err != nil {
			return err
		}
	}
	for _, t := range w.Tags {
		if p, err := tags.ParseTag(t.String()); err != nil || p != t {
			return fmt.Errorf("writing %s: tag %q is not a valid lower-case tag", WheelFile, t)
		}
		if err := put(hTag, t.String()); err != nil {
			return err
		}
	}
	for _, h := range w.Other {
		if canonicalWheelHeader(h.Name) != "" {
			return fmt.Errorf("writing %s: %s belongs in its own field, not in Other", WheelFile, h.Name)
		}
		if err := put(h.Name, h.Value); err != nil {
			return err
		}
	}
	b.WriteString("\n")
	if _, err := out.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing %s: %w", WheelFile, err)
	}
	return nil
}

// checkHeader refuses a header that would not read back as itself.
func checkHeader(name, value string) error {
	if name == "" {
		return errors.New("empty header name")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c > '~' || c == ':' {
			return fmt.Errorf("header name %q: character %q not allowed", name, c)
		}
	}
	if strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("%s: value %q spans lines", name, value)
	}
	if strings.TrimSpace(value) != value {
		return fmt.Errorf("%s: value %q has surrounding white space", name, value)
	}
	return nil
}

// UnsupportedVersionError reports a Wheel-Version whose major version this
// installer does not know.
type UnsupportedVersionError struct {
	Version string
}

// Error implements the error interface.
func (e *UnsupportedVersionError) Error() string {
	return fmt.Sprintf("Wheel-Version %s is not supported (this installer reads 1.x)", e.Version)
}

// CheckVersion checks w's Wheel-Version the way pip does: a major version
// above 1 is refused with an *UnsupportedVersionError, a version newer
// than 1.0 is accepted with a warning to show the user, and a value that
// is not dot-separated numbers is an error.
func (w Wheel) CheckVersion() (warning string, err error) {
	parts := strings.Split(w.WheelVersion, ".")
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p[0] == '+' {
			return "", fmt.Errorf("invalid Wheel-Version %q", w.WheelVersion)
		}
		nums[i] = n
	}
	if nums[0] > 1 {
		return "", &UnsupportedVersionError{w.WheelVersion}
	}
	if nums[0] == 1 {
		for _, n := range nums[1:] {
			if n > 0 {
				return fmt.Sprintf("installing from a newer Wheel-Version (%s)", w.WheelVersion), nil
			}
		}
	}
	return "", nil
}

type lineHeader struct {
	Header
	line int
}

// readHeaders reads an email-header block up to the first blank line.
// Names are kept as written; values are trimmed and continuation lines
// joined with a space.
func readHeaders(r io.Reader, file string) ([]lineHeader, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	var hs []lineHeader
	for n, line := range splitEmailLines(string(data)) {
		n++
		if line == "" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(hs) == 0 {
				return nil, fmt.Errorf("%s: line %d: continuation line before any header", file, n)
			}
			last := &hs[len(hs)-1]
			if v := strings.TrimSpace(line); v != "" {
				if last.Value != "" {
					last.Value += " "
				}
				last.Value += v
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s: line %d: %q is not a header (no colon)", file, n, line)
		}
		if err := checkHeaderName(name); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", file, n, err)
		}
		hs = append(hs, lineHeader{Header{name, strings.TrimSpace(value)}, n})
	}
	return hs, nil
}

// splitEmailLines splits at "\r\n", "\r" and "\n", as Python's email
// parser does.
func splitEmailLines(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return append(lines, s)
		}
		lines = append(lines, s[:i])
		if strings.HasPrefix(s[i:], "\r\n") {
			i++
		}
		s = s[i+1:]
	}
	return lines
}

func checkHeaderName(name string) error {
	if name == "" {
		return errors.New("empty header name")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c > '~' {
			return fmt.Errorf("header name %q: character %q not allowed", name, c)
		}
	}
	return nil
}
