package interp

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDeriveVenvMatchesQuery checks that describing a venv's interpreter
// from its base gives what running it gives, for every pyenv Python here
// and the python3 on PATH, with and without system site-packages.
func TestDeriveVenvMatchesQuery(t *testing.T) {
	var bases []string
	if py, err := exec.LookPath("python3"); err == nil {
		if real, err := filepath.EvalSymlinks(py); err == nil {
			bases = append(bases, real)
		}
	}
	for _, v := range []string{"3.8", "3.12", "3.13"} {
		m, _ := filepath.Glob(filepath.Join(os.Getenv("HOME"), ".pyenv", "versions", v+".*", "bin", "python"+v))
		bases = append(bases, m...)
	}
	if len(bases) == 0 {
		t.Skip("no Python interpreter on this machine")
	}
	ctx := context.Background()
	for _, exe := range bases {
		for _, system := range []bool{false, true} {
			t.Run(filepath.Base(filepath.Dir(filepath.Dir(exe)))+map[bool]string{true: "-system", false: ""}[system], func(t *testing.T) {
				cache := t.TempDir()
				base, err := Query(ctx, exe, cache)
				if err != nil {
					t.Fatal(err)
				}
				dir := filepath.Join(t.TempDir(), "env")
				args := []string{"-m", "venv", "--without-pip"}
				if system {
					args = append(args, "--system-site-packages")
				}
				if out, err := exec.Command(base.Executable, append(args, dir)...).CombinedOutput(); err != nil {
					t.Skipf("python -m venv: %v\n%s", err, out)
				}
				venvPy := filepath.Join(dir, "bin", "python")
				_, cfg := venvOf(venvPy)
				derived := deriveVenv(base, venvPy, dir, cfg)
				if derived == nil {
					t.Fatal("not derived")
				}
				queried, _, err := run(ctx, venvPy)
				if err != nil {
					t.Fatal(err)
				}
				// The venv's real path is the base's either way, and its
				// sys._base_executable names whichever link of the base's
				// bin directory getpath picked; any of them will do.
				queried.RealPath = derived.RealPath
				queried.BaseExecutable = derived.BaseExecutable
				if diff := cmp.Diff(queried, derived); diff != "" {
					t.Errorf("derived info differs from the queried one (-queried +derived):\n%s", diff)
				}
				// And Query answers from the base without running the venv's python.
				got, err := Query(ctx, venvPy, cache)
				if err != nil || got.Prefix != dir {
					t.Fatalf("Query = %+v, %v", got, err)
				}
			})
		}
	}
}
