package pyproject

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func parseTable(t *testing.T, body string) *ProjectTable {
	t.Helper()
	pp, err := ParsePyproject([]byte(head + body))
	if err != nil {
		t.Fatal(err)
	}
	return pp.Project
}

func TestProjectFields(t *testing.T) {
	tests := []struct {
		name string
		body string
		get  func(*ProjectTable) any
		want any
	}{
		{"name kept and normalized", "", func(p *ProjectTable) any { return []string{p.Name, string(p.Normalized)} }, []string{"demo", "demo"}},
		{"version normalized", "", func(p *ProjectTable) any { return p.Version.String() }, "1.0"},
		{"description", `description = "One line"`, func(p *ProjectTable) any { return p.Description }, "One line"},
		{"description first line kept", `description = "One\nTwo"`, func(p *ProjectTable) any { return p.Description }, "One"},
		{"readme md", `readme = "docs/README.md"`, func(p *ProjectTable) any { return *p.Readme }, Readme{File: "docs/README.md", ContentType: "text/markdown"}},
		{"readme rst upper", `readme = "README.RST"`, func(p *ProjectTable) any { return *p.Readme }, Readme{File: "README.RST", ContentType: "text/x-rst"}},
		{"readme txt", `readme = "README.txt"`, func(p *ProjectTable) any { return *p.Readme }, Readme{File: "README.txt", ContentType: "text/plain"}},
		{"readme table file", `readme = {file = "R", content-type = "text/markdown; variant=CommonMark"}`, func(p *ProjectTable) any { return *p.Readme },
			Readme{File: "R", ContentType: "text/markdown; variant=CommonMark"}},
		{"readme table text", `readme = {text = "hi", content-type = "text/plain"}`, func(p *ProjectTable) any { return *p.Readme },
			Readme{Text: "hi", ContentType: "text/plain"}},
		{"requires-python", `requires-python = ">= 3.8, <4"`, func(p *ProjectTable) any { return p.RequiresPython.String() }, "<4,>=3.8"},
		{"license expression", `license = "apache-2.0 with llvm-exception or mit"`, func(p *ProjectTable) any { return *p.License },
			License{Expression: "apache-2.0 WITH llvm-exception OR mit"}},
		{"license table text", `license = {text = "Proprietary"}`, func(p *ProjectTable) any { return *p.License }, License{Text: "Proprietary"}},
		{"license table file", `license = {file = "COPYING"}`, func(p *ProjectTable) any { return *p.License }, License{File: "COPYING"}},
		{"license-files", `license-files = ["LICENSE", "licenses/**/*.txt"]`, func(p *ProjectTable) any { return p.LicenseFiles },
			[]string{"LICENSE", "licenses/**/*.txt"}},
		{"license-files empty", `license-files = []`, func(p *ProjectTable) any { return []any{p.HasLicenseFiles, len(p.LicenseFiles)} }, []any{true, 0}},
		{"authors", `authors = [{name = "A"}, {email = "b@x.org"}, {name = "C D", email = "c@x.org"}]`,
			func(p *ProjectTable) any { return p.Authors }, []Person{{Name: "A"}, {Email: "b@x.org"}, {Name: "C D", Email: "c@x.org"}}},
		{"maintainers", `maintainers = [{name = "M"}]`, func(p *ProjectTable) any { return p.Maintainers }, []Person{{Name: "M"}}},
		{"keywords", `keywords = ["a", "b"]`, func(p *ProjectTable) any { return p.Keywords }, []string{"a", "b"}},
		{"classifiers", `classifiers = ["Framework :: Django"]`, func(p *ProjectTable) any { return p.Classifiers }, []string{"Framework :: Django"}},
		{"urls in file order", "[project.urls]\nzz = \"https://z\"\naa = \"https://a\"\n\"Change Log\" = \"https://c\"",
			func(p *ProjectTable) any { return p.URLs },
			[]ProjectURL{{"zz", "https://z"}, {"aa", "https://a"}, {"Change Log", "https://c"}}},
		{"scripts", "[project.scripts]\nb = \"pkg.cli:main\"\na = \"pkg:run.go\"",
			func(p *ProjectTable) any { return p.Scripts },
			[]EntryPoint{{Name: "b", Value: "pkg.cli:main", Module: "pkg.cli", Object: "main"}, {Name: "a", Value: "pkg:run.go", Module: "pkg", Object: "run.go"}}},
		{"gui-scripts", "[project.gui-scripts]\ng = \"pkg.gui : start\"",
			func(p *ProjectTable) any { return p.GUIScripts }, []EntryPoint{{Name: "g", Value: "pkg.gui:start", Module: "pkg.gui", Object: "start"}}},
		{"entry-points", "[project.entry-points.\"pytest11\"]\nplug = \"pkg.plugin\"\n[project.entry-points.\"flake8.extension\"]\nX1 = \"pkg.lint:Checker [fast, extra]\"",
			func(p *ProjectTable) any { return p.EntryPoints },
			[]EntryPointGroup{
				{Group: "pytest11", Entries: []EntryPoint{{Name: "plug", Value: "pkg.plugin", Module: "pkg.plugin"}}},
				{Group: "flake8.extension", Entries: []EntryPoint{{Name: "X1", Value: "pkg.lint:Checker [fast,extra]", Module: "pkg.lint", Object: "Checker", Extras: []string{"fast", "extra"}}}},
			}},
		{"dependencies", `dependencies = ["a>=1", "b[x] @ https://example.com/b.zip ; os_name == 'nt'"]`,
			func(p *ProjectTable) any { return reqStrings(p.Dependencies) },
			[]string{"a>=1", `b[x] @ https://example.com/b.zip ; os_name == "nt"`}},
		{"optional-dependencies", "[project.optional-dependencies]\nDev_Tools = [\"x\"]\nempty = []",
			func(p *ProjectTable) any {
				var out []string
				for _, e := range p.OptionalDependencies {
					out = append(out, e.Name+"="+string(e.Normalized)+":"+strings.Join(reqStrings(e.Requirements), ","))
				}
				return out
			}, []string{"Dev_Tools=dev-tools:x", "empty=empty:"}},
		{"dynamic", `dynamic = ["classifiers", "scripts"]`, func(p *ProjectTable) any { return p.Dynamic }, []string{"classifiers", "scripts"}},
		{"import names", `import-names = ["a", "a.b ;  private"]`, func(p *ProjectTable) any { return p.ImportNames }, []string{"a", "a.b; private"}},
		{"has", `keywords = []`, func(p *ProjectTable) any { return []bool{p.Has("keywords"), p.Has("classifiers")} }, []bool{true, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := parseTable(t, tc.body)
			if diff := cmp.Diff(tc.want, tc.get(p), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestJoinPeople(t *testing.T) {
	tests := []struct {
		people        []Person
		names, emails string
	}{
		{[]Person{{Name: "A"}}, "A", ""},
		{[]Person{{Email: "a@x"}}, "", "a@x"},
		{[]Person{{Name: "A B", Email: "a@x"}}, "", "A B <a@x>"},
		{[]Person{{Name: "C. Schultz", Email: "c@x"}}, "", `"C. Schultz" <c@x>`},
		{[]Person{{Name: `Doe, "J"`, Email: "j@x"}}, "", `"Doe, \"J\"" <j@x>`},
		{[]Person{{Name: "A"}, {Name: "B"}, {Email: "c@x"}, {Name: "D", Email: "d@x"}}, "A, B", "c@x, D <d@x>"},
	}
	for _, tc := range tests {
		n, e := joinPeople(tc.people)
		if n != tc.names || e != tc.emails {
			t.Errorf("joinPeople(%v) = %q, %q; want %q, %q", tc.people, n, e, tc.names, tc.emails)
		}
	}
}

func TestNormalizeLicenseExpression(t *testing.T) {
	good := map[string]string{
		"MIT":                                    "MIT",
		"mit or apache-2.0":                      "mit OR apache-2.0",
		"(MIT OR Apache-2.0)  AND  BSD-2-Clause": "(MIT OR Apache-2.0) AND BSD-2-Clause",
		"GPL-3.0-or-later WITH Classpath-exception-2.0": "GPL-3.0-or-later WITH Classpath-exception-2.0",
		"licenseref-my-license":                         "LicenseRef-my-license",
		"GPL-2.0+":                                      "GPL-2.0+",
		"( MIT )":                                       "(MIT)",
		"Apache-2.0 with additionref-x":                 "Apache-2.0 WITH AdditionRef-x",
	}
	for in, want := range good {
		got, err := NormalizeLicenseExpression(in)
		if err != nil || got != want {
			t.Errorf("NormalizeLicenseExpression(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MIT OR", "AND MIT", "(MIT", "MIT)", "MIT Apache-2.0", "MIT WITH", "MIT/Apache", "LicenseRef-", "MIT WITH (x)", "a@b"} {
		if got, err := NormalizeLicenseExpression(bad); err == nil {
			t.Errorf("NormalizeLicenseExpression(%q) = %q, want an error", bad, got)
		}
	}
}

func TestParseEntryPoint(t *testing.T) {
	good := map[[2]string]string{
		{"x", "a.b:c"}:                "a.b:c",
		{"x", " a.b : c.d "}:          "a.b:c.d",
		{"x", "a"}:                    "a",
		{"my script", "a:b [e1, e2]"}: "a:b [e1,e2]",
		{"x-y.z", "a:b"}:              "x",
	}
	for in := range good {
		if _, err := ParseEntryPoint(in[0], in[1]); err != nil {
			t.Errorf("ParseEntryPoint(%q, %q): %v", in[0], in[1], err)
		}
	}
	for _, bad := range [][2]string{{"", "a:b"}, {"a=b", "a:b"}, {" a", "a:b"}, {"a ", "a:b"}, {"[a", "a:b"}, {"x", ""}, {"x", "a:"}, {"x", "a b"}, {"x", "a:b [e"}, {"x", ":b"}, {"x", "a..b"}} {
		if ep, err := ParseEntryPoint(bad[0], bad[1]); err == nil {
			t.Errorf("ParseEntryPoint(%q, %q) = %+v, want an error", bad[0], bad[1], ep)
		}
	}
}

func TestReadBuildSystem(t *testing.T) {
	bs, err := ReadBuildSystem([]byte("[project]\nnot = \"validated\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if bs.Declared || bs.Backend != "setuptools.build_meta:__legacy__" || reqStrings(bs.Requires)[0] != "setuptools>=40.8.0" {
		t.Errorf("default build system = %+v", bs)
	}
	bs, err = ReadBuildSystem([]byte("[build-system]\nrequires = [\"flit_core >=3.2,<4\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !bs.Declared || bs.Backend != "setuptools.build_meta:__legacy__" || reqStrings(bs.Requires)[0] != "flit_core<4,>=3.2" {
		t.Errorf("build system without backend = %+v", bs)
	}
	bs, err = ReadBuildSystem([]byte("[build-system]\nrequires = []\nbuild-backend = \"backend:obj\"\nbackend-path = [\"./tools/\"]\nextra = 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if bs.Backend != "backend:obj" || len(bs.BackendPath) != 1 || bs.BackendPath[0] != "tools" {
		t.Errorf("build system = %+v", bs)
	}
	if _, err := ReadBuildSystem([]byte("[build-system]\nrequires = \"x\"\n")); err == nil {
		t.Error("requires as a string: want an error")
	}
}

func TestDependencyGroups(t *testing.T) {
	pp, err := ParsePyproject([]byte(`
[dependency-groups]
all = [{include-group = "Test"}, {include-group = "docs"}, "extra-tool"]
test = ["pytest>=8", {include-group = "coverage"}]
docs = ["sphinx"]
Coverage = ["coverage[toml]"]
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range pp.DependencyGroups {
		var inc []string
		for _, i := range g.Includes {
			inc = append(inc, string(i))
		}
		got = append(got, g.Name+"("+string(g.Normalized)+") "+strings.Join(reqStrings(g.Requirements), ", ")+" <"+strings.Join(inc, ",")+">")
	}
	want := []string{
		"all(all) pytest>=8, coverage[toml], sphinx, extra-tool <test,docs>",
		"test(test) pytest>=8, coverage[toml] <coverage>",
		"docs(docs) sphinx <>",
		"Coverage(coverage) coverage[toml] <>",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if pp.Project != nil {
		t.Error("no [project] table, but Project is set")
	}

}

func TestSuggest(t *testing.T) {
	known := ProjectFields()
	tests := map[string]string{
		"dependecies":           "dependencies",
		"optional_dependencies": "optional-dependencies",
		"Version":               "version",
		"licence":               "license",
		"gui_scripts":           "gui-scripts",
		"zzz":                   "",
		"entrypoints":           "entry-points",
	}
	for in, want := range tests {
		if got := suggest(in, known); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWarnings(t *testing.T) {
	pp, err := ParsePyproject([]byte(head + "keywords = [\"a,b\"]\n[project.urls]\n\"a label that is longer than thirty-two\" = \"https://x\"\n[tools]\nx = 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range pp.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		`pyproject.toml:4: [project] keywords[0]: keyword "a,b" contains a comma; core metadata separates keywords with commas`,
		`pyproject.toml:6: [project] urls."a label that is longer than thirty-two": label "a label that is longer than thirty-two" is longer than 32 characters (core metadata limit)`,
		`pyproject.toml:7: [tools]: unknown top-level table [tools] (reserved by the specification; tool settings belong under [tool]); did you mean "tool"?`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
