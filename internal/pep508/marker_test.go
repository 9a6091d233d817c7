package pep508

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/pkgname"
)

func TestMarkerString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"quotes become double", `os_name=='nt'`, `os_name == "nt"`},
		{"legacy names", `os.name == 'a' and sys.platform == 'b' and platform.version == 'c' and platform.machine == 'd' and platform.python_implementation == 'e' and python_implementation == 'f'`,
			`os_name == "a" and sys_platform == "b" and platform_version == "c" and platform_machine == "d" and platform_python_implementation == "e" and platform_python_implementation == "f"`},
		{"not in", `'3.'  not	in python_version`, `"3." not in python_version`},
		{"outer group dropped", `((os_name == "a" or os_name == "b"))`, `os_name == "a" or os_name == "b"`},
		{"single-term group dropped", `(os_name == "a") and (os_name == "b")`, `os_name == "a" and os_name == "b"`},
		{"grouping kept as written", `os_name == "a" and (os_name == "b" and os_name == "c")`, `os_name == "a" and (os_name == "b" and os_name == "c")`},
		{"no parentheses added", `os_name == "a" or os_name == "b" and os_name == "c"`, `os_name == "a" or os_name == "b" and os_name == "c"`},
		{"single quotes for a double quote", `os_name == 'a"b'`, `os_name == 'a"b'`},
		{"extra normalized", `extra == 'Foo.Bar__baz'`, `extra == "foo-bar-baz"`},
		{"extras member normalized", `'Foo_Bar' not in extras`, `"foo-bar" not in extras`},
		{"other literals kept", `os_name == 'Foo_Bar'`, `os_name == "Foo_Bar"`},
		{"escape decoded", `os_name == '\x41\101\u00e9'`, `os_name == "AAé"`},
		{"unknown escape kept", `os_name == '\d'`, `os_name == "\d"`},
		{"backslash before escape letter", `os_name == '\\n'`, `os_name == "\\n"`},
		{"line break escaped", `os_name == '\n'`, `os_name == "\n"`},
		{"both quotes escaped", `os_name == 'a\x22b\x27'`, `os_name == "a\x22b'"`},
		{"trailing blanks", "os_name == 'a' \t", `os_name == "a"`},
		{"keywords need no blanks", `os_name=="a"and(os_name=="b"or"c"in os_name)`, `os_name == "a" and (os_name == "b" or "c" in os_name)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMarker(tc.in)
			if err != nil {
				t.Fatalf("ParseMarker(%q): %v", tc.in, err)
			}
			if got := m.String(); got != tc.want {
				t.Errorf("ParseMarker(%q).String() = %q, want %q", tc.in, got, tc.want)
			}
			back, err := ParseMarker(m.String())
			if err != nil || !back.Equal(m) {
				t.Errorf("String %q does not round-trip: %v", m, err)
			}
		})
	}
}

func TestMarkerErrors(t *testing.T) {
	tests := []struct {
		in         string
		start, pos int
		want       string
	}{
		{"", 0, 0, "Expected a marker variable or quoted string\n    \n    ^"},
		{"os_name", 7, 7, "Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in\n    os_name\n           ^"},
		{"os_name == 'a' xor", 15, 15, "Expected end of marker expression\n    os_name == 'a' xor\n                   ^"},
		{"os_name not'a'", 11, 11, "Expected whitespace after 'not'\n    os_name not'a'\n               ^"},
		{"(os_name == 'a'", 0, 15, "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression\n    (os_name == 'a'\n    ~~~~~~~~~~~~~~~^"},
		// Columns count characters, not bytes.
		{"os_name == 'é' and", 18, 19, "Expected a marker variable or quoted string\n    os_name == 'é' and\n                      ^"},
		{`os_name == "\N{DASH}"`, 11, 21, "Invalid quoted string\n    os_name == \"\\N{DASH}\"\n               ~~~~~~~~~~^"},
		{"os_name == 'a\nb'", 11, 16, "Invalid quoted string\n    os_name == 'a\nb'\n               ~~~~~^"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseMarker(tc.in)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseMarker(%q) error = %v, want *ParseError", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error text (-want +got):\n%s", diff)
			}
			if pe.Input != tc.in {
				t.Errorf("Input = %q", pe.Input)
			}
			if pe.Pos < pe.Start || pe.Pos > len(tc.in) {
				t.Errorf("span [%d, %d] outside the input", pe.Start, pe.Pos)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	base := NewEnv(testValues)
	with := func(f func(*Values)) Env {
		v := testValues
		f(&v)
		return NewEnv(v)
	}
	tests := []struct {
		marker string
		env    Env
		want   bool
	}{
		{`python_version >= "3.8"`, base, true},
		{`python_version < "3.8"`, base, false},
		{`python_version == "3.11.0"`, base, true},                                                          // version equality pads zeros
		{`python_version == "3.*"`, base, true},                                                             // prefix match
		{`python_version != "3.11.*"`, base, false},                                                         // prefix exclusion
		{`python_full_version ~= "3.11.0"`, base, true},                                                     // compatible release
		{`python_version >= " 3.8 "`, base, true},                                                           // blanks allowed in a specifier
		{`python_version === "3.11"`, base, true},                                                           // arbitrary equality is textual
		{`python_version === "3.11.0"`, base, false},                                                        // ... so no padding
		{`"3.8" < python_version`, base, true},                                                              // literal on the left
		{`"3.12" < python_version`, base, false},                                                            //
		{`"3.*" == python_version`, base, false},                                                            // a wildcard is no version
		{`python_version in "3.10 3.11"`, base, true},                                                       // "in" is textual even for versions
		{`python_version > "3.11a1"`, base, true},                                                           //
		{`python_full_version >= "3.12"`, with(func(v *Values) { v.PythonFullVersion = "3.13.0a1" }), true}, // prereleases admitted
		{`python_full_version < "3.12"`, with(func(v *Values) { v.PythonFullVersion = "3.11.1+" }), true},   // untagged build repaired
		{`python_full_version == "3.11.1+local"`, with(func(v *Values) { v.PythonFullVersion = "3.11.1+" }), true},
		{`platform_release >= "5"`, base, false}, // "6.1.0-18-amd64" is not a version
		{`platform_release == "6.1.0-18-amd64"`, base, true},
		{`platform_release ~= "6.1"`, with(func(v *Values) { v.PlatformRelease = "6.1.5" }), true},
		{`os_name == "posix"`, base, true},
		{`os_name != "posix"`, base, false},
		{`os_name >= "posix"`, base, true},  // non-versions: >= is ==
		{`os_name <= "posiy"`, base, false}, // non-versions: <= is ==
		{`os_name < "z"`, base, false},      // non-versions: < never holds
		{`os_name > "a"`, base, false},
		{`os_name ~= "posix"`, base, false}, // undefined
		{`os_name === "posix"`, base, false},
		{`"osi" in os_name`, base, true},
		{`"z" not in os_name`, base, true},
		{`extra == "test"`, base, false},
		{`extra == "Te_St"`, base.WithExtra("te.st"), true},
		{`extra != "test"`, base, true},
		{`extra == "1.0"`, base.WithExtra("1.0.0"), false}, // extras are never versions
		{`"Foo" in extras`, base.WithExtras("foo", "bar"), true},
		{`"foo" in extras`, base, false},
		{`"foo" not in extras`, base, true},
		{`"a" == extras`, base.WithExtras("a"), false}, // a set is never a string
		{`"a" != extras`, base.WithExtras("a"), true},
		{`extras == "a"`, base.WithExtras("a"), false}, // undefined
		{`"dev" in dependency_groups`, base.WithDependencyGroups("Dev"), true},
		{`"dev" in dependency_groups`, base.WithExtras("dev"), false},
		{`os_name == os_name`, base, false}, // the right variable stands for its name
		{`os_name == sys_platform`, with(func(v *Values) { v.OSName = "sys_platform" }), true},
		{`"posix" == "os_name"`, base, true},  // a right literal naming a variable is looked up
		{`"posix" == "nothing"`, base, false}, // undefined
		{`os_name == "x" or os_name == "posix" and sys_platform == "linux"`, base, true},
		{`(os_name == "x" or os_name == "posix") and sys_platform == "win32"`, base, false},
		{`os_name == "posix" and (sys_platform == "win32" or extra == "test")`, base.WithExtra("test"), true},
		{`python_version >= "3"`, Env{}, false}, // the zero Env is empty
		{`os_name == ""`, Env{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.marker, func(t *testing.T) {
			m := MustParseMarker(tc.marker)
			if got := m.Evaluate(tc.env); got != tc.want {
				t.Errorf("Evaluate = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEvaluateStrict(t *testing.T) {
	env := NewEnv(testValues).WithExtras("a")
	tests := []struct {
		marker    string
		want      bool
		undefined bool
	}{
		{`os_name == "posix"`, true, false},
		{`os_name ~= "posix"`, false, true},
		{`os_name === "posix"`, false, true},
		{`python_version === "3.11"`, true, false},
		{`extras == "a"`, false, true},
		{`"a" ~= extras`, false, true},
		{`"a" in extras`, true, false},
		{`"x" == "y"`, false, true},
		// Every comparison is evaluated, as in the reference.
		{`os_name == "posix" or os_name ~= "posix"`, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.marker, func(t *testing.T) {
			got, err := MustParseMarker(tc.marker).EvaluateStrict(env)
			var ue *UndefinedComparisonError
			if errors.As(err, &ue) != tc.undefined {
				t.Fatalf("EvaluateStrict error = %v, want undefined %v", err, tc.undefined)
			}
			if err == nil && got != tc.want {
				t.Errorf("EvaluateStrict = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEvaluateExtras(t *testing.T) {
	env := NewEnv(testValues).WithExtra("ignored")
	tests := []struct {
		marker string
		extras []pkgname.Name
		want   bool
	}{
		{`extra == "test"`, nil, false},
		{`extra == "test"`, []pkgname.Name{"docs", "test"}, true},
		{`extra == "Te_St" and os_name == "posix"`, []pkgname.Name{"te-st"}, true},
		{`extra != "test"`, nil, true},
		{`extra != "test"`, []pkgname.Name{"test"}, false},
		{`extra == "ignored"`, nil, false},
		{``, []pkgname.Name{"x"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.marker, func(t *testing.T) {
			var m Marker
			if tc.marker != "" {
				m = MustParseMarker(tc.marker)
			}
			if got := m.EvaluateExtras(env, tc.extras); got != tc.want {
				t.Errorf("EvaluateExtras(%v) = %v, want %v", tc.extras, got, tc.want)
			}
		})
	}
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	env := NewEnv(testValues).WithExtra("test").WithExtras("a")
	for _, s := range []string{
		`python_version >= "3.8" and sys_platform == "linux" or extra == "test"`,
		`python_full_version === "3.11.7" or "3.8" in python_version`,
		`(os_name == "nt" or platform_release >= "5") and "a" in extras`,
		`"3.8" <= python_version and "3.11.7" === python_full_version and "3.11" in python_version`,
	} {
		m := MustParseMarker(s)
		for _, e := range []Env{env, {}} {
			if n := testing.AllocsPerRun(100, func() { m.Evaluate(e) }); n != 0 {
				t.Errorf("%s: %v allocations per Evaluate", s, n)
			}
		}
	}
}

func TestCombine(t *testing.T) {
	a := MustParseMarker(`os_name == "a"`)
	ab := MustParseMarker(`os_name == "a" or os_name == "b"`)
	c := MustParseMarker(`extra == "c"`)
	tests := []struct {
		name string
		got  Marker
		want string
	}{
		{"and", And(a, c), `os_name == "a" and extra == "c"`},
		{"and groups a disjunction", And(ab, c), `(os_name == "a" or os_name == "b") and extra == "c"`},
		{"or", Or(ab, c), `(os_name == "a" or os_name == "b") or extra == "c"`},
		{"true and", And(True(), c), `extra == "c"`},
		{"and true", And(c, True()), `extra == "c"`},
		{"true or", Or(True(), c), ``},
		{"false and", And(False(), c), `python_version < "0"`},
		{"false or", Or(False(), c), `extra == "c"`},
		{"or false", Or(c, False()), `extra == "c"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.got.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			if tc.want != "" && !tc.got.Equal(MustParseMarker(tc.want)) {
				t.Errorf("not Equal to ParseMarker(%q)", tc.want)
			}
		})
	}
	if !True().IsTrue() || True().IsFalse() || !False().IsFalse() || False().IsTrue() {
		t.Error("True/False predicates")
	}
	if !MustParseMarker(`python_version<'0'`).IsFalse() || c.IsFalse() || c.IsTrue() {
		t.Error("IsFalse/IsTrue on parsed markers")
	}
	env := NewEnv(testValues)
	for _, v := range []string{"3.11", "0", "0.dev0", "", "1!0"} {
		if False().Evaluate(env) || False().Evaluate(NewEnv(Values{PythonVersion: v})) {
			t.Errorf("False() holds for python_version %q", v)
		}
	}
	if !True().Evaluate(env) || !True().Equal(Marker{}) || True().Equal(c) {
		t.Error("True() semantics")
	}
}

