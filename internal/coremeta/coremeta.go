package coremeta

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"ferry/internal/pep440"
	"ferry/internal/pkgname"
)

// Metadata is the content of a METADATA or PKG-INFO file. Multiple-use
// fields are slices in file order.
type Metadata struct {
	MetadataVersion        string
	Name                   string
	Version                string
	Dynamic                []string // 2.2
	Platforms              []string
	SupportedPlatforms     []string // 1.1
	Summary                string
	Description            string
	DescriptionContentType string // 2.1
	Keywords               string
	HomePage               string
	DownloadURL            string // 1.1
	Author                 string
	AuthorEmail            string
	Maintainer             string // 1.2
	MaintainerEmail        string // 1.2
	License                string
	LicenseExpression      string   // 2.4
	LicenseFiles           []string // 2.4
	Classifiers            []string // 1.1
	RequiresDist           []string // 1.2, PEP 508 requirements
	RequiresPython         string   // 1.2, a version specifier set
	RequiresExternal       []string // 1.2
	ProjectURLs            []string // 1.2, "label, url"
	ProvidesExtra          []string // 2.1
	ImportNames            []string // 2.5
	ImportNamespaces       []string // 2.5
	ProvidesDist           []string // 1.2
	ObsoletesDist          []string // 1.2
	Requires               []string // 1.1, deprecated
	Provides               []string // 1.1, deprecated
	Obsoletes              []string // 1.1, deprecated
	// Unknown are the fields the specification does not define and the
	// repeated occurrences of single-use fields, in file order.
	Unknown []Field
}

// Field is one header as written.
type Field struct {
	Name, Value string
}

// fieldSpec describes one field of the specification.
type fieldSpec struct {
	name  string // as the specification spells it
	since string // the metadata version that introduced it
	str   func(*Metadata) *string
	list  func(*Metadata) *[]string
}

// fields lists the fields in the order of the specification, which is the
// order Write uses.
var fields = [...]fieldSpec{
	{name: "Metadata-Version", since: "1.0", str: func(m *Metadata) *string { return &m.MetadataVersion }},
	{name: "Name", since: "1.0", str: func(m *Metadata) *string { return &m.Name }},
	{name: "Version", since: "1.0", str: func(m *Metadata) *string { return &m.Version }},
	{name: "Dynamic", since: "2.2", list: func(m *Metadata) *[]string { return &m.Dynamic }},
	{name: "Platform", since: "1.0", list: func(m *Metadata) *[]string { return &m.Platforms }},
	{name: "Supported-Platform", since: "1.1", list: func(m *Metadata) *[]string { return &m.SupportedPlatforms }},
	{name: "Summary", since: "1.0", str: func(m *Metadata) *string { return &m.Summary }},
	{name: "Description", since: "1.0", str: func(m *Metadata) *string { return &m.Description }},
	{name: "Description-Content-Type", since: "2.1", str: func(m *Metadata) *string { return &m.DescriptionContentType }},
	{name: "Keywords", since: "1.0", str: func(m *Metadata) *string { return &m.Keywords }},
	{name: "Home-page", since: "1.0", str: func(m *Metadata) *string { return &m.HomePage }},
	{name: "Download-URL", since: "1.1", str: func(m *Metadata) *string { return &m.DownloadURL }},
	{name: "Author", since: "1.0", str: func(m *Metadata) *string { return &m.Author }},
	{name: "Author-email", since: "1.0", str: func(m *Metadata) *string { return &m.AuthorEmail }},
	{name: "Maintainer", since: "1.2", str: func(m *Metadata) *string { return &m.Maintainer }},
	{name: "Maintainer-email", since: "1.2", str: func(m *Metadata) *string { return &m.MaintainerEmail }},
	{name: "License", since: "1.0", str: func(m *Metadata) *string { return &m.License }},
	{name: "License-Expression", since: "2.4", str: func(m *Metadata) *string { return &m.LicenseExpression }},
	{name: "License-File", since: "2.4", list: func(m *Metadata) *[]string { return &m.LicenseFiles }},
	{name: "Classifier", since: "1.1", list: func(m *Metadata) *[]string { return &m.Classifiers }},
	{name: "Requires-Dist", since: "1.2", list: func(m *Metadata) *[]string { return &m.RequiresDist }},
	{name: "Requires-Python", since: "1.2", str: func(m *Metadata) *string { return &m.RequiresPython }},
	{name: "Requires-External", since: "1.2", list: func(m *Metadata) *[]string { return &m.RequiresExternal }},
	{name: "Project-URL", since: "1.2", list: func(m *Metadata) *[]string { return &m.ProjectURLs }},
	{name: "Provides-Extra", since: "2.1", list: func(m *Metadata) *[]string { return &m.ProvidesExtra }},
	{name: "Import-Name", since: "2.5", list: func(m *Metadata) *[]string { return &m.ImportNames }},
	{name: "Import-Namespace", since: "2.5", list: func(m *Metadata) *[]string { return &m.ImportNamespaces }},
	{name: "Provides-Dist", since: "1.2", list: func(m *Metadata) *[]string { return &m.ProvidesDist }},
	{name: "Obsoletes-Dist", since: "1.2", list: func(m *Metadata) *[]string { return &m.ObsoletesDist }},
	{name: "Requires", since: "1.1", list: func(m *Metadata) *[]string { return &m.Requires }},
	{name: "Provides", since: "1.1", list: func(m *Metadata) *[]string { return &m.Provides }},
	{name: "Obsoletes", since: "1.1", list: func(m *Metadata) *[]string { return &m.Obsoletes }},
}

