package resolve_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/resolve"
)

// index builds a MemoryProvider from "name version" keys and requirement
// strings. A version ending in " yanked" is yanked.
func index(t testing.TB, releases map[string][]string) *resolve.MemoryProvider {
	t.Helper()
	m := resolve.NewMemoryProvider()
	keys := make([]string, 0, len(releases))
	for k := range releases {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f := strings.Fields(k)
		if len(f) < 2 {
			t.Fatalf("bad release key %q", k)
		}
		v, err := pep440.Parse(f[1])
		if err != nil {
			t.Fatal(err)
		}
		reqs, err := resolve.ParseRequirements(releases[k])
		if err != nil {
			t.Fatal(err)
		}
		c := resolve.Candidate{Version: v, Yanked: len(f) > 2 && f[2] == "yanked"}
		m.AddCandidate(pkgname.MustParse(f[0]), c, reqs)
	}
	return m
}

func reqs(t testing.TB, ss ...string) []pep508.Requirement {
	t.Helper()
	r, err := resolve.ParseRequirements(ss)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// linux311 is a CPython 3.11 Linux target.
func linux311() pep508.Env {
	return pep508.NewEnv(pep508.Values{
		ImplementationName: "cpython", ImplementationVersion: "3.11.4", OSName: "posix",
		PlatformMachine: "x86_64", PlatformPythonImplementation: "CPython", PlatformSystem: "Linux",
		PythonFullVersion: "3.11.4", PythonVersion: "3.11", SysPlatform: "linux",
	})
}

// pins renders a resolution as "name==version[extras]" lines.
func pins(res *resolve.Resolution) []string {
	var out []string
	for _, p := range res.Packages {
		s := string(p.Name) + "==" + p.Version().String()
		if len(p.Extras) > 0 {
			var xs []string
			for _, x := range p.Extras {
				xs = append(xs, string(x))
			}
			s += "[" + strings.Join(xs, ",") + "]"
		}
		out = append(out, s)
	}
	return out
}

func TestSolve(t *testing.T) {
	pre := func(o *resolve.Options) { o.Prereleases = pep440.PrereleasesAllow }
	tests := []struct {
		name     string
		index    map[string][]string
		root     []string
		opts     func(*resolve.Options)
		want     []string // pins, or nil when no solution is expected
		wantText string   // a fragment of the explanation
	}{
		{
			name:  "newest",
			index: map[string][]string{"a 1.0": nil, "a 2.0": nil, "a 1.5": nil},
			root:  []string{"a"},
			want:  []string{"a==2.0"},
		},
		{
			name: "backtracks to an older version",
			index: map[string][]string{
				"a 1.0": {"b<2"}, "a 2.0": {"b>=2"},
				"b 1.0": nil, "b 2.0": {"c"},
			},
			root: []string{"a"},
			want: []string{"a==1.0", "b==1.0"},
		},
		{
			name: "learns from a conflict deep in the graph",
			index: map[string][]string{
				"foo 1.0": {"a", "b"},
				"a 1.0":   nil, "a 2.0": {"b<2"},
				"b 1.0": nil, "b 2.0": {"a<2"},
			},
			root: []string{"foo"},
			want: []string{"a==2.0", "b==1.0", "foo==1.0"},
		},
		{
			name:  "markers are evaluated for the target",
			index: map[string][]string{"a 1.0": {"b; python_version < '3'", "c; sys_platform == 'linux'"}, "c 1.0": nil},
			root:  []string{"a", "d; os_name == 'nt'"},
			opts:  func(o *resolve.Options) { o.Env = linux311() },
			want:  []string{"a==1.0", "c==1.0"},
		},
		{
			name: "extras add their requirements",
			index: map[string][]string{
				"a 1.0": {"b; extra == 'x'", "c; extra == 'y'", "d"},
				"b 1.0": nil, "c 1.0": nil, "d 1.0": nil,
			},
			root: []string{"a[x]"},
			want: []string{"a==1.0[x]", "b==1.0", "d==1.0"},
		},
		{
			name: "an extra and its base resolve to one version",
			index: map[string][]string{
				"a 1.0": {"b; extra == 'x'"}, "a 2.0": {"b; extra == 'x'", "c>=2"},
				"b 1.0": nil, "c 1.0": nil,
			},
			root: []string{"a[x]"},
			want: []string{"a==1.0[x]", "b==1.0"},
		},
		{
			name:  "a missing extra is ignored",
			index: map[string][]string{"a 1.0": nil},
			root:  []string{"a[nope]"},
			want:  []string{"a==1.0[nope]"},
		},
		{
			name:  "a self-dependency with an extra",
			index: map[string][]string{"a 1.0": {"a[x]; extra == 'all'", "b; extra == 'x'"}, "b 1.0": nil},
			root:  []string{"a[all]"},
			want:  []string{"a==1.0[all,x]", "b==1.0"},
		},
		{
			name:     "a self-dependency on another version",
			index:    map[string][]string{"a 1.0": {"a>=2"}},
			root:     []string{"a"},
			wantText: "a==1.0 depends on a>=2",
		},
		{
			name:  "stable releases are preferred",
			index: map[string][]string{"a 1.0": nil, "a 2.0b1": nil},
			root:  []string{"a>=0.5a1"},
			want:  []string{"a==1.0"},
		},
		{
			name:  "a pre-release when no final release fits",
			index: map[string][]string{"a 1.0": nil, "a 2.0b1": nil},
			root:  []string{"a>1.0"},
			want:  []string{"a==2.0b1"},
		},
		{
			name:  "pre-releases allowed",
			index: map[string][]string{"a 1.0": nil, "a 2.0b1": nil},
			root:  []string{"a"},
			opts:  pre,
			want:  []string{"a==2.0b1"},
		},
		{
			name:     "pre-releases denied",
			index:    map[string][]string{"a 2.0b1": nil},
			root:     []string{"a"},
			opts:     func(o *resolve.Options) { o.Prereleases = pep440.PrereleasesDeny },
			wantText: "a==2.0b1 is a pre-release",
		},
		{
			name:  "yanked releases are skipped",
			index: map[string][]string{"a 1.0": nil, "a 2.0 yanked": nil},
			root:  []string{"a"},
			want:  []string{"a==1.0"},
		},
		{
			name:  "a yanked release pinned by the root",
			index: map[string][]string{"a 1.0": nil, "a 2.0 yanked": nil},
			root:  []string{"a==2.0"},
			want:  []string{"a==2.0"},
		},
		{
			name:     "a yanked release pinned by a dependency",
			index:    map[string][]string{"a 1.0": {"b==2.0"}, "b 1.0": nil, "b 2.0 yanked": nil},
			root:     []string{"a"},
			wantText: "b==2.0 was yanked",
		},
		{
			name:  "a yanked release pinned by a constraint",
			index: map[string][]string{"a 1.0": {"b"}, "b 1.0": nil, "b 2.0 yanked": nil},
			root:  []string{"a"},
			opts:  func(o *resolve.Options) { o.Constraints = reqs(t, "b===2.0") },
			want:  []string{"a==1.0", "b==2.0"},
		},
		{
			name:  "constraints restrict versions",
			index: map[string][]string{"a 1.0": {"b"}, "b 1.0": nil, "b 2.0": nil},
			root:  []string{"a"},
			opts:  func(o *resolve.Options) { o.Constraints = reqs(t, "b<2", "c==1.0") },
			want:  []string{"a==1.0", "b==1.0"},
		},
		{
			name:     "a constraint in a conflict",
			index:    map[string][]string{"a 1.0": {"b>=2"}, "b 1.0": nil, "b 2.0": nil},
			root:     []string{"a"},
			opts:     func(o *resolve.Options) { o.Constraints = reqs(t, "b<2") },
			wantText: "a constraint limits b to <2",
		},
		{
			name:  "preferences are kept",
			index: map[string][]string{"a 1.0": {"b"}, "a 2.0": {"b"}, "b 1.0": nil, "b 2.0": nil},
			root:  []string{"a"},
			opts: func(o *resolve.Options) {
				o.Preferences = map[pkgname.Name]pep440.Version{"a": pep440.MustParse("1.0"), "b": pep440.MustParse("1.0")}
			},
			want: []string{"a==1.0", "b==1.0"},
		},
		{
			name:  "a preferred yanked release",
			index: map[string][]string{"a 1.0": nil, "a 2.0 yanked": nil},
			root:  []string{"a"},
			opts: func(o *resolve.Options) {
				o.Preferences = map[pkgname.Name]pep440.Version{"a": pep440.MustParse("2.0")}
			},
			want: []string{"a==2.0"},
		},
		{
			name:  "a preference that does not fit is dropped",
			index: map[string][]string{"a 1.0": nil, "a 2.0": nil, "a 3.0": nil},
			root:  []string{"a>=2"},
			opts: func(o *resolve.Options) {
				o.Preferences = map[pkgname.Name]pep440.Version{"a": pep440.MustParse("1.0")}
			},
			want: []string{"a==3.0"},
		},
		{
			name:  "upgrade only-if-needed",
			index: map[string][]string{"a 1.0": {"b"}, "a 2.0": {"b"}, "b 1.0": nil, "b 2.0": nil},
			root:  []string{"a"},
			opts: func(o *resolve.Options) {
				o.Preferences = map[pkgname.Name]pep440.Version{"a": pep440.MustParse("1.0"), "b": pep440.MustParse("1.0")}
				o.Upgrade = true
			},
			want: []string{"a==2.0", "b==1.0"},
		},
		{
			name:  "upgrade eager",
			index: map[string][]string{"a 1.0": {"b"}, "a 2.0": {"b"}, "b 1.0": nil, "b 2.0": nil},
			root:  []string{"a"},
			opts: func(o *resolve.Options) {
				o.Preferences = map[pkgname.Name]pep440.Version{"a": pep440.MustParse("1.0"), "b": pep440.MustParse("1.0")}
				o.Upgrade, o.UpgradeStrategy = true, resolve.Eager
			},
			want: []string{"a==2.0", "b==2.0"},
		},
		{
			name:  "upgrade one package",
			index: map[string][]string{"a 1.0": {"b"}, "a 2.0": {"b"}, "b 1.0": nil, "b 2.0": nil},
			root:  []string{"a"},
			opts: func(o *resolve.Options) {
				o.Preferences = map[pkgname.Name]pep440.Version{"a": pep440.MustParse("1.0"), "b": pep440.MustParse("1.0")}
				o.UpgradePackages = []pkgname.Name{"b"}
			},
			want: []string{"a==1.0", "b==2.0"},
		},
		{
			name:  "lowest",
			index: map[string][]string{"a 1.0": {"b>=1.5"}, "a 2.0": {"b"}, "b 1.0": nil, "b 1.5": nil, "b 2.0": nil},
			root:  []string{"a"},
			opts:  func(o *resolve.Options) { o.Strategy = resolve.Lowest },
			want:  []string{"a==1.0", "b==1.5"},
		},
		{
			name:  "lowest-direct",
			index: map[string][]string{"a 1.0": {"b>=1.5"}, "a 2.0": {"b"}, "b 1.0": nil, "b 1.5": nil, "b 2.0": nil},
			root:  []string{"a"},
			opts:  func(o *resolve.Options) { o.Strategy = resolve.LowestDirect },
			want:  []string{"a==1.0", "b==2.0"},
		},
		{
			name:  "no deps",
			index: map[string][]string{"a 1.0": {"b"}, "c 1.0": {"d; extra == 'x'"}},
			root:  []string{"a", "c[x]"},
			opts:  func(o *resolve.Options) { o.NoDeps = true },
			want:  []string{"a==1.0", "c==1.0[x]"},
		},
		{
			name:     "a project that does not exist",
			index:    map[string][]string{"a 1.0": {"nope>=1"}},
			root:     []string{"a"},
			wantText: "no versions of nope exist",
		},
		{
			name:     "incompatible root requirements",
			index:    map[string][]string{"a 1.0": nil, "a 2.0": nil},
			root:     []string{"a==1.0", "a>=2"},
			wantText: "Because you require a==1.0 and you require a>=2, no solution is possible.",
		},
		{
			name:     "root name",
			index:    map[string][]string{"a 1.0": nil},
			root:     []string{"a>=2"},
			opts:     func(o *resolve.Options) { o.RootName = "myproject" },
			wantText: "myproject depends on a>=2",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := resolve.Options{}
			if tc.opts != nil {
				tc.opts(&opts)
			}
			res, err := resolve.Solve(context.Background(), index(t, tc.index), reqs(t, tc.root...), opts)
			if tc.want == nil {
				var ns *resolve.NoSolutionError
				if !errors.As(err, &ns) {
					t.Fatalf("Solve(%v) = %v, %v; want no solution", tc.root, res, err)
				}
				if !strings.Contains(ns.Explanation(), tc.wantText) {
					t.Errorf("Solve(%v): explanation lacks %q:\n%s", tc.root, tc.wantText, ns.Explanation())
				}
				return
			}
			if err != nil {
				t.Fatalf("Solve(%v): %v", tc.root, err)
			}
			if diff := cmp.Diff(tc.want, pins(res)); diff != "" {
				t.Errorf("Solve(%v) (-want +got):\n%s", tc.root, diff)
			}
		})
	}
}

