package manifest

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Pattern is a compiled MANIFEST.in glob. It matches whole POSIX paths
// relative to the project root, as setuptools' translate_pattern does; see
// the package documentation for the syntax. The zero Pattern matches only
// the empty path. A Pattern is immutable and safe for concurrent use.
type Pattern struct {
	src    string
	chunks []chunk
	// globstar reports whether any chunk is "**"; without one a path must
	// have exactly len(chunks) components.
	globstar bool
}

// CompilePattern compiles glob. Every string is a valid pattern: an
// unclosed '[' is an ordinary character, as in setuptools, so compiling
// cannot fail.
func CompilePattern(glob string) Pattern {
	p := Pattern{src: glob}
	nfc := norm.NFC.String(glob)
	for c := range strings.SplitSeq(nfc, "/") {
		ch := compileChunk(c)
		if ch.kind == chunkGlobstar {
			p.globstar = true
		}
		p.chunks = append(p.chunks, ch)
	}
	return p
}

// String returns the glob the pattern was compiled from.
func (p Pattern) String() string { return p.src }

// Match reports whether path, a '/'-separated relative path, matches the
// whole pattern. Both sides are compared in Unicode normalization form C,
// so a name stored decomposed (as macOS does) matches a pattern written
// composed and the other way round.
func (p Pattern) Match(path string) bool {
	return p.match(norm.NFC.String(path), true)
}

// matchStdlib matches with the rules of Python's glob.glob(recursive=True),
// which setuptools uses for package data, license files and the default
// test/test*.py set: a wildcard component does not match a name starting
// with '.' unless the pattern component starts with '.' too, and "**" does
// not descend into hidden directories.
func (p Pattern) matchStdlib(path string) bool {
	return p.match(norm.NFC.String(path), false)
}

func (p Pattern) match(path string, hidden bool) bool {
	if len(p.chunks) == 0 {
		return path == ""
	}
	var buf [16]string
	comps := buf[:0]
	for c := range strings.SplitSeq(path, "/") {
		comps = append(comps, c)
	}
	if !p.globstar {
		if len(comps) != len(p.chunks) {
			return false
		}
		for i, c := range p.chunks {
			if !c.matchComponent(comps[i], hidden) {
				return false
			}
		}
		return true
	}
	return p.matchDP(comps, hidden)
}

// matchDP matches components against chunks containing at least one "**".
// ok[j] holds whether chunks[i:] match comps[j:]; the chunks are processed
// from the last to the first, so the work is O(chunks × components) with no
// backtracking.
func (p Pattern) matchDP(comps []string, hidden bool) bool {
	n := len(comps)
	var buf [32]bool
	var ok []bool
	if n+1 <= len(buf) {
		ok = buf[:n+1]
	} else {
		ok = make([]bool, n+1)
	}
	ok[n] = true
	last := len(p.chunks) - 1
	for i := last; i >= 0; i-- {
		c := p.chunks[i]
		switch {
		case c.kind == chunkGlobstar && i == last:
			// A final "**" is ".*" in setuptools: one or more components of
			// anything. Python's glob skips hidden names there.
			good := true
			for j := n; j >= 0; j-- {
				if j < n && !hidden && isHidden(comps[j]) {
					good = false
				}
				ok[j] = j < n && good
			}
		case c.kind == chunkGlobstar:
			// An inner "**" is "(name/)*": zero or more non-empty components.
			for j := n - 1; j >= 0; j-- {
				ok[j] = ok[j] || (ok[j+1] && comps[j] != "" && (hidden || !isHidden(comps[j])))
			}
		default:
			for j := 0; j <= n; j++ {
				ok[j] = j < n && ok[j+1] && c.matchComponent(comps[j], hidden)
			}
		}
	}
	return ok[0]
}

func isHidden(name string) bool { return strings.HasPrefix(name, ".") }

type chunkKind uint8

const (
	chunkLiteral  chunkKind = iota // no wildcard: the component must be equal
	chunkWild                      // wildcards within one component
	chunkGlobstar                  // exactly "**"
)

// chunk is one '/'-separated component of a pattern.
type chunk struct {
	kind chunkKind
	lit  string  // the component text (NFC)
	toks []token // chunkWild only
}

func compileChunk(s string) chunk {
	if s == "**" {
		return chunk{kind: chunkGlobstar, lit: s}
	}
	toks, wild := parseTokens(s)
	if !wild {
		return chunk{kind: chunkLiteral, lit: s}
	}
	return chunk{kind: chunkWild, lit: s, toks: toks}
}