const descriptionField = "Description"

// lookup returns the field named name (any case), or nil.
func lookup(name string) *fieldSpec {
	for i := range fields {
		if strings.EqualFold(fields[i].name, name) {
			return &fields[i]
		}
	}
	return nil
}

// ParseError reports malformed metadata, with the 1-based line number.
type ParseError struct {
	Line int
	Msg  string
}

// Error implements the error interface.
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return "metadata: " + e.Msg
	}
	return fmt.Sprintf("metadata line %d: %s", e.Line, e.Msg)
}

// rawHeader is a header as read: the first line's value and the raw
// continuation lines.
type rawHeader struct {
	name  string
	first string
	cont  []string
	line  int
}

// Parse reads METADATA or PKG-INFO content.
func Parse(data []byte) (Metadata, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	lines, rest := splitLines(data)
	var hs []rawHeader
	bodyStart := -1
	for i, line := range lines {
		n := i + 1
		if !utf8.ValidString(line) {
			return Metadata{}, &ParseError{n, "not valid UTF-8"}
		}
		if line == "" {
			bodyStart = i + 1
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(hs) == 0 {
				return Metadata{}, &ParseError{n, "continuation line before the first header"}
			}
			h := &hs[len(hs)-1]
			h.cont = append(h.cont, line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return Metadata{}, &ParseError{n, fmt.Sprintf("%q is not a header (no colon) and no empty line came before it", line)}
		}
		if err := checkName(name); err != nil {
			return Metadata{}, &ParseError{n, err.Error()}
		}
		hs = append(hs, rawHeader{name: name, first: strings.TrimLeft(value, " \t"), line: n})
	}

	var m Metadata
	seen := map[*fieldSpec]bool{}
	for _, h := range hs {
		spec := lookup(h.name)
		isDesc := spec != nil && spec.name == descriptionField
		value := decodeValue(h.first, h.cont, isDesc)
		if !isDesc {
			value = strings.TrimSpace(value)
		}
		switch {
		case spec == nil:
			m.Unknown = append(m.Unknown, Field{h.name, value})
		case spec.list != nil:
			l := spec.list(&m)
			*l = append(*l, value)
		case seen[spec] && *spec.str(&m) != "":
			// A repeated single-use field; an empty first value is simply
			// replaced.
			m.Unknown = append(m.Unknown, Field{h.name, value})
		default:
			seen[spec] = true
			*spec.str(&m) = value
		}
	}
	if bodyStart >= 0 {
		var body strings.Builder
		for i, line := range lines[bodyStart:] {
			if !utf8.ValidString(line) {
				return Metadata{}, &ParseError{bodyStart + i + 1, "not valid UTF-8"}
			}
			if i > 0 {
				body.WriteByte('\n')
			}
			body.WriteString(line)
		}
		if rest && len(lines) > bodyStart {
			body.WriteByte('\n')
		}
		if b := body.String(); b != "" {
			if seen[lookup(descriptionField)] {
				// The body wins, as in pip; keep the header losslessly.
				m.Unknown = append([]Field{{descriptionField, m.Description}}, m.Unknown...)
			}
			m.Description = b
		}
	}
	if m.Name == "" {
		return Metadata{}, &ParseError{0, "no Name field"}
	}
	return m, nil
}

// splitLines splits at CRLF, CR and LF. final reports whether the data
// ended with a line break (so the last line is complete).
func splitLines(data []byte) (lines []string, final bool) {
	s := string(data)
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return append(lines, s), false
		}
		lines = append(lines, s[:i])
		if strings.HasPrefix(s[i:], "\r\n") {
			i++
		}
		s = s[i+1:]
	}
	return lines, len(data) > 0
}

