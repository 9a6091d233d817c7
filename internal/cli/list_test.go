package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/cobra"

	"ferry/internal/install"
	"ferry/internal/interp"
	"ferry/internal/iostreams"
	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/tags"
)

// parseArgs runs the command built by build on args with a run function
// that records the options; it returns them, or the usage error.
func parseArgs[O any](t *testing.T, build func(*Factory, func(context.Context, *Factory, *O) error) *cobra.Command, args []string) (*O, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	f := &Factory{IO: ios, Getenv: func(string) string { return "" }, Dir: t.TempDir()}
	var got *O
	cmd := build(f, func(_ context.Context, _ *Factory, o *O) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{Err: err} })
	_, err := cmd.ExecuteC()
	return got, err
}

func isUsageError(err error) bool {
	var fe *FlagError
	return err != nil && (errors.As(err, &fe) || isCobraUsageError(err))
}

func TestListArgs(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		want  listOptions
		usage bool
	}{
		{name: "defaults", want: listOptions{Format: "columns", IncludeEditable: true}},
		{name: "everything", args: []string{"-p", ".venv", "--format", "json", "-e", "--not-required", "--exclude", "a", "--exclude", "B", "-v", "-l"},
			want: listOptions{inspectOptions: inspectOptions{targetOptions: targetOptions{Python: ".venv"}, Local: true}, Format: "json", Editable: true, IncludeEditable: true, NotRequired: true, Exclude: []string{"a", "B"}, Verbose: 1}},
		{name: "exclude-editable", args: []string{"--exclude-editable"}, want: listOptions{Format: "columns"}},
		{name: "last editable flag wins", args: []string{"--exclude-editable", "--include-editable"}, want: listOptions{Format: "columns", IncludeEditable: true}},
		{name: "last editable flag wins (2)", args: []string{"--include-editable", "--exclude-editable"}, want: listOptions{Format: "columns"}},
		{name: "paths", args: []string{"--path", "a", "--path=b", "--format=freeze"}, want: listOptions{inspectOptions: inspectOptions{Paths: []string{"a", "b"}}, Format: "freeze", IncludeEditable: true}},
		{name: "outdated", args: []string{"-o", "--pre"}, want: listOptions{Format: "columns", IncludeEditable: true, Outdated: true, Pre: true}},
		{name: "target", args: []string{"--target", "vendor", "--system"}, want: listOptions{inspectOptions: inspectOptions{targetOptions: targetOptions{Target: "vendor", System: true}}, Format: "columns", IncludeEditable: true}},
		{name: "bad format", args: []string{"--format", "xml"}, usage: true},
		{name: "outdated and uptodate", args: []string{"-o", "-u"}, usage: true},
		{name: "outdated freeze", args: []string{"-o", "--format", "freeze"}, usage: true},
		{name: "path and user", args: []string{"--path", "a", "--user"}, usage: true},
		{name: "path and local", args: []string{"--path", "a", "-l"}, usage: true},
		{name: "path and target", args: []string{"--path", "a", "--target", "b"}, usage: true},
		{name: "target and user", args: []string{"--target", "a", "--user"}, usage: true},
		{name: "argument", args: []string{"x"}, usage: true},
		{name: "editable with value", args: []string{"--exclude-editable=false"}, usage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(t, listCmd, tc.args)
			if tc.usage {
				if !isUsageError(err) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tc.want, got, cmp.AllowUnexported(listOptions{}, inspectOptions{}), cmpopts.IgnoreFields(listOptions{}, "net")); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// cliFixture is an environment with one distribution of each kind,
// read as ferry reads a Python 3.11 virtual environment at root.
type cliFixture struct {
	root, site string
	in         *inspected
}

func newCLIFixture(t *testing.T) *cliFixture {
	t.Helper()
	root := t.TempDir()
	site := filepath.Join(root, "lib", "python3.11", "site-packages")
	write := func(rel, content string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sp := "lib/python3.11/site-packages/"
	distInfo := func(dir, meta, directURL string) {
		write(sp+dir+"/METADATA", meta)
		write(sp+dir+"/RECORD", dir+"/METADATA,,\n"+dir+"/RECORD,,\n")
		write(sp+dir+"/INSTALLER", "pip\n")
		if directURL != "" {
			write(sp+dir+"/direct_url.json", directURL)
		}
	}
	distInfo("pip-23.2.1.dist-info", "Metadata-Version: 2.1\nName: pip\nVersion: 23.2.1\n", "")
	distInfo("setuptools-65.5.0.dist-info", "Metadata-Version: 2.1\nName: setuptools\nVersion: 65.5.0\n", "")
	distInfo("Demo_Pkg-1.0.dist-info", "Metadata-Version: 2.1\nName: Demo-Pkg\nVersion: 1.0\nSummary: the demo\nHome-page: https://demo.example\nAuthor: Ann\nAuthor-email: ann@example.com\nLicense: MIT\n  second line\nClassifier: Topic :: A\nRequires-Dist: dep>=2\nRequires-Dist: Missing_One; python_version >= \"3\"\nRequires-Dist: win; sys_platform == \"win32\"\nRequires-Dist: opt; extra == \"x\"\nProject-URL: Source, https://src.example\n", "")
	write(sp+"Demo_Pkg-1.0.dist-info/entry_points.txt", "[console_scripts]\ndemo = demo:main\n")
	distInfo("dep-1.5.dist-info", "Metadata-Version: 2.1\nName: dep\nVersion: 1.5\nSummary: a dependency\n", "")
	distInfo("url_pkg-3.0.dist-info", "Metadata-Version: 2.1\nName: url_pkg\nVersion: 3.0\nRequires-Dist: dep\n", `{"url": "https://x.example/url_pkg-3.0-py3-none-any.whl", "archive_info": {"hash": "sha256=ab"}}`)
	distInfo("ed-1.0.dist-info", "Metadata-Version: 2.1\nName: ed\nVersion: 1.0\n", `{"url": "file://`+filepath.ToSlash(root)+`/proj", "dir_info": {"editable": true}}`)
	write(sp+"Legacy_Thing-2.0-py3.11.egg-info/PKG-INFO", "Metadata-Version: 1.1\nName: Legacy_Thing\nVersion: 2.0\nSummary: old\n")
	write(sp+"Legacy_Thing-2.0-py3.11.egg-info/installed-files.txt", "../legacy.py\nPKG-INFO\n")
	write(sp+"legacy.py", "")
	write(sp+"plat-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: plat\nVersion: 1.0\n")
	write(sp+"plat-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nTag: cp311-cp311-win_amd64\n")
	write("devproj/devproj.egg-info/PKG-INFO", "Metadata-Version: 2.1\nName: devproj\nVersion: 0.1\n")
	write(sp+"devproj.egg-link", filepath.Join(root, "devproj")+"\n.")
	write(sp+"easy-install.pth", filepath.Join(root, "devproj")+"\n")

	info := &interp.Info{
		Executable: filepath.Join(root, "bin", "python"),
		Prefix:     root,
		IsVenv:     true,
		Version:    interp.Version{Major: 3, Minor: 11, Micro: 7, ReleaseLevel: "final"},
		Markers: map[string]string{
			"implementation_name": "cpython", "implementation_version": "3.11.7", "os_name": "posix",
			"platform_machine": "x86_64", "platform_python_implementation": "CPython", "platform_release": "6.0",
			"platform_system": "Linux", "platform_version": "#1", "python_full_version": "3.11.7",
			"python_version": "3.11", "sys_platform": "linux",
		},
	}
	markers, err := pep508.EnvFromMap(info.Markers)
	if err != nil {
		t.Fatal(err)
	}
	env, err := install.ScanEnvironment([]string{site}, install.ScanOptions{EggLinkPath: []string{site}, Importlib: true})
	if err != nil {
		t.Fatal(err)
	}
	return &cliFixture{root: root, site: site, in: &inspected{
		info: info, env: env, markers: markers,
		userSite: filepath.Join(root, "no-user-site"), prefix: realPath(root),
		tags: []tags.Tag{tags.NewTag("cp311", "cp311", "linux_x86_64"), tags.NewTag("py3", "none", "any")},
	}}
}

// run runs one of the inspection commands on the fixture; it returns
// stdout, stderr and the exit code Main would give.
func (fx *cliFixture) run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := &Factory{IO: ios, Getenv: func(string) string { return "" }, Environ: os.Environ, Dir: fx.root}
	var cmd *cobra.Command
	switch args[0] {
	case "list":
		cmd = listCmd(f, func(ctx context.Context, f *Factory, o *listOptions) error { return listPrint(ctx, f, fx.in, o) })
	case "freeze":
		cmd = freezeCmd(f, func(ctx context.Context, f *Factory, o *freezeOptions) error { return freezePrint(ctx, f, fx.in, o) })
	case "show":
		cmd = showCmd(f, func(_ context.Context, f *Factory, o *showOptions) error { return showPrint(f, fx.in, o) })
	case "check":
		cmd = checkCmd(f, func(_ context.Context, f *Factory, o *checkOptions) error { return checkPrint(f, fx.in, o) })
	}
	cmd.SetArgs(args[1:])
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	code := ExitOK
	var ee *ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.Code
		if ee.Err != nil {
			errOut.WriteString("error: " + ee.Err.Error() + "\n")
		}
	case errors.Is(err, errSilent):
		code = ExitFailure
	case isUsageError(err):
		code = ExitUsage
	default:
		code = ExitFailure
		errOut.WriteString("error: " + err.Error() + "\n")
	}
	return strings.ReplaceAll(out.String(), fx.root, "ROOT"), strings.ReplaceAll(errOut.String(), fx.root, "ROOT"), code
}

type fakeLatest map[pkgname.Name]string

func (l fakeLatest) Latest(_ context.Context, name pkgname.Name, pre bool) (pep440.Version, string, bool, error) {
	v, ok := l[name]
	if !ok {
		return pep440.Version{}, "", false, nil
	}
	return pep440.MustParse(v), "wheel", true, nil
}

func TestListPrint(t *testing.T) {
	fx := newCLIFixture(t)
	site := "ROOT/lib/python3.11/site-packages"
	tests := []struct {
		args []string
		out  string
		code int
	}{
		{[]string{"list"}, `Package      Version Editable project location
------------ ------- ` + strings.Repeat("-", max(25, len(fx.root+"/devproj"))) + `
Demo-Pkg     1.0
dep          1.5
devproj      0.1     ROOT/devproj
ed           1.0     ROOT/proj
Legacy_Thing 2.0
pip          23.2.1
plat         1.0
setuptools   65.5.0
url_pkg      3.0
`, 0},
		{[]string{"list", "--exclude-editable", "--exclude", "PIP", "--exclude", "Setup_Tools", "--exclude", "setuptools", "-v"}, strings.ReplaceAll(`Package      Version Location`+strings.Repeat(" ", len(fx.site)-len("Location"))+` Installer
------------ ------- `+strings.Repeat("-", len(fx.site))+` ---------
Demo-Pkg     1.0     SITE pip
dep          1.5     SITE pip
Legacy_Thing 2.0     SITE
plat         1.0     SITE
url_pkg      3.0     SITE pip
`, "SITE", site), 0},
		{[]string{"list", "-e", "--format", "freeze"}, "devproj==0.1\ned==1.0\n", 0},
		{[]string{"list", "--not-required", "--format", "freeze", "--exclude-editable"}, "Demo-Pkg==1.0\nLegacy_Thing==2.0\npip==23.2.1\nplat==1.0\nsetuptools==65.5.0\nurl_pkg==3.0\n", 0},
		{[]string{"list", "--format", "json", "-e"}, `[{"name": "devproj", "version": "0.1", "editable_project_location": "ROOT/devproj"}, {"name": "ed", "version": "1.0", "editable_project_location": "ROOT/proj"}]` + "\n", 0},
		{[]string{"list", "--format", "json", "--exclude-editable", "--exclude", "pip", "--exclude", "setuptools", "--exclude", "plat", "--exclude", "demo-pkg", "--exclude", "legacy-thing"}, `[{"name": "dep", "version": "1.5"}, {"name": "url_pkg", "version": "3.0"}]` + "\n", 0},
		{[]string{"list", "--format", "json", "--exclude", "Demo-Pkg", "-e", "--exclude-editable"}, "[]\n", 0},
		{[]string{"list", "-e", "--exclude-editable"}, "", 0},
		{[]string{"list", "-o"}, "", 1},
		{[]string{"list", "-u", "--format", "json"}, "", 1},
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
			// The fixture's interpreter description has no tag facts, so
			// --outdated cannot describe a target; install_index.txtar
			// tests --outdated against a real index.
			if code == 1 && !strings.Contains(errOut, "error:") {
				t.Errorf("stderr %q", errOut)
			}
		})
	}
}

