package pep508

import (
	"unicode"
	"unicode/utf8"
)

// This file holds the token matchers. Each one reports where a token that
// starts at byte offset i ends, or -1 when no such token starts there. They
// reproduce, match for match, the regular expressions of the reference
// tokenizer, including Python's Unicode meaning of \b and \s; only case
// folding is ASCII (the reference folds a few exotic code points too).

// isWordRune reports whether r is a \w character as Python's re module sees
// it for a str pattern: "_" or a character for which str.isalnum is true.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || isASCIIAlnum(byte(r))
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r))
}

func isASCIIAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isPySpace reports whether r matches \s in a Python str pattern.
func isPySpace(r rune) bool {
	switch {
	case r == ' ', '\t' <= r && r <= '\r', 0x1c <= r && r <= 0x1f, r == 0x85, r == 0xa0,
		r == 0x1680, 0x2000 <= r && r <= 0x200a, r == 0x2028, r == 0x2029,
		r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// wordBefore reports whether the character ending at offset i is a word
// character (false at the start of s).
func wordBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWordRune(r)
}

// wordAt reports whether the character starting at offset i is a word
// character (false at the end of s).
func wordAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r)
}

// boundary reports whether \b matches at offset i.
func boundary(s string, i int) bool { return wordBefore(s, i) != wordAt(s, i) }

// matchWS matches [ \t]+.
func matchWS(s string, i int) int {
	j := i
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// matchURL matches [^ \t]+.
func matchURL(s string, i int) int {
	j := i
	for j < len(s) && s[j] != ' ' && s[j] != '\t' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// matchIdentifier matches \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b, backtracking
// from the longest run to the longest prefix that ends on a word boundary.
func matchIdentifier(s string, i int) int {
	if i >= len(s) || !isASCIIAlnum(s[i]) || !boundary(s, i) {
		return -1
	}
	j := i + 1
	for j < len(s) && (isASCIIAlnum(s[j]) || s[j] == '.' || s[j] == '_' || s[j] == '-') {
		j++
	}
	for ; j > i; j-- {
		if boundary(s, j) {
			return j
		}
	}
	return -1
}

// matchKeyword matches \bkw\b.
func matchKeyword(s string, i int, kw string) int {
	if len(s)-i < len(kw) || s[i:i+len(kw)] != kw || !boundary(s, i) || !boundary(s, i+len(kw)) {
		return -1
	}
	return i + len(kw)
}

// matchBoolOp matches \b(or|and)\b.
func matchBoolOp(s string, i int) int {
	if j := matchKeyword(s, i, "or"); j >= 0 {
		return j
	}
	return matchKeyword(s, i, "and")
}

// matchOp matches (===|==|~=|!=|<=|>=|<|>) and returns the operator too.
func matchOp(s string, i int) (int, operator) {
	rest := s[i:]
	for _, op := range [...]operator{opArbitrary, opEqual, opCompatible, opNotEqual, opLessEqual, opGreaterEqual, opLess, opGreater} {
		t := op.String()
		if len(rest) >= len(t) && rest[:len(t)] == t {
			return i + len(t), op
		}
	}
	return -1, opNone
}

// variableSpellings lists every spelling the VARIABLE token accepts, with
// the variable it names. Longer spellings that extend a shorter one come
// first, as the reference's alternation and trailing \b require.
var variableSpellings = [...]struct {
	text string
	v    variable
}{
	{"python_version", varPythonVersion},
	{"python_full_version", varPythonFullVersion},
	{"os_name", varOSName},
	{"os.name", varOSName},
	{"sys_platform", varSysPlatform},
	{"sys.platform", varSysPlatform},
	{"platform_release", varPlatformRelease},
	{"platform_system", varPlatformSystem},
	{"platform_version", varPlatformVersion},
	{"platform.version", varPlatformVersion},
	{"platform_machine", varPlatformMachine},
	{"platform.machine", varPlatformMachine},
	{"platform_python_implementation", varPlatformPythonImplementation},
	{"platform.python_implementation", varPlatformPythonImplementation},
	{"python_implementation", varPlatformPythonImplementation},
	{"implementation_name", varImplementationName},
	{"implementation_version", varImplementationVersion},
	{"extras", varExtras},
	{"extra", varExtra},
	{"dependency_groups", varDependencyGroups},
}

// matchVariable matches the VARIABLE token.
func matchVariable(s string, i int) (int, variable) {
	if !boundary(s, i) {
		return -1, varNone
	}
	rest := s[i:]
	for _, sp := range variableSpellings {
		n := len(sp.text)
		if len(rest) >= n && rest[:n] == sp.text && boundary(s, i+n) {
			return i + n, sp.v
		}
	}
	return -1, varNone
}

// matchQuoted matches '[^']*' or "[^"]*".
func matchQuoted(s string, i int) int {
	if i >= len(s) || (s[i] != '\'' && s[i] != '"') {
		return -1
	}
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			return j + 1
		}
	}
	return -1
}

// matchPrefixTrail matches \.\* (VERSION_PREFIX_TRAIL).
func matchPrefixTrail(s string, i int) bool {
	return len(s)-i >= 2 && s[i] == '.' && s[i+1] == '*'
}

// matchLocalTrail matches \+[a-z0-9]+(?:[-_\.][a-z0-9]+)*
// (VERSION_LOCAL_LABEL_TRAIL, case-sensitive).
func matchLocalTrail(s string, i int) bool {
	return matchLocal(s, i, false) >= 0
}

