package pep440

import (
	"math/bits"
	"strconv"
	"strings"
)

// Version is a parsed PEP 440 version. It holds the normalized string form
// and a packed comparison key whose byte order is the PEP 440 order, so
// Compare is a string comparison and never allocates.
//
// Version is comparable: v == w means the two have the same normalized
// form. That is stricter than Compare(v, w) == 0, which also holds for
// spellings that differ only by trailing zeros in the release (1.0 and
// 1.0.0; epoch 0 is never written, so 0!1.0 and 1.0 are == as well). Use
// Version as a map key when the spelling matters (for example a file's
// version) and Compare or Equal when only the order matters.
//
// The zero Version is not a valid version; it sorts below every valid one.
type Version struct {
	s   string // normalized form
	key string // comparison key, see appendKey
}

// Parse parses a version as PEP 440 allows it to be written: surrounding
// whitespace, a leading "v", any letter case, the alternate spellings
// alpha/beta/c/pre/preview/rev/r, the separators ".", "-" and "_", implicit
// numbers ("1.0a" is 1.0a0) and the "1.0-1" post-release form.
func Parse(s string) (Version, error) {
	var p parts
	if _, err := parseVersion(s, &p, false); err != nil {
		return Version{}, err
	}
	return p.version(), nil
}

// MustParse is Parse for versions known to be valid (tests, tables). It
// panics on an invalid version.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// version encodes p.
func (p *parts) version() Version {
	var arr [96]byte
	b := p.appendString(arr[:0], false)
	n := len(b)
	b = p.appendKey(b)
	all := string(b)
	return Version{s: all[:n], key: all[n:]}
}

// appendString appends the normalized form of p. With trim set, trailing
// zeros of the release are dropped (one component is always kept).
func (p *parts) appendString(b []byte, trim bool) []byte {
	if p.epoch != 0 {
		b = strconv.AppendUint(b, p.epoch, 10)
		b = append(b, '!')
	}
	rel := p.release()
	if trim {
		rel = trimZeros(rel)
		if len(rel) == 0 {
			rel = p.release()[:1]
		}
	}
	for i, n := range rel {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, n, 10)
	}
	switch p.pre {
	case 'a':
		b = append(b, 'a')
	case 'b':
		b = append(b, 'b')
	case 'r':
		b = append(b, "rc"...)
	}
	if p.pre != 0 {
		b = strconv.AppendUint(b, p.preN, 10)
	}
	if p.hasPost {
		b = append(b, ".post"...)
		b = strconv.AppendUint(b, p.post, 10)
	}
	if p.hasDev {
		b = append(b, ".dev"...)
		b = strconv.AppendUint(b, p.dev, 10)
	}
	if p.local != "" {
		b = append(b, '+')
		b = append(b, p.local...)
	}
	return b
}

func trimZeros(rel []uint64) []uint64 {
	i := len(rel)
	for i > 0 && rel[i-1] == 0 {
		i--
	}
	return rel[:i]
}

// Ranks of the pre-release slot of the key.
const (
	rankDevOnly = 0 // X.devN with no pre- or post-release sorts before X's alphas
	rankAlpha   = 1
	rankBeta    = 2
	rankRC      = 3
	rankFinal   = 4
)

// The comparison key is, in order:
//
//	num(epoch)
//	num(r) for each release component r, trailing zeros dropped; then 0x00
//	pre rank (one byte, see above); num(pre number or 0)
//	post flag (0 or 1); num(post number or 0)
//	dev flag (0 if there is a dev release, 1 if not); num(dev number or 0)
//	for each local segment: 0x01 letters 0x00, or 0x02 num(len) digits
//
// where num(n) is one byte 1+L followed by the L big-endian bytes of n
// (L minimal, 0 for n == 0). Byte order of keys is PEP 440 order. The
// prefix that ends with the pre-release number is shared by a version and
// all its post-releases, which is what the set boundaries of ">V" use.
func (p *parts) appendKey(b []byte) []byte {
	b = p.appendPrefix(b)
	return p.appendSuffix(b)
}

