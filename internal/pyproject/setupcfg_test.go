package pyproject

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseListAndDict(t *testing.T) {
	lists := []struct {
		value, sep string
		want       []string
	}{
		{"one, two", ",", []string{"one", "two"}},
		{"\none\ntwo, three\n", ",", []string{"one", "two, three"}},
		{"a; b", ";", []string{"a", "b"}},
		{"a;python_version<'3'", ";", []string{"a", "python_version<'3'"}},
		{"\na; python_version<'3'\nb", ";", []string{"a; python_version<'3'", "b"}},
		{" , ,", ",", nil},
		{"", ",", nil},
	}
	for _, tc := range lists {
		if diff := cmp.Diff(tc.want, parseList(tc.value, tc.sep), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("parseList(%q, %q) (-want +got):\n%s", tc.value, tc.sep, diff)
		}
	}
	order, m, err := parseDict("\n=src\nmy.pkg = lib/pkg\nSource = https://x/y?a=b")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"", "my.pkg", "Source"}, order); diff != "" {
		t.Errorf("dict order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"": "src", "my.pkg": "lib/pkg", "Source": "https://x/y?a=b"}, m); diff != "" {
		t.Errorf("dict (-want +got):\n%s", diff)
	}
	if _, _, err := parseDict("novalue"); err == nil {
		t.Error("parseDict without '=': want an error")
	}
	for v, want := range map[string]bool{"1": true, "True": true, "yes": true, "on": false, "0": false, "false": false, "": false} {
		if got := parseBool(v); got != want {
			t.Errorf("parseBool(%q) = %v", v, got)
		}
	}
}