func TestExtras(t *testing.T) {
	tests := []struct {
		marker string
		want   []pkgname.Name
	}{
		{`os_name == "a"`, nil},
		{`extra == "B_b" or ("a" == extra and extra != "b-b")`, []pkgname.Name{"a", "b-b"}},
		{`extra == os_name or "x" in extras`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.marker, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, MustParseMarker(tc.marker).Extras()); diff != "" {
				t.Errorf("Extras (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnv(t *testing.T) {
	env, err := EnvFromMap(map[string]string{
		"os_name":             "posix",
		"python_full_version": "3.12.0+",
		"extra":               "Foo_Bar",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Values{OSName: "posix", PythonFullVersion: "3.12.0+local"}
	if diff := cmp.Diff(want, env.Values()); diff != "" {
		t.Errorf("Values (-want +got):\n%s", diff)
	}
	if env.Extra() != "foo-bar" || env.WithExtra("").Extra() != "" || (Env{}).Extra() != "" {
		t.Errorf("Extra() = %q", env.Extra())
	}
	if _, err := EnvFromMap(map[string]string{"python_implementation": "CPython"}); err == nil {
		t.Error("EnvFromMap accepted a legacy name")
	}
	if diff := cmp.Diff(testValues, NewEnv(testValues).Values()); diff != "" {
		t.Errorf("NewEnv(v).Values() (-want +got):\n%s", diff)
	}
	// With methods copy.
	a := NewEnv(testValues)
	b := a.WithExtras("x")
	if MustParseMarker(`"x" in extras`).Evaluate(a) || !MustParseMarker(`"x" in extras`).Evaluate(b) {
		t.Error("WithExtras changed its receiver or did not apply")
	}
}
