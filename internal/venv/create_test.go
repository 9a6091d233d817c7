package venv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/interp"
)

// testEnv is the machine's own environment: these tests run real
// interpreters.
func testEnv(t *testing.T) interp.Env {
	return interp.Env{Getenv: os.Getenv, Dir: t.TempDir(), CacheDir: t.TempDir()}
}

// findPython returns the machine's python3, skipping the test if there is
// none.
func findPython(t *testing.T, request string) *interp.Info {
	t.Helper()
	info, err := interp.Find(context.Background(), request, testEnv(t))
	if err != nil {
		t.Skipf("no Python interpreter for %q: %v", request, err)
	}
	return info
}

// pythons lists the interpreters to build environments with: the default
// one and a spread of pyenv versions when present.
func pythons(t *testing.T) map[string]*interp.Info {
	t.Helper()
	out := map[string]*interp.Info{"default": findPython(t, "")}
	if testing.Short() {
		return out
	}
	for _, v := range []string{"3.6", "3.8", "3.10", "3.12", "3.13"} {
		if info, err := interp.Find(context.Background(), v, testEnv(t)); err == nil {
			out[v] = info
		}
	}
	return out
}

func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnviron(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// cleanEnviron is the process environment without an active virtual
// environment or Python variables.
func cleanEnviron() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "VIRTUAL_ENV") || strings.HasPrefix(kv, "PYTHON") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func TestCreateRuns(t *testing.T) {
	for name, info := range pythons(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "env")
			v, err := Create(context.Background(), dir, info, Options{})
			if err != nil {
				t.Fatal(err)
			}
			out := run(t, "/", nil, v.Python, "-c",
				"import sys, sysconfig; print(sys.prefix); print(sys.base_prefix); print(sysconfig.get_paths()['purelib']); print(sysconfig.get_paths()['scripts'])")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			want := []string{dir, info.BasePrefix, v.Scheme.Purelib, v.Scheme.Scripts}
			if diff := cmp.Diff(want, lines); diff != "" {
				t.Errorf("prefix, base prefix, purelib, scripts (-want +got):\n%s", diff)
			}
			q, err := interp.Query(context.Background(), v.Python, "")
			if err != nil {
				t.Fatal(err)
			}
			if !q.IsVenv || q.Prefix != dir || !interp.IsVenvDir(dir) {
				t.Errorf("the environment's interpreter does not see a venv: %+v", q)
			}
			if _, err := os.Stat(filepath.Join(dir, ".gitignore")); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestCreateMatchesStdlibVenv builds the same environment with the
// interpreter's own venv module and compares pyvenv.cfg, the layout and the
// interpreter links.
func TestCreateMatchesStdlibVenv(t *testing.T) {
	for name, info := range pythons(t) {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			ours, theirs := filepath.Join(root, "ours"), filepath.Join(root, "theirs")
			for _, opts := range []struct {
				name string
				o    Options
				args []string
			}{
				{"plain", Options{}, nil},
				{"system site packages and prompt", Options{SystemSitePackages: true, Prompt: "proj"}, []string{"--system-site-packages", "--prompt", "proj"}},
			} {
				t.Run(opts.name, func(t *testing.T) {
					os.RemoveAll(ours)
					os.RemoveAll(theirs)
					if _, err := Create(context.Background(), ours, info, opts.o); err != nil {
						t.Fatal(err)
					}
					args := append([]string{"-m", "venv", "--without-pip"}, opts.args...)
					run(t, root, nil, info.Executable, append(args, theirs)...)

					ourCfg := readConfig(t, ours)
					theirCfg := readConfig(t, theirs)
					theirCfg.Command = strings.ReplaceAll(theirCfg.Command, theirs, ours)
					// venv writes --prompt="x"; we write --prompt="x" too
					if diff := cmp.Diff(theirCfg, ourCfg); diff != "" {
						t.Errorf("pyvenv.cfg (-python -m venv +ferry):\n%s", diff)
					}
					theirTree, ourTree := tree(t, theirs), tree(t, ours)
					// Older venv modules make no python3.X link and no
					// Activate.ps1 on POSIX; ferry always does.
					for _, extra := range []string{"bin/Activate.ps1", "bin/python" + info.Version.MajorMinor() + " -> python3"} {
						if !slices.Contains(theirTree, extra) {
							theirTree = append(theirTree, extra)
						}
					}
					sort.Strings(theirTree)
					if diff := cmp.Diff(theirTree, ourTree); diff != "" {
						t.Errorf("layout (-python -m venv +ferry):\n%s", diff)
					}
				})
			}
		})
	}
}

func readConfig(t *testing.T, dir string) *Config {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "pyvenv.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tree lists an environment's entries (outside site-packages) with link
// targets; the .gitignore, which ferry always writes and venv only from
// 3.13 on, is left out.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." || rel == ".gitignore" || strings.Contains(rel, "__pycache__") {
			return nil
		}
		entry := rel
		if fi.Mode()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			entry += " -> " + target
		} else if fi.IsDir() {
			entry += "/"
		}
		out = append(out, entry)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestCreateSystemSitePackages(t *testing.T) {
	info := findPython(t, "")
	for _, system := range []bool{false, true} {
		t.Run(fmt.Sprint(system), func(t *testing.T) {
			v, err := Create(context.Background(), filepath.Join(t.TempDir(), "env"), info, Options{SystemSitePackages: system})
			if err != nil {
				t.Fatal(err)
			}
			out := run(t, "/", nil, v.Python, "-c", "import sys; print('\\n'.join(sys.path))")
			visible := false
			for _, p := range strings.Split(out, "\n") {
				visible = visible || p == info.Paths.Purelib
			}
			if visible != system {
				t.Errorf("base site-packages %s visible = %v, want %v; sys.path:\n%s", info.Paths.Purelib, visible, system, out)
			}
		})
	}
}

