package pep508

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ParseError reports a string that is not a valid requirement or marker.
// Start and Pos are byte offsets into Input: the span the error covers
// (Start <= Pos) and the point where parsing stopped.
//
// Error gives the reference implementation's text: the message, then the
// input and a line that underlines the span with "~" and puts "^" at Pos,
// both indented by four spaces, columns counted in characters:
//
//	Expected semicolon (after name with no version specifier) or end
//	    name 1.0
//	         ^
type ParseError struct {
	Input      string
	Start, Pos int
	Msg        string
	// Err is the underlying error, if any (an invalid version specifier
	// wraps the pep440 error).
	Err error
}

// Unwrap returns the underlying error, if any.
func (e *ParseError) Unwrap() error { return e.Err }

// Error returns the message, the input and the caret line.
func (e *ParseError) Error() string {
	start, pos := e.Start, e.Pos
	if pos > len(e.Input) {
		pos = len(e.Input)
	}
	if start > pos {
		start = pos
	}
	col := utf8.RuneCountInString(e.Input[:start])
	width := utf8.RuneCountInString(e.Input[start:pos])
	return fmt.Sprintf("%s\n    %s\n    %s%s^", e.Msg, e.Input,
		strings.Repeat(" ", col), strings.Repeat("~", width))
}

// UndefinedComparisonError reports a marker comparison that the
// specification leaves undefined: "~=" or "===" between values that are not
// both versions, or a set-valued variable (extras, dependency_groups) used
// other than on the right of "in" / "not in".
type UndefinedComparisonError struct {
	// Expr is the comparison, in canonical form.
	Expr string
}

// Error names the comparison.
func (e *UndefinedComparisonError) Error() string {
	return fmt.Sprintf("undefined marker comparison %s", e.Expr)
}

// pyRepr renders s the way Python's repr does for a str (close enough for
// error messages: quote choice and the common escapes).
func pyRepr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}
