package pep440

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// InvalidVersionError reports a string that is not a PEP 440 version.
type InvalidVersionError struct {
	Input  string // the string as given
	Offset int    // byte offset into Input of the problem, or -1
	Reason string // what is wrong, e.g. `unexpected "x"`
}

func (e *InvalidVersionError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("invalid version %q: %s at offset %d", e.Input, e.Reason, e.Offset)
	}
	return fmt.Sprintf("invalid version %q: %s", e.Input, e.Reason)
}

// maxNumber bounds every numeric component except local segments (which
// are kept as digit strings of any length). Python allows arbitrarily large
// integers; ferry keeps numbers in an int.
const maxNumber = math.MaxInt64

// parts is a parsed version before encoding. The release numbers live in a
// fixed array (spilling to a slice past eight) so that a parts value on the
// stack needs no allocation. Numbers are unsigned so that
// successor computations (n+1) on a maximal parsed number cannot overflow.
type parts struct {
	epoch   uint64
	rel     [8]uint64
	nrel    int
	big     []uint64 // the whole release, when it has more than len(rel) numbers
	pre     byte     // 0 (none), 'a', 'b' or 'r' (rc)
	preN    uint64
	hasPost bool
	post    uint64
	hasDev  bool
	dev     uint64
	local   string // normalized: lower case, "." separated, numbers without leading zeros
}

// release returns the release numbers.
func (p *parts) release() []uint64 {
	if p.big != nil {
		return p.big
	}
	return p.rel[:p.nrel]
}

// addRelease appends a release number.
func (p *parts) addRelease(n uint64) {
	switch {
	case p.big != nil:
		p.big = append(p.big, n)
	case p.nrel < len(p.rel):
		p.rel[p.nrel] = n
		p.nrel++
	default:
		p.big = append(append(make([]uint64, 0, 2*len(p.rel)), p.rel[:]...), n)
	}
}

// setRelease replaces the release numbers with a copy of r.
func (p *parts) setRelease(r []uint64) {
	p.nrel, p.big = 0, nil
	for _, n := range r {
		p.addRelease(n)
	}
}

func (p *parts) isPrerelease() bool { return p.pre != 0 || p.hasDev }

// isPySpace reports whether r is whitespace for Python's str.isspace and the
// \s class of a Unicode regular expression (what packaging trims).
func isPySpace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0d, r >= 0x1c && r <= 0x20, r == 0x85, r == 0xa0, r == 0x1680,
		r >= 0x2000 && r <= 0x200a, r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// trimSpace trims Python whitespace and returns the offset of the result in s.
