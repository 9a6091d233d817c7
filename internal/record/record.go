// Package record reads and writes the RECORD file of a wheel and of an
// installed distribution: the binary distribution format specification
// (https://packaging.python.org/en/latest/specifications/binary-distribution-format/),
// PEP 376 and PEP 627 (recording installed projects).
//
// RECORD is CSV in the dialect of Python's csv module (comma separated,
// fields quoted with '"' only when they hold a comma, a quote, CR or LF,
// quotes doubled inside quotes). Each row is a path, a hash
// "algorithm=urlsafe-base64-digest-without-padding" and a size in bytes;
// hash and size are empty for RECORD itself and for files written at
// install time (.pyc).
//
// Invariants:
//   - Parse accepts what Python's csv reader accepts for the excel dialect
//     (LF, CRLF or CR line ends, blank lines skipped), requires a non-empty
//     path and at most three fields, and checks every hash and size; errors
//     carry the line number.
//   - Only sha256, sha384 and sha512 hashes are accepted; md5 and sha1 are
//     refused (ErrWeakHash) as the specification requires, other names are
//     unsupported (ErrUnsupportedHash).
//   - Write and WriteLF keep the caller's order of entries (sort them first
//     for a reproducible wheel); parse(write(entries)) == entries.
//   - Verification errors name the path and both hashes and sizes.
package record

