package reqfile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// line is one logical line: the text that remains after joining
// continuation lines, removing the comment and surrounding whitespace, and
// the number of the first physical line it came from.
type line struct {
	num  int
	text string
}

// pyIsSpace reports whether r is whitespace as Python's str.isspace and the
// re module's \s see it: Go's unicode.IsSpace plus the four information
// separators U+001C..U+001F.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyStrip trims Python whitespace from both ends of s, as str.strip() does.
func pyStrip(s string) string {
	return strings.TrimFunc(s, pyIsSpace)
}

// isLineBreak reports whether r ends a line for Python's str.splitlines.
func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// splitLines splits s as Python's str.splitlines() does: at \n, \r, \r\n,
// \v, \f, U+001C..U+001E, U+0085, U+2028 and U+2029, with no empty last
// line after a final break.
func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isLineBreak(r) {
			i += size
			continue
		}
		out = append(out, s[start:i])
		i += size
		if r == '\r' && i < len(s) && s[i] == '\n' {
			i++
		}
		start = i
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// isCommentLine reports whether s is a comment line as pip's join step
// sees it: '#' first, or after leading whitespace.
func isCommentLine(s string) bool {
	t := strings.TrimLeftFunc(s, pyIsSpace)
	return strings.HasPrefix(t, "#")
}

// joinLines numbers the physical lines of content from 1 and joins each
// line ending in a backslash with the next one. Backslashes are trimmed
// from both ends of a continued line (pip's str.strip("\\")); a comment line
// ends a join and is kept, prefixed with a space, so the comment step
// removes it. A joined line takes the number of its first physical line.
func joinLines(content string) []line {
	var out []line
	var buf strings.Builder
	joining := false
	first := 0
	for i, l := range splitLines(content) {
		num := i + 1
		comment := isCommentLine(l)
		if !strings.HasSuffix(l, `\`) || comment {
			if comment {
				l = " " + l
			}
			if joining {
				buf.WriteString(l)
				out = append(out, line{first, buf.String()})
				buf.Reset()
				joining = false
			} else {
				out = append(out, line{num, l})
			}
			continue
		}
		if !joining {
			joining = true
			first = num
		}
		buf.WriteString(strings.Trim(l, `\`))
	}
	if joining {
		out = append(out, line{first, buf.String()})
	}
	return out
}

// stripComment removes a comment: from the first '#' that starts the line
// or follows whitespace, together with that whitespace, to the end.
func stripComment(s string) string {
	prevSpace := true // the start of the line counts as a boundary
	for i, r := range s {
		if r == '#' && prevSpace {
			return s[:i]
		}
		prevSpace = pyIsSpace(r)
	}
	return s
}

// expandEnv replaces each ${NAME}, NAME made of A-Z, 0-9 and '_', with the
// variable's value when it is set and not empty. Like pip, the references
// are found in the line as it was and each one is replaced everywhere in
// the line as it is by then; other forms ($NAME, %NAME%) are left alone.
func expandEnv(s string, getenv func(string) (string, bool)) string {
	if getenv == nil || !strings.Contains(s, "${") {
		return s
	}
	var refs []string
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) || s[i+1] != '{' {
			continue
		}
		j := i + 2
		for j < len(s) && isEnvNameByte(s[j]) {
			j++
		}
		if j > i+2 && j < len(s) && s[j] == '}' {
			refs = append(refs, s[i:j+1])
			i = j
		}
	}
	// Replacing a reference again changes nothing unless the line changed
	// since (a value may hold or complete a reference), so repeats are
	// skipped until then; this keeps a line full of one reference linear.
	version := 0
	seen := map[string]int{} // ref -> version of the line when last applied
	for _, ref := range refs {
		if at, ok := seen[ref]; ok && at == version {
			continue
		}
		seen[ref] = version
		v, ok := getenv(ref[2 : len(ref)-1])
		if !ok || v == "" || !strings.Contains(s, ref) {
			continue
		}
		s = strings.ReplaceAll(s, ref, v)
		version++
		seen[ref] = version
	}
	return s
}

func isEnvNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// logicalLines runs pip's preprocessing on decoded content: join
// continuation lines, strip comments and whitespace, drop empty lines and
// expand ${NAME} references.
func logicalLines(content string, getenv func(string) (string, bool)) []line {
	joined := joinLines(content)
	out := joined[:0]
	for _, l := range joined {
		t := pyStrip(stripComment(l.text))
		if t == "" {
			continue
		}
		out = append(out, line{l.num, expandEnv(t, getenv)})
	}
	return out
}

// splitArgsOptions breaks a logical line into the requirement part and the
// options part as pip does: the line is split at single spaces and the
// requirement part ends before the first piece that starts with '-'.
func splitArgsOptions(s string) (args, opts string) {
	start := 0
	for {
		if strings.HasPrefix(s[start:], "-") {
			if start == 0 {
				return "", s
			}
			return s[:start-1], s[start:]
		}
		sp := strings.IndexByte(s[start:], ' ')
		if sp < 0 {
			return s, ""
		}
		start += sp + 1
	}
}
