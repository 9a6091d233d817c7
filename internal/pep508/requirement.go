package pep508

import (
	"slices"
	"strings"

	"ferry/internal/pep440"
	"ferry/internal/pkgname"
)

// Requirement is a parsed dependency specifier (PEP 508):
//
//	name [extras] (specifiers | @ url) ; marker
//
// Name and RawExtras keep the spelling of the source, which String prints;
// Normalized and Extras are the PEP 503 / PEP 685 forms, which Equal
// compares. A Requirement from Parse has either Specifiers or URL, never
// both.
type Requirement struct {
	// Name is the project name as written.
	Name string
	// Normalized is Name normalized (PEP 503). The reference accepts names
	// the core metadata rule forbids (a trailing "_" or "."), so it is not
	// guaranteed to pass pkgname.Validate.
	Normalized pkgname.Name
	// Extras are the requested extras, normalized (PEP 685), sorted and
	// without duplicates.
	Extras []pkgname.Name
	// RawExtras are the extras as written, sorted (byte order) and without
	// exact duplicates. String prints them; when nil, it prints Extras.
	RawExtras []string
	// Specifiers constrains the version; empty when there is none.
	Specifiers pep440.Specifiers
	// URL is the direct reference after "@", or "".
	URL string
	// Marker is the environment marker after ";" (the empty marker when
	// there is none).
	Marker Marker
}

// Parse parses a dependency specifier as the reference implementation
// (packaging 26) does. Whitespace around the parts is optional, except
// that a URL must be followed by whitespace before ";". Version specifiers
// may be wrapped in parentheses (the legacy `name (>=1,<2)` form).
// Comments are not part of the grammar. Errors are *ParseError.
func Parse(s string) (Requirement, error) {
	p := parser{s: s}
	var r Requirement

	// requirement = WS? IDENTIFIER WS? extras WS? requirement_details
	p.ws()
	j := matchIdentifier(s, p.pos)
	if j < 0 {
		return Requirement{}, p.expected("package name at the start of dependency specifier")
	}
	r.Name = s[p.pos:j]
	r.Normalized = pkgname.Name(pkgname.Normalize(r.Name))
	p.pos = j
	p.ws()
	raw, err := p.extras()
	if err != nil {
		return Requirement{}, err
	}
	r.setExtras(raw)
	p.ws()

	specStart, specEnd := p.pos, p.pos
	var spec string
	var marker *expr
	if p.peekByte('@') {
		// AT URL (WS requirement_marker?)?
		p.pos++
		p.ws()
		urlStart := p.pos
		j := matchURL(s, p.pos)
		if j < 0 {
			return Requirement{}, p.expected("URL after @")
		}
		r.URL = s[urlStart:j]
		p.pos = j
		if !p.end() {
			p.ws() // a URL runs to the next blank, so one follows here
			if !p.end() {
				if marker, err = p.requirementMarker(urlStart, "semicolon (after URL and whitespace)"); err != nil {
					return Requirement{}, err
				}
			}
		}
	} else {
		// specifier WS? requirement_marker?
		if spec, err = p.specifier(); err != nil {
			return Requirement{}, err
		}
		specEnd = p.pos
		p.ws()
		if !p.end() {
			what := "semicolon (after name with no version specifier)"
			if spec != "" {
				what = "comma (within version specifier), semicolon (after version specifier)"
			}
			if marker, err = p.requirementMarker(specStart, what); err != nil {
				return Requirement{}, err
			}
		}
	}
	if !p.end() {
		return Requirement{}, p.expected("end of dependency specifier")
	}
	if r.Specifiers, err = parseSpecifierList(spec); err != nil {
		return Requirement{}, &ParseError{Input: s, Start: specStart, Pos: specEnd, Msg: err.Error(), Err: err}
	}
	if marker != nil {
		r.Marker = markerOf(marker)
	}
	return r, nil
}

// MustParse is Parse for requirements known valid (tests, tables). It
// panics on an invalid requirement.
func MustParse(s string) Requirement {
	r, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return r
}

func (r *Requirement) setExtras(raw []string) {
	if len(raw) == 0 {
		return
	}
	slices.Sort(raw)
	r.RawExtras = slices.Compact(raw)
	for _, x := range r.RawExtras {
		r.Extras = append(r.Extras, pkgname.Name(pkgname.Normalize(x)))
	}
	slices.Sort(r.Extras)
	r.Extras = slices.Compact(r.Extras)
}

