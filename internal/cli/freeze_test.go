package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/iostreams"
	"ferry/internal/wheel"
)

func TestFreezeArgs(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		want  freezeOptions
		usage bool
	}{
		{name: "defaults"},
		{name: "everything", args: []string{"-r", "a.txt", "--requirement=b.txt", "--all", "--exclude-editable", "--exclude", "x", "-l", "-p", "3.12"},
			want: freezeOptions{inspectOptions: inspectOptions{targetOptions: targetOptions{Python: "3.12"}, Local: true}, Requirements: []string{"a.txt", "b.txt"}, All: true, ExcludeEditable: true, Exclude: []string{"x"}}},
		{name: "user", args: []string{"--user"}, want: freezeOptions{inspectOptions: inspectOptions{targetOptions: targetOptions{User: true}}}},
		{name: "paths", args: []string{"--path", "p"}, want: freezeOptions{inspectOptions: inspectOptions{Paths: []string{"p"}}}},
		{name: "prefix", args: []string{"--prefix", "pfx"}, want: freezeOptions{inspectOptions: inspectOptions{targetOptions: targetOptions{Prefix: "pfx"}}}},
		{name: "path and user", args: []string{"--path", "p", "--user"}, usage: true},
		{name: "prefix and target", args: []string{"--prefix", "p", "--target", "t"}, usage: true},
		{name: "argument", args: []string{"x"}, usage: true},
		{name: "unknown flag", args: []string{"--freeze-all"}, usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(t, freezeCmd, tc.args)
			if tc.usage {
				if !isUsageError(err) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tc.want, got, cmp.AllowUnexported(freezeOptions{}, inspectOptions{})); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFreezePrint(t *testing.T) {
	fx := newCLIFixture(t)
	os.MkdirAll(filepath.Join(fx.root, "proj"), 0o755)
	req := "# top comment\n-i https://example.com/simple\ndep>=1  # pinned\nnot-here==1\n-e ./devproj\n" +
		"--editable=git+https://x.example/y.git#egg=ED\n./url_pkg-3.0-py3-none-any.whl\n\n# top comment\npip\n\ndep\n"
	os.WriteFile(filepath.Join(fx.root, "req.txt"), []byte(req), 0o644)
	os.WriteFile(filepath.Join(fx.root, "req2.txt"), []byte("dep\nLegacy-Thing\n"), 0o644)
	edComment := "# Editable install with no version control (ed==1.0)\n-e ROOT/proj\n"
	devComment := "# Editable install with no version control (devproj==0.1)\n-e ROOT/devproj\n"
	tests := []struct {
		args     []string
		out, err string
		code     int
	}{
		{args: []string{"freeze"}, out: "Demo-Pkg==1.0\ndep==1.5\n" + devComment + edComment + "Legacy_Thing==2.0\nplat==1.0\nurl_pkg @ https://x.example/url_pkg-3.0-py3-none-any.whl#sha256=ab\n"},
		{args: []string{"freeze", "--all", "--exclude-editable", "--exclude", "Demo_Pkg", "--exclude", "plat"}, out: "dep==1.5\nLegacy_Thing==2.0\npip==23.2.1\nsetuptools==65.5.0\nurl_pkg @ https://x.example/url_pkg-3.0-py3-none-any.whl#sha256=ab\n"},
		{args: []string{"freeze", "--user"}, out: ""},
		{args: []string{"freeze", "-r", "req.txt", "--exclude", "plat"},
			out: "# top comment\n-i https://example.com/simple\ndep==1.5\n" +
				"Skipping line in requirement file [req.txt] because it's not clear what it would install: ./devproj\n" +
				"  (add #egg=PackageName to the URL to avoid this warning)\n" + edComment +
				"url_pkg @ https://x.example/url_pkg-3.0-py3-none-any.whl#sha256=ab\n\npip==23.2.1\n" +
				"## The following requirements were added by pip freeze:\nDemo-Pkg==1.0\n" + devComment + "Legacy_Thing==2.0\n",
			err: "WARNING: Requirement file [req.txt] contains not-here==1, but package 'not-here' is not installed\n" +
				"WARNING: Requirement dep included multiple times [req.txt]\n"},
		{args: []string{"freeze", "-r", "req2.txt", "-r", "req2.txt", "--exclude-editable"},
			out: "dep==1.5\nLegacy_Thing==2.0\n## The following requirements were added by pip freeze:\nDemo-Pkg==1.0\nplat==1.0\nurl_pkg @ https://x.example/url_pkg-3.0-py3-none-any.whl#sha256=ab\n",
			err: "WARNING: Requirement dep included multiple times [req2.txt]\nWARNING: Requirement Legacy-Thing included multiple times [req2.txt]\n"},
		{args: []string{"freeze", "-r", "nosuch.txt"}, err: "nosuch.txt", code: 1},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := fx.run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errOut)
			}
			if diff := cmp.Diff(tc.out, out); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if tc.code == 0 && errOut != tc.err || tc.code != 0 && !strings.Contains(errOut, tc.err) {
				t.Errorf("stderr %q, want %q", errOut, tc.err)
			}
		})
	}
}

