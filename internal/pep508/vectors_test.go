package pep508

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"ferry/internal/testkit"
)

const vectorFile = "pep508_markers_requirements.json"

type vectorFileShape struct {
	Groups map[string]struct {
		Semantics string           `json:"semantics"`
		Cases     []map[string]any `json:"cases"`
	} `json:"groups"`
}

// testValues is the fixed host the marker_evaluate groups overlay: a Linux
// x86_64 CPython 3.11. The vectors dropped every row whose outcome depends
// on the host, so any fixed environment serves.
var testValues = Values{
	ImplementationName:           "cpython",
	ImplementationVersion:        "3.11.7",
	OSName:                       "posix",
	PlatformMachine:              "x86_64",
	PlatformPythonImplementation: "CPython",
	PlatformRelease:              "6.1.0-18-amd64",
	PlatformSystem:               "Linux",
	PlatformVersion:              "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
	PythonFullVersion:            "3.11.7",
	PythonVersion:                "3.11",
	SysPlatform:                  "linux",
}

// overlayEnv builds the evaluation environment of a case: the fixed host
// overlaid with the case's environment (nil: none). Sets arrive as
// {"$set": [...]}; an "extra" of null means no extra.
func overlayEnv(t *testing.T, overlay any) Env {
	t.Helper()
	m := map[string]string{
		"implementation_name":            testValues.ImplementationName,
		"implementation_version":         testValues.ImplementationVersion,
		"os_name":                        testValues.OSName,
		"platform_machine":               testValues.PlatformMachine,
		"platform_python_implementation": testValues.PlatformPythonImplementation,
		"platform_release":               testValues.PlatformRelease,
		"platform_system":                testValues.PlatformSystem,
		"platform_version":               testValues.PlatformVersion,
		"python_full_version":            testValues.PythonFullVersion,
		"python_version":                 testValues.PythonVersion,
		"sys_platform":                   testValues.SysPlatform,
	}
	var extras, groups []string
	if overlay != nil {
		for k, v := range overlay.(map[string]any) {
			switch v := v.(type) {
			case nil:
				m[k] = ""
			case string:
				m[k] = v
			case map[string]any:
				var names []string
				for _, n := range v["$set"].([]any) {
					names = append(names, n.(string))
				}
				switch k {
				case "extras":
					extras = names
				case "dependency_groups":
					groups = names
				default:
					t.Fatalf("set value for %q", k)
				}
			default:
				t.Fatalf("environment value %T", v)
			}
		}
	}
	env, err := EnvFromMap(m)
	if err != nil {
		t.Fatal(err)
	}
	return env.WithExtras(extras...).WithDependencyGroups(groups...)
}

func str(c map[string]any, k string) string {
	s, _ := c[k].(string)
	return s
}

// pyStrip is Python's str.strip().
func pyStrip(s string) string { return strings.TrimFunc(s, isPySpace) }

// stripClass removes the "module.Class: " prefix of a Python exception text.
func stripClass(s string) string {
	for _, p := range []string{"packaging.markers.InvalidMarker: ", "packaging.requirements.InvalidRequirement: "} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}

// vectorCase checks one case; it returns "" on success, else what went
// wrong.
type vectorCase func(t *testing.T, c map[string]any) string

func markerParses(key string) vectorCase {
	return func(t *testing.T, c map[string]any) string {
		m, err := ParseMarker(str(c, key))
		if err != nil {
			return err.Error()
		}
		if _, err := ParseMarker(m.String()); err != nil {
			return fmt.Sprintf("String() %q does not parse: %v", m, err)
		}
		return ""
	}
}

func markerFails(key string) vectorCase {
	return func(t *testing.T, c map[string]any) string {
		if m, err := ParseMarker(str(c, key)); err == nil {
			return fmt.Sprintf("parsed as %q", m)
		}
		return ""
	}
}

