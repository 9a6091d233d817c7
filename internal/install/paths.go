package install

import (
	"errors"
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
	dir := filepath.Dir(p)
	rdir, ok := g.cache[dir]
	if !ok {
		rdir = resolveExisting(dir)
		g.cache[dir] = rdir
	}
	if !inAny(g.resolved, rdir) && !inAny(g.roots, rdir) {
		return "", &OutsideError{Path: p, Roots: g.roots}
	}
	return p, nil
}

// resolveExisting resolves the symbolic links of the longest existing
// prefix of dir and appends the rest.
func resolveExisting(dir string) string {
	rest := ""
	for {
		r, err := filepath.EvalSymlinks(dir)
		if err == nil {
			return filepath.Join(r, rest)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return filepath.Join(dir, rest)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join(dir, rest)
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

// exists reports whether p exists (without following a final link).
func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