func TestRequirementLines(t *testing.T) {
	got := requirementLines([]string{"a  # comment", "# whole", "", "b @ https://x/y#egg=b", "c>=1,\\", "<2", "d \\"})
	want := []string{"a ", "b @ https://x/y#egg=b", "c>=1<2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// cfgProject loads a setup.cfg-only project.
func cfgProject(t *testing.T, cfg string, kv ...string) (*Project, error) {
	t.Helper()
	m := files("pkg/__init__.py")
	m = withFile(m, "setup.cfg", cfg)
	for i := 0; i+1 < len(kv); i += 2 {
		m = withFile(m, kv[i], kv[i+1])
	}
	return Load(m)
}

const cfgHead = "[metadata]\nname = demo\nversion = 1.0\n"

func TestSetupCfgValues(t *testing.T) {
	tests := []struct {
		name string
		cfg  string
		kv   []string
		get  func(*Project) any
		want any
	}{
		{"aliases", "[metadata]\nName = demo\nversion = 1\nsummary = S\nhome-page = https://h\nclassifier = C1\nplatform = linux\n",
			nil, func(p *Project) any { return []any{p.Summary, p.HomePage, p.Classifiers, p.Platforms} },
			[]any{"S", "https://h", []string{"C1"}, []string{"linux"}}},
		{"first spelling wins", cfgHead + "description = first\nsummary = second\n", nil,
			func(p *Project) any { return []any{p.Summary, len(p.Warnings)} }, []any{"first", 1}},
		{"version from file", "[metadata]\nname = demo\nversion = file: VERSION\n", []string{"VERSION", "\n 2.0.1 \n"},
			func(p *Project) any { return p.Version.String() }, "2.0.1"},
		{"version attr with package_dir", "[metadata]\nname = demo\nversion = attr: mod.VERSION\n[options]\npackage_dir =\n    mod = lib/the_mod\npy_modules = mod\n",
			[]string{"lib/the_mod.py", "VERSION = ('3', 1)\n"},
			func(p *Project) any { return p.Version.String() }, "3.1"},
		{"version attr root package_dir", "[metadata]\nname = demo\nversion = attr: app.about.__version__\n[options]\npackage_dir = =src\npackages = app\n",
			[]string{"src/app/__init__.py", "", "src/app/about.py", "__version__ = '0.9.1'\n"},
			func(p *Project) any { return []any{p.Version.String(), p.ReferencedFiles} }, []any{"0.9.1", []string{"src/app/about.py"}}},
		{"version attr via discovery", "[metadata]\nname = demo\nversion = attr: app.__version__\n",
			[]string{"src/app/__init__.py", "__version__ = '4.0'\n"},
			func(p *Project) any { return p.Version.String() }, "4.0"},
		{"long_description files", cfgHead + "long_description = file: A.md, missing.md, B.md\nlong_description_content_type = text/markdown\n",
			[]string{"A.md", "a\r\n", "B.md", "b"},
			func(p *Project) any { return []any{p.Description, p.DescriptionContentType, len(p.Warnings)} }, []any{"a\n\nb", "text/markdown", 1}},
		{"classifiers from file", cfgHead + "classifiers = file: classifiers.txt\n", []string{"classifiers.txt", "A :: B\nC :: D\n"},
			func(p *Project) any { return p.Classifiers }, []string{"A :: B", "C :: D"}},
		{"keywords comma list", cfgHead + "keywords = a, b ,c\n", nil, func(p *Project) any { return p.Keywords }, []string{"a", "b", "c"}},
		{"project urls", cfgHead + "project_urls =\n    Docs = https://d\n    Code = https://c\ndownload_url = https://dl\n", nil,
			func(p *Project) any { return []any{p.ProjectURLs, p.DownloadURL} },
			[]any{[]ProjectURL{{"Docs", "https://d"}, {"Code", "https://c"}}, "https://dl"}},
		{"people", cfgHead + "author = A, B\nauthor_email = a@x, b@x\nmaintainer = M\nmaintainer-email = m@x\n", nil,
			func(p *Project) any { return []string{p.Author, p.AuthorEmail, p.Maintainer, p.MaintainerEmail} },
			[]string{"A, B", "a@x, b@x", "M", "m@x"}},
		{"license expression", cfgHead + "license_expression = mit\nlicense_files =\n    LICENSE\n    NOTICE*\n", []string{"LICENSE", "", "NOTICE.md", ""},
			func(p *Project) any { return []any{p.LicenseExpression, p.LicenseFiles} }, []any{"mit", []string{"LICENSE", "NOTICE.md"}}},
		{"default license files", cfgHead, []string{"LICENSE.txt", "", "COPYING", "", "AUTHORS.rst", "", "LICENSE~", ""},
			func(p *Project) any { return p.LicenseFiles }, []string{"AUTHORS.rst", "COPYING", "LICENSE.txt"}},
		{"install_requires one line with ';'", cfgHead + "[options]\ninstall_requires = a; b>=1\n", nil,
			func(p *Project) any { return reqStrings(p.Dependencies) }, []string{"a", "b>=1"}},
		{"install_requires marker on its own line", cfgHead + "[options]\ninstall_requires =\n    a; python_version < \"3.9\"\n    b  # why\n", nil,
			func(p *Project) any { return reqStrings(p.Dependencies) }, []string{`a; python_version < "3.9"`, "b"}},
		{"install_requires from file", cfgHead + "[options]\ninstall_requires = file: requirements.txt\n", []string{"requirements.txt", "# pinned\nx==1\ny\n"},
			func(p *Project) any { return reqStrings(p.Dependencies) }, []string{"x==1", "y"}},
		{"extras", cfgHead + "[options.extras_require]\nWin-Tools =\n    pywin32; sys_platform == \"win32\"\n    colorama\ndocs =\n", nil,
			func(p *Project) any { return []any{reqStrings(p.RequiresDist), reqStrings(p.ProvidesExtra)} },
			[]any{[]string{`colorama; extra == "win-tools"`, `pywin32; sys_platform == "win32" and extra == "win-tools"`}, []string{"win-tools", "docs"}}},
		{"python_requires", cfgHead + "[options]\npython_requires = >=3.8\n", nil,
			func(p *Project) any { return p.RequiresPython.String() }, ">=3.8"},
		{"packages list", cfgHead + "[options]\npackages =\n    pkg\n    pkg.sub\n", []string{"pkg/sub/__init__.py", ""},
			func(p *Project) any { return p.Packages }, []string{"pkg", "pkg.sub"}},
		{"packages find", cfgHead + "[options]\npackages = find:\n[options.packages.find]\nexclude = tests*\n", []string{"tests/__init__.py", "", "pkg/a/__init__.py", ""},
			func(p *Project) any { return []any{p.Packages, p.PackageDir} }, []any{[]string{"pkg", "pkg.a"}, map[string]string{}}},
		{"packages find where fills package_dir", cfgHead + "[options]\npackages = find:\n[options.packages.find]\nwhere = lib\n", []string{"lib/x/__init__.py", ""},
			func(p *Project) any { return []any{p.Packages, p.PackageDir} }, []any{[]string{"x"}, map[string]string{"": "lib"}}},
		{"py_modules and scripts", cfgHead + "[options]\npy_modules = one, two\nscripts = bin/a\n", []string{"one.py", "", "two.py", "", "bin/a", ""},
			func(p *Project) any { return []any{p.PyModules, p.ScriptFiles} }, []any{[]string{"one", "two"}, []string{"bin/a"}}},
		{"include_package_data default false", cfgHead, nil, func(p *Project) any { return p.IncludePackageData }, false},
		{"package data sections", cfgHead + "[options.package_data]\n* = *.txt, *.rst\npkg = *.msg\n[options.exclude_package_data]\npkg = secret.msg\n", nil,
			func(p *Project) any { return []any{p.PackageData, p.ExcludePackageData} },
			[]any{map[string][]string{"": {"*.txt", "*.rst"}, "pkg": {"*.msg"}}, map[string][]string{"pkg": {"secret.msg"}}}},
		{"data files", cfgHead + "[options]\npackages = pkg\n[options.data_files]\n/etc/my_package =\n    site.d/00_default.conf\ndata = data/img/*.png, data/x.svg\n",
			[]string{"site.d/00_default.conf", "", "data/img/logo.png", "", "data/img/b.png", "", "data/x.svg", ""},
			func(p *Project) any {
				var out []string
				for _, d := range p.DataFiles {
					out = append(out, d.Dir+": "+strings.Join(d.Files, " "))
				}
				return out
			}, []string{"/etc/my_package: site.d/00_default.conf", "data: data/img/b.png data/img/logo.png data/x.svg"}},
		{"entry points section", cfgHead + "[options.entry_points]\nconsole-scripts = tool = pkg.cli:main\nmy.plugins =\n    b = pkg.b\n    a = pkg.a:A\n", nil,
			func(p *Project) any { return p.EntryPoints },
			[]EntryPointGroup{
				{Group: "console_scripts", Entries: []EntryPoint{{Name: "tool", Value: "pkg.cli:main", Module: "pkg.cli", Object: "main"}}},
				{Group: "my.plugins", Entries: []EntryPoint{{Name: "b", Value: "pkg.b", Module: "pkg.b"}, {Name: "a", Value: "pkg.a:A", Module: "pkg.a", Object: "A"}}},
			}},
		{"entry points file", cfgHead + "[options]\nentry_points = file: entry_points.txt\n", []string{"entry_points.txt", "[gui_scripts]\nApp = pkg.gui:run\n"},
			func(p *Project) any { return p.Group("gui_scripts") }, []EntryPoint{{Name: "App", Value: "pkg.gui:run", Module: "pkg.gui", Object: "run"}}},
		{"egg_info tags", cfgHead + "[egg_info]\ntag_build = .post\ntag_date = true\n", nil,
			func(p *Project) any { return []any{p.TagBuild, p.TagDate} }, []any{".post", true}},
		{"interpolation", cfgHead + "url = https://example.com/%(name)s\ndescription = 100%% native\n", nil,
			func(p *Project) any { return []string{p.HomePage, p.Summary} }, []string{"https://example.com/demo", "100% native"}},
		{"unsupported", cfgHead + "[options]\ncmdclass =\n    build = mybuild.Build\nnamespace_packages = ns\n", nil,
			func(p *Project) any { return p.Unsupported },
			[]string{"[options] cmdclass: custom setuptools commands", "[options] namespace_packages: pkg_resources-style namespace packages"}},
		{"other sections ignored", cfgHead + "[flake8]\nmax-line-length = 100\n[tool:pytest]\naddopts = -q\n[bdist_wheel]\nuniversal = 1\n", nil,
			func(p *Project) any { return len(p.Warnings) }, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := cfgProject(t, tc.cfg, tc.kv...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, tc.get(p), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetupCfgErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  string
		kv   []string
		want string
	}{
		{"name required", "[metadata]\nversion = 1\n", nil, "setup.cfg:1: [metadata]: name is required"},
		{"version required", "[metadata]\nname = x\n", nil, "setup.cfg:1: [metadata]: version is required"},
		{"bad version", "[metadata]\nname = x\nversion = banana\n", nil, `setup.cfg:3: [metadata] version: "banana" is not a valid version (PEP 440)`},
		{"bad version file", "[metadata]\nname = x\nversion = file: V\n", []string{"V", "1.0\nextra\n"}, `setup.cfg:3: [metadata] version: "1.0\nextra" is not a valid version`},
		{"attr computed", "[metadata]\nname = x\nversion = attr: pkg.VERSION\n", []string{"pkg/__init__.py", "VERSION = read_version()\n"},
			"setup.cfg:3: [metadata] version: attr: pkg.VERSION: pkg/__init__.py: line 1: VERSION: value is computed, not a literal"},
		{"attr missing", "[metadata]\nname = x\nversion = attr: pkg.VERSION\n", nil,
			"setup.cfg:3: [metadata] version: attr: pkg.VERSION: pkg/__init__.py: VERSION: no top-level assignment"},
		{"file outside", cfgHead + "long_description = file: ../README\n", nil, `setup.cfg:4: [metadata] long_description: file: "../README" is outside the project`},
		{"license file directive", cfgHead + "license = file: LICENSE\n", nil, "setup.cfg:4: [metadata] license: only text is accepted; list the file in license_files"},
		{"license_files no match", cfgHead + "license_files = LICENSE\n", nil, `setup.cfg:4: [metadata] license_files: license-files pattern "LICENSE" matches no file`},
		{"bad requirement", cfgHead + "[options]\ninstall_requires =\n    ok\n    not valid!\n", nil, `setup.cfg:5: [options] install_requires: invalid requirement "not valid!"`},
		{"marker split on one line", cfgHead + "[options]\ninstall_requires = a; python_version < '3'\n", nil, `invalid requirement "python_version < '3'"`},
		{"package_dir outside", cfgHead + "[options]\npackage_dir =\n    = ../src\n", nil, `setup.cfg:5: [options] package_dir: "../src" is outside the project`},
		{"package_dir not a dict", cfgHead + "[options]\npackage_dir = src\n", nil, `setup.cfg:5: [options] package_dir: cannot read "src" as key = value`},
		{"where outside", cfgHead + "[options]\npackages = find:\n[options.packages.find]\nwhere = /abs\n", nil, `setup.cfg:7: [options.packages.find] where: "/abs" is an absolute path`},
		{"extra key with marker", cfgHead + "[options.extras_require]\nwin:sys_platform == 'win32' = pywin32\nwin = colorama\n", nil, "setup.cfg:6: [options.extras_require] win: option appears twice in the section"},
		{"unknown options section", cfgHead + "[options.package-data]\nx = y\n", nil, "setup.cfg:4: [options.package-data]: unsupported section"},
		{"extras in options", cfgHead + "[options]\nextras_require = x\n", nil, "setup.cfg:5: [options] extras_require: give it as the [options.extras_require] section"},
		{"bad entry point line", cfgHead + "[options.entry_points]\nconsole_scripts =\n    nothing here\n", nil, `setup.cfg:5: [options.entry_points] console_scripts: "nothing here" is not name = module:object`},
		{"interpolation", cfgHead + "description = 100% wrong\n", nil, `setup.cfg:4: [metadata] description: '%' must be followed by '%' or '(', found "% wrong"`},
		{"duplicate option", cfgHead + "name = again\n", nil, "setup.cfg:4: [metadata] name: option appears twice in the section"},
		{"not utf-8", "[metadata]\nname = \xff\n", nil, "setup.cfg: not valid UTF-8"},
		{"parse error lines", "[metadata]\nname = x\nversion 1\nother\n", nil, `setup.cfg:3: [metadata]: "version 1" is not a key = value line`},
		{"tag_date", cfgHead + "[egg_info]\ntag_date = maybe\n", nil, `setup.cfg:5: [egg_info] tag_date: invalid truth value "maybe"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cfgProject(t, tc.cfg, tc.kv...)
			if err == nil {
				t.Fatalf("loaded without error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not contain %q:\n%v", tc.want, err)
			}
		})
	}
}

func TestSetupCfgWarnings(t *testing.T) {
	p, err := cfgProject(t, cfgHead+"colour = blue\nlong_description = file: NOPE.md\n[options]\ninstall_requires = a;python_version<'3'\nzip_safe = 0\ntests_require = pytest\nzip-safe = 1\nunknown_opt = 1\n", "x", "")
	if err == nil {
		t.Fatalf("want the marker line to fail, got %+v", p)
	}
	p, err = cfgProject(t, cfgHead+"colour = blue\nlong_description = file: NOPE.md\n[options]\ntests_require = pytest\ninstal_requires = x\n")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range p.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"setup.cfg:4: [metadata] colour: unknown key, ignored",
		"setup.cfg:5: [metadata] long_description: file NOPE.md cannot be found; skipped",
		"setup.cfg:7: [options] tests_require: ignored (deprecated; use an extra or a dependency group)",
		`setup.cfg:8: [options] instal_requires: unknown option, ignored (did you mean "install_requires"?)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