func trimSpace(s string) (string, int) {
	start := 0
	for start < len(s) {
		r, n := utf8.DecodeRuneInString(s[start:])
		if !isPySpace(r) {
			break
		}
		start += n
	}
	end := len(s)
	for end > start {
		r, n := utf8.DecodeLastRuneInString(s[start:end])
		if !isPySpace(r) {
			break
		}
		end -= n
	}
	return s[start:end], start
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSep(c byte) bool { return c == '.' || c == '_' || c == '-' }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isAlnum(c byte) bool {
	c = lower(c)
	return isDigit(c) || ('a' <= c && c <= 'z')
}

// hasPrefixFold reports whether s[i:] starts with the lower-case ASCII word w,
// ignoring ASCII case.
func hasPrefixFold(s string, i int, w string) bool {
	if len(s)-i < len(w) {
		return false
	}
	for k := 0; k < len(w); k++ {
		if lower(s[i+k]) != w[k] {
			return false
		}
	}
	return true
}

// parser holds the state of one parse. It reads t, the input with
// surrounding whitespace removed, and reports offsets relative to the
// original input.
type parser struct {
	in  string // original input, for errors
	t   string // trimmed input
	off int    // offset of t in in
	i   int
}

func (ps *parser) fail(at int, format string, args ...any) error {
	return &InvalidVersionError{Input: ps.in, Offset: ps.off + at, Reason: fmt.Sprintf(format, args...)}
}

func (ps *parser) unexpected() error {
	if ps.i >= len(ps.t) {
		return ps.fail(ps.i, "unexpected end")
	}
	r, _ := utf8.DecodeRuneInString(ps.t[ps.i:])
	return ps.fail(ps.i, "unexpected %q", string(r))
}

// number reads a run of ASCII digits. ok is false when there is none.
func (ps *parser) number() (n uint64, ok bool, err error) {
	start := ps.i
	for ps.i < len(ps.t) && isDigit(ps.t[ps.i]) {
		d := uint64(ps.t[ps.i] - '0')
		if n > (maxNumber-d)/10 {
			for ps.i < len(ps.t) && isDigit(ps.t[ps.i]) {
				ps.i++
			}
			return 0, false, ps.fail(start, "number %s is too large", ps.t[start:ps.i])
		}
		n = n*10 + d
		ps.i++
	}
	return n, ps.i > start, nil
}

// preLetters lists the pre-release spellings in the order the PEP 440
// grammar tries them, with their normal form.
var preLetters = [...]struct {
	word string
	kind byte
}{
	{"alpha", 'a'}, {"a", 'a'}, {"beta", 'b'}, {"b", 'b'},
	{"preview", 'r'}, {"pre", 'r'}, {"c", 'r'}, {"rc", 'r'},
}

var postLetters = [...]string{"post", "rev", "r"}

// parseVersion parses s (with optional surrounding whitespace) into p.
// With wildcard set, a trailing ".*" after the release segment is accepted
// and reported; it is not accepted after any other segment.
func parseVersion(s string, p *parts, wildcard bool) (star bool, err error) {
	t, off := trimSpace(s)
	ps := parser{in: s, t: t, off: off}
	if t == "" {
		return false, &InvalidVersionError{Input: s, Offset: -1, Reason: "empty string"}
	}
	p.setRelease(nil)
	if lower(t[0]) == 'v' {
		ps.i++
	}
	n, ok, err := ps.number()
	if err != nil {
		return false, err
	}
	if !ok {
		return false, ps.unexpected()
	}
	if ps.i < len(t) && t[ps.i] == '!' {
		p.epoch = n
		ps.i++
		if n, ok, err = ps.number(); err != nil {
			return false, err
		} else if !ok {
			return false, ps.unexpected()
		}
	}
	p.addRelease(n)
	for ps.i+1 < len(t) && t[ps.i] == '.' && isDigit(t[ps.i+1]) {
		ps.i++
		if n, _, err = ps.number(); err != nil {
			return false, err
		}
		p.addRelease(n)
	}
	if wildcard && ps.i+2 == len(t) && t[ps.i] == '.' && t[ps.i+1] == '*' {
		return true, nil
	}

	// Pre-release: [._-]? letters [._-]? digits?
	j := ps.i
	if j < len(t) && isSep(t[j]) {
		j++
	}
	for _, l := range preLetters {
		if hasPrefixFold(t, j, l.word) {
			p.pre = l.kind
			ps.i = j + len(l.word)
			if ps.i < len(t) && isSep(t[ps.i]) {
				ps.i++
			}
			if p.preN, _, err = ps.number(); err != nil {
				return false, err
			}
			break
		}
	}

	// Post-release: -digits | [._-]? (post|rev|r) [._-]? digits?
	if ps.i+1 < len(t) && t[ps.i] == '-' && isDigit(t[ps.i+1]) {
		ps.i++
		p.hasPost = true
		if p.post, _, err = ps.number(); err != nil {
			return false, err
		}
	} else {
		j = ps.i
		if j < len(t) && isSep(t[j]) {
			j++
		}
		for _, w := range postLetters {
			if hasPrefixFold(t, j, w) {
				p.hasPost = true
				ps.i = j + len(w)
				if ps.i < len(t) && isSep(t[ps.i]) {
					ps.i++
				}
				if p.post, _, err = ps.number(); err != nil {
					return false, err
				}
				break
			}
		}
	}

	// Development release: [._-]? dev [._-]? digits?
	j = ps.i
	if j < len(t) && isSep(t[j]) {
		j++
	}
	if hasPrefixFold(t, j, "dev") {
		p.hasDev = true
		ps.i = j + 3
		if ps.i < len(t) && isSep(t[ps.i]) {
			ps.i++
		}
		if p.dev, _, err = ps.number(); err != nil {
			return false, err
		}
	}

	// Local version: + alnum+ ([._-] alnum+)*
	if ps.i < len(t) && t[ps.i] == '+' {
		start := ps.i + 1
		k := start
		for {
			segStart := k
			for k < len(t) && isAlnum(t[k]) {
				k++
			}
			if k == segStart {
				ps.i = k
				return false, ps.unexpected()
			}
			if k+1 < len(t) && isSep(t[k]) && isAlnum(t[k+1]) {
				k++
				continue
			}
			break
		}
		p.local = normalizeLocal(t[start:k])
		ps.i = k
	}
	if ps.i != len(t) {
		return false, ps.unexpected()
	}
	return false, nil
}

// normalizeLocal lower-cases a syntactically valid local label, joins its
// segments with "." and strips leading zeros from numeric segments.
func normalizeLocal(l string) string {
	if localIsNormal(l) {
		return l
	}
	var b strings.Builder
	b.Grow(len(l))
	for i, seg := range strings.FieldsFunc(l, func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
		if i > 0 {
			b.WriteByte('.')
		}
		if allDigits(seg) {
			seg = strings.TrimLeft(seg, "0")
			if seg == "" {
				seg = "0"
			}
			b.WriteString(seg)
			continue
		}
		for k := 0; k < len(seg); k++ {
			b.WriteByte(lower(seg[k]))
		}
	}
	return b.String()
}

// localIsNormal reports whether a valid local label is already normalized.
func localIsNormal(l string) bool {
	segStart := 0
	for i := 0; i <= len(l); i++ {
		if i < len(l) {
			c := l[i]
			if ('A' <= c && c <= 'Z') || c == '_' || c == '-' {
				return false
			}
			if c != '.' {
				continue
			}
		}
		seg := l[segStart:i]
		if len(seg) > 1 && seg[0] == '0' && allDigits(seg) {
			return false
		}
		segStart = i + 1
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
