package deb

import (
	"encoding/json"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"ferry/internal/pep440"
	"ferry/internal/testkit"

	"github.com/google/go-cmp/cmp"
)

func mustConvert(t *testing.T, s, rel string) Version {
	t.Helper()
	v, err := FromPEP440(pep440.MustParse(s), rel)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestFromPEP440(t *testing.T) {
	cases := []struct{ in, want string }{
		{"1.0", "1.0"},
		{"1.0.0", "1.0.0"},
		{"2.31.0", "2.31.0"},
		{"1.0rc1", "1.0~rc1"},
		{"1.0a1", "1.0~a1"},
		{"1.0b2", "1.0~b2"},
		{"1.0.dev3", "1.0~~dev3"},
		{"1.0a1.dev2", "1.0~a1~dev2"},
		{"1.0.post1", "1.0+post1"},
		{"1.0.post1.dev2", "1.0+post1~dev2"},
		{"1.0a1.post1", "1.0~a1+post1"},
		{"2!1.0", "2:1.0"},
		{"1.2+abc.5", "1.2+~abc0.5"},
		{"1.2.dev3+gabc123", "1.2~~dev3+~gabc123"},
		{"1.2+1.2", "1.2+1.2"},
		{"v1.0-1", "1.0+post1"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got := mustConvert(t, tc.in, "1")
			if diff := cmp.Diff(tc.want+"-1", got.String()); diff != "" {
				t.Errorf("FromPEP440(%q) (-want +got):\n%s", tc.in, diff)
			}
			back, err := ParseVersion(got.String())
			if err != nil || back != got {
				t.Errorf("ParseVersion(%q) = %+v, %v; want %+v", got, back, err, got)
			}
		})
	}
}

func TestFromPEP440HugeEpoch(t *testing.T) {
	if v, err := FromPEP440(pep440.MustParse("2147483648!1.0"), "1"); err == nil {
		t.Errorf("converted to %s, want an error", v)
	}
	if _, err := FromPEP440(pep440.MustParse("2147483647!1.0"), "1"); err != nil {
		t.Error(err)
	}
}

func TestParseVersion(t *testing.T) {
	good := map[string]Version{
		"1.0":          {Upstream: "1.0"},
		"1:2.0-3":      {Epoch: 1, Upstream: "2.0", Revision: "3"},
		"1.0-2-3":      {Upstream: "1.0-2", Revision: "3"},
		"0:1.0":        {Upstream: "1.0"},
		"1.0~rc1+b.2":  {Upstream: "1.0~rc1+b.2"},
		"7.4-1ubuntu2": {Upstream: "7.4", Revision: "1ubuntu2"},
	}
	for in, want := range good {
		got, err := ParseVersion(in)
		if err != nil {
			t.Errorf("ParseVersion(%q): %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseVersion(%q) (-want +got):\n%s", in, diff)
		}
	}
	for _, in := range []string{"", "a1.0", "1.0-", ":1.0", "01:1.0", "x:1.0", "1.0_1", "1.0-a_b", "1 0", "-1"} {
		if v, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) = %+v, want an error", in, v)
		}
	}
}

// orderingVectors returns the "ordering" group of pep440_versions.json:
// valid versions in strictly ascending PEP 440 order.
func orderingVectors(t *testing.T) []string {
	t.Helper()
	var file struct {
		Groups map[string]struct {
			Cases json.RawMessage `json:"cases"`
		} `json:"groups"`
	}
	testkit.LoadJSON(t, "pep440_versions.json", &file)
	var list []string
	if err := json.Unmarshal(file.Groups["ordering"].Cases, &list); err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatal("no ordering vectors")
	}
	return list
}

// TestOrderVectors converts the PEP 440 ordering vectors (every version in
// strictly ascending order) and checks that dpkg's order agrees on every pair.
func TestOrderVectors(t *testing.T) {
	list := orderingVectors(t)
	conv := make([]Version, len(list))
	for i, s := range list {
		conv[i] = mustConvert(t, s, "")
	}
	for i := range list {
		for j := range list {
			want := sign(i - j)
			if got := CompareVersions(conv[i], conv[j]); got != want {
				t.Errorf("%s (%s) vs %s (%s): dpkg order %d, PEP 440 order %d", list[i], conv[i], list[j], conv[j], got, want)
			}
		}
	}
}

