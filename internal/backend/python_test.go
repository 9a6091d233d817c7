package backend

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/coremeta"
)

// pythonFor returns an interpreter for the tests that run Python, or
// skips: FERRY_TEST_PYTHON, else python3 on PATH, resolved to the real
// executable (pyenv's shims cost a shell start per call).
func pythonFor(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs Python; skipped with -short")
	}
	py := os.Getenv("FERRY_TEST_PYTHON")
	if py == "" {
		var err error
		if py, err = exec.LookPath("python3"); err != nil {
			t.Skip("needs python3 on PATH (or FERRY_TEST_PYTHON)")
		}
	}
	out, err := exec.Command(py, "-c", "import sys, venv, pip; print(sys.executable)").Output()
	if err != nil {
		t.Skipf("%s cannot make virtual environments or has no pip", py)
	}
	return strings.TrimSpace(string(out))
}

// testVenv is one virtual environment (without pip: the interpreter's
// own pip installs into it with --python) shared by the tests of a run.
type testVenv struct {
	once sync.Once
	dir  string
	err  error
}

// sharedVenv is removed by TestMain.
var sharedVenv testVenv

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedVenv.dir != "" {
		os.RemoveAll(sharedVenv.dir)
	}
	os.Exit(code)
}

func (v *testVenv) get(t *testing.T, py string) string {
	t.Helper()
	v.once.Do(func() {
		dir, err := os.MkdirTemp("", "ferry-backend-venv-")
		if err != nil {
			v.err = err
			return
		}
		v.dir = dir
		out, err := exec.Command(py, "-m", "venv", "--without-pip", dir).CombinedOutput()
		if err != nil {
			v.err = &cmdError{"python -m venv", out, err}
		}
	})
	if v.err != nil {
		t.Fatal(v.err)
	}
	return v.dir
}

// pipInstall installs wheels into venv with py's pip.
func pipInstall(t *testing.T, py, venv string, wheels ...string) {
	t.Helper()
	args := append([]string{"-m", "pip", "--python", filepath.Join(venv, "bin", "python"), "install", "-q", "--no-index", "--no-deps", "--force-reinstall"}, wheels...)
	run(t, venv, venvEnv(venv), py, args...)
}

type cmdError struct {
	what string
	out  []byte
	err  error
}

func (e *cmdError) Error() string { return e.what + ": " + e.err.Error() + "\n" + string(e.out) }

func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func venvEnv(venv string) []string {
	return []string{
		"VIRTUAL_ENV=" + venv,
		"PATH=" + filepath.Join(venv, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		"PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_INDEX=1", "PIP_CONFIG_FILE=/dev/null", "PYTHONDONTWRITEBYTECODE=1",
	}
}

// TestInstallWithPip installs every fixture's wheel with pip into a fresh
// virtual environment and runs the fixture's check/run.sh there (imports,
// console scripts, scripts, data files), comparing its output with
// want/run.out.
func TestInstallWithPip(t *testing.T) {
	py := pythonFor(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	venv := sharedVenv.get(t, py)
	env := venvEnv(venv)
	out := t.TempDir()
	var wheels []string
	fixtures := map[string]*fixture{}
	for _, name := range fixtureNames(t) {
		f := loadFixture(t, name)
		fixtures[name] = f
		arts, err := Build(context.Background(), nativeOpener(testOptions()), Request{Dir: f.extract(t, ""), OutDir: out, Mode: SdistThenWheel})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wheels = append(wheels, arts[1].Path)
	}
	pipInstall(t, py, venv, wheels...)
	for _, name := range fixtureNames(t) {
		f := fixtures[name]
		script, ok := f.section("check/run.sh")
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			got := run(t, t.TempDir(), env, "bash", "-e", "-c", script)
			f.check(t, "run.out", got)
			f.save(t)
		})
	}
}

// setuptoolsPython returns an interpreter whose setuptools can build
// wheels with PEP 639 license metadata (setuptools >= 77, which has
// bdist_wheel built in from 70.1), or skips saying why.
func setuptoolsPython(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs setuptools; skipped with -short")
	}
	py := os.Getenv("FERRY_SETUPTOOLS_PYTHON")
	if py == "" {
		var err error
		if py, err = exec.LookPath("python3"); err != nil {
			t.Skip("needs python3 on PATH or FERRY_SETUPTOOLS_PYTHON")
		}
	}
	out, err := exec.Command(py, "-c", `import setuptools; print(setuptools.__version__)`).Output()
	if err != nil {
		t.Skipf("%s has no setuptools; set FERRY_SETUPTOOLS_PYTHON to an interpreter with setuptools >= 77", py)
	}
	ver := strings.TrimSpace(string(out))
	var major int
	for _, c := range ver {
		if c < '0' || c > '9' {
			break
		}
		major = major*10 + int(c-'0')
	}
	if major < 77 {
		t.Skipf("%s has setuptools %s; the comparison needs setuptools >= 77 (PEP 639, built-in bdist_wheel): set FERRY_SETUPTOOLS_PYTHON to an interpreter that has it", py, ver)
	}
	return py
}

