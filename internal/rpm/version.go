package rpm

import (
	"fmt"
	"strconv"
	"strings"

	"ferry/internal/pep440"
)

// Version is an RPM epoch-version-release, written [epoch:]version[-release].
// The zero Version is not valid.
type Version struct {
	// Epoch is the package epoch, 0 when none is written.
	Epoch int
	// Version holds letters, digits and ". _ + ~ ^", and no "-".
	Version string
	// Release is the packaging release ("1"), "" for none; same characters.
	Release string
}

// VersionError reports a string that is not a valid RPM version.
type VersionError struct {
	Version string
	Reason  string
}

// Error describes the invalid version.
func (e *VersionError) Error() string {
	return fmt.Sprintf("invalid RPM version %q: %s", e.Version, e.Reason)
}

func validEVRPart(s string) error {
	if s == "" {
		return fmt.Errorf("empty")
	}
	for _, c := range []byte(s) {
		if !isAlnum(c) && !strings.ContainsRune("._+~^", rune(c)) {
			return fmt.Errorf("contains %q", c)
		}
	}
	return nil
}

// ParseVersion parses [epoch:]version[-release] as rpm writes it: a decimal
// epoch without leading zeros (or "0", which parses to none), a version and
// an optional release, both of letters, digits and ". _ + ~ ^".
func ParseVersion(s string) (Version, error) {
	bad := func(reason string) (Version, error) { return Version{}, &VersionError{Version: s, Reason: reason} }
	var v Version
	rest := s
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		ep := rest[:i]
		if !isDigits(ep) || (len(ep) > 1 && ep[0] == '0') {
			return bad("epoch is not a number")
		}
		n, err := strconv.Atoi(ep)
		if err != nil || n > maxEpoch {
			return bad("epoch out of range")
		}
		v.Epoch = n
		rest = rest[i+1:]
	}
	if i := strings.IndexByte(rest, '-'); i >= 0 {
		v.Release = rest[i+1:]
		rest = rest[:i]
		if err := validEVRPart(v.Release); err != nil {
			return bad("release " + err.Error())
		}
	}
	v.Version = rest
	if err := validEVRPart(rest); err != nil {
		return bad("version " + err.Error())
	}
	return v, nil
}

// String returns [epoch:]version[-release].
func (v Version) String() string {
	var b strings.Builder
	if v.Epoch > 0 {
		b.WriteString(strconv.Itoa(v.Epoch))
		b.WriteByte(':')
	}
	b.WriteString(v.Version)
	if v.Release != "" {
		b.WriteByte('-')
		b.WriteString(v.Release)
	}
	return b.String()
}

// CompareVersions orders two versions as rpm does: by epoch, then version,
// then release, each compared with rpmvercmp (see Vercmp).
func CompareVersions(a, b Version) int {
	switch {
	case a.Epoch < b.Epoch:
		return -1
	case a.Epoch > b.Epoch:
		return 1
	}
	if c := Vercmp(a.Version, b.Version); c != 0 {
		return c
	}
	return Vercmp(a.Release, b.Release)
}

// Vercmp compares two version strings with rpm's algorithm (rpmvercmp):
// both are split into runs of digits and runs of letters, anything else
// separating them; runs compare pairwise, numbers numerically and above
// letters, letters as strings; "~" sorts before everything, even the end of
// the string, and "^" after the end but before anything else; when one
// string runs out the longer one is newer.
func Vercmp(a, b string) int {
	if a == b {
		return 0
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for i < len(a) && !isAlnum(a[i]) && a[i] != '~' && a[i] != '^' {
			i++
		}
		for j < len(b) && !isAlnum(b[j]) && b[j] != '~' && b[j] != '^' {
			j++
		}
		ta, tb := i < len(a) && a[i] == '~', j < len(b) && b[j] == '~'
		if ta || tb {
			if !ta {
				return 1
			}
			if !tb {
				return -1
			}
			i++
			j++
			continue
		}
		ca, cb := i < len(a) && a[i] == '^', j < len(b) && b[j] == '^'
		if ca || cb {
			if i == len(a) {
				return -1
			}
			if j == len(b) {
				return 1
			}
			if !ca {
				return 1
			}
			if !cb {
				return -1
			}
			i++
			j++
			continue
		}
		if i == len(a) || j == len(b) {
			break
		}
		si, sj := i, j
		numeric := isDigit(a[i])
		class := isAlpha
		if numeric {
			class = isDigit
		}
		for i < len(a) && class(a[i]) {
			i++
		}
		for j < len(b) && class(b[j]) {
			j++
		}
		if sj == j {
			// b's run is of the other kind: a number is newer than letters.
			if numeric {
				return 1
			}
			return -1
		}
		ra, rb := a[si:i], b[sj:j]
		if numeric {
			ra = strings.TrimLeft(ra, "0")
			rb = strings.TrimLeft(rb, "0")
			if len(ra) != len(rb) {
				if len(ra) > len(rb) {
					return 1
				}
				return -1
			}
		}
		if c := strings.Compare(ra, rb); c != 0 {
			return c
		}
	}
	switch {
	case i >= len(a) && j >= len(b):
		return 0
	case i >= len(a):
		return -1
	}
	return 1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlpha(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if !isDigit(c) {
			return false
		}
	}
	return s != ""
}

// FromPEP440 converts a Python version to an RPM version with the given
// release ("1" is the usual first packaging). The version keeps the release
// numbers as written and spells the other segments so that rpm orders
// converted versions as PEP 440 orders the originals:
//
//	epoch N!        Epoch N
//	pre-release     ~a1, ~b2, ~rc1      (1.0rc1 → 1.0~rc1, before 1.0)
//	dev release     ~dev3 after a pre- or post-release,
//	                ~~dev3 alone        (1.0.dev3 → 1.0~~dev3, before 1.0~a0)
//	post-release    +post1              (1.0.post1 → 1.0+post1)
//	local label     ^ and the label     (1.2+abc.5 → 1.2^abc.5; "^" needs
//	                                     rpm 4.15 or later)
//
// The order is preserved for every pair of versions except two whose
// releases differ only by trailing zeros (PEP 440 holds 1.0 == 1.0.0, rpm
// does not), and two local labels of one public version whose segments mix
// letters and digits (PEP 440 compares "ab10" and "ab9" as strings, rpm
// compares the numbers).
//
// It fails only for an epoch above 2147483647, which rpm cannot store.
func FromPEP440(v pep440.Version, release string) (Version, error) {
	if v.Epoch() > maxEpoch {
		return Version{}, &VersionError{Version: v.String(), Reason: "epoch too large for rpm"}
	}
	var b strings.Builder
	for i, n := range v.Release() {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(n))
	}
	kind, pre, isPre := v.Pre()
	post, isPost := v.Post()
	dev, isDev := v.Dev()
	if isPre {
		b.WriteByte('~')
		b.WriteString(kind)
		b.WriteString(strconv.Itoa(pre))
	}
	if isPost {
		b.WriteString("+post")
		b.WriteString(strconv.Itoa(post))
	}
	if isDev {
		if !isPre && !isPost {
			b.WriteByte('~')
		}
		b.WriteString("~dev")
		b.WriteString(strconv.Itoa(dev))
	}
	if local := v.Local(); local != "" {
		b.WriteByte('^')
		b.WriteString(local)
	}
	return Version{Epoch: v.Epoch(), Version: b.String(), Release: release}, nil
}

// maxEpoch is the largest epoch rpm (an int32 tag) and dpkg accept.
const maxEpoch = 1<<31 - 1
