package build

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/coremeta"
)

// fakeEnvs is an EnvMaker that records the requirement sets it is asked
// for and answers with one virtual environment holding the fixture
// backend (so the "isolated" backend is importable and the project's own
// tree is not).
type fakeEnvs struct {
	python string
	mu     sync.Mutex
	asked  [][]string
}

func (f *fakeEnvs) Env(ctx context.Context, reqs []string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, slices.Clone(reqs))
	return f.python, nil
}

// fixtureVenv makes (once per test binary) a venv whose site-packages
// holds testdata/fixture_backend.py.
var fixtureVenvOnce = sync.OnceValues(func() (string, error) {
	py, err := exec.LookPath("python3")
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "ferry-build-test-")
	if err != nil {
		return "", err
	}
	if out, err := exec.Command(py, "-m", "venv", "--without-pip", dir).CombinedOutput(); err != nil {
		return "", errors.New(string(out))
	}
	python := filepath.Join(dir, "bin", "python")
	out, err := exec.Command(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").Output()
	if err != nil {
		return "", err
	}
	src, err := os.ReadFile(filepath.Join("testdata", "fixture_backend.py"))
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(strings.TrimSpace(string(out)), "fixture_backend.py"), src, 0o644); err != nil {
		return "", err
	}
	return python, nil
})

func fixtureVenv(t *testing.T) string {
	t.Helper()
	py, err := fixtureVenvOnce()
	if err != nil {
		t.Skipf("no python3 venv for the fixture backend: %v", err)
	}
	return py
}

// writeProject writes a fixture project: pyproject.toml with the given
// [build-system] lines, a package, and any extra files.
func writeProject(t *testing.T, buildSystem string, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"pyproject.toml": buildSystem + `
[project]
name = "demo-proj"
version = "1.5"
requires-python = ">=3.8"
dependencies = ["attrs>=20"]
`,
		"demo_proj/__init__.py": "VALUE = 7\n",
	}
	for k, v := range extra {
		files[k] = v
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func zipMembers(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

const isolatedSystem = `[build-system]
requires = ["fixture-backend>=1"]
build-backend = "fixture_backend"
[tool.fixture]
wheel-requires = ["extra-wheel-req", "fixture-backend>=1"]
`

func TestBuildHooks(t *testing.T) {
	python := fixtureVenv(t)
	ctx := context.Background()
	dir := writeProject(t, isolatedSystem, nil)
	envs := &fakeEnvs{python: python}
	fe := &Frontend{Envs: envs}
	p, err := fe.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()

	for _, tc := range []struct {
		name  string
		build func(context.Context, string, map[string][]string) (string, error)
		want  string
		check func(t *testing.T, path string)
	}{
		{"sdist", p.BuildSdist, "demo_proj-1.5.tar.gz", nil},
		{"wheel", p.BuildWheel, "demo_proj-1.5-py3-none-any.whl", func(t *testing.T, path string) {
			m := zipMembers(t, path)
			if m["demo_proj/__init__.py"] != "VALUE = 7\n" {
				t.Errorf("wheel members: %v", m)
			}
		}},
		{"editable", p.BuildEditable, "demo_proj-1.5-py3-none-any.whl", func(t *testing.T, path string) {
			m := zipMembers(t, path)
			if got := m["_demo_proj_editable.pth"]; strings.TrimSpace(got) != dir {
				t.Errorf(".pth = %q, want %q", got, dir)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, err := tc.build(ctx, out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if name != tc.want {
				t.Errorf("built %q, want %q", name, tc.want)
			}
			if tc.check != nil {
				tc.check(t, filepath.Join(out, name))
			}
		})
	}
	// Nothing but the built files is left in the output directory.
	ents, _ := os.ReadDir(out)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"demo_proj-1.5-py3-none-any.whl", "demo_proj-1.5.tar.gz"}, names); diff != "" {
		t.Errorf("output directory (-want +got):\n%s", diff)
	}
	// The environments asked for: requires, then requires plus what
	// get_requires_for_build_wheel added (once per kind; the editable
	// kind has no get_requires hook, so its environment is the first).
	want := [][]string{
		{"fixture-backend>=1"},
		{"fixture-backend>=1"},
		{"fixture-backend>=1"},
		{"extra-wheel-req", "fixture-backend>=1"},
		{"fixture-backend>=1"},
		{"fixture-backend>=1"},
	}
	if diff := cmp.Diff(want, envs.asked); diff != "" {
		t.Errorf("environments (-want +got):\n%s", diff)
	}
}

func TestPrepareMetadata(t *testing.T) {
	python := fixtureVenv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		backend   string
		wantWheel bool
	}{
		{"prepare hook", "fixture_backend", false},
		{"fallback to build_wheel", "fixture_backend:no_prepare", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProject(t, "[build-system]\nrequires = []\nbuild-backend = \""+tc.backend+"\"\n", nil)
			p, err := (&Frontend{Envs: &fakeEnvs{python: python}}).Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			md, err := p.PrepareMetadata(ctx, Wheel, out, map[string][]string{"summary": {"one"}})
			if err != nil {
				t.Fatal(err)
			}
			m, err := coremeta.Parse(md.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{m.Name, m.Version, m.Summary, m.RequiresPython, strings.Join(m.RequiresDist, ";")}
			if diff := cmp.Diff([]string{"demo-proj", "1.5", `"one"`, ">=3.8", "attrs>=20"}, got); diff != "" {
				t.Errorf("metadata (-want +got):\n%s", diff)
			}
			if (md.Wheel != "") != tc.wantWheel {
				t.Errorf("Wheel = %q, want a wheel: %v", md.Wheel, tc.wantWheel)
			}
		})
	}
}

func TestConfigSettings(t *testing.T) {
	python := fixtureVenv(t)
	dir := writeProject(t, "[build-system]\nrequires = []\nbuild-backend = \"fixture_backend\"\n", nil)
	p, err := (&Frontend{Envs: &fakeEnvs{python: python}}).Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	name, err := p.BuildWheel(context.Background(), out, map[string][]string{"one": {"a"}, "many": {"x", "y"}, "empty": {""}})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(zipMembers(t, filepath.Join(out, name))["demo_proj-1.5.dist-info/config_settings.json"]), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"one": "a", "many": []any{"x", "y"}, "empty": ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config_settings seen by the backend (-want +got):\n%s", diff)
	}
}