func TestLineReqName(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "proj"), 0o755)
	os.WriteFile(filepath.Join(dir, "proj", "setup.py"), nil, 0o644)
	tests := []struct {
		line, want string
		err        bool
	}{
		{line: "Foo==1.0", want: "Foo"},
		{line: "foo[x]>=1; python_version > '3'", want: "foo"},
		{line: "foo @ https://x/foo.zip", want: "foo"},
		{line: "https://x/Foo_Bar-1.0-py3-none-any.whl", want: "Foo-Bar"},
		{line: "https://x/foo.tar.gz#egg=foo", want: "foo"},
		{line: "git+https://x/y.git#egg=y&subdirectory=z", want: "y"},
		{line: "https://x/foo.tar.gz", want: ""},
		{line: "./proj", want: ""},
		{line: "./missing-1.0-py3-none-any.whl", want: "missing"},
		{line: "./bad.whl", err: true},
		{line: "-c constraints.txt", err: true},
		{line: "foo ==", err: true},
	}
	for _, tc := range tests {
		got, err := lineReqName(dir, tc.line)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("lineReqName(%q) = %q, %v; want %q (error %v)", tc.line, got, err, tc.want, tc.err)
		}
	}
	for line, want := range map[string]string{
		"./proj":                        "",
		"git+https://x/y.git#egg=Y":     "Y",
		"file:///x/y#egg=z":             "z",
		"git+https://x/y.git":           "!",
		"requests":                      "!",
		"hg+https://x/y#egg=a&subdir=b": "a",
	} {
		got, err := editableReqName(dir, line)
		if want == "!" {
			if err == nil {
				t.Errorf("editableReqName(%q) = %q, want an error", line, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("editableReqName(%q) = %q, %v; want %q", line, got, err, want)
		}
	}
}

// buildWheel writes a wheel with the given METADATA (after Name and
// Version) and modules into dir, using the wheel writer.
func buildWheel(t *testing.T, dir, name, version, meta string, files map[string]string) string {
	t.Helper()
	info := name + "-" + version + ".dist-info"
	var buf bytes.Buffer
	w := wheel.NewWriter(&buf, wheel.WriterOptions{DistInfo: info})
	add := func(p, content string) {
		if err := w.Add(p, []byte(content), false); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for p := range files {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		add(p, files[p])
	}
	add(info+"/METADATA", "Metadata-Version: 2.1\nName: "+strings.ReplaceAll(name, "_", "-")+"\nVersion: "+version+"\n"+meta)
	add(info+"/WHEEL", "Wheel-Version: 1.0\nGenerator: ferry-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+"-"+version+"-py3-none-any.whl")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAgainstPip is the acceptance test: a virtual environment made by
// ferry from the machine's python3, seeded with the pip (and setuptools)
// wheels the interpreter ships for ensurepip and filled by ferry install
// with wheels built here, plus a legacy .egg-info distribution, direct URL
// installs (archive, VCS, directory) and editable installs (PEP 660 and
// .egg-link). ferry freeze, list, show and check must print exactly what
// the environment's own pip prints.
func TestAgainstPip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs pip")
	}
	ctx := context.Background()
	env := machineEnv(t)
	dir := t.TempDir()
	ferry := func(args ...string) (string, string, int) {
		t.Helper()
		ios, _, out, errOut := iostreams.Test()
		f := &Factory{IO: ios, Getenv: func(k string) string { return env[k] }, Environ: os.Environ, Dir: dir}
		code := Main(ctx, args, f)
		return out.String(), errOut.String(), code
	}
	if _, errOut, code := ferry("venv", "--seed", ".venv"); code != 0 {
		if strings.Contains(errOut, "no Python interpreter") || strings.Contains(errOut, "no pip wheel") {
			t.Skipf("no usable python3: %s", errOut)
		}
		t.Fatalf("ferry venv --seed: exit %d: %s", code, errOut)
	}
	python := filepath.Join(dir, ".venv", "bin", "python")
	run := func(name string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_INPUT=1", "PIP_NO_COLOR=1", "PYTHONDONTWRITEBYTECODE=1", "PIP_CONFIG_FILE=/dev/null", "VIRTUAL_ENV=")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, errOut.String())
		}
		return out.String(), code
	}
	// The seeded pip works, as a module and through its launcher.
	if _, code := run(python, "-c", "import pip"); code != 0 {
		t.Fatal("python -c 'import pip' failed")
	}
	if out, code := run(filepath.Join(dir, ".venv", "bin", "pip"), "--version"); code != 0 || !strings.HasPrefix(out, "pip ") {
		t.Fatalf("pip --version = %q, exit %d", out, code)
	}
	site, code := run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
	if code != 0 {
		t.Fatal("cannot ask the environment's purelib")
	}
	site = strings.TrimSpace(site)

	wheels := t.TempDir()
	var whls []string
	for _, w := range []struct{ name, version, meta string }{
		{"alpha", "1.0", "Summary: the first\nHome-page: https://alpha.example\nAuthor: Ann Author\nAuthor-email: ann@example.com\nLicense: MIT\nClassifier: Programming Language :: Python :: 3\nClassifier: License :: OSI Approved :: MIT License\nProject-URL: Source, https://src.example/alpha\nRequires-Dist: beta>=3\nRequires-Dist: gamma; extra == \"x\"\nRequires-Dist: never; python_version < \"3\"\nProvides-Extra: x\n"},
		{"beta", "2.0", "Summary: beta\nLicense: BSD\n        with a second line\n"},
		{"Mixed_Case", "0.5", "Requires-Dist: alpha\nRequires-Dist: Beta (>=1)\n"},
		{"vcs_dist", "0.1", ""},
		{"dir_dist", "0.2", ""},
		{"ed660", "1.0", "Requires-Dist: beta\n"},
	} {
		whls = append(whls, buildWheel(t, wheels, w.name, w.version, w.meta, map[string]string{
			strings.ToLower(w.name) + "/__init__.py": "VERSION = '" + w.version + "'\n",
		}))
	}
	if _, errOut, code := ferry(append([]string{"install", "--no-deps"}, whls...)...); code != 0 {
		t.Fatalf("ferry install: exit %d: %s", code, errOut)
	}
	write := func(p, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// beta as if from an index; vcs_dist from git; dir_dist from a
	// directory; ed660 as a PEP 660 editable install.
	os.Remove(filepath.Join(site, "beta-2.0.dist-info", "direct_url.json"))
	write(filepath.Join(site, "vcs_dist-0.1.dist-info", "direct_url.json"), `{"url": "https://git.example/vcs_dist.git", "vcs_info": {"vcs": "git", "commit_id": "0123456789abcdef", "requested_revision": "main"}}`)
	projects := filepath.Join(dir, "projects")
	write(filepath.Join(projects, "dir_dist", "pyproject.toml"), "")
	write(filepath.Join(site, "dir_dist-0.2.dist-info", "direct_url.json"), `{"url": "file://`+projects+`/dir_dist", "dir_info": {}}`)
	write(filepath.Join(projects, "ed660", "pyproject.toml"), "")
	write(filepath.Join(site, "ed660-1.0.dist-info", "direct_url.json"), `{"url": "file://`+projects+`/ed660", "dir_info": {"editable": true}}`)
	// A legacy egg-info install (setup.py install) and a develop install.
	egg := filepath.Join(site, "legacy_dist-0.3-py3.11.egg-info")
	write(filepath.Join(egg, "PKG-INFO"), "Metadata-Version: 1.1\nName: legacy-dist\nVersion: 0.3\nSummary: old style\nHome-page: UNKNOWN\nAuthor: UNKNOWN\nLicense: UNKNOWN\nDescription: UNKNOWN\nPlatform: UNKNOWN\n")
	write(filepath.Join(egg, "requires.txt"), "alpha\nmissing-dep>=1\n\n[extra]\nnot-needed\n")
	write(filepath.Join(egg, "installed-files.txt"), "../legacy_dist.py\nPKG-INFO\nrequires.txt\ninstalled-files.txt\n")
	write(filepath.Join(site, "legacy_dist.py"), "")
	write(filepath.Join(projects, "devproj", "setup.py"), "")
	write(filepath.Join(projects, "devproj", "devproj.egg-info", "PKG-INFO"), "Metadata-Version: 2.1\nName: devproj\nVersion: 0.0.1\nSummary: developed\n")
	write(filepath.Join(site, "devproj.egg-link"), filepath.Join(projects, "devproj")+"\n.")
	write(filepath.Join(site, "easy-install.pth"), filepath.Join(projects, "devproj")+"\n")
	write(filepath.Join(dir, "req.txt"), "# pinned\n-i https://example.com/simple\nbeta\nnot-installed==1\n-e ./projects/devproj\n\nMixed-Case\n# pinned\n")

	for _, args := range [][]string{
		{"freeze"}, {"freeze", "--all"}, {"freeze", "-l"}, {"freeze", "--exclude-editable"},
		{"freeze", "--exclude", "alpha", "--exclude", "Mixed-Case"}, {"freeze", "-r", "req.txt"},
		{"list"}, {"list", "--format", "freeze"}, {"list", "--format", "json"}, {"list", "-v"},
		{"list", "--format", "json", "-v"}, {"list", "-e"}, {"list", "--exclude-editable"}, {"list", "--not-required"},
		{"show", "alpha"}, {"show", "beta", "Mixed_Case", "nosuch"}, {"show", "-f", "-v", "alpha", "legacy-dist"},
		{"show", "devproj", "ed660", "pip"}, {"show", "nosuch"},
		{"check"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			want, wantCode := run(python, append([]string{"-m", "pip"}, args...)...)
			got, errOut, code := ferry(args...)
			if code != wantCode {
				t.Errorf("exit %d, pip exits %d (stderr %s)", code, wantCode, errOut)
			}
			if got != want {
				t.Errorf("ferry %s differs from pip (-pip +ferry):\n%s", strings.Join(args, " "), cmp.Diff(want, got))
			}
		})
	}
	// ferry check --json agrees.
	out, _, _ := ferry("check", "--json")
	var rep checkJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("check --json: %v\n%s", err, out)
	}
	if rep.OK || len(rep.Missing) != 1 || len(rep.Conflicts) != 1 {
		t.Errorf("check --json = %+v", rep)
	}
}