// decodeValue joins a header's lines. Continuation lines lose their
// common indentation of up to 8 spaces (blank ones become empty); a
// Description in the legacy "       |" form loses everything up to the
// "|".
func decodeValue(first string, cont []string, description bool) string {
	if len(cont) == 0 {
		return first
	}
	out := make([]string, 0, len(cont)+1)
	out = append(out, first)
	if description && allPiped(cont) {
		for _, c := range cont {
			out = append(out, c[strings.IndexByte(c, '|')+1:])
		}
		return strings.Join(out, "\n")
	}
	margin := 8
	for _, c := range cont {
		if isBlank(c) {
			continue
		}
		n := 0
		for n < len(c) && n < margin && c[n] == ' ' {
			n++
		}
		margin = n
	}
	for _, c := range cont {
		if isBlank(c) {
			out = append(out, "")
		} else {
			out = append(out, c[margin:])
		}
	}
	return strings.Join(out, "\n")
}

func allPiped(cont []string) bool {
	for _, c := range cont {
		t := strings.TrimLeft(c, " \t")
		if t == "" || t[0] != '|' {
			return false
		}
	}
	return true
}

func isBlank(s string) bool { return strings.Trim(s, " \t") == "" }

func checkName(name string) error {
	if name == "" {
		return errors.New("empty header name")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c > '~' || c == ':' {
			return fmt.Errorf("header name %q: character %q not allowed", name, c)
		}
	}
	return nil
}

// Write writes m: the fields in the specification's order (each
// multiple-use field once per value), then the unknown fields, then the
// Description as the body when Metadata-Version is 2.1 or later (or when
// the header form could not carry it). Values spanning lines are folded
// with 8 spaces; a Description header uses the specification's
// "       |" form. Line ends in the Description are written as LF.
func Write(w io.Writer, m Metadata) error {
	var b bytes.Buffer
	put := func(name, value string, description bool) error {
		if err := checkName(name); err != nil {
			return fmt.Errorf("writing metadata: %w", err)
		}
		if !utf8.ValidString(value) {
			return fmt.Errorf("writing metadata: %s is not valid UTF-8", name)
		}
		if strings.ContainsRune(value, '\r') {
			return fmt.Errorf("writing metadata: %s contains a carriage return", name)
		}
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(encodeValue(value, description))
		b.WriteByte('\n')
		return nil
	}
	desc := strings.ReplaceAll(strings.ReplaceAll(m.Description, "\r\n", "\n"), "\r", "\n")
	descInBody := desc != "" && (AtLeast(m.MetadataVersion, "2.1") || !headerSafe(desc))
	for i := range fields {
		spec := &fields[i]
		if spec.list != nil {
			for _, v := range *spec.list(&m) {
				if err := put(spec.name, v, false); err != nil {
					return err
				}
			}
			continue
		}
		v := *spec.str(&m)
		if spec.name == descriptionField {
			if descInBody || desc == "" {
				continue
			}
			v = desc
		}
		if v == "" {
			continue
		}
		if err := put(spec.name, v, spec.name == descriptionField); err != nil {
			return err
		}
	}
	for _, f := range m.Unknown {
		if err := put(f.Name, f.Value, strings.EqualFold(f.Name, descriptionField)); err != nil {
			return err
		}
	}
	if descInBody {
		if !utf8.ValidString(desc) {
			return errors.New("writing metadata: Description is not valid UTF-8")
		}
		b.WriteByte('\n')
		b.WriteString(desc)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing metadata: %w", err)
	}
	return nil
}