// TestListOutdatedSeam checks --outdated and --uptodate through the
// LatestFinder seam with a fake index.
func TestListOutdatedSeam(t *testing.T) {
	fx := newCLIFixture(t)
	latest := fakeLatest{"dep": "2.0", "pip": "23.2.1", "url-pkg": "2.9"}
	ios, _, out, _ := iostreams.Test()
	f := &Factory{IO: ios, Getenv: func(string) string { return "" }, Dir: fx.root}
	opts := &listOptions{Format: "columns", IncludeEditable: true, Outdated: true, Latest: latest}
	if err := listPrint(context.Background(), f, fx.in, opts); err != nil {
		t.Fatal(err)
	}
	want := "Package Version Latest Type\n------- ------- ------ -----\ndep     1.5     2.0    wheel\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("--outdated (-want +got):\n%s", diff)
	}
	out.Reset()
	opts = &listOptions{Format: "json", IncludeEditable: true, Uptodate: true, Latest: latest}
	if err := listPrint(context.Background(), f, fx.in, opts); err != nil {
		t.Fatal(err)
	}
	want = `[{"name": "pip", "version": "23.2.1", "latest_version": "23.2.1", "latest_filetype": "wheel"}]` + "\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("--uptodate (-want +got):\n%s", diff)
	}
}

func TestPyJSONString(t *testing.T) {
	for in, want := range map[string]string{
		"a":          `"a"`,
		`q"b\`:       `"q\"b\\"`,
		"\n\t\r\b\f": `"\n\t\r\b\f"`,
		"\x01\x7f":   `"\u0001\u007f"`,
		"é€":         `"\u00e9\u20ac"`,
		"😀":          `"\ud83d\ude00"`,
		"</>":        `"</>"`,
	} {
		if got := pyJSONString(in); got != want {
			t.Errorf("pyJSONString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestWriteColumns(t *testing.T) {
	var b strings.Builder
	writeColumns(&b, [][]string{{"Package", "Version", "X"}, {"née", "1", ""}, {"a-long-name", "10.0.0", "y"}})
	want := "Package     Version X\n----------- ------- -\nnée         1\na-long-name 10.0.0  y\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}