// TestSetuptoolsAgreement builds each fixture with setuptools (pip wheel
// --no-build-isolation) and with ferry, and compares the wheels: the
// member lists, every member's bytes except METADATA, WHEEL and RECORD,
// METADATA field by field, and WHEEL but for its Generator. The
// differences kept on purpose are listed in SETUPTOOLS_DIFFERENCES.md and
// normalized here, each with its reason.
func TestSetuptoolsAgreement(t *testing.T) {
	py := setuptoolsPython(t)
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			f := loadFixture(t, name)
			dir := f.extract(t, "")
			stOut := t.TempDir()
			run(t, dir, []string{"PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_CONFIG_FILE=/dev/null"}, py, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", stOut, ".")
			stWheels, _ := filepath.Glob(filepath.Join(stOut, "*.whl"))
			if len(stWheels) != 1 {
				t.Fatalf("setuptools built %v", stWheels)
			}
			ferryOut := t.TempDir()
			arts, err := Build(context.Background(), nativeOpener(testOptions()), Request{Dir: f.extract(t, ""), OutDir: ferryOut, Mode: SdistThenWheel})
			if err != nil {
				t.Fatal(err)
			}
			if a, b := filepath.Base(stWheels[0]), filepath.Base(arts[1].Path); a != b {
				t.Errorf("wheel name: setuptools %s, ferry %s", a, b)
			}
			stNames, stContent, _ := zipFiles(t, stWheels[0])
			feNames, feContent, _ := zipFiles(t, arts[1].Path)
			sort.Strings(stNames)
			sort.Strings(feNames)
			if diff := cmp.Diff(stNames, feNames); diff != "" {
				t.Errorf("wheel members (-setuptools +ferry):\n%s", diff)
			}
			for _, n := range feNames {
				st, ok := stContent[n]
				if !ok {
					continue
				}
				fe := feContent[n]
				switch base := filepath.Base(n); {
				case strings.HasSuffix(n, ".dist-info/RECORD"):
				case strings.HasSuffix(n, ".dist-info/METADATA"):
					compareMetadata(t, st, fe)
				case strings.HasSuffix(n, ".dist-info/WHEEL"):
					// Difference: Generator names the tool that built the wheel.
					norm := func(s string) string {
						var keep []string
						for _, l := range strings.Split(s, "\n") {
							if !strings.HasPrefix(l, "Generator:") {
								keep = append(keep, l)
							}
						}
						return strings.Join(keep, "\n")
					}
					if diff := cmp.Diff(norm(st), norm(fe)); diff != "" {
						t.Errorf("%s (-setuptools +ferry):\n%s", base, diff)
					}
				default:
					if st != fe {
						t.Errorf("%s differs:\n--- setuptools\n%s\n--- ferry\n%s", n, st, fe)
					}
				}
			}
		})
	}
}

// compareMetadata compares METADATA field by field. Kept differences
// (SETUPTOOLS_DIFFERENCES.md): Metadata-Version (setuptools always writes
// 2.4; ferry the lowest version that holds the fields used), Dynamic
// (setuptools lists license-file as dynamic even when license-files is
// static; ferry resolves everything and lists nothing), and the order of
// fields in the file (ferry writes the specification's order; values of a
// multiple-use field keep their order, which is compared).
func compareMetadata(t *testing.T, st, fe string) {
	t.Helper()
	sm, err := coremeta.Parse([]byte(st))
	if err != nil {
		t.Fatalf("setuptools METADATA: %v", err)
	}
	fm, err := coremeta.Parse([]byte(fe))
	if err != nil {
		t.Fatalf("ferry METADATA: %v", err)
	}
	for _, m := range []*coremeta.Metadata{&sm, &fm} {
		m.MetadataVersion = ""
		m.Dynamic = nil
		m.Description = strings.TrimRight(m.Description, "\n")
	}
	if diff := cmp.Diff(sm, fm); diff != "" {
		t.Errorf("METADATA (-setuptools +ferry):\n%s", diff)
	}
}
