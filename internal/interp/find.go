package interp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// Env is the outside world Find and SelectTarget see.
type Env struct {
	// Getenv reads PATH, PYENV_ROOT, PYENV_VERSION, HOME and VIRTUAL_ENV.
	Getenv func(string) string
	// Dir is the working directory: relative requests are resolved
	// against it and .python-version files are looked for from it upward.
	Dir string
	// CacheDir holds Query's cached answers; "" disables the cache.
	CacheDir string
}

func (e Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

func (e Env) home() string { return e.getenv("HOME") }

// pyenvRoot returns $PYENV_ROOT or ~/.pyenv ("" if neither can be known).
func (e Env) pyenvRoot() string {
	if r := e.getenv("PYENV_ROOT"); r != "" {
		return r
	}
	if h := e.home(); h != "" {
		return filepath.Join(h, ".pyenv")
	}
	return ""
}

// abs resolves p (with a leading ~ expanded) against the working directory.
func (e Env) abs(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		if h := e.home(); h != "" {
			p = filepath.Join(h, p[1:])
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(e.Dir, p)
	}
	return filepath.Clean(p)
}

// Find returns the interpreter a request names (see ParseRequest), queried.
// It fails with a *NotFoundError (matching fs.ErrNotExist) when nothing
// qualifies and with an *UnsupportedError when the only interpreters that
// match are too old.
func Find(ctx context.Context, request string, env Env) (*Info, error) {
	req, err := ParseRequest(request)
	if err != nil {
		return nil, err
	}
	return FindRequest(ctx, req, env)
}

// FindRequest is Find for a parsed request.
func FindRequest(ctx context.Context, req Request, env Env) (*Info, error) {
	switch req.Kind {
	case PathRequest:
		return findPath(ctx, env.abs(req.Path), env)
	case NameRequest:
		// A bare name that is a directory here is a virtual environment.
		if p := env.abs(req.Name); isDir(p) {
			return findPath(ctx, p, env)
		}
	}
	f := finder{env: env, req: req, seen: map[string]bool{}}
	return f.find(ctx)
}

// findPath queries the interpreter at p, or the one in the virtual
// environment (or installation prefix) p is a directory of.
func findPath(ctx context.Context, p string, env Env) (*Info, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("python %s: %w", p, err)
	}
	exe := p
	if fi.IsDir() {
		exe = ""
		for _, c := range envExecutables(p) {
			if isExecutable(c) {
				exe = c
				break
			}
		}
		if exe == "" {
			return nil, fmt.Errorf("python %s: no interpreter in this directory (not a virtual environment?): %w", p, fs.ErrNotExist)
		}
	} else if resolved, err := resolveIfShim(exe, env); err != nil {
		return nil, err
	} else {
		exe = resolved
	}
	info, err := Query(ctx, exe, env.CacheDir)
	if err != nil {
		return nil, err
	}
	if err := info.CheckSupported(); err != nil {
		return nil, err
	}
	return info, nil
}

// envExecutables lists where an environment directory keeps its python.
func envExecutables(dir string) []string {
	return []string{
		filepath.Join(dir, "bin", "python3"),
		filepath.Join(dir, "bin", "python"),
		filepath.Join(dir, "Scripts", "python.exe"),
		filepath.Join(dir, "python.exe"),
	}
}

// IsVenvDir reports whether dir looks like a PEP 405 virtual environment:
// it has a pyvenv.cfg and an interpreter.
func IsVenvDir(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "pyvenv.cfg")); err != nil {
		return false
	}
	for _, c := range envExecutables(dir) {
		if isExecutable(c) {
			return true
		}
	}
	return false
}

// finder searches PATH and pyenv for a version, name or any interpreter.
type finder struct {
	env      Env
	req      Request
	seen     map[string]bool
	searched []string
	rejected []string
	// unsupported is the first matching interpreter that was too old.
	unsupported error
	// shimRoots are the pyenv roots of shims met on PATH.
	shimRoots []string
}

