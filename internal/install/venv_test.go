package install

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ferry/internal/interp"
	"ferry/internal/venv"
)

// realVenv makes a virtual environment with the machine's python3 and
// returns its description; it skips the test when there is no Python.
func realVenv(t testing.TB, dir string) *interp.Info {
	t.Helper()
	ctx := context.Background()
	ienv := interp.Env{Getenv: os.Getenv, Dir: t.TempDir(), CacheDir: filepath.Join(os.TempDir(), "ferry-install-test-interp")}
	base, err := interp.Find(ctx, "", ienv)
	if err != nil {
		t.Skipf("no Python interpreter: %v", err)
	}
	v, err := venv.Create(ctx, dir, base, venv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	info, err := interp.Query(ctx, v.Python, ienv.CacheDir)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// bundledWheels returns the pip (and setuptools) wheels ensurepip ships
// with the interpreter.
func bundledWheels(t testing.TB, python string) []string {
	t.Helper()
	out, err := exec.Command(python, "-c", "import ensurepip, os; print(os.path.dirname(ensurepip.__file__))").Output()
	if err != nil {
		t.Skipf("no ensurepip: %v", err)
	}
	whls, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "_bundled", "*.whl"))
	if len(whls) == 0 {
		t.Skip("ensurepip has no bundled wheels")
	}
	return whls
}

func runIn(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_INPUT=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func TestRealVenv(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "venv")
	info := realVenv(t, dir)
	l := EnvLayout(info)
	site := l.Scheme.Purelib
	before := snapshot(t, dir)

	c := openCache(t, t.TempDir())
	wheels := t.TempDir()
	paths := append(bundledWheels(t, info.Executable), writeWheel(t, wheels, demoSpec("1.0")), writeWheel(t, wheels, platSpec()))
	us := unpackAll(t, c, paths...)
	rep := apply(t, l, Txn{Install: items(us)}, Options{Compile: true})
	if len(rep.Installed) != len(paths) || rep.Compiled == 0 {
		t.Fatalf("report: %+v", rep)
	}

	runIn(t, dir, filepath.Join(dir, "bin", "python"), "-c", "import pip, demo, plat_mod, demo_extra")
	if out := runIn(t, dir, filepath.Join(dir, "bin", "pip"), "--version"); !strings.Contains(out, "pip ") || !strings.Contains(out, site) {
		t.Errorf("pip --version = %q", out)
	}
	if out := runIn(t, dir, filepath.Join(dir, "bin", "demo")); strings.TrimSpace(out) != "demo 1.0" {
		t.Errorf("demo = %q", out)
	}
	cmd := exec.Command(filepath.Join(dir, "bin", "demo-cli"), "a", "b")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 || strings.TrimSpace(string(out)) != "args ['a', 'b']" {
		t.Errorf("demo-cli = %q, %v; want args and exit status 3", out, err)
	}
	if out := runIn(t, dir, filepath.Join(dir, "bin", "demo-shebang")); !strings.Contains(out, "shebang ok 1.0") {
		t.Errorf("demo-shebang = %q", out)
	}
	// pip itself agrees with what was installed and finds nothing broken.
	list := runIn(t, dir, filepath.Join(dir, "bin", "python"), "-m", "pip", "list", "--format=freeze")
	for _, want := range []string{"demo_pkg==1.0", "plat_mod==0.3", "pip=="} {
		if !strings.Contains(strings.ReplaceAll(list, "-", "_"), strings.ReplaceAll(want, "-", "_")) {
			t.Errorf("pip list lacks %s:\n%s", want, list)
		}
	}
	runIn(t, dir, filepath.Join(dir, "bin", "python"), "-m", "pip", "check")

	// Uninstall everything: the environment is as it was.
	e, err := OpenEnv(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	rep, err = e.Apply(context.Background(), Txn{Remove: e.Inventory().All()}, Options{})
	e.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Removed) != len(paths) {
		t.Errorf("removed %v", rep.Removed)
	}
	if diff := diffSnapshots(withDirs(before, snapshot(t, dir)), snapshot(t, dir)); diff != "" {
		t.Errorf("the environment is not as before (-before +now):\n%s", diff)
	}
}

// BenchmarkInstallWarm installs the ensurepip wheels and the test wheels
// into a fresh virtual environment from a warm cache (unpacking is a
// cache hit; the cost is hashing the wheel files and placing the files).
func BenchmarkInstallWarm(b *testing.B) {
	root := b.TempDir()
	template := filepath.Join(root, "template")
	info := realVenv(b, template)
	c := openCache(b, filepath.Join(root, "cache"))
	wheels := b.TempDir()
	paths := append(bundledWheels(b, info.Executable), writeWheel(b, wheels, demoSpec("1.0")), writeWheel(b, wheels, platSpec()))
	unpackAll(b, c, paths...)
	ctx := context.Background()
	base := EnvLayout(info)
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++
		l := retarget(base, template, filepath.Join(root, "env", strconv.Itoa(n)))
		b.StartTimer()
		us, err := UnpackAll(ctx, c, paths, UnpackOptions{})
		if err != nil {
			b.Fatal(err)
		}
		e, err := OpenEnv(ctx, l)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Apply(ctx, Txn{Install: items(us)}, Options{}); err != nil {
			b.Fatal(err)
		}
		e.Close()
	}
}

// retarget moves a layout from one environment directory to another.
func retarget(l Layout, from, to string) Layout {
	re := func(p string) string {
		if rest, ok := strings.CutPrefix(p, from); ok {
			return to + rest
		}
		return p
	}
	l.Scheme.Purelib, l.Scheme.Platlib, l.Scheme.Scripts = re(l.Scheme.Purelib), re(l.Scheme.Platlib), re(l.Scheme.Scripts)
	l.Scheme.Data, l.Scheme.Include, l.Headers, l.Python = re(l.Scheme.Data), re(l.Scheme.Include), re(l.Headers), re(l.Python)
	var roots []string
	for _, r := range l.Roots {
		roots = append(roots, re(r))
	}
	l.Roots = roots
	return l
}
