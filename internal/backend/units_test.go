package backend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/manifest"
	"ferry/internal/sdist"
)

func TestRewriteShebang(t *testing.T) {
	tests := []struct {
		in, want string
		changed  bool
	}{
		{"#!/usr/bin/python\nprint(1)\n", "#!python\nprint(1)\n", true},
		{"#!/usr/bin/env python3\nx\n", "#!python\nx\n", true},
		{"#!/usr/bin/python3.12 -u -E\nx", "#!python -u -E\nx", true},
		{"#!/usr/local/bin/python2.7", "#!python", true},
		{"#!/bin/sh\necho\n", "#!/bin/sh\necho\n", false},
		{"#!/usr/bin/env pythonista\n", "#!/usr/bin/env pythonista\n", false},
		{"print('no shebang')\n", "print('no shebang')\n", false},
		{"", "", false},
		{"#!/usr/bin/python\r\nx\r\n", "#!/usr/bin/python\r\nx\r\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, changed := rewriteShebang([]byte(tc.in))
			if string(got) != tc.want || changed != tc.changed {
				t.Errorf("rewriteShebang(%q) = %q, %v; want %q, %v", tc.in, got, changed, tc.want, tc.changed)
			}
		})
	}
}

func TestGlobs(t *testing.T) {
	rc := reCache{}
	tests := []struct {
		pat, name string
		glob, fn  bool
	}{
		{"*.json", "a.json", true, true},
		{"*.json", "d/a.json", false, true},
		{"data/*.json", "data/a.json", true, true},
		{"**/*.json", "a.json", true, false},
		{"**/*.json", "x/y/a.json", true, true},
		{"data/**", "data/x/y", true, true},
		{"*", ".hidden", false, true},
		{".*", ".hidden", true, true},
		{"**/*.txt", ".git/a.txt", false, true},
		{"[ab].txt", "a.txt", true, true},
		{"[!ab].txt", "c.txt", true, true},
		{"[!ab].txt", "a.txt", false, false},
		{"[a-c].txt", "b.txt", true, true},
		{"[.txt", "[.txt", true, true},
		{"?.txt", "/.txt", false, true},
		{"static/*.tmp", "static/x.tmp", true, true},
	}
	for _, tc := range tests {
		if got := rc.globMatch(tc.pat, tc.name); got != tc.glob {
			t.Errorf("globMatch(%q, %q) = %v", tc.pat, tc.name, got)
		}
		if got := rc.fnmatch(tc.pat, tc.name); got != tc.fn {
			t.Errorf("fnmatch(%q, %q) = %v", tc.pat, tc.name, got)
		}
	}
}

func TestWithSettings(t *testing.T) {
	var warns []string
	o := Options{Warnf: func(f string, a ...any) { warns = append(warns, f) }}
	got, err := o.WithSettings(ConfigSettings{"tag-build": {".dev"}, "--tag-date": {"true"}, "use-git": {"0"}, "sdist-format": {"zip"}, "bogus": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	if *got.TagBuild != ".dev" || !*got.TagDate || *got.UseGit || got.SdistFormat.String() != "zip" {
		t.Errorf("options = %+v", got)
	}
	if len(warns) != 1 {
		t.Errorf("warnings = %v", warns)
	}
	for _, bad := range []ConfigSettings{{"tag-date": {"maybe"}}, {"sdist-format": {"rar"}}} {
		if _, err := o.WithSettings(bad); err == nil {
			t.Errorf("WithSettings(%v) succeeded", bad)
		}
	}
}

func TestVersionTags(t *testing.T) {
	date := time.Date(2024, 5, 28, 12, 0, 0, 0, time.UTC)
	str := func(s string) *string { return &s }
	yes, no := true, false
	tests := []struct {
		name     string
		cfg      string
		tagBuild *string
		tagDate  *bool
		want     string
	}{
		{"none", "", nil, nil, "1.0"},
		{"build .dev", "", str(".dev"), nil, "1.0.dev0"},
		{"build .post1", "", str(".post1"), nil, "1.0.post1"},
		{"date", "", nil, &yes, "1.20240528"},
		{"build and date", "", str(".dev"), &yes, "1.0.dev20240528"},
		{"config", "[tool.ferry]\ntag-build = \".post\"\ntag-date = true\n", nil, nil, "1.0.post20240528"},
		{"flag overrides config", "[tool.ferry]\ntag-build = \".post\"\ntag-date = true\n", str(""), &no, "1.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"pyproject.toml": {Data: []byte("[project]\nname = \"t\"\nversion = \"1.0\"\n" + tc.cfg)},
				"t.py":           {Data: nil},
			}
			p, err := Open(context.Background(), fsys, "")
			if err != nil {
				t.Fatal(err)
			}
			v, err := p.Version(Options{TagBuild: tc.tagBuild, TagDate: tc.tagDate, Date: date})
			if err != nil {
				t.Fatal(err)
			}
			if v.String() != tc.want {
				t.Errorf("version = %s, want %s", v, tc.want)
			}
		})
	}
}

