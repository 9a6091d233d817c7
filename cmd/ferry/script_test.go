package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ferry": func() { os.Exit(run()) },
	})
}

// TestScripts runs the txtar scripts in testdata/script against the real
// ferry program. Scripts are hermetic: HOME, caches and indexes all live in
// the script's work directory. Set FERRY_SCRIPT_UPDATE=1 to rewrite cmp
// golden files in place.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t))
}