func TestCreateExistingDirectory(t *testing.T) {
	info := findPython(t, "")
	ctx := context.Background()

	t.Run("non-empty directory refused", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "precious.txt"), []byte("keep me"), 0o644)
		_, err := Create(ctx, dir, info, Options{})
		var ee *ExistsError
		if !errors.As(err, &ee) {
			t.Fatalf("err = %v, want *ExistsError", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "precious.txt")); err != nil {
			t.Error("refused Create touched the directory")
		}
		if _, err := os.Stat(filepath.Join(dir, "pyvenv.cfg")); err == nil {
			t.Error("refused Create wrote pyvenv.cfg")
		}
	})
	t.Run("clear", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "old.txt"), []byte("x"), 0o644)
		if _, err := Create(ctx, dir, info, Options{Clear: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "old.txt")); err == nil {
			t.Error("--clear kept old content")
		}
	})
	t.Run("existing environment refreshed in place", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "env")
		v, err := Create(ctx, dir, info, Options{})
		if err != nil {
			t.Fatal(err)
		}
		installed := filepath.Join(v.Scheme.Purelib, "installed.py")
		os.WriteFile(installed, []byte("x = 1\n"), 0o644)
		if _, err := Create(ctx, dir, info, Options{Prompt: "again"}); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(installed); err != nil {
			t.Error("refreshing an environment lost what was installed")
		}
		if c := readConfig(t, dir); c.Prompt != "again" {
			t.Errorf("prompt = %q after refresh", c.Prompt)
		}
		if _, err := Create(ctx, dir, info, Options{Clear: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(installed); err == nil {
			t.Error("--clear kept installed files")
		}
	})
	t.Run("a file", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, nil, 0o644)
		if _, err := Create(ctx, f, info, Options{Clear: true}); err == nil {
			t.Error("Create over a file succeeded")
		}
	})
	t.Run("unsupported interpreter", func(t *testing.T) {
		old := *info
		old.Version = interp.Version{Major: 2, Minor: 7, Micro: 18, ReleaseLevel: "final"}
		var ue *interp.UnsupportedError
		if _, err := Create(ctx, filepath.Join(t.TempDir(), "e"), &old, Options{}); !errors.As(err, &ue) {
			t.Errorf("err = %v, want *interp.UnsupportedError", err)
		}
	})
}

func TestCreateCopies(t *testing.T) {
	info := findPython(t, "")
	dir := filepath.Join(t.TempDir(), "env")
	v, err := Create(context.Background(), dir, info, Options{Copies: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"python", "python3", "python" + info.Version.MajorMinor()} {
		fi, err := os.Lstat(filepath.Join(dir, "bin", n))
		if err != nil {
			t.Fatal(err)
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			t.Errorf("bin/%s: mode %v, want an executable copy", n, fi.Mode())
		}
	}
	if c := readConfig(t, dir); info.Version.Minor >= 11 && !strings.Contains(c.Command, "--copies") {
		t.Errorf("command %q does not say --copies", c.Command)
	}
	// A copied interpreter runs if it does not need a shared libpython
	// found relative to its own location.
	cmd := exec.Command(v.Python, "-c", "import sys; print(sys.prefix)")
	if out, err := cmd.CombinedOutput(); err == nil && strings.TrimSpace(string(out)) != dir {
		t.Errorf("copied interpreter's prefix = %q, want %q", out, dir)
	}
}

// TestPipAcceptsEnvironment bootstraps pip into an environment with the
// interpreter's own ensurepip and runs it: pip must treat the environment
// as a normal virtual environment.
func TestPipAcceptsEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("installs pip")
	}
	info := findPython(t, "")
	dir := filepath.Join(t.TempDir(), "env")
	v, err := Create(context.Background(), dir, info, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(v.Python, "-c", "import ensurepip").CombinedOutput(); err != nil {
		t.Skipf("no ensurepip in this interpreter: %s", out)
	}
	run(t, dir, []string{"PIP_NO_INDEX=1", "PIP_DISABLE_PIP_VERSION_CHECK=1"}, v.Python, "-m", "ensurepip", "--default-pip")
	out := run(t, dir, []string{"PIP_DISABLE_PIP_VERSION_CHECK=1"}, v.Python, "-m", "pip", "--version")
	if !strings.Contains(out, v.Scheme.Purelib) {
		t.Errorf("pip --version = %q, want pip from %s", out, v.Scheme.Purelib)
	}
	out = run(t, dir, []string{"PIP_DISABLE_PIP_VERSION_CHECK=1"}, v.Python, "-m", "pip", "list", "--format=freeze", "--local")
	if !strings.Contains(out, "pip==") {
		t.Errorf("pip list does not show pip in the environment: %q", out)
	}
	// The stdlib venv module can upgrade the environment in place.
	run(t, dir, nil, v.Python, "-m", "venv", "--upgrade", "--without-pip", dir)
	run(t, dir, nil, v.Python, "-c", "import pip")
}
