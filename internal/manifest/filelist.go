package manifest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// ErrInvalidPath is wrapped by NewFileList's error for a path that is not a
// clean relative POSIX path in UTF-8.
var ErrInvalidPath = errors.New("invalid path")

// FileList is distutils' FileList without the file system: the files on
// disk, fixed at construction, and the current selection, which template
// commands grow and shrink. The selection is always a subset of the files
// on disk. A FileList is not safe for concurrent use.
type FileList struct {
	all  []string // sorted, unique
	disk map[string]struct{}
	sel  map[string]struct{}
}

// NewFileList returns an empty selection over files, the regular files of
// the project as '/'-separated paths relative to its root (what
// os.walk-ing the root with symlinks followed yields). Duplicates are
// ignored. A path that is empty, absolute, has an empty, "." or ".."
// component, or is not valid UTF-8 is an error wrapping ErrInvalidPath;
// setuptools skips names that are not UTF-8, so callers should leave them
// out.
func NewFileList(files []string) (*FileList, error) {
	fl := &FileList{
		disk: make(map[string]struct{}, len(files)),
		sel:  make(map[string]struct{}),
	}
	for _, f := range files {
		if err := checkPath(f); err != nil {
			return nil, err
		}
		if _, dup := fl.disk[f]; dup {
			continue
		}
		fl.disk[f] = struct{}{}
		fl.all = append(fl.all, f)
	}
	sortPaths(fl.all)
	return fl, nil
}

func checkPath(p string) error {
	bad := func(why string) error { return fmt.Errorf("file list: %w %q: %s", ErrInvalidPath, p, why) }
	switch {
	case p == "":
		return bad("empty")
	case !utf8.ValidString(p):
		return bad("not valid UTF-8")
	case strings.HasPrefix(p, "/"):
		return bad("absolute")
	}
	for c := range strings.SplitSeq(p, "/") {
		if c == "" || c == "." || c == ".." {
			return bad(fmt.Sprintf("component %q", c))
		}
	}
	return nil
}

// All returns every file on disk, sorted as Files sorts.
func (fl *FileList) All() []string { return slices.Clone(fl.all) }

// Files returns the selection sorted the way setuptools writes SOURCES.txt:
// by directory, then by name within a directory.
func (fl *FileList) Files() []string {
	out := make([]string, 0, len(fl.sel))
	for f := range fl.sel {
		out = append(out, f)
	}
	sortPaths(out)
	return out
}

// Selected reports whether path is in the selection.
func (fl *FileList) Selected(path string) bool {
	_, ok := fl.sel[path]
	return ok
}

// Add selects each path that is on disk and reports how many were on disk,
// mirroring setuptools' FileList.extend, which drops paths that do not
// exist.
func (fl *FileList) Add(paths ...string) int {
	n := 0
	for _, p := range paths {
		if _, ok := fl.disk[p]; ok {
			fl.sel[p] = struct{}{}
			n++
		}
	}
	return n
}

// Remove deselects paths and reports how many were selected.
func (fl *FileList) Remove(paths ...string) int {
	n := 0
	for _, p := range paths {
		if _, ok := fl.sel[p]; ok {
			delete(fl.sel, p)
			n++
		}
	}
	return n
}

// IncludeMatching selects every file on disk that p matches and reports
// how many there were (already selected ones count).
func (fl *FileList) IncludeMatching(p Pattern) int {
	n := 0
	for _, f := range fl.all {
		if p.Match(f) {
			fl.sel[f] = struct{}{}
			n++
		}
	}
	return n
}

// ExcludeMatching deselects every selected file that p matches and reports
// how many there were.
func (fl *FileList) ExcludeMatching(p Pattern) int {
	n := 0
	for f := range fl.sel {
		if p.Match(f) {
			delete(fl.sel, f)
			n++
		}
	}
	return n
}

