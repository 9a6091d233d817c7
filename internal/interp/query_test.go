package interp

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// markerNames are PEP 508's eleven environment marker variables.
var markerNames = []string{
	"implementation_name", "implementation_version", "os_name", "platform_machine",
	"platform_python_implementation", "platform_release", "platform_system",
	"platform_version", "python_full_version", "python_version", "sys_platform",
}

// realInterpreters lists the interpreters on this machine worth querying:
// pyenv's installations and the system python3.
func realInterpreters(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		root = filepath.Join(os.Getenv("HOME"), ".pyenv")
	}
	entries, _ := os.ReadDir(filepath.Join(root, "versions"))
	for _, e := range entries {
		for _, n := range []string{"python3", "python"} {
			if p := filepath.Join(root, "versions", e.Name(), "bin", n); isExecutable(p) {
				out[e.Name()] = p
				break
			}
		}
	}
	if isExecutable("/usr/bin/python3") {
		out["system"] = "/usr/bin/python3"
	}
	return out
}

func TestQueryRealInterpreters(t *testing.T) {
	pythons := realInterpreters(t)
	if len(pythons) == 0 {
		t.Skip("no Python interpreters on this machine")
	}
	cache := t.TempDir()
	for name, exe := range pythons {
		t.Run(name, func(t *testing.T) {
			info, err := Query(context.Background(), exe, cache)
			if err != nil {
				t.Fatal(err)
			}
			if name != "system" && !strings.HasPrefix(name, info.Version.MajorMinor()+".") && !strings.HasPrefix(name, info.Version.MajorMinor()+"-") {
				t.Errorf("version %v does not match the installation %s", info.Version, name)
			}
			if info.Version.Major < 3 {
				var ue *UnsupportedError
				if err := info.CheckSupported(); !errors.As(err, &ue) {
					t.Errorf("CheckSupported() = %v, want *UnsupportedError", err)
				}
				return
			}
			if err := info.CheckSupported(); err != nil {
				t.Fatal(err)
			}
			for _, m := range markerNames {
				if info.Markers[m] == "" && m != "platform_version" && m != "platform_release" {
					t.Errorf("marker %s is empty", m)
				}
			}
			if len(info.Markers) != len(markerNames) {
				t.Errorf("%d markers, want %d: %v", len(info.Markers), len(markerNames), info.Markers)
			}
			mm := info.Version.MajorMinor()
			checks := map[string][2]string{
				"python_version":              {info.Markers["python_version"], mm},
				"python_full_version":         {info.Markers["python_full_version"], info.Version.String()},
				"venv purelib":                {info.VenvScheme.Purelib, "lib/python" + mm + "/site-packages"},
				"venv scripts":                {info.VenvScheme.Scripts, "bin"},
				"prefix purelib":              {info.PrefixScheme.Purelib, "lib/python" + mm + "/site-packages"},
				"prefix data":                 {info.PrefixScheme.Data, "."},
				"user scripts":                {info.User.Scheme.Scripts, "bin"},
				"cache tag":                   {info.CacheTag, "cpython-" + strings.ReplaceAll(mm, ".", "")},
				"executable resolves":         {info.RealPath, mustEval(t, info.Executable)},
				"config var py_version_nodot": {info.Platform.ConfigVars["py_version_nodot"], strings.ReplaceAll(mm, ".", "")},
			}
			for what, c := range checks {
				if c[0] != c[1] {
					t.Errorf("%s = %q, want %q", what, c[0], c[1])
				}
			}
			if info.Platform.SOABI == "" || !strings.Contains(info.Platform.EXTSuffix, info.Platform.SOABI) {
				t.Errorf("SOABI %q, EXT_SUFFIX %q", info.Platform.SOABI, info.Platform.EXTSuffix)
			}
			if !regexp.MustCompile(`^[0-9a-f]{4}0d0a$`).MatchString(info.MagicNumber) {
				t.Errorf("magic number %q", info.MagicNumber)
			}
			if runtime.GOOS == "linux" {
				if info.Platform.Glibc == "" && info.Platform.Musl == "" {
					t.Error("neither glibc nor musl version found")
				}
				if !strings.HasPrefix(info.Platform.Platform, "linux-") {
					t.Errorf("platform %q", info.Platform.Platform)
				}
			}
			if info.Platform.PointerSize != 4 && info.Platform.PointerSize != 8 {
				t.Errorf("pointer size %d", info.Platform.PointerSize)
			}
			if info.IsVenv || info.Prefix != info.BasePrefix {
				t.Errorf("a base interpreter reports a virtual environment: prefix %s, base %s", info.Prefix, info.BasePrefix)
			}
			if !filepath.IsAbs(info.Paths.Purelib) || info.Stdlib == "" {
				t.Errorf("paths %+v, stdlib %q", info.Paths, info.Stdlib)
			}
			if info.BaseExecutable == "" {
				t.Error("no base executable")
			}
		})
	}
}

