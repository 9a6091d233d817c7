package resolve_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/resolve"
	"ferry/internal/testkit"
)

// The resolvelib workloads (../shared/bench/resolvelib, see its README):
// real PyPI dependency metadata frozen in 2020, and cases that name an
// index, root requirements and the expected pins or conflict.

// resolvelibEnv is the environment the 2020 data is evaluated for: CPython
// 3.8 on x86_64 Linux.
func resolvelibEnv() pep508.Env {
	return pep508.NewEnv(pep508.Values{
		ImplementationName:           "cpython",
		ImplementationVersion:        "3.8.10",
		OSName:                       "posix",
		PlatformMachine:              "x86_64",
		PlatformPythonImplementation: "CPython",
		PlatformRelease:              "5.4.0",
		PlatformSystem:               "Linux",
		PlatformVersion:              "#1 SMP",
		PythonFullVersion:            "3.8.10",
		PythonVersion:                "3.8",
		SysPlatform:                  "linux",
	})
}

// knownBadRequirements are the releases whose metadata holds a requirement
// no PEP 508 parser accepts ("setuptools (>=18.5decorator)": a missing
// line break in ipython 4.1.0rc1's setup.py).
var knownBadRequirements = map[string]bool{
	"ipython 4.1.0rc1": true,
}

// knownOutcomes are cases whose file gives no pins and whose outcome is
// known otherwise.
var knownOutcomes = map[string]string{
	// resolvelib gives up on it after too many rounds. The frozen index
	// has no release of msgpack, and every oslo.serialization that
	// python-novaclient 2.27.0 accepts needs msgpack (directly or through
	// msgpack-python 0.5.0) or a pbr>=2.0 that python-novaclient 2.27.0
	// rules out: there is no solution.
	"pyrex-1.9.8": "no solution",
}

type resolvelibCase struct {
	Name       string
	Index      string                     `json:"index"`
	Requested  []string                   `json:"requested"`
	Resolved   map[string]json.RawMessage `json:"resolved"`
	Conflicted map[string][]string        `json:"conflicted"`
}

// pins decodes "resolved": a version string or {"version": "..."}.
func (c *resolvelibCase) pins() (map[pkgname.Name]string, error) {
	out := map[pkgname.Name]string{}
	for name, raw := range c.Resolved {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			var obj struct {
				Version string `json:"version"`
			}
			if err := json.Unmarshal(raw, &obj); err != nil {
				return nil, fmt.Errorf("resolved %s: %w", name, err)
			}
			v = obj.Version
		}
		out[pkgname.Name(pkgname.Normalize(name))] = v
	}
	return out, nil
}

func resolvelibDir(t testing.TB) string {
	return filepath.Join(testkit.SharedDir(t), "bench", "resolvelib")
}

func loadResolvelibCases(t testing.TB) []resolvelibCase {
	t.Helper()
	dir := resolvelibDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "case", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no resolvelib cases under %s", dir)
	}
	var cases []resolvelibCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c resolvelibCase
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		c.Name = strings.TrimSuffix(filepath.Base(f), ".json")
		cases = append(cases, c)
	}
	return cases
}

// resolvelibIndex is one index file turned into a provider.
type resolvelibIndex struct {
	provider    *resolve.MemoryProvider
	reqs        map[pkgname.Name]map[pep440.Version][]pep508.Requirement
	badVersions int
	badReqs     []string
}

// loadResolvelibIndex reads index/NAME.json. Versions that are not PEP 440
// versions are left out, as pip leaves them out; requirement strings must
// all parse (the old `name (>=1,<2)` form included).
func loadResolvelibIndex(t testing.TB, name string) *resolvelibIndex {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(resolvelibDir(t), "index", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("index %s: %v", name, err)
	}
	ix := &resolvelibIndex{provider: resolve.NewMemoryProvider(), reqs: map[pkgname.Name]map[pep440.Version][]pep508.Requirement{}}
	projects := make([]string, 0, len(raw))
	for p := range raw {
		projects = append(projects, p)
	}
	slices.Sort(projects)
	for _, p := range projects {
		var versions map[string]struct {
			Dependencies json.RawMessage `json:"dependencies"`
		}
		if err := json.Unmarshal(raw[p], &versions); err != nil {
			continue // not a project (the file's own flags, such as "needs_optimistic")
		}
		n := pkgname.Name(pkgname.Normalize(p))
		ix.reqs[n] = map[pep440.Version][]pep508.Requirement{}
		for vs, rel := range versions {
			v, err := pep440.Parse(vs)
			if err != nil {
				ix.badVersions++
				continue
			}
			// "dependencies" is a list of strings; a few projects have {}
			// for none.
			var deps []string
			if err := json.Unmarshal(rel.Dependencies, &deps); err != nil && string(rel.Dependencies) != "{}" {
				t.Fatalf("index %s: %s %s: dependencies: %v", name, p, vs, err)
			}
			var reqs []pep508.Requirement
			bad := ""
			for _, d := range deps {
				r, err := pep508.Parse(d)
				if err != nil {
					bad = fmt.Sprintf("has an invalid requirement %q", d)
					ix.badReqs = append(ix.badReqs, fmt.Sprintf("%s %s: %q: %v", p, vs, d, err))
					continue
				}
				reqs = append(reqs, r)
			}
			ix.reqs[n][v] = reqs
			if bad != "" {
				// As pip does with metadata it cannot read, the version
				// is discarded and the resolver moves on.
				ix.provider.AddUnusable(n, resolve.Candidate{Version: v}, bad)
				continue
			}
			ix.provider.AddCandidate(n, resolve.Candidate{Version: v}, reqs)
		}
	}
	return ix
}

