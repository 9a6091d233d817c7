package pyproject

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// view is the part of a Project the testdata expectations spell out.
type view struct {
	SetupPy, Backend                     string
	Name, Normalized, Version, Summary   string
	Description, DescriptionContentType  string
	RequiresPython                       string
	RequiresDist, ProvidesExtra          []string
	Author, AuthorEmail                  string
	Maintainer, MaintainerEmail          string
	License, LicenseExpression           string
	LicenseFiles, Classifiers, Keywords  []string
	HomePage                             string
	URLs, EntryPoints                    []string
	ImportNames, ImportNamespaces        []string
	Packages, PyModules                  []string
	PackageDir                           map[string]string
	Layout                               string
	PackageData, ExcludePackageData      map[string][]string
	IncludePackageData                   bool
	DataFiles, ScriptFiles               []string
	Groups, SetupRequires                []string
	TagBuild                             string
	TagDate                              bool
	Sdist                                SdistOptions
	ReferencedFiles, Warnings, Unsupport []string
}

func viewOf(p *Project) view {
	v := view{
		SetupPy: p.SetupPy.String(), Backend: p.BuildSystem.Backend,
		Name: p.Name, Normalized: string(p.Normalized), Version: p.Version.String(), Summary: p.Summary,
		Description: p.Description, DescriptionContentType: p.DescriptionContentType,
		RequiresPython: p.RequiresPython.String(),
		Author:         p.Author, AuthorEmail: p.AuthorEmail, Maintainer: p.Maintainer, MaintainerEmail: p.MaintainerEmail,
		License: p.License, LicenseExpression: p.LicenseExpression,
		LicenseFiles: p.LicenseFiles, Classifiers: p.Classifiers, Keywords: p.Keywords,
		HomePage:    p.HomePage,
		ImportNames: p.ImportNames, ImportNamespaces: p.ImportNamespaces,
		Packages: p.Packages, PyModules: p.PyModules, PackageDir: p.PackageDir, Layout: string(p.Layout),
		PackageData: p.PackageData, ExcludePackageData: p.ExcludePackageData, IncludePackageData: p.IncludePackageData,
		ScriptFiles: p.ScriptFiles, TagBuild: p.TagBuild, TagDate: p.TagDate, Sdist: p.Sdist,
		ReferencedFiles: p.ReferencedFiles, Unsupport: p.Unsupported,
	}
	for _, r := range p.RequiresDist {
		v.RequiresDist = append(v.RequiresDist, r.String())
	}
	for _, e := range p.ProvidesExtra {
		v.ProvidesExtra = append(v.ProvidesExtra, string(e))
	}
	for _, u := range p.ProjectURLs {
		v.URLs = append(v.URLs, u.Label+", "+u.URL)
	}
	for _, g := range p.EntryPoints {
		for _, e := range g.Entries {
			v.EntryPoints = append(v.EntryPoints, g.Group+": "+e.Name+" = "+e.Value)
		}
	}
	for _, df := range p.DataFiles {
		v.DataFiles = append(v.DataFiles, df.Dir+": "+strings.Join(df.Files, ", "))
	}
	for _, g := range p.DependencyGroups {
		var reqs []string
		for _, r := range g.Requirements {
			reqs = append(reqs, r.String())
		}
		v.Groups = append(v.Groups, string(g.Normalized)+": "+strings.Join(reqs, ", "))
	}
	for _, r := range p.SetupRequires {
		v.SetupRequires = append(v.SetupRequires, r.String())
	}
	for _, w := range p.Warnings {
		v.Warnings = append(v.Warnings, w.String())
	}
	return v
}