func (f *finder) find(ctx context.Context) (*Info, error) {
	names := f.names()
	f.searched = append(f.searched, "PATH")
	for _, dir := range filepath.SplitList(f.env.getenv("PATH")) {
		if dir == "" {
			continue
		}
		dir = f.env.abs(dir)
		for _, name := range names {
			info, err := f.try(ctx, filepath.Join(dir, name))
			if err != nil {
				return nil, err
			}
			if info != nil {
				return info, nil
			}
		}
	}
	if f.req.Kind != NameRequest {
		for _, root := range f.pyenvRoots() {
			f.searched = append(f.searched, "pyenv ("+root+")")
			for _, exe := range f.pyenvCandidates(root) {
				info, err := f.try(ctx, exe)
				if err != nil {
					return nil, err
				}
				if info != nil {
					return info, nil
				}
			}
		}
	}
	if f.unsupported != nil {
		return nil, f.unsupported
	}
	return nil, &NotFoundError{Request: f.req, Searched: f.searched, Rejected: f.rejected}
}

// pyenvRoots lists the pyenv installations to search: $PYENV_ROOT (or
// ~/.pyenv), then those whose shims were met on PATH.
func (f *finder) pyenvRoots() []string {
	var roots []string
	add := func(r string) {
		if r == "" || !isDir(filepath.Join(r, "versions")) {
			return
		}
		for _, have := range roots {
			if sameDir(have, r) {
				return
			}
		}
		roots = append(roots, r)
	}
	add(f.env.pyenvRoot())
	for _, r := range f.shimRoots {
		add(r)
	}
	return roots
}

// names lists the executable names to look for in each PATH directory,
// most specific first.
func (f *finder) names() []string {
	var names []string
	switch f.req.Kind {
	case NameRequest:
		names = []string{f.req.Name}
	case VersionRequest:
		stems := []string{"python"}
		switch f.req.Implementation {
		case "pypy":
			stems = []string{"pypy"}
		case "graalpy":
			stems = []string{"graalpy"}
		}
		for _, stem := range stems {
			if f.req.NParts >= 2 {
				names = append(names, fmt.Sprintf("%s%d.%d", stem, f.req.Parts[0], f.req.Parts[1]))
			}
			if f.req.NParts >= 1 {
				names = append(names, fmt.Sprintf("%s%d", stem, f.req.Parts[0]))
			} else {
				names = append(names, stem+"3")
			}
			names = append(names, stem)
		}
	default:
		names = []string{"python3", "python"}
	}
	if runtime.GOOS == "windows" {
		for i, n := range names {
			if !strings.HasSuffix(strings.ToLower(n), ".exe") {
				names[i] = n + ".exe"
			}
		}
	}
	return names
}

// try queries the candidate at path if it exists and has not been tried,
// and returns it if it satisfies the request. Candidates that fail to run
// are noted and skipped; only a canceled context is an error.
func (f *finder) try(ctx context.Context, path string) (*Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !isExecutable(path) {
		return nil, nil
	}
	if isPyenvShim(path) {
		f.shimRoots = append(f.shimRoots, shimRoot(path, f.env))
	}
	exe, err := resolveIfShim(path, f.env)
	if err != nil {
		var se *ShimError
		if errors.As(err, &se) {
			// pyenv would refuse to run this shim; not a candidate.
			return nil, nil
		}
		f.rejected = append(f.rejected, err.Error())
		return nil, nil
	}
	if f.seen[exe] {
		return nil, nil
	}
	f.seen[exe] = true
	info, err := Query(ctx, exe, f.env.CacheDir)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		f.rejected = append(f.rejected, err.Error())
		return nil, nil
	}
	if !f.req.Matches(info) {
		return nil, nil
	}
	if err := info.CheckSupported(); err != nil {
		if f.unsupported == nil {
			f.unsupported = err
		}
		return nil, nil
	}
	return info, nil
}