func markerEvaluates(key string) vectorCase {
	return func(t *testing.T, c map[string]any) string {
		m, err := ParseMarker(str(c, key))
		if err != nil {
			return err.Error()
		}
		want := c["expected"].(bool)
		if got := m.Evaluate(overlayEnv(t, c["environment"])); got != want {
			return fmt.Sprintf("Evaluate = %v, want %v", got, want)
		}
		return ""
	}
}

func requirementMatches(t *testing.T, c map[string]any) string {
	r, err := Parse(str(c, "input"))
	if err != nil {
		return err.Error()
	}
	var problems []string
	if r.Name != str(c, "name") {
		problems = append(problems, fmt.Sprintf("name %q, want %q", r.Name, str(c, "name")))
	}
	var extras []string
	for _, x := range c["extras"].([]any) {
		extras = append(extras, x.(string))
	}
	sort.Strings(extras)
	extras = slices.Compact(extras)
	if !slices.Equal(r.RawExtras, extras) {
		problems = append(problems, fmt.Sprintf("extras %q, want %q", r.RawExtras, extras))
	}
	if r.URL != str(c, "url") {
		problems = append(problems, fmt.Sprintf("url %q, want %q", r.URL, str(c, "url")))
	}
	spec, err := parseSpecifierList(str(c, "specifier"))
	if err != nil {
		return err.Error()
	}
	if !specifiersEqual(r.Specifiers, spec) {
		problems = append(problems, fmt.Sprintf("specifier %q, want %q", r.Specifiers, spec))
	}
	want := True()
	if ms, ok := c["marker"].(string); ok {
		if want, err = ParseMarker(ms); err != nil {
			return err.Error()
		}
	}
	if !r.Marker.Equal(want) {
		problems = append(problems, fmt.Sprintf("marker %q, want %q", r.Marker, want))
	}
	if back, err := Parse(r.String()); err != nil || !back.Equal(r) {
		problems = append(problems, fmt.Sprintf("String() %q does not round-trip (%v)", r, err))
	}
	return strings.Join(problems, "; ")
}

func requirementPair(equal, sameString bool) vectorCase {
	return func(t *testing.T, c map[string]any) string {
		a, err := Parse(str(c, "dep1"))
		if err != nil {
			return err.Error()
		}
		b, err := Parse(str(c, "dep2"))
		if err != nil {
			return err.Error()
		}
		if a.Equal(b) != equal || b.Equal(a) != equal {
			return fmt.Sprintf("Equal(%q, %q) = %v, want %v", a, b, a.Equal(b), equal)
		}
		if equal && (a.String() == b.String()) != sameString {
			return fmt.Sprintf("strings %q and %q: same = %v, want %v", a, b, !sameString, sameString)
		}
		return ""
	}
}

