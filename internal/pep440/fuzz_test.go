package pep440

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"ferry/internal/testkit"
)

var fuzzVersionSeeds = []string{
	"1.0", "1.0.0", "v1.0", " 1!2.3.4rc5.post6.dev7+abc.8 ", "1.0-1", "1.0a.", "1.0.post.",
	"1.0+AbC-01_x", "0.dev0", "1.0x", "", "1..0", "1.0+", "١٢٣", "99999999999999999999",
	"1.0+123456789012345678901234567890", "1.0.dev1.post1", "1.0_a_1", "V1.0PREVIEW", "1.0c",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzVersionSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			if !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Errorf("error %q does not name the input %q", err, s)
			}
			if c := CanonicalizeVersion(s); c != s {
				t.Errorf("CanonicalizeVersion(invalid %q) = %q", s, c)
			}
			return
		}
		w, err := Parse(v.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not reparse: %v", s, v, err)
		}
		if w != v || w.String() != v.String() || w.Compare(v) != 0 {
			t.Errorf("round trip %q -> %q -> %q", s, v, w)
		}
		c, err := Parse(v.Canonical())
		if err != nil || !c.Equal(v) {
			t.Errorf("Canonical(%q) = %q does not compare equal: %v", v, v.Canonical(), err)
		}
		if v.Local() == "" {
			if v.Public() != v {
				t.Errorf("Public(%q) = %q", v, v.Public())
			}
		} else if v.Public().Compare(v) >= 0 {
			t.Errorf("Public(%q) = %q does not sort below", v, v.Public())
		}
		if b := v.BaseVersion(); b.Epoch() != v.Epoch() || !slices.Equal(b.Release(), v.Release()) ||
			b.IsPrerelease() || b.IsPostrelease() || b.Local() != "" {
			t.Errorf("BaseVersion(%q) = %q", v, b)
		}
		if _, err := ParseSpecifier("==" + v.String()); err != nil {
			t.Errorf("==%s does not parse: %v", v, err)
		}
	})
}

func FuzzParseSpecifiers(f *testing.F) {
	for _, s := range []string{
		">=1.0,<2.0", "~=1.4.2", "==1.*", "!=1.0.*", "===foo", "== v1.0+local", ">1.0a1, <=2", "",
		",,", "=>1", "~=1", ">=1.0.*", "==1.0.*.5", "<1.0.post1", "===", "====1.0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		specs, err := ParseSpecifiers(s)
		if err != nil {
			if !strings.Contains(err.Error(), "invalid specifier") {
				t.Errorf("error %q does not say what is wrong", err)
			}
			return
		}
		again, err := ParseSpecifiers(specs.String())
		if err != nil {
			t.Fatalf("String %q of %q does not reparse: %v", specs, s, err)
		}
		if !again.Equal(specs) || again.String() != specs.String() {
			t.Errorf("round trip %q -> %q -> %q", s, specs, again)
		}
		for _, spec := range specs {
			back, err := ParseSpecifier(spec.String())
			if err != nil || back != spec {
				t.Errorf("clause %q does not round trip: %v", spec, err)
			}
		}
		set := FromSpecifiers(specs)
		_ = set.String()
		if !specs.hasArbitrary() && set.IsEmpty() != specs.IsUnsatisfiable(PrereleasesDefault) {
			t.Errorf("%q: Set empty = %v, IsUnsatisfiable = %v", s, set.IsEmpty(), !set.IsEmpty())
		}
	})
}

// neighbours returns versions around each clause's version, where the
// boundaries of its interval lie.
func neighbours(specs Specifiers) []Version {
	var out []Version
	suffixes := []string{"", ".dev0", ".dev1", "a1", "a1.post1", "rc1.dev0", ".post0", ".post0.dev0",
		".post1", ".post1.dev0", "+local", "+1", ".0", ".0.1", ".1", ".1.dev0"}
	for _, spec := range specs {
		if spec.op == OpArbitrary {
			continue
		}
		v, err := Parse(strings.TrimSuffix(spec.ver, ".*"))
		if err != nil {
			continue
		}
		bases := []string{v.String(), v.Public().String(), v.BaseVersion().String()}
		for _, b := range bases {
			for _, suf := range suffixes {
				if w, err := Parse(b + suf); err == nil {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

func FuzzSetOps(f *testing.F) {
	var file vectorFile
	testkit.LoadJSON(f, "pep440_specifiers.json", &file)
	var samples []Version
	for _, s := range file.SampleVersions {
		if v, err := Parse(s); err == nil {
			samples = append(samples, v)
		}
	}
	for _, pair := range [][3]string{
		{">=1.0,<2.0", "!=1.5", "1.5+x"},
		{">1.0a1", "<1.0a2.dev0", "1.0a1.post3"},
		{"==1.*", "~=1.4", "1.4.0.0.1"},
		{"==1.0+abc", "<=1.0", "1.0+abc.0"},
		{">1.0", "<=1.0.post1", "1.0.0.1"},
		{"!=1.0", "==1.0.*", "1!1.0"},
		{"", "<0", "0"},
	} {
		f.Add(pair[0], pair[1], pair[2])
	}
	f.Fuzz(func(t *testing.T, a, b, extra string) {
		sa, err := ParseSpecifiers(a)
		if err != nil || sa.hasArbitrary() {
			return
		}
		sb, err := ParseSpecifiers(b)
		if err != nil || sb.hasArbitrary() {
			return
		}
		A, B := FromSpecifiers(sa), FromSpecifiers(sb)
		vs := append(neighbours(sa), neighbours(sb)...)
		if v, err := Parse(extra); err == nil {
			vs = append(vs, v)
		}
		vs = append(vs, samples...)
		union, inter, diff, compA := A.Union(B), A.Intersect(B), A.Difference(B), A.Complement()
		subset := true
		for _, v := range vs {
			ia, ib := A.Contains(v), B.Contains(v)
			if ia != sa.Contains(v, PrereleasesAllow) {
				t.Fatalf("%q: Set %s Contains(%s) = %v, Specifiers.Contains = %v", a, A, v, ia, !ia)
			}
			if ib != sb.Contains(v, PrereleasesAllow) {
				t.Fatalf("%q: Set %s Contains(%s) = %v, Specifiers.Contains = %v", b, B, v, ib, !ib)
			}
			if union.Contains(v) != (ia || ib) || inter.Contains(v) != (ia && ib) ||
				diff.Contains(v) != (ia && !ib) || compA.Contains(v) == ia {
				t.Fatalf("%s, %s: set algebra wrong at %s", A, B, v)
			}
			if ia && !ib {
				subset = false
			}
		}
		if !subset && A.IsSubset(B) {
			t.Errorf("%s IsSubset %s, but a sample is only in the first", A, B)
		}
		if inter.IsEmpty() != A.IsDisjoint(B) {
			t.Errorf("IsDisjoint disagrees with Intersect")
		}
		if !union.Equal(B.Union(A)) || !inter.Equal(B.Intersect(A)) {
			t.Errorf("union or intersection not commutative")
		}
		if !compA.Complement().Equal(A) || !A.Union(compA).IsFull() || !A.Intersect(compA).IsEmpty() {
			t.Errorf("complement laws fail for %s", A)
		}
		if !FromSpecifiers(sa.Intersect(sb)).Equal(inter) {
			t.Errorf("FromSpecifiers(a & b) != A ∩ B")
		}
		_ = union.String()
	})
}
