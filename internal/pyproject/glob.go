package pyproject

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode"
)

// fnmatch reports whether name matches the shell pattern pat with the rules
// of Python's fnmatch.fnmatchcase: '*' matches any run of characters
// (including '.' and '/'), '?' any one character, "[seq]" / "[!seq]" one
// character in / not in seq (a '-' between two characters is a range, a
// reversed range matches nothing, ']' first in the set is a member, a '['
// without a closing ']' is literal). Matching is case-sensitive and covers
// the whole name.
func fnmatch(name, pat string) bool {
	return matchItems([]rune(name), compileFnmatch(pat))
}

type fnItem struct {
	kind   byte // 'c' literal, '?' any, '*' star, '[' set, '0' never
	r      rune
	neg    bool
	ranges [][2]rune
}

func compileFnmatch(pat string) []fnItem {
	p := []rune(pat)
	var items []fnItem
	for i := 0; i < len(p); {
		c := p[i]
		i++
		switch c {
		case '*':
			if len(items) == 0 || items[len(items)-1].kind != '*' {
				items = append(items, fnItem{kind: '*'})
			}
		case '?':
			items = append(items, fnItem{kind: '?'})
		case '[':
			j := i
			if j < len(p) && p[j] == '!' {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++
			}
			for j < len(p) && p[j] != ']' {
				j++
			}
			if j >= len(p) {
				items = append(items, fnItem{kind: 'c', r: '['})
				continue
			}
			items = append(items, compileSet(p, i, j))
			i = j + 1
		default:
			items = append(items, fnItem{kind: 'c', r: c})
		}
	}
	return items
}

// compileSet builds the set p[i:j] (between the brackets) the way
// fnmatch.translate does, including its handling of '-'.
func compileSet(p []rune, i, j int) fnItem {
	stuff := p[i:j]
	neg := len(stuff) > 0 && stuff[0] == '!'
	var chunks [][]rune
	if !containsRune(stuff, '-') {
		chunks = [][]rune{append([]rune(nil), stuff...)}
	} else {
		k := i + 1
		if p[i] == '!' {
			k = i + 2
		}
		for {
			f := -1
			for x := k; x < j; x++ {
				if p[x] == '-' {
					f = x
					break
				}
			}
			if f < 0 {
				break
			}
			chunks = append(chunks, append([]rune(nil), p[i:f]...))
			i = f + 1
			k = f + 3
		}
		chunk := append([]rune(nil), p[i:j]...)
		if len(chunk) > 0 {
			chunks = append(chunks, chunk)
		} else {
			chunks[len(chunks)-1] = append(chunks[len(chunks)-1], '-')
		}
		for k := len(chunks) - 1; k > 0; k-- {
			a, b := chunks[k-1], chunks[k]
			if len(a) > 0 && len(b) > 0 && a[len(a)-1] > b[0] {
				chunks[k-1] = append(append([]rune(nil), a[:len(a)-1]...), b[1:]...)
				chunks = append(chunks[:k], chunks[k+1:]...)
			}
		}
	}
	// Drop the negation mark from the first chunk.
	if neg {
		chunks[0] = chunks[0][1:]
	}
	total := 0
	for _, ch := range chunks {
		total += len(ch)
	}
	if total == 0 {
		if neg {
			return fnItem{kind: '?'}
		}
		return fnItem{kind: '0'}
	}
	it := fnItem{kind: '[', neg: neg}
	for k, ch := range chunks {
		start, end := 0, len(ch)
		if k > 0 && len(ch) > 0 && len(chunks[k-1]) > 0 {
			prev := chunks[k-1]
			it.ranges = append(it.ranges, [2]rune{prev[len(prev)-1], ch[0]})
			start = 1
		}
		if k < len(chunks)-1 && end > start {
			end--
		}
		for _, c := range ch[start:max(start, end)] {
			it.ranges = append(it.ranges, [2]rune{c, c})
		}
	}
	return it
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func (it fnItem) matches(c rune) bool {
	switch it.kind {
	case 'c':
		return c == it.r
	case '?':
		return true
	case '[':
		in := false
		for _, rg := range it.ranges {
			if rg[0] <= c && c <= rg[1] {
				in = true
				break
			}
		}
		return in != it.neg
	}
	return false
}

// matchItems is wildcard matching with one backtracking point per star,
// linear in practice and never exponential.
func matchItems(s []rune, items []fnItem) bool {
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(items) && items[pi].kind == '*' {
			starP, starS = pi, si
			pi++
			continue
		}
		if pi < len(items) && items[pi].matches(s[si]) {
			si++
			pi++
			continue
		}
		if starP >= 0 {
			pi = starP + 1
			starS++
			si = starS
			continue
		}
		return false
	}
	for pi < len(items) && items[pi].kind == '*' {
		pi++
	}
	return pi == len(items)
}

func hasMagic(s string) bool { return strings.ContainsAny(s, "*?[") }

// globFiles expands a '/'-separated glob relative to the root of fsys the
// way Python's glob.glob(pattern, recursive=True) does, keeping regular
// files only: "**" as a whole component matches any number of directories
// (including none); wildcards do not match names starting with '.' unless
// the pattern component does too. A pattern without magic matches the file
// it names, if it exists. The result is sorted.
func globFiles(fsys fs.FS, pattern string) ([]string, error) {
	pattern = strings.TrimPrefix(pattern, "./")
	comps := strings.Split(pattern, "/")
	g := globber{fsys: fsys, seen: map[string]bool{}}
	if err := g.walk(".", comps, 0); err != nil {
		return nil, err
	}
	sort.Strings(g.out)
	return g.out, nil
}

