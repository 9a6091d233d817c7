package pep508

import (
	"strings"
	"unicode/utf8"
)

// unquote decodes a QUOTED_STRING token the way the reference does (it
// evaluates the token as a Python string literal): backslash escapes are
// interpreted, an unknown escape keeps its backslash, a raw line break or
// NUL is an error. \N{name} escapes are not supported and are rejected.
func unquote(tok string) (string, bool) {
	body := tok[1 : len(tok)-1]
	if strings.IndexByte(body, '\\') < 0 && strings.IndexAny(body, "\n\r\x00") < 0 {
		return body, true
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); {
		c := body[i]
		switch c {
		case '\n', '\r', 0:
			return "", false
		case '\\':
		default:
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(body) {
			return "", false // escapes the closing quote
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
			writeCodePoint(&b, v)
		case 'x', 'u', 'U':
			n := 2
			switch e {
			case 'u':
				n = 4
			case 'U':
				n = 8
			}
			if len(body)-i < n {
				return "", false
			}
			var v rune
			for k := 0; k < n; k++ {
				d := hexVal(body[i+k])
				if d < 0 {
					return "", false
				}
				v = v<<4 | rune(d)
			}
			if v > utf8.MaxRune {
				return "", false
			}
			i += n
			writeCodePoint(&b, v)
		case 'N':
			return "", false
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), true
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

// writeCodePoint writes v as UTF-8, surrogates included (as Python can hold
// a lone surrogate in a str, encode it the way WTF-8 does).
func writeCodePoint(b *strings.Builder, v rune) {
	if 0xd800 <= v && v <= 0xdfff {
		b.WriteByte(byte(0xe0 | v>>12))
		b.WriteByte(byte(0x80 | (v>>6)&0x3f))
		b.WriteByte(byte(0x80 | v&0x3f))
		return
	}
	b.WriteRune(v)
}

// quote writes value as a marker string literal. Like the reference it uses
// double quotes unless the value holds one, then single quotes. Beyond the
// reference (whose output does not always parse back), it escapes what
// would otherwise not read back as the same value: a line break, NUL, a
// value holding both quote characters, and a backslash that the following
// character would turn into an escape sequence.
func quote(b *strings.Builder, value string) {
	q := byte('"')
	if strings.IndexByte(value, '"') >= 0 && strings.IndexByte(value, '\'') < 0 {
		q = '\''
	}
	if strings.IndexAny(value, "\\\n\r\x00") < 0 && strings.IndexByte(value, q) < 0 {
		b.WriteByte(q)
		b.WriteString(value)
		b.WriteByte(q)
		return
	}
	b.WriteByte(q)
	for i := 0; i < len(value); i++ {
		switch c := value[i]; c {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\x00`)
		case q:
			if q == '"' {
				b.WriteString(`\x22`)
			} else {
				b.WriteString(`\x27`)
			}
		case '\\':
			if i+1 < len(value) && !startsEscape(value[i+1]) {
				b.WriteByte('\\')
			} else {
				b.WriteString(`\\`)
			}
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
}

// startsEscape reports whether a raw backslash followed by c would not read
// back as a backslash and c: c begins an escape sequence, or c is itself
// written escaped.
func startsEscape(c byte) bool {
	return strings.IndexByte("\\'\"\n\r\x00abfnrtv01234567xNuU", c) >= 0
}
