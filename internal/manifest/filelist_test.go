package manifest

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func fixtureTree() []string {
	return []string{
		"setup.py",
		"README.md",
		".hidden.txt",
		"a.txt",
		"docs/index.rst",
		"docs/conf.py",
		"docs/_build/html/index.html",
		"docs/img/logo.png",
		"src/pkg/__init__.py",
		"src/pkg/data/x.json",
		"src/pkg/data/y.txt",
		"src/pkg/__pycache__/m.cpython-312.pyc",
		"tests/test_a.py",
		"tests/data/t.txt",
	}
}

func TestApplyTemplate(t *testing.T) {
	tests := []struct {
		name     string
		selected []string
		template string
		want     []string
		warns    []string
	}{
		{
			name:     "include is anchored at the root",
			template: "include *.txt",
			want:     []string{".hidden.txt", "a.txt"},
		},
		{
			name:     "include a path",
			template: "include docs/*.rst src/pkg/data/*",
			want:     []string{"docs/index.rst", "src/pkg/data/x.json", "src/pkg/data/y.txt"},
		},
		{
			name:     "include with a leading ./",
			template: "include ./a.txt",
			want:     []string{"a.txt"},
		},
		{
			name:     "include a directory name selects nothing",
			template: "include docs",
			warns:    []string{"line 1: warning: no files found matching 'docs'"},
		},
		{
			name:     "include ** spans directories",
			template: "include docs/**/*.html",
			want:     []string{"docs/_build/html/index.html"},
		},
		{
			name:     "exclude only what is selected",
			selected: []string{"a.txt", "setup.py"},
			template: "exclude *.txt\nexclude *.cfg",
			want:     []string{"setup.py"},
			warns:    []string{"line 2: warning: no previously-included files found matching '*.cfg'"},
		},
		{
			name:     "global-include matches at any depth",
			template: "global-include *.txt",
			want:     []string{".hidden.txt", "a.txt", "src/pkg/data/y.txt", "tests/data/t.txt"},
		},
		{
			name:     "global-include with a directory part",
			template: "global-include data/*.txt",
			want:     []string{"src/pkg/data/y.txt", "tests/data/t.txt"},
		},
		{
			name:     "global-exclude matches whole names, not suffixes",
			selected: []string{"a.txt", "src/pkg/data/y.txt"},
			template: "global-exclude y.txt\nglobal-exclude .txt",
			want:     []string{"a.txt"},
			warns:    []string{"line 2: warning: no previously-included files matching '.txt' found anywhere in distribution"},
		},
		{
			name:     "recursive-include",
			template: "recursive-include src *.json *.txt\nrecursive-include nowhere *",
			want:     []string{"src/pkg/data/x.json", "src/pkg/data/y.txt"},
			warns:    []string{"line 2: warning: no files found matching '*' under directory 'nowhere'"},
		},
		{
			name:     "recursive-include with a directory pattern",
			template: "recursive-include */pkg *.json",
			want:     []string{"src/pkg/data/x.json"},
		},
		{
			name:     "recursive-include from the root",
			template: "recursive-include . *.rst",
			want:     []string{"docs/index.rst"},
		},
		{
			name:     "recursive-exclude",
			selected: []string{"src/pkg/data/x.json", "src/pkg/data/y.txt", "a.txt"},
			template: "recursive-exclude src *.txt\nrecursive-exclude src *.md",
			want:     []string{"a.txt", "src/pkg/data/x.json"},
			warns:    []string{"line 2: warning: no previously-included files matching '*.md' found under directory 'src'"},
		},
		{
			name:     "graft and prune",
			template: "graft docs/\nprune docs/_build\ngraft nowhere\nprune nowhere",
			want:     []string{"docs/conf.py", "docs/index.rst", "docs/img/logo.png"},
			warns: []string{
				"line 3: warning: no directories found matching 'nowhere'",
				"line 4: warning: no previously-included directories found matching 'nowhere'",
			},
		},
		{
			name:     "graft a pattern",
			template: "graft */pkg\nglobal-exclude *.py[cod]",
			want:     []string{"src/pkg/__init__.py", "src/pkg/data/x.json", "src/pkg/data/y.txt"},
		},
		{
			name:     "order matters",
			template: "global-exclude *.py[cod]\ngraft src",
			want:     []string{"src/pkg/__init__.py", "src/pkg/__pycache__/m.cpython-312.pyc", "src/pkg/data/x.json", "src/pkg/data/y.txt"},
			warns:    []string{"line 1: warning: no previously-included files matching '*.py[cod]' found anywhere in distribution"},
		},
		{
			name:     "graft . takes everything, prune a file does not",
			template: "graft .\nprune a.txt",
			want:     fixtureTree(),
			warns:    []string{"line 2: warning: no previously-included directories found matching 'a.txt'"},
		},
		{
			name:     "one warning per pattern",
			template: "include a.txt x y",
			want:     []string{"a.txt"},
			warns: []string{
				"line 1: warning: no files found matching 'x'",
				"line 1: warning: no files found matching 'y'",
			},
		},
		{
			name:     "absolute and parent paths never match",
			template: "include /etc/passwd ../x",
			warns: []string{
				"line 1: warning: no files found matching '/etc/passwd'",
				"line 1: warning: no files found matching '../x'",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fl, err := NewFileList(fixtureTree())
			if err != nil {
				t.Fatal(err)
			}
			fl.Add(tc.selected...)
			warns, err := fl.ApplyTemplate(tc.template)
			if err != nil {
				t.Fatalf("ApplyTemplate(%q): %v", tc.template, err)
			}
			want := append([]string(nil), tc.want...)
			sortPaths(want)
			got := fl.Files()
			if len(want) == 0 && len(got) == 0 {
				got, want = nil, nil
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ApplyTemplate(%q) files (-want +got):\n%s", tc.template, diff)
			}
			var ws []string
			for _, w := range warns {
				ws = append(ws, w.String())
			}
			if diff := cmp.Diff(tc.warns, ws); diff != "" {
				t.Errorf("ApplyTemplate(%q) warnings (-want +got):\n%s", tc.template, diff)
			}
		})
	}
}

