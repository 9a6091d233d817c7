package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/iostreams"
)

func TestInstallFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want installOptions
		err  bool
	}{
		{"files", []string{"a.whl", "b.whl"}, installOptions{Args: []string{"a.whl", "b.whl"}, LinkMode: "clone"}, false},
		{"target", []string{"-t", "vendor", "--compile", "--link-mode", "copy", "a.whl"},
			installOptions{targetOptions: targetOptions{Target: "vendor"}, Args: []string{"a.whl"}, Compile: true, LinkMode: "copy"}, false},
		{"pip flags", []string{"-p", "3.12", "--system", "--root", "/r", "--force-reinstall", "--no-deps", "-U", "-q", "--no-cache-dir", "a.whl"},
			installOptions{targetOptions: targetOptions{Python: "3.12", System: true, Root: "/r"}, Args: []string{"a.whl"}, ForceReinstall: true, NoDeps: true, Upgrade: true, Quiet: 1, NoCacheDir: true, LinkMode: "clone"}, false},
		{"requirements", []string{"-r", "req.txt"}, installOptions{Args: []string{}, Requirements: []string{"req.txt"}, LinkMode: "clone"}, false},
		{"nothing", nil, installOptions{}, true},
		{"exclusive", []string{"--user", "--prefix", "p", "a.whl"}, installOptions{}, true},
		{"compile both", []string{"--compile", "--no-compile", "a.whl"}, installOptions{}, true},
		{"bad link mode", []string{"--link-mode", "symlink", "a.whl"}, installOptions{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *installOptions
			cmd := installCmd(&Factory{IO: ios}, func(_ context.Context, _ *Factory, o *installOptions) error { got = o; return nil })
			cmd.SetArgs(tc.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tc.err {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, *got, cmp.AllowUnexported(installOptions{})); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
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

func TestClassifyArg(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ arg, wantErr string }{
		{"requests", "installing from an index is not available yet"},
		{"requests==2.0", "installing from an index is not available yet"},
		{"pkg-1.0.tar.gz", "building sdists is not available yet"},
		{"https://example.invalid/x.whl", "installing from a URL is not available yet"},
		{".", "installing from a project directory"},
		{"missing-1.0-py3-none-any.whl", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.arg, func(t *testing.T) {
			_, err := classifyArg(dir, tc.arg)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("classifyArg(%q) = %v, want %q", tc.arg, err, tc.wantErr)
			}
		})
	}
}
