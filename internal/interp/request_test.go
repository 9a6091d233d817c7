package interp

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		in      string
		want    Request
		str     string
		wantErr bool
	}{
		{in: "", want: Request{}, str: ""},
		{in: "python", want: Request{}, str: ""},
		{in: "3", want: Request{Kind: VersionRequest, Parts: [3]int{3}, NParts: 1}, str: "3"},
		{in: "3.12", want: Request{Kind: VersionRequest, Parts: [3]int{3, 12}, NParts: 2}, str: "3.12"},
		{in: "3.12.1", want: Request{Kind: VersionRequest, Parts: [3]int{3, 12, 1}, NParts: 3}, str: "3.12.1"},
		{in: "python3.12", want: Request{Kind: VersionRequest, Parts: [3]int{3, 12}, NParts: 2}, str: "3.12"},
		{in: "Python3", want: Request{Kind: VersionRequest, Parts: [3]int{3}, NParts: 1}, str: "3"},
		{in: "python@3.11", want: Request{Kind: VersionRequest, Parts: [3]int{3, 11}, NParts: 2}, str: "3.11"},
		{in: "cpython@3.12", want: Request{Kind: VersionRequest, Implementation: "cpython", Parts: [3]int{3, 12}, NParts: 2}, str: "cpython@3.12"},
		{in: "cpython3.12", want: Request{Kind: VersionRequest, Implementation: "cpython", Parts: [3]int{3, 12}, NParts: 2}, str: "cpython@3.12"},
		{in: "pypy3.10", want: Request{Kind: VersionRequest, Implementation: "pypy", Parts: [3]int{3, 10}, NParts: 2}, str: "pypy@3.10"},
		{in: "pypy", want: Request{Kind: VersionRequest, Implementation: "pypy"}, str: "pypy"},
		{in: "cpython@", want: Request{Kind: VersionRequest, Implementation: "cpython"}, str: "cpython"},
		{in: "/usr/bin/python3", want: Request{Kind: PathRequest, Path: "/usr/bin/python3"}, str: "/usr/bin/python3"},
		{in: ".venv", want: Request{Kind: PathRequest, Path: ".venv"}, str: ".venv"},
		{in: "~/envs/x", want: Request{Kind: PathRequest, Path: "~/envs/x"}, str: "~/envs/x"},
		{in: `C:\Python312\python.exe`, want: Request{Kind: PathRequest, Path: `C:\Python312\python.exe`}, str: `C:\Python312\python.exe`},
		{in: "python3.12-dbg", want: Request{Kind: NameRequest, Name: "python3.12-dbg"}, str: "python3.12-dbg"},
		{in: "pythonw", want: Request{Kind: NameRequest, Name: "pythonw"}, str: "pythonw"},
		{in: "myvenv", want: Request{Kind: NameRequest, Name: "myvenv"}, str: "myvenv"},
		{in: "3.x", wantErr: true},
		{in: "3.12.1.4", wantErr: true},
		{in: "03.12", wantErr: true},
		{in: "jython@2.7", wantErr: true},
		{in: "@3.12", wantErr: true},
		{in: "cpython@three", wantErr: true},
		{in: "python 3", wantErr: true},
		{in: "py$thon", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRequest(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseRequest(%q) err = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseRequest(%q) (-want +got):\n%s", tc.in, diff)
			}
			if got.String() != tc.str {
				t.Errorf("String() = %q, want %q", got.String(), tc.str)
			}
		})
	}
}

func TestRequestMatches(t *testing.T) {
	info := &Info{Version: Version{3, 12, 1, "final", 0}, Implementation: Implementation{Name: "cpython"}}
	tests := []struct {
		req  string
		want bool
	}{
		{"", true}, {"3", true}, {"3.12", true}, {"3.12.1", true}, {"cpython@3.12", true},
		{"3.12.2", false}, {"3.11", false}, {"2", false}, {"pypy@3.12", false}, {"pypy", false},
		{"/some/path", true},
	}
	for _, tc := range tests {
		t.Run(tc.req, func(t *testing.T) {
			r, err := ParseRequest(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Matches(info); got != tc.want {
				t.Errorf("Matches = %v, want %v", got, tc.want)
			}
		})
	}
}

func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{"", "3", "3.12", "3.12.1", "python3.12", "cpython@3.12", "pypy3.10", "pypy",
		"/usr/bin/python", ".venv", "~/x", "python3.12-dbg", "3.x", "@", "cpython@", "Python"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequest(s)
		if err != nil {
			return
		}
		back, err := ParseRequest(r.String())
		if err != nil {
			t.Fatalf("ParseRequest(%q).String() = %q does not parse: %v", s, r.String(), err)
		}
		if back != r {
			t.Errorf("round trip of %q: %+v, then %q gives %+v", s, r, r.String(), back)
		}
	})
}

func TestVersion(t *testing.T) {
	tests := []struct {
		v    Version
		str  string
		less Version // a version v is less than
	}{
		{Version{3, 12, 1, "final", 0}, "3.12.1", Version{3, 12, 2, "final", 0}},
		{Version{3, 13, 0, "candidate", 2}, "3.13.0rc2", Version{3, 13, 0, "final", 0}},
		{Version{3, 14, 0, "alpha", 1}, "3.14.0a1", Version{3, 14, 0, "beta", 1}},
		{Version{3, 14, 0, "beta", 3}, "3.14.0b3", Version{3, 14, 0, "candidate", 1}},
		{Version{2, 7, 18, "final", 0}, "2.7.18", Version{3, 6, 0, "", 0}},
		{Version{3, 9, 0, "final", 0}, "3.9.0", Version{3, 10, 0, "final", 0}},
	}
	for _, tc := range tests {
		t.Run(tc.str, func(t *testing.T) {
			if got := tc.v.String(); got != tc.str {
				t.Errorf("String() = %q, want %q", got, tc.str)
			}
			if !tc.v.Less(tc.less) {
				t.Errorf("%v.Less(%v) = false", tc.v, tc.less)
			}
			if tc.less.Less(tc.v) || tc.v.Less(tc.v) {
				t.Errorf("Less is not a strict order for %v, %v", tc.v, tc.less)
			}
		})
	}
}
