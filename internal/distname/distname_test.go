package distname

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/tags"
	"ferry/internal/testkit"
)

func mustTags(t testing.TB, s string) []tags.Tag {
	t.Helper()
	ts, err := tags.ParseTagSet(s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

var cmpVersion = cmp.Comparer(func(a, b pep440.Version) bool { return a == b })

func TestParseWheel(t *testing.T) {
	tests := []struct {
		in    string
		want  WheelName
		canon string
		err   bool
	}{
		{in: "foo-1.0-py3-none-any.whl", want: WheelName{Name: "foo", Version: pep440.MustParse("1.0"), Tags: mustTags(t, "py3-none-any")}},
		{in: "Foo.Bar-01.0RC1-py2.py3-none-any.whl", canon: "foo_bar-1.0rc1-py2.py3-none-any.whl",
			want: WheelName{Name: "foo-bar", Version: pep440.MustParse("1.0rc1"), Tags: mustTags(t, "py2.py3-none-any")}},
		{in: "pkg-2.0-007beta-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
			canon: "pkg-2.0-7beta-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
			want: WheelName{Name: "pkg", Version: pep440.MustParse("2.0"), Build: Build{true, 7, "beta"},
				Tags: mustTags(t, "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64")}},
		{in: "pkg-1.0-0-py3-none-any.whl", want: WheelName{Name: "pkg", Version: pep440.MustParse("1.0"), Build: Build{true, 0, ""}, Tags: mustTags(t, "py3-none-any")}},
		{in: "pkg-1.0+local.1-py3-none-any.whl", want: WheelName{Name: "pkg", Version: pep440.MustParse("1.0+local.1"), Tags: mustTags(t, "py3-none-any")}},
		{in: "foo-1.0-py3-none-any.WHL", err: true},
		{in: "foo-1.0-99999999999999999999999-py3-none-any.whl", err: true},
		{in: "foo_-1.0-py3-none-any.whl", err: true},
		{in: "_foo-1.0-py3-none-any.whl", err: true},
		{in: "foo-bar-1.0-py3-none-any-x.whl", err: true},
		{in: "foo- 1.0-py3-none-any.whl", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseWheel(tc.in)
			if tc.err {
				if err == nil {
					t.Fatalf("ParseWheel(%q) = %v, want error", tc.in, got)
				}
				var ie *InvalidError
				if !errors.As(err, &ie) || ie.Kind != "wheel" {
					t.Errorf("error %v is not a wheel *InvalidError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWheel(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got, cmpVersion); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			canon := tc.canon
			if canon == "" {
				canon = tc.in
			}
			if got.String() != canon {
				t.Errorf("String = %q, want %q", got.String(), canon)
			}
		})
	}
}

func TestBuildCompare(t *testing.T) {
	ordered := []Build{{}, {true, 0, ""}, {true, 0, "a"}, {true, 1, ""}, {true, 2, ""}, {true, 10, ""}}
	for i := range ordered {
		for j := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := ordered[i].Compare(ordered[j]); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
	if _, err := ParseBuild("abc"); err == nil {
		t.Error("ParseBuild(abc) succeeded")
	}
}

func TestParseSdist(t *testing.T) {
	tests := []struct {
		in   string
		want SdistName
		ext  string
		err  bool
	}{
		{in: "foo-1.0.tar.gz", want: SdistName{"foo", pep440.MustParse("1.0")}, ext: ".tar.gz"},
		{in: "Foo_Bar-2.0.post1.zip", want: SdistName{"foo-bar", pep440.MustParse("2.0.post1")}, ext: ".zip"},
		{in: "foo-bar-3.tar.bz2", want: SdistName{"foo-bar", pep440.MustParse("3")}, ext: ".tar.bz2"},
		{in: "foo-1.0.TGZ", want: SdistName{"foo", pep440.MustParse("1.0")}, ext: ".tgz"},
		{in: "foo-1.0.tar.xz", want: SdistName{"foo", pep440.MustParse("1.0")}, ext: ".tar.xz"},
		{in: "foo-1.0.tar", want: SdistName{"foo", pep440.MustParse("1.0")}, ext: ".tar"},
		{in: "foo-1.0.tar.lzma", want: SdistName{"foo", pep440.MustParse("1.0")}, ext: ".tar.lzma"},
		{in: "foo-1.0-1.tar.gz", want: SdistName{"foo-1-0", pep440.MustParse("1")}, ext: ".tar.gz"},
		{in: "foo-1.0.whl", err: true},
		{in: "foo-1.0.gz", err: true},
		{in: ".tar.gz", err: true},
		{in: "foo-.tar.gz", err: true},
		{in: "fo o-1.0.tar.gz", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSdist(tc.in)
			if tc.err {
				if err == nil {
					t.Fatalf("ParseSdist(%q) = %v, want error", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSdist(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseSdist(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if ext, ok := SdistExt(tc.in); !ok || ext != tc.ext {
				t.Errorf("SdistExt = %q, %v; want %q", ext, ok, tc.ext)
			}
		})
	}
	if s := (SdistName{"foo-bar", pep440.MustParse("1.0.0-1")}).String(); s != "foo_bar-1.0.0.post1.tar.gz" {
		t.Errorf("String = %q", s)
	}
}

func TestParseSdistFor(t *testing.T) {
	tests := []struct {
		in   string
		name pkgname.Name
		want string // version; "" means error
	}{
		{"foo-1.0-1.tar.gz", "foo", "1.0.post1"},
		{"Foo_Bar-1.0-beta.zip", "foo-bar", "1.0b0"},
		{"foo-bar-2.0.tar.gz", "foo-bar", "2.0"},
		{"foo-bar-2.0.tar.gz", "foo", ""},          // "bar-2.0" is not a version
		{"foo-2-3.tar.gz", "foo-2", "3"},           // the name decides the split
		{"foo-2-3.tar.gz", "foo", "2.post3"},       // ... both ways
		{"foobar-1.0.tar.gz", "foo", ""},           // a prefix, not the name
		{"foo-1.0.tar.gz", "bar", ""},              // another project
		{"foo-1.0.exe", "foo", ""},                 // not an archive
		{"FOO.-.bar-1.0.tar.gz", "foo-bar", "1.0"}, // separators collapse
	}
	for _, tc := range tests {
		t.Run(tc.in+"/"+string(tc.name), func(t *testing.T) {
			got, err := ParseSdistFor(tc.in, tc.name)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("ParseSdistFor = %v, want error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tc.name || got.Version.String() != tc.want {
				t.Errorf("ParseSdistFor = %v, want %s %s", got, tc.name, tc.want)
			}
		})
	}
}

// The shapes of the filename groups of pep440_versions.json.
type typedArgs struct {
	Type string            `json:"$type"`
	Args []json.RawMessage `json:"args"`
}

type filenameCase struct {
	Filename string     `json:"filename"`
	Name     string     `json:"name"`
	Version  *typedArgs `json:"version"`
	Build    []any      `json:"build"`
	Tags     *struct {
		Set []typedArgs `json:"$set"`
	} `json:"tags"`
}

func TestVectors(t *testing.T) {
	var file struct {
		Groups map[string]struct {
			Cases []json.RawMessage `json:"cases"`
		} `json:"groups"`
	}
	testkit.LoadJSON(t, "pep440_versions.json", &file)
	tally := testkit.NewTally(t, "pep440_versions.json#filenames")
	for _, group := range []string{"wheel_filename", "wheel_filename_invalid", "sdist_filename", "sdist_filename_invalid"} {
		cases := file.Groups[group].Cases
		if len(cases) == 0 {
			t.Fatalf("group %s has no cases", group)
		}
		for _, raw := range cases {
			var c filenameCase
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatalf("%s case %s: %v", group, raw, err)
			}
			t.Run(group+"/"+c.Filename, func(t *testing.T) {
				ok := checkVector(t, group, c)
				if !tally.Check(ok) {
					t.Errorf("%s: %q failed", group, c.Filename)
				}
			})
		}
	}
}

func arg(t *testing.T, raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("vector argument %s: %v", raw, err)
	}
	return s
}

func checkVector(t *testing.T, group string, c filenameCase) bool {
	switch group {
	case "wheel_filename_invalid":
		w, err := ParseWheel(c.Filename)
		if err == nil {
			t.Logf("ParseWheel(%q) = %v, want error", c.Filename, w)
		}
		return err != nil
	case "sdist_filename_invalid":
		s, err := ParseSdist(c.Filename)
		if err == nil {
			t.Logf("ParseSdist(%q) = %v, want error", c.Filename, s)
		}
		return err != nil
	}
	wantVersion, err := pep440.Parse(arg(t, c.Version.Args[0]))
	if err != nil {
		t.Fatalf("vector version: %v", err)
	}
	if group == "sdist_filename" {
		s, err := ParseSdist(c.Filename)
		if err != nil {
			t.Logf("ParseSdist(%q): %v", c.Filename, err)
			return false
		}
		ok := string(s.Name) == c.Name && s.Version == wantVersion
		if !ok {
			t.Logf("ParseSdist(%q) = %v, want %s %s", c.Filename, s, c.Name, wantVersion)
		}
		return ok
	}
	w, err := ParseWheel(c.Filename)
	if err != nil {
		t.Logf("ParseWheel(%q): %v", c.Filename, err)
		return false
	}
	var wantBuild Build
	if len(c.Build) == 2 {
		wantBuild = Build{Present: true, Number: int(c.Build[0].(float64)), Tag: c.Build[1].(string)}
	}
	var wantTags []string
	for _, tg := range c.Tags.Set {
		wantTags = append(wantTags, arg(t, tg.Args[0])+"-"+arg(t, tg.Args[1])+"-"+arg(t, tg.Args[2]))
	}
	slices.Sort(wantTags)
	var gotTags []string
	for _, tg := range w.Tags {
		gotTags = append(gotTags, tg.String())
	}
	slices.Sort(gotTags)
	ok := string(w.Name) == c.Name && w.Version == wantVersion && w.Build == wantBuild && slices.Equal(wantTags, gotTags)
	if !ok {
		t.Logf("ParseWheel(%q) = %+v, want %s %s %v %v", c.Filename, w, c.Name, wantVersion, wantBuild, wantTags)
	}
	return ok
}

func FuzzParseWheel(f *testing.F) {
	for _, s := range []string{"foo-1.0-py3-none-any.whl", "Foo.Bar-01.0RC1-7x-py2.py3-none-any.whl",
		"pyvirtualcam-0.13.0-cp310-cp310-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", "foo_bár-1.0-1000-py3-none-any.whl",
		"playlyfe-0.1.1-2.7.6-none-any.whl", "a-1-1-b-c-d.whl"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWheel(s)
		if err != nil {
			return
		}
		again, err := ParseWheel(w.String())
		if err != nil {
			t.Fatalf("ParseWheel(%q) (from %q): %v", w.String(), s, err)
		}
		if diff := cmp.Diff(w, again, cmpVersion); diff != "" {
			t.Fatalf("round trip of %q via %q (-first +second):\n%s", s, w.String(), diff)
		}
		if again.String() != w.String() {
			t.Fatalf("String not canonical: %q then %q", w.String(), again.String())
		}
	})
}

func FuzzParseSdist(f *testing.F) {
	for _, s := range []string{"foo-1.0.tar.gz", "Foo_Bar-2.0.post1.zip", "foo-1.0-1.tar.bz2", "-1.0.zip", "a--1-2.TGZ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSdist(s)
		if err != nil {
			return
		}
		again, err := ParseSdist(n.String())
		if err != nil {
			t.Fatalf("ParseSdist(%q) (from %q): %v", n.String(), s, err)
		}
		if again != n {
			t.Fatalf("round trip of %q via %q: %v != %v", s, n.String(), again, n)
		}
		// Knowing the name must give the same answer.
		if by, err := ParseSdistFor(s, n.Name); err != nil || by != n {
			t.Fatalf("ParseSdistFor(%q, %s) = %v, %v; ParseSdist gave %v", s, n.Name, by, err, n)
		}
	})
}
