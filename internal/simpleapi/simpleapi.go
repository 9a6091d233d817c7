package simpleapi

import (
	"fmt"
	"mime"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Content types of the Simple API (PEP 691).
const (
	ContentTypeJSON       = "application/vnd.pypi.simple.v1+json"
	ContentTypeHTML       = "application/vnd.pypi.simple.v1+html"
	ContentTypeLegacyHTML = "text/html"
	// Accept asks for JSON first, then the versioned HTML, then any HTML.
	Accept = ContentTypeJSON + ", " + ContentTypeHTML + ";q=0.2, " + ContentTypeLegacyHTML + ";q=0.01"
	// APIVersion is the version of the API this package writes.
	APIVersion = "1.1"
)

// Project is one project page: every file the index offers for the project.
type Project struct {
	// Name is the project name as the index states it (JSON "name"); for
	// HTML pages it is whatever the caller knew when parsing.
	Name string
	// Files in index order.
	Files []File
	// Versions lists every published version (PEP 700, JSON only).
	Versions []string
	// APIVersion is the page's declared API version ("" when absent).
	APIVersion string
}

// File is one distribution file of a project.
type File struct {
	Filename string
	// URL is absolute, without the hash fragment.
	URL string
	// Hashes maps a lower-case hashlib name to a lower-case hex digest.
	Hashes map[string]string
	// RequiresPython is the file's Requires-Python, unparsed ("" when absent).
	RequiresPython string
	Yanked         bool
	YankedReason   string
	// CoreMetadata tells whether the index serves the file's METADATA at
	// URL + ".metadata" (PEP 658/714), and its hashes when given.
	CoreMetadata CoreMetadata
	// Size in bytes, or -1 when unknown (PEP 700).
	Size int64
	// UploadTime is zero when unknown (PEP 700).
	UploadTime time.Time
}

// CoreMetadata describes the separately served metadata of a file.
type CoreMetadata struct {
	Available bool
	Hashes    map[string]string
}

// MetadataURL returns the URL of the file's separately served metadata.
func (f File) MetadataURL() string { return f.URL + ".metadata" }

// Kind is the format of a response body.
type Kind int

// Response kinds.
const (
	KindUnknown Kind = iota
	KindHTML
	KindJSON
)

// KindOf classifies a Content-Type header value. An empty or unrecognised
// type is treated as HTML, which is what static servers send.
func KindOf(contentType string) Kind {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return KindHTML
	}
	switch mt {
	case ContentTypeJSON, "application/json":
		return KindJSON
	case ContentTypeHTML, ContentTypeLegacyHTML, "application/xhtml+xml":
		return KindHTML
	}
	if strings.HasSuffix(mt, "+json") {
		return KindJSON
	}
	return KindHTML
}

// ProjectURL returns the page URL of project name (already normalized) below
// an index base URL, with the trailing slash the API requires.
func ProjectURL(base, name string) string {
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + url.PathEscape(name) + "/"
}

// parseFragment splits "#sha256=abc" into a hash; other fragments (egg=,
// subdirectory=) are ignored.
func hashFromFragment(frag string) (algo, digest string, ok bool) {
	for _, part := range strings.Split(frag, "&") {
		k, v, found := strings.Cut(part, "=")
		if !found {
			continue
		}
		k = strings.ToLower(k)
		if knownHash(k) && isHex(v) {
			return k, strings.ToLower(v), true
		}
	}
	return "", "", false
}

func knownHash(name string) bool {
	switch name {
	case "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s", "sha3_224", "sha3_256", "sha3_384", "sha3_512":
		return true
	}
	return false
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// parseHashValue reads "sha256=abc" (a data-core-metadata value).
func parseHashValue(v string) map[string]string {
	algo, digest, ok := hashFromFragment(v)
	if !ok {
		return nil
	}
	return map[string]string{algo: digest}
}

// checkAPIVersion refuses a major version this package does not speak.
func checkAPIVersion(v string) error {
	if v == "" {
		return nil
	}
	major, _, _ := strings.Cut(v, ".")
	if major != "1" {
		return fmt.Errorf("unsupported simple API version %q (ferry speaks 1.x)", v)
	}
	return nil
}

// resolve resolves href against base, returning the absolute URL without its
// fragment and the fragment.
func resolve(base *url.URL, href string) (string, string, error) {
	if plainAbsolute(href) {
		return href, "", nil
	}
	return resolveSlow(base, href)
}

// plainAbsolute reports whether href is an absolute http(s) URL that
// parsing, resolving and printing would return unchanged: a host, and only
// unreserved characters, '/' and ':' after it, with no dot segments. Index
// pages list thousands of such URLs; this skips net/url for them.
func plainAbsolute(href string) bool {
	rest, ok := strings.CutPrefix(href, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(href, "http://"); !ok {
			return false
		}
	}
	slash := strings.IndexByte(rest, '/')
	if slash <= 0 || strings.Contains(rest, "/.") || strings.Contains(rest, "//") {
		return false
	}
	host, port, hasPort := strings.Cut(rest[:slash], ":")
	if host == "" || (hasPort && port == "") {
		return false
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '/', c == '~':
		case c == ':' && i < slash: // the port's, checked above
		default:
			return false
		}
	}
	return true
}

func resolveSlow(base *url.URL, href string) (string, string, error) {
	ref, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return "", "", err
	}
	u := ref
	if base != nil {
		u = base.ResolveReference(ref)
	}
	frag := u.Fragment
	u.Fragment = ""
	u.RawFragment = ""
	return u.String(), frag, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// preferredHash returns the strongest hash of m as "algo=digest", or "".
func preferredHash(m map[string]string) string {
	for _, a := range []string{"sha256", "sha384", "sha512"} {
		if d, ok := m[a]; ok {
			return a + "=" + d
		}
	}
	keys := sortedKeys(m)
	if len(keys) == 0 {
		return ""
	}
	return keys[0] + "=" + m[keys[0]]
}
