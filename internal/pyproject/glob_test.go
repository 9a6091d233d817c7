package pyproject

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type fnCase struct {
	name, pat string
	want      bool
}

func fnmatchCases() []fnCase {
	return []fnCase{
		{"pkg", "pkg", true},
		{"pkg.tests", "*.tests", true},
		{"tests", "*.tests", false},
		{"a.tests.unit", "*.tests", false},
		{"a.tests.unit", "*.tests.*", true},
		{"a.b.c", "a*", true},
		{"abc", "a?c", true},
		{"ac", "a?c", false},
		{"a.c", "a?c", true},
		{"b", "[abc]", true},
		{"d", "[abc]", false},
		{"d", "[!abc]", true},
		{"-", "[a-]", true},
		{"-", "[-a]", true},
		{"b", "[a-c]", true},
		{"b", "[c-a]", false},
		{"]", "[]]", true},
		{"]", "[!]]", false},
		{"x", "[!]]", true},
		{"[", "[", true},
		{"[ab", "[ab", true},
		{"a", "[!]", false},
		{"!", "[!]", false},
		{"\\", "[\\]", true},
		{"a-b", "a[-]b", true},
		{"Pkg", "pkg", false},
		{"", "*", true},
		{"", "", true},
		{"x", "", false},
		{"aaa", "a*a*a", true},
		{"aa", "a*a*a", false},
		{"a.b", "a[.]b", true},
		{"b", "[a-c-e]", true},
		{"-", "[a-c-e]", true},
		{"d", "[a-c-e]", false},
		{"e", "[a-c-e]", true},
		{"é", "[à-ê]", true},
		{"SConstruct", "[Ss][Cc]onstruct", true}, {"Construct", "[Ss][Cc]onstruct", false},
		{"_x", "[._]*", true},
		{".x", "[._]*", true},
	}
}

func TestFnmatch(t *testing.T) {
	for _, tc := range fnmatchCases() {
		if got := fnmatch(tc.name, tc.pat); got != tc.want {
			t.Errorf("fnmatch(%q, %q) = %v, want %v", tc.name, tc.pat, got, tc.want)
		}
	}
}

// TestFnmatchAgainstPython checks the same cases with Python's
// fnmatch.fnmatchcase, when python3 is available.
func TestFnmatchAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	cases := fnmatchCases()
	var in [][2]string
	for _, c := range cases {
		in = append(in, [2]string{c.name, c.pat})
	}
	data, _ := json.Marshal(in)
	cmd := exec.Command(py, "-c", `
import json, sys, fnmatch
print(json.dumps([fnmatch.fnmatchcase(n, p) for n, p in json.load(sys.stdin)]))`)
	cmd.Stdin = strings.NewReader(string(data))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var want []bool
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if got := fnmatch(c.name, c.pat); got != want[i] {
			t.Errorf("fnmatch(%q, %q) = %v, Python says %v", c.name, c.pat, got, want[i])
		}
	}
}

func TestGlobFiles(t *testing.T) {
	fsys := files("LICENSE", "LICENSE.txt", "LICENCE-MIT", "COPYING", ".hidden", "licenses/a.txt",
		"licenses/sub/b.txt", "licenses/.secret", "docs/x.md", "data/a.conf", "data/b.conf", "data/sub/c.conf")
	tests := []struct {
		pat  string
		want []string
	}{
		{"LICEN[CS]E*", []string{"LICENCE-MIT", "LICENSE", "LICENSE.txt"}},
		{"LICENSE", []string{"LICENSE"}},
		{"./LICENSE", []string{"LICENSE"}},
		{"NOPE*", nil},
		{"*", []string{"COPYING", "LICENCE-MIT", "LICENSE", "LICENSE.txt"}},
		{".*", []string{".hidden"}},
		{"licenses/*", []string{"licenses/a.txt"}},
		{"licenses/**", []string{"licenses/a.txt", "licenses/sub/b.txt"}},
		{"**/*.txt", []string{"LICENSE.txt", "licenses/a.txt", "licenses/sub/b.txt"}},
		{"**/b.txt", []string{"licenses/sub/b.txt"}},
		{"data/*.conf", []string{"data/a.conf", "data/b.conf"}},
		{"data/**/*.conf", []string{"data/a.conf", "data/b.conf", "data/sub/c.conf"}},
		{"*/sub", nil}, // directories are not files
		{"licenses", nil},
	}
	for _, tc := range tests {
		got, err := globFiles(fsys, tc.pat)
		if err != nil {
			t.Fatalf("%s: %v", tc.pat, err)
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("globFiles(%q) (-want +got):\n%s", tc.pat, diff)
		}
	}
}

func TestCheckLicenseGlob(t *testing.T) {
	good := []string{"LICEN[CS]E*", "AUTHORS*", "licenses/LICENSE.MIT", "licenses/*", "LICENSE.txt", "**/LICENSE", "my license.txt", "lic?nse"}
	for _, g := range good {
		if err := checkLicenseGlob(g); err != nil {
			t.Errorf("checkLicenseGlob(%q) = %v, want nil", g, err)
		}
	}
	bad := map[string]string{
		`..\LICENSE.MIT`: "separator",
		"../LICENSE":     "..",
		"a/../LICENSE":   "..",
		"LICEN{CSE*":     "not allowed",
		"/LICENSE":       "relative",
		"LICEN[CS":       "unclosed",
		"LICEN[*]":       "inside [...]",
		"***":            "too many",
		"":               "empty",
		"LICENSE!":       "not allowed",
	}
	for g, want := range bad {
		err := checkLicenseGlob(g)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkLicenseGlob(%q) = %v, want an error mentioning %q", g, err, want)
		}
	}
}

func TestCleanRel(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"src", "src", false},
		{"./src/", "src", false},
		{".", ".", false},
		{"", ".", false},
		{"a/../b", "b", false},
		{"..", "", true},
		{"../x", "", true},
		{"a/../../x", "", true},
		{"/abs", "", true},
		{`C:\x`, "", true},
		{"c:/x", "", true},
	}
	for _, tc := range tests {
		got, err := cleanRel(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("cleanRel(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("cleanRel(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
