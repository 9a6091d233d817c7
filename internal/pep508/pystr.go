package pep508

import (
	"strings"

	"ferry/internal/pystr"
)

// unquote decodes a QUOTED_STRING token the way the reference does (it
// evaluates the token as a Python string literal): backslash escapes are
// interpreted (package pystr), an unknown escape keeps its backslash, a raw
// line break or NUL is an error. \N{name} escapes are not supported and are
// rejected.
func unquote(tok string) (string, bool) {
	body := tok[1 : len(tok)-1]
	if strings.IndexAny(body, "\n\r\x00") >= 0 {
		return "", false
	}
	s, err := pystr.Unescape(body, pystr.Str)
	return s, err == nil
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
