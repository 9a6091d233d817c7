package pep440

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSetString(t *testing.T) {
	tests := []struct{ spec, set, complement string }{
		{">=1.0,<2.0", ">=1.0, <2.0", "<1.0 (incl. pre-releases) || >=2.0.dev0"},
		{"==1.2", "==1.2", "<1.2 (incl. pre-releases) || >=1.2.post0.dev0"},
		{"==1.2+abc", "==1.2+abc", "<1.2+abc || >1.2+abc"},
		{">1.0", ">1.0", "<=1.0 (incl. post-releases)"},
		{">1.0a1", ">=1.0a2.dev0", "<1.0a2.dev0"},
		{"<1.0", "<1.0", ">=1.0.dev0"},
		{"<=1.0", "<=1.0", ">=1.0.post0.dev0"},
		{"!=1.0", "<1.0 (incl. pre-releases) || >=1.0.post0.dev0", "==1.0"},
		{"~=1.4.2", ">=1.4.2, <1.5", "<1.4.2 (incl. pre-releases) || >=1.5.dev0"},
		{"==1.*", "==1.*", "<1.0 || >=2.0.dev0"},
		{"==1.0.*", "==1.0.*", "<1.0 || >=1.1.dev0"},
		{"<1.0.post1", "<=1.0.post0", ">=1.0.post1.dev0"},
		{">=3.8,!=3.9.*,<4", ">=3.8, <3.9 || >=3.10.dev0, <4.0", "<3.8 (incl. pre-releases) || ==3.9.* || >=4.0.dev0"},
		{"<0", "∅", "*"},
		{"", "*", "∅"},
		{"===1.0", "==1.0 (excl. local versions)", "<1.0 (incl. pre-releases) || >1.0 (incl. local versions)"},
		{"===1.01", "∅", "*"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			set := FromSpecifiers(MustParseSpecifiers(tc.spec))
			got := []string{set.String(), set.Complement().String()}
			if diff := cmp.Diff([]string{tc.set, tc.complement}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetCanonical(t *testing.T) {
	// Specifiers that admit the same versions give Equal sets.
	tests := []struct{ a, b string }{
		{">1.0.dev1", ">=1.0.dev2"},
		{">1.0a1", ">=1.0a2.dev0"},
		{"<=1.0", "<1.0.post0"},
		{">1.0.post1", ">=1.0.post2.dev0"},
		{"==1.*", ">=1.dev0,<2.dev0"},
		{"~=1.4", "==1.*,>=1.4"},
		{"==1.0", "==1.0.0"},
		{"!=1.0,!=1.1", "!=1.1,!=1.0.0"},
		{">=2.0,<1.0", "<0"},
		{"<0.dev0", "===1.01"},
	}
	for _, tc := range tests {
		t.Run(tc.a+" vs "+tc.b, func(t *testing.T) {
			a, b := FromSpecifiers(MustParseSpecifiers(tc.a)), FromSpecifiers(MustParseSpecifiers(tc.b))
			if !a.Equal(b) {
				t.Errorf("%s != %s", a, b)
			}
		})
	}
}

func TestSetOperations(t *testing.T) {
	set := func(s string) Set { return FromSpecifiers(MustParseSpecifiers(s)) }
	a, b := set(">=1.0,<3.0"), set(">=2.0")
	tests := []struct {
		name string
		got  Set
		want string
	}{
		{"union", a.Union(b), ">=1.0"},
		{"intersect", a.Intersect(b), ">=2.0, <3.0"},
		{"difference", a.Difference(b), ">=1.0, <2.0 (incl. pre-releases)"},
		{"exactly", Exactly(MustParse("1.0")).Union(set("==1.0")), "==1.0"},
		{"at least", AtLeast(MustParse("2.0")), ">=2.0"},
		{"below", Below(MustParse("2.0")), "<2.0 (incl. pre-releases)"},
		{"full", Full().Intersect(a), ">=1.0, <3.0"},
		{"empty", Empty().Union(a), ">=1.0, <3.0"},
		{"gap", set("<1.0").Union(set(">1.0")), "<1.0 || >1.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.got.String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	if !set("==2.5").IsSubset(a) || a.IsSubset(b) || a.IsDisjoint(b) || !set("<1").IsDisjoint(b) {
		t.Errorf("subset/disjoint relations wrong")
	}
	if !Full().IsFull() || !Empty().IsEmpty() || Full().Complement().IsFull() {
		t.Errorf("Full/Empty wrong")
	}
	if !set(">=1.0,<1.0.post0").HasFinal() || set(">=1.0a1,<1.0").HasFinal() || !set(">1.0").HasFinal() {
		t.Errorf("HasFinal wrong")
	}
	if got := set(">=1,!=1.5").Intervals(); len(got) != 2 {
		t.Errorf("Intervals = %q", got)
	}
}
