package pyproject

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// File names the package reads, relative to the project root.
const (
	PyprojectFile = "pyproject.toml"
	SetupCfgFile  = "setup.cfg"
	SetupPyFile   = "setup.py"
)

// Error is one problem in a configuration file. Its text names the file, the
// line when known, and the key:
//
//	pyproject.toml:12: [project] dynamic: "version" is also given statically
//	pyproject.toml:7: [project] dependencies must be an array of strings, got a string
//	setup.cfg:4: [options] package_dir: "../src" is outside the project
type Error struct {
	// File is the configuration file ("pyproject.toml", "setup.cfg", or the
	// module an attr: directive reads).
	File string
	// Line is the 1-based line of the offending key or value, 0 when unknown.
	Line int
	// Column is the 1-based column, 0 when unknown (TOML syntax errors only).
	Column int
	// Key names the setting: "[project] dependencies", "[options] packages",
	// "[tool.ferry] package-dir". Empty for whole-file problems.
	Key string
	// Msg describes the problem.
	Msg string
	// Err is the underlying cause, if any (a *pep508.ParseError, an
	// fs.ErrNotExist, ...); errors.Is and errors.As see it.
	Err error

	// spaced joins Key and Msg with a space instead of ": " (for
	// "[project] x must be ..." messages).
	spaced bool
}

// Error formats the error as "file:line: key: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Column))
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		if e.spaced {
			b.WriteByte(' ')
		} else {
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Warning is a problem that does not stop the configuration from being used
// (an unknown setup.cfg key, which setuptools ignores; a missing file named
// by setup.cfg's file: directive, which setuptools skips). Its String has
// the form of an Error's text.
type Warning struct {
	File string
	Line int
	Key  string
	Msg  string
}

// String formats the warning as an Error's text.
func (w Warning) String() string {
	e := Error{File: w.File, Line: w.Line, Key: w.Key, Msg: w.Msg}
	return e.Error()
}

// ErrNoMetadata is returned (wrapped) by Load when neither pyproject.toml's
// [project] table nor setup.cfg's [metadata] section describes the project
// and no custom setup.py could supply it.
var ErrNoMetadata = errors.New("no project metadata")

// diag collects the errors and warnings of one load.
type diag struct {
	errs  []*Error
	warns []Warning
}

func (d *diag) add(e *Error) { d.errs = append(d.errs, e) }

func (d *diag) errorf(file string, line int, key, format string, args ...any) {
	d.add(&Error{File: file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (d *diag) wrap(file string, line int, key string, err error, format string, args ...any) {
	d.add(&Error{File: file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...), Err: err})
}

// typef records a "must be" type error: "[project] x must be a string, got an array".
func (d *diag) typef(file string, line int, key, format string, args ...any) {
	d.add(&Error{File: file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...), spaced: true})
}

func (d *diag) warnf(file string, line int, key, format string, args ...any) {
	d.warns = append(d.warns, Warning{File: file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (d *diag) failed() bool { return len(d.errs) > 0 }

// err returns the collected errors joined (sorted by file and line), or nil.
// errors.As(err, &*Error) finds the first.
func (d *diag) err() error {
	if len(d.errs) == 0 {
		return nil
	}
	es := make([]*Error, len(d.errs))
	copy(es, d.errs)
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.File != b.File {
			return fileRank(a.File) < fileRank(b.File)
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Msg < b.Msg
	})
	// Drop exact duplicates (the same problem found through two routes).
	out := make([]error, 0, len(es))
	seen := map[string]bool{}
	for _, e := range es {
		s := e.Error()
		if seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, e)
	}
	if len(out) == 1 {
		return out[0]
	}
	return errors.Join(out...)
}

func (d *diag) warnings() []Warning {
	ws := make([]Warning, len(d.warns))
	copy(ws, d.warns)
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if a.File != b.File {
			return fileRank(a.File) < fileRank(b.File)
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Msg < b.Msg
	})
	return ws
}

func fileRank(f string) string {
	switch f {
	case PyprojectFile:
		return "0"
	case SetupCfgFile:
		return "1"
	case SetupPyFile:
		return "2"
	}
	return "3" + f
}
