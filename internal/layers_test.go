package internal_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Tiers of ferry's packages, lowest first. A package may import packages of
// a lower tier, and packages of its own tier except where the tier is
// "engines" (the resolver, builders and bundler are wired together by
// project, never by each other). ARCHITECTURE.md draws the same map; a
// package missing from this table fails the test until it is placed.
var tiers = map[string]int{
	// formats: pure, no network, no subprocess, no filesystem access
	"pep440": tierFormats, "pkgname": tierFormats, "pep508": tierFormats,
	"tags": tierFormats, "distname": tierFormats, "coremeta": tierFormats,
	"record": tierFormats, "distinfo": tierFormats, "reqfile": tierFormats,
	"pyproject": tierFormats, "manifest": tierFormats, "wheel": tierFormats,
	"sdist": tierFormats, "simpleapi": tierFormats, "lockfile": tierFormats,
	"zipapp": tierFormats, "deb": tierFormats, "rpm": tierFormats,
	"archive": tierFormats, "pystr": tierFormats,

	// local system
	"fsx": tierLocal, "cache": tierLocal, "interp": tierLocal, "venv": tierLocal,
	"install": tierLocal,

	// network
	"httpx": tierNetwork, "index": tierNetwork, "fetch": tierNetwork,

	// engines
	"resolve": tierEngines, "backend": tierEngines, "build": tierEngines,
	"bundle": tierEngines, "server": tierEngines, "deploy": tierEngines,

	// orchestration
	"project": tierOrchestration, "config": tierOrchestration,

	// the command line
	"cli": tierCLI, "iostreams": tierCLI,

	// test support, importable only from _test.go files
	"testkit": tierTestOnly,
}

const (
	tierFormats = iota
	tierLocal
	tierNetwork
	tierEngines
	tierOrchestration
	tierCLI
	tierTestOnly
)

// impure lists standard-library packages a format package must not import.
// Of the net tree only net/url and net/netip (pure parsers) are allowed.
var impure = []string{"os", "os/exec", "os/signal", "os/user", "net", "syscall", "plugin", "io/ioutil"}

func isImpure(imp string) bool {
	for _, bad := range impure {
		if imp == bad {
			return true
		}
	}
	return strings.HasPrefix(imp, "net/") && imp != "net/url" && imp != "net/netip"
}

func TestLayers(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "testdata" {
			continue
		}
		pkg := e.Name()
		tier, ok := tiers[pkg]
		if !ok {
			t.Errorf("internal/%s is not placed in a tier: add it to the table here and to ARCHITECTURE.md", pkg)
			continue
		}
		for _, imp := range importsOf(t, pkg) {
			if strings.HasPrefix(imp, "ferry/internal/") {
				dep := strings.SplitN(strings.TrimPrefix(imp, "ferry/internal/"), "/", 2)[0]
				dt, ok := tiers[dep]
				switch {
				case !ok:
					t.Errorf("%s imports unplaced package %s", pkg, dep)
				case dt > tier:
					t.Errorf("%s (tier %d) imports %s (tier %d): imports must point down", pkg, tier, dep, dt)
				case dt == tier && tier == tierEngines && dep != pkg:
					t.Errorf("engine %s imports engine %s: wire them in project instead", pkg, dep)
				}
				continue
			}
			if tier == tierFormats {
				if isImpure(imp) {
					t.Errorf("format package %s imports %s: format packages read bytes and readers, never the OS or the network", pkg, imp)
				}
			}
		}
	}
}

// importsOf returns the sorted imports of the non-test Go files under
// internal/pkg (including its subdirectories, which belong to its tier).
func importsOf(t *testing.T, pkg string) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(pkg, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, is := range f.Imports {
			p, _ := strconv.Unquote(is.Path.Value)
			seen[p] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
