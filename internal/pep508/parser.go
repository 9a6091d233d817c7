package pep508

// parser is a recursive-descent parser over the context-sensitive tokens
// of scan.go. It follows the reference's grammar and reports the same
// errors at the same spans.
type parser struct {
	s   string
	pos int
}

func (p *parser) errAt(start, end int, msg string) *ParseError {
	return &ParseError{Input: p.s, Start: start, Pos: end, Msg: msg}
}

// expected reports "Expected <what>" at the current position.
func (p *parser) expected(what string) *ParseError {
	return p.errAt(p.pos, p.pos, "Expected "+what)
}

func (p *parser) end() bool { return p.pos == len(p.s) }

func (p *parser) ws() {
	if j := matchWS(p.s, p.pos); j >= 0 {
		p.pos = j
	}
}

func (p *parser) peekByte(c byte) bool { return p.pos < len(p.s) && p.s[p.pos] == c }

// marker = marker_atom (BOOLOP marker_atom)*
func (p *parser) marker() (*expr, error) {
	a, err := p.markerAtom()
	if err != nil {
		return nil, err
	}
	e := &expr{atoms: []atom{a}}
	for {
		j := matchBoolOp(p.s, p.pos)
		if j < 0 {
			return e, nil
		}
		or := p.s[p.pos] == 'o'
		p.pos = j
		a, err := p.markerAtom()
		if err != nil {
			return nil, err
		}
		e.atoms = append(e.atoms, a)
		e.ors = append(e.ors, or)
	}
}

// marker_atom = WS? "(" WS? marker WS? ")" WS? | WS? marker_item WS?
//
// A group of one atom is replaced by that atom: the reference prints such
// a group without its parentheses, so the trees stay one-to-one with the
// canonical strings.
func (p *parser) markerAtom() (atom, error) {
	p.ws()
	var a atom
	if p.peekByte('(') {
		open := p.pos
		p.pos++
		p.ws()
		e, err := p.marker()
		if err != nil {
			return atom{}, err
		}
		p.ws()
		if !p.peekByte(')') {
			return atom{}, p.errAt(open, p.pos, "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression")
		}
		p.pos++
		if len(e.atoms) == 1 {
			a = e.atoms[0]
		} else {
			a = atom{sub: e}
		}
	} else {
		c, err := p.markerItem()
		if err != nil {
			return atom{}, err
		}
		a = atom{c: c}
	}
	p.ws()
	return a, nil
}

// marker_item = WS? marker_var WS? marker_op WS? marker_var WS?
func (p *parser) markerItem() (*cond, error) {
	c := &cond{}
	var err error
	p.ws()
	if c.lvar, c.lval, err = p.markerVar(); err != nil {
		return nil, err
	}
	p.ws()
	if c.op, err = p.markerOp(); err != nil {
		return nil, err
	}
	p.ws()
	if c.rvar, c.rval, err = p.markerVar(); err != nil {
		return nil, err
	}
	p.ws()
	c.normalizeExtras()
	c.plan()
	return c, nil
}

// marker_var = VARIABLE | QUOTED_STRING
func (p *parser) markerVar() (variable, string, error) {
	if j, v := matchVariable(p.s, p.pos); j >= 0 {
		p.pos = j
		return v, "", nil
	}
	if j := matchQuoted(p.s, p.pos); j >= 0 {
		val, ok := unquote(p.s[p.pos:j])
		if !ok {
			return varNone, "", p.errAt(p.pos, j, "Invalid quoted string")
		}
		p.pos = j
		return varNone, val, nil
	}
	return varNone, "", p.expected("a marker variable or quoted string")
}

// marker_op = IN | NOT WS IN | OP
func (p *parser) markerOp() (operator, error) {
	if j := matchKeyword(p.s, p.pos, "in"); j >= 0 {
		p.pos = j
		return opIn, nil
	}
	if j := matchKeyword(p.s, p.pos, "not"); j >= 0 {
		p.pos = j
		j = matchWS(p.s, p.pos)
		if j < 0 {
			return opNone, p.expected("whitespace after 'not'")
		}
		p.pos = j
		j = matchKeyword(p.s, p.pos, "in")
		if j < 0 {
			return opNone, p.expected("'in' after 'not'")
		}
		p.pos = j
		return opNotIn, nil
	}
	if j, op := matchOp(p.s, p.pos); j >= 0 {
		p.pos = j
		return op, nil
	}
	return opNone, p.expected("marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in")
}
