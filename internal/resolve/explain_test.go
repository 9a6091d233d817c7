package resolve_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/resolve"
	"ferry/internal/resolve/packse"
	"ferry/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenExplanation compares the explanation of a failed Solve with
// testdata/explain/name.txt.
func goldenExplanation(t *testing.T, name string, err error) {
	t.Helper()
	var ns *resolve.NoSolutionError
	if !errors.As(err, &ns) {
		t.Fatalf("want no solution, got %v", err)
	}
	got := ns.Explanation() + "\n"
	path := filepath.Join("testdata", "explain", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("explanation (-want +got):\n%s", diff)
	}
}

// TestExplainPackse renders the explanations of unsatisfiable packse
// scenarios.
func TestExplainPackse(t *testing.T) {
	names := []string{
		"backtrack-to-missing-package",
		"transitive-requires-package-does-not-exist",
		"requires-package-does-not-exist",
		"requires-greater-version-does-not-exist",
		"dependency-excludes-range-of-compatible-versions",
		"excluded-only-compatible-version",
		"excluded-only-version",
		"extra-incompatible-with-extra",
		"extra-incompatible-with-root",
		"transitive-incompatible-versions",
		"transitive-incompatible-with-transitive",
		"equivalent-dependency-ranges",
		"canonical-empty-requirement",
		"local-transitive-conflicting",
		"python-greater-than-current",
		"python-greater-than-current-excluded",
		"transitive-yanked-and-unyanked-dependency",
		"no-wheels-no-build",
	}
	data, err := os.ReadFile(testkit.VectorPath(t, "resolver_scenarios_packse.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := packse.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*packse.Scenario{}
	for i := range f.Scenarios {
		byName[f.Scenarios[i].Name] = &f.Scenarios[i]
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			sc := byName[name]
			if sc == nil {
				t.Fatalf("no scenario %s", name)
			}
			target, err := sc.Target()
			if err != nil {
				t.Fatal(err)
			}
			p, err := sc.Provider(target)
			if err != nil {
				t.Fatal(err)
			}
			root, err := sc.Requirements()
			if err != nil {
				t.Fatal(err)
			}
			opts, err := sc.Options(target)
			if err != nil {
				t.Fatal(err)
			}
			_, err = resolve.Solve(context.Background(), p, root, opts)
			goldenExplanation(t, "packse-"+name, err)
		})
	}
}

// TestExplain renders explanations of failures built here.
func TestExplain(t *testing.T) {
	tests := []struct {
		name  string
		index map[string][]string
		root  []string
		opts  func(*resolve.Options)
	}{
		{
			name:  "constraint",
			index: map[string][]string{"a 1.0": {"b>=2"}, "a 2.0": {"b>=3"}, "b 1.0": nil, "b 2.0": nil, "b 3.0": nil},
			root:  []string{"a"},
			opts:  func(o *resolve.Options) { o.Constraints = reqs(t, "b<2") },
		},
		{
			name: "branching",
			index: map[string][]string{
				"foo 1.0": {"a>=1,<2", "b>=1,<2"}, "foo 1.1": {"x>=1,<2", "y>=1,<2"},
				"a 1.0": {"b>=2,<3"}, "b 1.0": nil, "b 2.0": nil,
				"x 1.0": {"y>=2,<3"}, "y 1.0": nil, "y 2.0": nil,
			},
			root: []string{"foo>=1,<2"},
		},
		{
			name: "shared-cause",
			index: map[string][]string{
				"a 1.0": {"x>=1"}, "b 1.0": {"x>=1", "z"}, "c 1.0": {"x>=1"},
				"x 1.0": {"y==1"}, "x 2.0": {"y==2"}, "y 1.0": {"w"}, "y 2.0": {"w"},
				"z 1.0": {"a<1"}, "z 2.0": {"c<1"},
			},
			root: []string{"a", "b", "c"},
		},
		{
			name:  "many-versions",
			index: map[string][]string{"a 1.0": {"c<1"}, "a 1.1": {"c<1"}, "a 1.2": {"c<1"}, "a 2.0": {"c<2"}, "a 2.1": {"c<2"}, "c 1.0": nil, "c 2.0": nil},
			root:  []string{"a", "c>=2"},
		},
		{
			name:  "extras",
			index: map[string][]string{"a 1.0": {"b<2; extra == 'x'", "b>=2; extra == 'y'"}, "b 1.0": nil, "b 2.0": nil},
			root:  []string{"a[x]", "a[y]"},
		},
		{
			name:  "root-name",
			index: map[string][]string{"a 1.0": {"b"}, "b 1.0": {"c>=1"}},
			root:  []string{"a"},
			opts:  func(o *resolve.Options) { o.RootName = "myproject" },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := resolve.Options{}
			if tc.opts != nil {
				tc.opts(&opts)
			}
			_, err := resolve.Solve(context.Background(), index(t, tc.index), reqs(t, tc.root...), opts)
			goldenExplanation(t, tc.name, err)
		})
	}
}

// TestExplainResolvelib renders the explanations of the two failing
// resolvelib workloads, the pyrax one being a long chain of backjumps.
func TestExplainResolvelib(t *testing.T) {
	for _, tc := range []struct{ name, index, root string }{
		{"different-extras", "pypi-2020-02-13-dask", "dask[diagnostics]==2.10.1 dask[delayed]==2.10.1"},
		{"pyrex-1.9.8", "pypi-2020-02-15-pyrax", "pyrax==1.9.8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := loadResolvelibIndex(t, tc.index)
			root := reqs(t, strings.Fields(tc.root)...)
			_, err := resolve.Solve(context.Background(), ix.provider, root, resolve.Options{Env: resolvelibEnv()})
			goldenExplanation(t, "resolvelib-"+tc.name, err)
		})
	}
}
