package fsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxLinkHops bounds the symbolic links SafeJoin follows for one path, as
// the kernel's ELOOP limit does.
const maxLinkHops = 40

// PathError is SafeJoin's rejection of a relative path: it names the root,
// the path and the reason.
type PathError struct {
	Root   string
	Rel    string
	Reason string
}

// Error implements error.
func (e *PathError) Error() string {
	return fmt.Sprintf("unsafe path %q under %s: %s", e.Rel, e.Root, e.Reason)
}

// SafeJoin joins rel onto root and returns the result only if it stays
// inside root. rel must be a local path (relative, not empty, no ".."
// that climbs above root, no Windows volume or reserved name; see
// filepath.IsLocal); either separator is accepted. Every existing component
// of the joined path is checked: a symbolic link whose target (absolute or
// relative, dangling or not, through further links) leaves root makes the
// path unsafe. Components that do not exist yet are fine. The result is the
// lexical join, not the link-resolved path. A rejection is a *PathError.
func SafeJoin(root, rel string) (string, error) {
	reject := func(reason string) (string, error) {
		return "", &PathError{Root: root, Rel: rel, Reason: reason}
	}
	if strings.IndexByte(rel, 0) >= 0 {
		return reject("contains a NUL byte")
	}
	slashed := filepath.FromSlash(rel)
	if filepath.IsAbs(slashed) || filepath.VolumeName(slashed) != "" || strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`) {
		return reject("is absolute")
	}
	if !filepath.IsLocal(slashed) {
		return reject("escapes the root")
	}
	clean := filepath.Clean(slashed)
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", root, err)
	}
	realRoot, err = filepath.Abs(realRoot)
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", root, err)
	}
	if reason := checkLinks(realRoot, clean); reason != "" {
		return reject(reason)
	}
	return filepath.Join(root, clean), nil
}

// checkLinks walks rel component by component from realRoot, following
// symbolic links, and returns why the walk leaves realRoot ("" if it does
// not).
func checkLinks(realRoot, rel string) string {
	comps := splitPath(rel)
	cur := realRoot
	hops := 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			if !within(realRoot, cur) {
				return "a symbolic link leads outside the root"
			}
			continue
		}
		next := filepath.Join(cur, c)
		fi, err := os.Lstat(next)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				// Nothing below a missing component exists either; the
				// remaining components are lexical and free of "..".
				return ""
			}
			if errors.Is(err, fs.ErrPermission) || isNotDir(err) {
				return ""
			}
			return fmt.Sprintf("checking %s: %v", next, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		hops++
		if hops > maxLinkHops {
			return "too many levels of symbolic links"
		}
		target, err := os.Readlink(next)
		if err != nil {
			return fmt.Sprintf("reading link %s: %v", next, err)
		}
		if filepath.IsAbs(target) || filepath.VolumeName(target) != "" {
			t := filepath.Clean(target)
			if !within(realRoot, t) {
				return fmt.Sprintf("symbolic link %s points outside the root", next)
			}
			r, _ := filepath.Rel(realRoot, t)
			cur = realRoot
			comps = append(splitPath(r), comps...)
			continue
		}
		comps = append(splitPath(target), comps...)
	}
	return ""
}

func splitPath(p string) []string {
	return strings.Split(filepath.ToSlash(p), "/")
}

// within reports whether path is root or below it (both clean and absolute).
func within(root, path string) bool {
	r, err := filepath.Rel(root, path)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}
