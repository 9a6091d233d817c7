package pep440

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSpecifierErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2.0", `invalid specifier "2.0": missing operator (for example "==" or ">=")`},
		{"=>2.0", `invalid specifier "=>2.0": unknown operator "=>"`},
		{"==", `invalid specifier "==": missing version after ==`},
		{"", `invalid specifier "": empty specifier`},
		{"~=1.0+5", `invalid specifier "~=1.0+5": a local version label is only allowed with == and !=`},
		{">=1.0.*", `invalid specifier ">=1.0.*": a .* wildcard is only allowed with == and !=`},
		{"==2.0a1.*", `invalid specifier "==2.0a1.*": a .* wildcard is only allowed directly after the release numbers`},
		{"~=1", `invalid specifier "~=1": ~= needs a release with at least two numbers`},
		{"==1.0x", `invalid specifier "==1.0x": invalid version "1.0x": unexpected "x" at offset 3`},
		{"===a b", `invalid specifier "===a b": ' ' is not allowed in an arbitrary-equality version`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseSpecifier(tc.in)
			var se *InvalidSpecifierError
			if !errors.As(err, &se) {
				t.Fatalf("error = %v, want *InvalidSpecifierError", err)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	_, err := ParseSpecifiers(">=1, foo")
	var se *InvalidSpecifierError
	if !errors.As(err, &se) || se.Input != " foo" {
		t.Errorf("ParseSpecifiers error = %v, want the clause named", err)
	}
	var ve *InvalidVersionError
	if _, err := ParseSpecifier("==1.0x"); !errors.As(err, &ve) {
		t.Errorf("want the version error wrapped, got %v", err)
	}
}

func TestSpecifierRoundTrip(t *testing.T) {
	tests := []struct{ in, str, canon string }{
		{" >= 1.0 ", ">=1.0", ">=1"},
		{"~=2.0.0", "~=2.0.0", "~=2.0.0"},
		{"==1.2.*", "==1.2.*", "==1.2.*"},
		{"===Foo", "===Foo", "===Foo"},
		{"<= v1.0.0", "<=v1.0.0", "<=1"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			s := MustParseSpecifier(tc.in)
			if s.String() != tc.str || s.canonical() != tc.canon {
				t.Errorf("String, canonical = %q, %q; want %q, %q", s.String(), s.canonical(), tc.str, tc.canon)
			}
			if again := MustParseSpecifier(s.String()); again != s {
				t.Errorf("reparse differs: %#v vs %#v", again, s)
			}
		})
	}
	if !MustParseSpecifier("==1.2.0").Equal(MustParseSpecifier("== 1.2")) {
		t.Errorf("==1.2.0 should equal == 1.2")
	}
	if MustParseSpecifier("~=1.0").Equal(MustParseSpecifier("~=1.0.0")) {
		t.Errorf("~=1.0 should not equal ~=1.0.0")
	}
}

func TestSpecifiersString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{">=1.0 , <2", "<2,>=1.0"},
		{"==1.0,==1.0.0", "==1.0"},
		{",,>1,", ">1"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := MustParseSpecifiers(tc.in).String(); got != tc.want {
				t.Errorf("String = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	vs := []Version{MustParse("1.0"), MustParse("2.0a1"), MustParse("1.5"), MustParse("3.0.dev1")}
	tests := []struct {
		spec string
		pre  Prereleases
		want []string
	}{
		{">=1.0", PrereleasesDefault, []string{"1.0", "1.5"}},
		{">=1.0", PrereleasesAllow, []string{"1.0", "2.0a1", "1.5", "3.0.dev1"}},
		{">=2.0.dev0", PrereleasesDefault, []string{"2.0a1", "3.0.dev1"}}, // named pre-release
		{">1.5", PrereleasesDefault, []string{"2.0a1", "3.0.dev1"}},       // no final matches
		{">1.5", PrereleasesDeny, nil},
	}
	for _, tc := range tests {
		t.Run(tc.spec+" "+tc.pre.String(), func(t *testing.T) {
			var got []string
			for _, v := range MustParseSpecifiers(tc.spec).Filter(vs, tc.pre) {
				got = append(got, v.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	type cand struct {
		name string
		v    Version
	}
	got := FilterFunc(MustParseSpecifiers("<2"), []cand{{"a", vs[0]}, {"b", vs[2]}}, func(c cand) Version { return c.v }, PrereleasesDefault)
	if len(got) != 2 || got[1].name != "b" {
		t.Errorf("FilterFunc = %v", got)
	}
}

func TestPrereleasesOr(t *testing.T) {
	tests := []struct{ call, conf, want Prereleases }{
		{PrereleasesDefault, PrereleasesDeny, PrereleasesDeny},
		{PrereleasesAllow, PrereleasesDeny, PrereleasesAllow},
		{PrereleasesDeny, PrereleasesAllow, PrereleasesDeny},
		{PrereleasesDefault, PrereleasesDefault, PrereleasesDefault},
	}
	for _, tc := range tests {
		t.Run(tc.call.String()+"/"+tc.conf.String(), func(t *testing.T) {
			if got := tc.call.Or(tc.conf); got != tc.want {
				t.Errorf("Or = %s, want %s", got, tc.want)
			}
		})
	}
}