// TestReproducible builds every fixture twice into different directories
// from different copies of the source (other paths, other file times)
// and checks the sdists and wheels are byte for byte identical.
func TestReproducible(t *testing.T) {
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			f := loadFixture(t, name)
			var got [2][]Artifact
			for i := range got {
				dir := f.extract(t, "")
				// Different modification times on disk must not matter.
				mt := time.Unix(int64(1e9+i*86400), 0)
				filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, mt, mt) })
				arts, err := Build(context.Background(), nativeOpener(testOptions()), Request{Dir: dir, OutDir: t.TempDir(), Mode: SdistThenWheel})
				if err != nil {
					t.Fatal(err)
				}
				got[i] = arts
			}
			for j := range got[0] {
				a, _ := os.ReadFile(got[0][j].Path)
				b, _ := os.ReadFile(got[1][j].Path)
				if len(a) == 0 || !bytes.Equal(a, b) {
					t.Errorf("%s: two builds differ", filepath.Base(got[0][j].Path))
				}
			}
		})
	}
	t.Run("SOURCE_DATE_EPOCH changes the bytes", func(t *testing.T) {
		dir := loadFixture(t, "flat").extract(t, "")
		o1, o2 := testOptions(), testOptions()
		o2.Mtime = o2.Mtime.Add(time.Hour)
		a1, err := Build(context.Background(), nativeOpener(o1), Request{Dir: dir, OutDir: t.TempDir(), Mode: SdistAndWheel})
		if err != nil {
			t.Fatal(err)
		}
		a2, err := Build(context.Background(), nativeOpener(o2), Request{Dir: dir, OutDir: t.TempDir(), Mode: SdistAndWheel})
		if err != nil {
			t.Fatal(err)
		}
		for j := range a1 {
			x, _ := os.ReadFile(a1[j].Path)
			y, _ := os.ReadFile(a2[j].Path)
			if bytes.Equal(x, y) {
				t.Errorf("%s: a different mtime gave the same bytes", filepath.Base(a1[j].Path))
			}
		}
	})
}

func TestModes(t *testing.T) {
	dir := loadFixture(t, "flat").extract(t, "")
	for _, tc := range []struct {
		mode Mode
		want []string
	}{
		{SdistOnly, []string{"sdist"}},
		{WheelOnly, []string{"wheel"}},
		{SdistAndWheel, []string{"sdist", "wheel"}},
		{SdistThenWheel, []string{"sdist", "wheel"}},
	} {
		out := filepath.Join(t.TempDir(), "new", "dist")
		arts, err := Build(context.Background(), nativeOpener(testOptions()), Request{Dir: dir, OutDir: out, Mode: tc.mode})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, a := range arts {
			kinds = append(kinds, a.Kind)
			if _, err := os.Stat(a.Path); err != nil {
				t.Error(err)
			}
		}
		if diff := cmp.Diff(tc.want, kinds); diff != "" {
			t.Errorf("mode %d (-want +got):\n%s", tc.mode, diff)
		}
		entries, _ := os.ReadDir(out)
		if len(entries) != len(tc.want) {
			t.Errorf("mode %d: %d files in the output directory", tc.mode, len(entries))
		}
	}
}