// appendPrefix appends the key up to and including the pre-release number.
func (p *parts) appendPrefix(b []byte) []byte {
	b = appendNum(b, p.epoch)
	for _, n := range trimZeros(p.release()) {
		b = appendNum(b, n)
	}
	b = append(b, 0)
	switch {
	case p.pre == 'a':
		b = append(b, rankAlpha)
	case p.pre == 'b':
		b = append(b, rankBeta)
	case p.pre == 'r':
		b = append(b, rankRC)
	case !p.hasPost && p.hasDev:
		b = append(b, rankDevOnly)
	default:
		b = append(b, rankFinal)
	}
	return appendNum(b, p.preN)
}

// appendSuffix appends the key after the pre-release number.
func (p *parts) appendSuffix(b []byte) []byte {
	if p.hasPost {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = appendNum(b, p.post)
	if p.hasDev {
		b = append(b, 0)
	} else {
		b = append(b, 1)
	}
	b = appendNum(b, p.dev)
	if p.local == "" {
		return b
	}
	l := p.local
	for l != "" {
		seg := l
		if i := strings.IndexByte(l, '.'); i >= 0 {
			seg, l = l[:i], l[i+1:]
		} else {
			l = ""
		}
		if allDigits(seg) {
			b = append(b, 2)
			b = appendNum(b, uint64(len(seg)))
			b = append(b, seg...)
		} else {
			b = append(b, 1)
			b = append(b, seg...)
			b = append(b, 0)
		}
	}
	return b
}

func appendNum(b []byte, n uint64) []byte {
	l := (bits.Len64(n) + 7) / 8
	b = append(b, byte(l+1))
	for i := l - 1; i >= 0; i-- {
		b = append(b, byte(n>>(8*i)))
	}
	return b
}

// readNum decodes num(n) at the start of k.
func readNum(k string) (uint64, string) {
	if k == "" {
		return 0, ""
	}
	l := int(k[0]) - 1
	if l < 0 || l > 8 || len(k) < 1+l {
		return 0, ""
	}
	var n uint64
	for i := 1; i <= l; i++ {
		n = n<<8 | uint64(k[i])
	}
	return n, k[1+l:]
}

// String returns the normalized form of v (PEP 440 "Normalization"):
// lower case, "a"/"b"/"rc" pre-release letters directly after the release,
// ".postN" and ".devN", leading zeros dropped, local segments joined by ".".
func (v Version) String() string { return v.s }

// IsZero reports whether v is the zero Version (not a parsed version).
func (v Version) IsZero() bool { return v.key == "" }

// Compare returns -1, 0 or +1 as v sorts before, equal to or after w in
// PEP 440 order. It does not allocate.
func (v Version) Compare(w Version) int { return strings.Compare(v.key, w.key) }

// Compare returns a.Compare(b); it suits slices.SortFunc.
func Compare(a, b Version) int { return strings.Compare(a.key, b.key) }

// Equal reports whether v and w are equal in PEP 440 order (Compare == 0),
// so 1.0 equals 1.0.0.
func (v Version) Equal(w Version) bool { return v.key == w.key }

// Less reports whether v sorts before w.
func (v Version) Less(w Version) bool { return v.key < w.key }

// parts decodes v's normalized string (which always reparses).
func (v Version) parts(p *parts) {
	if v.s == "" {
		p.setRelease(nil)
		return
	}
	_, _ = parseVersion(v.s, p, false)
}

// suffix decodes the pre/post/dev slots of the key.
type suffix struct {
	epoch          uint64
	rank           byte
	preN           uint64
	hasPost        bool
	post           uint64
	hasDev         bool
	dev            uint64
	afterSuffixKey string
}

func decodeSuffix(k string) (s suffix, ok bool) {
	if k == "" {
		return s, false
	}
	s.epoch, k = readNum(k)
	for k != "" && k[0] != 0 {
		_, k = readNum(k)
	}
	if len(k) < 2 {
		return s, false
	}
	s.rank = k[1]
	s.preN, k = readNum(k[2:])
	if len(k) < 1 {
		return s, false
	}
	s.hasPost = k[0] == 1
	s.post, k = readNum(k[1:])
	if len(k) < 1 {
		return s, false
	}
	s.hasDev = k[0] == 0
	s.dev, k = readNum(k[1:])
	s.afterSuffixKey = k
	return s, true
}

// Epoch returns the epoch (0 when none is written).
func (v Version) Epoch() int {
	n, _ := readNum(v.key)
	return int(n)
}

// Release returns the release numbers as written (trailing zeros kept).
func (v Version) Release() []int {
	var p parts
	v.parts(&p)
	out := make([]int, len(p.release()))
	for i, n := range p.release() {
		out[i] = int(n)
	}
	return out
}

// Pre returns the pre-release kind ("a", "b" or "rc") and number, with ok
// false when v is not an a/b/rc pre-release (a dev release alone is not).
func (v Version) Pre() (kind string, n int, ok bool) {
	s, _ := decodeSuffix(v.key)
	switch s.rank {
	case rankAlpha:
		return "a", int(s.preN), true
	case rankBeta:
		return "b", int(s.preN), true
	case rankRC:
		return "rc", int(s.preN), true
	}
	return "", 0, false
}

// Post returns the post-release number, with ok false when there is none.
func (v Version) Post() (int, bool) {
	s, _ := decodeSuffix(v.key)
	return int(s.post), s.hasPost
}

// Dev returns the development release number, with ok false when there is
// none.
func (v Version) Dev() (int, bool) {
	s, _ := decodeSuffix(v.key)
	return int(s.dev), s.hasDev
}

// Local returns the normalized local version label (after "+"), or "".
func (v Version) Local() string {
	if i := strings.IndexByte(v.s, '+'); i >= 0 {
		return v.s[i+1:]
	}
	return ""
}

// Public returns v without its local version label.
func (v Version) Public() Version {
	if strings.IndexByte(v.s, '+') < 0 {
		return v
	}
	var p parts
	v.parts(&p)
	p.local = ""
	return p.version()
}

// BaseVersion returns v's epoch and release only (no pre-, post-, dev- or
// local segment).
func (v Version) BaseVersion() Version {
	var p parts
	v.parts(&p)
	if p.pre == 0 && !p.hasPost && !p.hasDev && p.local == "" {
		return v
	}
	p.pre, p.preN, p.hasPost, p.post, p.hasDev, p.dev, p.local = 0, 0, false, 0, false, 0, ""
	return p.version()
}

// IsPrerelease reports whether v is a pre-release: an a/b/rc release or a
// development release (PEP 440 treats both as pre-releases).
func (v Version) IsPrerelease() bool {
	s, ok := decodeSuffix(v.key)
	return ok && (s.rank != rankFinal || s.hasDev)
}

// IsPostrelease reports whether v has a post-release segment.
func (v Version) IsPostrelease() bool {
	s, _ := decodeSuffix(v.key)
	return s.hasPost
}

// IsDevrelease reports whether v has a development release segment.
func (v Version) IsDevrelease() bool {
	s, _ := decodeSuffix(v.key)
	return s.hasDev
}

// MarshalText returns the normalized form.
func (v Version) MarshalText() ([]byte, error) { return []byte(v.s), nil }

// UnmarshalText parses text with Parse.
func (v *Version) UnmarshalText(text []byte) error {
	w, err := Parse(string(text))
	if err != nil {
		return err
	}
	*v = w
	return nil
}

// CanonicalizeVersion returns the canonical form of a version string used
// to compare file names (packaging's canonicalize_version): the normalized
// form with trailing zeros of the release dropped ("1.0.0" becomes "1").
// A string that is not a valid version is returned unchanged.
func CanonicalizeVersion(s string) string {
	var p parts
	if _, err := parseVersion(s, &p, false); err != nil {
		return s
	}
	var arr [96]byte
	return string(p.appendString(arr[:0], true))
}

// Canonical returns v's normalized form with trailing zeros of the release
// dropped, as CanonicalizeVersion does.
func (v Version) Canonical() string {
	return CanonicalizeVersion(v.s)
}
