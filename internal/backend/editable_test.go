package backend

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEditableStrategy(t *testing.T) {
	tests := map[string]EditableStrategy{
		"flat":      EditablePath,
		"src":       EditablePath,
		"namespace": EditablePath,
		"extras":    EditablePath,
		"pkgdata":   EditablePath,
		"pkgdir":    EditableFinder,
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			dir := loadFixture(t, name).extract(t, "")
			p, err := Open(context.Background(), os.DirFS(dir), dir)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.EditableStrategyFor(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("strategy = %s, want %s", got, want)
			}
		})
	}
}

// TestEditableWheel checks the members and .pth content of editable
// wheels.
func TestEditableWheel(t *testing.T) {
	tests := []struct {
		name    string
		members []string
		pth     func(dir string) string
	}{
		{"flat", []string{
			"__editable__.flat_pkg-1.0.pth",
			"flat_pkg-1.0.dist-info/METADATA", "flat_pkg-1.0.dist-info/WHEEL", "flat_pkg-1.0.dist-info/entry_points.txt",
			"flat_pkg-1.0.dist-info/top_level.txt", "flat_pkg-1.0.dist-info/RECORD",
		}, func(dir string) string { return dir + "\n" }},
		{"src", []string{
			"__editable__.src_pkg-2.1.0rc1.pth",
			"src_pkg-2.1.0rc1.dist-info/METADATA", "src_pkg-2.1.0rc1.dist-info/WHEEL", "src_pkg-2.1.0rc1.dist-info/entry_points.txt",
			"src_pkg-2.1.0rc1.dist-info/top_level.txt", "src_pkg-2.1.0rc1.dist-info/RECORD",
		}, func(dir string) string { return filepath.Join(dir, "src") + "\n" }},
		{"pkgdir", []string{
			"__editable__.pkgdir_demo-0.2.pth", "__editable___ferry_pkgdir_demo_finder.py",
			"pkgdir_demo-0.2.dist-info/METADATA", "pkgdir_demo-0.2.dist-info/WHEEL", "pkgdir_demo-0.2.dist-info/entry_points.txt",
			"pkgdir_demo-0.2.dist-info/top_level.txt", "pkgdir_demo-0.2.dist-info/RECORD",
		}, func(string) string {
			return "import __editable___ferry_pkgdir_demo_finder; __editable___ferry_pkgdir_demo_finder.install()\n"
		}},
		{"scripts", []string{
			"__editable__.scripts_demo-0.1.pth",
			"scripts_demo-0.1.data/scripts/demo-env", "scripts_demo-0.1.data/scripts/demo-py", "scripts_demo-0.1.data/scripts/demo-sh",
			"scripts_demo-0.1.dist-info/METADATA", "scripts_demo-0.1.dist-info/WHEEL",
			"scripts_demo-0.1.dist-info/top_level.txt", "scripts_demo-0.1.dist-info/RECORD",
		}, func(dir string) string { return dir + "\n" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := loadFixture(t, tc.name).extract(t, "")
			out := t.TempDir()
			h := &NativeHooks{Dir: dir, Options: testOptions()}
			name, err := h.BuildEditable(context.Background(), out, nil)
			if err != nil {
				t.Fatal(err)
			}
			names, content, _ := zipFiles(t, filepath.Join(out, name))
			if diff := cmp.Diff(tc.members, names); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			pth := tc.members[0]
			if diff := cmp.Diff(tc.pth(dir), content[pth]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", pth, diff)
			}
		})
	}
}

// TestEditableInstall installs editable wheels with pip, imports the
// packages from the source tree, edits a module and sees the edit, and
// runs the console script pip made from entry_points.txt.
func TestEditableInstall(t *testing.T) {
	py := pythonFor(t)
	venv := sharedVenv.get(t, py)
	env := venvEnv(venv)
	python := filepath.Join(venv, "bin", "python")
	tests := []struct {
		fixture string
		module  string // a module to edit, relative to the project
		check   string // Python printing the edited value
		script  string // a console script to run
		want    string
	}{
		{"flat", "flatpkg/sub/mod.py", "import flatpkg.sub.mod as m; print(m.VALUE)", "flat-hello", "hello from flatpkg"},
		{"src", "src/srcmod.py", "import srcmod; print(srcmod.X)", "src-hello", `{"ok": true}`},
		{"namespace", "src/acme/widgets/__init__.py", "import acme.widgets as w; print(w.NAME)", "acme-widgets", "acme widgets"},
		{"pkgdir", "lib/sub/__init__.py", "import mapped.sub as s; print(s.DEEP)", "pkgdir-demo", "mapped deep"},
		{"pkgdir", "nsroot/inner/__init__.py", "import nsx.inner as i; print(i.INNER)", "", ""},
	}
	dirs := map[string]string{}
	out := t.TempDir()
	var wheels []string
	for _, tc := range tests {
		if dirs[tc.fixture] != "" {
			continue
		}
		dir := loadFixture(t, tc.fixture).extract(t, "")
		dirs[tc.fixture] = dir
		h := &NativeHooks{Dir: dir, Options: testOptions()}
		name, err := h.BuildEditable(context.Background(), out, nil)
		if err != nil {
			t.Fatal(err)
		}
		wheels = append(wheels, filepath.Join(out, name))
	}
	pipInstall(t, py, venv, wheels...)
	for _, tc := range tests {
		t.Run(tc.fixture+"/"+filepath.Base(filepath.Dir(tc.module)), func(t *testing.T) {
			dir := dirs[tc.fixture]
			if tc.script != "" {
				if got := strings.TrimSpace(run(t, dir, env, filepath.Join(venv, "bin", tc.script))); got != tc.want {
					t.Errorf("%s printed %q, want %q", tc.script, got, tc.want)
				}
			}
			// Edit the module in the source tree: the import sees it.
			file := filepath.Join(dir, filepath.FromSlash(tc.module))
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, append(data, []byte("\nVALUE = X = NAME = DEEP = INNER = 'edited'\n")...), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(run(t, t.TempDir(), env, python, "-c", tc.check)); got != "edited" {
				t.Errorf("after editing %s: %q, want \"edited\"", tc.module, got)
			}
		})
	}
}
