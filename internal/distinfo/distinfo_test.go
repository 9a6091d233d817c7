package distinfo

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/tags"
)

func TestParseWheel(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Wheel
		err  string
	}{
		{
			name: "setuptools",
			in: "Wheel-Version: 1.0\nGenerator: setuptools (80.9.0)\nRoot-Is-Purelib: false\n" +
				"Tag: cp311-cp311-manylinux_2_17_x86_64\nTag: cp311-cp311-manylinux2014_x86_64\n\n",
			want: Wheel{WheelVersion: "1.0", Generator: "setuptools (80.9.0)", Tags: tagList("cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64")},
		},
		{
			name: "flit-no-blank-line-crlf-case",
			in:   "wheel-version: 1.0\r\nGENERATOR: flit 3.12.0\r\nroot-is-purelib: True\r\nTag: PY3-none-any",
			want: Wheel{WheelVersion: "1.0", Generator: "flit 3.12.0", RootIsPurelib: true,
				Tags: tagList("py3-none-any")},
		},
		{
			name: "build-compressed-tag-other-headers-continuation-body",
			in: "Wheel-Version: 1.0\nGenerator: bdist_wheel\n (0.41.2)\nRoot-Is-Purelib: true\nBuild: 1abc\n" +
				"Tag: py2.py3-none-any\nEditable: true\n\nbody is ignored\nTag: x",
			want: Wheel{WheelVersion: "1.0", Generator: "bdist_wheel (0.41.2)", RootIsPurelib: true, Build: "1abc",
				Tags:  tagList("py2-none-any", "py3-none-any"),
				Other: []Header{{"Editable", "true"}}},
		},
		{name: "missing-version", in: "Generator: x\n", err: "missing Wheel-Version"},
		{name: "no-colon", in: "Wheel-Version: 1.0\nbogus line\n", err: "line 2"},
		{name: "bad-tag", in: "Wheel-Version: 1.0\nTag: py3-none\n", err: "line 2"},
		{name: "duplicate", in: "Wheel-Version: 1.0\nWheel-Version: 2.0\n", err: "line 2: duplicate Wheel-Version"},
		{name: "continuation-first", in: " Wheel-Version: 1.0\n", err: "line 1"},
		{name: "empty", in: "", err: "missing Wheel-Version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseWheel(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseWheel(%q) = %+v, %v; want error containing %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWheel(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func tagList(ss ...string) []tags.Tag {
	var out []tags.Tag
	for _, s := range ss {
		t, err := tags.ParseTag(s)
		if err != nil {
			panic(err)
		}
		out = append(out, t)
	}
	return out
}

func TestWriteWheel(t *testing.T) {
	w := Wheel{WheelVersion: "1.0", Generator: "ferry 0.1", RootIsPurelib: true, Build: "2",
		Tags:  tagList("py2-none-any", "py3-none-any"),
		Other: []Header{{"Editable", "true"}}}
	const want = "Wheel-Version: 1.0\nGenerator: ferry 0.1\nRoot-Is-Purelib: true\nBuild: 2\n" +
		"Tag: py2-none-any\nTag: py3-none-any\nEditable: true\n\n"
	var buf bytes.Buffer
	if err := WriteWheel(&buf, w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	bad := []Wheel{
		{},
		{WheelVersion: "1.0", Generator: "two\nlines"},
		{WheelVersion: "1.0", Tags: []tags.Tag{tags.Tag{Interpreter: "PY3", ABI: "none", Platform: "any"}}},
		{WheelVersion: "1.0", Other: []Header{{"Tag", "py3-none-any"}}},
		{WheelVersion: "1.0", Other: []Header{{"Bad Name", "x"}}},
	}
	for _, b := range bad {
		if err := WriteWheel(&buf, b); err == nil {
			t.Errorf("WriteWheel(%+v) succeeded", b)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	tests := []struct {
		v           string
		warn        bool
		unsupported bool
		err         bool
	}{
		{v: "1.0"},
		{v: "1"},
		{v: "0.9"},
		{v: "1.1", warn: true},
		{v: "1.0.1", warn: true},
		{v: "2.0", unsupported: true, err: true},
		{v: "10", unsupported: true, err: true},
		{v: "1.x", err: true},
		{v: "", err: true},
		{v: "+1.0", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.v, func(t *testing.T) {
			warn, err := Wheel{WheelVersion: tc.v}.CheckVersion()
			if (err != nil) != tc.err {
				t.Fatalf("CheckVersion(%q) error = %v, want error %v", tc.v, err, tc.err)
			}
			var ue *UnsupportedVersionError
			if errors.As(err, &ue) != tc.unsupported {
				t.Errorf("CheckVersion(%q) = %v, want unsupported %v", tc.v, err, tc.unsupported)
			}
			if (warn != "") != tc.warn {
				t.Errorf("CheckVersion(%q) warning = %q, want one: %v", tc.v, warn, tc.warn)
			}
		})
	}
}

func TestParseEntryPoints(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want EntryPoints
		err  string
	}{
		{
			name: "setuptools-and-flit",
			in: "[console_scripts]\nipython = IPython:start_ipython\nflask=flask.cli:main\n\n" +
				"[babel.extractors]\njinja2=jinja2.ext:babel_extract[i18n]\n",
			want: EntryPoints{Groups: []EntryPointGroup{
				{ConsoleScripts, []EntryPoint{{"ipython", "IPython:start_ipython"}, {"flask", "flask.cli:main"}}},
				{"babel.extractors", []EntryPoint{{"jinja2", "jinja2.ext:babel_extract[i18n]"}}},
			}},
		},
		{
			name: "comments-blank-crlf-spaces-before-group-merge",
			in: "ignored = before.any:group\r\n# comment\r\n  [gui_scripts]  \r\n  app  =  pkg.gui : run  \r\n\r\n" +
				"[console_scripts]\r\ncli = pkg:main\r\n[gui_scripts]\r\nother = pkg:other = x\r\n[empty]\r\n",
			want: EntryPoints{Groups: []EntryPointGroup{
				{GUIScripts, []EntryPoint{{"app", "pkg.gui : run"}, {"other", "pkg:other = x"}}},
				{ConsoleScripts, []EntryPoint{{"cli", "pkg:main"}}},
				{"empty", nil},
			}},
		},
		{
			name: "semicolon-is-not-a-comment-and-brackets-stripped",
			in:   "[[odd]]\n;x = y\n",
			want: EntryPoints{Groups: []EntryPointGroup{{"odd", []EntryPoint{{";x", "y"}}}}},
		},
		{name: "python-line-breaks", in: "[g]\fa = b\u0085c = d", want: EntryPoints{Groups: []EntryPointGroup{{"g", []EntryPoint{{"a", "b"}, {"c", "d"}}}}}},
		{name: "empty", in: "", want: EntryPoints{}},
		{name: "no-equals", in: "[g]\na = b\njunk\n", err: "line 3"},
		{name: "no-name", in: "[g]\n = b\n", err: "line 2: entry point without a name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseEntryPoints(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseEntryPoints(%q) = %+v, %v; want error containing %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseEntryPoints(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEntryPointsAccessorsAndWrite(t *testing.T) {
	var eps EntryPoints
	eps.Add(ConsoleScripts, EntryPoint{"foo", "foo.cli:main"})
	eps.Add(GUIScripts, EntryPoint{"foo-gui", "foo.gui:main"})
	eps.Add(ConsoleScripts, EntryPoint{"bar", "foo.cli:bar [extra]"})
	if diff := cmp.Diff([]EntryPoint{{"foo", "foo.cli:main"}, {"bar", "foo.cli:bar [extra]"}}, eps.ConsoleScripts()); diff != "" {
		t.Errorf("ConsoleScripts (-want +got):\n%s", diff)
	}
	if got := eps.GUIScripts(); len(got) != 1 || got[0].Name != "foo-gui" {
		t.Errorf("GUIScripts = %v", got)
	}
	if eps.Group("nope") != nil {
		t.Error("Group(nope) is not nil")
	}
	const want = "[console_scripts]\nfoo = foo.cli:main\nbar = foo.cli:bar [extra]\n\n[gui_scripts]\nfoo-gui = foo.gui:main\n\n"
	var buf bytes.Buffer
	if err := WriteEntryPoints(&buf, eps); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("WriteEntryPoints (-want +got):\n%s", diff)
	}
	for _, bad := range []EntryPoint{{"", "x"}, {"a=b", "x"}, {"#a", "x"}, {"[a", "x]"}, {"a", "x\ny"}, {" a", "x"}} {
		var e EntryPoints
		e.Add("g", bad)
		if err := WriteEntryPoints(&buf, e); err == nil {
			t.Errorf("WriteEntryPoints accepted %+v", bad)
		}
	}
	if err := WriteEntryPoints(&buf, EntryPoints{Groups: []EntryPointGroup{{Name: "[x"}}}); err == nil {
		t.Error("WriteEntryPoints accepted group [x")
	}
}

func TestParseObjectRef(t *testing.T) {
	tests := []struct {
		in   string
		want ObjectRef
		str  string
		err  bool
	}{
		{in: "pkg.cli:main", want: ObjectRef{Module: "pkg.cli", Attr: "main"}, str: "pkg.cli:main"},
		{in: "pkg", want: ObjectRef{Module: "pkg"}, str: "pkg"},
		{in: "pkg.mod : Klass.method", want: ObjectRef{Module: "pkg.mod", Attr: "Klass.method"}, str: "pkg.mod:Klass.method"},
		{in: "jinja2.ext:babel_extract[i18n]", want: ObjectRef{Module: "jinja2.ext", Attr: "babel_extract", Extras: []string{"i18n"}}, str: "jinja2.ext:babel_extract [i18n]"},
		{in: " mod:fn [ a , b-c ] ", want: ObjectRef{Module: "mod", Attr: "fn", Extras: []string{"a", "b-c"}}, str: "mod:fn [a,b-c]"},
		{in: "mod:fn []", want: ObjectRef{Module: "mod", Attr: "fn"}, str: "mod:fn"},
		{in: "mödul:fünc", want: ObjectRef{Module: "mödul", Attr: "fünc"}, str: "mödul:fünc"},
		{in: "", err: true},
		{in: ":main", err: true},
		{in: "pkg:", err: true},
		{in: "pkg..mod:main", err: true},
		{in: "pkg:main:other", err: true},
		{in: "pkg-name:main", err: true},
		{in: "pkg:main [a", err: true},
		{in: "pkg:main [a,,b]", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseObjectRef(tc.in)
			if tc.err {
				if err == nil {
					t.Fatalf("ParseObjectRef(%q) = %+v, want error", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseObjectRef(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got.String() != tc.str {
				t.Errorf("String = %q, want %q", got.String(), tc.str)
			}
			again, err := ParseObjectRef(got.String())
			if err != nil || !cmp.Equal(got, again) {
				t.Errorf("round trip: %+v, %v", again, err)
			}
		})
	}
	if ref, err := (EntryPoint{"x", "a.b:c"}).Ref(); err != nil || ref.Attr != "c" {
		t.Errorf("Ref = %+v, %v", ref, err)
	}
}

func TestDirectURL(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want DirectURL
		out  string // pip's bytes; "" means the same as in
		err  string
	}{
		{
			name: "archive",
			in:   `{"archive_info": {"hash": "sha256=abc", "hashes": {"sha256": "abc", "md5": "def"}}, "url": "https://example.com/foo-1.0.tar.gz"}`,
			want: DirectURL{URL: "https://example.com/foo-1.0.tar.gz",
				ArchiveInfo: &ArchiveInfo{Hash: "sha256=abc", Hashes: map[string]string{"sha256": "abc", "md5": "def"}}},
			out: `{"archive_info": {"hash": "sha256=abc", "hashes": {"md5": "def", "sha256": "abc"}}, "url": "https://example.com/foo-1.0.tar.gz"}`,
		},
		{
			name: "editable-dir",
			in:   `{"dir_info": {"editable": true}, "url": "file:///home/me/proj"}`,
			want: DirectURL{URL: "file:///home/me/proj", DirInfo: &DirInfo{Editable: true}},
		},
		{
			name: "dir-not-editable",
			in:   `{"url":"file:///p","dir_info":{"editable":false}}`,
			want: DirectURL{URL: "file:///p", DirInfo: &DirInfo{}},
			out:  `{"dir_info": {}, "url": "file:///p"}`,
		},
		{
			name: "vcs-subdirectory-unicode-unknown-key",
			in:   `{"url": "https://github.com/o/r.git", "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": "1234abcd"}, "subdirectory": "sub/dïr", "x-future": 1}`,
			want: DirectURL{URL: "https://github.com/o/r.git", Subdirectory: "sub/dïr",
				VCSInfo: &VCSInfo{VCS: "git", RequestedRevision: "main", CommitID: "1234abcd"}},
			out: `{"subdirectory": "sub/d\u00efr", "url": "https://github.com/o/r.git", "vcs_info": {"commit_id": "1234abcd", "requested_revision": "main", "vcs": "git"}}`,
		},
		{name: "none", in: `{"url": "x"}`, err: "missing one of"},
		{name: "two", in: `{"url": "x", "dir_info": {}, "archive_info": {}}`, err: "more than one"},
		{name: "no-url", in: `{"dir_info": {}}`, err: "missing url"},
		{name: "url-type", in: `{"url": 1, "dir_info": {}}`, err: "url must be a string"},
		{name: "vcs-no-commit", in: `{"url": "x", "vcs_info": {"vcs": "git"}}`, err: "missing commit_id"},
		{name: "bad-legacy-hash", in: `{"url": "x", "archive_info": {"hash": "abc"}}`, err: "invalid hash format"},
		{name: "hashes-type", in: `{"url": "x", "archive_info": {"hashes": {"a": 1}}}`, err: "hashes must be"},
		{name: "editable-type", in: `{"url": "x", "dir_info": {"editable": "yes"}}`, err: "editable must be"},
		{name: "info-type", in: `{"url": "x", "dir_info": []}`, err: "dir_info must be an object"},
		{name: "not-object", in: `[]`, err: "direct_url.json"},
		{name: "null", in: `null`, err: "not a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDirectURL([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseDirectURL(%s) = %+v, %v; want error containing %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDirectURL(%s): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			out, err := got.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			want := tc.out
			if want == "" {
				want = tc.in
			}
			if string(out) != want {
				t.Errorf("Marshal = %s\nwant      %s", out, want)
			}
		})
	}
	a := ArchiveInfo{Hash: "sha256=legacy", Hashes: map[string]string{"sha256": "new"}}
	if diff := cmp.Diff(map[string]string{"sha256": "new"}, a.AllHashes()); diff != "" {
		t.Errorf("AllHashes (-want +got):\n%s", diff)
	}
	a = ArchiveInfo{Hash: "md5=legacy", Hashes: map[string]string{"sha256": "new"}}
	if diff := cmp.Diff(map[string]string{"sha256": "new", "md5": "legacy"}, a.AllHashes()); diff != "" {
		t.Errorf("AllHashes (-want +got):\n%s", diff)
	}
	if _, err := (DirectURL{URL: "x"}).Marshal(); err == nil {
		t.Error("Marshal of a DirectURL without info succeeded")
	}
}

// TestDirectURLMatchesPython checks Marshal against Python's json.dumps with
// sort_keys, which pip uses, for awkward strings.
func TestDirectURLMatchesPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	d := DirectURL{URL: "https://ex.com/a b/\"q\"\\<&>\t\x01\x7f/é/😀",
		ArchiveInfo: &ArchiveInfo{Hashes: map[string]string{"sha512": "z", "sha256": "a", "Ä": "x"}}}
	out, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", "import json,sys; print(json.dumps(json.loads(sys.stdin.read()), sort_keys=True), end='')")
	cmd.Stdin = bytes.NewReader(out)
	want, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(out) {
		t.Errorf("Marshal = %s\npython    %s", out, want)
	}
}

func TestInstaller(t *testing.T) {
	if got := string(InstallerContent("pip")); got != "pip\n" {
		t.Errorf("InstallerContent = %q", got)
	}
	for in, want := range map[string]string{"pip\n": "pip", " uv \r\nmore": "uv", "": "", "ferry": "ferry"} {
		if got := ParseInstaller([]byte(in)); got != want {
			t.Errorf("ParseInstaller(%q) = %q, want %q", in, got, want)
		}
	}
	got := DirName(pkgname.MustParse("Foo.Bar"), pep440.MustParse("1.0-post1"))
	if got != "foo_bar-1.0.post1.dist-info" {
		t.Errorf("DirName = %q", got)
	}
}

// TestRealFiles parses the WHEEL and entry_points.txt files of the
// machine's site-packages and checks that writing them reads back equal.
func TestRealFiles(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: no site-packages to read")
	}
	out, err := exec.Command(python, "-c", "import site; print('\\n'.join(site.getsitepackages()))").Output()
	if err != nil {
		t.Skipf("python3 site: %v", err)
	}
	var wheels, eps []string
	for _, dir := range strings.Fields(string(out)) {
		m, _ := filepath.Glob(filepath.Join(dir, "*.dist-info", "WHEEL"))
		wheels = append(wheels, m...)
		m, _ = filepath.Glob(filepath.Join(dir, "*.dist-info", "entry_points.txt"))
		eps = append(eps, m...)
	}
	if len(wheels) == 0 {
		t.Skip("no installed WHEEL files")
	}
	for _, f := range wheels {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w, err := ParseWheel(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if _, err := w.CheckVersion(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		var buf bytes.Buffer
		if err := WriteWheel(&buf, w); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		again, err := ParseWheel(&buf)
		if err != nil || !cmp.Equal(w, again) {
			t.Errorf("%s: round trip gave %+v, %v", f, again, err)
		}
	}
	for _, f := range eps {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		e, err := ParseEntryPoints(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, ep := range append(e.ConsoleScripts(), e.GUIScripts()...) {
			if _, err := ep.Ref(); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
		var buf bytes.Buffer
		if err := WriteEntryPoints(&buf, e); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		again, err := ParseEntryPoints(&buf)
		if err != nil || !cmp.Equal(e, again) {
			t.Errorf("%s: round trip gave %+v, %v", f, again, err)
		}
	}
	t.Logf("%d WHEEL and %d entry_points.txt files", len(wheels), len(eps))
}

func FuzzParseWheel(f *testing.F) {
	f.Add("Wheel-Version: 1.0\nGenerator: setuptools (80.9.0)\nRoot-Is-Purelib: false\nTag: cp311-cp311-manylinux_2_17_x86_64\n\n")
	f.Add("wheel-version: 1.0\r\nTag: py2.py3-none-any\r\nBuild: 1\r\nX: y\r\n z\r\n")
	f.Add("Wheel-Version: 1.0\n\nTag: a-b-c")
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWheel(strings.NewReader(s))
		if err != nil {
			return
		}
		w.CheckVersion()
		var buf bytes.Buffer
		if err := WriteWheel(&buf, w); err != nil {
			t.Fatalf("WriteWheel(%+v) from %q: %v", w, s, err)
		}
		again, err := ParseWheel(&buf)
		if err != nil {
			t.Fatalf("reparsing %q (from %q): %v", buf.String(), s, err)
		}
		if diff := cmp.Diff(w, again); diff != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", s, diff)
		}
	})
}

func FuzzParseEntryPoints(f *testing.F) {
	f.Add("[console_scripts]\nipython = IPython:start_ipython\nflask=flask.cli:main\n\n[x]\na=b[c]\n")
	f.Add("# c\n[[g]]\r\n;x = y = z\r\n[g]\n")
	f.Add("a = b\n[ g ]\n k\t=\tv \u0085")
	f.Fuzz(func(t *testing.T, s string) {
		eps, err := ParseEntryPoints(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, g := range eps.Groups {
			for _, e := range g.Entries {
				if ref, err := e.Ref(); err == nil {
					if again, err := ParseObjectRef(ref.String()); err != nil || !cmp.Equal(ref, again) {
						t.Fatalf("object ref %q: round trip %+v, %v", e.Value, again, err)
					}
				}
			}
		}
		var buf bytes.Buffer
		if err := WriteEntryPoints(&buf, eps); err != nil {
			t.Fatalf("WriteEntryPoints(%+v) from %q: %v", eps, s, err)
		}
		again, err := ParseEntryPoints(&buf)
		if err != nil {
			t.Fatalf("reparsing %q (from %q): %v", buf.String(), s, err)
		}
		if diff := cmp.Diff(eps, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", s, diff)
		}
	})
}

func FuzzParseDirectURL(f *testing.F) {
	f.Add(`{"archive_info": {"hash": "sha256=abc", "hashes": {"sha256": "abc"}}, "url": "https://example.com/foo-1.0.tar.gz"}`)
	f.Add(`{"url": "u", "vcs_info": {"vcs": "git", "commit_id": "c"}, "subdirectory": "s"}`)
	f.Add(`{"url": "u", "dir_info": {"editable": true}}`)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDirectURL([]byte(s))
		if err != nil {
			return
		}
		out, err := d.Marshal()
		if err != nil {
			t.Fatalf("Marshal(%+v) from %q: %v", d, s, err)
		}
		again, err := ParseDirectURL(out)
		if err != nil {
			t.Fatalf("reparsing %s (from %q): %v", out, s, err)
		}
		if diff := cmp.Diff(d, again); diff != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", s, diff)
		}
	})
}
