// Package pystr decodes the escape sequences of Python string and bytes
// literals, as the Python language reference defines them (Lexical
// analysis, "String and Bytes literals"): \\ \' \" \a \b \f \n \r \t \v,
// a backslash-newline continuation, octal \ooo, hex \xhh, and in str
// literals \uxxxx and \Uxxxxxxxx. An unrecognised escape keeps its
// backslash, as Python does. \N{name} escapes in str literals are
// refused: resolving Unicode names would need the whole name table.
//
// Marker strings (package pep508) and the literal values setup.cfg's
// attr: reads from Python source (package pyproject) share this decoder.
package pystr

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind is the kind of literal: a str or a bytes.
type Kind uint8

// Literal kinds.
const (
	Str Kind = iota
	Bytes
)

// ErrNamedEscape is returned for a \N{...} escape in a str literal.
var ErrNamedEscape = errors.New(`\N{...} escapes are not supported`)

// Unescape interprets the escape sequences of body, the text between a
// literal's quotes. In a str, a code point is written as UTF-8, a lone
// surrogate the way WTF-8 encodes it (Python can hold one in a str); in
// bytes, \x and octal escapes give single bytes and \u, \U, \N are not
// escapes.
func Unescape(body string, kind Kind) (string, error) {
	if strings.IndexByte(body, '\\') < 0 {
		return body, nil
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(body) {
			return "", errors.New("a backslash ends the literal")
		}
		e := body[i+1]
		i += 2
		switch e {
		case '\n':
		case '\r':
			if i < len(body) && body[i] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte(11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := rune(e - '0')
			for k := 0; k < 2 && i < len(body) && '0' <= body[i] && body[i] <= '7'; k++ {
				v = v*8 + rune(body[i]-'0')
				i++
			}
			if kind == Bytes {
				b.WriteByte(byte(v))
			} else {
				writeCodePoint(&b, v)
			}
		case 'x', 'u', 'U':
			n := 2
			switch {
			case e == 'x':
			case kind == Bytes:
				// \u and \U are not escapes in bytes.
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			case e == 'u':
				n = 4
			default:
				n = 8
			}
			if len(body)-i < n {
				return "", fmt.Errorf("truncated \\%c escape", e)
			}
			var v rune
			for k := 0; k < n; k++ {
				d := hexVal(body[i+k])
				if d < 0 {
					return "", fmt.Errorf("invalid \\%c escape", e)
				}
				v = v<<4 | rune(d)
			}
			i += n
			switch {
			case kind == Bytes:
				b.WriteByte(byte(v))
			case v > utf8.MaxRune:
				return "", fmt.Errorf("invalid \\%c escape", e)
			default:
				writeCodePoint(&b, v)
			}
		case 'N':
			if kind == Str {
				return "", ErrNamedEscape
			}
			b.WriteString(`\N`)
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), nil
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// writeCodePoint writes v as UTF-8, a surrogate as WTF-8 does.
func writeCodePoint(b *strings.Builder, v rune) {
	if 0xd800 <= v && v <= 0xdfff {
		b.WriteByte(byte(0xe0 | v>>12))
		b.WriteByte(byte(0x80 | (v>>6)&0x3f))
		b.WriteByte(byte(0x80 | v&0x3f))
		return
	}
	b.WriteRune(v)
}