type globber struct {
	fsys fs.FS
	out  []string
	seen map[string]bool
}

const maxGlobDepth = 64

func (g *globber) emit(p string) {
	if g.seen[p] {
		return
	}
	if fi, err := fs.Stat(g.fsys, p); err == nil && fi.Mode().IsRegular() {
		g.seen[p] = true
		g.out = append(g.out, p)
	}
}

func isDir(fsys fs.FS, p string) bool {
	fi, err := fs.Stat(fsys, p)
	return err == nil && fi.IsDir()
}

func (g *globber) walk(dir string, comps []string, depth int) error {
	if depth > maxGlobDepth {
		return errors.New("glob: directories nested too deeply")
	}
	if len(comps) == 0 {
		if dir != "." {
			g.emit(dir)
		}
		return nil
	}
	c, rest := comps[0], comps[1:]
	switch {
	case c == "" || c == ".":
		return g.walk(dir, rest, depth)
	case c == "**":
		dirs, err := g.subdirs(dir, depth)
		if err != nil {
			return err
		}
		for _, d := range dirs {
			if len(rest) == 0 {
				if err := g.allFiles(d, depth); err != nil {
					return err
				}
				continue
			}
			if err := g.walk(d, rest, depth+1); err != nil {
				return err
			}
		}
		return nil
	case !hasMagic(c):
		p := joinRel(dir, c)
		if len(rest) == 0 {
			g.emit(p)
			return nil
		}
		if isDir(g.fsys, p) {
			return g.walk(p, rest, depth+1)
		}
		return nil
	}
	entries, err := fs.ReadDir(g.fsys, dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") && !strings.HasPrefix(c, ".") {
			continue
		}
		if !fnmatch(name, c) {
			continue
		}
		p := joinRel(dir, name)
		if len(rest) == 0 {
			g.emit(p)
		} else if isDir(g.fsys, p) {
			if err := g.walk(p, rest, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// subdirs returns dir and every non-hidden directory below it.
func (g *globber) subdirs(dir string, depth int) ([]string, error) {
	out := []string{dir}
	if depth > maxGlobDepth {
		return out, nil
	}
	entries, err := fs.ReadDir(g.fsys, dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return out, nil
		}
		return nil, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := joinRel(dir, e.Name())
		if !isDir(g.fsys, p) {
			continue
		}
		sub, err := g.subdirs(p, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, sub...)
	}
	return out, nil
}

// allFiles emits every non-hidden file below dir ("dir/**").
func (g *globber) allFiles(dir string, depth int) error {
	if depth > maxGlobDepth {
		return nil
	}
	entries, err := fs.ReadDir(g.fsys, dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := joinRel(dir, e.Name())
		if !isDir(g.fsys, p) {
			g.emit(p)
		}
	}
	return nil
}

// checkLicenseGlob validates a license-files pattern against the PyPA glob
// specification (https://packaging.python.org/en/latest/specifications/glob-patterns/):
// letters, digits, space, '_', '-', '.', '/' and the specials '*', '?', "**"
// and "[...]" holding only verbatim characters; relative, no ".."
// component, '/' as the only separator.
func checkLicenseGlob(g string) error {
	bad := func(why string) error { return fmt.Errorf("invalid license-files pattern %q: %s", g, why) }
	if g == "" {
		return bad("empty")
	}
	if strings.HasPrefix(g, "/") {
		return bad("must be relative (no leading '/')")
	}
	if strings.Contains(g, `\`) {
		return bad(`use '/' as the separator, not '\'`)
	}
	for _, c := range strings.Split(g, "/") {
		if c == ".." {
			return bad("must not contain '..'")
		}
	}
	if strings.Contains(g, "***") {
		return bad("too many '*' in a row")
	}
	verbatim := func(c rune) bool {
		return unicode.IsLetter(c) || unicode.IsDigit(c) || c == ' ' || c == '_' || c == '-' || c == '.'
	}
	rs := []rune(g)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case verbatim(c) || c == '/' || c == '*' || c == '?':
		case c == '[':
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				if !verbatim(rs[j]) {
					return bad(fmt.Sprintf("character %q is not allowed inside [...]", rs[j]))
				}
				j++
			}
			if j >= len(rs) {
				return bad("unclosed '['")
			}
			if j == i+1 {
				return bad("empty '[]'")
			}
			i = j
		default:
			return bad(fmt.Sprintf("character %q is not allowed", c))
		}
	}
	return nil
}

// cleanGlob returns a project-relative glob with "./" removed, or an error
// if it leaves the project.
func cleanGlob(g string) (string, error) {
	if strings.HasPrefix(g, "/") {
		return "", fmt.Errorf("%q is an absolute path: %w", g, ErrOutsideProject)
	}
	for _, c := range strings.Split(g, "/") {
		if c == ".." {
			return "", fmt.Errorf("%q is %w", g, ErrOutsideProject)
		}
	}
	for strings.HasPrefix(g, "./") {
		g = g[2:]
	}
	return path.Clean(g), nil
}
