package interp

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakePython writes an executable shell script at path that answers the
// query like an interpreter of version v would. Its prefix is its
// directory's parent; venv makes it report a virtual environment there.
func fakePython(t *testing.T, path, impl string, v Version, venv bool) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`#!/bin/sh
prefix=$(cd "$(dirname "$0")/.." && pwd)
base=$prefix
if [ %[6]t = true ]; then base=/base; fi
printf '{"schema":1,"executable":"%%s","real_path":"%%s","prefix":"%%s","base_prefix":"%%s","is_venv":%[6]t,"version":{"major":%[1]d,"minor":%[2]d,"micro":%[3]d,"releaselevel":"%[4]s","serial":0},"implementation":{"name":"%[5]s","version":{"major":%[1]d,"minor":%[2]d,"micro":%[3]d,"releaselevel":"%[4]s","serial":0}}}\n' "$0" "$0" "$prefix" "$base"
`, v.Major, v.Minor, v.Micro, v.ReleaseLevel, impl, venv)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// fakeShim writes a pyenv-style shim script for the pyenv at root.
func fakeShim(t *testing.T, root, dir, name string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	body := "#!/usr/bin/env bash\nset -e\nprogram=\"${0##*/}\"\nexport PYENV_ROOT=\"" + root + "\"\nexec \"" + root + "/libexec/pyenv\" exec \"$program\" \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

func v(major, minor, micro int) Version { return Version{major, minor, micro, "final", 0} }

// fakeWorld is a machine with two PATH directories, a pyenv root with
// shims and several versions, and a project directory.
type fakeWorld struct {
	root, d1, d2, shims, pyenv, project string
}

func newFakeWorld(t *testing.T) fakeWorld {
	root := t.TempDir()
	w := fakeWorld{
		root:    root,
		d1:      filepath.Join(root, "d1"),
		d2:      filepath.Join(root, "d2"),
		pyenv:   filepath.Join(root, "pyenv"),
		shims:   filepath.Join(root, "pyenv", "shims"),
		project: filepath.Join(root, "project", "sub"),
	}
	fakePython(t, filepath.Join(w.d1, "python3"), "cpython", v(3, 10, 0), false)
	fakePython(t, filepath.Join(w.d1, "python2"), "cpython", v(2, 7, 18), false)
	fakePython(t, filepath.Join(w.d2, "python3.12"), "cpython", v(3, 12, 4), false)
	fakePython(t, filepath.Join(w.d2, "python3"), "cpython", v(3, 11, 9), false)
	fakePython(t, filepath.Join(w.d2, "python2.7"), "cpython", v(2, 7, 18), false)
	fakePython(t, filepath.Join(w.d2, "pypy3"), "pypy", v(3, 10, 14), false)
	for _, ver := range []Version{v(3, 9, 1), v(3, 12, 1), v(3, 12, 0)} {
		fakePython(t, filepath.Join(w.pyenv, "versions", ver.String(), "bin", "python3"), "cpython", ver, false)
		fakePython(t, filepath.Join(w.pyenv, "versions", ver.String(), "bin", fmt.Sprintf("python%d.%d", ver.Major, ver.Minor)), "cpython", ver, false)
	}
	fakePython(t, filepath.Join(w.pyenv, "versions", "3.14.0a1", "bin", "python3"), "cpython", Version{3, 14, 0, "alpha", 1}, false)
	fakePython(t, filepath.Join(w.pyenv, "versions", "pypy3.9-7.3.9", "bin", "pypy3"), "pypy", v(3, 9, 12), false)
	for _, n := range []string{"python", "python3", "python3.9", "python3.12", "python3.14"} {
		fakeShim(t, w.pyenv, w.shims, n)
	}
	os.MkdirAll(w.project, 0o755)
	return w
}

func (w fakeWorld) env(t *testing.T, path []string, vars map[string]string) Env {
	all := map[string]string{
		"PATH":       strings.Join(path, string(os.PathListSeparator)),
		"PYENV_ROOT": w.pyenv,
		"HOME":       filepath.Join(w.root, "home"),
	}
	for k, val := range vars {
		all[k] = val
	}
	return Env{Getenv: func(k string) string { return all[k] }, Dir: w.project, CacheDir: filepath.Join(w.root, "cache")}
}

func TestFind(t *testing.T) {
	w := newFakeWorld(t)
	venv := filepath.Join(w.root, "venv")
	fakePython(t, filepath.Join(venv, "bin", "python"), "cpython", v(3, 11, 9), true)
	os.WriteFile(filepath.Join(venv, "pyvenv.cfg"), []byte("home = /base/bin\n"), 0o644)

	plain := []string{w.d1, w.d2}
	tests := []struct {
		name    string
		request string
		path    []string
		vars    map[string]string
		want    string // executable, relative to w.root
		wantErr func(error) bool
	}{
		{name: "any", request: "", path: plain, want: "d1/python3"},
		{name: "any, second dir first", request: "", path: []string{w.d2, w.d1}, want: "d2/python3"},
		{name: "minor on PATH by versioned name", request: "3.12", path: plain, want: "d2/python3.12"},
		{name: "python3.12 spelling", request: "python3.12", path: plain, want: "d2/python3.12"},
		{name: "minor by generic name", request: "3.11", path: plain, want: "d2/python3"},
		{name: "major", request: "3", path: plain, want: "d1/python3"},
		{name: "micro only in pyenv", request: "3.12.1", path: plain, want: "pyenv/versions/3.12.1/bin/python3"},
		{name: "minor only in pyenv", request: "3.9", path: plain, want: "pyenv/versions/3.9.1/bin/python3"},
		{name: "newest pyenv first", request: "3.12", path: nil, want: "pyenv/versions/3.12.1/bin/python3"},
		{name: "pyenv pre-release", request: "3.14", path: nil, want: "pyenv/versions/3.14.0a1/bin/python3"},
		{name: "pypy on PATH", request: "pypy@3.10", path: plain, want: "d2/pypy3"},
		{name: "pypy in pyenv", request: "pypy3.9", path: plain, want: "pyenv/versions/pypy3.9-7.3.9/bin/pypy3"},
		{name: "name on PATH", request: "pypy3", path: plain, want: "d2/pypy3"},
		{name: "explicit path", request: filepath.Join(w.d2, "python3.12"), path: nil, want: "d2/python3.12"},
		{name: "relative path", request: "../../d2/python3", path: nil, want: "d2/python3"},
		{name: "venv directory", request: venv, path: nil, want: "venv/bin/python"},
		{name: "not found", request: "3.15", path: plain, wantErr: func(err error) bool {
			var nf *NotFoundError
			return errors.As(err, &nf) && errors.Is(err, fs.ErrNotExist)
		}},
		{name: "unsupported", request: "2.7", path: plain, wantErr: func(err error) bool {
			var ue *UnsupportedError
			return errors.As(err, &ue) && ue.Version == v(2, 7, 18)
		}},
		{name: "unsupported path", request: filepath.Join(w.d1, "python2"), wantErr: func(err error) bool {
			var ue *UnsupportedError
			return errors.As(err, &ue)
		}},
		{name: "missing path", request: filepath.Join(w.root, "nope", "python"), wantErr: func(err error) bool {
			return errors.Is(err, fs.ErrNotExist)
		}},
		{name: "directory without python", request: w.project, wantErr: func(err error) bool {
			return errors.Is(err, fs.ErrNotExist)
		}},
		{name: "bad request", request: "3.x", wantErr: func(err error) bool { return err != nil }},

		// pyenv shims on PATH resolve to the interpreter pyenv would run.
		{name: "shim, global version", request: "", path: []string{w.shims, w.d1},
			vars: map[string]string{"PYENV_VERSION": ""}, want: "pyenv/versions/3.12.1/bin/python3"},
		{name: "shim, PYENV_VERSION", request: "", path: []string{w.shims, w.d1},
			vars: map[string]string{"PYENV_VERSION": "3.9.1"}, want: "pyenv/versions/3.9.1/bin/python3"},
		{name: "shim, PYENV_VERSION list", request: "", path: []string{w.shims, w.d1},
			vars: map[string]string{"PYENV_VERSION": "nosuch:3.12.0"}, want: "pyenv/versions/3.12.0/bin/python3"},
		{name: "shim, prefix version", request: "", path: []string{w.shims, w.d1},
			vars: map[string]string{"PYENV_VERSION": "3.12"}, want: "pyenv/versions/3.12.1/bin/python3"},
		{name: "shim, system", request: "", path: []string{w.shims, w.d1},
			vars: map[string]string{"PYENV_VERSION": "system"}, want: "d1/python3"},
		{name: "shim for a version not selected is skipped", request: "3.9", path: []string{w.shims, w.d1},
			vars: map[string]string{"PYENV_VERSION": "3.12.1"}, want: "pyenv/versions/3.9.1/bin/python3"},
		{name: "shim for the selected version", request: "3.12", path: []string{w.shims, w.d1},
			vars: map[string]string{"PYENV_VERSION": "3.12.0"}, want: "pyenv/versions/3.12.0/bin/python3.12"},
		{name: "shim uses its own pyenv root", request: "", path: []string{w.shims, w.d1},
			vars: map[string]string{"PYENV_ROOT": "", "PYENV_VERSION": "3.9.1"}, want: "pyenv/versions/3.9.1/bin/python3"},
		{name: "pyenv found through its shims", request: "3.9", path: []string{w.shims},
			vars: map[string]string{"PYENV_ROOT": "", "PYENV_VERSION": "3.12.1"}, want: "pyenv/versions/3.9.1/bin/python3"},
		{name: "shim given as a path", request: filepath.Join(w.shims, "python3"),
			vars: map[string]string{"PYENV_VERSION": "3.9.1"}, want: "pyenv/versions/3.9.1/bin/python3"},
	}
	os.WriteFile(filepath.Join(w.pyenv, "version"), []byte("3.12.1\n"), 0o644)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Find(context.Background(), tc.request, w.env(t, tc.path, tc.vars))
			if tc.wantErr != nil {
				if err == nil || !tc.wantErr(err) {
					t.Fatalf("Find(%q) = %v, %v; want a different error", tc.request, info, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Find(%q): %v", tc.request, err)
			}
			got, _ := filepath.Rel(w.root, info.Executable)
			if got != filepath.FromSlash(tc.want) {
				t.Errorf("Find(%q) = %s, want %s", tc.request, got, tc.want)
			}
		})
	}
}

