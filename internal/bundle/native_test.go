package bundle_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ferry/internal/bundle"
	"ferry/internal/bundle/bundletest"
)

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func contains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// packages returns a .deb and an .rpm of the fixture release whose
// launcher runs helloapp:show, and of a release with native code.
func writePackages(t *testing.T, dir string) (debPath, rpmPath, nativeDeb, nativeRPM string) {
	t.Helper()
	tree := stage(t, bundletest.HelloApp(t), bundletest.GreetLib(t, "2.1"))
	rel, err := tree.Release(context.Background(), bundle.ReleaseOptions{App: "helloapp", EntryPoint: "helloapp:show"})
	if err != nil {
		t.Fatal(err)
	}
	opts := bundle.PackageOptions{Maintainer: "Ops Team <ops@example.com>", Release: "2", Mtime: epoch}
	write := func(f func(*bytes.Buffer) (string, error)) string {
		var buf bytes.Buffer
		name, err := f(&buf)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	debPath = write(func(b *bytes.Buffer) (string, error) { return rel.WriteDeb(b, opts) })
	rpmPath = write(func(b *bytes.Buffer) (string, error) { return rel.WriteRPM(b, opts) })

	ntree := stage(t, bundletest.HelloApp(t), bundletest.GreetLib(t, "2.1"), nativeLib(t))
	nrel, err := ntree.Release(context.Background(), bundle.ReleaseOptions{App: "helloapp"})
	if err != nil {
		t.Fatal(err)
	}
	nopts := bundle.PackageOptions{Machine: "x86_64", PythonVersion: "3.11", Mtime: epoch}
	nativeDeb = write(func(b *bytes.Buffer) (string, error) { return nrel.WriteDeb(b, nopts) })
	nativeRPM = write(func(b *bytes.Buffer) (string, error) { return nrel.WriteRPM(b, nopts) })
	return debPath, rpmPath, nativeDeb, nativeRPM
}

func TestPackageNames(t *testing.T) {
	debPath, rpmPath, nativeDeb, nativeRPM := writePackages(t, t.TempDir())
	got := []string{filepath.Base(debPath), filepath.Base(rpmPath), filepath.Base(nativeDeb), filepath.Base(nativeRPM)}
	want := []string{"helloapp_1.0-2_all.deb", "helloapp-1.0-2.noarch.rpm", "helloapp_1.0-1_amd64.deb", "helloapp-1.0-1.x86_64.rpm"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("file name %d = %s, want %s", i, got[i], want[i])
		}
	}
	tree := stage(t, bundletest.MustBuild(t, bundletest.Spec{Name: "anon", Version: "1", Files: map[string]string{
		"anon/__init__.py": "def main(): pass\n",
	}}))
	rel, err := tree.Release(context.Background(), bundle.ReleaseOptions{App: "anon", EntryPoint: "anon:main"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rel.WriteDeb(&bytes.Buffer{}, bundle.PackageOptions{}); err == nil || !strings.Contains(err.Error(), "needs a maintainer") {
		t.Errorf("a .deb without a maintainer: %v", err)
	}
	nt := stage(t, nativeLib(t))
	nrel, err := nt.Release(context.Background(), bundle.ReleaseOptions{App: "fastlib", EntryPoint: "fastlib:x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nrel.WriteRPM(&bytes.Buffer{}, bundle.PackageOptions{Machine: "pdp11"}); err == nil || !strings.Contains(err.Error(), "pdp11") {
		t.Errorf("native code for an unknown machine: %v", err)
	}
	if _, err := nrel.WriteRPM(&bytes.Buffer{}, bundle.PackageOptions{Machine: "pdp11", Arch: "noarch"}); err != nil {
		t.Errorf("an explicit arch: %v", err)
	}
	for _, interp := range []string{"python3", "/usr/bin/my python", "/usr/bin/env python3 -I", "/usr/bin/env "} {
		if _, err := nrel.WriteDeb(&bytes.Buffer{}, bundle.PackageOptions{Machine: "x86_64", Maintainer: "m <m@x>", Interpreter: interp}); err == nil {
			t.Errorf("interpreter %q accepted", interp)
		}
	}
}

func TestDeb(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb is not installed: the .deb checks with dpkg are skipped")
	}
	debPath, _, nativeDeb, _ := writePackages(t, t.TempDir())
	t.Run("info", func(t *testing.T) {
		contains(t, "dpkg-deb --info", run(t, "dpkg-deb", "--info", debPath),
			"Package: helloapp", "Version: 1.0-2", "Architecture: all", "Maintainer: Ops Team <ops@example.com>",
			"Depends: python3 (>= 3.8)", "Homepage: https://example.com/helloapp", "Section: python",
			"Description: A tiny HTTP application", " helloapp answers GET / with a greeting.", " .", "X-Python-Version: >=3.8")
		contains(t, "dpkg-deb --info (native)", run(t, "dpkg-deb", "--info", nativeDeb),
			"Architecture: amd64", "Depends: python3 (>= 3.11), python3 (<< 3.12)", "Maintainer: Hello Team <hello@example.com>")
	})
	t.Run("contents", func(t *testing.T) {
		contains(t, "dpkg-deb --contents", run(t, "dpkg-deb", "--contents", debPath),
			"-rwxr-xr-x 0/0", "./opt/helloapp/bin/helloapp", "./usr/bin/helloapp -> /opt/helloapp/bin/helloapp",
			"./opt/helloapp/RELEASE.json", "./opt/helloapp/app/helloapp/__init__.py", "./opt/helloapp/vendor/greetlib/__init__.py",
			"./opt/helloapp/requirements.txt", "./usr/share/doc/helloapp/changelog.Debian.gz", "./usr/share/doc/helloapp/copyright")
	})
	t.Run("dpkg-install-and-run", func(t *testing.T) {
		if _, err := exec.LookPath("dpkg"); err != nil {
			t.Skip("dpkg is not installed")
		}
		root := t.TempDir()
		admin := filepath.Join(root, "var/lib/dpkg")
		for _, d := range []string{"info", "updates", "triggers"} {
			os.MkdirAll(filepath.Join(admin, d), 0o755)
		}
		for _, f := range []string{"status", "available"} {
			os.WriteFile(filepath.Join(admin, f), nil, 0o644)
		}
		cmd := exec.Command("dpkg", "--root="+root, "--admindir="+admin, "--log=/dev/null",
			"--force-not-root", "--force-depends", "--force-script-chrootless", "--force-unsafe-io", "-i", debPath)
		cmd.Env = append(os.Environ(), "PATH=/usr/sbin:/usr/bin:/sbin:/bin")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("dpkg -i: %v\n%s", err, out)
		}
		out, err := exec.Command("dpkg-query", "--admindir="+admin, "-W", "-f=${Package} ${Version} ${Status}", "helloapp").CombinedOutput()
		if err != nil || string(out) != "helloapp 1.0-2 install ok installed" {
			t.Errorf("dpkg-query: %q, %v", out, err)
		}
		launcher := filepath.Join(root, "opt/helloapp/bin/helloapp")
		head, _ := os.ReadFile(launcher)
		if !bytes.HasPrefix(head, []byte("#!/usr/bin/python3\n")) {
			t.Errorf("launcher starts %q", head[:min(len(head), 40)])
		}
		if target, err := os.Readlink(filepath.Join(root, "usr/bin/helloapp")); err != nil || target != "/opt/helloapp/bin/helloapp" {
			t.Errorf("/usr/bin/helloapp -> %q, %v", target, err)
		}
		py := python3(t)
		c := exec.Command(py, launcher)
		c.Dir = t.TempDir()
		got, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("installed launcher: %v\n%s", err, got)
		}
		contains(t, "installed launcher", string(got), "hello, ferry (helloapp 1.0, greetlib 2.1)",
			"greetlib from "+filepath.Join(root, "opt/helloapp/vendor/greetlib/__init__.py"))
	})
}