var vectorGroups = map[string]vectorCase{
	"marker_valid":                   markerParses("marker_string"),
	"marker_valid_pep345_names":      markerParses("marker_string"),
	"marker_valid_setuptools_legacy": markerParses("marker_string"),
	"marker_invalid":                 markerFails("marker_string"),
	"marker_invalid_line_break":      markerFails("input"),
	"marker_trailing_whitespace_ok": func(t *testing.T, c map[string]any) string {
		m, err := ParseMarker(str(c, "input"))
		if err != nil {
			return err.Error()
		}
		if want := MustParseMarker(`python_version >= "3"`); !m.Equal(want) {
			return fmt.Sprintf("got %q, want %q", m, want)
		}
		return ""
	},
	"marker_invalid_quoted_string": func(t *testing.T, c map[string]any) string {
		_, err := ParseMarker(str(c, "marker_string"))
		if err == nil {
			return "parsed"
		}
		if want := stripClass(str(c, "expected")); err.Error() != want {
			return fmt.Sprintf("error\n%s\nwant\n%s", err, want)
		}
		return ""
	},
	"marker_str": func(t *testing.T, c map[string]any) string {
		m, err := ParseMarker(str(c, "marker_string"))
		if err != nil {
			return err.Error()
		}
		want := str(c, "expected")
		if m.String() != want {
			return fmt.Sprintf("String() = %q, want %q", m, want)
		}
		if !m.Equal(MustParseMarker(want)) {
			return "not Equal to the parsed expected string"
		}
		return ""
	},
	"marker_not_equal": func(t *testing.T, c map[string]any) string {
		a, b := MustParseMarker(str(c, "example1")), MustParseMarker(str(c, "example2"))
		if a.Equal(b) || b.Equal(a) {
			return fmt.Sprintf("%q Equal %q", a, b)
		}
		return ""
	},
	"marker_evaluate":                    markerEvaluates("marker_string"),
	"marker_evaluate_pep345":             markerEvaluates("marker_string"),
	"marker_evaluate_version_like_extra": markerEvaluates("marker_string"),
	"marker_evaluate_set_valued":         markerEvaluates("marker"),
	"marker_evaluate_misc":               markerEvaluates("marker"),
	"marker_extra_normalization": func(t *testing.T, c map[string]any) string {
		m, err := ParseMarker(str(c, "input"))
		if err != nil {
			return err.Error()
		}
		if m.String() != str(c, "expected") {
			return fmt.Sprintf("String() = %q, want %q", m, str(c, "expected"))
		}
		return ""
	},
	"requirement_valid":      requirementMatches,
	"requirement_valid_edge": requirementMatches,
	"requirement_normalized_str": func(t *testing.T, c map[string]any) string {
		r, err := Parse(str(c, "input_req"))
		if err != nil {
			return err.Error()
		}
		if r.String() != str(c, "norm_req") {
			return fmt.Sprintf("String() = %q, want %q", r, str(c, "norm_req"))
		}
		return ""
	},
	"requirement_valid_marker": func(t *testing.T, c map[string]any) string {
		if _, err := Parse("name; " + str(c, "marker")); err != nil {
			return err.Error()
		}
		return ""
	},
	"requirement_file_url": func(t *testing.T, c map[string]any) string {
		r, err := Parse("name @ " + str(c, "url"))
		if err != nil {
			return err.Error()
		}
		if r.URL != str(c, "url") {
			return fmt.Sprintf("URL %q", r.URL)
		}
		return ""
	},
	"requirement_str_roundtrip": func(t *testing.T, c map[string]any) string {
		r, err := Parse(str(c, "input"))
		if err != nil {
			return err.Error()
		}
		if want := pyStrip(str(c, "input")); r.String() != want {
			return fmt.Sprintf("String() = %q, want %q", r, want)
		}
		return ""
	},
	"requirement_equal":      requirementPair(true, true),
	"requirement_equivalent": requirementPair(true, false),
	"requirement_different":  requirementPair(false, false),
	"requirement_invalid": func(t *testing.T, c map[string]any) string {
		r, err := Parse(str(c, "input"))
		if err == nil {
			return fmt.Sprintf("parsed as %q", r)
		}
		if want, ok := c["expected_error"].(string); ok && err.Error() != stripClass(want) {
			return fmt.Sprintf("error\n%s\nwant\n%s", err, stripClass(want))
		}
		if pat, ok := c["expected_error_match"].(string); ok && !regexp.MustCompile(pat).MatchString(err.Error()) {
			return fmt.Sprintf("error %q does not match %q", err, pat)
		}
		return ""
	},
}

func TestVectors(t *testing.T) {
	var file vectorFileShape
	testkit.LoadJSON(t, vectorFile, &file)
	tally := testkit.NewTally(t, vectorFile)
	names := make([]string, 0, len(file.Groups))
	for name := range file.Groups {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		g := file.Groups[name]
		check, ok := vectorGroups[name]
		if !ok {
			t.Errorf("group %s (%d cases) has no check", name, len(g.Cases))
			tally.Skip(len(g.Cases))
			continue
		}
		t.Run(name, func(t *testing.T) {
			for i, c := range g.Cases {
				if msg := check(t, c); !tally.Check(msg == "") {
					t.Errorf("case %d %v: %s", i, c, msg)
				}
			}
		})
	}
}