func mustEval(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// countingPython writes a fake interpreter that appends a line to counter
// every time it runs; extra is shell code run before it answers.
func countingPython(t *testing.T, path, counter string) {
	t.Helper()
	fakePython(t, path, "cpython", v(3, 12, 1), false)
	b, _ := os.ReadFile(path)
	s := strings.Replace(string(b), "#!/bin/sh\n", "#!/bin/sh\necho run >> '"+counter+"'\n", 1)
	if err := os.WriteFile(path, []byte(s), 0o755); err != nil {
		t.Fatal(err)
	}
}

func runs(t *testing.T, counter string) int {
	t.Helper()
	b, err := os.ReadFile(counter)
	if errors.Is(err, fs.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "run\n")
}

func TestQueryCache(t *testing.T) {
	dir := t.TempDir()
	counter := filepath.Join(dir, "count")
	exe := filepath.Join(dir, "env", "bin", "python")
	countingPython(t, exe, counter)
	cache := filepath.Join(dir, "cache", "interpreters")
	ctx := context.Background()

	first, err := Query(ctx, exe, cache)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func()
		cache  string
		want   int // runs so far
	}{
		{"second query is cached", nil, cache, 1},
		{"third query is cached", nil, cache, 1},
		{"another cache directory", nil, filepath.Join(dir, "other"), 2},
		{"no cache", nil, "", 3},
		{"interpreter modified", func() {
			f, _ := os.OpenFile(exe, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("# changed\n")
			f.Close()
		}, cache, 4},
		{"cached again", nil, cache, 4},
		{"mtime changed", func() {
			later := time.Now().Add(time.Hour)
			os.Chtimes(exe, later, later)
		}, cache, 5},
		{"pyvenv.cfg appears", func() {
			os.WriteFile(filepath.Join(dir, "env", "pyvenv.cfg"), []byte("home = /x\n"), 0o644)
		}, cache, 6},
		{"pyvenv.cfg unchanged", nil, cache, 6},
		{"pyvenv.cfg changed", func() {
			os.WriteFile(filepath.Join(dir, "env", "pyvenv.cfg"), []byte("home = /x\ninclude-system-site-packages = true\n"), 0o644)
		}, cache, 7},
		{"corrupt cache", func() {
			entries, _ := os.ReadDir(cache)
			for _, e := range entries {
				os.WriteFile(filepath.Join(cache, e.Name()), []byte("{not json"), 0o644)
			}
		}, cache, 8},
		{"repaired cache", nil, cache, 8},
	}
	for _, s := range steps {
		if s.change != nil {
			s.change()
		}
		info, err := Query(ctx, exe, s.cache)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := runs(t, counter); got != s.want {
			t.Errorf("%s: interpreter ran %d times, want %d", s.name, got, s.want)
		}
		if diff := cmp.Diff(first, info); diff != "" {
			t.Errorf("%s: answer differs (-first +now):\n%s", s.name, diff)
		}
	}
	// The cache holds only finished files.
	entries, _ := os.ReadDir(cache)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("stray file in cache: %s", e.Name())
		}
	}
}

// TestQueryCacheRealPython counts the runs of a real interpreter through a
// wrapper script: a cached second query starts no Python at all.
func TestQueryCacheRealPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	if real, err := resolveIfShim(py, Env{Getenv: os.Getenv, Dir: t.TempDir()}); err == nil {
		py = real
	}
	dir := t.TempDir()
	counter := filepath.Join(dir, "count")
	wrapper := filepath.Join(dir, "python")
	os.WriteFile(wrapper, []byte("#!/bin/sh\necho run >> '"+counter+"'\nexec '"+py+"' \"$@\"\n"), 0o755)
	cache := filepath.Join(dir, "cache")
	a, err := Query(context.Background(), wrapper, cache)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Query(context.Background(), wrapper, cache)
	if err != nil {
		t.Fatal(err)
	}
	if n := runs(t, counter); n != 1 {
		t.Errorf("python ran %d times for two queries, want 1", n)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("cached answer differs (-first +second):\n%s", diff)
	}
}

func TestQueryErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o755)
		return p
	}
	tests := []struct {
		name  string
		path  string
		check func(error) bool
	}{
		{"fails", write("fails", "#!/bin/sh\necho 'boom: no such module' >&2\nexit 3\n"), func(err error) bool {
			var qe *QueryError
			return errors.As(err, &qe) && strings.Contains(err.Error(), "boom: no such module")
		}},
		{"garbage", write("garbage", "#!/bin/sh\necho hello\n"), func(err error) bool {
			var qe *QueryError
			return errors.As(err, &qe)
		}},
		{"empty object", write("empty", "#!/bin/sh\necho '{}'\n"), func(err error) bool {
			var qe *QueryError
			return errors.As(err, &qe)
		}},
		{"missing", filepath.Join(dir, "nope"), func(err error) bool { return errors.Is(err, fs.ErrNotExist) }},
		{"directory", dir, func(err error) bool { return err != nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Query(context.Background(), tc.path, filepath.Join(dir, "cache"))
			if err == nil || !tc.check(err) {
				t.Errorf("Query = %v, %v; want a different error", info, err)
			}
		})
	}
}

func TestQueryCanceled(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "slow")
	os.WriteFile(p, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Query(ctx, p, "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("Query did not stop when its context ended")
	}
}

// TestFindOnThisMachine uses the machine's real PATH and pyenv: shims must
// resolve to real interpreters.
func TestFindOnThisMachine(t *testing.T) {
	env := Env{Getenv: os.Getenv, Dir: t.TempDir(), CacheDir: t.TempDir()}
	info, err := Find(context.Background(), "", env)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no Python on this machine")
	}
	if err != nil {
		t.Fatal(err)
	}
	if isPyenvShim(info.Executable) {
		t.Errorf("Find returned the shim %s", info.Executable)
	}
	for name := range realInterpreters(t) {
		parts := strings.SplitN(name, ".", 3)
		if len(parts) < 3 || name == "system" || strings.HasPrefix(name, "2.") {
			continue
		}
		req := parts[0] + "." + parts[1]
		t.Run(req, func(t *testing.T) {
			info, err := Find(context.Background(), req, env)
			if err != nil {
				t.Fatal(err)
			}
			if info.Version.MajorMinor() != req {
				t.Errorf("Find(%q) = %v", req, info)
			}
		})
	}
}
