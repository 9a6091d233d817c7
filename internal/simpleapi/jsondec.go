package simpleapi

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeProjectJSON fills jp from a PEP 691 project page in one pass.
//
// It reads the keys the standard defines, matched exactly as PEP 691
// spells them, with the meaning generic JSON decoding gives them: a
// repeated key's last value wins whole, and null is the same as an absent
// key. Every other value is checked for syntax and skipped. encoding/json scans a document twice and reflects on
// every field; index pages run to megabytes (cryptography's lists 3,700
// files), and their decoding was most of a resolve's CPU time.
// FuzzDecodeProjectJSON checks it against encoding/json.
func decodeProjectJSON(data []byte, jp *jsonProject) error {
	d := decoder{data: data}
	d.ws()
	err := d.object(func(key string) error {
		switch key {
		case "meta":
			jp.Meta = jsonMeta{}
			return d.nullOr(func() error {
				return d.object(func(key string) error {
					if key == "api-version" {
						return d.optString(&jp.Meta.APIVersion)
					}
					return d.skip()
				})
			})
		case "name":
			return d.optString(&jp.Name)
		case "versions":
			jp.Versions = nil
			return d.nullOr(func() error {
				jp.Versions = []string{}
				return d.array(func() error {
					var v string
					if err := d.optString(&v); err != nil {
						return err
					}
					jp.Versions = append(jp.Versions, v)
					return nil
				})
			})
		case "files":
			jp.Files = nil
			return d.nullOr(func() error {
				jp.Files = make([]jsonFile, 0, 64)
				return d.array(func() error {
					var f jsonFile
					if err := d.nullOr(func() error { return d.file(&f) }); err != nil {
						return err
					}
					jp.Files = append(jp.Files, f)
					return nil
				})
			})
		}
		return d.skip()
	})
	if err != nil {
		return err
	}
	d.ws()
	if d.pos != len(d.data) {
		return d.errorf("data after the top-level value")
	}
	return nil
}

func (d *decoder) file(f *jsonFile) error {
	return d.object(func(key string) error {
		switch key {
		case "filename":
			return d.optString(&f.Filename)
		case "url":
			return d.optString(&f.URL)
		case "hashes":
			f.Hashes = nil
			return d.nullOr(func() error {
				f.Hashes = map[string]string{}
				return d.object(func(key string) error {
					var v string
					if err := d.optString(&v); err != nil {
						return err
					}
					f.Hashes[key] = v
					return nil
				})
			})
		case "requires-python":
			return d.optStringPtr(&f.RequiresPython)
		case "upload-time":
			return d.optStringPtr(&f.UploadTime)
		case "size":
			if d.null() {
				f.Size = nil
				return nil
			}
			n, err := d.int()
			if err != nil {
				return err
			}
			f.Size = &n
			return nil
		case "core-metadata":
			return d.loose(&f.CoreMetadata)
		case "dist-info-metadata":
			return d.loose(&f.DistInfoMetadata)
		case "yanked":
			return d.loose(&f.Yanked)
		}
		return d.skip()
	})
}

// decoder reads JSON from data, one value at a time.
type decoder struct {
	data  []byte
	pos   int
	depth int
}

// maxDepth bounds nesting, as encoding/json's does, so that a hostile
// page cannot exhaust the stack.
const maxDepth = 10000

func (d *decoder) enter() error {
	d.depth++
	if d.depth > maxDepth {
		return d.errorf("nesting deeper than %d", maxDepth)
	}
	return nil
}

var errEnd = errors.New("unexpected end of JSON input")

func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", d.pos, fmt.Sprintf(format, args...))
}

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte without consuming it.
func (d *decoder) peek() (byte, error) {
	d.ws()
	if d.pos >= len(d.data) {
		return 0, errEnd
	}
	return d.data[d.pos], nil
}

// null consumes a null literal if one is next.
func (d *decoder) null() bool {
	c, err := d.peek()
	if err != nil || c != 'n' {
		return false
	}
	if d.pos+4 <= len(d.data) && string(d.data[d.pos:d.pos+4]) == "null" {
		d.pos += 4
		return true
	}
	return false
}

// nullOr consumes null, or runs fn for any other value.
func (d *decoder) nullOr(fn func() error) error {
	if d.null() {
		return nil
	}
	return fn()
}

// object reads an object, calling field for each key with the decoder
// positioned at the key's value, which field must consume.
func (d *decoder) object(field func(key string) error) error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	if c != '{' {
		return d.errorf("expected an object")
	}
	if err := d.enter(); err != nil {
		return err
	}
	defer func() { d.depth-- }()
	d.pos++
	c, err = d.peek()
	if err != nil {
		return err
	}
	if c == '}' {
		d.pos++
		return nil
	}
	for {
		c, err := d.peek()
		if err != nil {
			return err
		}
		if c != '"' {
			return d.errorf("expected a key")
		}
		key, err := d.str()
		if err != nil {
			return err
		}
		if c, err = d.peek(); err != nil {
			return err
		}
		if c != ':' {
			return d.errorf("expected ':' after a key")
		}
		d.pos++
		if err := field(key); err != nil {
			return err
		}
		if c, err = d.peek(); err != nil {
			return err
		}
		d.pos++
		switch c {
		case ',':
		case '}':
			return nil
		default:
			d.pos--
			return d.errorf("expected ',' or '}' in an object")
		}
	}
}