// pyenvCandidates lists the interpreters of pyenv's installed versions,
// newest first, skipping versions whose name rules them out.
func (f *finder) pyenvCandidates(root string) []string {
	var out []string
	for _, v := range pyenvVersions(root) {
		if f.req.Kind == VersionRequest && !f.pyenvVersionMayMatch(v) {
			continue
		}
		bin := filepath.Join(root, "versions", v, "bin")
		var names []string
		switch {
		case strings.HasPrefix(v, "pypy"):
			names = []string{"pypy3", "pypy", "python3", "python"}
		case strings.HasPrefix(v, "graalpy"):
			names = []string{"graalpy", "python3", "python"}
		default:
			names = []string{"python3", "python"}
		}
		for _, n := range names {
			if p := filepath.Join(bin, n); isExecutable(p) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// pyenvVersionMayMatch reports whether a pyenv version directory's name
// leaves room for the request: "3.12.1", "3.13.0rc1", "3.13-dev" and
// "pypy3.10-7.3.12" carry their language version; names that do not
// (virtualenvs, conda, graalpy) always may match, and the query decides.
func (f *finder) pyenvVersionMayMatch(v string) bool {
	impl, ver := "cpython", v
	switch {
	case strings.HasPrefix(v, "pypy"):
		impl, ver = "pypy", strings.TrimPrefix(v, "pypy")
	case strings.HasPrefix(v, "graalpy"):
		return f.req.Implementation == "" || f.req.Implementation == "graalpy"
	}
	lead := leadingVersion(ver)
	if lead == "" {
		return true
	}
	if f.req.Implementation != "" && f.req.Implementation != impl {
		return false
	}
	return f.req.matchesVersionString(lead)
}

// leadingVersion returns the digits-and-dots prefix of s ("3.13" of
// "3.13.0rc1" is "3.13.0"), without a trailing dot.
func leadingVersion(s string) string {
	i := 0
	for i < len(s) && (s[i] == '.' || s[i] >= '0' && s[i] <= '9') {
		i++
	}
	return strings.TrimRight(s[:i], ".")
}

// pyenvVersions lists $PYENV_ROOT/versions, newest plain version first,
// then other names in order.
func pyenvVersions(root string) []string {
	entries, err := os.ReadDir(filepath.Join(root, "versions"))
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if isDir(filepath.Join(root, "versions", e.Name())) {
			names = append(names, e.Name())
		}
	}
	sort.SliceStable(names, func(i, j int) bool {
		a, aok := versionKey(names[i])
		b, bok := versionKey(names[j])
		if aok != bok {
			return aok
		}
		if aok {
			for k := range a {
				if a[k] != b[k] {
					return a[k] > b[k]
				}
			}
		}
		return names[i] < names[j]
	})
	return names
}

// versionKey parses a plain release version name ("3.12.1") for sorting;
// a pre-release ("3.13.0rc1") or anything else is not plain.
func versionKey(name string) ([3]int, bool) {
	p, n, ok := parseVersionPrefix(name)
	return p, ok && n >= 2
}

// resolveIfShim returns path itself, or, when path is a pyenv shim, the
// interpreter pyenv would run for it.
func resolveIfShim(path string, env Env) (string, error) {
	if !isPyenvShim(path) {
		return path, nil
	}
	root := shimRoot(path, env)
	name := filepath.Base(path)
	versions, origin := pyenvSelectedVersions(env, root)
	for _, v := range versions {
		if v == "system" {
			if exe := lookPathExcept(name, env, filepath.Dir(path)); exe != "" {
				return exe, nil
			}
			continue
		}
		dir := pyenvVersionDir(root, v)
		if dir == "" {
			continue
		}
		if exe := filepath.Join(dir, "bin", name); isExecutable(exe) {
			return exe, nil
		}
	}
	return "", &ShimError{Shim: path, Name: name, Versions: versions, Origin: origin}
}

// shimRoot returns the pyenv root a shim belongs to. pyenv's shims export
// the root they were made for, which overrides the environment's
// PYENV_ROOT when they run, so that comes first; then the directory above
// the shims directory, if it holds versions; then $PYENV_ROOT or ~/.pyenv.
func shimRoot(shim string, env Env) string {
	if b, err := os.ReadFile(shim); err == nil && len(b) < 64<<10 {
		for _, line := range strings.Split(string(b), "\n") {
			rest, ok := strings.CutPrefix(strings.TrimSpace(line), "export PYENV_ROOT=")
			if !ok {
				continue
			}
			if r := strings.Trim(rest, `"'`); r != "" && !strings.ContainsAny(r, "$`") && isDir(r) {
				return r
			}
		}
	}
	if up := filepath.Dir(filepath.Dir(shim)); isDir(filepath.Join(up, "versions")) {
		return up
	}
	return env.pyenvRoot()
}

// isPyenvShim reports whether path is a pyenv shim: a small shell script
// in a directory named "shims" that hands over to pyenv.
func isPyenvShim(path string) bool {
	if filepath.Base(filepath.Dir(path)) != "shims" {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 1024)
	n, _ := f.Read(head)
	head = head[:n]
	return bytes.HasPrefix(head, []byte("#!")) && bytes.Contains(head, []byte("pyenv"))
}

// pyenvSelectedVersions returns the versions pyenv would select, in order,
// and where the choice came from: PYENV_VERSION (colon-separated), the
// nearest .python-version from the working directory upward, the global
// $PYENV_ROOT/version file, else "system".
func pyenvSelectedVersions(env Env, root string) ([]string, string) {
	if v := env.getenv("PYENV_VERSION"); v != "" {
		return strings.Split(v, ":"), "PYENV_VERSION"
	}
	for dir := env.Dir; dir != ""; {
		p := filepath.Join(dir, ".python-version")
		if vs := readVersionFile(p); len(vs) > 0 {
			return vs, p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if root != "" {
		p := filepath.Join(root, "version")
		if vs := readVersionFile(p); len(vs) > 0 {
			return vs, p
		}
	}
	return []string{"system"}, "default"
}

// readVersionFile reads a pyenv version file: one version per line (the
// first word), blank lines and # comments ignored, names with path
// separators or ".." rejected as pyenv does.
func readVersionFile(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		v := fields[0]
		if strings.ContainsAny(v, `/\`) || v == ".." || v == "." {
			continue
		}
		out = append(out, v)
	}
	return out
}

// pyenvVersionDir returns the installation directory for a selected pyenv
// version: the exact name, the name without a "python-" prefix, or the
// newest installed version the name is a prefix of ("3.12" → "3.12.1").
func pyenvVersionDir(root, v string) string {
	if root == "" {
		return ""
	}
	for _, name := range []string{v, strings.TrimPrefix(v, "python-")} {
		if d := filepath.Join(root, "versions", name); isDir(d) {
			return d
		}
	}
	v = strings.TrimPrefix(v, "python-")
	for _, name := range pyenvVersions(root) { // newest first
		if _, ok := versionKey(name); ok && strings.HasPrefix(name, v+".") {
			return filepath.Join(root, "versions", name)
		}
	}
	return ""
}

// lookPathExcept finds name on PATH, skipping the directory skip (the
// shims directory, when resolving pyenv's "system" version).
func lookPathExcept(name string, env Env, skip string) string {
	for _, dir := range filepath.SplitList(env.getenv("PATH")) {
		if dir == "" {
			continue
		}
		dir = env.abs(dir)
		if sameDir(dir, skip) || filepath.Base(dir) == "shims" {
			continue
		}
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	return ""
}

func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ai, err1 := os.Stat(a)
	bi, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ai, bi)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// isExecutable reports whether p is a regular file (after links) that
// may be executed.
func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0
}
