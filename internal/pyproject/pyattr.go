package pyproject

import (
	"errors"
	"ferry/internal/pystr"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors of ReadAttr, for errors.Is.
var (
	// ErrAttrNotFound: the module has no top-level assignment to the name.
	ErrAttrNotFound = errors.New("no top-level assignment")
	// ErrNotLiteral: the first assignment's value is computed (a call, a
	// name, an operator, an f-string...), so only importing the module
	// could tell its value.
	ErrNotLiteral = errors.New("value is computed, not a literal")
)

// PyLiteral is a Python literal value read from source: a str, bytes, int,
// float, bool, None, or a tuple, list, set or dict of literals.
type PyLiteral struct {
	kind  byte // 's' str, 'y' bytes, 'i' int, 'f' float, 'B' bool, 'N' None, 't' tuple, 'l' list, 'S' set, 'd' dict
	s     string
	items []PyLiteral // for 'd': key, value, key, value...
}

// Kind names the literal's Python type: "str", "bytes", "int", "float",
// "bool", "NoneType", "tuple", "list", "set" or "dict".
func (v PyLiteral) Kind() string {
	switch v.kind {
	case 's':
		return "str"
	case 'y':
		return "bytes"
	case 'i':
		return "int"
	case 'f':
		return "float"
	case 'B':
		return "bool"
	case 'N':
		return "NoneType"
	case 't':
		return "tuple"
	case 'l':
		return "list"
	case 'S':
		return "set"
	case 'd':
		return "dict"
	}
	return "invalid"
}

// String returns Python's str() of the value.
func (v PyLiteral) String() string {
	if v.kind == 's' {
		return v.s
	}
	return v.repr()
}

func (v PyLiteral) repr() string {
	switch v.kind {
	case 's':
		return pyReprStr(v.s)
	case 'y':
		return "b" + pyReprStr(v.s)
	case 'i', 'f', 'B', 'N':
		return v.s
	case 't', 'l', 'S':
		parts := make([]string, len(v.items))
		for i, it := range v.items {
			parts[i] = it.repr()
		}
		open, close := "(", ")"
		if v.kind == 'l' {
			open, close = "[", "]"
		} else if v.kind == 'S' {
			open, close = "{", "}"
		}
		if v.kind == 't' && len(parts) == 1 {
			return "(" + parts[0] + ",)"
		}
		return open + strings.Join(parts, ", ") + close
	case 'd':
		var parts []string
		for i := 0; i+1 < len(v.items); i += 2 {
			parts = append(parts, v.items[i].repr()+": "+v.items[i+1].repr())
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return ""
}

// pyReprStr quotes s as Python's repr does (for bytes, s holds the bytes).
func pyReprStr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\' || r == rune(q):
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
		case r >= 0x80 && !unicode.IsPrint(r):
			switch {
			case r <= 0xff:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r <= 0xffff:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// VersionString converts the value to a version string the way setuptools'
// attr: directive does: a str as is; a tuple, list or dict (its keys)
// joined with "." after str() of each item (bytes iterate as numbers);
// anything else through str(). A set has no defined order and is refused.
func (v PyLiteral) VersionString() (string, error) {
	switch v.kind {
	case 's':
		return v.s, nil
	case 'S':
		return "", errors.New("a set has no order; cannot make a version of it")
	case 'y':
		parts := make([]string, len(v.s))
		for i := 0; i < len(v.s); i++ {
			parts[i] = strconv.Itoa(int(v.s[i]))
		}
		return strings.Join(parts, "."), nil
	case 't', 'l':
		parts := make([]string, len(v.items))
		for i, it := range v.items {
			parts[i] = it.String()
		}
		return strings.Join(parts, "."), nil
	case 'd':
		var parts []string
		for i := 0; i < len(v.items); i += 2 {
			parts = append(parts, v.items[i].String())
		}
		return strings.Join(parts, "."), nil
	}
	return v.String(), nil
}

// ReadAttr reads the value of a module attribute from Python source without
// running it, as setuptools' attr: directive first tries to: it finds the
// first top-level statement of the module that assigns name (name = ...,
// a = name = ..., name: T = ...) and evaluates the assigned expression as
// ast.literal_eval would (strings with implicit concatenation, numbers with
// a sign, True, False, None, tuples, lists, sets and dicts of those).
// Assignments inside if/try/def/class blocks do not count.
//
// Errors wrap ErrAttrNotFound when there is no such assignment and
// ErrNotLiteral when the value is computed (setuptools would then import
// the module; ferry does not run project code).
func ReadAttr(src []byte, name string) (PyLiteral, error) {
	lines, err := tokenizePython(string(src))
	if err != nil {
		return PyLiteral{}, err
	}
	for _, l := range lines {
		if l.indent != 0 {
			continue
		}
		for _, st := range l.statements() {
			if st[0].kind == tkName && isCompoundKeyword(st[0].text) || st[0].kind == tkOp && st[0].text == "@" {
				break
			}
			value, ok := assignedValue(st, name)
			if !ok {
				continue
			}
			if len(value) == 0 {
				return PyLiteral{}, fmt.Errorf("line %d: %s: %w", st[0].line, name, ErrNotLiteral)
			}
			p := litParser{toks: value}
			v, err := p.expr(true)
			if err == nil && p.i < len(p.toks) {
				err = fmt.Errorf("unexpected %q", p.toks[p.i].text)
			}
			if err != nil {
				return PyLiteral{}, fmt.Errorf("line %d: %s: %w (%v)", st[0].line, name, ErrNotLiteral, err)
			}
			return v, nil
		}
	}
	return PyLiteral{}, fmt.Errorf("%s: %w", name, ErrAttrNotFound)
}

// assignedValue returns the tokens assigned to name if st is an assignment
// with name among its targets.
func assignedValue(st []pyTok, name string) ([]pyTok, bool) {
	// Split on '=' at bracket depth 0, stopping at a lambda (whose default
	// arguments also use '=').
	var parts [][]pyTok
	depth, start := 0, 0
	for i, t := range st {
		if t.kind == tkName && t.text == "lambda" && depth == 0 {
			break
		}
		if t.kind != tkOp {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case "=":
			if depth == 0 {
				parts = append(parts, st[start:i])
				start = i + 1
			}
		}
	}
	if len(parts) == 0 {
		return nil, false
	}
	value := st[start:]
	for i, target := range parts {
		if len(target) == 1 && target[0].kind == tkName && target[0].text == name {
			return value, true
		}
		// Annotated assignment: name: annotation = value (single target).
		if i == 0 && len(parts) == 1 && len(target) >= 3 && target[0].kind == tkName && target[0].text == name &&
			target[1].kind == tkOp && target[1].text == ":" {
			return value, true
		}
	}
	return nil, false
}

type litParser struct {
	toks []pyTok
	i    int
}

func (p *litParser) peek() (pyTok, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return pyTok{}, false
}

func (p *litParser) isOp(s string) bool {
	t, ok := p.peek()
	return ok && t.kind == tkOp && t.text == s
}

// expr parses an expression; with bare, a comma-separated list without
// brackets is a tuple.
func (p *litParser) expr(bare bool) (PyLiteral, error) {
	first, err := p.atom()
	if err != nil {
		return PyLiteral{}, err
	}
	if !bare || !p.isOp(",") {
		return first, nil
	}
	items := []PyLiteral{first}
	for p.isOp(",") {
		p.i++
		if _, ok := p.peek(); !ok || p.isOp(")") {
			break
		}
		it, err := p.atom()
		if err != nil {
			return PyLiteral{}, err
		}
		items = append(items, it)
	}
	return PyLiteral{kind: 't', items: items}, nil
}

func (p *litParser) atom() (PyLiteral, error) {
	v, err := p.primary()
	if err != nil {
		return v, err
	}
	if t, ok := p.peek(); ok && t.kind == tkOp {
		switch t.text {
		case ",", ")", "]", "}", ":":
		default:
			return PyLiteral{}, fmt.Errorf("unexpected %q", t.text)
		}
	} else if ok {
		return PyLiteral{}, fmt.Errorf("unexpected %q", t.text)
	}
	return v, nil
}

func (p *litParser) primary() (PyLiteral, error) {
	t, ok := p.peek()
	if !ok {
		return PyLiteral{}, errors.New("missing value")
	}
	switch t.kind {
	case tkString:
		var parts []pyTok
		for {
			t, ok := p.peek()
			if !ok || t.kind != tkString {
				break
			}
			parts = append(parts, t)
			p.i++
		}
		return concatStrings(parts)
	case tkNumber:
		p.i++
		return parseNumber(t.text, false)
	case tkName:
		p.i++
		switch t.text {
		case "True", "False", "None":
			k := byte('B')
			if t.text == "None" {
				k = 'N'
			}
			return PyLiteral{kind: k, s: t.text}, nil
		}
		return PyLiteral{}, fmt.Errorf("name %q", t.text)
	}
	switch t.text {
	case "+", "-":
		p.i++
		n, ok := p.peek()
		if !ok || n.kind != tkNumber {
			return PyLiteral{}, fmt.Errorf("unary %q on a non-number", t.text)
		}
		p.i++
		return parseNumber(n.text, t.text == "-")
	case "(":
		p.i++
		if p.isOp(")") {
			p.i++
			return PyLiteral{kind: 't'}, nil
		}
		v, err := p.expr(true)
		if err != nil {
			return v, err
		}
		if !p.isOp(")") {
			return PyLiteral{}, errors.New("expected ')'")
		}
		p.i++
		return v, nil
	case "[":
		p.i++
		items, err := p.seq("]")
		return PyLiteral{kind: 'l', items: items}, err
	case "{":
		p.i++
		if p.isOp("}") {
			p.i++
			return PyLiteral{kind: 'd'}, nil
		}
		first, err := p.atom()
		if err != nil {
			return first, err
		}
		if p.isOp(":") {
			var items []PyLiteral
			key := first
			for {
				if !p.isOp(":") {
					return PyLiteral{}, errors.New("expected ':' in dict")
				}
				p.i++
				val, err := p.atom()
				if err != nil {
					return val, err
				}
				items = append(items, key, val)
				if p.isOp("}") {
					p.i++
					return PyLiteral{kind: 'd', items: dedupeDict(items)}, nil
				}
				if !p.isOp(",") {
					return PyLiteral{}, errors.New("expected ',' or '}' in dict")
				}
				p.i++
				if p.isOp("}") {
					p.i++
					return PyLiteral{kind: 'd', items: dedupeDict(items)}, nil
				}
				if key, err = p.atom(); err != nil {
					return key, err
				}
			}
		}
		items := []PyLiteral{first}
		if p.isOp(",") {
			p.i++
			more, err := p.seq("}")
			if err != nil {
				return PyLiteral{}, err
			}
			items = append(items, more...)
		} else if p.isOp("}") {
			p.i++
		} else {
			return PyLiteral{}, errors.New("expected ',' or '}' in set")
		}
		return PyLiteral{kind: 'S', items: items}, nil
	}
	return PyLiteral{}, fmt.Errorf("unexpected %q", t.text)
}

// dedupeDict keeps the first position and last value of each repeated key,
// as a dict display does.
func dedupeDict(items []PyLiteral) []PyLiteral {
	var out []PyLiteral
	for i := 0; i+1 < len(items); i += 2 {
		k := items[i].repr()
		replaced := false
		for j := 0; j < len(out); j += 2 {
			if out[j].repr() == k {
				out[j+1] = items[i+1]
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, items[i], items[i+1])
		}
	}
	return out
}

// seq parses comma-separated atoms up to the closing bracket.
func (p *litParser) seq(closing string) ([]PyLiteral, error) {
	var items []PyLiteral
	for {
		if p.isOp(closing) {
			p.i++
			return items, nil
		}
		it, err := p.atom()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
		if p.isOp(",") {
			p.i++
			continue
		}
		if !p.isOp(closing) {
			return nil, fmt.Errorf("expected ',' or %q", closing)
		}
	}
}

func parseNumber(text string, neg bool) (PyLiteral, error) {
	t := strings.ToLower(text)
	if strings.HasSuffix(t, "j") {
		return PyLiteral{}, errors.New("complex numbers are not supported")
	}
	if strings.Contains(t, "__") || strings.HasSuffix(t, "_") {
		return PyLiteral{}, fmt.Errorf("invalid number %q", text)
	}
	clean := strings.ReplaceAll(t, "_", "")
	base := 10
	digits := clean
	switch {
	case strings.HasPrefix(clean, "0x"):
		base, digits = 16, clean[2:]
	case strings.HasPrefix(clean, "0o"):
		base, digits = 8, clean[2:]
	case strings.HasPrefix(clean, "0b"):
		base, digits = 2, clean[2:]
	}
	if base != 10 || !strings.ContainsAny(clean, ".e") {
		digits = strings.TrimPrefix(digits, "_")
		if base == 10 && len(digits) > 1 && digits[0] == '0' && strings.Trim(digits, "0") != "" {
			return PyLiteral{}, fmt.Errorf("invalid number %q (leading zeros)", text)
		}
		n, ok := new(big.Int).SetString(digits, base)
		if !ok || digits == "" {
			return PyLiteral{}, fmt.Errorf("invalid number %q", text)
		}
		if neg {
			n.Neg(n)
		}
		return PyLiteral{kind: 'i', s: n.String()}, nil
	}
	f, err := strconv.ParseFloat(clean, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return PyLiteral{}, fmt.Errorf("invalid number %q", text)
	}
	if neg {
		f = -f
	}
	return PyLiteral{kind: 'f', s: pyFloatRepr(f)}, nil
}

// pyFloatRepr formats f as Python's repr(float) does: the shortest digits
// that round-trip, fixed notation for exponents -4 to 15 (with at least one
// fractional digit), scientific notation otherwise.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // "-1.2345e+06"
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	mant, expS, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expS)
	digits := strings.Replace(mant, ".", "", 1)
	if exp >= -4 && exp < 16 {
		if exp >= 0 {
			for len(digits) < exp+1 {
				digits += "0"
			}
			frac := digits[exp+1:]
			if frac == "" {
				frac = "0"
			}
			return sign + digits[:exp+1] + "." + frac
		}
		return sign + "0." + strings.Repeat("0", -exp-1) + digits
	}
	m := digits[:1]
	if len(digits) > 1 {
		m += "." + digits[1:]
	}
	es := "+"
	if exp < 0 {
		es, exp = "-", -exp
	}
	return fmt.Sprintf("%s%se%s%02d", sign, m, es, exp)
}

// concatStrings decodes and joins adjacent string literals.
func concatStrings(parts []pyTok) (PyLiteral, error) {
	var b strings.Builder
	kind := byte(0)
	for _, t := range parts {
		s, k, err := decodePyString(t.text)
		if err != nil {
			return PyLiteral{}, err
		}
		if kind != 0 && k != kind {
			return PyLiteral{}, errors.New("cannot mix bytes and str literals")
		}
		kind = k
		b.WriteString(s)
	}
	return PyLiteral{kind: kind, s: b.String()}, nil
}

// decodePyString decodes one string literal token, returning its value and
// kind ('s' str or 'y' bytes).
func decodePyString(tok string) (string, byte, error) {
	i := 0
	for i < len(tok) && tok[i] != '\'' && tok[i] != '"' {
		i++
	}
	prefix := strings.ToLower(tok[:i])
	body := tok[i:]
	raw := strings.Contains(prefix, "r")
	bytesLit := strings.Contains(prefix, "b")
	if strings.ContainsAny(prefix, "ft") {
		return "", 0, errors.New("f-strings and t-strings are not literals")
	}
	q := 1
	if len(body) >= 6 && (strings.HasPrefix(body, `"""`) || strings.HasPrefix(body, "'''")) {
		q = 3
	}
	if len(body) < 2*q {
		return "", 0, errors.New("malformed string literal")
	}
	body = body[q : len(body)-q]
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	kind := byte('s')
	if bytesLit {
		kind = 'y'
		for j := 0; j < len(body); j++ {
			if body[j] >= 0x80 {
				return "", 0, errors.New("bytes can only contain ASCII literal characters")
			}
		}
	}
	if raw {
		return body, kind, nil
	}
	pk := pystr.Str
	if kind == 'y' {
		pk = pystr.Bytes
	}
	s, err := pystr.Unescape(body, pk)
	if err != nil {
		return "", 0, err
	}
	if kind == 's' && !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\ufffd")
	}
	return s, kind, nil
}