func TestHookFailures(t *testing.T) {
	python := fixtureVenv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name        string
		system      string
		extra       map[string]string
		build       func(p *Project, out string) error
		unsupported bool
		want        []string // substrings of the error
	}{
		{
			name:   "backend raises",
			system: "[build-system]\nrequires = []\nbuild-backend = \"fixture_backend\"\n",
			build: func(p *Project, out string) error {
				_, err := p.BuildWheel(ctx, out, map[string][]string{"fail": {"1"}})
				return err
			},
			want: []string{"build backend fixture_backend failed in build_wheel: RuntimeError: asked to fail", "fixture backend: about to fail in build_wheel", "Traceback"},
		},
		{
			name:   "backend not installed",
			system: "[build-system]\nrequires = []\nbuild-backend = \"no_such_backend\"\n",
			build: func(p *Project, out string) error {
				_, err := p.BuildWheel(ctx, out, nil)
				return err
			},
			want: []string{"cannot import the backend: ModuleNotFoundError", "no_such_backend"},
		},
		{
			name:   "no editable hook",
			system: "[build-system]\nrequires = []\nbuild-backend = \"fixture_backend:no_prepare\"\n",
			build: func(p *Project, out string) error {
				_, err := p.BuildEditable(ctx, out, nil)
				return err
			},
			unsupported: true,
			want:        []string{"cannot make editable installs"},
		},
		{
			name:   "UnsupportedOperation",
			system: "[build-system]\nrequires = []\nbuild-backend = \"fixture_backend:no_sdist\"\n",
			build: func(p *Project, out string) error {
				_, err := p.BuildSdist(ctx, out, nil)
				return err
			},
			unsupported: true,
			want:        []string{"build_sdist", "this backend makes no sdists"},
		},
		{
			name:   "backend outside backend-path",
			system: "[build-system]\nrequires = []\nbuild-backend = \"fixture_backend\"\nbackend-path = [\"tools\"]\n",
			extra:  map[string]string{"tools/other.py": ""},
			build: func(p *Project, out string) error {
				_, err := p.BuildWheel(ctx, out, nil)
				return err
			},
			want: []string{"not from backend-path"},
		},
		{
			name:   "hook returns a missing file",
			system: "[build-system]\nrequires = []\nbuild-backend = \"liar\"\nbackend-path = [\".\"]\n",
			extra:  map[string]string{"liar.py": "def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):\n    return 'nothing.whl'\n"},
			build: func(p *Project, out string) error {
				_, err := p.BuildWheel(ctx, out, nil)
				return err
			},
			want: []string{`returned "nothing.whl" but wrote no such file`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProject(t, tc.system, tc.extra)
			p, err := (&Frontend{Envs: &fakeEnvs{python: python}}).Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			err = tc.build(p, out)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrUnsupported) != tc.unsupported {
				t.Errorf("errors.Is(err, ErrUnsupported) = %v, want %v (%v)", !tc.unsupported, tc.unsupported, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			if ents, _ := os.ReadDir(out); len(ents) != 0 {
				t.Errorf("a failed build left %d files in the output directory", len(ents))
			}
		})
	}
}