func TestPyenvVersionFiles(t *testing.T) {
	w := newFakeWorld(t)
	path := []string{w.shims, w.d1}
	find := func(t *testing.T, vars map[string]string) string {
		t.Helper()
		info, err := Find(context.Background(), "", w.env(t, path, vars))
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(w.root, info.Executable)
		return filepath.ToSlash(rel)
	}
	// No version file anywhere: "system".
	if got := find(t, nil); got != "d1/python3" {
		t.Errorf("no version selected: %s, want d1/python3", got)
	}
	// The global version file.
	os.WriteFile(filepath.Join(w.pyenv, "version"), []byte("# comment\n\n3.9.1\n"), 0o644)
	if got := find(t, nil); got != "pyenv/versions/3.9.1/bin/python3" {
		t.Errorf("global version: %s", got)
	}
	// A .python-version above the working directory wins over it.
	os.WriteFile(filepath.Join(filepath.Dir(w.project), ".python-version"), []byte("3.12.0\n"), 0o644)
	if got := find(t, nil); got != "pyenv/versions/3.12.0/bin/python3" {
		t.Errorf(".python-version in a parent: %s", got)
	}
	// A nearer one wins over that, and PYENV_VERSION over everything.
	os.WriteFile(filepath.Join(w.project, ".python-version"), []byte("3.12.1\n"), 0o644)
	if got := find(t, nil); got != "pyenv/versions/3.12.1/bin/python3" {
		t.Errorf(".python-version in the working directory: %s", got)
	}
	if got := find(t, map[string]string{"PYENV_VERSION": "3.9.1"}); got != "pyenv/versions/3.9.1/bin/python3" {
		t.Errorf("PYENV_VERSION: %s", got)
	}
	// A selected version that is not installed leaves only d1.
	os.WriteFile(filepath.Join(w.project, ".python-version"), []byte("3.7.0\n"), 0o644)
	if got := find(t, nil); got != "d1/python3" {
		t.Errorf("uninstalled selection: %s, want the next PATH entry", got)
	}
}

