package packse_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/resolve"
	"ferry/internal/resolve/packse"
)

// TestProvider checks how one release of a scenario becomes a candidate:
// packse's defaults, Requires-Python, wheel tags and the build options.
func TestProvider(t *testing.T) {
	tests := []struct {
		name            string
		release         string // JSON of one version
		options         string // JSON of resolver_options
		env             string // JSON of environment
		wantUnavailable string
		wantDist        packse.Dist
	}{
		{name: "defaults", release: `{}`, wantDist: packse.Wheel},
		{name: "default requires-python on 3.9", release: `{}`, env: `{"python": "3.9"}`, wantUnavailable: "requires Python >=3.12"},
		{name: "explicit requires-python", release: `{"requires_python": ">=3.9"}`, env: `{"python": "3.9"}`, wantDist: packse.Wheel},
		{name: "resolver python wins", release: `{"requires_python": ">=3.10"}`, options: `{"python": "3.11"}`, env: `{"python": "3.9"}`, wantDist: packse.Wheel},
		{name: "patch versions", release: `{"requires_python": ">=3.9.4"}`, options: `{"python": "3.9"}`, wantUnavailable: "requires Python >=3.9.4"},
		{name: "sdist only", release: `{"wheel": false}`, wantDist: packse.Sdist},
		{name: "incompatible wheel, sdist", release: `{"wheel_tags": ["py3-none-macosx_10_0_ppc64"]}`, wantDist: packse.Sdist},
		{name: "incompatible wheel only", release: `{"wheel_tags": ["py3-none-macosx_10_0_ppc64"], "sdist": false}`, wantUnavailable: "has no wheel for the target (and no source distribution)"},
		{name: "manylinux wheel", release: `{"wheel_tags": ["cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64"], "sdist": false}`, wantDist: packse.Wheel},
		{name: "manylinux too new for the platform", release: `{"wheel_tags": ["cp312-cp312-manylinux_2_28_x86_64"], "sdist": false}`, options: `{"python_platform": "x86_64-manylinux2014"}`, wantUnavailable: "has no wheel for the target (and no source distribution)"},
		{name: "wrong interpreter", release: `{"wheel_tags": ["graalpy310-none-any"], "sdist": false}`, wantUnavailable: "has no wheel for the target (and no source distribution)"},
		{name: "no build", release: `{"wheel": false}`, options: `{"no_build": ["a"]}`, wantUnavailable: "has only a source distribution (building is disabled for it)"},
		{name: "no binary", release: `{}`, options: `{"no_binary": ["a"]}`, wantDist: packse.Sdist},
		{name: "no binary, wheels only", release: `{"sdist": false}`, options: `{"no_binary": ["a"]}`, wantUnavailable: "has only wheels (binaries are disabled for it)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := scenario(t, tc.release, tc.options, tc.env)
			target, err := sc.Target()
			if err != nil {
				t.Fatal(err)
			}
			p, err := sc.Provider(target)
			if err != nil {
				t.Fatal(err)
			}
			cands, err := p.Versions(context.Background(), "a")
			if err != nil || len(cands) != 1 {
				t.Fatalf("Versions(a) = %v, %v", cands, err)
			}
			c := cands[0]
			if c.Unavailable != tc.wantUnavailable {
				t.Errorf("Unavailable = %q, want %q", c.Unavailable, tc.wantUnavailable)
			}
			if tc.wantUnavailable == "" && c.Ref != tc.wantDist {
				t.Errorf("Ref = %v, want %v", c.Ref, tc.wantDist)
			}
		})
	}
}

func scenario(t *testing.T, release, options, env string) *packse.Scenario {
	t.Helper()
	if options == "" {
		options = "{}"
	}
	if env == "" {
		env = "{}"
	}
	doc := `{"name": "test", "root": {"requires": ["a"]}, "expected": {"satisfiable": true},
		"packages": {"a": {"versions": {"1.0.0": ` + release + `}}},
		"resolver_options": ` + options + `, "environment": ` + env + `}`
	var sc packse.Scenario
	if err := json.Unmarshal([]byte(doc), &sc); err != nil {
		t.Fatal(err)
	}
	return &sc
}

func TestRequirements(t *testing.T) {
	var rel packse.Version
	if err := json.Unmarshal([]byte(`{"requires": ["b>=1; python_version >= '3'"], "extras": {"y": ["d"], "x": ["c<2; sys_platform == 'linux'"]}}`), &rel); err != nil {
		t.Fatal(err)
	}
	reqs, err := rel.Requirements()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range reqs {
		got = append(got, r.String())
	}
	want := []string{
		`b>=1; python_version >= "3"`,
		`c<2; sys_platform == "linux" and extra == "x"`,
		`d; extra == "y"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Requirements (-want +got):\n%s", diff)
	}
}

func TestSkip(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		skip bool
	}{
		{`{"name": "x", "resolver_options": {"universal": true}}`, true},
		{`{"name": "python-less-than-current"}`, true},
		{`{"name": "x"}`, false},
	} {
		var sc packse.Scenario
		if err := json.Unmarshal([]byte(tc.doc), &sc); err != nil {
			t.Fatal(err)
		}
		if why, skip := sc.Skip(); skip != tc.skip || (skip && why == "") {
			t.Errorf("Skip(%s) = %q, %v; want skip %v with a reason", tc.doc, why, skip, tc.skip)
		}
	}
}

// TestSolveTarget checks the environment markers are evaluated for.
func TestSolveTarget(t *testing.T) {
	sc := scenario(t, `{"requires": ["b; python_version == '3.11'", "c; python_version == '3.12'"]}`, `{"python": "3.11"}`, "")
	sc.Packages["a"].Versions["1.0.0"] = packse.Version{
		Requires:       sc.Packages["a"].Versions["1.0.0"].Requires,
		RequiresPython: ptr(">=3.8"),
	}
	sc.Packages["b"] = packse.Package{Versions: map[string]packse.Version{"1.0": {RequiresPython: ptr("")}}}
	target, err := sc.Target()
	if err != nil {
		t.Fatal(err)
	}
	p, err := sc.Provider(target)
	if err != nil {
		t.Fatal(err)
	}
	reqs, err := sc.Requirements()
	if err != nil {
		t.Fatal(err)
	}
	opts, err := sc.Options(target)
	if err != nil {
		t.Fatal(err)
	}
	res, err := resolve.Solve(context.Background(), p, reqs, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for n, v := range res.Versions() {
		got[string(n)] = v.String()
	}
	if diff := cmp.Diff(map[string]string{"a": "1.0.0", "b": "1.0"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func ptr(s string) *string { return &s }
