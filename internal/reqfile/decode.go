package reqfile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// boms are the byte-order marks pip honours, longest first where one is a
// prefix of another (UTF-32 LE starts like UTF-16 LE).
var boms = [...]struct {
	mark string
	enc  string
}{
	{"\xef\xbb\xbf", "utf-8"},
	{"\x00\x00\xfe\xff", "utf-32-be"},
	{"\xff\xfe\x00\x00", "utf-32-le"},
	{"\xfe\xff", "utf-16-be"},
	{"\xff\xfe", "utf-16-le"},
}

// errUnknownEncoding is wrapped by errors naming an encoding ferry does not
// know.
var errUnknownEncoding = errors.New("unknown encoding")

// decodeError says why the bytes of a file could not be decoded; line is
// the 1-based line of the offending byte when known, else 0.
type decodeError struct {
	line int
	msg  string
	err  error
}

func (e *decodeError) Error() string { return e.msg }
func (e *decodeError) Unwrap() error { return e.err }

// decode turns the bytes of a requirements file into text as pip's
// auto_decode does: a byte-order mark wins; otherwise a PEP 263 coding
// declaration ("# -*- coding: latin-1 -*-", a line starting with '#' among
// the first two) names the encoding; otherwise the data must be UTF-8, and
// when it is not, fallback (pip's locale encoding) is tried and a warning
// returned (as a *decodeError that is not an error).
func decode(data []byte, fallback string) (text string, warning *decodeError, err error) {
	for _, b := range boms {
		if bytes.HasPrefix(data, []byte(b.mark)) {
			s, err := decodeAs(b.enc, data[len(b.mark):])
			return s, nil, err
		}
	}
	if name, line, ok := codingDeclaration(data); ok {
		s, err := decodeAs(name, data)
		if err != nil {
			return "", nil, &decodeError{line: line, msg: fmt.Sprintf("decoding as %s (declared on line %d): %v", name, line, err), err: err}
		}
		return s, nil, nil
	}
	if utf8.Valid(data) {
		return string(data), nil, nil
	}
	off := firstInvalidUTF8(data)
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	if fallback == "" {
		fallback = "latin-1"
	}
	s, ferr := decodeAs(fallback, data)
	if ferr != nil {
		return "", nil, &decodeError{line: line, msg: fmt.Sprintf("invalid UTF-8 (byte %#02x at offset %d), and the fallback encoding %s cannot decode it either: %v", data[off], off, fallback, ferr), err: ferr}
	}
	return s, &decodeError{line: line, msg: fmt.Sprintf("invalid UTF-8 (byte %#02x); decoded as %s instead", data[off], fallback)}, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// codingDeclaration finds a PEP 263 declaration: among the first two lines,
// one that starts with '#' and contains "coding" followed by ':' or '=',
// optional whitespace and a name of letters, digits, '-', '_' or '.'.
func codingDeclaration(data []byte) (name string, line int, ok bool) {
	lines := bytes.SplitN(data, []byte("\n"), 3)
	for i, l := range lines[:min(2, len(lines))] {
		if len(l) == 0 || l[0] != '#' {
			continue
		}
		for rest := l; ; {
			k := bytes.Index(rest, []byte("coding"))
			if k < 0 {
				break
			}
			rest = rest[k+len("coding"):]
			if len(rest) == 0 || (rest[0] != ':' && rest[0] != '=') {
				continue
			}
			j := 1
			for j < len(rest) && strings.IndexByte(" \t\n\r\f\v", rest[j]) >= 0 {
				j++
			}
			e := j
			for e < len(rest) && isCodingNameByte(rest[e]) {
				e++
			}
			if e > j {
				return string(rest[j:e]), i + 1, true
			}
		}
	}
	return "", 0, false
}

func isCodingNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

// decodeAs decodes data with the encoding Python would look up for name.
func decodeAs(name string, data []byte) (string, error) {
	n := strings.ToLower(strings.NewReplacer("_", "-", " ", "-").Replace(name))
	switch n {
	case "utf-8", "utf8", "u8", "utf", "cp65001":
		if !utf8.Valid(data) {
			off := firstInvalidUTF8(data)
			return "", fmt.Errorf("invalid UTF-8 byte %#02x at offset %d", data[off], off)
		}
		return string(data), nil
	case "utf-8-sig", "utf8-sig":
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		return decodeAs("utf-8", data)
	case "ascii", "us-ascii", "646", "us":
		for i, c := range data {
			if c >= 0x80 {
				return "", fmt.Errorf("byte %#02x at offset %d is not ASCII", c, i)
			}
		}
		return string(data), nil
	case "latin-1", "latin1", "latin", "l1", "iso-8859-1", "iso8859-1", "8859", "cp819", "iso-ir-100":
		return decodeWith(charmap.ISO8859_1, data)
	}
	enc := pythonEncoding(n)
	if enc == nil {
		return "", fmt.Errorf("%w %q", errUnknownEncoding, name)
	}
	return decodeWith(enc, data)
}

// pythonEncoding maps a normalized Python codec name to an encoding.
func pythonEncoding(n string) encoding.Encoding {
	switch n {
	case "utf-16", "utf16":
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	case "utf-16-le", "utf-16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case "utf-16-be", "utf-16be":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	case "utf-32", "utf32":
		return utf32.UTF32(utf32.LittleEndian, utf32.UseBOM)
	case "utf-32-le", "utf-32le":
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)
	case "utf-32-be", "utf-32be":
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)
	}
	cands := []string{n}
	// Python spells "iso8859-15", "cp1252", "latin-9"; IANA "iso-8859-15",
	// "windows-1252".
	if rest, ok := strings.CutPrefix(n, "iso8859-"); ok {
		cands = append(cands, "iso-8859-"+rest)
	}
	if rest, ok := strings.CutPrefix(n, "cp"); ok {
		cands = append(cands, "windows-"+rest, "ibm"+rest)
	}
	if rest, ok := strings.CutPrefix(n, "windows"); ok && !strings.HasPrefix(rest, "-") {
		cands = append(cands, "windows-"+rest)
	}
	for _, c := range cands {
		if e, err := ianaindex.IANA.Encoding(c); err == nil && e != nil {
			return e
		}
	}
	return nil
}

func decodeWith(enc encoding.Encoding, data []byte) (string, error) {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
