package fetch

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"sort"
	"strings"
)

// Digest is a hash algorithm (a lower-case hashlib name) and a lower-case
// hex digest.
type Digest struct {
	Algorithm string
	Hex       string
}

// String returns "algorithm:hex", the form pip's --hash uses.
func (d Digest) String() string { return d.Algorithm + ":" + d.Hex }

// ParseDigest parses "algorithm:hex" (pip's --hash) or "algorithm=hex" (a
// URL fragment).
func ParseDigest(s string) (Digest, error) {
	algo, hexd, ok := strings.Cut(s, ":")
	if !ok {
		algo, hexd, ok = strings.Cut(s, "=")
	}
	if !ok {
		return Digest{}, fmt.Errorf("invalid hash %q: want algorithm:hexdigest", s)
	}
	d := Digest{Algorithm: strings.ToLower(strings.TrimSpace(algo)), Hex: strings.ToLower(strings.TrimSpace(hexd))}
	if !Supported(d.Algorithm) {
		return Digest{}, fmt.Errorf("invalid hash %q: unsupported algorithm %q", s, d.Algorithm)
	}
	if _, err := hex.DecodeString(d.Hex); err != nil || len(d.Hex) != 2*newHash(d.Algorithm).Size() {
		return Digest{}, fmt.Errorf("invalid hash %q: not a %s hex digest", s, d.Algorithm)
	}
	return d, nil
}

// Supported reports whether algorithm (a hashlib name) can be computed.
func Supported(algorithm string) bool { return newHash(algorithm) != nil }

func newHash(algorithm string) hash.Hash {
	switch algorithm {
	case "md5":
		return md5.New()
	case "sha1":
		return sha1.New()
	case "sha224":
		return sha256.New224()
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return nil
}

// Hasher computes several digests at once.
type Hasher struct {
	algos []string
	hs    []hash.Hash
	n     int64
}

// NewHasher returns a Hasher for sha256 plus every other supported
// algorithm named in algorithms (unknown names are ignored).
func NewHasher(algorithms ...string) *Hasher {
	h := &Hasher{}
	add := func(a string) {
		for _, have := range h.algos {
			if have == a {
				return
			}
		}
		if hh := newHash(a); hh != nil {
			h.algos = append(h.algos, a)
			h.hs = append(h.hs, hh)
		}
	}
	add("sha256")
	for _, a := range algorithms {
		add(a)
	}
	return h
}

// Write hashes p.
func (h *Hasher) Write(p []byte) (int, error) {
	for _, hh := range h.hs {
		hh.Write(p)
	}
	h.n += int64(len(p))
	return len(p), nil
}

// Size returns the number of bytes hashed.
func (h *Hasher) Size() int64 { return h.n }

// Sum returns the digest for algorithm ("" when it was not computed).
func (h *Hasher) Sum(algorithm string) string {
	for i, a := range h.algos {
		if a == algorithm {
			return hex.EncodeToString(h.hs[i].Sum(nil))
		}
	}
	return ""
}

// Check verifies the hashed bytes: every digest in hashes whose algorithm
// is supported must match, and when pins is not empty at least one pin must
// match. The error is a *HashMismatchError (filename names the file).
func (h *Hasher) Check(filename string, hashes map[string]string, pins []Digest) error {
	algos := make([]string, 0, len(hashes))
	for a := range hashes {
		algos = append(algos, a)
	}
	sort.Strings(algos)
	for _, a := range algos {
		got := h.Sum(a)
		if got == "" {
			continue
		}
		if want := strings.ToLower(hashes[a]); got != want {
			return &HashMismatchError{Filename: filename, Expected: []Digest{{a, want}}, Got: Digest{a, got}}
		}
	}
	if len(pins) == 0 {
		return nil
	}
	var gotPin Digest
	for _, p := range pins {
		got := h.Sum(p.Algorithm)
		if got == "" {
			continue
		}
		if got == p.Hex {
			return nil
		}
		if gotPin.Algorithm == "" || p.Algorithm == "sha256" {
			gotPin = Digest{p.Algorithm, got}
		}
	}
	if gotPin.Algorithm == "" {
		gotPin = Digest{"sha256", h.Sum("sha256")}
	}
	return &HashMismatchError{Filename: filename, Expected: pins, Got: gotPin, Pinned: true}
}

// HashMismatchError reports a file whose digest is not the expected one.
type HashMismatchError struct {
	Filename string
	URL      string // redacted; may be empty
	Expected []Digest
	Got      Digest
	// Pinned is true when Expected came from --hash pins (any one would do)
	// rather than from the index.
	Pinned bool
}

// Error names the file, the expected digests and the one received.
func (e *HashMismatchError) Error() string {
	want := make([]string, len(e.Expected))
	for i, d := range e.Expected {
		want[i] = d.String()
	}
	what := "expected"
	if e.Pinned && len(want) > 1 {
		what = "expected one of"
	}
	where := ""
	if e.URL != "" {
		where = " from " + e.URL
	}
	return fmt.Sprintf("hash mismatch for %s%s: %s %s, got %s", e.Filename, where, what, strings.Join(want, ", "), e.Got)
}
