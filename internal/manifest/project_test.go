package manifest

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPackageDir(t *testing.T) {
	tests := []struct {
		dirs map[string]string
		pkg  string
		want string
	}{
		{nil, "app", "app"},
		{nil, "app.sub", "app/sub"},
		{nil, "", ""},
		{map[string]string{"": "src"}, "app.sub", "src/app/sub"},
		{map[string]string{"": "src"}, "", "src"},
		{map[string]string{"app": "lib/app"}, "app.sub", "lib/app/sub"},
		{map[string]string{"": "src", "app.sub": "other"}, "app.sub.x", "other/x"},
		{map[string]string{"": "."}, "app", "app"},
		{map[string]string{"": "./src/"}, "app", "src/app"},
	}
	for _, tc := range tests {
		p := &Project{PackageDir: tc.dirs}
		if got := p.packageDir(tc.pkg); got != tc.want {
			t.Errorf("packageDir(%q) with %v = %q, want %q", tc.pkg, tc.dirs, got, tc.want)
		}
	}
}

func TestDefaultFiles(t *testing.T) {
	files := []string{
		"README", "README.md", // only the first README counts
		"setup.py", "setup.cfg", "pyproject.toml", "tox.ini",
		"LICENSE", "MANIFEST.in",
		"tests/test_a.py", "tests/conftest.py", "tests/sub/test_b.py",
		"test/test_old.py",
		"src/app/__init__.py", "src/app/core.py", "src/app/.hidden.py",
		"src/app/core.pyi", "src/app/py.typed",
		"src/app/data/a.json", "src/app/data/b.json", "src/app/data/skip.tmp",
		"src/app/data/.secret.json", "src/app/data/nested/c.json",
		"src/app/sub/__init__.py", "src/app/sub/mod.py", "src/app/sub/mod.txt",
		"src/tool.py", "src/other/__init__.py", "src/other/single.py", "src/other/unlisted.py",
		"bin/run", "share/cfg.ini", "ext/fast.c", "ext/fast.h",
		"src/app.egg-info/PKG-INFO", "src/app.egg-info/stale.txt",
		"docs/index.rst",
	}
	p := &Project{
		Packages:           []string{"app", "app.sub"},
		PyModules:          []string{"tool", "other.single"},
		PackageDir:         map[string]string{"": "src"},
		PackageData:        map[string][]string{"app": {"data/**/*.json", "data/*.tmp"}, "": {"*.txt"}},
		ExcludePackageData: map[string][]string{"app": {"*.tmp"}},
		DataFiles:          []string{"share/cfg.ini", "share/missing.ini"},
		Scripts:            []string{"bin/run"},
		ExtSources:         []string{"ext/fast.c"},
		EggInfo:            "src/app.egg-info",
		Generated:          []string{"src/app.egg-info/SOURCES.txt"},
	}
	got, err := p.DefaultFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"MANIFEST.in", "README", "pyproject.toml", "setup.cfg", "setup.py",
		"bin/run", "ext/fast.c", "share/cfg.ini",
		"src/tool.py",
		"src/app/__init__.py", "src/app/core.py", "src/app/core.pyi", "src/app/py.typed",
		"src/app.egg-info/PKG-INFO", "src/app.egg-info/SOURCES.txt", "src/app.egg-info/stale.txt",
		"src/app/data/a.json", "src/app/data/b.json", "src/app/data/nested/c.json",
		"src/app/sub/__init__.py", "src/app/sub/mod.py", "src/app/sub/mod.txt",
		"src/other/__init__.py", "src/other/single.py",
		"test/test_old.py", "tests/test_a.py",
	}
	sortPaths(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DefaultFiles (-want +got):\n%s", diff)
	}
}

func TestDefaultFilesTrackedAndPrevious(t *testing.T) {
	files := []string{"setup.py", "a.txt", "b.txt", "c.txt"}
	p := &Project{Tracked: []string{"a.txt", "gone.txt"}, PreviousManifest: []string{"b.txt"}}
	got, err := p.DefaultFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a.txt", "setup.py"}, got); diff != "" {
		t.Errorf("with Tracked (-want +got):\n%s", diff)
	}
	p.Tracked = nil
	got, err = p.DefaultFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"b.txt", "setup.py"}, got); diff != "" {
		t.Errorf("with PreviousManifest (-want +got):\n%s", diff)
	}
}

