package install

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"ferry/internal/cache"
	"ferry/internal/fsx"
)

// The test binary doubles as a ferry process that is killed in the middle
// of a transaction: INSTALL_TEST_HELPER=kill runs the scenario described
// by INSTALL_TEST_SCENARIO (JSON) and SIGKILLs itself before step
// INSTALL_TEST_STEP.
func TestMain(m *testing.M) {
	if os.Getenv("INSTALL_TEST_HELPER") == "kill" {
		var sc killScenario
		if err := json.Unmarshal([]byte(os.Getenv("INSTALL_TEST_SCENARIO")), &sc); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		step, _ := strconv.Atoi(os.Getenv("INSTALL_TEST_STEP"))
		err := sc.run(func(n int) error {
			if n == step {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0) // the step was never reached
	}
	os.Exit(m.Run())
}

// killScenario is a transaction a helper process performs.
type killScenario struct {
	Env     string   `json:"env"`
	Cache   string   `json:"cache"`
	Install []string `json:"install"` // wheel files
	Remove  []string `json:"remove"`  // project names
	Compile bool     `json:"compile"`
	Python  string   `json:"python"`
}

func (sc killScenario) layout() Layout {
	l := fakeLayout(sc.Env)
	if sc.Python != "" {
		l.Python = sc.Python
	}
	return l
}

func (sc killScenario) run(failAt func(int) error) error {
	ctx := context.Background()
	c, err := cache.Open(sc.Cache)
	if err != nil {
		return err
	}
	us, err := UnpackAll(ctx, c, sc.Install, UnpackOptions{})
	if err != nil {
		return err
	}
	e, err := OpenEnv(ctx, sc.layout())
	if err != nil {
		return err
	}
	defer e.Close()
	txn := Txn{Install: items(us)}
	for _, n := range sc.Remove {
		for _, d := range e.Inventory().All() {
			if string(d.Name) == n {
				txn.Remove = append(txn.Remove, d)
			}
		}
	}
	_, err = e.Apply(ctx, txn, Options{LinkMode: fsx.LinkHardlink, Compile: sc.Compile, failAt: failAt})
	return err
}

// faultCase is a transaction to break at every step.
type faultCase struct {
	name string
	// setup installs the starting state into env.
	setup killScenario
	txn   killScenario
}

func faultCases(t *testing.T, wheels string) []faultCase {
	v1 := writeWheel(t, wheels, demoSpec("1.0"))
	v2 := writeWheel(t, wheels, demoSpec("2.0"))
	plat := writeWheel(t, wheels, platSpec())
	cases := []faultCase{
		{name: "fresh install", setup: killScenario{Install: []string{plat}}, txn: killScenario{Install: []string{v1}}},
		{name: "upgrade", setup: killScenario{Install: []string{v1, plat}}, txn: killScenario{Install: []string{v2}}},
		{name: "uninstall", setup: killScenario{Install: []string{v1, plat}}, txn: killScenario{Remove: []string{"demo-pkg", "plat-mod"}}},
	}
	if py := realPython(); py != "" {
		cases = append(cases,
			faultCase{name: "upgrade with bytecode", setup: killScenario{Install: []string{v1}, Compile: true, Python: py},
				txn: killScenario{Install: []string{v2}, Compile: true, Python: py}})
	}
	return cases
}

// prepare makes a fresh environment in its own directory with the case's
// starting state and returns the scenario bound to it.
func (fc faultCase) prepare(t *testing.T, dir, cacheDir string) killScenario {
	t.Helper()
	setup := fc.setup
	setup.Env, setup.Cache = dir, cacheDir
	if err := setup.run(nil); err != nil {
		t.Fatal(err)
	}
	sc := fc.txn
	sc.Env, sc.Cache = dir, cacheDir
	return sc
}

// countSteps runs the transaction once and returns its number of steps,
// the step at which it commits, and the resulting tree.
func countSteps(t *testing.T, fc faultCase, root, cacheDir string) (steps int, after map[string]string) {
	t.Helper()
	sc := fc.prepare(t, filepath.Join(root, "count"), cacheDir)
	if err := sc.run(func(n int) error { steps = n + 1; return nil }); err != nil {
		t.Fatal(err)
	}
	return steps, snapshot(t, sc.Env)
}

func recoverEnv(t *testing.T, sc killScenario) {
	t.Helper()
	e, err := OpenEnv(context.Background(), sc.layout())
	if err != nil {
		t.Fatalf("recovering: %v", err)
	}
	e.Close()
}

// TestFaultEveryStep fails the transaction at each of its steps in turn
// (an error from the step); the environment must then be exactly as
// before, or, for a failure after the commit point followed by recovery,
// exactly as after.
func TestFaultEveryStep(t *testing.T) {
	root := t.TempDir()
	cacheDir := filepath.Join(root, "cache")
	for _, fc := range faultCases(t, t.TempDir()) {
		t.Run(fc.name, func(t *testing.T) {
			steps, after := countSteps(t, fc, filepath.Join(root, fc.name), cacheDir)
			if steps < 5 {
				t.Fatalf("only %d steps", steps)
			}
			for n := range steps {
				dir := filepath.Join(root, fc.name, strconv.Itoa(n))
				sc := fc.prepare(t, dir, cacheDir)
				before := snapshot(t, dir)
				err := sc.run(func(i int) error {
					if i == n {
						return errInjected
					}
					return nil
				})
				if !errors.Is(err, errInjected) {
					t.Fatalf("step %d: err = %v, want the injected failure", n, err)
				}
				got := snapshot(t, dir)
				if diffSnapshots(before, got) == "" {
					continue // rolled back in-process
				}
				// A failure after the commit: the next run finishes it.
				recoverEnv(t, sc)
				if diff := diffSnapshots(after, snapshot(t, dir)); diff != "" {
					t.Fatalf("step %d of %d: the environment is neither as before nor, after recovery, as after:\n%s", n, steps, diff)
				}
			}
		})
	}
}

// TestKillEveryStep kills a process (SIGKILL) at each step of the
// transaction; after the next ferry run's recovery the environment must
// be exactly as before or exactly as after.
func TestKillEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per step")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	cacheDir := filepath.Join(root, "cache")
	for _, fc := range faultCases(t, t.TempDir()) {
		t.Run(fc.name, func(t *testing.T) {
			steps, after := countSteps(t, fc, filepath.Join(root, fc.name), cacheDir)
			sawBefore, sawAfter := false, false
			for n := range steps {
				dir := filepath.Join(root, fc.name, strconv.Itoa(n))
				sc := fc.prepare(t, dir, cacheDir)
				before := snapshot(t, dir)
				b, _ := json.Marshal(sc)
				cmd := exec.Command(exe, "-test.run=^$")
				cmd.Env = append(os.Environ(), "INSTALL_TEST_HELPER=kill", "INSTALL_TEST_SCENARIO="+string(b), "INSTALL_TEST_STEP="+strconv.Itoa(n))
				out, err := cmd.CombinedOutput()
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
					t.Fatalf("step %d: helper was not killed: %v\n%s", n, err, out)
				}
				recoverEnv(t, sc)
				got := snapshot(t, dir)
				switch {
				case diffSnapshots(before, got) == "":
					sawBefore = true
				case diffSnapshots(after, got) == "":
					sawAfter = true
				default:
					t.Fatalf("killed at step %d of %d: the environment is neither as before nor as after:\nvs before:\n%s\nvs after:\n%s",
						n, steps, diffSnapshots(before, got), diffSnapshots(after, got))
				}
			}
			if !sawBefore || !sawAfter {
				t.Errorf("saw before: %v, after: %v; want both across the steps", sawBefore, sawAfter)
			}
		})
	}
}

// realPython returns the path of the python3 on PATH as the interpreter
// itself reports it (not a pyenv shim, which is slow to start), or "".
func realPython() string {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