func TestLoadTestdataProjects(t *testing.T) {
	tests := []struct {
		dir  string
		want view
	}{
		{
			dir: "flat",
			want: view{
				SetupPy: "absent", Backend: "setuptools.build_meta",
				Name: "flatpkg", Normalized: "flatpkg", Version: "0.1.0", Summary: "A flat-layout project",
				Description: "Flat\n====\n", DescriptionContentType: "text/x-rst", RequiresPython: ">=3.8",
				License: "MIT", LicenseFiles: []string{"LICENSE.txt"},
				Packages: []string{"flatpkg", "flatpkg.sub"}, PackageDir: map[string]string{}, Layout: "flat",
				IncludePackageData: true,
				ReferencedFiles:    []string{"README.rst"},
				Warnings:           []string{"pyproject.toml:11: [project] license: the license table is deprecated (PEP 639): give an SPDX expression and license-files"},
			},
		},
		{
			dir: "src",
			want: view{
				SetupPy: "absent", Backend: "setuptools.build_meta",
				Name: "srcpkg", Normalized: "srcpkg", Version: "2.0.0rc1",
				Description: "# srcpkg\n", DescriptionContentType: "text/markdown; charset=UTF-8; variant=GFM",
				RequiresDist:      []string{"attrs>=22"},
				LicenseExpression: "Apache-2.0", LicenseFiles: []string{"LICENSE", "licenses/vendor.txt"},
				EntryPoints: []string{"console_scripts: srcpkg = srcpkg.cli:main"},
				Packages:    []string{"srcpkg", "srcpkg.data"}, PyModules: []string{"helper"},
				PackageDir: map[string]string{"": "src"}, Layout: "src",
				PackageData:        map[string][]string{"srcpkg": {"data/*.json"}},
				IncludePackageData: true,
				ReferencedFiles:    []string{"README.md", "src/srcpkg/__init__.py"},
			},
		},
		{
			dir: "namespace",
			want: view{
				SetupPy: "trivial", Backend: "setuptools.build_meta:__legacy__",
				Name: "acme.tools", Normalized: "acme-tools", Version: "1.0", Summary: "Namespace packages",
				Packages: []string{"acme.tools", "acme.widgets"}, PackageDir: map[string]string{"": "src"},
			},
		},
		{
			dir: "setupcfg_attr",
			want: view{
				SetupPy: "trivial", Backend: "setuptools.build_meta:__legacy__",
				Name: "cfgpkg", Normalized: "cfgpkg", Version: "1.4.post2", Summary: "Configured by setup.cfg",
				Description: "cfgpkg\n======\n\nChanges\n-------\n", DescriptionContentType: "text/x-rst",
				RequiresPython: ">=3.9",
				RequiresDist: []string{
					"requests>=2.0",
					`pytest>=7; extra == "test"`,
					`coverage; extra == "test"`,
					`sphinx; extra == "docs"`,
					`furo; python_version >= "3.10" and extra == "docs"`,
					`importlib-metadata; python_version < "3.10"`,
				},
				ProvidesExtra: []string{"test", "docs"},
				Author:        "Ann Author", AuthorEmail: "ann@example.com",
				License: "BSD-3-Clause", LicenseFiles: []string{"LICENSE"},
				Classifiers: []string{"Programming Language :: Python :: 3", "License :: OSI Approved :: BSD License"},
				Keywords:    []string{"one", "two"},
				HomePage:    "https://example.com/cfgpkg",
				URLs:        []string{"Source, https://example.com/src", "Tracker, https://example.com/issues"},
				EntryPoints: []string{"cfgpkg.plugins: basic = cfgpkg.plugins:Basic", "console_scripts: cfgpkg = cfgpkg.cli:main"},
				Packages:    []string{"cfgpkg"}, PackageDir: map[string]string{"": "src"},
				PackageData:        map[string][]string{"": {"*.txt"}, "cfgpkg": {"py.typed"}},
				IncludePackageData: true,
				DataFiles:          []string{"share/cfgpkg: data/default.conf"},
				SetupRequires:      []string{"setuptools_scm"},
				TagBuild:           ".dev",
				ReferencedFiles:    []string{"CHANGES.rst", "README.rst", "src/cfgpkg/__init__.py"},
				Warnings:           []string{"setup.cfg:21: [options] zip_safe: ignored"},
			},
		},
		{
			dir: "pyproject_only",
			want: view{
				SetupPy: "absent", Backend: "ferry.backend",
				Name: "My.App", Normalized: "my-app", Version: "1.0.0.post1", Summary: "Every [project] field",
				Description: "Plain text readme.\n", DescriptionContentType: "text/plain",
				RequiresPython: "!=3.9.1,>=3.9",
				RequiresDist: []string{
					"click>=8",
					"rich",
					`pytest>=7; extra == "test-extra"`,
					`pytest-cov; extra == "test-extra"`,
					`hypothesis; python_version >= "3.10" and extra == "test-extra"`,
					`colorama; sys_platform == "win32"`,
					`tomli>=1; python_version < "3.11"`,
				},
				ProvidesExtra: []string{"test-extra", "yaml"},
				Author:        "Solo", AuthorEmail: "Pat Doe <pat@example.com>, team@example.com",
				MaintainerEmail:   `"M. Aint" <m@example.com>`,
				LicenseExpression: "(MIT OR Apache-2.0) AND LicenseRef-Acme",
				LicenseFiles:      []string{"LICENSES/Apache-2.0.txt", "LICENSES/LicenseRef-Acme.txt", "LICENSES/MIT.txt"},
				Classifiers:       []string{"Programming Language :: Python :: 3", "Private :: Do Not Upload"},
				Keywords:          []string{"packaging", "demo"},
				URLs:              []string{"Homepage, https://example.com", "Bug Tracker, https://example.com/issues"},
				ImportNames:       []string{"app"}, ImportNamespaces: []string{},
				EntryPoints: []string{
					"app.plugins: zeta = app.plugins.zeta",
					"app.plugins: alpha = app.plugins:Alpha [yaml]",
					"console_scripts: my-app = app.cli:main",
					"gui_scripts: my-app-gui = app.gui:run",
				},
				Packages: []string{"app"}, PyModules: []string{"app_helper"}, PackageDir: map[string]string{},
				PackageData:        map[string][]string{"": {"py.typed"}, "app": {"templates/*.html"}},
				ExcludePackageData: map[string][]string{"app": {"templates/draft*"}},
				DataFiles:          []string{"share/my-app: share/my-app.desktop, share/icon.png"},
				ScriptFiles:        []string{"bin/my-app-legacy"},
				Groups:             []string{"test: pytest, ruff>=0.5", "lint: ruff>=0.5", "dev: pytest, ruff>=0.5, ipython"},
				TagBuild:           ".dev", TagDate: true,
				Sdist:           SdistOptions{Include: []string{"docs/**"}, Exclude: []string{"**/*.orig"}, UseGit: true},
				ReferencedFiles: []string{"README.txt"},
			},
		},
		{
			dir: "mixed",
			want: view{
				SetupPy: "absent", Backend: "setuptools.build_meta",
				Name: "mixpkg", Normalized: "mixpkg", Version: "3.2.1", Summary: "pyproject static, setup.cfg dynamic",
				Description: "# mixpkg\n", DescriptionContentType: "text/markdown",
				RequiresDist:  []string{"packaging", `orjson; extra == "fast"`, `typing-extensions; python_version < "3.8"`},
				ProvidesExtra: []string{"fast"},
				Author:        "Static Author",
				EntryPoints:   []string{"console_scripts: mix = mixpkg:main"},
				Packages:      []string{"mixpkg"}, PackageDir: map[string]string{},
				IncludePackageData: true,
				ReferencedFiles:    []string{"README.md", "VERSION"},
				Warnings: []string{
					`setup.cfg:5: [metadata] author: ignored: [project] in pyproject.toml does not list "authors" in dynamic`,
				},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			p, err := Load(os.DirFS(filepath.Join("testdata", "projects", tc.dir)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, viewOf(p), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err := p.Native(); err != nil {
				t.Errorf("Native: %v", err)
			}
		})
	}
}

func TestLoadDeterministic(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "projects", "*"))
	sort.Strings(dirs)
	for _, dir := range dirs {
		first, err := Load(os.DirFS(dir))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for i := 0; i < 5; i++ {
			again, err := Load(os.DirFS(dir))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(viewOf(first), viewOf(again)); diff != "" {
				t.Fatalf("%s: load %d differs:\n%s", dir, i, diff)
			}
		}
	}
}
