package pyproject

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ferry/internal/coremeta"
	"ferry/internal/manifest"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

func TestRequiresDist(t *testing.T) {
	reqs := func(ss ...string) []pep508.Requirement {
		var out []pep508.Requirement
		for _, s := range ss {
			out = append(out, pep508.MustParse(s))
		}
		return out
	}
	extra := func(name string, ss ...string) Extra {
		return Extra{Name: name, Normalized: pkgname.Name(pkgname.Normalize(name)), Requirements: reqs(ss...)}
	}
	tests := []struct {
		name     string
		deps     []pep508.Requirement
		extras   []Extra
		want     []string
		provides []string
	}{
		{
			name: "plain dependencies keep order",
			deps: reqs("b", "a>=1"),
			want: []string{"b", "a>=1"},
		},
		{
			name: "conditional dependencies go last, grouped by marker",
			deps: reqs("a; os_name == 'nt'", "b", "c; python_version < '3.9'", "d ; os_name=='nt'", "e"),
			want: []string{"b", "e", `a; os_name == "nt"`, `d; os_name == "nt"`, `c; python_version < "3.9"`},
		},
		{
			name:   "extras after plain dependencies, markers combined",
			deps:   reqs("base", "cond; sys_platform == 'darwin'"),
			extras: []Extra{extra("Dev.Tools", "x; python_version < '3.10' or os_name == 'nt'", "y", "z; python_version < '3.10' or os_name == 'nt'"), extra("empty")},
			want: []string{
				"base",
				`y; extra == "dev-tools"`,
				`x; (python_version < "3.10" or os_name == "nt") and extra == "dev-tools"`,
				`z; (python_version < "3.10" or os_name == "nt") and extra == "dev-tools"`,
				`cond; sys_platform == "darwin"`,
			},
			provides: []string{"dev-tools", "empty"},
		},
		{
			name:     "duplicates within a group are written once",
			extras:   []Extra{extra("t", "pytest", "pytest", "PyTest")},
			want:     []string{`pytest; extra == "t"`},
			provides: []string{"t"},
		},
		{
			name:     "extras and url requirements",
			extras:   []Extra{extra("u", "pkg[a] @ https://example.com/pkg.zip ; os_name == 'nt'")},
			want:     []string{`pkg[a] @ https://example.com/pkg.zip ; os_name == "nt" and extra == "u"`},
			provides: []string{"u"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, provides := requiresDist(tc.deps, tc.extras)
			if diff := cmp.Diff(tc.want, reqStrings(got), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Requires-Dist (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.provides, reqStrings(provides), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Provides-Extra (-want +got):\n%s", diff)
			}
			// Every written requirement parses back to itself.
			for _, r := range got {
				again, err := pep508.Parse(r.String())
				if err != nil || again.String() != r.String() {
					t.Errorf("%q does not round-trip: %v", r.String(), err)
				}
			}
		})
	}
}

func TestMetadata(t *testing.T) {
	p, err := Load(os.DirFS(filepath.Join("testdata", "projects", "pyproject_only")))
	if err != nil {
		t.Fatal(err)
	}
	m := p.Metadata()
	if err := m.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if m.MetadataVersion != "2.5" {
		t.Errorf("Metadata-Version = %s, want 2.5 (import names)", m.MetadataVersion)
	}
	if m.Keywords != "packaging,demo" || m.RequiresPython != "!=3.9.1,>=3.9" || m.LicenseExpression != "(MIT OR Apache-2.0) AND LicenseRef-Acme" {
		t.Errorf("metadata = %+v", m)
	}
	if diff := cmp.Diff([]string{"Homepage, https://example.com", "Bug Tracker, https://example.com/issues"}, m.ProjectURLs); diff != "" {
		t.Errorf("Project-URL (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if err := coremeta.Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	back, err := coremeta.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, back, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("write/parse round trip (-want +got):\n%s", diff)
	}
	for _, want := range []string{
		"Author: Solo\n",
		"Author-email: Pat Doe <pat@example.com>, team@example.com\n",
		"Maintainer-email: \"M. Aint\" <m@example.com>\n",
		"Requires-Dist: hypothesis; python_version >= \"3.10\" and extra == \"test-extra\"\n",
		"Provides-Extra: test-extra\n",
		"License-File: LICENSES/MIT.txt\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("METADATA lacks %q:\n%s", want, buf.String())
		}
	}

	versions := map[string]string{"flat": "2.4", "src": "2.4", "setupcfg_attr": "2.4", "mixed": "2.1"}
	for dir, want := range versions {
		p, err := Load(os.DirFS(filepath.Join("testdata", "projects", dir)))
		if err != nil {
			t.Fatal(err)
		}
		m := p.Metadata()
		if m.MetadataVersion != want {
			t.Errorf("%s: Metadata-Version %s, want %s", dir, m.MetadataVersion, want)
		}
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
		if nf := m.NewerFields(); len(nf) > 0 {
			t.Errorf("%s: fields newer than %s: %v", dir, m.MetadataVersion, nf)
		}
	}
}

func TestTaggedVersion(t *testing.T) {
	p, err := Load(os.DirFS(filepath.Join("testdata", "projects", "pyproject_only")))
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.TaggedVersion("20240131")
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "1.0.0.post1.dev20240131" {
		t.Errorf("TaggedVersion = %s", v)
	}
	p.TagDate = false
	if v, _ := p.TaggedVersion("20240131"); v.String() != "1.0.0.post1.dev0" {
		t.Errorf("TaggedVersion without date = %s", v)
	}
	p.TagBuild = "+local"
	if v, _ := p.TaggedVersion(""); v.String() != "1.0.0.post1+local" {
		t.Errorf("TaggedVersion local = %s", v)
	}
	p.TagBuild = "-garbage!"
	if _, err := p.TaggedVersion(""); err == nil {
		t.Error("invalid tag: want an error")
	}
}

func TestManifestProject(t *testing.T) {
	p, err := Load(os.DirFS(filepath.Join("testdata", "projects", "setupcfg_attr")))
	if err != nil {
		t.Fatal(err)
	}
	got := p.ManifestProject()
	want := manifest.Project{
		Packages:        []string{"cfgpkg"},
		PackageDir:      map[string]string{"": "src"},
		PackageData:     map[string][]string{"": {"*.txt"}, "cfgpkg": {"py.typed"}},
		DataFiles:       []string{"data/default.conf"},
		LicenseFiles:    []string{"LICENSE"},
		ReferencedFiles: []string{"CHANGES.rst", "README.rst", "src/cfgpkg/__init__.py"},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The manifest package accepts it.
	var all []string
	_ = fsWalk(os.DirFS(filepath.Join("testdata", "projects", "setupcfg_attr")), &all)
	m, err := manifest.Build(&got, all, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"LICENSE", "README.rst", "CHANGES.rst", "data/default.conf", "setup.cfg", "src/cfgpkg/__init__.py", "src/cfgpkg/py.typed"} {
		if !contains(m.Files, f) {
			t.Errorf("sdist file set lacks %s: %v", f, m.Files)
		}
	}
}

func TestNative(t *testing.T) {
	p, err := Load(project(head + "[tool.setuptools]\next-modules = [{name = \"x\", sources = [\"x.c\"]}]\npackages = [\"pkg\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Native(); err == nil || !strings.Contains(err.Error(), "[tool.setuptools] ext-modules: extension modules need a compiler") {
		t.Errorf("Native = %v", err)
	}
	p, err = Load(project("[project]\nname = \"a\"\ndynamic = [\"version\"]\n", "setup.py", "from setuptools import setup\nsetup(version='1')\n"))
	if err != nil {
		t.Fatalf("custom setup.py may supply the version: %v", err)
	}
	if p.SetupPy != SetupPyCustom || p.Native() == nil {
		t.Errorf("SetupPy = %v, Native = %v", p.SetupPy, p.Native())
	}
}