func isLowerAlnum(c byte) bool { return ('a' <= c && c <= 'z') || isDigit(c) }

func isSep(c byte) bool { return c == '-' || c == '_' || c == '.' }

// matchLocal matches \+[a-z0-9]+(?:[-_\.][a-z0-9]+)*, folding case when fold.
func matchLocal(s string, i int, fold bool) int {
	alnum := func(c byte) bool {
		if fold {
			return isASCIIAlnum(c)
		}
		return isLowerAlnum(c)
	}
	if i >= len(s) || s[i] != '+' {
		return -1
	}
	j := i + 1
	if j >= len(s) || !alnum(s[j]) {
		return -1
	}
	for j < len(s) && alnum(s[j]) {
		j++
	}
	for j+1 < len(s) && isSep(s[j]) && alnum(s[j+1]) {
		j += 2
		for j < len(s) && alnum(s[j]) {
			j++
		}
	}
	return j
}

// skipPySpace skips \s*.
func skipPySpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isPySpace(r) {
			break
		}
		i += n
	}
	return i
}

func skipDigits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// hasFold reports whether s[i:] starts with the lower-case ASCII word w,
// ignoring ASCII case.
func hasFold(s string, i int, w string) bool {
	if len(s)-i < len(w) {
		return false
	}
	for k := 0; k < len(w); k++ {
		c := s[i+k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[k] {
			return false
		}
	}
	return true
}

// matchWordAlt matches the first of words (in order) at i, ignoring case.
func matchWordAlt(s string, i int, words ...string) int {
	for _, w := range words {
		if hasFold(s, i, w) {
			return i + len(w)
		}
	}
	return -1
}

// optSep matches [-_\.]? greedily.
func optSep(s string, i int) int {
	if i < len(s) && isSep(s[i]) {
		return i + 1
	}
	return i
}

// matchPre matches [-_\.]?(alpha|beta|preview|pre|a|b|c|rc)[-_\.]?[0-9]*.
func matchPre(s string, i int) int {
	// Without the separator the alternation would start on a separator
	// character and fail, so one attempt decides.
	if j := matchWordAlt(s, optSep(s, i), "alpha", "beta", "preview", "pre", "a", "b", "c", "rc"); j >= 0 {
		return skipDigits(s, optSep(s, j))
	}
	return -1
}

// matchPost matches (?:-[0-9]+)|(?:[-_\.]?(post|rev|r)[-_\.]?[0-9]*).
func matchPost(s string, i int) int {
	if i+1 < len(s) && s[i] == '-' && isDigit(s[i+1]) {
		return skipDigits(s, i+1)
	}
	if j := matchWordAlt(s, optSep(s, i), "post", "rev", "r"); j >= 0 {
		return skipDigits(s, optSep(s, j))
	}
	return -1
}

// matchDev matches [-_\.]?dev[-_\.]?[0-9]*.
func matchDev(s string, i int) int {
	if start := optSep(s, i); hasFold(s, start, "dev") {
		return skipDigits(s, optSep(s, start+3))
	}
	return -1
}

// opt applies an optional sub-match.
func opt(j, i int) int {
	if j < 0 {
		return i
	}
	return j
}

// matchVersionBody matches the version part of the SPECIFIER token after
// the operator and \s*:
//
//	v? (?:[0-9]+!)? [0-9]+(?:\.[0-9]+)<rel> <tail>
//
// where minRelease is the least number of release segments (2 for ~=),
// wildLocal allows ".*" and a local label (== and !=).
func matchVersionBody(s string, i int, minRelease int, wildLocal bool) int {
	if i < len(s) && (s[i] == 'v' || s[i] == 'V') {
		i++
	}
	// (?:[0-9]+!)? backtracks to nothing when no release follows it.
	if j := skipDigits(s, i); j > i && j+1 < len(s) && s[j] == '!' && isDigit(s[j+1]) {
		i = j + 1
	}
	j := skipDigits(s, i)
	if j == i {
		return -1
	}
	segs := 1
	for j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		j = skipDigits(s, j+1)
		segs++
	}
	if segs < minRelease {
		return -1
	}
	if wildLocal && matchPrefixTrail(s, j) {
		return j + 2
	}
	j = opt(matchPre(s, j), j)
	j = opt(matchPost(s, j), j)
	j = opt(matchDev(s, j), j)
	if wildLocal {
		j = opt(matchLocal(s, j, true), j)
	}
	return j
}

// matchSpecifier matches one version specifier (the SPECIFIER token, which
// is the reference's specifier regular expression).
func matchSpecifier(s string, i int) int {
	rest := s[i:]
	has := func(p string) bool { return len(rest) >= len(p) && rest[:len(p)] == p }
	switch {
	case has("==="):
		j := skipPySpace(s, i+3)
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if isPySpace(r) || r == ';' || r == ')' {
				break
			}
			j += n
		}
		return j
	case has("==") || has("!="):
		return matchVersionBody(s, skipPySpace(s, i+2), 1, true)
	case has("~="):
		return matchVersionBody(s, skipPySpace(s, i+2), 2, false)
	case has("<=") || has(">="):
		return matchVersionBody(s, skipPySpace(s, i+2), 1, false)
	case has("<") || has(">"):
		return matchVersionBody(s, skipPySpace(s, i+1), 1, false)
	}
	return -1
}
