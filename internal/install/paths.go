package install

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// guard decides whether a path may be written or removed: it must lie
// inside one of the layout's roots, both as written (after cleaning) and
// with the symbolic links of its parent directory resolved.
type guard struct {
	roots    []string // cleaned
	resolved []string // roots with links resolved
	cache    map[string]string
}

func newGuard(roots []string) *guard {
	g := &guard{cache: map[string]string{}}
	for _, r := range roots {
		r = filepath.Clean(r)
		g.roots = append(g.roots, r)
		if rr, err := filepath.EvalSymlinks(r); err == nil {
			g.resolved = append(g.resolved, rr)
		} else {
			g.resolved = append(g.resolved, r)
		}
	}
	return g
}

// within reports whether p is root or below it (both clean).
func within(root, p string) bool {
	if p == root {
		return true
	}
	if !strings.HasSuffix(root, string(filepath.Separator)) {
		root += string(filepath.Separator)
	}
	return strings.HasPrefix(p, root)
}

func inAny(roots []string, p string) bool {
	for _, r := range roots {
		if within(r, p) {
			return true
		}
	}
	return false
}

// OutsideError reports a path outside the environment.
type OutsideError struct {
	Path  string
	Roots []string
}

func (e *OutsideError) Error() string {
	return fmt.Sprintf("%s is outside the environment (%s)", e.Path, strings.Join(e.Roots, ", "))
}

// check returns the clean absolute path if it is allowed.
func (g *guard) check(p string) (string, error) {
	p = filepath.Clean(p)
	if !filepath.IsAbs(p) || !inAny(g.roots, p) {
		return "", &OutsideError{Path: p, Roots: g.roots}
	}
	rdir := g.resolve(filepath.Dir(p))
	if !inAny(g.resolved, rdir) && !inAny(g.roots, rdir) {
		return "", &OutsideError{Path: p, Roots: g.roots}
	}
	return p, nil
}

// resolve returns dir with its symbolic links resolved, as far as it
// exists: each directory is looked at once (one lstat), its parent's
// answer reused, so checking the thousands of paths of a large wheel
// costs one lstat per directory rather than one per path component.
func (g *guard) resolve(dir string) string {
	if r, ok := g.cache[dir]; ok {
		return r
	}
	parent := filepath.Dir(dir)
	var r string
	switch {
	case parent == dir:
		r = dir
	default:
		rp := g.resolve(parent)
		st, err := os.Lstat(dir)
		switch {
		case err == nil && st.Mode()&fs.ModeSymlink != 0:
			if t, err := filepath.EvalSymlinks(dir); err == nil {
				r = t
			} else {
				r = filepath.Join(rp, filepath.Base(dir))
			}
		default:
			// A directory, or a path that does not exist yet (the
			// transaction will create it as a directory).
			r = filepath.Join(rp, filepath.Base(dir))
		}
	}
	g.cache[dir] = r
	return r
}

// exists reports whether p exists (without following a final link).
func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