func TestRPM(t *testing.T) {
	if _, err := exec.LookPath("rpm"); err != nil {
		t.Skip("rpm is not installed (.ci/run installs it): the .rpm checks are skipped")
	}
	_, rpmPath, _, nativeRPM := writePackages(t, t.TempDir())
	contains(t, "rpm -qpi", run(t, "rpm", "-qpi", rpmPath),
		"helloapp", "1.0", "Release     : 2", "noarch", "MIT", "Hello Team <hello@example.com>", "Ops Team <ops@example.com>",
		"https://example.com/helloapp", "A tiny HTTP application", "helloapp answers GET / with a greeting.")
	contains(t, "rpm -qpl", run(t, "rpm", "-qpl", rpmPath),
		"/opt/helloapp/bin/helloapp", "/opt/helloapp/RELEASE.json", "/opt/helloapp/vendor/greetlib/__init__.py", "/usr/bin/helloapp")
	contains(t, "rpm -qp --requires", run(t, "rpm", "-qp", "--requires", rpmPath), "python3 >= 3.8")
	contains(t, "rpm -qp --changelog", run(t, "rpm", "-qp", "--changelog", rpmPath), "Ops Team <ops@example.com> - 1.0-2", "- Packaged helloapp 1.0 with ferry bundle.")
	contains(t, "rpm -qp --requires (native)", run(t, "rpm", "-qp", "--requires", nativeRPM), "python3 >= 3.11", "python3 < 3.12")
	contains(t, "rpm -qpi (native)", run(t, "rpm", "-qpi", nativeRPM), "x86_64")
	dirs := run(t, "rpm", "-qp", "--qf", "[%{FILEMODES:perms} %{FILENAMES}\n]", rpmPath)
	contains(t, "rpm file modes", dirs, "drwxr-xr-x /opt/helloapp\n", "-rwxr-xr-x /opt/helloapp/bin/helloapp\n", "lrwxrwxrwx /usr/bin/helloapp\n")
	if strings.Contains(dirs, " /usr/bin\n") || strings.Contains(dirs, " /opt\n") {
		t.Errorf("the package owns system directories:\n%s", dirs)
	}
}
