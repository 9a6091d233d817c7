package pep440

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"ferry/internal/testkit"

	"github.com/google/go-cmp/cmp"
)

// vectorFile is the shape of the pep440_*.json vector files.
type vectorFile struct {
	Groups map[string]struct {
		Semantics string            `json:"semantics"`
		Cases     []json.RawMessage `json:"cases"`
	} `json:"groups"`
	SampleVersions []string `json:"SAMPLE_VERSIONS"`
}

// sortedGroups returns the group names in a stable order.
func (f *vectorFile) sortedGroups() []string {
	names := make([]string, 0, len(f.Groups))
	for name := range f.Groups {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// vval is a vector value that is either a raw string or
// {"$type": "Version", "args": [s]}, a parsed Version passed to the reference.
type vval struct {
	s     string
	typed bool
}

func (v *vval) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &v.s)
	}
	var obj struct {
		Type string   `json:"$type"`
		Args []string `json:"args"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	if obj.Type != "Version" || len(obj.Args) != 1 {
		return fmt.Errorf("unexpected vector value %s", b)
	}
	v.s, v.typed = obj.Args[0], true
	return nil
}

// text is the string the reference compared: typed values are normalized.
func (v vval) text() string {
	if v.typed {
		return MustParse(v.s).String()
	}
	return v.s
}

func (v vval) String() string {
	if v.typed {
		return "Version(" + v.s + ")"
	}
	return fmt.Sprintf("%q", v.s)
}

// optBool is a JSON true/false/null.
type optBool struct {
	set, val bool
}

func (o *optBool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*o = optBool{}
	case "true":
		*o = optBool{true, true}
	case "false":
		*o = optBool{true, false}
	default:
		return fmt.Errorf("not a boolean: %s", b)
	}
	return nil
}

// policy maps a packaging prereleases argument onto Prereleases.
func (o optBool) policy() Prereleases {
	switch {
	case !o.set:
		return PrereleasesDefault
	case o.val:
		return PrereleasesAllow
	}
	return PrereleasesDeny
}

func decodeCase(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decoding case %s: %v", raw, err)
	}
}

func TestVersionVectors(t *testing.T) {
	var file vectorFile
	testkit.LoadJSON(t, "pep440_versions.json", &file)
	tally := testkit.NewTally(t, "pep440_versions.json")
	for _, name := range file.sortedGroups() {
		group := file.Groups[name]
		t.Run(name, func(t *testing.T) {
			switch {
			case strings.HasPrefix(name, "wheel_filename"), strings.HasPrefix(name, "sdist_filename"):
				// filename parsing is tested in internal/distname
				tally.Skip(len(group.Cases))
				t.Skipf("filename parsing is tested in internal/distname (%d cases)", len(group.Cases))
			case strings.HasPrefix(name, "canonicalize_name"), name == "is_normalized_name":
				// project names are tested in internal/pkgname
				tally.Skip(len(group.Cases))
				t.Skipf("name canonicalization is tested in internal/pkgname (%d cases)", len(group.Cases))
			}
			check, ok := versionGroupChecks[name]
			if !ok {
				t.Fatalf("no check for group %s: %s", name, group.Semantics)
			}
			if name == "ordering" {
				var list []string
				for _, raw := range group.Cases {
					var s string
					decodeCase(t, raw, &s)
					list = append(list, s)
				}
				checkOrdering(t, tally, list)
				return
			}
			for _, raw := range group.Cases {
				if msg := check(t, raw); msg != "" {
					tally.Fail()
					t.Errorf("%s: %s", raw, msg)
				} else {
					tally.Pass()
				}
			}
		})
	}
}

// checkOrdering checks that list is strictly ascending, one tally per entry.
func checkOrdering(t *testing.T, tally *testkit.Tally, list []string) {
	vs := make([]Version, len(list))
	bad := make([]bool, len(list))
	for i, s := range list {
		v, err := Parse(s)
		if err != nil {
			t.Errorf("Parse(%q): %v", s, err)
			bad[i] = true
		}
		vs[i] = v
	}
	for i := range vs {
		for j := range vs {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := vs[i].Compare(vs[j]); got != want {
				t.Errorf("Compare(%q, %q) = %d, want %d", list[i], list[j], got, want)
				bad[i] = true
			}
			if got := vs[i].Equal(vs[j]); got != (want == 0) {
				t.Errorf("Equal(%q, %q) = %v", list[i], list[j], got)
				bad[i] = true
			}
		}
	}
	for i := range list {
		tally.Check(!bad[i])
	}
}

// versionGroupChecks maps each group to a check that returns "" on
// success and a description of the mismatch otherwise.
var versionGroupChecks = map[string]func(t *testing.T, raw json.RawMessage) string{
	"ordering": nil,
	"invalid": func(t *testing.T, raw json.RawMessage) string {
		var c struct{ Version string }
		decodeCase(t, raw, &c)
		if v, err := Parse(c.Version); err == nil {
			return fmt.Sprintf("Parse succeeded: %s", v)
		}
		return ""
	},
	"normalized": func(t *testing.T, raw json.RawMessage) string {
		var c struct{ Version, Normalized string }
		decodeCase(t, raw, &c)
		return wantString(c.Version, func(v Version) string { return v.String() }, c.Normalized)
	},
	"str": func(t *testing.T, raw json.RawMessage) string {
		var c struct{ Version, Expected string }
		decodeCase(t, raw, &c)
		return wantString(c.Version, func(v Version) string { return v.String() }, c.Expected)
	},
	"public": func(t *testing.T, raw json.RawMessage) string {
		var c struct{ Version, Public string }
		decodeCase(t, raw, &c)
		return wantString(c.Version, func(v Version) string { return v.Public().String() }, c.Public)
	},
	"base_version": func(t *testing.T, raw json.RawMessage) string {
		var c struct {
			Version     string
			BaseVersion string `json:"base_version"`
		}
		decodeCase(t, raw, &c)
		return wantString(c.Version, func(v Version) string { return v.BaseVersion().String() }, c.BaseVersion)
	},
	"epoch": func(t *testing.T, raw json.RawMessage) string {
		var c struct {
			Version string
			Epoch   int
		}
		decodeCase(t, raw, &c)
		return wantString(c.Version, func(v Version) string { return fmt.Sprint(v.Epoch()) }, fmt.Sprint(c.Epoch))
	},
	"release": func(t *testing.T, raw json.RawMessage) string {
		var c struct {
			Version string
			Release []int
		}
		decodeCase(t, raw, &c)
		return wantString(c.Version, func(v Version) string { return fmt.Sprint(v.Release()) }, fmt.Sprint(c.Release))
	},
	"local": func(t *testing.T, raw json.RawMessage) string {
		var c struct {
			Version string
			Local   *string
		}
		decodeCase(t, raw, &c)
		want := ""
		if c.Local != nil {
			want = *c.Local
		}
		return wantString(c.Version, func(v Version) string { return v.Local() }, want)
	},
	"pre": func(t *testing.T, raw json.RawMessage) string {
		var c struct {
			Version string
			Pre     []any
		}
		decodeCase(t, raw, &c)
		want := "none"
		if c.Pre != nil {
			want = fmt.Sprintf("%v%v", c.Pre[0], c.Pre[1])
		}
		return wantString(c.Version, func(v Version) string {
			kind, n, ok := v.Pre()
			if !ok {
				return "none"
			}
			return fmt.Sprintf("%s%d", kind, n)
		}, want)
	},
	"post": func(t *testing.T, raw json.RawMessage) string {
		var c struct {
			Version string
			Post    *int
		}
		decodeCase(t, raw, &c)
		return wantString(c.Version, func(v Version) string { return optInt(v.Post()) }, optIntPtr(c.Post))
	},
	"dev": func(t *testing.T, raw json.RawMessage) string {
		var c struct {
			Version string
			Dev     *int
		}
		decodeCase(t, raw, &c)
		return wantString(c.Version, func(v Version) string { return optInt(v.Dev()) }, optIntPtr(c.Dev))
	},
	"is_prerelease":  boolCheck(Version.IsPrerelease),
	"is_postrelease": boolCheck(Version.IsPostrelease),
	"is_devrelease":  boolCheck(Version.IsDevrelease),
	"canonicalize_version": func(t *testing.T, raw json.RawMessage) string {
		var c struct {
			Version  vval
			Expected string
		}
		decodeCase(t, raw, &c)
		if got := CanonicalizeVersion(c.Version.text()); got != c.Expected {
			return fmt.Sprintf("CanonicalizeVersion = %q, want %q", got, c.Expected)
		}
		return ""
	},
}

func boolCheck(f func(Version) bool) func(t *testing.T, raw json.RawMessage) string {
	return func(t *testing.T, raw json.RawMessage) string {
		var c struct {
			Version  string
			Expected bool
		}
		decodeCase(t, raw, &c)
		return wantString(c.Version, func(v Version) string { return fmt.Sprint(f(v)) }, fmt.Sprint(c.Expected))
	}
}

func optInt(n int, ok bool) string {
	if !ok {
		return "none"
	}
	return fmt.Sprint(n)
}

func optIntPtr(n *int) string {
	if n == nil {
		return "none"
	}
	return fmt.Sprint(*n)
}

// wantString parses s, applies f and compares with want.
func wantString(s string, f func(Version) string, want string) string {
	v, err := Parse(s)
	if err != nil {
		return err.Error()
	}
	if got := f(v); got != want {
		return fmt.Sprintf("got %q, want %q", got, want)
	}
	return ""
}

func TestVersionVectorGroupsKnown(t *testing.T) {
	// Every group of the file is either checked or skipped with a reason;
	// a new group in the vectors must be mapped here first.
	var file vectorFile
	testkit.LoadJSON(t, "pep440_versions.json", &file)
	var unknown []string
	for _, name := range file.sortedGroups() {
		_, checked := versionGroupChecks[name]
		skipped := strings.Contains(name, "filename") || strings.Contains(name, "_name")
		if !checked && !skipped {
			unknown = append(unknown, name)
		}
	}
	if diff := cmp.Diff([]string(nil), unknown); diff != "" {
		t.Errorf("unmapped groups (-want +got):\n%s", diff)
	}
}