func TestSelectTarget(t *testing.T) {
	w := newFakeWorld(t)
	active := filepath.Join(w.root, "active")
	fakePython(t, filepath.Join(active, "bin", "python"), "cpython", v(3, 12, 4), true)
	os.WriteFile(filepath.Join(active, "pyvenv.cfg"), []byte("home = /x\n"), 0o644)
	local := filepath.Join(w.project, ".venv")
	fakePython(t, filepath.Join(local, "bin", "python"), "cpython", v(3, 11, 9), true)
	os.WriteFile(filepath.Join(local, "pyvenv.cfg"), []byte("home = /x\n"), 0o644)
	noVenvProject := filepath.Join(w.root, "elsewhere")
	os.MkdirAll(noVenvProject, 0o755)
	brokenProject := filepath.Join(w.root, "broken")
	os.MkdirAll(filepath.Join(brokenProject, ".venv"), 0o755)

	path := []string{w.d1, w.d2}
	tests := []struct {
		name    string
		req     TargetRequest
		dir     string
		venv    string
		want    string
		wantErr func(error) bool
	}{
		{name: "python flag wins", req: TargetRequest{Python: active}, venv: local, want: "active/bin/python"},
		{name: "active venv", venv: active, want: "active/bin/python"},
		{name: "relative VIRTUAL_ENV", venv: "../../active", want: "active/bin/python"},
		{name: "dot venv", want: "project/sub/.venv/bin/python"},
		{name: "system", req: TargetRequest{System: true}, venv: active, want: "d1/python3"},
		{name: "system with python", req: TargetRequest{Python: "3.12", System: true}, want: "d2/python3.12"},
		{name: "python not a venv", req: TargetRequest{Python: "3.12"}, wantErr: func(err error) bool {
			var nv *NotVenvError
			return errors.As(err, &nv) && strings.Contains(err.Error(), "pass --system")
		}},
		{name: "nothing found", dir: noVenvProject, wantErr: func(err error) bool {
			var ne *NoEnvironmentError
			return errors.As(err, &ne) && err.Error() == "no virtual environment found; run `ferry venv` or pass --system"
		}},
		{name: "elsewhere", dir: noVenvProject, req: TargetRequest{Elsewhere: true}, want: "d1/python3"},
		{name: "elsewhere prefers a venv", req: TargetRequest{Elsewhere: true}, want: "project/sub/.venv/bin/python"},
		{name: "VIRTUAL_ENV not a venv", venv: noVenvProject, wantErr: func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "not a virtual environment")
		}},
		{name: ".venv not a venv", dir: brokenProject, wantErr: func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "not a virtual environment")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := w.env(t, path, map[string]string{"VIRTUAL_ENV": tc.venv})
			if tc.dir != "" {
				env.Dir = tc.dir
			}
			info, err := SelectTarget(context.Background(), tc.req, env)
			if tc.wantErr != nil {
				if err == nil || !tc.wantErr(err) {
					t.Fatalf("SelectTarget = %v, %v; want a different error", info, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := filepath.Rel(w.root, info.Executable)
			if diff := cmp.Diff(filepath.FromSlash(tc.want), got); diff != "" {
				t.Errorf("interpreter (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUserBase(t *testing.T) {
	linux := &Info{Version: v(3, 12, 1), Markers: map[string]string{"os_name": "posix", "sys_platform": "linux"}, User: UserScheme{Base: "/recorded"}}
	mac := &Info{Version: v(3, 12, 1), Markers: map[string]string{"os_name": "posix", "sys_platform": "darwin"}, Platform: Platform{Framework: true}}
	win := &Info{Version: v(3, 12, 1), Markers: map[string]string{"os_name": "nt", "sys_platform": "win32"}}
	tests := []struct {
		name string
		info *Info
		env  map[string]string
		want string
	}{
		{"PYTHONUSERBASE", linux, map[string]string{"PYTHONUSERBASE": "/custom", "HOME": "/h"}, "/custom"},
		{"linux", linux, map[string]string{"HOME": "/h"}, filepath.Join("/h", ".local")},
		{"no home", linux, nil, "/recorded"},
		{"macOS framework", mac, map[string]string{"HOME": "/h"}, filepath.Join("/h", "Library", "Python", "3.12")},
		{"windows", win, map[string]string{"APPDATA": "/appdata"}, filepath.Join("/appdata", "Python")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := UserBase(tc.info, func(k string) string { return tc.env[k] }); got != tc.want {
				t.Errorf("UserBase = %q, want %q", got, tc.want)
			}
		})
	}
}