// Run applies one command and returns a warning for each of its patterns
// that matched nothing (Line 0, Text the command's String form). A command
// with an unknown action or the wrong number of arguments is an error
// wrapping ErrUnknownAction or ErrArguments, and changes nothing.
func (fl *FileList) Run(c Command) ([]Warning, error) {
	if err := c.check(); err != nil {
		return nil, &LineError{Text: c.String(), Err: err}
	}
	var warns []Warning
	warn := func(format string, args ...any) {
		warns = append(warns, Warning{Text: c.String(), Message: fmt.Sprintf(format, args...)})
	}
	switch c.Action {
	case Include:
		for _, p := range c.Patterns {
			if fl.IncludeMatching(CompilePattern(trimDot(p))) == 0 {
				warn("no files found matching '%s'", p)
			}
		}
	case Exclude:
		for _, p := range c.Patterns {
			if fl.ExcludeMatching(CompilePattern(trimDot(p))) == 0 {
				warn("no previously-included files found matching '%s'", p)
			}
		}
	case GlobalInclude:
		for _, p := range c.Patterns {
			if fl.IncludeMatching(CompilePattern("**/"+trimDot(p))) == 0 {
				warn("no files found matching '%s' anywhere in distribution", p)
			}
		}
	case GlobalExclude:
		for _, p := range c.Patterns {
			if fl.ExcludeMatching(CompilePattern("**/"+trimDot(p))) == 0 {
				warn("no previously-included files matching '%s' found anywhere in distribution", p)
			}
		}
	case RecursiveInclude:
		for _, p := range c.Patterns {
			if fl.IncludeMatching(CompilePattern(underDir(c.Dir, "**/"+trimDot(p)))) == 0 {
				warn("no files found matching '%s' under directory '%s'", p, c.Dir)
			}
		}
	case RecursiveExclude:
		for _, p := range c.Patterns {
			if fl.ExcludeMatching(CompilePattern(underDir(c.Dir, "**/"+trimDot(p)))) == 0 {
				warn("no previously-included files matching '%s' found under directory '%s'", p, c.Dir)
			}
		}
	case Graft:
		if fl.IncludeMatching(CompilePattern(underDir(c.Dir, "**"))) == 0 {
			warn("no directories found matching '%s'", c.Dir)
		}
	case Prune:
		if fl.ExcludeMatching(CompilePattern(underDir(c.Dir, "**"))) == 0 {
			warn("no previously-included directories found matching '%s'", c.Dir)
		}
	}
	return warns, nil
}

// check applies the argument-count rules of the template grammar.
func (c Command) check() error {
	switch c.Action {
	case Include, Exclude, GlobalInclude, GlobalExclude:
		if len(c.Patterns) < 1 || c.Dir != "" {
			return fmt.Errorf("%w: %s needs one or more patterns", ErrArguments, c.Action)
		}
	case RecursiveInclude, RecursiveExclude:
		if c.Dir == "" || len(c.Patterns) < 1 {
			return fmt.Errorf("%w: %s needs a directory and one or more patterns", ErrArguments, c.Action)
		}
	case Graft, Prune:
		if c.Dir == "" || len(c.Patterns) != 0 {
			return fmt.Errorf("%w: %s needs exactly one directory pattern", ErrArguments, c.Action)
		}
	default:
		return fmt.Errorf("%w %q", ErrUnknownAction, string(c.Action))
	}
	return nil
}

// Apply parses and runs one logical template line. A blank or
// comment-only line does nothing. A malformed line is a *LineError (Line 0)
// and changes nothing.
func (fl *FileList) Apply(line string) ([]Warning, error) {
	if text, ok := stripComment(line); !ok || strings.TrimFunc(text, isSpace) == "" {
		return nil, nil
	}
	c, err := ParseLine(line)
	if err != nil {
		return nil, err
	}
	return fl.Run(c)
}

// ApplyTemplate runs every line of a MANIFEST.in template in order and
// returns the warnings with their line numbers. Like setuptools, it carries
// on past malformed lines: the returned error joins a *LineError for each of
// them, and the selection reflects all the well-formed ones. A template
// that is not UTF-8 is ErrNotUTF8 and changes nothing.
func (fl *FileList) ApplyTemplate(text string) ([]Warning, error) {
	lines, parseWarns, err := ParseTemplate(text)
	if errors.Is(err, ErrNotUTF8) {
		return nil, err
	}
	var warns []Warning
	for _, l := range lines {
		w, _ := fl.Run(l.Command) // parsed lines are well-formed
		for i := range w {
			w[i].Line, w[i].Text = l.Line, l.Text
		}
		warns = append(warns, w...)
	}
	return append(warns, parseWarns...), err
}

// trimDot drops leading "./" components: setuptools globs the include
// side on disk, where "./x" names x.
func trimDot(p string) string {
	for strings.HasPrefix(p, "./") {
		p = strings.TrimLeft(p[2:], "/")
	}
	if p == "" {
		return "."
	}
	return p
}

// underDir joins a directory pattern and the rest of a pattern. The
// directory loses leading "./" and trailing '/'; "." is the project root.
func underDir(dir, rest string) string {
	dir = trimDot(dir)
	if d := strings.TrimRight(dir, "/"); d != "" {
		dir = d
	}
	if dir == "." {
		return rest
	}
	return dir + "/" + rest
}

// sortPaths sorts like distutils' FileList.sort: by (directory, basename)
// pairs, which is not plain string order ("a/y" sorts before "a-b/x").
func sortPaths(paths []string) {
	slices.SortFunc(paths, func(a, b string) int {
		ad, ab := splitDir(a)
		bd, bb := splitDir(b)
		if c := strings.Compare(ad, bd); c != 0 {
			return c
		}
		return strings.Compare(ab, bb)
	})
}

func splitDir(p string) (dir, base string) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}