// extras = ("[" WS? extras_list? WS? "]")?
// extras_list = IDENTIFIER (WS? "," WS? IDENTIFIER)*
func (p *parser) extras() ([]string, error) {
	if !p.peekByte('[') {
		return nil, nil
	}
	open := p.pos
	p.pos++
	p.ws()
	var out []string
	if j := matchIdentifier(p.s, p.pos); j >= 0 {
		out = append(out, p.s[p.pos:j])
		p.pos = j
		for {
			p.ws()
			if matchIdentifier(p.s, p.pos) >= 0 {
				return nil, p.errAt(p.pos, p.pos, "Expected comma between extra names")
			}
			if !p.peekByte(',') {
				break
			}
			p.pos++
			p.ws()
			j := matchIdentifier(p.s, p.pos)
			if j < 0 {
				return nil, p.expected("extra name after comma")
			}
			out = append(out, p.s[p.pos:j])
			p.pos = j
		}
	}
	p.ws()
	if !p.peekByte(']') {
		return nil, p.errAt(open, p.pos, "Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras")
	}
	p.pos++
	return out, nil
}

// specifier = "(" WS? version_many WS? ")" | WS? version_many WS?
// version_many = (SPECIFIER (WS? "," WS? SPECIFIER)*)?
//
// It returns the specifier tokens joined by commas, as the reference hands
// them to its specifier-set parser.
func (p *parser) specifier() (string, error) {
	open := -1
	if p.peekByte('(') {
		open = p.pos
		p.pos++
	}
	p.ws()
	var b strings.Builder
	for {
		start := p.pos
		j := matchSpecifier(p.s, p.pos)
		if j < 0 {
			break
		}
		tok := p.s[start:j]
		b.WriteString(tok)
		p.pos = j
		if matchPrefixTrail(p.s, p.pos) {
			msg := ".* suffix can only be used with `==` or `!=` operators"
			if strings.HasPrefix(tok, "!=") || (strings.HasPrefix(tok, "==") && !strings.HasPrefix(tok, "===")) {
				msg = ".* suffix cannot be used with pre-release, post-release, dev or local versions"
			}
			return "", p.errAt(start, p.pos+1, msg)
		}
		if matchLocalTrail(p.s, p.pos) {
			return "", p.errAt(start, p.pos, "Local version label can only be used with `==` or `!=` operators")
		}
		p.ws()
		if !p.peekByte(',') {
			break
		}
		b.WriteByte(',')
		p.pos++
		p.ws()
	}
	p.ws()
	if open >= 0 {
		if !p.peekByte(')') {
			return "", p.errAt(open, p.pos, "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier")
		}
		p.pos++
	}
	return b.String(), nil
}

// requirement_marker = ";" marker WS?
func (p *parser) requirementMarker(spanStart int, what string) (*expr, error) {
	if !p.peekByte(';') {
		return nil, p.errAt(spanStart, p.pos, "Expected "+what+" or end")
	}
	p.pos++
	e, err := p.marker()
	if err != nil {
		return nil, err
	}
	p.ws()
	return e, nil
}

// String returns the canonical form, as the reference prints it: the name
// and extras as written (extras sorted, comma-separated, no spaces), the
// specifiers in canonical order, " @ url" (followed by a space when a
// marker comes next), and "; marker".
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	extras := r.RawExtras
	if extras == nil {
		for _, x := range r.Extras {
			extras = append(extras, string(x))
		}
	}
	if len(extras) > 0 {
		b.WriteByte('[')
		b.WriteString(strings.Join(extras, ","))
		b.WriteByte(']')
	}
	b.WriteString(r.Specifiers.String())
	if r.URL != "" {
		b.WriteString(" @ ")
		b.WriteString(r.URL)
		if !r.Marker.IsTrue() {
			b.WriteByte(' ')
		}
	}
	if !r.Marker.IsTrue() {
		b.WriteString("; ")
		b.WriteString(r.Marker.String())
	}
	return b.String()
}

// Equal reports whether r and o are the same requirement as the reference
// compares them: normalized names, sets of normalized extras, specifier
// sets (equivalent versions such as 1.0 and 1.0.0 being equal), URLs and
// markers.
func (r Requirement) Equal(o Requirement) bool {
	return r.Normalized == o.Normalized &&
		slices.Equal(r.Extras, o.Extras) &&
		r.URL == o.URL &&
		r.Marker.Equal(o.Marker) &&
		specifiersEqual(r.Specifiers, o.Specifiers)
}
