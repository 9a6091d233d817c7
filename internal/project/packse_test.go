package project

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"ferry/internal/cache"
	"ferry/internal/index"
	"ferry/internal/install"
	"ferry/internal/interp"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/resolve/packse"
	"ferry/internal/server"
	"ferry/internal/server/servertest"
	"ferry/internal/testkit"
	"ferry/internal/venv"
)

// TestPackseEndToEnd runs every non-universal packse scenario through the
// real code path: the scenario's packages are built as wheels and sdists,
// served over HTTP on loopback by the project's own index server, resolved
// by Session.Resolve for the scenario's target, and, when an interpreter
// of the target's version is on this machine, installed into a fresh
// virtual environment.
func TestPackseEndToEnd(t *testing.T) {
	var file *packse.File
	data, err := os.ReadFile(testkit.VectorPath(t, "resolver_scenarios_packse.json"))
	if err != nil {
		t.Fatal(err)
	}
	if file, err = packse.Decode(data); err != nil {
		t.Fatal(err)
	}
	interps := newInterpreters(t)
	var mu sync.Mutex
	passed, failed, skipped, installed := 0, 0, 0, 0
	for i := range file.Scenarios {
		sc := &file.Scenarios[i]
		if why, skip := sc.Skip(); skip {
			t.Run(sc.Name, func(t *testing.T) { t.Skip(why) })
			skipped++
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			ok, inst := runPackse(t, sc, interps)
			mu.Lock()
			defer mu.Unlock()
			if ok {
				passed++
			} else {
				failed++
			}
			if inst {
				installed++
			}
		})
	}
	t.Cleanup(func() {
		testkit.Report(t, fmt.Sprintf("packse: %d passed, %d failed, %d skipped (%d installed into a venv)", passed, failed, skipped, installed))
	})
}

