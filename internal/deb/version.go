package deb

import (
	"fmt"
	"strconv"
	"strings"

	"ferry/internal/pep440"
)

// Version is a Debian package version, [epoch:]upstream[-revision], as
// Debian Policy §5.6.12 defines it. The zero Version is not valid.
type Version struct {
	// Epoch is the number before ":", 0 when none is written.
	Epoch int
	// Upstream is the upstream version: it starts with a digit and holds
	// only letters, digits and ". + ~" (and "-" when Revision is set).
	Upstream string
	// Revision is the Debian revision after the last "-", "" for none.
	Revision string
}

// VersionError reports a string that is not a valid Debian version.
type VersionError struct {
	Version string
	Reason  string
}

// Error describes the invalid version.
func (e *VersionError) Error() string {
	return fmt.Sprintf("invalid Debian version %q: %s", e.Version, e.Reason)
}

// ParseVersion parses a Debian version. It accepts exactly what String
// writes: a decimal epoch without leading zeros (other than "0" itself, which
// parses to no epoch), an upstream part that starts with a digit, and an
// optional revision of letters, digits and ". + ~".
func ParseVersion(s string) (Version, error) {
	bad := func(reason string) (Version, error) { return Version{}, &VersionError{Version: s, Reason: reason} }
	var v Version
	rest := s
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		ep := rest[:i]
		if ep == "" || (len(ep) > 1 && ep[0] == '0') {
			return bad("epoch is not a number")
		}
		n, err := strconv.Atoi(ep)
		if err != nil || n < 0 || !isDigits(ep) {
			return bad("epoch is not a number")
		}
		if n > maxEpoch {
			return bad("epoch too large")
		}
		v.Epoch = n
		rest = rest[i+1:]
	}
	if i := strings.LastIndexByte(rest, '-'); i >= 0 {
		v.Revision = rest[i+1:]
		rest = rest[:i]
		if v.Revision == "" {
			return bad("empty revision")
		}
		for _, c := range []byte(v.Revision) {
			if !isAlnum(c) && c != '.' && c != '+' && c != '~' {
				return bad(fmt.Sprintf("revision contains %q", c))
			}
		}
	}
	v.Upstream = rest
	if rest == "" {
		return bad("empty upstream version")
	}
	if rest[0] < '0' || rest[0] > '9' {
		return bad("upstream version does not start with a digit")
	}
	for _, c := range []byte(rest) {
		if !isAlnum(c) && c != '.' && c != '+' && c != '~' && (c != '-' || v.Revision == "") {
			return bad(fmt.Sprintf("upstream version contains %q", c))
		}
	}
	return v, nil
}

// String returns the version as a control file writes it.
func (v Version) String() string {
	var b strings.Builder
	if v.Epoch > 0 {
		b.WriteString(strconv.Itoa(v.Epoch))
		b.WriteByte(':')
	}
	b.WriteString(v.Upstream)
	if v.Revision != "" {
		b.WriteByte('-')
		b.WriteString(v.Revision)
	}
	return b.String()
}

// CompareVersions orders two versions as dpkg does (deb-version(7)): by
// epoch, then upstream, then revision, each string compared by alternating
// runs of non-digits (letters before other characters, "~" before
// everything, even the end) and runs of digits (numerically).
func CompareVersions(a, b Version) int {
	switch {
	case a.Epoch < b.Epoch:
		return -1
	case a.Epoch > b.Epoch:
		return 1
	}
	if c := compareFragment(a.Upstream, b.Upstream); c != 0 {
		return c
	}
	return compareFragment(a.Revision, b.Revision)
}

// order is the weight of one character in a non-digit run; 0 stands for the
// end of the run.
func order(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return 0
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return int(c)
	case c == '~':
		return -1
	}
	return int(c) + 256
}

func compareFragment(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			ca, cb := 0, 0
			if i < len(a) {
				ca = order(a[i])
			}
			if j < len(b) {
				cb = order(b[j])
			}
			if ca != cb {
				return sign(ca - cb)
			}
			i++
			j++
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		first := 0
		for i < len(a) && isDigit(a[i]) && j < len(b) && isDigit(b[j]) {
			if first == 0 {
				first = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if i < len(a) && isDigit(a[i]) {
			return 1
		}
		if j < len(b) && isDigit(b[j]) {
			return -1
		}
		if first != 0 {
			return sign(first)
		}
	}
	return 0
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if !isDigit(c) {
			return false
		}
	}
	return s != ""
}

func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// FromPEP440 converts a Python version to a Debian version with the given
// revision ("" for none; "1" is the usual first packaging). The upstream
// part keeps the release as written and spells the other segments so that
// dpkg orders converted versions as PEP 440 orders the originals:
//
//	epoch N!        N:
//	pre-release     ~a1, ~b2, ~rc1      (1.0rc1 → 1.0~rc1, before 1.0)
//	dev release     ~dev3 after a pre- or post-release,
//	                ~~dev3 alone        (1.0.dev3 → 1.0~~dev3, before 1.0~a0)
//	post-release    +post1              (1.0.post1 → 1.0+post1)
//	local label     +segments joined by ".", each alphabetic segment led
//	                by "~" and closed by "0" when another follows
//	                (1.2+abc.5 → 1.2+~abc0.5, 1.0+ubuntu1 → 1.0+~ubuntu1)
//
// The order is preserved for every pair of versions except two whose
// releases differ only by trailing zeros (PEP 440 holds 1.0 == 1.0.0, dpkg
// does not, so 1.0.0rc1 sorts after 1.0 here), and two local labels of one
// public version whose segments mix letters and digits (PEP 440 compares
// "ab10" and "ab9" as strings, dpkg compares the numbers).
//
// It fails only for an epoch above 2147483647, which dpkg refuses.
func FromPEP440(v pep440.Version, revision string) (Version, error) {
	if v.Epoch() > maxEpoch {
		return Version{}, &VersionError{Version: v.String(), Reason: "epoch too large for dpkg"}
	}
	return Version{Epoch: v.Epoch(), Upstream: upstreamFromPEP440(v), Revision: revision}, nil
}

// maxEpoch is the largest epoch dpkg accepts (INT_MAX).
const maxEpoch = 1<<31 - 1

func upstreamFromPEP440(v pep440.Version) string {
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
		b.WriteByte('+')
		segs := strings.Split(local, ".")
		for i, seg := range segs {
			if i > 0 {
				b.WriteByte('.')
			}
			if isDigits(seg) {
				b.WriteString(seg)
				continue
			}
			b.WriteByte('~')
			b.WriteString(seg)
			if i < len(segs)-1 {
				b.WriteByte('0')
			}
		}
	}
	return b.String()
}