// checkSolution verifies that res satisfies root and every requirement of
// every chosen package (markers evaluated with the requested extras).
func checkSolution(env pep508.Env, root []pep508.Requirement, res *resolve.Resolution, reqsOf func(pkgname.Name, pep440.Version) []pep508.Requirement) []string {
	var problems []string
	check := func(from string, r pep508.Requirement) {
		got, ok := res.Get(r.Normalized)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s requires %s, which is not in the solution", from, r))
			return
		}
		if r.URL == "" && !r.Specifiers.Contains(got.Version(), pep440.PrereleasesAllow) {
			problems = append(problems, fmt.Sprintf("%s requires %s, but %s==%s was chosen", from, r, r.Normalized, got.Version()))
		}
		for _, x := range r.Extras {
			if !slices.Contains(got.Extras, x) {
				problems = append(problems, fmt.Sprintf("%s requires %s, but extra %s is not resolved", from, r, x))
			}
		}
	}
	for _, r := range root {
		if r.Marker.Evaluate(env) {
			check("the root", r)
		}
	}
	for _, p := range res.Packages {
		for _, r := range reqsOf(p.Name, p.Version()) {
			active := r.Marker.Evaluate(env)
			for _, x := range p.Extras {
				active = active || r.Marker.Evaluate(env.WithExtra(string(x)))
			}
			if active {
				check(fmt.Sprintf("%s==%s", p.Name, p.Version()), r)
			}
		}
	}
	return problems
}

func TestResolvelib(t *testing.T) {
	cases := loadResolvelibCases(t)
	indexes := map[string]*resolvelibIndex{}
	passed, failed := 0, 0
	t.Cleanup(func() {
		testkit.Report(t, fmt.Sprintf("resolvelib cases: %d passed, %d failed, 0 skipped", passed, failed))
	})
	env := resolvelibEnv()
	for _, c := range cases {
		ix := indexes[c.Index]
		if ix == nil {
			ix = loadResolvelibIndex(t, c.Index)
			indexes[c.Index] = ix
			// Every requirement string must parse, the legacy
			// `name (>=1,<2)` form included, except the few that are
			// malformed in the PyPI data itself.
			for _, bad := range ix.badReqs {
				if !knownBadRequirements[strings.SplitN(bad, ":", 2)[0]] {
					t.Errorf("index %s: requirement does not parse: %s", c.Index, bad)
				}
			}
		}
		t.Run(c.Name, func(t *testing.T) {
			ok := runResolvelibCase(t, c, ix, env)
			if ok {
				passed++
			} else {
				failed++
			}
		})
	}
}

func runResolvelibCase(t *testing.T, c resolvelibCase, ix *resolvelibIndex, env pep508.Env) bool {
	t.Helper()
	root, err := resolve.ParseRequirements(c.Requested)
	if err != nil {
		t.Errorf("%s: %v", c.Name, err)
		return false
	}
	res, err := resolve.Solve(context.Background(), ix.provider, root, resolve.Options{Env: env})
	if knownOutcomes[c.Name] == "no solution" {
		var ns *resolve.NoSolutionError
		if !errors.As(err, &ns) {
			t.Errorf("%s: want no solution, got %v", c.Name, err)
			return false
		}
		return true
	}
	if c.Conflicted != nil {
		var ns *resolve.NoSolutionError
		if !errors.As(err, &ns) {
			t.Errorf("%s: want no solution (conflict on %v), got %v", c.Name, c.Conflicted, err)
			return false
		}
		for name := range c.Conflicted {
			if !strings.Contains(ns.Explanation(), pkgname.Normalize(name)) {
				t.Errorf("%s: the explanation does not name %s:\n%s", c.Name, name, ns.Explanation())
				return false
			}
		}
		return true
	}
	if err != nil {
		t.Errorf("%s: requested %v: %v", c.Name, c.Requested, err)
		return false
	}
	problems := checkSolution(env, root, res, func(n pkgname.Name, v pep440.Version) []pep508.Requirement { return ix.reqs[n][v] })
	for _, p := range problems {
		t.Errorf("%s: invalid solution: %s", c.Name, p)
	}
	if len(problems) > 0 {
		return false
	}
	want, err := c.pins()
	if err != nil {
		t.Errorf("%s: %v", c.Name, err)
		return false
	}
	if len(want) == 0 {
		t.Errorf("%s: the case gives no pins and no known outcome", c.Name)
		return false
	}
	ok := true
	got := res.Versions()
	for n, v := range want {
		g, found := got[n]
		wv, err := pep440.Parse(v)
		if err != nil || !found || !g.Equal(wv) {
			t.Errorf("%s: %s: want %s, got %s", c.Name, n, v, g)
			ok = false
		}
	}
	for n, g := range got {
		if _, found := want[n]; !found {
			// The solution is valid (checked above), so a package the
			// case does not list is required by one it does: chalice's
			// pins leave out urllib3, which botocore 1.14.15 requires on
			// every Python but 3.4.
			t.Logf("%s: %s==%s is not among the expected pins, but the solution needs it", c.Name, n, g)
		}
	}
	return ok
}

func BenchmarkResolvelib(b *testing.B) {
	cases := loadResolvelibCases(b)
	indexes := map[string]*resolvelibIndex{}
	env := resolvelibEnv()
	for _, c := range cases {
		ix := indexes[c.Index]
		if ix == nil {
			ix = loadResolvelibIndex(b, c.Index)
			indexes[c.Index] = ix
		}
		root, err := resolve.ParseRequirements(c.Requested)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.Name, func(b *testing.B) {
			for b.Loop() {
				_, err := resolve.Solve(context.Background(), ix.provider, root, resolve.Options{Env: env})
				var ns *resolve.NoSolutionError
				if err != nil && !errors.As(err, &ns) {
					b.Fatal(err)
				}
			}
		})
	}
}
