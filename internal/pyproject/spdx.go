package pyproject

import (
	"fmt"
	"strings"
)

// NormalizeLicenseExpression checks an SPDX license expression as PEP 639
// asks (the syntax of SPDX's Annex D: license identifiers and LicenseRef-
// references joined by AND, OR, WITH and parentheses) and returns it
// normalized: operators upper-case, "LicenseRef-" in its canonical case,
// single spaces, parentheses kept where written.
//
// Identifiers are checked for their characters ([A-Za-z0-9.-], an optional
// trailing '+'), not against the SPDX license list, and keep the case
// they are written in; see the package documentation.
func NormalizeLicenseExpression(s string) (string, error) {
	toks, err := spdxTokens(s)
	if err != nil {
		return "", err
	}
	if len(toks) == 0 {
		return "", fmt.Errorf("invalid license expression %q: empty", s)
	}
	p := spdxParser{toks: toks, src: s}
	if err := p.expr(); err != nil {
		return "", err
	}
	if p.i != len(p.toks) {
		return "", fmt.Errorf("invalid license expression %q: unexpected %q", s, p.toks[p.i])
	}
	var b strings.Builder
	for i, t := range p.out {
		if i > 0 && t != ")" && p.out[i-1] != "(" {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	return b.String(), nil
}

func spdxTokens(s string) ([]string, error) {
	var toks []string
	cur := strings.Builder{}
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, cur.String())
			cur.Reset()
		}
	}
	for _, c := range s {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			flush()
		case c == '(' || c == ')':
			flush()
			toks = append(toks, string(c))
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '+', c == ':':
			cur.WriteRune(c)
		default:
			return nil, fmt.Errorf("invalid license expression %q: character %q is not allowed", s, c)
		}
	}
	flush()
	return toks, nil
}

type spdxParser struct {
	toks []string
	i    int
	out  []string
	src  string
}

func (p *spdxParser) peekOp() string {
	if p.i < len(p.toks) {
		switch u := strings.ToUpper(p.toks[p.i]); u {
		case "AND", "OR", "WITH":
			return u
		}
	}
	return ""
}

func (p *spdxParser) fail(format string, args ...any) error {
	return fmt.Errorf("invalid license expression %q: %s", p.src, fmt.Sprintf(format, args...))
}

func (p *spdxParser) expr() error {
	if err := p.and(); err != nil {
		return err
	}
	for p.peekOp() == "OR" {
		p.out = append(p.out, "OR")
		p.i++
		if err := p.and(); err != nil {
			return err
		}
	}
	return nil
}

func (p *spdxParser) and() error {
	if err := p.primary(); err != nil {
		return err
	}
	for p.peekOp() == "AND" {
		p.out = append(p.out, "AND")
		p.i++
		if err := p.primary(); err != nil {
			return err
		}
	}
	return nil
}

func (p *spdxParser) primary() error {
	if p.i >= len(p.toks) {
		return p.fail("expected a license identifier at the end")
	}
	t := p.toks[p.i]
	if t == "(" {
		p.out = append(p.out, "(")
		p.i++
		if err := p.expr(); err != nil {
			return err
		}
		if p.i >= len(p.toks) || p.toks[p.i] != ")" {
			return p.fail("missing ')'")
		}
		p.out = append(p.out, ")")
		p.i++
		return nil
	}
	if t == ")" || p.peekOp() != "" {
		return p.fail("expected a license identifier, got %q", t)
	}
	id, err := p.licenseID(t)
	if err != nil {
		return err
	}
	p.out = append(p.out, id)
	p.i++
	if p.peekOp() == "WITH" {
		p.out = append(p.out, "WITH")
		p.i++
		if p.i >= len(p.toks) || p.toks[p.i] == "(" || p.toks[p.i] == ")" || p.peekOp() != "" {
			return p.fail("expected an exception identifier after WITH")
		}
		ex := p.toks[p.i]
		if !spdxIDString(ex) {
			return p.fail("%q is not a valid exception identifier", ex)
		}
		if len(ex) > len("AdditionRef-") && strings.EqualFold(ex[:len("AdditionRef-")], "AdditionRef-") {
			ex = "AdditionRef-" + ex[len("AdditionRef-"):]
		}
		p.out = append(p.out, ex)
		p.i++
	}
	return nil
}

func (p *spdxParser) licenseID(t string) (string, error) {
	const ref = "LicenseRef-"
	if len(t) >= len(ref) && strings.EqualFold(t[:len(ref)], ref) {
		rest := t[len(ref):]
		if !spdxIDString(rest) {
			return "", p.fail("%q is not a valid license reference", t)
		}
		return ref + rest, nil
	}
	id := strings.TrimSuffix(t, "+")
	if !spdxIDString(id) {
		return "", p.fail("%q is not a valid license identifier", t)
	}
	return t, nil
}

// spdxIDString matches SPDX's idstring: [A-Za-z0-9.-]+.
func spdxIDString(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