func (c chunk) matchComponent(name string, hidden bool) bool {
	switch c.kind {
	case chunkLiteral:
		return name == c.lit
	case chunkGlobstar:
		// Only reached for "**" outside matchDP, which cannot happen; treat
		// it like '*' to stay total.
		return hidden || !isHidden(name)
	}
	if !hidden && isHidden(name) && !isHidden(c.lit) {
		return false
	}
	return matchTokens(c.toks, name)
}

type tokKind uint8

const (
	tokLit   tokKind = iota // one literal rune
	tokAny                  // '?'
	tokStar                 // '*'
	tokClass                // '[...]'
)

type token struct {
	kind   tokKind
	r      rune        // tokLit
	neg    bool        // tokClass: '[!...]'
	ranges []runeRange // tokClass; empty means the class lists nothing
}

type runeRange struct{ lo, hi rune }

func (t *token) matches(r rune) bool {
	switch t.kind {
	case tokLit:
		return r == t.r
	case tokAny:
		return true
	case tokClass:
		in := false
		for _, rg := range t.ranges {
			if rg.lo <= r && r <= rg.hi {
				in = true
				break
			}
		}
		return in != t.neg
	}
	return false
}

// parseTokens splits s into glob tokens with fnmatch's rules and reports
// whether any of them is a wildcard. Consecutive stars collapse into one.
func parseTokens(s string) ([]token, bool) {
	rs := []rune(s)
	toks := make([]token, 0, len(rs))
	wild := false
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '*':
			wild = true
			if len(toks) == 0 || toks[len(toks)-1].kind != tokStar {
				toks = append(toks, token{kind: tokStar})
			}
		case '?':
			wild = true
			toks = append(toks, token{kind: tokAny})
		case '[':
			end, ok := classEnd(rs, i)
			if !ok {
				toks = append(toks, token{kind: tokLit, r: r})
				continue
			}
			wild = true
			toks = append(toks, parseClass(rs[i+1:end]))
			i = end
		default:
			toks = append(toks, token{kind: tokLit, r: r})
		}
	}
	return toks, wild
}

// classEnd finds the ']' closing the class opened at rs[open]. A '!' right
// after the '[' negates, and a ']' right after that (or after the '[') is a
// member, not the end.
func classEnd(rs []rune, open int) (int, bool) {
	j := open + 1
	if j < len(rs) && rs[j] == '!' {
		j++
	}
	if j < len(rs) && rs[j] == ']' {
		j++
	}
	for j < len(rs) && rs[j] != ']' {
		j++
	}
	return j, j < len(rs)
}

// parseClass reads the inside of a bracket expression: "a-z" is a range, a
// '-' first or last is itself, and a range whose ends are reversed matches
// nothing (fnmatch drops it).
func parseClass(body []rune) token {
	t := token{kind: tokClass}
	if len(body) > 0 && body[0] == '!' {
		t.neg = true
		body = body[1:]
	}
	for k := 0; k < len(body); {
		lo := body[k]
		if k+2 < len(body) && body[k+1] == '-' {
			hi := body[k+2]
			if lo <= hi {
				t.ranges = append(t.ranges, runeRange{lo, hi})
			}
			k += 3
			continue
		}
		t.ranges = append(t.ranges, runeRange{lo, lo})
		k++
	}
	return t
}

// matchTokens matches the whole of s against toks. Stars are the only
// variable-width tokens, so the classic two-cursor algorithm (retry from the
// most recent star) is exact and needs no allocation.
func matchTokens(toks []token, s string) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(toks) {
			if toks[p].kind == tokStar {
				starP, starI = p, i
				p++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if toks[p].matches(r) {
				p++
				i += size
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, size := utf8.DecodeRuneInString(s[starI:])
		starI += size
		i = starI
		p = starP + 1
	}
	for p < len(toks) && toks[p].kind == tokStar {
		p++
	}
	return p == len(toks)
}

// fnPattern is a pattern matched with Python's fnmatch over the whole
// string: '*' and '?' cross '/'. setuptools uses it for
// exclude_package_data.
type fnPattern struct{ toks []token }

func compileFn(glob string) fnPattern {
	toks, _ := parseTokens(norm.NFC.String(glob))
	return fnPattern{toks: toks}
}

func (p fnPattern) match(path string) bool {
	return matchTokens(p.toks, norm.NFC.String(path))
}
