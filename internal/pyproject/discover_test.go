package pyproject

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type findCase struct {
	name       string
	tree       string // directory under testdata
	where      string
	include    []string
	exclude    []string
	namespaces bool
	want       []string
}

// findCases are the examples of the setuptools documentation (the seed's
// "Using find_packages()" and "find_namespace_packages()" sections) and a
// few more.
func findCases() []findCase {
	return []findCase{
		{name: "all packages", tree: "seed_tests",
			want: []string{"my-dir", "pkg", "pkg.sub", "pkg.tests", "pkg.tests.unit", "tests", "tests.helpers"}},
		// "find_packages(exclude=["*.tests"]) will exclude all packages whose
		// last name part is tests"
		{name: "exclude *.tests", tree: "seed_tests", exclude: []string{"*.tests"},
			want: []string{"my-dir", "pkg", "pkg.sub", "pkg.tests.unit", "tests", "tests.helpers"}},
		// "find_packages(exclude=["*.tests", "*.tests.*"]) will also exclude
		// any subpackages of packages named tests, but it still won't exclude
		// a top-level tests package or the children thereof"
		{name: "exclude *.tests *.tests.*", tree: "seed_tests", exclude: []string{"*.tests", "*.tests.*"},
			want: []string{"my-dir", "pkg", "pkg.sub", "tests", "tests.helpers"}},
		// "if you really want no tests packages at all"
		{name: "exclude every tests", tree: "seed_tests", exclude: []string{"*.tests", "*.tests.*", "tests.*", "tests"},
			want: []string{"my-dir", "pkg", "pkg.sub"}},
		{name: "include pkg*", tree: "seed_tests", include: []string{"pkg*"},
			want: []string{"pkg", "pkg.sub", "pkg.tests", "pkg.tests.unit"}},
		{name: "include pkg only", tree: "seed_tests", include: []string{"pkg"},
			want: []string{"pkg"}},
		{name: "exclude pkg keeps children", tree: "seed_tests", exclude: []string{"pkg"},
			want: []string{"my-dir", "pkg.sub", "pkg.tests", "pkg.tests.unit", "tests", "tests.helpers"}},
		{name: "exclude pkg.* prunes", tree: "seed_tests", exclude: []string{"pkg.*"},
			want: []string{"my-dir", "pkg", "tests", "tests.helpers"}},
		{name: "character class", tree: "seed_tests", include: []string{"[pt]*"}, exclude: []string{"*.[!s]*"},
			want: []string{"pkg", "pkg.sub", "tests"}},
		{name: "namespace finder takes every directory", tree: "seed_tests", namespaces: true,
			want: []string{"my-dir", "nopkg", "nopkg.inner", "pkg", "pkg.data", "pkg.sub", "pkg.tests", "pkg.tests.unit", "tests", "tests.helpers"}},
		// "A naive find_namespace_packages() would install both
		// namespace.mypackage and a top-level package called tests!"
		{name: "naive namespace", tree: "seed_namespace", namespaces: true,
			want: []string{"namespace", "namespace.mypackage", "tests"}},
		{name: "namespace include", tree: "seed_namespace", namespaces: true, include: []string{"namespace.*"},
			want: []string{"namespace.mypackage"}},
		{name: "namespace src", tree: "seed_src_namespace", where: "src", namespaces: true,
			want: []string{"namespace", "namespace.mypackage"}},
		{name: "regular finder skips namespace parent", tree: "seed_src_namespace", where: "src",
			want: nil},
		{name: "missing where", tree: "seed_tests", where: "nowhere", want: nil},
	}
}