func TestInTreeBackend(t *testing.T) {
	python := fixtureVenv(t)
	src, err := os.ReadFile(filepath.Join("testdata", "fixture_backend.py"))
	if err != nil {
		t.Fatal(err)
	}
	// A backend-path backend with another module name, so the one in the
	// environment cannot be what is imported.
	dir := writeProject(t, "[build-system]\nrequires = []\nbuild-backend = \"intree_backend\"\nbackend-path = [\"_build\"]\n",
		map[string]string{"_build/intree_backend.py": string(src)})
	var output bytes.Buffer
	p, err := (&Frontend{Envs: &fakeEnvs{python: python}, Output: &output}).Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	name, err := p.BuildWheel(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if name != "demo_proj-1.5-py3-none-any.whl" {
		t.Errorf("built %s", name)
	}
	if !strings.Contains(output.String(), "fixture backend: building a wheel") {
		t.Errorf("the backend's output was not streamed: %q", output.String())
	}
}

func TestNoIsolation(t *testing.T) {
	python := fixtureVenv(t)
	dir := writeProject(t, isolatedSystem, nil)
	// Without isolation the interpreter is used as it is and no
	// environment is asked for (get_requires is not called either).
	p, err := (&Frontend{Python: python}).Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.BuildWheel(context.Background(), t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
	reqs, err := p.Requires(context.Background(), Wheel, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"fixture-backend>=1"}, reqs); diff != "" {
		t.Errorf("requires (-want +got):\n%s", diff)
	}
}

func TestOpen(t *testing.T) {
	for _, tc := range []struct {
		name, pyproject string
		wantBackend     string
		wantRequires    []string
		wantErr         string
	}{
		{"no pyproject", "", "setuptools.build_meta:__legacy__", []string{"setuptools>=40.8.0"}, ""},
		{"no build-system", "[project]\nname = \"x\"\n", "setuptools.build_meta:__legacy__", []string{"setuptools>=40.8.0"}, ""},
		{"requires only", "[build-system]\nrequires = [\"setuptools>=61\", \"wheel\"]\n", "setuptools.build_meta:__legacy__", []string{"setuptools>=61", "wheel"}, ""},
		{"declared", "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n", "hatchling.build", []string{"hatchling"}, ""},
		{"backend-path escapes", "[build-system]\nrequires = []\nbuild-backend = \"b\"\nbackend-path = [\"../elsewhere\"]\n", "", nil, "outside the project"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.pyproject != "" {
				if err := os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(tc.pyproject), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p, err := (&Frontend{Python: "python3"}).Open(dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.System.Backend != tc.wantBackend {
				t.Errorf("backend %q, want %q", p.System.Backend, tc.wantBackend)
			}
			if diff := cmp.Diff(tc.wantRequires, requirementStrings(p.System.Requires, nil)); diff != "" {
				t.Errorf("requires (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHookErrorOutput(t *testing.T) {
	var lines []string
	for i := range 300 {
		lines = append(lines, "line "+strings.Repeat("x", i%3))
	}
	e := &HookError{Backend: "b", Hook: "build_wheel", Message: "boom", Output: []byte(strings.Join(lines, "\n"))}
	msg := e.Error()
	if !strings.HasPrefix(msg, "build backend b failed in build_wheel: boom\n  backend output (last 200 of 300 lines):\n    line") {
		t.Errorf("message starts %q", msg[:min(len(msg), 120)])
	}
	if n := strings.Count(msg, "\n    line"); n != 200 {
		t.Errorf("%d lines shown, want 200", n)
	}
	var tb tailBuffer
	tb.max = 10
	io.WriteString(&tb, "first line\nsecond\nthird\n")
	if got := string(tb.Bytes()); got != "third\n" {
		t.Errorf("tail = %q, want %q", got, "third\n")
	}
}