import (
	"bufio"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Hash algorithms allowed in RECORD.
const (
	SHA256 = "sha256"
	SHA384 = "sha384"
	SHA512 = "sha512"
)

// ErrWeakHash is matched (errors.Is) by the error for an md5 or sha1 hash,
// which RECORD must not use.
var ErrWeakHash = errors.New("hash algorithm too weak for RECORD")

// ErrUnsupportedHash is matched by the error for any other algorithm that
// is not sha256, sha384 or sha512.
var ErrUnsupportedHash = errors.New("unsupported hash algorithm")

// Hash is a digest with the name of its algorithm.
type Hash struct {
	Algorithm string
	Digest    []byte
}

// IsZero reports whether h is empty (no hash recorded).
func (h Hash) IsZero() bool { return h.Algorithm == "" && len(h.Digest) == 0 }

// Equal reports whether h and o are the same algorithm and digest.
func (h Hash) Equal(o Hash) bool {
	return h.Algorithm == o.Algorithm && string(h.Digest) == string(o.Digest)
}

// String returns the RECORD form "sha256=<urlsafe base64, no padding>", or
// "" for the zero Hash.
func (h Hash) String() string {
	if h.IsZero() {
		return ""
	}
	return h.Algorithm + "=" + base64.RawURLEncoding.EncodeToString(h.Digest)
}

// digestSize is the digest length of each allowed algorithm.
func digestSize(alg string) (int, error) {
	switch alg {
	case SHA256:
		return sha256.Size, nil
	case SHA384:
		return sha512.Size384, nil
	case SHA512:
		return sha512.Size, nil
	case "md5", "sha1":
		return 0, fmt.Errorf("%w: %s", ErrWeakHash, alg)
	default:
		return 0, fmt.Errorf("%w: %q", ErrUnsupportedHash, alg)
	}
}

// ParseHash parses "algorithm=digest" with the digest in URL-safe base64.
// The algorithm name is case-insensitive; trailing "=" padding is
// tolerated; the digest must have the algorithm's length.
func ParseHash(s string) (Hash, error) {
	alg, digest, ok := strings.Cut(s, "=")
	if !ok {
		return Hash{}, fmt.Errorf("hash %q: want algorithm=digest", s)
	}
	alg = strings.ToLower(alg)
	size, err := digestSize(alg)
	if err != nil {
		return Hash{}, fmt.Errorf("hash %q: %w", s, err)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimRight(digest, "="))
	if err != nil {
		return Hash{}, fmt.Errorf("hash %q: digest is not URL-safe base64: %w", s, err)
	}
	if len(raw) != size {
		return Hash{}, fmt.Errorf("hash %q: %s digest has %d bytes, want %d", s, alg, len(raw), size)
	}
	return Hash{Algorithm: alg, Digest: raw}, nil
}

// Entry is one row of RECORD.
type Entry struct {
	// Path is the file's path, "/"-separated, relative to the wheel root
	// or to site-packages (installed files elsewhere start with "../").
	Path string
	// Hash is the file's hash; zero for RECORD itself and .pyc files.
	Hash Hash
	// Size is the file's size in bytes, or -1 when not recorded.
	Size int64
}

// HasSize reports whether the entry records a size.
func (e Entry) HasSize() bool { return e.Size >= 0 }

// ParseError is an error in RECORD, with the line the row starts on.
type ParseError struct {
	Line int
	Err  error
}

// Error implements the error interface.
func (e *ParseError) Error() string { return fmt.Sprintf("RECORD line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads a RECORD file.
func Parse(r io.Reader) ([]Entry, error) {
	cr := csvReader{r: bufio.NewReader(r), line: 1}
	var entries []Entry
	for {
		line := cr.line
		fields, err := cr.readRow()
		if err == io.EOF {
			return entries, nil
		}
		if err != nil {
			return nil, &ParseError{line, err}
		}
		if len(fields) == 0 {
			continue // a blank line
		}
		e, err := entryFromFields(fields)
		if err != nil {
			return nil, &ParseError{line, err}
		}
		entries = append(entries, e)
	}
}

func entryFromFields(fields []string) (Entry, error) {
	if len(fields) > 3 {
		return Entry{}, fmt.Errorf("%d fields, want path,hash,size", len(fields))
	}
	for len(fields) < 3 {
		fields = append(fields, "")
	}
	e := Entry{Path: fields[0], Size: -1}
	if e.Path == "" {
		return Entry{}, errors.New("empty path")
	}
	if !utf8.ValidString(e.Path) {
		return Entry{}, fmt.Errorf("path %q is not UTF-8", e.Path)
	}
	if fields[1] != "" {
		h, err := ParseHash(fields[1])
		if err != nil {
			return Entry{}, fmt.Errorf("%s: %w", e.Path, err)
		}
		e.Hash = h
	}
	if s := fields[2]; s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || s[0] == '+' || s[0] == '-' {
			return Entry{}, fmt.Errorf("%s: size %q is not a non-negative integer", e.Path, s)
		}
		e.Size = n
	}
	return e, nil
}

// csvReader reads rows the way Python's csv.reader does with the excel
// dialect and strict quoting.
type csvReader struct {
	r    *bufio.Reader
	line int
}

// readRow returns the next row's fields, an empty slice for a blank line,
// or io.EOF.
func (c *csvReader) readRow() ([]string, error) {
	var fields []string
	var field strings.Builder
	quoted := false    // inside a quoted field
	wasQuoted := false // the current field was quoted and has been closed
	started := false   // any byte of this row was read
	for {
		b, err := c.r.ReadByte()
		if err == io.EOF {
			if quoted {
				return nil, errors.New("unexpected end of file in a quoted field")
			}
			if !started {
				return nil, io.EOF
			}
			return append(fields, field.String()), nil
		}
		if err != nil {
			return nil, err
		}
		if quoted {
			switch b {
			case '"':
				next, err := c.r.ReadByte()
				if err == nil && next == '"' {
					field.WriteByte('"')
					continue
				}
				if err == nil {
					c.r.UnreadByte()
				}
				quoted, wasQuoted = false, true
			case '\n':
				c.line++
				field.WriteByte(b)
			default:
				field.WriteByte(b)
			}
			continue
		}
		switch b {
		case ',':
			started = true
			fields = append(fields, field.String())
			field.Reset()
			wasQuoted = false
		case '\r', '\n':
			c.line++
			if b == '\r' {
				if next, err := c.r.ReadByte(); err == nil && next != '\n' {
					c.r.UnreadByte()
				}
			}
			if !started {
				return []string{}, nil
			}
			return append(fields, field.String()), nil
		case '"':
			started = true
			if wasQuoted {
				return nil, errors.New(`'"' after a closing quote: want ','`)
			}
			if field.Len() == 0 {
				quoted = true
			} else {
				field.WriteByte(b) // a quote inside an unquoted field is literal
			}
		default:
			started = true
			if wasQuoted {
				return nil, fmt.Errorf("%q after a closing quote: want ','", rune(b))
			}
			field.WriteByte(b)
		}
	}
}

// Write writes entries as RECORD in the given order with "\r\n" line ends,
// byte for byte what pip writes for an installed distribution (Python's
// csv.writer with its default dialect).
func Write(w io.Writer, entries []Entry) error { return write(w, entries, "\r\n") }

// WriteLF is Write with "\n" line ends, as wheel builders write RECORD
// inside a wheel.
func WriteLF(w io.Writer, entries []Entry) error { return write(w, entries, "\n") }

func write(w io.Writer, entries []Entry, eol string) error {
	bw := bufio.NewWriter(w)
	for _, e := range entries {
		if e.Path == "" {
			return errors.New("writing RECORD: entry with an empty path")
		}
		size := ""
		if e.Size >= 0 {
			size = strconv.FormatInt(e.Size, 10)
		}
		bw.WriteString(quoteField(e.Path))
		bw.WriteByte(',')
		bw.WriteString(quoteField(e.Hash.String()))
		bw.WriteByte(',')
		bw.WriteString(size)
		bw.WriteString(eol)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing RECORD: %w", err)
	}
	return nil
}

// quoteField quotes s as csv.QUOTE_MINIMAL does.
func quoteField(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// Hasher computes the hash and size of a file as it is written to it.
type Hasher struct {
	alg string
	h   hash.Hash
	n   int64
}

// NewHasher returns a Hasher for one of the allowed algorithms.
func NewHasher(algorithm string) (*Hasher, error) {
	var h hash.Hash
	switch algorithm {
	case SHA256:
		h = sha256.New()
	case SHA384:
		h = sha512.New384()
	case SHA512:
		h = sha512.New()
	default:
		if _, err := digestSize(algorithm); err != nil {
			return nil, err
		}
	}
	return &Hasher{alg: algorithm, h: h}, nil
}

// NewSHA256 returns a sha256 Hasher, the algorithm RECORD files normally use.
func NewSHA256() *Hasher { return &Hasher{alg: SHA256, h: sha256.New()} }

// Write hashes p; it never fails.
func (h *Hasher) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	return h.h.Write(p)
}

// Hash returns the hash of everything written so far.
func (h *Hasher) Hash() Hash { return Hash{Algorithm: h.alg, Digest: h.h.Sum(nil)} }

// Size returns the number of bytes written so far.
func (h *Hasher) Size() int64 { return h.n }

// Entry returns the RECORD entry for path with what was written so far.
func (h *Hasher) Entry(path string) Entry { return Entry{Path: path, Hash: h.Hash(), Size: h.n} }

// Verify checks what was written against e (see Verify).
func (h *Hasher) Verify(e Entry) error { return Verify(e, h.Hash(), h.n) }

// NewHasher returns a Hasher with e's algorithm (sha256 when e records no
// hash), ready to check the file against e.
func (e Entry) NewHasher() (*Hasher, error) {
	if e.Hash.IsZero() {
		return NewSHA256(), nil
	}
	return NewHasher(e.Hash.Algorithm)
}

// MismatchError reports a file whose content does not match its RECORD
// entry.
type MismatchError struct {
	Path     string
	Want     Hash  // from RECORD; zero when RECORD has no hash
	Got      Hash  // of the file
	WantSize int64 // from RECORD; -1 when RECORD has no size
	GotSize  int64
}

// Error implements the error interface.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("%s does not match RECORD: RECORD has %s (size %s), file has %s (size %d)",
		e.Path, orNone(e.Want.String()), sizeString(e.WantSize), orNone(e.Got.String()), e.GotSize)
}

func orNone(s string) string {
	if s == "" {
		return "no hash"
	}
	return s
}

func sizeString(n int64) string {
	if n < 0 {
		return "not recorded"
	}
	return strconv.FormatInt(n, 10)
}

// Verify checks a file's hash and size against its entry. A hash or size
// that e does not record is not checked. When e records a hash, got must
// use the same algorithm (make it with e.NewHasher).
func Verify(e Entry, got Hash, size int64) error {
	mismatch := (e.Size >= 0 && e.Size != size) ||
		(!e.Hash.IsZero() && !e.Hash.Equal(got))
	if !mismatch {
		return nil
	}
	if !e.Hash.IsZero() && e.Hash.Algorithm != got.Algorithm {
		return fmt.Errorf("%s: RECORD has a %s hash but the file was hashed with %s", e.Path, e.Hash.Algorithm, orNone(got.Algorithm))
	}
	return &MismatchError{Path: e.Path, Want: e.Hash, Got: got, WantSize: e.Size, GotSize: size}
}
