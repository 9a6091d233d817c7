package project

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ferry/internal/cache"
	"ferry/internal/index"
	"ferry/internal/install"
	"ferry/internal/interp"
	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/server"
	"ferry/internal/server/servertest"
	"ferry/internal/venv"
)

// python3 queries the machine's python3, skipping when there is none.
func python3(t *testing.T) *interp.Info {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH")
	}
	info, err := interp.Query(context.Background(), py, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// newVenv creates a virtual environment from base and returns its
// interpreter's info.
func newVenv(t *testing.T, base *interp.Info) *interp.Info {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "venv")
	if _, err := venv.Create(context.Background(), dir, base, venv.Options{}); err != nil {
		t.Fatal(err)
	}
	info, err := interp.Query(context.Background(), filepath.Join(dir, "bin", "python"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// fixtureSession serves dists on loopback and opens a session on them.
func fixtureSession(t *testing.T, dists ...servertest.Dist) (*Session, *servertest.Counter) {
	t.Helper()
	dir := servertest.WriteDir(t, t.TempDir(), dists...)
	srv, counter := servertest.Serve(t, dir, server.Options{})
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenSession(SessionConfig{
		Cache:    c,
		Settings: index.Settings{IndexURL: srv.URL + "/simple/", Retries: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, counter
}

func reqs(t *testing.T, ss ...string) Request {
	t.Helper()
	var r Request
	for _, s := range ss {
		req, err := pep508.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		r.Inputs = append(r.Inputs, Input{Req: req})
	}
	return r
}

func planVersions(p *Plan) string {
	var parts []string
	for _, it := range p.Items {
		parts = append(parts, string(it.Name)+"=="+it.Version.String()+":"+it.Action.String())
	}
	return strings.Join(parts, " ")
}

func TestResolveAndInstall(t *testing.T) {
	base := python3(t)
	s, _ := fixtureSession(t,
		servertest.MustWheel(servertest.WheelSpec{Name: "app", Version: "1.0", Requires: []string{"lib>=1", `extra-only; extra == "x"`, `never; sys_platform == "win32"`}}),
		servertest.MustWheel(servertest.WheelSpec{Name: "lib", Version: "1.0"}),
		servertest.MustWheel(servertest.WheelSpec{Name: "lib", Version: "2.0", Requires: []string{"dep"}}),
		servertest.MustWheel(servertest.WheelSpec{Name: "lib", Version: "3.0", RequiresPython: ">=4"}),
		servertest.MustWheel(servertest.WheelSpec{Name: "dep", Version: "0.5", Tag: "cp27-cp27m-win32"}),
		servertest.MustWheel(servertest.WheelSpec{Name: "dep", Version: "0.4"}),
	)
	info := newVenv(t, base)
	target, err := NewTarget(info, TargetOverride{})
	if err != nil {
		t.Fatal(err)
	}
	env, err := install.OpenEnv(context.Background(), install.EnvLayout(info))
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	ctx := context.Background()
	plan, err := s.Resolve(ctx, target, reqs(t, "app"), env.Inventory(), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// lib 3.0 needs Python 4; dep 0.5 has only a Windows py2 wheel.
	if got, want := planVersions(plan), "app==1.0:install dep==0.4:install lib==2.0:install"; got != want {
		t.Fatalf("plan = %s, want %s", got, want)
	}
	out, err := s.Execute(ctx, plan, env, ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Report.Installed) != 3 || out.Prepared != 3 {
		t.Fatalf("report: %+v prepared %d", out.Report, out.Prepared)
	}
	cmd := exec.Command(info.Executable, "-c", "import app, lib, dep; import importlib.metadata as m; print(m.version('lib'))")
	if b, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(b)) != "2.0" {
		t.Fatalf("import after install: %s %v", b, err)
	}

	// A second resolution keeps everything.
	plan, err = s.Resolve(ctx, target, reqs(t, "app"), env.Inventory(), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := planVersions(plan), "app==1.0:keep dep==0.4:keep lib==2.0:keep"; got != want {
		t.Fatalf("second plan = %s, want %s", got, want)
	}
	// Pinning down lib replaces it.
	plan, err = s.Resolve(ctx, target, reqs(t, "app", "lib==1.0"), env.Inventory(), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := planVersions(plan), "app==1.0:keep lib==1.0:upgrade"; got != want {
		t.Fatalf("downgrade plan = %s, want %s", got, want)
	}
}

func TestNoSolutionExplains(t *testing.T) {
	s, _ := fixtureSession(t,
		servertest.MustWheel(servertest.WheelSpec{Name: "a", Version: "1.0", Requires: []string{"b>=2"}}),
		servertest.MustWheel(servertest.WheelSpec{Name: "b", Version: "1.0"}),
	)
	target, err := NewTargetFor("3.12", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Resolve(context.Background(), target, reqs(t, "a"), nil, ResolveOptions{})
	expl, ok := IsNoSolution(err)
	if !ok {
		t.Fatalf("err = %v, want a resolution failure", err)
	}
	if !strings.Contains(expl, "b") || !strings.Contains(expl, "a") {
		t.Errorf("explanation does not name the packages:\n%s", expl)
	}
}

func TestSdistOnlyNeedsBuild(t *testing.T) {
	s, _ := fixtureSession(t, servertest.Sdist("src-only", "1.0", ""))
	target, err := NewTargetFor("3.12", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Resolve(context.Background(), target, reqs(t, "src-only"), nil, ResolveOptions{})
	expl, ok := IsNoSolution(err)
	if !ok || !strings.Contains(expl, "must be built") {
		t.Fatalf("err = %v, explanation %q", err, expl)
	}
}

func TestRequireHashes(t *testing.T) {
	s, _ := fixtureSession(t,
		servertest.MustWheel(servertest.WheelSpec{Name: "a", Version: "1.0", Requires: []string{"b"}}),
		servertest.MustWheel(servertest.WheelSpec{Name: "b", Version: "1.0"}),
	)
	target, _ := NewTargetFor("3.12", "")
	ctx := context.Background()
	r := reqs(t, "a")
	_, err := s.Resolve(ctx, target, r, nil, ResolveOptions{RequireHashes: true})
	var he *HashError
	if !errors.As(err, &he) || !strings.Contains(err.Error(), "pinned") {
		t.Fatalf("unpinned requirement: err = %v", err)
	}
}

// TestPrefetchFollowsChains checks that metadata fetched ahead of the
// solver starts the fetches of its dependencies, level after level, with
// no solver asking: a chain a -> b -> c -> d is read to its end from one
// PrefetchIn. (A prefetch started inside a finished job once stopped with
// that job, so only the first two levels arrived.)
func TestPrefetchFollowsChains(t *testing.T) {
	s, counter := fixtureSession(t,
		servertest.MustWheel(servertest.WheelSpec{Name: "a", Version: "1.0", Requires: []string{"b"}}),
		servertest.MustWheel(servertest.WheelSpec{Name: "b", Version: "1.0", Requires: []string{"c"}}),
		servertest.MustWheel(servertest.WheelSpec{Name: "c", Version: "1.0", Requires: []string{"d"}}),
		servertest.MustWheel(servertest.WheelSpec{Name: "d", Version: "1.0"}),
	)
	target, err := NewTargetFor("3.12", "")
	if err != nil {
		t.Fatal(err)
	}
	p := s.NewProvider(target)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	p.PrefetchIn(ctx, "a", pep440.Full())
	cancel() // the caller's context ending must not stop the prefetches
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got []string
		for _, r := range counter.Requests() {
			if strings.Contains(r, "d-1.0") {
				got = append(got, r)
			}
		}
		if len(got) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("d's file was never read ahead of the solver; requests:\n%s", strings.Join(counter.Requests(), "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWholeWheels checks that an install reads the metadata of the wheels
// it takes from the whole files and installs those same bytes: each
// wheel is requested once, with no metadata file or range request.
func TestWholeWheels(t *testing.T) {
	base := python3(t)
	s, counter := fixtureSession(t,
		servertest.MustWheel(servertest.WheelSpec{Name: "app", Version: "1.0", Requires: []string{"lib"}}),
		servertest.MustWheel(servertest.WheelSpec{Name: "lib", Version: "2.0"}),
	)
	s.WholeWheels = true
	info := newVenv(t, base)
	target, err := NewTarget(info, TargetOverride{})
	if err != nil {
		t.Fatal(err)
	}
	env, err := install.OpenEnv(context.Background(), install.EnvLayout(info))
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	ctx := context.Background()
	plan, err := s.Resolve(ctx, target, reqs(t, "app==1.0"), env.Inventory(), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Execute(ctx, plan, env, ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	var wheels []string
	for _, r := range counter.Requests() {
		if strings.Contains(r, ".whl") {
			wheels = append(wheels, r)
		}
	}
	slices.Sort(wheels)
	want := []string{"GET /app-1.0-py3-none-any.whl 200", "GET /lib-2.0-py3-none-any.whl 200"}
	if !slices.Equal(wheels, want) {
		t.Errorf("wheel requests:\n%s\nwant:\n%s", strings.Join(wheels, "\n"), strings.Join(want, "\n"))
	}
	cmd := exec.Command(info.Executable, "-c", "import app, lib")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import after install: %s %v", b, err)
	}
}