// encodeValue folds a value over several lines.
func encodeValue(v string, description bool) string {
	if !strings.Contains(v, "\n") {
		return v
	}
	sep := "\n        "
	if description {
		sep = "\n       |"
	}
	return strings.ReplaceAll(v, "\n", sep)
}

// headerSafe reports whether a Description survives the header form:
// Parse strips white space at the start of the first line.
func headerSafe(desc string) bool {
	return strings.TrimLeft(desc, " \t") == desc && !strings.HasPrefix(desc, "\n")
}

// AtLeast reports whether metadata version v is min or later ("2.1" is
// at least "1.2"); an unparsable v is never at least anything.
func AtLeast(v, min string) bool {
	a, ok1 := parseMetadataVersion(v)
	b, ok2 := parseMetadataVersion(min)
	return ok1 && ok2 && (a[0] > b[0] || (a[0] == b[0] && a[1] >= b[1]))
}

func parseMetadataVersion(v string) ([2]int, bool) {
	major, minor, ok := strings.Cut(v, ".")
	if !ok {
		minor = "0"
	}
	a, err1 := strconv.Atoi(major)
	b, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil || a < 0 || b < 0 || major[0] == '+' || minor[0] == '+' {
		return [2]int{}, false
	}
	return [2]int{a, b}, true
}

// KnownVersions are the metadata versions this package reads and writes.
const KnownVersions = "1.0 1.1 1.2 2.1 2.2 2.3 2.4 2.5"

// LatestVersion is the newest metadata version this package knows.
const LatestVersion = "2.5"

// Validate checks m against the specification: Metadata-Version, Name and
// Version are present; Metadata-Version is a version this package can
// read (1.0 to 1.2, or 2.x: a newer 2.x is accepted as the specification
// asks, and so is the unofficial 2.0 that old bdist_wheel wrote; a newer
// major version is not); Name is a
// valid project name; from metadata 1.2 on, Version is a PEP 440 version;
// Dynamic names known fields other than Name, Version and
// Metadata-Version. Fields newer than the declared version are not an
// error here (setuptools long wrote License-File into 2.1 metadata); see
// NewerFields.
func (m Metadata) Validate() error {
	var errs []error
	if m.MetadataVersion == "" {
		errs = append(errs, errors.New("missing Metadata-Version"))
	} else if v, ok := parseMetadataVersion(m.MetadataVersion); !ok || v[0] < 1 || v[0] > 2 || (v[0] == 1 && v[1] > 2) {
		errs = append(errs, fmt.Errorf("unsupported Metadata-Version %q (known: %s)", m.MetadataVersion, KnownVersions))
	}
	if m.Name == "" {
		errs = append(errs, errors.New("missing Name"))
	} else if err := pkgname.Validate(m.Name); err != nil {
		errs = append(errs, err)
	}
	if m.Version == "" {
		errs = append(errs, errors.New("missing Version"))
	} else if AtLeast(m.MetadataVersion, "1.2") {
		if _, err := pep440.Parse(m.Version); err != nil {
			errs = append(errs, fmt.Errorf("Version: %w", err))
		}
	}
	for _, d := range m.Dynamic {
		spec := lookup(d)
		switch {
		case spec == nil:
			errs = append(errs, fmt.Errorf("Dynamic names unknown field %q", d))
		case spec.name == "Name" || spec.name == "Version" || spec.name == "Metadata-Version":
			errs = append(errs, fmt.Errorf("Dynamic must not name %s", spec.name))
		}
	}
	return errors.Join(errs...)
}

// NewerFields returns the names of the fields m uses that were introduced
// after m's Metadata-Version, in the specification's order.
func (m Metadata) NewerFields() []string {
	var out []string
	for i := range fields {
		spec := &fields[i]
		used := false
		if spec.list != nil {
			used = len(*spec.list(&m)) > 0
		} else {
			used = *spec.str(&m) != ""
		}
		if used && !AtLeast(m.MetadataVersion, spec.since) {
			out = append(out, spec.name)
		}
	}
	return out
}

// FieldSince returns the metadata version that introduced the named field
// (any case) and false when the specification does not define it.
func FieldSince(name string) (string, bool) {
	if spec := lookup(name); spec != nil {
		return spec.since, true
	}
	return "", false
}
