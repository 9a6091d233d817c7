package reqfile

import (
	"net/url"
	"path"
	"strings"
)

// vcsSchemes are the URL schemes pip's version-control support handles.
var vcsSchemes = [...]string{
	"bzr+file", "bzr+ftp", "bzr+http", "bzr+https", "bzr+lp", "bzr+sftp", "bzr+ssh",
	"git", "git+file", "git+git", "git+http", "git+https", "git+ssh",
	"hg", "hg+file", "hg+http", "hg+https", "hg+ssh", "hg+static-http",
	"svn", "svn+file", "svn+http", "svn+https", "svn+ssh", "svn+svn",
}

// scheme returns the lower-cased text before the first ':' of s, or "".
func scheme(s string) string {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return ""
	}
	return strings.ToLower(s[:i])
}

// isVCSScheme reports whether sch is one of pip's version-control schemes.
func isVCSScheme(sch string) bool {
	for _, v := range vcsSchemes {
		if v == sch {
			return true
		}
	}
	return false
}

// isURL reports whether a requirement is a URL as pip's is_url sees it:
// an http, https, file or ftp URL, or a version-control URL.
func isURL(s string) bool {
	switch sch := scheme(s); sch {
	case "":
		return false
	case "http", "https", "file", "ftp":
		return true
	default:
		return isVCSScheme(sch)
	}
}

// isFileLocationURL reports whether a requirements-file location is a URL
// (pip's "^(http|https|file):" test) rather than a path.
func isFileLocationURL(s string) bool {
	switch scheme(s) {
	case "http", "https", "file":
		return true
	}
	return false
}

// resolve turns ref, written in the file at from, into a location: a URL
// joined with from when from is a URL, ref itself when it is a URL, or a
// cleaned slash path joined with from's directory.
func resolve(from, ref string) string {
	if isFileLocationURL(from) {
		if base, err := url.Parse(from); err == nil {
			if r, err := url.Parse(ref); err == nil {
				return base.ResolveReference(r).String()
			}
		}
		return ref
	}
	if isURL(ref) {
		return ref
	}
	return joinPath(path.Dir(from), ref)
}

// joinPath joins a relative slash path p to dir and cleans it; an absolute
// p is only cleaned.
func joinPath(dir, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

// fileURLPath returns the local path of a file: URL, and false for other
// URLs or unparseable ones.
func fileURLPath(s string) (string, bool) {
	if scheme(s) != "file" {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", false
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", false
	}
	p := u.Path
	if p == "" {
		p = u.Opaque
	}
	return p, p != ""
}

// pathURL returns the file: URL of an absolute slash path, or "" for a
// relative one (which has no URL without a working directory).
func pathURL(p string) string {
	if !path.IsAbs(p) {
		return ""
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// archiveExts are the file name endings pip treats as distribution archives.
var archiveExts = [...]string{
	".whl", ".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz",
	".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma",
}

// isArchive reports whether a file name ends like a distribution archive.
func isArchive(name string) bool {
	l := strings.ToLower(name)
	for _, e := range archiveExts {
		if strings.HasSuffix(l, e) {
			return true
		}
	}
	return false
}

// looksLikePath is pip's test for a requirement that names a path: it
// contains a '/' or starts with '.'.
func looksLikePath(s string) bool {
	return strings.Contains(s, "/") || strings.HasPrefix(s, ".")
}
