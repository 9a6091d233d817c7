package pkgname

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"

	"ferry/internal/testkit"

	"github.com/google/go-cmp/cmp"
)

// TestNameVectors runs the name groups of pep440_versions.json (the
// version and filename groups are tested in internal/pep440 and
// internal/distname).
func TestNameVectors(t *testing.T) {
	var file struct {
		Groups map[string]struct {
			Semantics string            `json:"semantics"`
			Cases     []json.RawMessage `json:"cases"`
		} `json:"groups"`
	}
	testkit.LoadJSON(t, "pep440_versions.json", &file)
	tally := testkit.NewTally(t, "pep440_versions.json#names")
	checks := map[string]func(name, expected string) string{
		// canonicalize_name(name) == expected, and the name is valid.
		"canonicalize_name": func(name, expected string) string {
			if got := Normalize(name); got != expected {
				return "Normalize = " + got
			}
			n, err := Parse(name)
			if err != nil {
				return err.Error()
			}
			if n.String() != expected {
				return "Parse = " + n.String()
			}
			return ""
		},
		// canonicalize_name(name, validate=True) fails; without validation
		// it gives expected.
		"canonicalize_name_invalid": func(name, expected string) string {
			if n, err := Parse(name); err == nil {
				return "Parse succeeded: " + n.String()
			}
			if got := Normalize(name); got != expected {
				return "Normalize = " + got
			}
			return ""
		},
		// is_normalized_name(expected) is true, and false for name when
		// name differs from expected.
		"is_normalized_name": func(name, expected string) string {
			if !IsNormalized(expected) {
				return "IsNormalized(expected) = false"
			}
			if name != expected && IsNormalized(name) {
				return "IsNormalized(name) = true"
			}
			return ""
		},
	}
	var groups []string
	for g := range checks {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		group, ok := file.Groups[g]
		if !ok {
			t.Errorf("group %s missing from the vectors", g)
			continue
		}
		t.Run(g, func(t *testing.T) {
			for _, raw := range group.Cases {
				var c struct {
					Name     string `json:"name"`
					Expected string `json:"expected"`
				}
				if err := json.Unmarshal(raw, &c); err != nil {
					t.Fatalf("decoding %s: %v", raw, err)
				}
				if msg := checks[g](c.Name, c.Expected); msg != "" {
					tally.Fail()
					t.Errorf("name %q (expected %q): %s", c.Name, c.Expected, msg)
				} else {
					tally.Pass()
				}
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in, want string
		err      string
	}{
		{in: "Django", want: "django"},
		{in: "zope.interface", want: "zope-interface"},
		{in: "ruamel.yaml.clib", want: "ruamel-yaml-clib"},
		{in: "A__B--C..D", want: "a-b-c-d"},
		{in: "a", want: "a"},
		{in: "1", want: "1"},
		{in: "", err: "empty"},
		{in: "-a", err: "must start and end"},
		{in: "a.", err: "must start and end"},
		{in: "a b", err: `' ' at offset 1`},
		{in: "café", err: "at offset 3"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			n, err := Parse(tc.in)
			if tc.err != "" {
				var ie *InvalidError
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Parse(%q) = %v, %v; want error containing %q", tc.in, n, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, n.String()); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, diff)
			}
			if !IsNormalized(n.String()) {
				t.Errorf("IsNormalized(%q) = false", n)
			}
		})
	}
}

func TestDistInfoName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Foo.Bar", "foo_bar"},
		{"a-b-c", "a_b_c"},
		{"abc", "abc"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := MustParse(tc.in).DistInfoName(); got != tc.want {
				t.Errorf("DistInfoName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNameJSONKey(t *testing.T) {
	// Name is a map key and marshals as its normalized string.
	m := map[Name]int{MustParse("Foo_Bar"): 1}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"foo-bar":1}`, string(b)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"Django", "zope.interface", "a", "-a", "A__B", "a\n", "", "x.y_z-W"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		norm := Normalize(s)
		if Normalize(norm) != norm {
			t.Errorf("Normalize not idempotent: %q -> %q -> %q", s, norm, Normalize(norm))
		}
		if err != nil {
			if IsNormalized(s) {
				t.Errorf("IsNormalized(%q) but Parse fails: %v", s, err)
			}
			return
		}
		if n.String() != norm {
			t.Errorf("Parse(%q) = %q, Normalize = %q", s, n, norm)
		}
		m, err := Parse(n.String())
		if err != nil || m != n {
			t.Errorf("round trip %q -> %q -> %q, %v", s, n, m, err)
		}
		if !IsNormalized(n.String()) {
			t.Errorf("IsNormalized(%q) = false", n)
		}
		if IsNormalized(s) != (s == n.String()) {
			t.Errorf("IsNormalized(%q) = %v but normalized form is %q", s, IsNormalized(s), n)
		}
	})
}
