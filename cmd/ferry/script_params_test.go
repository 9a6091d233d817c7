package main

import (
	"errors"
	"ferry/internal/server"
	"ferry/internal/server/servertest"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
			"mkwheel":  cmdMkwheel,
			"mksdist":  cmdMksdist,
			"serve":    cmdServe,
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

// cmdMkwheel writes a fixture wheel:
//
//	mkwheel DIR NAME VERSION [-tag TAG] [-requires-python SPEC] [REQUIREMENT...]
func cmdMkwheel(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: mkwheel DIR NAME VERSION [-tag TAG] [-requires-python SPEC] [REQUIREMENT...]")
	}
	spec := servertest.WheelSpec{Name: args[1], Version: args[2]}
	rest := args[3:]
	for len(rest) >= 2 && strings.HasPrefix(rest[0], "-") {
		switch rest[0] {
		case "-tag":
			spec.Tag = rest[1]
		case "-requires-python":
			spec.RequiresPython = rest[1]
		default:
			ts.Fatalf("mkwheel: unknown option %s", rest[0])
		}
		rest = rest[2:]
	}
	spec.Requires = rest
	d, err := servertest.Wheel(spec)
	ts.Check(err)
	writeDist(ts, args[0], d)
}

// cmdMksdist writes a fixture sdist: mksdist DIR NAME VERSION
func cmdMksdist(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: mksdist DIR NAME VERSION")
	}
	writeDist(ts, args[0], servertest.Sdist(args[1], args[2], ""))
}

func writeDist(ts *testscript.TestScript, dir string, d servertest.Dist) {
	dir = ts.MkAbs(dir)
	ts.Check(os.MkdirAll(dir, 0o755))
	ts.Check(os.WriteFile(filepath.Join(dir, d.Filename), d.Data, 0o644))
}

// cmdServe serves DIR as a package index on loopback for the rest of the
// script and sets $INDEX to its simple/ URL: serve DIR
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: serve DIR")
	}
	srv := httptest.NewServer(server.New(ts.MkAbs(args[0]), server.Options{}))
	ts.Defer(srv.Close)
	ts.Setenv("INDEX", srv.URL+"/simple/")
}
