package project

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/archive"
	"ferry/internal/cache"
	"ferry/internal/coremeta"
	"ferry/internal/index"
	"ferry/internal/install"
	"ferry/internal/interp"
	"ferry/internal/server"
	"ferry/internal/server/servertest"
)

// fixtureBackendWheel is the test backend of package build, served as
// the wheel of the project fixture-backend.
func fixtureBackendWheel(t *testing.T) servertest.Dist {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "build", "testdata", "fixture_backend.py"))
	if err != nil {
		t.Fatal(err)
	}
	return servertest.MustWheel(servertest.WheelSpec{Name: "fixture_backend", Version: "1.0", Files: map[string]string{"fixture_backend.py": string(src)}})
}

// sdistOf builds "<name>-<version>.tar.gz" holding files under the usual
// top directory.
func sdistOf(t *testing.T, name, version string, files map[string]string) servertest.Dist {
	t.Helper()
	var buf bytes.Buffer
	gz := archive.NewGzipWriter(&buf)
	tw := archive.NewTarWriter(gz, archive.DefaultTime())
	tw.Prefix = name + "-" + version + "/"
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := tw.Add(archive.Entry{Name: n, Data: []byte(files[n])}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return servertest.Dist{Filename: name + "-" + version + ".tar.gz", Data: buf.Bytes()}
}

// declaredSdist is an sdist built by the fixture backend.
func declaredSdist(t *testing.T, name, version, buildRequires string, deps ...string) servertest.Dist {
	mod := strings.ReplaceAll(name, "-", "_")
	quoted := make([]string, len(deps))
	for i, d := range deps {
		quoted[i] = `"` + d + `"`
	}
	pkgInfo := "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n"
	for _, d := range deps {
		pkgInfo += "Requires-Dist: " + d + "\n"
	}
	return sdistOf(t, mod, version, map[string]string{
		"PKG-INFO": pkgInfo,
		"pyproject.toml": "[build-system]\nrequires = [" + buildRequires + "]\nbuild-backend = \"fixture_backend\"\n" +
			"[project]\nname = \"" + name + "\"\nversion = \"" + version + "\"\ndependencies = [" + strings.Join(quoted, ", ") + "]\n",
		mod + "/__init__.py": "NAME = " + `"` + name + `"` + "\n",
	})
}

// builderEnv is a served index, a cache shared by several sessions (one
// per simulated ferry run) and the interpreter builds are for.
type builderEnv struct {
	url    string
	cache  string
	python *interp.Info
}

func newBuilderEnv(t *testing.T, dists ...servertest.Dist) *builderEnv {
	t.Helper()
	info := python3(t)
	dir := servertest.WriteDir(t, t.TempDir(), dists...)
	srv, _ := servertest.Serve(t, dir, server.Options{})
	return &builderEnv{url: srv.URL + "/simple/", cache: t.TempDir(), python: info}
}

// run opens a new session and builder (a new ferry run).
func (e *builderEnv) run(t *testing.T, opts BuilderOptions) (*Session, *SourceBuilder) {
	t.Helper()
	c, err := cache.Open(e.cache)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenSession(SessionConfig{Cache: c, Settings: index.Settings{IndexURL: e.url, Retries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	opts.Session = s
	opts.Python = e.python
	opts.InterpCacheDir = filepath.Join(e.cache, "interpreters")
	b := NewBuilder(opts)
	s.Builder = b
	return s, b
}

// installInto resolves and installs reqs into a fresh venv.
func installInto(t *testing.T, s *Session, base *interp.Info, req Request) *install.Env {
	t.Helper()
	ctx := context.Background()
	vinfo := newVenv(t, base)
	target, err := NewTarget(vinfo, TargetOverride{})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Resolve(ctx, target, req, nil, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	env, err := install.OpenEnv(ctx, install.EnvLayout(vinfo))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	if _, err := s.Execute(ctx, plan, env, ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	return env
}

func installedVersions(env *install.Env) map[string]string {
	out := map[string]string{}
	for _, d := range env.Inventory().All() {
		out[string(d.Name)] = d.Version
	}
	return out
}

func TestBuilderSdistFromIndex(t *testing.T) {
	e := newBuilderEnv(t,
		fixtureBackendWheel(t),
		declaredSdist(t, "sdist-only", "2.0", `"fixture-backend"`, "dep-wheel>=1"),
		servertest.MustWheel(servertest.WheelSpec{Name: "dep_wheel", Version: "1.1"}),
	)
	for _, tc := range []struct {
		name string
		want BuildStats
	}{
		// The first run makes the build environment and builds the wheel
		// (metadata comes from prepare_metadata_for_build_wheel)...
		{"first run", BuildStats{Envs: 1, Wheels: 1}},
		// ...the second finds both in the cache.
		{"second run", BuildStats{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, b := e.run(t, BuilderOptions{})
			env := installInto(t, s, e.python, reqs(t, "sdist-only"))
			want := map[string]string{"sdist-only": "2.0", "dep-wheel": "1.1"}
			if diff := cmp.Diff(want, installedVersions(env)); diff != "" {
				t.Errorf("installed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, b.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuilderMetadata(t *testing.T) {
	ctx := context.Background()
	static := sdistOf(t, "static_meta", "1.0", map[string]string{
		// Metadata 2.2 without Dynamic: PEP 643 lets it be trusted, so no
		// backend runs (this one does not even exist).
		"PKG-INFO":       "Metadata-Version: 2.2\nName: static-meta\nVersion: 1.0\nRequires-Dist: dep-wheel\n",
		"pyproject.toml": "[build-system]\nrequires = [\"no-such-backend\"]\nbuild-backend = \"no_such_backend\"\n",
	})
	dynamic := sdistOf(t, "dynamic_meta", "1.0", map[string]string{
		"PKG-INFO": "Metadata-Version: 2.2\nName: dynamic-meta\nVersion: 1.0\nDynamic: Requires-Dist\n",
		"pyproject.toml": "[build-system]\nrequires = [\"fixture-backend\"]\nbuild-backend = \"fixture_backend:no_prepare\"\n" +
			"[project]\nname = \"dynamic-meta\"\nversion = \"1.0\"\ndependencies = [\"from-the-backend\"]\n",
		"dynamic_meta/__init__.py": "",
	})
	native := sdistOf(t, "native_meta", "3.0", map[string]string{
		"PKG-INFO":                "Metadata-Version: 2.1\nName: native-meta\nVersion: 3.0\n",
		"pyproject.toml":          "[project]\nname = \"native-meta\"\nversion = \"3.0\"\ndependencies = [\"dep-wheel\"]\n",
		"native_meta/__init__.py": "",
	})
	e := newBuilderEnv(t, fixtureBackendWheel(t))
	for _, tc := range []struct {
		name         string
		dist         servertest.Dist
		wantRequires []string
		want         BuildStats
		noWheel      bool
	}{
		{"PEP 643 PKG-INFO", static, []string{"dep-wheel"}, BuildStats{}, true},
		// Dynamic Requires-Dist and no prepare hook: the wheel is built
		// (and kept for the install).
		{"no prepare hook", dynamic, []string{"from-the-backend"}, BuildStats{Envs: 1, Wheels: 1}, false},
		{"native backend", native, []string{"dep-wheel"}, BuildStats{Wheels: 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, b := e.run(t, BuilderOptions{})
			file := filepath.Join(t.TempDir(), "0123abcd")
			if err := os.WriteFile(file, tc.dist.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			data, err := b.Metadata(ctx, file+"#"+tc.dist.Filename)
			if err != nil {
				t.Fatal(err)
			}
			md, err := coremeta.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantRequires, md.RequiresDist); diff != "" {
				t.Errorf("Requires-Dist (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, b.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			if tc.noWheel {
				return
			}
			// The wheel afterwards comes from the cache when metadata
			// needed one.
			before := b.Stats().Wheels
			whl, err := b.Wheel(ctx, file+"#"+tc.dist.Filename)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(whl, ".whl") {
				t.Errorf("Wheel = %s", whl)
			}
			if tc.want.Wheels > 0 && b.Stats().Wheels != before {
				t.Errorf("the wheel was built again")
			}
		})
	}
}

func TestBuilderDirectory(t *testing.T) {
	ctx := context.Background()
	e := newBuilderEnv(t, fixtureBackendWheel(t))
	_, b := e.run(t, BuilderOptions{Settings: map[string][]string{"summary": {"from -C"}}})
	dir := t.TempDir()
	for name, data := range map[string]string{
		"pyproject.toml":         "[build-system]\nrequires = [\"fixture-backend\"]\nbuild-backend = \"fixture_backend\"\n[project]\nname = \"local-proj\"\nversion = \"0.1\"\n",
		"local_proj/__init__.py": "",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := b.Metadata(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	md, err := coremeta.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if md.Name != "local-proj" || md.Summary != `"from -C"` {
		t.Errorf("metadata: name %q summary %q", md.Name, md.Summary)
	}
	for _, tc := range []struct {
		name  string
		build func(context.Context, string) (string, error)
	}{
		{"wheel", b.Wheel},
		{"editable", b.Editable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whl, err := tc.build(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(whl) != "local_proj-0.1-py3-none-any.whl" {
				t.Errorf("built %s", whl)
			}
		})
	}
	if diff := cmp.Diff(BuildStats{Envs: 1, Wheels: 2}, b.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func TestBuilderNesting(t *testing.T) {
	// needs-self's build requirement is itself, only as an sdist: a
	// cycle. deep-a needs deep-b to build, which needs deep-c to build,
	// which needs fixture-backend: three levels.
	e := newBuilderEnv(t,
		fixtureBackendWheel(t),
		declaredSdist(t, "needs-self", "1.0", `"needs-self"`),
		declaredSdist(t, "deep-a", "1.0", `"deep-b"`),
		declaredSdist(t, "deep-b", "1.0", `"deep-c"`),
		declaredSdist(t, "deep-c", "1.0", `"fixture-backend"`),
		declaredSdist(t, "shallow", "1.0", `"deep-c", "fixture-backend"`),
	)
	for _, tc := range []struct {
		name      string
		req       string
		wantCycle bool
		wantErr   bool
	}{
		{"cycle", "needs-self", true, true},
		{"too deep", "deep-a", false, true},
		// One level of building a build requirement is allowed.
		{"one level", "shallow", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := e.run(t, BuilderOptions{})
			vinfo := newVenv(t, e.python)
			target, err := NewTarget(vinfo, TargetOverride{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Resolve(context.Background(), target, reqs(t, tc.req), nil, ResolveOptions{})
			if !tc.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var de *BuildDepthError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *BuildDepthError", err)
			}
			if de.Cycle != tc.wantCycle {
				t.Errorf("Cycle = %v, want %v (%v)", de.Cycle, tc.wantCycle, err)
			}
		})
	}
}
