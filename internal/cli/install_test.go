package cli

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/iostreams"
)

// parseInstall runs the install command's flag parsing alone.
func parseInstall(t *testing.T, args ...string) (*installOptions, error) {
	t.Helper()
	return parseOptions(t, "install", installCmd, args)
}

func TestInstallFlags(t *testing.T) {
	o, err := parseInstall(t, "-t", "vendor", "--compile", "--link-mode", "copy", "a.whl", "flask>=3")
	if err != nil {
		t.Fatal(err)
	}
	if o.Target != "vendor" || !o.Compile || o.LinkMode != "copy" || !cmp.Equal(o.Args, []string{"a.whl", "flask>=3"}) {
		t.Errorf("options: %+v", o)
	}
	o, err = parseInstall(t, "-p", "3.12", "--system", "--root", "/r", "--force-reinstall", "--no-deps", "-U", "-q",
		"--no-cache-dir", "-i", "https://idx/simple/", "--extra-index-url", "https://a/", "--extra-index-url", "https://b/",
		"-f", "wheels", "--pre", "--only-binary", ":all:", "--require-hashes", "-r", "req.txt", "-c", "c.txt", "-e", ".",
		"--upgrade-package", "x,y", "--resolution", "lowest-direct", "--exclude-newer", "2024-01-01", "--report", "-")
	if err != nil {
		t.Fatal(err)
	}
	if o.Python != "3.12" || !o.System || o.Root != "/r" || !o.resolve.ForceReinstall || !o.resolve.NoDeps || !o.resolve.Upgrade ||
		o.Quiet != 1 || !o.net.NoCacheDir || o.net.IndexURL != "https://idx/simple/" || !o.resolve.Pre || !o.resolve.RequireHashes ||
		o.resolve.Resolution != "lowest-direct" || o.Report != "-" {
		t.Errorf("options: %+v", o)
	}
	wantChanged := map[string][]string{
		"index-url":       {"https://idx/simple/"},
		"extra-index-url": {"https://a/", "https://b/"},
		"find-links":      {"wheels"},
		"exclude-newer":   {"2024-01-01"},
	}
	if diff := cmp.Diff(wantChanged, o.net.changed); diff != "" {
		t.Errorf("recorded index flags (-want +got):\n%s", diff)
	}
	if !cmp.Equal(o.Requirement, []string{"req.txt"}) || !cmp.Equal(o.Constraint, []string{"c.txt"}) || !cmp.Equal(o.Editable, []string{"."}) {
		t.Errorf("inputs: %+v", o.inputSources)
	}
	layer := o.net.layer("/work", nil)
	if got := layer["find-links"]; !cmp.Equal(got, []string{"/work/wheels"}) {
		t.Errorf("find-links not made absolute: %v", got)
	}

	for _, bad := range [][]string{
		nil,
		{"--user", "--prefix", "p", "a.whl"},
		{"--compile", "--no-compile", "a.whl"},
		{"--link-mode", "symlink", "a.whl"},
		{"--python-version", "3.12", "a"},
	} {
		if _, err := parseInstall(t, bad...); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestUninstallFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *uninstallOptions
	cmd := uninstallCmd(&Factory{IO: ios}, func(_ context.Context, _ *Factory, o *uninstallOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-y", "--target", "v", "a", "B_c"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := uninstallOptions{targetOptions: targetOptions{Target: "v"}, Names: []string{"a", "B_c"}, Yes: true}
	if diff := cmp.Diff(want, *got, cmp.AllowUnexported(uninstallOptions{})); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

func TestArgInput(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "demo-1.0-py3-none-any.whl"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "proj"), 0o755)
	tests := []struct {
		arg     string
		name    string // requirement name, "" for a path input
		path    string
		extras  int
		wantErr bool
	}{
		{"requests", "requests", "", 0, false},
		{"requests[socks]==2.0 ; python_version>'3'", "requests", "", 0, false},
		{"demo-1.0-py3-none-any.whl", "", "demo-1.0-py3-none-any.whl", 0, false},
		{"./proj[test,docs]", "", "proj", 2, false},
		{"https://files.example/pkg/app-2.0.tar.gz", "app", "", 0, false},
		{"app @ https://files.example/app-2.0-py3-none-any.whl", "app", "", 0, false},
		{"./missing", "", "", 0, true},
		{"https://files.example/download?id=3", "", "", 0, true},
		{"not a requirement!", "", "", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.arg, func(t *testing.T) {
			in, err := argInput(dir, tc.arg)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("accepted: %+v", in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.path != "" {
				if in.Path != filepath.Join(dir, tc.path) || len(in.Extras) != tc.extras {
					t.Errorf("path input = %+v", in)
				}
				return
			}
			if in.Req.Name != tc.name {
				t.Errorf("requirement = %+v", in.Req)
			}
		})
	}
}
