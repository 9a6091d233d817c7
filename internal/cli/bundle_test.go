package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/bundle/bundletest"
	"ferry/internal/iostreams"
	"ferry/internal/server"
	"ferry/internal/server/servertest"
)

func parseBundle(t *testing.T, args ...string) (*bundleOptions, error) {
	t.Helper()
	return parseOptions(t, "bundle", bundleCmd, args)
}

func TestBundleFlags(t *testing.T) {
	o, err := parseBundle(t, "-q", "--format", "zipapp", "-p", "/usr/bin/python3", "--cache-dir", "c", "-e", "benchapp:main", "-o", "out.pyz", "appdir")
	if err != nil {
		t.Fatal(err)
	}
	if o.Quiet != 1 || o.Format != "zipapp" || o.Python != "/usr/bin/python3" || o.net.CacheDir != "c" || o.EntryPoint != "benchapp:main" ||
		o.Output != "out.pyz" || !cmp.Equal(o.Args, []string{"appdir"}) {
		t.Errorf("bench command line: %+v", o)
	}
	o, err = parseBundle(t, "--format", "tgz", "-c", "app", "--python-shebang", "/opt/py/bin/python3", "--constraint", "c.txt", "-r", "r.txt",
		"--platform", "manylinux_2_17_x86_64", "--python-version", "3.12", "--only-binary", ":all:", "--app", "helloapp", "-i", "http://idx/simple/", "x.whl")
	if err != nil {
		t.Fatal(err)
	}
	if o.Format != formatTarGz || o.Script != "app" || o.PythonShebang != "/opt/py/bin/python3" || !cmp.Equal(o.Constraint, []string{"c.txt"}) ||
		!cmp.Equal(o.Requirement, []string{"r.txt"}) || o.override.PythonVersion != "3.12" || o.App != "helloapp" || o.net.changed["index-url"] == nil {
		t.Errorf("options: %+v", o)
	}
	if o, err = parseBundle(t, "--format", "deb", "--maintainer", "A <a@b>", "--vendor", "V", "--release", "3", "--arch", "arm64", "x.whl"); err != nil ||
		o.Maintainer != "A <a@b>" || o.Vendor != "V" || o.Release != "3" || o.Arch != "arm64" {
		t.Errorf("deb options: %+v %v", o, err)
	}
	for _, bad := range [][]string{
		nil,
		{"--format", "exe", "x.whl"},
		{"-e", "a:b", "-c", "b", "x.whl"},
		{"-e", "not an entry point", "x.whl"},
		{"--format", "tar.gz", "--inherit-path", "x.whl"},
		{"--format", "zipapp", "--maintainer", "m", "x.whl"},
		{"--bogus", "x.whl"},
	} {
		_, err := parseBundle(t, bad...)
		var fe *FlagError
		if err == nil || !(errors.As(err, &fe) || isCobraUsageError(err)) {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}

func TestDeployFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *deployOptions
	cmd := deployCmd(&Factory{IO: ios}, func(_ context.Context, _ *Factory, o *deployOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"a.tar.gz", "--to", "srv", "--keep", "3", "--hook", "true", "--rollback-on-hook-failure", "--wait", "5s", "--json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := deployOptions{Artifact: "a.tar.gz", To: "srv", Keep: 3, Hook: "true", RollbackOnHookFailure: true, Wait: 5 * time.Second, JSON: true}
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("deploy options (-want +got):\n%s", diff)
	}
	for _, bad := range [][]string{{"a.tar.gz"}, {"--to", "srv"}, {"a", "b", "--to", "srv"}, {"a", "--to", "s", "--rollback-on-hook-failure"}, {"a", "--to", "s", "--keep", "-1"}} {
		cmd := deployCmd(&Factory{IO: ios}, func(context.Context, *Factory, *deployOptions) error { return nil })
		cmd.SetArgs(bad)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		var fe *FlagError
		if err := cmd.Execute(); err == nil || !errors.As(err, &fe) {
			t.Errorf("deploy %q: %v, want a usage error", bad, err)
		}
	}
	var rgot *rollbackOptions
	rcmd := rollbackCmd(&Factory{IO: ios}, func(_ context.Context, _ *Factory, o *rollbackOptions) error { rgot = o; return nil })
	rcmd.SetArgs([]string{"--to", "srv", "--to-release", "1.0-abc", "--hook", "h"})
	if err := rcmd.Execute(); err != nil || rgot.To != "srv" || rgot.Release != "1.0-abc" || rgot.Hook != "h" {
		t.Errorf("rollback options: %+v %v", rgot, err)
	}
}

// fixture is a loopback index serving greetlib (2.0 and 2.1) and a
// linux-only native package, and a directory holding the helloapp wheel.
type fixture struct {
	index string
	dir   string
	app   string
	home  string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	idx := t.TempDir()
	dists := []servertest.Dist{}
	for _, w := range []bundletest.Wheel{
		bundletest.GreetLib(t, "2.0"), bundletest.GreetLib(t, "2.1"),
		bundletest.MustBuild(t, bundletest.Spec{Name: "linuxonly", Version: "1.0", Tag: "cp311-cp311-manylinux_2_17_x86_64",
			Files: map[string]string{"linuxonly/__init__.py": "", "linuxonly/_x.cpython-311-x86_64-linux-gnu.so": "\x7fELF"}}),
	} {
		dists = append(dists, servertest.Dist{Filename: w.Filename, Data: w.Data})
	}
	servertest.WriteDir(t, idx, dists...)
	srv, _ := servertest.Serve(t, idx, server.Options{})
	fx := &fixture{index: srv.URL + "/simple/", dir: t.TempDir(), home: t.TempDir()}
	fx.app = bundletest.WriteDir(t, fx.dir, bundletest.HelloApp(t))[0]
	return fx
}

// ferry runs the command line in-process in fx.dir and returns the exit
// status, stdout and stderr.
func (fx *fixture) ferry(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	vars := map[string]string{
		"HOME": fx.home, "FERRY_CACHE_DIR": filepath.Join(fx.home, "cache"), "PATH": os.Getenv("PATH"),
		"PIP_CONFIG_FILE": os.DevNull, "NO_COLOR": "1", "FERRY_RETRIES": "0",
	}
	for k, v := range env {
		vars[k] = v
	}
	f := &Factory{IO: ios, Dir: fx.dir,
		Getenv: func(k string) string { return vars[k] },
		Environ: func() []string {
			var e []string
			for k, v := range vars {
				e = append(e, k+"="+v)
			}
			return e
		},
	}
	code := Main(context.Background(), args, f)
	return code, out.String(), errOut.String()
}

func python3Path(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH")
	}
	return py
}

// serve runs the zipapp with python3 from an empty directory, with no
// virtual environment and no PYTHONPATH, waits for "serving on PORT" and
// returns the response to GET /.
func serve(t *testing.T, py, pyz string) string {
	t.Helper()
	cmd := exec.Command(py, pyz)
	cmd.Dir = t.TempDir()
	home := t.TempDir()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "HELLOAPP_PORT=0", "PYTHONNOUSERSITE=1"}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
	}()
	var port int
	select {
	case line := <-lines:
		if _, err := fmt.Sscanf(line, "serving on %d", &port); err != nil {
			time.Sleep(100 * time.Millisecond)
			t.Fatalf("the application said %q: %v\nstderr:\n%s", line, err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the application did not start; stderr:\n%s", stderr.String())
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET / = %d %s", resp.StatusCode, body)
	}
	return string(body)
}

// TestBundleZipappServes bundles the fixture application as a .pyz through
// the command line, against the loopback index, runs it with the
// machine's python3 and asks it over HTTP.
func TestBundleZipappServes(t *testing.T) {
	py := python3Path(t)
	fx := newFixture(t)
	code, stdout, stderr := fx.ferry(t, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"},
		"bundle", "-i", fx.index, "-o", "app.pyz", "--json", filepath.Base(fx.app))
	if code != 0 {
		t.Fatalf("ferry bundle: %d\n%s", code, stderr)
	}
	var res bundleJSON
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json: %v\n%s", err, stdout)
	}
	pyz := filepath.Join(fx.dir, "app.pyz")
	want := []bundleDistJSON{{Name: "greetlib", Version: "2.1", Placement: "site-packages"}, {Name: "helloapp", Version: "1.0", Placement: "site-packages"}}
	if diff := cmp.Diff(want, res.Distributions); diff != "" || res.EntryPoint != "helloapp:main" || res.Output != pyz || res.Name != "helloapp" || len(res.SHA256) != 64 {
		t.Errorf("result %+v\n(-want +got distributions):\n%s", res, diff)
	}
	st, err := os.Stat(pyz)
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("app.pyz: %v %v", st, err)
	}
	body := serve(t, py, pyz)
	if body != "hello, ferry (helloapp 1.0, greetlib 2.1)\n" {
		t.Errorf("GET / = %q", body)
	}
	t.Logf("app.pyz: %d bytes; GET / = %q", st.Size(), body)

	// The same inputs give the same bytes.
	first, _ := os.ReadFile(pyz)
	if code, _, stderr := fx.ferry(t, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}, "bundle", "-q", "-i", fx.index, "-o", "again.pyz", fx.app); code != 0 {
		t.Fatalf("second bundle: %s", stderr)
	}
	again, _ := os.ReadFile(filepath.Join(fx.dir, "again.pyz"))
	if !bytes.Equal(first, again) {
		t.Error("bundling twice gave different bytes")
	}

	// An entry point that does not import: the bundle is written (with a
	// warning), and running it fails with the bootstrap's message.
	code, _, stderr = fx.ferry(t, nil, "bundle", "-i", fx.index, "-e", "helloapp.nope:main", "-o", "bad.pyz", fx.app)
	if code != 0 || !strings.Contains(stderr, "warning: the entry point's module helloapp.nope is not in the bundle") {
		t.Fatalf("bundle with a bad entry point: %d\n%s", code, stderr)
	}
	cmd := exec.Command(py, filepath.Join(fx.dir, "bad.pyz"))
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 ||
		!strings.Contains(string(out), "ferry bundle: entry point 'helloapp.nope:main' could not be imported: ModuleNotFoundError") {
		t.Errorf("running bad.pyz: %v\n%s", err, out)
	}
}

