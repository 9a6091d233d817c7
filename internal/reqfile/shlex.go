package reqfile

import "errors"

// errNoClosingQuote and errNoEscapedChar are the two ways a shell-like split
// can fail (Python's shlex raises ValueError with the same words).
var (
	errNoClosingQuote = errors.New("no closing quotation")
	errNoEscapedChar  = errors.New("no escaped character")
)

// shellSplit splits s into words as Python's shlex.split(s) does (POSIX
// mode, no comments): words are separated by space, tab, CR or LF; single
// quotes keep everything literally; double quotes keep everything except
// that a backslash escapes '"' and '\'; outside quotes a backslash makes
// the next character literal. Quoted parts join the surrounding word, and
// a quoted empty string is an empty word.
func shellSplit(s string) ([]string, error) {
	var words []string
	var tok []byte
	inWord := false // a word has started (possibly empty but quoted)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			if inWord {
				words = append(words, string(tok))
				tok = tok[:0]
				inWord = false
			}
		case '\\':
			if i+1 >= len(s) {
				return nil, errNoEscapedChar
			}
			i++
			tok = append(tok, s[i])
			inWord = true
		case '\'':
			j := i + 1
			for j < len(s) && s[j] != '\'' {
				j++
			}
			if j >= len(s) {
				return nil, errNoClosingQuote
			}
			tok = append(tok, s[i+1:j]...)
			i = j
			inWord = true
		case '"':
			j := i + 1
			for ; ; j++ {
				if j >= len(s) {
					return nil, errNoClosingQuote
				}
				if s[j] == '"' {
					break
				}
				if s[j] == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
					j++
				}
				tok = append(tok, s[j])
			}
			i = j
			inWord = true
		default:
			tok = append(tok, c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, string(tok))
	}
	return words, nil
}