// TestCompareWithDpkg checks CompareVersions against dpkg itself.
func TestCompareWithDpkg(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("dpkg not installed: the comparison with dpkg --compare-versions is skipped")
	}
	vs := []string{
		"1.0", "1.0.0", "1.0~rc1", "1.0~~dev1", "1.0+post1", "1.0+~abc", "1.0+~abc0.1", "1.0+1",
		"1:0.1", "1.0-1", "1.0-1~bpo1", "1.0a", "1.0.a", "1.0+", "1.10", "1.9", "2.0~~dev1+~x",
		"0001.2", "1.2-0", "1.0~", "1.0~~", "1.0~a1~dev2", "1.0~a1+post1", "1.0+post0~dev0",
	}
	// Sorted by CompareVersions, adjacent pairs must be in the same order
	// for dpkg (its order is total, so this checks every pair).
	parsed := make([]Version, len(vs))
	for i, s := range vs {
		v, err := ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		parsed[i] = v
	}
	// The PEP 440 ordering vectors, converted, join the list.
	for _, s := range orderingVectors(t) {
		parsed = append(parsed, mustConvert(t, s, "1"))
	}
	sort.SliceStable(parsed, func(i, j int) bool { return CompareVersions(parsed[i], parsed[j]) < 0 })
	for i := 1; i < len(parsed); i++ {
		a, b := parsed[i-1], parsed[i]
		op := "lt"
		if CompareVersions(a, b) == 0 {
			op = "eq"
		}
		if err := exec.Command("dpkg", "--compare-versions", a.String(), op, b.String()).Run(); err != nil {
			t.Errorf("CompareVersions says %s %s %s, dpkg disagrees", a, op, b)
		}
	}
}

// zeroPadded reports whether the releases of a and b are equal but written
// with different numbers of trailing zeros: the one case FromPEP440 does not
// keep in order.
func zeroPadded(a, b pep440.Version) bool {
	ra, rb := a.Release(), b.Release()
	if len(ra) == len(rb) {
		return false
	}
	trim := func(r []int) []int {
		for len(r) > 0 && r[len(r)-1] == 0 {
			r = r[:len(r)-1]
		}
		return r
	}
	return cmp.Equal(trim(ra), trim(rb))
}

// mixedLocal reports whether a and b are the same public version with local
// labels that contain a segment mixing letters and digits.
func mixedLocal(a, b pep440.Version) bool {
	if a.Public().Compare(b.Public()) != 0 || a.Local() == "" || b.Local() == "" {
		return false
	}
	mixed := func(l string) bool {
		for _, seg := range strings.Split(l, ".") {
			if !isDigits(seg) && strings.ContainsAny(seg, "0123456789") {
				return true
			}
		}
		return false
	}
	return mixed(a.Local()) || mixed(b.Local())
}

func FuzzFromPEP440(f *testing.F) {
	for _, p := range [][2]string{
		{"1.0", "1.0rc1"}, {"1.0.dev1", "1.0a1"}, {"1.0.post1", "1.0.1"}, {"1!0.1", "2.0"},
		{"1.2+abc", "1.2+1"}, {"1.2+a.b", "1.2+ab"}, {"1.0a1.post1.dev1", "1.0a1.post1"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, sa, sb string) {
		a, err := pep440.Parse(sa)
		if err != nil {
			return
		}
		b, err := pep440.Parse(sb)
		if err != nil {
			return
		}
		da, erra := FromPEP440(a, "1")
		db, errb := FromPEP440(b, "1")
		if erra != nil || errb != nil {
			if (erra != nil) != (a.Epoch() > maxEpoch) || (errb != nil) != (b.Epoch() > maxEpoch) {
				t.Fatalf("FromPEP440(%s), FromPEP440(%s): %v, %v", a, b, erra, errb)
			}
			return
		}
		for _, d := range []Version{da, db} {
			back, err := ParseVersion(d.String())
			if err != nil {
				t.Fatalf("converted version %q does not parse: %v", d, err)
			}
			if back != d {
				t.Fatalf("ParseVersion(%q) = %+v, want %+v", d, back, d)
			}
		}
		if zeroPadded(a, b) || mixedLocal(a, b) {
			return
		}
		if got, want := CompareVersions(da, db), a.Compare(b); got != want {
			t.Fatalf("%s vs %s: PEP 440 order %d, converted %s vs %s: dpkg order %d", a, b, want, da, db, got)
		}
	})
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"1.0", "1:2.0~rc1-3", "1.0-2-3", "0:1", "1.0+~a0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		back, err := ParseVersion(v.String())
		if err != nil || back != v {
			t.Fatalf("ParseVersion(%q) = %+v; reparse of %q = %+v, %v", s, v, v.String(), back, err)
		}
		if CompareVersions(v, back) != 0 {
			t.Fatalf("%q does not compare equal to itself", s)
		}
	})
}