func TestBundleErrors(t *testing.T) {
	fx := newFixture(t)
	t.Run("no-wheel-for-target", func(t *testing.T) {
		code, _, stderr := fx.ferry(t, nil, "bundle", "-i", fx.index, "-e", "helloapp:main", "--python-version", "3.11",
			"--platform", "win_amd64", "--only-binary", ":all:", fx.app, "linuxonly")
		if code != 1 || !strings.Contains(stderr, "linuxonly") || !strings.Contains(stderr, "win_amd64") {
			t.Errorf("%d\n%s", code, stderr)
		}
		// Without --only-binary: a platform implies it.
		code, _, stderr = fx.ferry(t, nil, "bundle", "-i", fx.index, "-e", "helloapp:main", "--python-version", "3.11",
			"--platform", "win_amd64", fx.app, "linuxonly")
		if code != 1 || !strings.Contains(stderr, "linuxonly") {
			t.Errorf("%d\n%s", code, stderr)
		}
	})
	t.Run("for-another-linux", func(t *testing.T) {
		code, stdout, stderr := fx.ferry(t, nil, "bundle", "-i", fx.index, "--json", "--python-version", "3.11",
			"--platform", "manylinux_2_17_x86_64", "-o", "other.pyz", fx.app, "linuxonly")
		if code != 0 {
			t.Fatalf("%d\n%s", code, stderr)
		}
		var res bundleJSON
		json.Unmarshal([]byte(stdout), &res)
		found := false
		for _, d := range res.Distributions {
			if d.Name == "linuxonly" {
				found = d.Placement == "extract" && d.Native
			}
		}
		if !found || res.Name != "helloapp" {
			t.Errorf("linuxonly not extracted: %+v", res)
		}
	})
	t.Run("no-entry-point", func(t *testing.T) {
		lib := bundletest.WriteDir(t, t.TempDir(), bundletest.GreetLib(t, "2.1"))[0]
		code, _, stderr := fx.ferry(t, nil, "bundle", "--no-index", lib)
		if code != 2 || !strings.Contains(stderr, "greetlib==2.1 defines no console script") {
			t.Errorf("%d\n%s", code, stderr)
		}
		code, _, stderr = fx.ferry(t, nil, "bundle", "--no-index", "--format", "tar.gz", fx.app, lib)
		if code != 2 || !strings.Contains(stderr, "name it with --app (bundled: greetlib, helloapp)") {
			t.Errorf("two requested, no --app: %d\n%s", code, stderr)
		}
	})
	t.Run("bad-shebang", func(t *testing.T) {
		code, _, stderr := fx.ferry(t, nil, "bundle", "-i", fx.index, "--python-shebang", "python3", "-o", "x.pyz", fx.app)
		if code != 1 || !strings.Contains(stderr, "not an absolute path") {
			t.Errorf("%d\n%s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(fx.dir, "x.pyz")); err == nil {
			t.Error("x.pyz written")
		}
	})
}

// TestBundleDeployRollback bundles two versions as .tar.gz releases,
// deploys both, runs the current one, rolls back, and deploys a corrupt
// artifact, through the command line.
func TestBundleDeployRollback(t *testing.T) {
	py := python3Path(t)
	fx := newFixture(t)
	srv := filepath.Join(t.TempDir(), "srv")
	env := map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}
	bundleRelease := func(greet, out string) {
		t.Helper()
		code, _, stderr := fx.ferry(t, env, "bundle", "-i", fx.index, "--format", "tar.gz", "-e", "helloapp:show", "-o", out, fx.app, "greetlib=="+greet)
		if code != 0 {
			t.Fatalf("bundle %s: %s", out, stderr)
		}
	}
	bundleRelease("2.0", "v1.tar.gz")
	bundleRelease("2.1", "v2.tar.gz")
	deployJSONOut := func(args ...string) deployJSON {
		t.Helper()
		code, stdout, stderr := fx.ferry(t, nil, append(args, "--json")...)
		if code != 0 {
			t.Fatalf("%q: %d\n%s", args, code, stderr)
		}
		var r deployJSON
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		return r
	}
	runCurrent := func() string {
		t.Helper()
		cmd := exec.Command(py, filepath.Join(srv, "current", "bin", "helloapp"))
		cmd.Dir = t.TempDir()
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("current/bin/helloapp: %v\n%s", err, out)
		}
		line, _, _ := strings.Cut(string(out), "\n")
		return line
	}
	r1 := deployJSONOut("deploy", "v1.tar.gz", "--to", srv)
	if got := runCurrent(); got != "hello, ferry (helloapp 1.0, greetlib 2.0)" {
		t.Errorf("v1 says %q", got)
	}
	r2 := deployJSONOut("deploy", "v2.tar.gz", "--to", srv)
	if r2.Previous != r1.Release || r1.Release == r2.Release {
		t.Errorf("second deploy: %+v after %+v", r2.Result, r1.Result)
	}
	if got := runCurrent(); got != "hello, ferry (helloapp 1.0, greetlib 2.1)" {
		t.Errorf("v2 says %q", got)
	}
	rb := deployJSONOut("rollback", "--to", srv)
	if rb.Release != r1.Release {
		t.Errorf("rollback went to %s, want %s", rb.Release, r1.Release)
	}
	if got := runCurrent(); got != "hello, ferry (helloapp 1.0, greetlib 2.0)" {
		t.Errorf("after rollback: %q", got)
	}
	code, stdout, _ := fx.ferry(t, nil, "rollback", "--to", srv, "--list")
	if code != 0 || !strings.Contains(stdout, "* "+r1.Release) || !strings.Contains(stdout, "  "+r2.Release) {
		t.Errorf("--list: %d\n%s", code, stdout)
	}

	// A corrupt artifact changes nothing.
	data, _ := os.ReadFile(filepath.Join(fx.dir, "v2.tar.gz"))
	os.WriteFile(filepath.Join(fx.dir, "cut.tar.gz"), data[:len(data)/2], 0o644)
	code, _, stderr := fx.ferry(t, nil, "deploy", "cut.tar.gz", "--to", srv)
	if code != 1 || !strings.Contains(stderr, "release ") {
		t.Errorf("corrupt deploy: %d\n%s", code, stderr)
	}
	if got := runCurrent(); got != "hello, ferry (helloapp 1.0, greetlib 2.0)" {
		t.Errorf("after the corrupt deploy: %q", got)
	}
	// A failing hook: status 1, its output shown, the switch stays.
	code, _, stderr = fx.ferry(t, nil, "deploy", "v2.tar.gz", "--to", srv, "--hook", "echo restart $FERRY_RELEASE failed; exit 3")
	if code != 1 || !strings.Contains(stderr, "restart "+r2.Release+" failed") || !strings.Contains(stderr, "exit status 3") {
		t.Errorf("failing hook: %d\n%s", code, stderr)
	}
	if got := runCurrent(); got != "hello, ferry (helloapp 1.0, greetlib 2.1)" {
		t.Errorf("after the failing hook: %q", got)
	}
}
