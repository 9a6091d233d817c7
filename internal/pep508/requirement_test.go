package pep508

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/pep440"
	"ferry/internal/pkgname"
)

// reqCmp compares Requirements field by field: markers by Equal,
// specifier lists by their canonical string.
var reqCmp = cmp.Options{
	cmp.Comparer(func(a, b Marker) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b pep440.Specifiers) bool { return a.String() == b.String() }),
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Requirement
		str  string
	}{
		{"name", Requirement{Name: "name", Normalized: "name"}, "name"},
		{"  Foo.Bar_baz  ", Requirement{Name: "Foo.Bar_baz", Normalized: "foo-bar-baz"}, "Foo.Bar_baz"},
		{"name [ B_b , a,a ] ( >= 1.0 , < 2 ) ; python_version<'3.8'", Requirement{
			Name: "name", Normalized: "name",
			Extras: []pkgname.Name{"a", "b-b"}, RawExtras: []string{"B_b", "a"},
			Specifiers: pep440.MustParseSpecifiers("<2,>=1.0"),
			Marker:     MustParseMarker(`python_version < "3.8"`),
		}, `name[B_b,a]<2,>=1.0; python_version < "3.8"`},
		{"name==\n1.0", Requirement{Name: "name", Normalized: "name", Specifiers: pep440.MustParseSpecifiers("==1.0")}, "name==1.0"},
		{"name>=1,", Requirement{Name: "name", Normalized: "name", Specifiers: pep440.MustParseSpecifiers(">=1")}, "name>=1"},
		{"name===x y", Requirement{}, ""}, // see TestParseErrors
		{"name@https://x/y.whl", Requirement{Name: "name", Normalized: "name", URL: "https://x/y.whl"}, "name @ https://x/y.whl"},
		{"name @ https://x/y.whl\t;extra=='X'", Requirement{
			Name: "name", Normalized: "name", URL: "https://x/y.whl", Marker: MustParseMarker(`extra == "x"`),
		}, `name @ https://x/y.whl ; extra == "x"`},
		// A URL runs to the next blank, ";" included.
		{"name @ https://x/;os_name=='a'", Requirement{Name: "name", Normalized: "name", URL: "https://x/;os_name=='a'"}, "name @ https://x/;os_name=='a'"},
		// The reference accepts a name ending in "_" (a \w character).
		{"foo_", Requirement{Name: "foo_", Normalized: "foo-"}, "foo_"},
	}
	for _, tc := range tests {
		if tc.str == "" {
			continue
		}
		t.Run(tc.in, func(t *testing.T) {
			r, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, r, reqCmp); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, diff)
			}
			if got := r.String(); got != tc.str {
				t.Errorf("String() = %q, want %q", got, tc.str)
			}
			if back, err := Parse(r.String()); err != nil || !back.Equal(r) {
				t.Errorf("String %q does not round-trip: %v", r, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"name 1.0", "Expected semicolon (after name with no version specifier) or end\n    name 1.0\n         ^"},
		{"name # comment", "Expected semicolon (after name with no version specifier) or end\n    name # comment\n         ^"},
		{"name>=1.0 (", "Expected comma (within version specifier), semicolon (after version specifier) or end\n    name>=1.0 (\n        ~~~~~~^"},
		{"name; os_name == 'a' )", "Expected end of dependency specifier\n    name; os_name == 'a' )\n                         ^"},
		{"name===x y", "Expected comma (within version specifier), semicolon (after version specifier) or end\n    name===x y\n        ~~~~~^"},
		{"name ~= 1", "Expected semicolon (after name with no version specifier) or end\n    name ~= 1\n         ^"},
		{"name ~= 1.0.*", ".* suffix can only be used with `==` or `!=` operators\n    name ~= 1.0.*\n         ~~~~~~~^"},
		{"name===x,y", "Invalid specifier: 'y'\n    name===x,y\n        ~~~~~~^"},
		{"náme", "Expected package name at the start of dependency specifier\n    náme\n    ^"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := Parse(tc.in)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error = %v, want *ParseError", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error text (-want +got):\n%s", diff)
			}
		})
	}
	// An invalid specifier item wraps the pep440 error.
	_, err := Parse("name===x,y")
	var se *pep440.InvalidSpecifierError
	if !errors.As(err, &se) {
		t.Errorf("Parse(name===x,y) error %v does not wrap *pep440.InvalidSpecifierError", err)
	}
}

func TestRequirementEqual(t *testing.T) {
	tests := []struct {
		a, b  string
		equal bool
	}{
		{"Foo.Bar[X_y]>=1.0", "foo-bar[x-Y]>=1.0.0", true},
		{"foo>=1,<2", "foo<2,>=1", true},
		{"foo>=1,<2", "foo<2", false},
		{"foo[a,b]", "foo[b,A,a]", true},
		{"foo", "foo[a]", false},
		{"foo @ https://x", "foo @ https://X", false},
		{"foo; os_name=='a'", "foo; os_name == \"a\"", true},
		{"foo; os_name=='a'", "foo", false},
		{"foo; (os_name=='a')", "foo; os_name=='a'", true},
	}
	for _, tc := range tests {
		t.Run(tc.a+" vs "+tc.b, func(t *testing.T) {
			a, b := MustParse(tc.a), MustParse(tc.b)
			if a.Equal(b) != tc.equal || b.Equal(a) != tc.equal {
				t.Errorf("Equal = %v, want %v", a.Equal(b), tc.equal)
			}
		})
	}
}

func TestRequirementStringFromFields(t *testing.T) {
	// A Requirement built by hand, without RawExtras, prints its Extras.
	r := Requirement{
		Name:       "demo",
		Normalized: "demo",
		Extras:     []pkgname.Name{"a", "b-c"},
		Specifiers: pep440.MustParseSpecifiers(">=1"),
		Marker:     And(MustParseMarker(`os_name == "posix"`), MustParseMarker(`extra == "t"`)),
	}
	want := `demo[a,b-c]>=1; os_name == "posix" and extra == "t"`
	if got := r.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if back := MustParse(want); !back.Equal(r) {
		t.Errorf("Parse(%q) not Equal to the hand-built value", want)
	}
}