func TestApplyTemplateCarriesOn(t *testing.T) {
	fl, err := NewFileList(fixtureTree())
	if err != nil {
		t.Fatal(err)
	}
	_, err = fl.ApplyTemplate("include a.txt\nbogus line\ninclude setup.py\n")
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 || le.Text != "bogus line" || !errors.Is(err, ErrUnknownAction) {
		t.Errorf("err = %v, want a *LineError for line 2", err)
	}
	if !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "bogus line") {
		t.Errorf("error %q does not name the line and its text", err)
	}
	if diff := cmp.Diff([]string{"a.txt", "setup.py"}, fl.Files()); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if _, err := fl.ApplyTemplate("graft docs\n\xff"); !errors.Is(err, ErrNotUTF8) || fl.Selected("docs/conf.py") {
		t.Errorf("invalid UTF-8: err %v, docs selected %v; want ErrNotUTF8 and no change", err, fl.Selected("docs/conf.py"))
	}
}

func TestApply(t *testing.T) {
	fl, err := NewFileList(fixtureTree())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"", "   ", "# comment"} {
		if w, err := fl.Apply(line); w != nil || err != nil {
			t.Errorf("Apply(%q) = %v, %v; want nothing", line, w, err)
		}
	}
	w, err := fl.Apply("include a.txt nope")
	if err != nil {
		t.Fatal(err)
	}
	want := []Warning{{Text: "include a.txt nope", Message: "no files found matching 'nope'"}}
	if diff := cmp.Diff(want, w); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if !fl.Selected("a.txt") {
		t.Error("a.txt not selected")
	}
}

func TestRunRejects(t *testing.T) {
	fl, err := NewFileList(fixtureTree())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Command{
		{Action: "bogus", Patterns: []string{"x"}},
		{Action: Include},
		{Action: Include, Dir: "d", Patterns: []string{"x"}},
		{Action: RecursiveInclude, Patterns: []string{"x"}},
		{Action: Graft},
		{Action: Prune, Dir: "d", Patterns: []string{"x"}},
	} {
		if _, err := fl.Run(c); err == nil {
			t.Errorf("Run(%#v) succeeded, want an error", c)
		}
	}
	if len(fl.Files()) != 0 {
		t.Errorf("rejected commands selected %q", fl.Files())
	}
}

func TestNewFileList(t *testing.T) {
	for _, bad := range []string{"", "/abs", "a//b", "./a", "a/../b", "a/", "a/.", "\xff"} {
		if _, err := NewFileList([]string{"ok", bad}); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("NewFileList(%q) = %v, want ErrInvalidPath", bad, err)
		}
	}
	fl, err := NewFileList([]string{"b", "a", "b", "a-b/x", "a/y"})
	if err != nil {
		t.Fatal(err)
	}
	// distutils sorts (dir, name) pairs: "a/y" before "a-b/x".
	if diff := cmp.Diff([]string{"a", "b", "a/y", "a-b/x"}, fl.All()); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	if n := fl.Add("a", "missing"); n != 1 {
		t.Errorf("Add counted %d on-disk paths, want 1", n)
	}
	if fl.Selected("missing") {
		t.Error("a path not on disk was selected")
	}
	if n := fl.Remove("a", "b"); n != 1 || fl.Selected("a") {
		t.Errorf("Remove = %d, a still selected %v", n, fl.Selected("a"))
	}
}