func TestBuild(t *testing.T) {
	files := []string{
		"setup.py", "README.rst", "LICENSE", "LICENSE~", "COPYING.md", "NOTICE", "AUTHORS.rst",
		"MANIFEST.in", "app/__init__.py", "app/__pycache__/x.pyc",
		"build/lib/app/__init__.py", "dist/app-1.0.tar.gz", "app-1.0/setup.py",
		".git/config", "docs/.svn/entries", "docs/CVS/Root", "docs/index.rst",
		".tox/py312/log.txt", "sub/.tox/keep.txt", "other.egg-info/PKG-INFO",
		".eggs/x.egg", "sub/dist/keep.txt",
	}
	template := "graft .\nexclude LICENSE\n"
	base := Project{
		Packages:     []string{"app"},
		EggInfo:      "app.egg-info",
		Generated:    []string{"app.egg-info/PKG-INFO", "app.egg-info/SOURCES.txt"},
		LicenseFiles: DefaultLicenseGlobs(),
	}

	t.Run("ferry defaults", func(t *testing.T) {
		p := base
		p.Prune.BaseDir = "app-1.0"
		m, err := Build(&p, files, template)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"AUTHORS.rst", "COPYING.md", "LICENSE", "LICENSE~", "MANIFEST.in", "NOTICE", "README.rst", "setup.py",
			"app/__init__.py", "app.egg-info/PKG-INFO", "app.egg-info/SOURCES.txt",
			"docs/index.rst", "sub/.tox/keep.txt", "sub/dist/keep.txt",
		}
		sortPaths(want)
		if diff := cmp.Diff(want, m.Files); diff != "" {
			t.Errorf("Files (-want +got):\n%s", diff)
		}
		if len(m.Warnings) != 0 {
			t.Errorf("warnings %v", m.Warnings)
		}
	})

	t.Run("setuptools pruning", func(t *testing.T) {
		p := base
		p.Prune = Pruning{BaseDir: "app-1.0", Anywhere: SetuptoolsPruneAnywhere(), AtRoot: SetuptoolsPruneAtRoot()}
		m, err := Build(&p, files, template)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"app/__pycache__/x.pyc", "dist/app-1.0.tar.gz", "other.egg-info/PKG-INFO", ".eggs/x.egg"} {
			if !slices.Contains(m.Files, f) {
				t.Errorf("%s pruned; setuptools keeps it", f)
			}
		}
		for _, f := range []string{"build/lib/app/__init__.py", "app-1.0/setup.py", ".git/config", "docs/.svn/entries", "docs/CVS/Root", ".tox/py312/log.txt"} {
			if slices.Contains(m.Files, f) {
				t.Errorf("%s kept; setuptools prunes it", f)
			}
		}
	})

	t.Run("no pruning", func(t *testing.T) {
		p := base
		p.Prune.Off = true
		m, err := Build(&p, files, template)
		if err != nil {
			t.Fatal(err)
		}
		want := append(slices.Clone(files), base.Generated...)
		sortPaths(want)
		if diff := cmp.Diff(want, m.Files); diff != "" {
			t.Errorf("Files (-want +got):\n%s", diff)
		}
	})

	t.Run("template only when the file exists", func(t *testing.T) {
		p := base
		noTemplate := slices.DeleteFunc(slices.Clone(files), func(f string) bool { return f == "MANIFEST.in" })
		m, err := Build(&p, noTemplate, template)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(m.Files, "docs/index.rst") {
			t.Error("template applied although MANIFEST.in is not on disk")
		}
	})

	t.Run("malformed lines", func(t *testing.T) {
		p := base
		m, err := Build(&p, files, "include README.rst\nfrobnicate\ninclude nothing\n")
		var le *LineError
		if !errors.As(err, &le) || le.Line != 2 {
			t.Fatalf("err = %v, want a *LineError for line 2", err)
		}
		if m == nil || !slices.Contains(m.Files, "README.rst") {
			t.Fatalf("manifest %v, want the well-formed lines applied", m)
		}
		want := []Warning{{Line: 3, Text: "include nothing", Message: "no files found matching 'nothing'"}}
		if diff := cmp.Diff(want, m.Warnings); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})

	t.Run("fatal errors", func(t *testing.T) {
		p := base
		if m, err := Build(&p, files, "include \xff"); !errors.Is(err, ErrNotUTF8) || m != nil {
			t.Errorf("invalid UTF-8: %v, %v", m, err)
		}
		if m, err := Build(&p, []string{"../x"}, ""); !errors.Is(err, ErrInvalidPath) || m != nil {
			t.Errorf("invalid path: %v, %v", m, err)
		}
	})
}

// TestBuildLicenseFromVectors checks the note in the vectors README: a real
// setup.py egg_info run on the fixture also lists LICENSE, because of the
// default license globs.
func TestBuildLicenseFromVectors(t *testing.T) {
	p := &Project{
		Packages:     []string{"app"},
		EggInfo:      "app.egg-info",
		Generated:    []string{"app.egg-info/PKG-INFO", "app.egg-info/SOURCES.txt"},
		LicenseFiles: DefaultLicenseGlobs(),
	}
	files := []string{"setup.py", "README.rst", ".hidden.rst", "testing.rst", "LICENSE", "app/__init__.py"}
	m, err := Build(p, files, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"LICENSE", "README.rst", "setup.py", "app/__init__.py", "app.egg-info/PKG-INFO", "app.egg-info/SOURCES.txt"}
	sortPaths(want)
	if diff := cmp.Diff(want, m.Files); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
}

func TestBuildDeterministic(t *testing.T) {
	files := []string{"z.txt", "a/b.txt", "a-b/c.txt", "a.txt", "setup.py", "MANIFEST.in"}
	p := &Project{}
	first, err := Build(p, files, "global-include *.txt")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		slices.Reverse(files)
		m, err := Build(p, files, "global-include *.txt")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(first.Files, m.Files) {
			t.Fatalf("run %d: %q, first run %q", i, m.Files, first.Files)
		}
	}
	want := []string{"MANIFEST.in", "a.txt", "setup.py", "z.txt", "a/b.txt", "a-b/c.txt"}
	if diff := cmp.Diff(want, first.Files); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