func TestResolutionEdges(t *testing.T) {
	p := index(t, map[string][]string{
		"a 1.0": {"b>=1", "c; extra == 'x'"},
		"b 1.0": {"c<2"},
		"c 1.0": nil,
	})
	res, err := resolve.Solve(context.Background(), p, reqs(t, "a[x]", "b"), resolve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type edge struct{ From, FromVersion, FromExtra, Req string }
	got := map[string][]edge{}
	direct := map[string]bool{}
	for _, pkg := range res.Packages {
		direct[string(pkg.Name)] = pkg.Direct
		for _, e := range pkg.Via {
			v := ""
			if !e.FromVersion.IsZero() {
				v = e.FromVersion.String()
			}
			got[string(pkg.Name)] = append(got[string(pkg.Name)], edge{string(e.From), v, string(e.FromExtra), e.Requirement.String()})
		}
	}
	want := map[string][]edge{
		"a": {{"", "", "", "a[x]"}},
		"b": {{"", "", "", "b"}, {"a", "1.0", "", "b>=1"}},
		"c": {{"a", "1.0", "x", `c; extra == "x"`}, {"b", "1.0", "", "c<2"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Via (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]bool{"a": true, "b": true, "c": false}, direct); diff != "" {
		t.Errorf("Direct (-want +got):\n%s", diff)
	}
	if pkg, ok := res.Get("c"); !ok || pkg.Version().String() != "1.0" {
		t.Errorf("Get(c) = %v, %v", pkg, ok)
	}
	if _, ok := res.Get("zzz"); ok {
		t.Errorf("Get(zzz) found a package")
	}
}

func TestDirectURL(t *testing.T) {
	newProvider := func() *resolve.MemoryProvider {
		p := index(t, map[string][]string{"a 1.0": {"b"}, "b 1.0": nil, "b 3.0": nil})
		p.AddURL("https://example.com/b-2.0.tar.gz", resolve.Candidate{Version: pep440.MustParse("2.0")}, reqs(t, "c"))
		p.AddCandidate("c", resolve.Candidate{Version: pep440.MustParse("1.0")}, nil)
		return p
	}
	t.Run("root", func(t *testing.T) {
		res, err := resolve.Solve(context.Background(), newProvider(), reqs(t, "a", "b @ https://example.com/b-2.0.tar.gz"), resolve.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"a==1.0", "b==2.0", "c==1.0"}, pins(res)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("constraint", func(t *testing.T) {
		res, err := resolve.Solve(context.Background(), newProvider(), reqs(t, "a"), resolve.Options{Constraints: reqs(t, "b @ https://example.com/b-2.0.tar.gz")})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"a==1.0", "b==2.0", "c==1.0"}, pins(res)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("conflicting URLs", func(t *testing.T) {
		_, err := resolve.Solve(context.Background(), newProvider(), reqs(t, "b @ https://example.com/b-2.0.tar.gz", "b @ https://example.com/other.tar.gz"), resolve.Options{})
		var ce *resolve.ConflictingURLsError
		if !errors.As(err, &ce) || ce.Name != "b" {
			t.Errorf("err = %v, want a ConflictingURLsError for b", err)
		}
	})
	t.Run("a URL and a version range", func(t *testing.T) {
		_, err := resolve.Solve(context.Background(), newProvider(), reqs(t, "b @ https://example.com/b-2.0.tar.gz", "b>=3"), resolve.Options{})
		var ns *resolve.NoSolutionError
		if !errors.As(err, &ns) {
			t.Errorf("err = %v, want no solution", err)
		}
	})
}

// failingProvider wraps a provider and fails for some projects.
type failingProvider struct {
	*resolve.MemoryProvider
	reqErr map[string]error // "name version" → error from Requirements
}

func (f failingProvider) Requirements(ctx context.Context, name pkgname.Name, c resolve.Candidate) ([]pep508.Requirement, error) {
	if err := f.reqErr[string(name)+" "+c.Version.String()]; err != nil {
		return nil, err
	}
	return f.MemoryProvider.Requirements(ctx, name, c)
}

func TestProviderErrors(t *testing.T) {
	errNet := errors.New("connection reset")
	t.Run("versions", func(t *testing.T) {
		p := index(t, map[string][]string{"a 1.0": {"b"}})
		p.SetError("b", errNet)
		_, err := resolve.Solve(context.Background(), p, reqs(t, "a"), resolve.Options{})
		var pe *resolve.ProviderError
		if !errors.As(err, &pe) || pe.Name != "b" || !errors.Is(err, errNet) {
			t.Fatalf("err = %v, want a ProviderError for b wrapping the network error", err)
		}
		if want := "listing versions of b: connection reset"; err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
	})
	t.Run("not found is no versions", func(t *testing.T) {
		p := index(t, map[string][]string{"a 1.0": {"b"}})
		p.SetError("b", fmt.Errorf("project b: %w", fs.ErrNotExist))
		_, err := resolve.Solve(context.Background(), p, reqs(t, "a"), resolve.Options{})
		var ns *resolve.NoSolutionError
		if !errors.As(err, &ns) {
			t.Fatalf("err = %v, want no solution", err)
		}
	})
	t.Run("requirements", func(t *testing.T) {
		p := failingProvider{index(t, map[string][]string{"a 1.0": nil, "a 2.0": nil}), map[string]error{"a 2.0": errors.New("only an sdist, which must be built")}}
		_, err := resolve.Solve(context.Background(), p, reqs(t, "a"), resolve.Options{})
		var pe *resolve.ProviderError
		if !errors.As(err, &pe) || pe.Name != "a" || pe.Version.String() != "2.0" {
			t.Fatalf("err = %v, want a ProviderError for a==2.0", err)
		}
		if want := "reading the requirements of a==2.0: only an sdist, which must be built"; err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
	})
	t.Run("unusable version", func(t *testing.T) {
		p := failingProvider{index(t, map[string][]string{"a 1.0": nil, "a 2.0": nil}), map[string]error{"a 2.0": fmt.Errorf("metadata: %w", &resolve.UnusableError{Reason: "has metadata for another project"})}}
		res, err := resolve.Solve(context.Background(), p, reqs(t, "a"), resolve.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"a==1.0"}, pins(res)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		_, err = resolve.Solve(context.Background(), p, reqs(t, "a==2.0"), resolve.Options{})
		if err == nil || !strings.Contains(err.Error(), "a==2.0 has metadata for another project") {
			t.Errorf("err = %v, want it to name the unusable version", err)
		}
	})
	t.Run("direct URL without a resolver", func(t *testing.T) {
		p := struct{ resolve.Provider }{index(t, map[string][]string{"a 1.0": nil})}
		_, err := resolve.Solve(context.Background(), p, reqs(t, "a @ https://example.com/a.whl"), resolve.Options{})
		var pe *resolve.ProviderError
		if !errors.As(err, &pe) || pe.URL == "" {
			t.Errorf("err = %v, want a ProviderError naming the URL", err)
		}
	})
}

func TestRequiresPython(t *testing.T) {
	p := index(t, map[string][]string{"a 1.0": nil})
	spec := pep440.MustParseSpecifiers(">=3.12")
	_, err := resolve.Solve(context.Background(), p, reqs(t, "a"), resolve.Options{Env: linux311(), RequiresPython: spec})
	var rp *resolve.RequiresPythonError
	if !errors.As(err, &rp) || rp.Python.String() != "3.11.4" {
		t.Fatalf("err = %v, want a RequiresPythonError for 3.11.4", err)
	}
	if _, err := resolve.Solve(context.Background(), p, reqs(t, "a"), resolve.Options{Env: linux311(), RequiresPython: pep440.MustParseSpecifiers(">=3.8")}); err != nil {
		t.Errorf("Requires-Python >=3.8 on 3.11: %v", err)
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := resolve.Solve(ctx, index(t, map[string][]string{"a 1.0": nil}), reqs(t, "a"), resolve.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// recordingProvider records the hints it receives.
type recordingProvider struct {
	*resolve.MemoryProvider
	mu    sync.Mutex
	hints []string
}

func (r *recordingProvider) Prefetch(ctx context.Context, name pkgname.Name) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hints = append(r.hints, "versions "+string(name))
}

func (r *recordingProvider) PrefetchRequirements(ctx context.Context, name pkgname.Name, c resolve.Candidate) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hints = append(r.hints, "requirements "+string(name)+"=="+c.Version.String())
}

func TestPrefetch(t *testing.T) {
	p := &recordingProvider{MemoryProvider: index(t, map[string][]string{
		"a 1.0": {"b", "c"}, "b 1.0": nil, "b 2.0": nil, "c 1.0": nil,
	})}
	if _, err := resolve.Solve(context.Background(), p, reqs(t, "a"), resolve.Options{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"versions a",
		"requirements a==1.0",
		"versions b",
		"versions c",
		"requirements b==2.0",
		"requirements c==1.0",
	}
	if diff := cmp.Diff(want, p.hints); diff != "" {
		t.Errorf("hints (-want +got):\n%s", diff)
	}
}

func TestStrategyNames(t *testing.T) {
	for _, s := range []resolve.Strategy{resolve.Highest, resolve.Lowest, resolve.LowestDirect} {
		got, ok := resolve.ParseStrategy(s.String())
		if !ok || got != s {
			t.Errorf("ParseStrategy(%q) = %v, %v", s, got, ok)
		}
	}
	if _, ok := resolve.ParseStrategy("newest"); ok {
		t.Errorf("ParseStrategy(newest) succeeded")
	}
}