// TestBrokenSdistCaught: a module the wheel needs but the sdist leaves
// out (excluded by MANIFEST.in) fails the sdist-then-wheel build, while
// a wheel straight from the tree would have it.
func TestBrokenSdistCaught(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"pyproject.toml":   "[project]\nname = \"b\"\nversion = \"1\"\n[tool.ferry]\npy-modules = [\"b\"]\n",
		"MANIFEST.in":      "exclude b.py\n",
		"b.py":             "",
		"README.md":        "",
		"other/unused.txt": "",
	})
	if _, err := Build(context.Background(), nativeOpener(testOptions()), Request{Dir: dir, OutDir: t.TempDir(), Mode: WheelOnly}); err != nil {
		t.Fatalf("wheel from the tree: %v", err)
	}
	_, err := Build(context.Background(), nativeOpener(testOptions()), Request{Dir: dir, OutDir: t.TempDir(), Mode: SdistThenWheel})
	if err == nil || !strings.Contains(err.Error(), "building the wheel from b-1.tar.gz") || !strings.Contains(err.Error(), "b.py") {
		t.Errorf("err = %v", err)
	}
}

func write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBadInput: errors name the file, the line and the key.
func TestBadInput(t *testing.T) {
	base := "[project]\nname = \"x\"\nversion = \"1.0\"\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
		is    error
	}{
		{"invalid toml", map[string]string{"pyproject.toml": "[project]\nname = \n"}, []string{"pyproject.toml:2", "invalid TOML"}, nil},
		{"unknown key", map[string]string{"pyproject.toml": base + "dependecies = []\n"}, []string{"pyproject.toml:4", `did you mean "dependencies"`}, nil},
		{"dynamic given statically", map[string]string{"pyproject.toml": base + "dynamic = [\"version\"]\n"}, []string{"pyproject.toml:4", `"version" is also given statically`}, nil},
		{"missing readme", map[string]string{"pyproject.toml": base + "readme = \"README.md\"\n"}, []string{"README.md", "does not exist"}, nil},
		{"missing license file", map[string]string{"pyproject.toml": base + "license-files = [\"LICENSE\"]\n"}, []string{"pyproject.toml:4", "LICENSE"}, nil},
		{"package dir escapes", map[string]string{"pyproject.toml": base + "[tool.ferry]\npackage-dir = {\"\" = \"../src\"}\n"}, []string{"pyproject.toml:5", "package-dir"}, nil},
		{"malformed MANIFEST.in", map[string]string{"pyproject.toml": base, "x.py": "", "MANIFEST.in": "include *.txt\nincluude x.py\n"}, []string{"MANIFEST.in:2", "incluude"}, manifest.ErrUnknownAction},
		{"MANIFEST.in arguments", map[string]string{"pyproject.toml": base, "x.py": "", "MANIFEST.in": "graft\n"}, []string{"MANIFEST.in:1"}, manifest.ErrArguments},
		{"extension modules", map[string]string{"pyproject.toml": base + "[tool.setuptools]\next-modules = [{name = \"x._c\", sources = [\"c.c\"]}]\n"}, []string{"C extensions need the setuptools backend; use --backend declared"}, ErrExtensions},
		{"custom setup.py", map[string]string{"pyproject.toml": base, "setup.py": "from setuptools import setup\nsetup(name='x', version=open('V').read())\n"}, []string{"setup.py does more than call setup()"}, ErrNotNative},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tc.files)
			_, err := Build(context.Background(), nativeOpener(testOptions()), Request{Dir: dir, OutDir: t.TempDir(), Mode: SdistThenWheel})
			if err == nil {
				t.Fatal("build succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}
}

func TestManifestWarnings(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"pyproject.toml": "[project]\nname = \"x\"\nversion = \"1.0\"\n[tool.ferry]\npy-modules = [\"x\"]\n",
		"x.py":           "",
		"MANIFEST.in":    "include *.rb\nrecursive-include docs *.rst\nprune nothing\n",
	})
	var warns []string
	o := testOptions()
	o.Warnf = func(f string, a ...any) { warns = append(warns, fmt.Sprintf(f, a...)) }
	if _, err := Build(context.Background(), nativeOpener(o), Request{Dir: dir, OutDir: t.TempDir(), Mode: SdistOnly}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"MANIFEST.in:1: warning: no files found matching '*.rb'",
		"MANIFEST.in:2: warning: no files found matching '*.rst' under directory 'docs'",
		"MANIFEST.in:3: warning: no previously-included directories found matching 'nothing'",
	}
	if diff := cmp.Diff(want, warns); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		want   Path
		reason string
	}{
		{"ferry backend", map[string]string{"pyproject.toml": "[build-system]\nrequires = []\nbuild-backend = \"ferry.backend\"\n"}, Native, `names "ferry.backend"`},
		{"declared hatchling", map[string]string{"pyproject.toml": "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n[tool.hatch.version]\npath = \"x\"\n"}, Declared, `declares "hatchling.build"`},
		{"declared setuptools", map[string]string{"pyproject.toml": "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n"}, Declared, "setuptools.build_meta"},
		{"table without backend", map[string]string{"pyproject.toml": "[build-system]\nrequires = [\"setuptools\"]\n"}, Declared, "setuptools.build_meta:__legacy__"},
		{"no table, no setup.py", map[string]string{"pyproject.toml": "[project]\nname = \"x\"\nversion = \"1\"\n"}, Native, "no setup.py"},
		{"setup.cfg and trivial setup.py", map[string]string{"setup.cfg": "[metadata]\nname = x\nversion = 1\n", "setup.py": "from setuptools import setup\nsetup()\n"}, Native, "only calls setup()"},
		{"custom setup.py", map[string]string{"setup.py": "from setuptools import setup\nsetup(name='x')\n"}, Declared, "setup.py does more"},
		{"extension modules", map[string]string{"pyproject.toml": "[project]\nname = \"x\"\nversion = \"1\"\n[tool.setuptools]\next-modules = [{name = \"x._c\", sources = [\"c.c\"]}]\n"}, Declared, "not supported by the native backend"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, d := range tc.files {
				fsys[n] = &fstest.MapFile{Data: []byte(d)}
			}
			c, err := Choose(fsys)
			if err != nil {
				t.Fatal(err)
			}
			if c.Path != tc.want || !strings.Contains(c.Reason+" "+c.BuildSystem.Backend, tc.reason) {
				t.Errorf("Choose = %v (%s; %s), want %v (%s)", c.Path, c.Reason, c.BuildSystem.Backend, tc.want, tc.reason)
			}
		})
	}
	t.Run("invalid build-system", func(t *testing.T) {
		_, err := Choose(fstest.MapFS{"pyproject.toml": {Data: []byte("[build-system]\nrequires = \"x\"\n")}})
		if err == nil || !strings.Contains(err.Error(), "pyproject.toml:2") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestUseGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"pyproject.toml":  "[project]\nname = \"g\"\nversion = \"1.0\"\n[tool.ferry]\npy-modules = [\"g\"]\n[tool.ferry.sdist]\nuse-git = true\n",
		"g.py":            "",
		"docs/guide.rst":  "tracked, not in the default set",
		"notes/local.txt": "untracked",
		"sub/.hidden":     "tracked",
	})
	gitc := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitc("init", "-q")
	gitc("add", "pyproject.toml", "g.py", "docs/guide.rst", "sub/.hidden")
	arts, err := Build(context.Background(), nativeOpener(testOptions()), Request{Dir: dir, OutDir: t.TempDir(), Mode: SdistThenWheel})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"g-1.0/PKG-INFO", "g-1.0/docs/guide.rst", "g-1.0/g.py", "g-1.0/pyproject.toml", "g-1.0/sub/.hidden"}
	if diff := cmp.Diff(want, tarNames(t, arts[0].Path)); diff != "" {
		t.Errorf("sdist (-want +got):\n%s", diff)
	}
	// The flag turns it off.
	off := false
	o := testOptions()
	o.UseGit = &off
	arts, err = Build(context.Background(), nativeOpener(o), Request{Dir: dir, OutDir: t.TempDir(), Mode: SdistOnly})
	if err != nil {
		t.Fatal(err)
	}
	if got := tarNames(t, arts[0].Path); len(got) != 3 {
		t.Errorf("sdist without git = %v", got)
	}
	if diff := cmp.Diff([]string{"a", "b c", "d/é"}, ParseGitLsFiles([]byte("a\x00b c\x00d/é\x00"))); diff != "" {
		t.Error(diff)
	}
}

func TestSdistZip(t *testing.T) {
	dir := loadFixture(t, "flat").extract(t, "")
	o := testOptions()
	o.SdistFormat = sdist.Zip
	arts, err := Build(context.Background(), nativeOpener(o), Request{Dir: dir, OutDir: t.TempDir(), Mode: SdistThenWheel})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(arts[0].Path) != "flat_pkg-1.0.zip" || filepath.Base(arts[1].Path) != "flat_pkg-1.0-py3-none-any.whl" {
		t.Errorf("artifacts = %v", arts)
	}
}