func TestFindPackages(t *testing.T) {
	for _, tc := range findCases() {
		t.Run(tc.name, func(t *testing.T) {
			fsys := os.DirFS(filepath.Join("testdata", tc.tree))
			find := FindPackages
			if tc.namespaces {
				find = FindNamespacePackages
			}
			got, err := find(fsys, tc.where, tc.include, tc.exclude)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFindPackagesAgainstSetuptools runs the same cases through the
// machine's setuptools, when there is one.
func TestFindPackagesAgainstSetuptools(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	if err := exec.Command(py, "-c", "import setuptools").Run(); err != nil {
		t.Skip("setuptools not importable")
	}
	const script = `
import json, sys
from setuptools import find_packages, find_namespace_packages
cases = json.load(sys.stdin)
out = []
for c in cases:
    f = find_namespace_packages if c["namespaces"] else find_packages
    kw = {}
    if c["include"]:
        kw["include"] = c["include"]
    if c["exclude"]:
        kw["exclude"] = c["exclude"]
    out.append(sorted(f(c["where"], **kw)))
json.dump(out, sys.stdout)
`
	type pyCase struct {
		Where      string   `json:"where"`
		Include    []string `json:"include"`
		Exclude    []string `json:"exclude"`
		Namespaces bool     `json:"namespaces"`
	}
	cases := findCases()
	var in []pyCase
	for _, tc := range cases {
		in = append(in, pyCase{
			Where:   filepath.Join("testdata", tc.tree, tc.where),
			Include: tc.include, Exclude: tc.exclude, Namespaces: tc.namespaces,
		})
	}
	data, _ := json.Marshal(in)
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(string(data))
	outData, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var want [][]string
	if err := json.Unmarshal(outData, &want); err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		fsys := os.DirFS(filepath.Join("testdata", tc.tree))
		find := FindPackages
		if tc.namespaces {
			find = FindNamespacePackages
		}
		got, err := find(fsys, tc.where, tc.include, tc.exclude)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want[i], got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: differs from setuptools (-setuptools +ferry):\n%s", tc.name, diff)
		}
	}
}

func TestFindPackagesAlwaysExcluded(t *testing.T) {
	fsys := files("a/__init__.py", "a/__pycache__/__init__.py", "ez_setup/__init__.py", "b.c/__init__.py")
	got, err := FindNamespacePackages(fsys, ".", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFindPackagesWhereOutside(t *testing.T) {
	if _, err := FindPackages(files("a/__init__.py"), "../x", nil, nil); !errors.Is(err, ErrOutsideProject) {
		t.Errorf("err = %v, want ErrOutsideProject", err)
	}
}

func TestDiscover(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		pd      map[string]string
		want    Discovery
		wantErr error
	}{
		{
			name: "src layout",
			fsys: files("src/app/__init__.py", "src/app/sub/x.py", "src/tool.py", "tests/test_a.py", "src/.hidden.py"),
			want: Discovery{Layout: LayoutSrc, Packages: []string{"app", "app.sub"}, PyModules: []string{"tool"},
				PackageDir: map[string]string{"": "src"}},
		},
		{
			name: "package-dir root",
			fsys: files("lib/app/__init__.py"),
			pd:   map[string]string{"": "lib"},
			want: Discovery{Layout: LayoutSrc, Packages: []string{"app"}, PackageDir: map[string]string{"": "lib"}},
		},
		{
			name: "explicit layout",
			fsys: files("code/__init__.py", "code/inner/__init__.py", "other/x.py"),
			pd:   map[string]string{"app": "code"},
			want: Discovery{Layout: LayoutExplicit, Packages: []string{"app", "app.inner"}, PackageDir: map[string]string{"app": "code"}},
		},
		{
			name: "flat package, reserved names skipped",
			fsys: files("app/__init__.py", "app/sub/__init__.py", "tests/__init__.py", "docs/conf.py",
				"build/lib/x.py", "_private/__init__.py", ".venv/lib/x.py", "examples/a.py", "setup.py",
				"app-stubs/__init__.pyi", "not-a-pkg/x.py"),
			want: Discovery{Layout: LayoutFlatPackages, Packages: []string{"app", "app-stubs", "app.sub"}, PackageDir: map[string]string{}},
		},
		{
			name:    "flat layout with two packages",
			fsys:    files("app/__init__.py", "lib/__init__.py"),
			wantErr: ErrMultipleTopLevel,
		},
		{
			name: "single module",
			fsys: files("tool.py", "setup.py", "conftest.py", "noxfile.py", "_build.py", "tests/test_tool.py"),
			want: Discovery{Layout: LayoutFlatModules, PyModules: []string{"tool"}, PackageDir: map[string]string{}},
		},
		{
			name:    "two modules",
			fsys:    files("tool.py", "other.py"),
			wantErr: ErrMultipleTopLevel,
		},
		{
			name: "nothing",
			fsys: files("README.md", "tests/test_x.py"),
			want: Discovery{Layout: LayoutNone, PackageDir: map[string]string{}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Discover(tc.fsys, tc.pd)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPackagePath(t *testing.T) {
	// The examples of setuptools' find_package_path.
	tests := []struct {
		name string
		pd   map[string]string
		want string
	}{
		{"my.pkg", map[string]string{"": "root/is/nested"}, "root/is/nested/my/pkg"},
		{"my.pkg", map[string]string{"my": "root/is/nested"}, "root/is/nested/pkg"},
		{"my.pkg", map[string]string{"my.pkg": "root/is/nested"}, "root/is/nested"},
		{"other.pkg", map[string]string{"my.pkg": "root/is/nested"}, "other/pkg"},
		{"a", nil, "a"},
	}
	for _, tc := range tests {
		if got := PackagePath(tc.name, tc.pd); got != tc.want {
			t.Errorf("PackagePath(%q, %v) = %q, want %q", tc.name, tc.pd, got, tc.want)
		}
	}
}