// runPackse runs one scenario; it reports whether the outcome matched and
// whether the result was installed.
func runPackse(t *testing.T, sc *packse.Scenario, interps *interpreters) (bool, bool) {
	ctx := context.Background()
	pt, err := sc.Target()
	if err != nil {
		t.Error(err)
		return false, false
	}
	dir := t.TempDir()
	for _, d := range packseDists(t, sc) {
		servertest.WriteDir(t, dir, d.dist)
		if d.yanked {
			servertest.Yank(t, dir, d.dist.Filename, "yanked by the scenario")
		}
	}
	srv, _ := servertest.Serve(t, dir, server.Options{})
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenSession(SessionConfig{Cache: c, Settings: index.Settings{IndexURL: srv.URL + "/simple/", Retries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	s.Builder = NewBuilder(BuilderOptions{Session: s})
	target := &Target{Env: pt.Env, Python: pt.Python, Ranking: pt.Ranking, Description: "packse target"}
	ropts := ResolveOptions{}
	if sc.ResolverOptions.Prereleases {
		ropts.Prereleases = pep440.PrereleasesAllow
	}
	if r := sc.ResolverOptions.Resolution; r != "" {
		o, _ := sc.Options(pt)
		ropts.Strategy = o.Strategy
	}
	if sc.Root.RequiresPython != "" {
		ropts.RequiresPython, err = pep440.ParseSpecifiers(sc.Root.RequiresPython)
		if err != nil {
			t.Fatal(err)
		}
	}
	ropts.Formats = FormatControl{NoBinary: normalized(sc.ResolverOptions.NoBinary), OnlyBinary: normalized(sc.ResolverOptions.NoBuild)}
	var req Request
	roots, err := sc.Requirements()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roots {
		req.Inputs = append(req.Inputs, Input{Req: r})
	}
	plan, err := s.Resolve(ctx, target, req, nil, ropts)
	want := sc.Expected
	if !want.Satisfiable {
		if err == nil {
			t.Errorf("resolved %s; the scenario is unsatisfiable (%s)", planVersions(plan), want.Explanation)
			return false, false
		}
		if _, ok := IsNoSolution(err); !ok {
			// An error with a reason (Requires-Python of the root, say)
			// is an acceptable failure too; log it.
			t.Logf("failed with: %v", err)
		}
		return true, false
	}
	if err != nil {
		t.Errorf("no resolution: %v\nexpected %v", err, want.Packages)
		return false, false
	}
	got := map[string]string{}
	for _, it := range plan.Items {
		got[string(it.Name)] = it.Version.String()
	}
	if want.Packages != nil && !sameVersions(got, want.Packages) {
		t.Errorf("resolved %v, want %v", got, want.Packages)
		return false, false
	}
	info := interps.get(t, pt.Python)
	if info == nil || len(plan.Items) == 0 {
		return true, false
	}
	// Install the resolution into a fresh venv of that Python.
	vdir := filepath.Join(t.TempDir(), "venv")
	if _, err := venv.Create(ctx, vdir, info, venv.Options{}); err != nil {
		t.Fatal(err)
	}
	vinfo, err := interp.Query(ctx, filepath.Join(vdir, "bin", "python"), interps.cacheDir)
	if err != nil {
		t.Fatal(err)
	}
	env, err := install.OpenEnv(ctx, install.EnvLayout(vinfo))
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if _, err := s.Execute(ctx, plan, env, ExecOptions{}); err != nil {
		t.Errorf("installing %s: %v", planVersions(plan), err)
		return false, false
	}
	for name, v := range got {
		d, ok := env.Inventory().Get(pkgname.Name(name))
		if !ok || !sameVersion(d.Version, pep440.MustParse(v)) {
			t.Errorf("after install, %s is %v, want %s", name, d, v)
			return false, true
		}
	}
	return true, true
}

func normalized(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = pkgname.Normalize(n)
	}
	return out
}

func sameVersions(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for n, v := range want {
		g, ok := got[pkgname.Normalize(n)]
		if !ok {
			return false
		}
		if pep440.MustParse(g).Compare(pep440.MustParse(v)) != 0 {
			return false
		}
	}
	return true
}

type packseDist struct {
	dist   servertest.Dist
	yanked bool
}

// packseDists builds the files of a scenario's packages with packse's
// defaults: one py3-none-any wheel unless wheel_tags says otherwise, an
// sdist unless sdist is false, Requires-Python >=3.12 unless given.
func packseDists(t *testing.T, sc *packse.Scenario) []packseDist {
	var out []packseDist
	names := make([]string, 0, len(sc.Packages))
	for n := range sc.Packages {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for v, rel := range sc.Packages[n].Versions {
			reqs, err := rel.Requirements()
			if err != nil {
				t.Fatal(err)
			}
			var reqStrings []string
			for _, r := range reqs {
				reqStrings = append(reqStrings, r.String())
			}
			file := strings.ReplaceAll(pkgname.Normalize(n), "-", "_")
			for _, tag := range rel.WheelTagsOrDefault() {
				d, err := servertest.Wheel(servertest.WheelSpec{Name: file, Version: v, Tag: tag,
					RequiresPython: rel.RequiresPythonOrDefault(), Requires: reqStrings})
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, packseDist{d, rel.Yanked})
			}
			if rel.HasSdist() {
				out = append(out, packseDist{packseSdist(t, n, file, v, rel.RequiresPythonOrDefault(), reqStrings), rel.Yanked})
			}
		}
	}
	return out
}

// packseSdist is an sdist the native backend builds: a pyproject.toml
// [project] table with the release's requirements and a package.
func packseSdist(t *testing.T, name, file, version, requiresPython string, reqs []string) servertest.Dist {
	quoted := make([]string, len(reqs))
	for i, r := range reqs {
		quoted[i] = strconv.Quote(r)
	}
	pyproject := fmt.Sprintf("[project]\nname = %q\nversion = %q\ndependencies = [%s]\n", name, version, strings.Join(quoted, ", "))
	if requiresPython != "" {
		pyproject += fmt.Sprintf("requires-python = %q\n", requiresPython)
	}
	return sdistOf(t, file, version, map[string]string{
		"PKG-INFO":                             fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, version),
		"pyproject.toml":                       pyproject,
		strings.ToLower(file) + "/__init__.py": "",
	})
}

// interpreters finds, once, a local interpreter for each Python version a
// scenario targets (pyenv keeps several on this machine).
type interpreters struct {
	cacheDir string
	mu       sync.Mutex
	byMinor  map[string]*interp.Info
}

func newInterpreters(t *testing.T) *interpreters {
	return &interpreters{cacheDir: t.TempDir(), byMinor: map[string]*interp.Info{}}
}

// get returns an interpreter whose version equals v's major.minor (and
// micro, when v gives one other than 0), or nil.
func (in *interpreters) get(t *testing.T, v pep440.Version) *interp.Info {
	rel := v.Release()
	key := fmt.Sprintf("%d.%d", rel[0], rel[1])
	in.mu.Lock()
	defer in.mu.Unlock()
	if info, ok := in.byMinor[key]; ok {
		return in.check(info, rel)
	}
	var info *interp.Info
	if py, err := exec.LookPath("python" + key); err == nil {
		info, _ = interp.Query(context.Background(), py, in.cacheDir)
	}
	if info == nil {
		matches, _ := filepath.Glob(filepath.Join(os.Getenv("HOME"), ".pyenv", "versions", key+".*", "bin", "python"+key))
		sort.Strings(matches)
		for i := len(matches) - 1; i >= 0 && info == nil; i-- {
			info, _ = interp.Query(context.Background(), matches[i], in.cacheDir)
		}
	}
	in.byMinor[key] = info
	return in.check(info, rel)
}

func (in *interpreters) check(info *interp.Info, rel []int) *interp.Info {
	if info == nil {
		return nil
	}
	if len(rel) > 2 && rel[2] != 0 && info.Version.Micro != rel[2] {
		return nil
	}
	return info
}
