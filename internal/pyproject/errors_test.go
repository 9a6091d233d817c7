package pyproject

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// project builds a project tree: pyproject.toml with a minimal valid
// [project] header followed by body, plus the given files.
func project(body string, kv ...string) fstest.MapFS {
	m := fstest.MapFS{"pyproject.toml": {Data: []byte(body)}, "pkg/__init__.py": {Data: []byte("")}}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = &fstest.MapFile{Data: []byte(kv[i+1])}
	}
	return m
}

const head = "[project]\nname = \"demo\"\nversion = \"1.0\"\n"

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want []string // lines the error must contain
	}{
		// Keys and types.
		{"unknown key with suggestion", project(head + "dependecies = []\n"),
			[]string{`pyproject.toml:4: [project] dependecies: unknown key (did you mean "dependencies"?)`}},
		{"setup.py spelling", project(head + "install_requires = []\n"),
			[]string{`pyproject.toml:4: [project] install_requires: unknown key (did you mean "dependencies"?)`}},
		{"underscore spelling", project(head + "requires_python = \">=3\"\n"),
			[]string{`pyproject.toml:4: [project] requires_python: unknown key (did you mean "requires-python"?)`}},
		{"wrong type", project(head + "dependencies = \"requests\"\n"),
			[]string{`pyproject.toml:4: [project] dependencies must be an array of strings, got a string`}},
		{"wrong element type", project(head + "keywords = [\n  \"a\",\n  3,\n]\n"),
			[]string{`pyproject.toml:6: [project] keywords[1] must be a string, got an integer`}},
		{"table expected", project(head + "urls = [\"x\"]\n"),
			[]string{`pyproject.toml:4: [project] urls must be a table of strings, got an array`}},
		{"invalid TOML", project("[project]\nname = \"demo\"\nversion = \n"),
			[]string{`pyproject.toml:3:`, `invalid TOML`, `the line reads "version ="`}},
		{"duplicate key TOML", project("[project]\nname = \"a\"\nname = \"b\"\n"),
			[]string{`pyproject.toml:3:`, `invalid TOML`}},
		// name and version.
		{"name missing", project("[project]\nversion = \"1\"\n"), []string{`pyproject.toml:1: [project]: name is required`}},
		{"name invalid", project("[project]\nname = \"-bad-\"\nversion = \"1\"\n"),
			[]string{`pyproject.toml:2: [project] name: "-bad-" is not a valid project name`}},
		{"version missing", project("[project]\nname = \"a\"\n"),
			[]string{`pyproject.toml:1: [project]: version is required (or list "version" in dynamic)`}},
		{"version invalid", project("[project]\nname = \"a\"\nversion = \"one\"\n"),
			[]string{`pyproject.toml:3: [project] version: "one" is not a valid version (PEP 440)`}},
		// dynamic.
		{"dynamic also static", project(head + "dynamic = [\n  \"version\",\n]\n"),
			[]string{`pyproject.toml:5: [project] dynamic: "version" is also given statically`}},
		{"name dynamic", project(head + "dynamic = [\"name\"]\n"),
			[]string{`pyproject.toml:4: [project] dynamic: "name" cannot be dynamic`}},
		{"unknown dynamic", project(head + "dynamic = [\"dependency\"]\n"),
			[]string{`pyproject.toml:4: [project] dynamic: "dependency" is not a [project] field (did you mean "dependencies"?)`}},
		{"dynamic version without source", project("[project]\nname = \"a\"\ndynamic = [\"version\"]\n"),
			[]string{`pyproject.toml:3: [project] dynamic: version is dynamic but nothing gives it`}},
		{"dynamic source not listed", project(head+"[tool.ferry.dynamic]\ndependencies = {file = \"req.txt\"}\n", "req.txt", "x\n"),
			[]string{`pyproject.toml:5: [tool.ferry] dynamic.dependencies: "dependencies" is not listed in [project] dynamic`}},
		// readme.
		{"readme missing", project(head + "readme = \"README.md\"\n"),
			[]string{`pyproject.toml:4: [project] readme: file README.md does not exist`}},
		{"readme unknown extension", project(head+"readme = \"README\"\n", "README", "x"),
			[]string{`[project] readme: cannot tell the content type of "README"`}},
		{"readme file and text", project(head + "readme = {file = \"a.md\", text = \"x\", content-type = \"text/plain\"}\n"),
			[]string{`[project] readme: give either file or text, not both`}},
		{"readme no content type", project(head + "readme = {text = \"x\"}\n"),
			[]string{`[project] readme: a readme table needs content-type`}},
		{"readme charset", project(head + "readme = {text = \"x\", content-type = \"text/plain; charset=latin-1\"}\n"),
			[]string{`[project] readme.content-type: charset "latin-1" is not supported (only UTF-8)`}},
		{"readme outside", project(head + "readme = \"../README.md\"\n"),
			[]string{`[project] readme: "../README.md" is outside the project`}},
		{"readme not utf-8", project(head+"readme = \"README.md\"\n", "README.md", "\xff\xfe"),
			[]string{`[project] readme: file README.md is not valid UTF-8`}},
		// license.
		{"license file missing", project(head + "license = {file = \"LICENSE\"}\n"),
			[]string{`pyproject.toml:4: [project] license: file LICENSE does not exist`}},
		{"license expression syntax", project(head + "license = \"MIT OR\"\n"),
			[]string{`[project] license: invalid license expression "MIT OR"`}},
		{"license table with license-files", project(head+"license = {text = \"MIT\"}\nlicense-files = [\"LICENSE\"]\n", "LICENSE", "x"),
			[]string{`[project] license-files: cannot be used with the legacy license table`}},
		{"license classifier with expression", project(head + "license = \"MIT\"\nclassifiers = [\"License :: OSI Approved :: MIT License\"]\n"),
			[]string{`[project] classifiers[0]: license classifier "License :: OSI Approved :: MIT License" cannot be combined with a license expression`}},
		{"license-files no match", project(head + "license-files = [\"LICENSE*\"]\n"),
			[]string{`pyproject.toml:4: [project] license-files: license-files pattern "LICENSE*" matches no file`}},
		{"license-files invalid glob", project(head + "license-files = [\"../LICENSE\"]\n"),
			[]string{`[project] license-files[0]: invalid license-files pattern "../LICENSE": must not contain '..'`}},
		// people, urls, entry points.
		{"bad email", project(head + "authors = [{name = \"A\", email = \"not-an-email\"}]\n"),
			[]string{`[project] authors[0].email: "not-an-email" is not an email address`}},
		{"author unknown key", project(head + "authors = [{nam = \"A\"}]\n"),
			[]string{`[project] authors[0].nam: unknown key (did you mean "name"?)`}},
		{"console_scripts in entry-points", project(head + "[project.entry-points.console_scripts]\nx = \"m:f\"\n"),
			[]string{`[project] entry-points.console_scripts: console scripts must be given in [project.scripts]`}},
		{"gui_scripts in entry-points", project(head + "[project.entry-points.gui_scripts]\nx = \"m:f\"\n"),
			[]string{`[project] entry-points.gui_scripts: GUI scripts must be given in [project.gui-scripts]`}},
		{"bad entry point", project(head + "[project.scripts]\nx = \"not a ref\"\n"),
			[]string{`[project] scripts.x: invalid object reference "not a ref"`}},
		{"script without function", project(head + "[project.scripts]\nx = \"pkg.cli\"\n"),
			[]string{`[project] scripts.x: "pkg.cli" names a module; a script needs module:function`}},
		// requirements and extras.
		{"bad requirement", project(head + "dependencies = [\n  \"ok\",\n  \"bad req !\",\n]\n"),
			[]string{`pyproject.toml:6: [project] dependencies[1]: invalid requirement "bad req !"`}},
		{"bad extra name", project(head + "[project.optional-dependencies]\n\"-x\" = []\n"),
			[]string{`pyproject.toml:5: [project] optional-dependencies.-x: "-x" is not a valid extra name`}},
		{"duplicate extra", project(head + "[project.optional-dependencies]\nDev = []\ndev = []\n"),
			[]string{`extra "dev" is the same as "Dev" after normalization`}},
		{"requires-python invalid", project(head + "requires-python = \">=3.8 foo\"\n"),
			[]string{`[project] requires-python: ">=3.8 foo" is not a valid version specifier`}},
		{"import names", project(head + "import-names = [\"a\", \"a\", \"1x\", \"b; public\"]\nimport-namespaces = [\"c\"]\n"),
			[]string{`[project] import-names[1]: "a" is listed twice`, `[project] import-names[2]: "1x" is not a valid import name`,
				`[project] import-names[3]: "b; public": only "; private" may follow an import name`}},
		{"import name in both", project(head + "import-names = [\"a\"]\nimport-namespaces = [\"a; private\"]\n"),
			[]string{`[project] import-namespaces: "a" is also listed in import-names`}},
		// dependency groups.
		{"group cycle", project(head + "[dependency-groups]\na = [{include-group = \"b\"}]\nb = [{include-group = \"a\"}]\n"),
			[]string{`[dependency-groups] a: include-group cycle: a -> b -> a`}},
		{"group unknown include", project(head + "[dependency-groups]\na = [{include-group = \"nope\"}]\n"),
			[]string{`[dependency-groups] a[0]: include-group "nope" is not a defined group`}},
		{"group bad entry", project(head + "[dependency-groups]\na = [{other = \"x\"}]\n"),
			[]string{`[dependency-groups] a[0]: a table entry must be {include-group = "name"} and nothing else`}},
		{"group duplicate", project(head + "[dependency-groups]\nTest = []\ntest = []\n"),
			[]string{`group "test" is the same as "Test" after normalization`}},
		// build-system.
		{"build-system requires", project("[build-system]\nbuild-backend = \"x\"\n" + head),
			[]string{`pyproject.toml:1: [build-system]: requires is required in a [build-system] table`}},
		{"build-backend invalid", project("[build-system]\nrequires = []\nbuild-backend = \"a b\"\n" + head),
			[]string{`[build-system] build-backend: "a b" is not an object reference`}},
		{"backend-path outside", project("[build-system]\nrequires = []\nbackend-path = [\"..\"]\n" + head),
			[]string{`[build-system] backend-path[0]: ".." is outside the project`}},
		// tool tables.
		{"tool.ferry unknown key", project(head + "[tool.ferry]\npackage_dir = {}\n"),
			[]string{`[tool.ferry] package_dir: unknown key (did you mean "package-dir"?)`}},
		{"package-dir outside", project(head + "[tool.ferry]\npackage-dir = {\"\" = \"../src\"}\n"),
			[]string{`[tool.ferry] package-dir."": "../src" is outside the project`}},
		{"package-dir absolute", project(head + "[tool.ferry]\npackage-dir = {\"\" = \"/src\"}\n"),
			[]string{`[tool.ferry] package-dir."": "/src" is an absolute path`}},
		{"package missing", project(head + "[tool.ferry]\npackages = [\"nope\"]\n"),
			[]string{`[tool.ferry] packages: package nope: directory nope does not exist`}},
		{"module missing", project(head + "[tool.ferry]\npy-modules = [\"nope\"]\n"),
			[]string{`[tool.ferry] py-modules: module nope: file nope.py does not exist`}},
		{"tool clash", project(head + "[tool.ferry]\npackages = [\"pkg\"]\n[tool.setuptools]\npackages = [\"pkg\"]\n"),
			[]string{`[tool.ferry] packages: also given as [tool.setuptools] packages`}},
		{"find where outside", project(head + "[tool.ferry.packages.find]\nwhere = [\"../x\"]\n"),
			[]string{`[tool.ferry] packages.find.where[0]: "../x" is outside the project`}},
		{"script file missing", project(head + "[tool.ferry]\nscript-files = [\"bin/x\"]\n"),
			[]string{`[tool.ferry] script-files: file bin/x does not exist`}},
		{"data file outside", project(head + "[tool.ferry]\ndata-files = {\"share\" = [\"../etc/x\"]}\n"),
			[]string{`[tool.ferry] data-files: "../etc/x" is outside the project`}},
		{"discovery refuses two packages", withFile(project(head), "other/__init__.py", ""),
			[]string{`pyproject.toml: automatic package discovery: multiple top-level packages or modules in a flat layout: packages other, pkg`}},
		{"attr computed", project("[project]\nname = \"a\"\ndynamic = [\"version\"]\n[tool.ferry.dynamic]\nversion = {attr = \"pkg.__version__\"}\n",
			"pkg/__init__.py", "__version__ = get()\n"),
			[]string{`pyproject.toml:5: [tool.ferry] dynamic.version: attr: pkg.__version__: pkg/__init__.py: line 1: __version__: value is computed, not a literal`}},
		{"attr module missing", project("[project]\nname = \"a\"\ndynamic = [\"version\"]\n[tool.ferry.dynamic]\nversion = {attr = \"nope.__version__\"}\n"),
			[]string{`attr: nope.__version__: cannot find module nope (looked for nope.py and nope/__init__.py)`}},
		// Nothing at all.
		{"no metadata", fstest.MapFS{"pyproject.toml": {Data: []byte("[build-system]\nrequires = []\n")}},
			[]string{"pyproject.toml: pyproject.toml has no [project] table and setup.cfg no [metadata] section"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.fsys)
			if err == nil {
				t.Fatalf("Load succeeded, want an error containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error is not an *Error: %T", err)
			}
		})
	}
}

func TestLoadErrorKinds(t *testing.T) {
	_, err := Load(project(head + "readme = \"README.md\"\n"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing readme: errors.Is(err, fs.ErrNotExist) = false: %v", err)
	}
	_, err = Load(project(head + "[tool.ferry]\npackage-dir = {\"\" = \"../src\"}\n"))
	if !errors.Is(err, ErrOutsideProject) {
		t.Errorf("package-dir outside: errors.Is(err, ErrOutsideProject) = false: %v", err)
	}
	_, err = Load(fstest.MapFS{"README": {}})
	if !errors.Is(err, ErrNoMetadata) {
		t.Errorf("empty project: errors.Is(err, ErrNoMetadata) = false: %v", err)
	}
	_, err = Load(project(head + "dependencies = \"x\"\nkeywords = 3\n"))
	var e *Error
	if !errors.As(err, &e) || e.File != "pyproject.toml" || e.Line != 4 || e.Key != "[project] dependencies" {
		t.Errorf("first error = %#v", e)
	}
	if strings.Count(err.Error(), "\n") != 1 {
		t.Errorf("want both errors reported:\n%v", err)
	}
}
