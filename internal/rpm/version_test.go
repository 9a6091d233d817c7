package rpm

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
		{"1.0", "1.0-1"},
		{"2.31.0", "2.31.0-1"},
		{"1.0rc1", "1.0~rc1-1"},
		{"1.0a1", "1.0~a1-1"},
		{"1.0.dev3", "1.0~~dev3-1"},
		{"1.0a1.dev2", "1.0~a1~dev2-1"},
		{"1.0.post1", "1.0+post1-1"},
		{"1.0.post1.dev2", "1.0+post1~dev2-1"},
		{"2!1.0", "2:1.0-1"},
		{"1.2+abc.5", "1.2^abc.5-1"},
		{"1.2.dev3+gabc123", "1.2~~dev3^gabc123-1"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got := mustConvert(t, tc.in, "1")
			if diff := cmp.Diff(tc.want, got.String()); diff != "" {
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
		"1.0":        {Version: "1.0"},
		"1:2.0-3":    {Epoch: 1, Version: "2.0", Release: "3"},
		"0:1.0":      {Version: "1.0"},
		"1.0~rc1^x":  {Version: "1.0~rc1^x"},
		"7.4-1.fc39": {Version: "7.4", Release: "1.fc39"},
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
	for _, in := range []string{"", "1.0-", ":1.0", "01:1.0", "x:1.0", "1.0-2-3", "1 0", "-1", "1.0/2"} {
		if v, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) = %+v, want an error", in, v)
		}
	}
}

func TestVercmp(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0}, {"1.0", "2.0", -1}, {"2.0.1", "2.0", 1}, {"1.0a", "1.0", 1},
		{"1.0~rc1", "1.0", -1}, {"1.0~~dev1", "1.0~a1", -1}, {"1.0^x", "1.0", 1},
		{"1.0^x", "1.0.1", -1}, {"1.0.post1", "1.0.1", -1}, {"010", "10", 0}, {"1.a", "1.1", -1},
		{"1..0", "1.0", 0}, {"abc", "abd", -1}, {"1_0", "1.0", 0},
	}
	for _, tc := range cases {
		if got := Vercmp(tc.a, tc.b); got != tc.want {
			t.Errorf("Vercmp(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Vercmp(tc.b, tc.a); got != -tc.want {
			t.Errorf("Vercmp(%q, %q) = %d, want %d", tc.b, tc.a, got, -tc.want)
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

// TestOrderVectors converts the PEP 440 ordering vectors and checks that
// rpm's order agrees on every pair.
func TestOrderVectors(t *testing.T) {
	list := orderingVectors(t)
	conv := make([]Version, len(list))
	for i, s := range list {
		conv[i] = mustConvert(t, s, "1")
	}
	for i := range list {
		for j := range list {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := CompareVersions(conv[i], conv[j]); got != want {
				t.Errorf("%s (%s) vs %s (%s): rpm order %d, PEP 440 order %d", list[i], conv[i], list[j], conv[j], got, want)
			}
		}
	}
}

// TestCompareWithRpm checks Vercmp and CompareVersions against rpm's own
// rpm.vercmp (one rpm process for all pairs).
func TestCompareWithRpm(t *testing.T) {
	if _, err := exec.LookPath("rpm"); err != nil {
		t.Skip("rpm not installed: the comparison with rpm's vercmp is skipped")
	}
	vs := []string{
		"1.0", "1.0.0", "1.0~rc1", "1.0~~dev1", "1.0+post1", "1.0^abc", "1.0^abc.1", "1.0^1",
		"1:0.1", "1.0-1", "1.0-1~bpo1", "1.0a", "1.0.a", "1.0+", "1.10", "1.9", "2.0~~dev1^x",
		"0001.2", "1.2-0", "1.0~", "1.0^", "1.0~a1~dev2", "1.0~a1+post1", "1.0+post0~dev0", "1_0", "1..0",
	}
	for _, s := range orderingVectors(t) {
		vs = append(vs, mustConvert(t, s, "1").String())
	}
	var script strings.Builder
	type pair struct{ a, b string }
	var pairs []pair
	for _, a := range vs {
		for _, b := range vs {
			pairs = append(pairs, pair{a, b})
			fmt.Fprintf(&script, "print(tostring(rpm.vercmp(%q, %q)) .. \" \")\n", a, b)
		}
	}
	file := filepath.Join(t.TempDir(), "pairs.lua")
	if err := os.WriteFile(file, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("rpm", "--eval", fmt.Sprintf("%%{lua: dofile(%q)}", file)).Output()
	if err != nil {
		t.Fatalf("rpm --eval: %v", err)
	}
	got := strings.Fields(string(out))
	if len(got) != len(pairs) {
		t.Fatalf("rpm printed %d results for %d pairs", len(got), len(pairs))
	}
	for i, p := range pairs {
		a, err := ParseVersion(p.a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ParseVersion(p.b)
		if err != nil {
			t.Fatal(err)
		}
		if want := got[i]; fmt.Sprint(CompareVersions(a, b)) != want {
			t.Errorf("CompareVersions(%q, %q) = %d, rpm says %s", p.a, p.b, CompareVersions(a, b), want)
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
		{"1.2+abc", "1.2+1"}, {"1.2+a.b", "1.2+ab"}, {"1.0a1.post1.dev1", "1.0a1.post1"}, {"1.2+a.0", "1.2+a"},
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
		ra, erra := FromPEP440(a, "1")
		rb, errb := FromPEP440(b, "1")
		if erra != nil || errb != nil {
			if (erra != nil) != (a.Epoch() > maxEpoch) || (errb != nil) != (b.Epoch() > maxEpoch) {
				t.Fatalf("FromPEP440(%s), FromPEP440(%s): %v, %v", a, b, erra, errb)
			}
			return
		}
		for _, r := range []Version{ra, rb} {
			back, err := ParseVersion(r.String())
			if err != nil {
				t.Fatalf("converted version %q does not parse: %v", r, err)
			}
			if back != r {
				t.Fatalf("ParseVersion(%q) = %+v, want %+v", r, back, r)
			}
		}
		if zeroPadded(a, b) || mixedLocal(a, b) {
			return
		}
		if got, want := CompareVersions(ra, rb), a.Compare(b); got != want {
			t.Fatalf("%s vs %s: PEP 440 order %d, converted %s vs %s: rpm order %d", a, b, want, ra, rb, got)
		}
	})
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"1.0", "1:2.0~rc1-3", "0:1", "1.0^a.1-1.fc39"} {
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

func FuzzVercmp(f *testing.F) {
	for _, p := range [][2]string{{"1.0", "1.0~rc1"}, {"1.0^a", "1.0.1"}, {"a1", "1a"}, {"", "~"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		x, y := Vercmp(a, b), Vercmp(b, a)
		if x != -y || x < -1 || x > 1 {
			t.Fatalf("Vercmp(%q, %q) = %d but Vercmp(%q, %q) = %d", a, b, x, b, a, y)
		}
	})
}
