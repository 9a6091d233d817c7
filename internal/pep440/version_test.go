package pep440

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, want string
		offset   int
	}{
		{"1.0x", `invalid version "1.0x": unexpected "x" at offset 3`, 3},
		{"", `invalid version "": empty string`, -1},
		{" \t", `invalid version " \t": empty string`, -1},
		{"french toast", `invalid version "french toast": unexpected "f" at offset 0`, 0},
		{"1.0+", `invalid version "1.0+": unexpected end at offset 4`, 4},
		{"  1..0", `invalid version "  1..0": unexpected "." at offset 3`, 3},
		{"1!", `invalid version "1!": unexpected end at offset 2`, 2},
		{"1.0+a+", `invalid version "1.0+a+": unexpected "+" at offset 5`, 5},
		{"١٢٣", `invalid version "١٢٣": unexpected "١" at offset 0`, 0},
		{"99999999999999999999", `invalid version "99999999999999999999": number 99999999999999999999 is too large at offset 0`, 0},
		{"1.0.dev1.post1", `invalid version "1.0.dev1.post1": unexpected "." at offset 8`, 8},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := Parse(tc.in)
			var ve *InvalidVersionError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse(%q) error = %v, want *InvalidVersionError", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if ve.Offset != tc.offset || ve.Input != tc.in {
				t.Errorf("Offset, Input = %d, %q; want %d, %q", ve.Offset, ve.Input, tc.offset, tc.in)
			}
		})
	}
}

func TestParseLenient(t *testing.T) {
	// Spellings that only PEP 440's lenient reading accepts, beyond the vectors.
	tests := []struct{ in, want string }{
		{"1.0a.", "1.0a0"},
		{"1.0.post.", "1.0.post0"},
		{"1.0-1dev", "1.0.post1.dev0"},
		{"1.0rc.post.dev", "1.0rc0.post0.dev0"},
		{"1.0_a_1", "1.0a1"},
		{"1.0+ABC-def_01", "1.0+abc.def.1"},
		{"01!02.003", "1!2.3"},
		{"1.0.1c1", "1.0.1rc1"},
		{"V1.0PREVIEW2", "1.0rc2"},
		{"\u30001.0\u2003", "1.0"},
		{"1.0+0007", "1.0+7"},
		{"1.0+123456789012345678901234567890", "1.0+123456789012345678901234567890"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			v, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.String(); got != tc.want {
				t.Errorf("Parse(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestEqualityVersusCompare(t *testing.T) {
	a, b := MustParse("1.0"), MustParse("1.0.0")
	if a == b {
		t.Errorf("1.0 == 1.0.0 as values; want distinct normalized forms")
	}
	if a.Compare(b) != 0 || !a.Equal(b) {
		t.Errorf("Compare(1.0, 1.0.0) = %d, want 0", a.Compare(b))
	}
	if MustParse("0!1.0") != MustParse("v1.0") {
		t.Errorf("0!1.0 and v1.0 normalize differently")
	}
	m := map[Version]int{a: 1}
	if _, ok := m[MustParse(" 1.0 ")]; !ok {
		t.Errorf("map lookup by an equal spelling failed")
	}
	if MustParse("1.0+a").Compare(MustParse("1.0")) != 1 {
		t.Errorf("1.0+a should sort above 1.0")
	}
	var zero Version
	if !zero.IsZero() || zero.Compare(MustParse("0.dev0")) != -1 {
		t.Errorf("zero Version should sort below 0.dev0")
	}
	if MustParse("0.dev0").key != minKey {
		t.Errorf("minKey is not the key of 0.dev0")
	}
}

func TestVersionSort(t *testing.T) {
	in := []string{"1.0", "1.0.post1", "1.0a1", "1.0.dev0", "1!0.1", "1.0+local", "0.9", "1.0rc1.post1.dev2", "1.0.0.1"}
	want := []string{"0.9", "1.0.dev0", "1.0a1", "1.0rc1.post1.dev2", "1.0", "1.0+local", "1.0.post1", "1.0.0.1", "1!0.1"}
	vs := make([]Version, len(in))
	for i, s := range in {
		vs[i] = MustParse(s)
	}
	slices.SortFunc(vs, Compare)
	var got []string
	for _, v := range vs {
		got = append(got, v.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sorted (-want +got):\n%s", diff)
	}
}

func TestVersionParts(t *testing.T) {
	v := MustParse("2!1.02.0rc3.post4.dev5+Ubuntu-1")
	type summary struct {
		Epoch                 int
		Release               []int
		PreKind               string
		PreN                  int
		Post, Dev             int
		Local                 string
		Public, Base, Canon   string
		IsPre, IsPost, IsDev  bool
		HasPre, HasPost, HDev bool
	}
	kind, n, hasPre := v.Pre()
	post, hasPost := v.Post()
	dev, hasDev := v.Dev()
	got := summary{v.Epoch(), v.Release(), kind, n, post, dev, v.Local(), v.Public().String(), v.BaseVersion().String(),
		v.Canonical(), v.IsPrerelease(), v.IsPostrelease(), v.IsDevrelease(), hasPre, hasPost, hasDev}
	want := summary{2, []int{1, 2, 0}, "rc", 3, 4, 5, "ubuntu.1", "2!1.2.0rc3.post4.dev5", "2!1.2.0",
		"2!1.2rc3.post4.dev5+ubuntu.1", true, true, true, true, true, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestVersionJSON(t *testing.T) {
	var got struct{ V Version }
	if err := json.Unmarshal([]byte(`{"V":"1.0-RC1"}`), &got); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"V":"1.0rc1"}`, string(b)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"V":"nope"}`), &got); err == nil {
		t.Errorf("invalid version unmarshalled")
	}
}

func TestNoAllocs(t *testing.T) {
	a, b := MustParse("1.2.3rc1"), MustParse("1.2.3")
	specs := MustParseSpecifiers(">=1.0,!=1.3.*,<3.0,~=1.2")
	set := FromSpecifiers(specs)
	tests := []struct {
		name string
		f    func()
	}{
		{"Compare", func() { _ = a.Compare(b) }},
		{"Specifiers.Contains", func() { _ = specs.Contains(b, PrereleasesDeny) }},
		{"Set.Contains", func() { _ = set.Contains(a) }},
		{"IsPrerelease", func() { _ = a.IsPrerelease() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, tc.f); n != 0 {
				t.Errorf("%s allocates %v times", tc.name, n)
			}
		})
	}
}