// array reads an array, calling elem with the decoder at each element.
func (d *decoder) array(elem func() error) error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	if c != '[' {
		return d.errorf("expected an array")
	}
	if err := d.enter(); err != nil {
		return err
	}
	defer func() { d.depth-- }()
	d.pos++
	if c, err = d.peek(); err != nil {
		return err
	}
	if c == ']' {
		d.pos++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		if c, err = d.peek(); err != nil {
			return err
		}
		d.pos++
		switch c {
		case ',':
		case ']':
			return nil
		default:
			d.pos--
			return d.errorf("expected ',' or ']' in an array")
		}
	}
}

// optString reads a string into *s; null sets "".
func (d *decoder) optString(s *string) error {
	if d.null() {
		*s = ""
		return nil
	}
	c, err := d.peek()
	if err != nil {
		return err
	}
	if c != '"' {
		return d.errorf("expected a string")
	}
	v, err := d.str()
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// optStringPtr reads a string into a new *string; null sets nil.
func (d *decoder) optStringPtr(p **string) error {
	if d.null() {
		*p = nil
		return nil
	}
	var s string
	if err := d.optString(&s); err != nil {
		return err
	}
	*p = &s
	return nil
}

// loose reads a value of any type into *v as encoding/json decodes into
// an interface: bool, string, float64, nil, []any or map[string]any.
func (d *decoder) loose(v *any) error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	switch c {
	case 'n':
		if !d.null() {
			return d.errorf("invalid literal")
		}
		*v = nil
	case 't', 'f':
		b, err := d.boolean()
		if err != nil {
			return err
		}
		*v = b
	case '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		*v = s
	case '{':
		m := map[string]any{}
		err := d.object(func(key string) error {
			var e any
			if err := d.loose(&e); err != nil {
				return err
			}
			m[key] = e
			return nil
		})
		if err != nil {
			return err
		}
		*v = m
	case '[':
		a := []any{}
		err := d.array(func() error {
			var e any
			if err := d.loose(&e); err != nil {
				return err
			}
			a = append(a, e)
			return nil
		})
		if err != nil {
			return err
		}
		*v = a
	default:
		tok, err := d.number()
		if err != nil {
			return err
		}
		f, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return d.errorf("number %s out of range", tok)
		}
		*v = f
	}
	return nil
}

func (d *decoder) boolean() (bool, error) {
	rest := d.data[d.pos:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		d.pos += 4
		return true, nil
	case len(rest) >= 5 && string(rest[:5]) == "false":
		d.pos += 5
		return false, nil
	}
	return false, d.errorf("invalid literal")
}

// int reads a number that must be an integer fitting in int64.
func (d *decoder) int() (int64, error) {
	if _, err := d.peek(); err != nil {
		return 0, err
	}
	tok, err := d.number()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(tok, 10, 64)
	if err != nil {
		return 0, d.errorf("number %s is not an integer", tok)
	}
	return n, nil
}

// number reads a JSON number token (RFC 8259 grammar).
func (d *decoder) number() (string, error) {
	start := d.pos
	i := d.pos
	data := d.data
	digits := func() int {
		n := 0
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case digits() == 0:
		return "", d.errorf("invalid value")
	}
	if i < len(data) && data[i] == '.' {
		i++
		if digits() == 0 {
			return "", d.errorf("invalid number")
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if digits() == 0 {
			return "", d.errorf("invalid number")
		}
	}
	d.pos = i
	return string(data[start:i]), nil
}

// skip consumes one value of any type, checking its syntax.
func (d *decoder) skip() error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	switch c {
	case '{':
		return d.object(func(string) error { return d.skip() })
	case '[':
		return d.array(d.skip)
	case '"':
		_, err := d.str()
		return err
	case 't', 'f':
		_, err := d.boolean()
		return err
	case 'n':
		if !d.null() {
			return d.errorf("invalid literal")
		}
		return nil
	}
	_, err = d.number()
	return err
}

// str reads a string (the decoder at its opening quote). Invalid UTF-8
// and unpaired surrogates become U+FFFD, as encoding/json does.
func (d *decoder) str() (string, error) {
	d.pos++ // the quote
	start := d.pos
	data := d.data
	// Fast path: printable ASCII up to the closing quote.
	for i := start; i < len(data); i++ {
		c := data[i]
		if c == '"' {
			d.pos = i + 1
			return string(data[start:i]), nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	buf := make([]byte, 0, 64)
	i := start
	for {
		if i >= len(data) {
			d.pos = i
			return "", errEnd
		}
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return string(buf), nil
		case c < 0x20:
			d.pos = i
			return "", d.errorf("control character in a string")
		case c == '\\':
			if i+1 >= len(data) {
				d.pos = i
				return "", errEnd
			}
			e := data[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := hex4(data, i)
				if !ok {
					d.pos = i
					return "", d.errorf("invalid \\u escape")
				}
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok2 := rune(-1), false
					if i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
						r2, ok2 = hex4(data, i+2)
					}
					if ok2 {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							i += 6
							buf = utf8.AppendRune(buf, dec)
							break
						}
					}
					r = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, r)
			default:
				d.pos = i - 1
				return "", d.errorf("invalid escape")
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			i += size
			buf = utf8.AppendRune(buf, r) // RuneError for invalid bytes
		}
	}
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}
