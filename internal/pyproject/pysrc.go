package pyproject

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reads just enough Python to find top-level statements: a
// tokenizer that knows strings, comments, brackets, line continuations and
// indentation, grouping tokens into logical lines.

type pyTokKind byte

const (
	tkName pyTokKind = iota + 1
	tkNumber
	tkString
	tkOp
)

type pyTok struct {
	kind pyTokKind
	text string
	line int
}

// pyLine is a logical line: its tokens and the indentation of its first
// physical line (tabs advance to the next multiple of 8, as in Python).
type pyLine struct {
	indent int
	line   int
	toks   []pyTok
}

// errPySyntax is wrapped by tokenizer errors.
var errPySyntax = errors.New("python syntax error")

// maxPySource bounds the source the reader accepts.
const maxPySource = 8 << 20

func tokenizePython(src string) ([]pyLine, error) {
	if len(src) > maxPySource {
		return nil, fmt.Errorf("%w: source larger than %d bytes", errPySyntax, maxPySource)
	}
	src = strings.TrimPrefix(src, "\ufeff")
	if !utf8.ValidString(src) {
		return nil, fmt.Errorf("%w: the source is not valid UTF-8", errPySyntax)
	}
	var lines []pyLine
	var cur pyLine
	depth := 0
	lineNo := 1
	atLineStart := true
	col := 0
	i := 0
	flush := func() {
		if len(cur.toks) > 0 {
			lines = append(lines, cur)
		}
		cur = pyLine{}
	}
	for i < len(src) {
		c := src[i]
		if atLineStart {
			// Measure indentation of a new physical line.
			col = 0
			j := i
			for j < len(src) {
				switch src[j] {
				case ' ':
					col++
				case '\t':
					col = (col/8 + 1) * 8
				case '\f':
					col = 0
				default:
					goto measured
				}
				j++
			}
		measured:
			i = j
			atLineStart = false
			continue
		}
		switch {
		case c == '\n' || c == '\r':
			if c == '\r' && i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			i++
			lineNo++
			atLineStart = true
			if depth == 0 {
				flush()
			}
		case c == ' ' || c == '\t' || c == '\f':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' && src[i] != '\r' {
				i++
			}
		case c == '\\':
			// Line continuation: a backslash right before the line break.
			j := i + 1
			switch {
			case j < len(src) && src[j] == '\n':
				j++
			case j < len(src) && src[j] == '\r':
				j++
				if j < len(src) && src[j] == '\n' {
					j++
				}
			default:
				return nil, fmt.Errorf("%w: line %d: unexpected character after line continuation", errPySyntax, lineNo)
			}
			i = j
			lineNo++
		case isStringStart(src, i):
			start := i
			startLine := lineNo
			n, lines2, err := scanPyString(src, i)
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", errPySyntax, lineNo, err)
			}
			i = n
			lineNo += lines2
			if len(cur.toks) == 0 {
				cur.indent, cur.line = col, startLine
			}
			cur.toks = append(cur.toks, pyTok{kind: tkString, text: src[start:i], line: startLine})
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			start := i
			for i < len(src) {
				d := src[i]
				if d >= '0' && d <= '9' || d >= 'a' && d <= 'z' || d >= 'A' && d <= 'Z' || d == '_' || d == '.' {
					if (d == 'e' || d == 'E') && i+1 < len(src) && (src[i+1] == '+' || src[i+1] == '-') &&
						!strings.HasPrefix(strings.ToLower(src[start:]), "0x") {
						i += 2
						continue
					}
					i++
					continue
				}
				break
			}
			if len(cur.toks) == 0 {
				cur.indent, cur.line = col, lineNo
			}
			cur.toks = append(cur.toks, pyTok{kind: tkNumber, text: src[start:i], line: lineNo})
		case c >= 0x80 || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			start := i
			for i < len(src) {
				r, size := utf8.DecodeRuneInString(src[i:])
				if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) ||
					unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Nl, r) {
					i += size
					continue
				}
				break
			}
			if i == start {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, fmt.Errorf("%w: line %d: invalid character %q", errPySyntax, lineNo, r)
			}
			if len(cur.toks) == 0 {
				cur.indent, cur.line = col, lineNo
			}
			cur.toks = append(cur.toks, pyTok{kind: tkName, text: src[start:i], line: lineNo})
		default:
			op := pyOperator(src[i:])
			switch op {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
				if depth < 0 {
					return nil, fmt.Errorf("%w: line %d: unmatched %q", errPySyntax, lineNo, op)
				}
			}
			if len(cur.toks) == 0 {
				cur.indent, cur.line = col, lineNo
			}
			cur.toks = append(cur.toks, pyTok{kind: tkOp, text: op, line: lineNo})
			i += len(op)
		}
	}
	if depth > 0 {
		return nil, fmt.Errorf("%w: unclosed bracket at end of file", errPySyntax)
	}
	flush()
	return lines, nil
}

func pyOperator(s string) string {
	for _, op := range [...]string{"**=", "//=", ">>=", "<<=", "...", "!=", "==", "<=", ">=", "**", "//", "<<", ">>",
		"->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="} {
		if strings.HasPrefix(s, op) {
			return op
		}
	}
	_, size := utf8.DecodeRuneInString(s)
	return s[:size]
}

// isStringStart reports whether a string literal (with an optional prefix
// of r, u, b, f, t in valid combinations) starts at src[i].
func isStringStart(src string, i int) bool {
	j := i
	for j < len(src) && j-i < 3 && strings.IndexByte("rRuUbBfFtT", src[j]) >= 0 {
		j++
	}
	if j >= len(src) || (src[j] != '\'' && src[j] != '"') {
		return false
	}
	if j > i {
		switch strings.ToLower(src[i:j]) {
		case "r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt":
		default:
			return false
		}
		// A prefix must not be the tail of a longer name.
		if i > 0 {
			r, _ := utf8.DecodeLastRuneInString(src[:i])
			if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

// scanPyString returns the end of the string literal starting at i and the
// number of line breaks inside it.
func scanPyString(src string, i int) (int, int, error) {
	for src[i] != '\'' && src[i] != '"' {
		i++
	}
	q := src[i]
	triple := i+2 < len(src) && src[i+1] == q && src[i+2] == q
	if triple {
		i += 3
	} else {
		i++
	}
	lines := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\\':
			if i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r') {
				lines++
				if src[i+1] == '\r' && i+2 < len(src) && src[i+2] == '\n' {
					i++
				}
			}
			i += 2
			continue
		case c == '\n' || c == '\r':
			if !triple {
				return 0, 0, errors.New("unterminated string literal")
			}
			if c == '\r' && i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			lines++
		case c == q:
			if !triple {
				return i + 1, lines, nil
			}
			if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
				return i + 3, lines, nil
			}
		}
		i++
	}
	return 0, 0, errors.New("unterminated string literal")
}

// statements splits a logical line into its ';'-separated simple
// statements.
func (l pyLine) statements() [][]pyTok {
	var out [][]pyTok
	depth := 0
	start := 0
	for i, t := range l.toks {
		if t.kind != tkOp {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ";":
			if depth == 0 {
				if i > start {
					out = append(out, l.toks[start:i])
				}
				start = i + 1
			}
		}
	}
	if start < len(l.toks) {
		out = append(out, l.toks[start:])
	}
	return out
}

// isCompoundKeyword reports whether a statement starting with name opens a
// compound statement (or is a decorator line or other non-assignment).
func isCompoundKeyword(name string) bool {
	switch name {
	case "if", "elif", "else", "for", "while", "with", "def", "class", "try",
		"except", "finally", "async":
		return true
	}
	return false
}
