package cli

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/iostreams"
)

func TestSelfPlatformTags(t *testing.T) {
	for _, tc := range []struct {
		goos, goarch string
		static       bool
		want         []string
		wantErr      bool
	}{
		{"linux", "amd64", true, []string{"manylinux_2_17_x86_64", "musllinux_1_1_x86_64"}, false},
		{"linux", "arm64", true, []string{"manylinux_2_17_aarch64", "musllinux_1_1_aarch64"}, false},
		{"linux", "amd64", false, []string{"linux_x86_64"}, false},
		{"darwin", "arm64", true, []string{"macosx_12_0_arm64"}, false},
		{"windows", "amd64", true, []string{"win_amd64"}, false},
		{"plan9", "amd64", true, nil, true},
	} {
		t.Run(fmt.Sprintf("%s/%s static=%v", tc.goos, tc.goarch, tc.static), func(t *testing.T) {
			got, err := selfPlatformTags(tc.goos, tc.goarch, tc.static)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
		})
	}
}

// ferryProgram builds the ferry program, statically as it is released,
// for a test that needs the real thing.
func ferryProgram(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build the ferry program with")
	}
	exe := filepath.Join(t.TempDir(), "ferry")
	cmd := exec.Command(goTool, "build", "-o", exe, "ferry/cmd/ferry")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // static, as released
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building ferry: %v\n%s", err, out)
	}
	return exe
}

// TestSelfWheelWithPip packs ferry into its wheel and has pip build a
// project whose backend is ferry.backend from a find-links directory
// holding only that wheel: the wheel, the editable wheel and the sdist
// go through the shim, and the results install and import.
func TestSelfWheelWithPip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ferry and runs pip")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("needs python3")
	}
	if err := exec.Command(py, "-m", "pip", "--version").Run(); err != nil {
		t.Skip("needs pip")
	}
	exe := ferryProgram(t)
	work := t.TempDir()
	links := filepath.Join(work, "links")
	ios, _, _, errOut := iostreams.Test()
	f := &Factory{IO: ios, Getenv: func(string) string { return "" }, Dir: work}
	if err := selfWheelRun(context.Background(), f, &selfWheelOptions{OutDir: links, Executable: exe}); err != nil {
		t.Fatal(err)
	}
	wheels, _ := filepath.Glob(filepath.Join(links, "ferry-*.whl"))
	if len(wheels) != 1 {
		t.Fatalf("wheels written: %v (stderr %q)", wheels, errOut.String())
	}
	if runtime.GOOS == "linux" && !strings.Contains(filepath.Base(wheels[0]), "-py3-none-manylinux_2_17_") {
		t.Errorf("a static program's wheel is %s, want a manylinux_2_17 tag", filepath.Base(wheels[0]))
	}
	zr, err := zip.OpenReader(wheels[0])
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]bool{}
	for _, m := range zr.File {
		members[m.Name] = m.Mode()&0o111 != 0
	}
	zr.Close()
	for _, want := range []string{"ferry/__init__.py", "ferry/backend.py", "ferry/bin/ferry", "ferry-0.1.0.dev0.data/scripts/ferry", "ferry-0.1.0.dev0.dist-info/METADATA", "ferry-0.1.0.dev0.dist-info/RECORD"} {
		if _, ok := members[want]; !ok {
			t.Errorf("the wheel has no %s", want)
		}
	}
	if !members["ferry/bin/ferry"] {
		t.Errorf("ferry/bin/ferry is not executable in the wheel")
	}

	proj := filepath.Join(work, "proj")
	for name, data := range map[string]string{
		"pyproject.toml":         "[build-system]\nrequires = [\"ferry\"]\nbuild-backend = \"ferry.backend\"\n\n[project]\nname = \"uses-ferry\"\nversion = \"0.2\"\n",
		"uses_ferry/__init__.py": "ANSWER = 42\n",
	} {
		p := filepath.Join(proj, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "PIP_CONFIG_FILE="+os.DevNull, "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_CACHE_DIR=1",
		"PIP_NO_INPUT=1", "HOME="+work, "FERRY_CACHE_DIR="+filepath.Join(work, "cache"), "PYTHONNOUSERSITE=1")
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = work
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	out := filepath.Join(work, "out")
	run(py, "-m", "pip", "wheel", "--no-index", "--find-links", links, "--no-deps", "-w", out, proj)
	built := filepath.Join(out, "uses_ferry-0.2-py3-none-any.whl")
	if _, err := os.Stat(built); err != nil {
		t.Fatalf("pip wheel built no %s: %v", filepath.Base(built), err)
	}
	venvDir := filepath.Join(work, "venv")
	run(py, "-m", "venv", venvDir)
	vpy := filepath.Join(venvDir, "bin", "python")
	run(vpy, "-m", "pip", "install", "--no-index", built)
	if got := run(vpy, "-c", "import uses_ferry; print(uses_ferry.ANSWER)"); strings.TrimSpace(got) != "42" {
		t.Errorf("import printed %q", got)
	}
	// Editable through build_editable (PEP 660): the source tree is used.
	run(vpy, "-m", "pip", "install", "--no-index", "--find-links", links, "-e", proj)
	if got := run(vpy, "-c", "import uses_ferry; print(uses_ferry.__file__)"); !strings.HasPrefix(strings.TrimSpace(got), proj) {
		t.Errorf("editable import from %q, want under %s", got, proj)
	}
	// The ferry wheel itself installs: the program lands on PATH and
	// python -m ferry runs it.
	run(vpy, "-m", "pip", "install", "--no-index", wheels[0])
	if got := run(filepath.Join(venvDir, "bin", "ferry"), "version"); !strings.Contains(got, Version) {
		t.Errorf("ferry version printed %q", got)
	}
	if got := run(vpy, "-m", "ferry", "version"); !strings.Contains(got, Version) {
		t.Errorf("python -m ferry version printed %q", got)
	}
	// An sdist through the shim as well.
	run(vpy, "-c", "import os, sys, ferry.backend; os.chdir(sys.argv[2]); print(ferry.backend.build_sdist(sys.argv[1]))", out, proj)
	if _, err := os.Stat(filepath.Join(out, "uses_ferry-0.2.tar.gz")); err != nil {
		t.Errorf("build_sdist wrote no sdist: %v", err)
	}
}
