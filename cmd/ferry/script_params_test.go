package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptParams is the shared set-up of every CLI script: a private HOME and
// cache, the repository's vectors and fixtures reachable through $SHARED and
// $TESTDATA, and no proxy or pip configuration leaking in from the host.
func scriptParams(t *testing.T) testscript.Params {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	shared, _ := filepath.Abs("../../../shared")
	return testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		UpdateScripts:       os.Getenv("FERRY_SCRIPT_UPDATE") != "",
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitcode,
		},
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, ".home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
			env.Setenv("FERRY_CACHE_DIR", filepath.Join(env.WorkDir, ".ferry-cache"))
			env.Setenv("TESTDATA", testdata)
			env.Setenv("SHARED", shared)
			env.Setenv("NO_COLOR", "1")
			for _, k := range []string{"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE", "VIRTUAL_ENV", "https_proxy", "http_proxy", "no_proxy"} {
				env.Setenv(k, "")
			}
			// Hermetic: every request that is not to loopback goes to a
			// proxy that refuses connections, so no script can reach the
			// internet (the default index included).
			env.Setenv("HTTPS_PROXY", "http://127.0.0.1:9")
			env.Setenv("HTTP_PROXY", "http://127.0.0.1:9")
			env.Setenv("NO_PROXY", "127.0.0.1,localhost")
			env.Setenv("PIP_CONFIG_FILE", os.DevNull)
			env.Setenv("FERRY_RETRIES", "0")
			return nil
		},
	}
}

// cmdExitcode runs a program and checks its exit status:
//
//	exitcode N prog args...
//
// Its stdout and stderr become the script's, so stdout/stderr assertions
// can follow.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad status %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}
