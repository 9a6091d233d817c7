package reqfile

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// req is the projection of a Requirement that the tests compare.
type req struct {
	Pos      string
	Kind     Kind
	Editable bool
	Name     string
	Extras   string
	Spec     string
	URL      string
	Location string
	Path     string
	Marker   string
	Hashes   string
	Config   string
}

func project(rs []Requirement) []req {
	var out []req
	for _, r := range rs {
		var hs, cs []string
		for _, h := range r.Hashes {
			hs = append(hs, h.String())
		}
		for _, c := range r.ConfigSettings {
			cs = append(cs, c.Key+"="+c.Value)
		}
		out = append(out, req{
			Pos: r.Pos.String(), Kind: r.Kind, Editable: r.Editable, Name: r.Req.Name,
			Extras: strings.Join(r.Req.RawExtras, ","), Spec: r.Req.Specifiers.String(),
			URL: r.Req.URL, Location: r.Location, Path: r.Path, Marker: r.Req.Marker.String(),
			Hashes: strings.Join(hs, " "), Config: strings.Join(cs, " "),
		})
	}
	return out
}

func TestParseRequirements(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		want  []req
		warns int
	}{
		{"named with marker and hashes", "Foo[b,a] >=1.0,<2 ; python_version < '3.9' --hash=sha256:AB --hash sha512:cd -C k=v -C k=w",
			[]req{{Pos: "/p/r.txt:1", Name: "Foo", Extras: "a,b", Spec: "<2,>=1.0", Marker: `python_version < "3.9"`, Hashes: "sha256:AB sha512:cd", Config: "k=v k=w"}}, 0},
		{"name at url", "foo @ https://h/foo-1.0.tar.gz ; os_name == 'nt'",
			[]req{{Pos: "/p/r.txt:1", Name: "foo", URL: "https://h/foo-1.0.tar.gz", Marker: `os_name == "nt"`}}, 0},
		{"url with marker", "https://h/x.tar.gz#egg=Bar ; sys_platform == 'linux'",
			[]req{{Pos: "/p/r.txt:1", Kind: URL, Name: "Bar", URL: "https://h/x.tar.gz#egg=Bar", Location: "https://h/x.tar.gz#egg=Bar", Marker: `sys_platform == "linux"`}}, 0},
		{"vcs url", "git+https://h/r.git@v1#egg=r&subdirectory=s",
			[]req{{Pos: "/p/r.txt:1", Kind: URL, Name: "r", URL: "git+https://h/r.git@v1#egg=r&subdirectory=s", Location: "git+https://h/r.git@v1#egg=r&subdirectory=s"}}, 0},
		{"wheel path", "./dist/My_Pkg-1.0-py3-none-any.whl[x] ; python_version>'3'",
			[]req{{Pos: "/p/r.txt:1", Kind: Path, Name: "My_Pkg", Extras: "x", URL: "file:///p/dist/My_Pkg-1.0-py3-none-any.whl", Location: "./dist/My_Pkg-1.0-py3-none-any.whl", Path: "/p/dist/My_Pkg-1.0-py3-none-any.whl", Marker: `python_version > "3"`}}, 0},
		{"archive without slash", "foo-1.0.tar.gz",
			[]req{{Pos: "/p/r.txt:1", Kind: Path, URL: "file:///p/foo-1.0.tar.gz", Location: "foo-1.0.tar.gz", Path: "/p/foo-1.0.tar.gz"}}, 0},
		{"directory up and absolute", "../proj\n/abs/dir",
			[]req{
				{Pos: "/p/r.txt:1", Kind: Path, URL: "file:///proj", Location: "../proj", Path: "/proj"},
				{Pos: "/p/r.txt:2", Kind: Path, URL: "file:///abs/dir", Location: "/abs/dir", Path: "/abs/dir"},
			}, 0},
		{"file url", "file:///x/y%20z",
			[]req{{Pos: "/p/r.txt:1", Kind: Path, URL: "file:///x/y%20z", Location: "file:///x/y%20z", Path: "/x/y z"}}, 0},
		{"editable dir with config settings", "-e ./a[x] --config-settings=k=v --hash=sha256:ab",
			[]req{{Pos: "/p/r.txt:1", Kind: Path, Editable: true, Extras: "x", URL: "file:///p/a", Location: "./a", Path: "/p/a", Config: "k=v"}}, 1},
		{"editable long form with quotes", `--editable "./my dir" ; python_version >= "3.9"`,
			[]req{{Pos: "/p/r.txt:1", Kind: Path, Editable: true, URL: "file:///p/my%20dir", Location: "./my dir", Path: "/p/my dir", Marker: `python_version >= "3.9"`}}, 0},
		{"editable vcs", "-e git://h/r.git#egg=r\n-egit+https://h/s.git",
			[]req{
				{Pos: "/p/r.txt:1", Kind: URL, Editable: true, Name: "r", URL: "git+git://h/r.git#egg=r", Location: "git://h/r.git#egg=r"},
				{Pos: "/p/r.txt:2", Kind: URL, Editable: true, URL: "git+https://h/s.git", Location: "git+https://h/s.git"},
			}, 0},
		{"editable not first", "--config-settings k=v -e ./a",
			[]req{{Pos: "/p/r.txt:1", Kind: Path, Editable: true, URL: "file:///p/a", Location: "./a", Path: "/p/a", Config: "k=v"}}, 0},
		{"ignored options on a requirement line", "foo --pre -i x",
			[]req{{Pos: "/p/r.txt:1", Name: "foo"}}, 1},
		{"ignored words", "--pre junk", nil, 1},
		{"hash without requirement", "--hash=sha256:ab", nil, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"p/r.txt": {Data: []byte(tc.file)}}
			f, err := Parse(context.Background(), "/p/r.txt", FSOpener{fsys}, nil)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.file, err)
			}
			if d := cmp.Diff(tc.want, project(f.Requirements)); d != "" {
				t.Errorf("Parse(%q) (-want +got)\n%s", tc.file, d)
			}
			if len(f.Warnings) != tc.warns {
				t.Errorf("Parse(%q) warnings %q, want %d", tc.file, warningStrings(f.Warnings), tc.warns)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		pos   string // "file:line" of the error
		msg   string // substring
	}{
		{"unknown option", map[string]string{"r.txt": "a\n\n--frobnicate"}, "r.txt:3", "no such option: --frobnicate"},
		{"error in an include", map[string]string{"r.txt": "-r sub/i.txt", "sub/i.txt": "\nfoo=bar"}, "sub/i.txt:2", "invalid requirement"},
		{"missing include", map[string]string{"r.txt": "\n-c nope.txt"}, "r.txt:2", "could not open constraints file nope.txt"},
		{"self include", map[string]string{"r.txt": "-r ./r.txt"}, "r.txt:1", "r.txt recursively references itself: r.txt -> r.txt"},
		{"cycle", map[string]string{"r.txt": "-r a/b.txt", "a/b.txt": "-c ../r.txt"}, "a/b.txt:1", "r.txt -> a/b.txt -> r.txt"},
		{"url with a space before the marker", map[string]string{"r.txt": "https://h/x.whl ;python_version>'3'"}, "r.txt:1", "contains whitespace"},
		{"bad marker", map[string]string{"r.txt": "foo ; bogus == 1"}, "r.txt:1", "invalid marker"},
		{"bad extras", map[string]string{"r.txt": "./x[a b]"}, "r.txt:1", "invalid extras"},
		{"bad egg", map[string]string{"r.txt": "https://h/x.zip#egg=a/b"}, "r.txt:1", "invalid #egg= fragment"},
		{"bad wheel name", map[string]string{"r.txt": "x.whl"}, "r.txt:1", "not a valid wheel file name"},
		{"editable archive url", map[string]string{"r.txt": "-e https://h/x.zip"}, "r.txt:1", "not a valid editable requirement"},
		{"editable junk after quotes", map[string]string{"r.txt": `-e "./x" y`}, "r.txt:1", "expected ';'"},
		{"editable glued marker", map[string]string{"r.txt": `-e ./x;python_version>"3"`}, "r.txt:1", "whitespace before ';'"},
		{"editable glued comment", map[string]string{"r.txt": `-e ./x#c`}, "r.txt:1", "whitespace before '#'"},
		{"empty editable", map[string]string{"r.txt": "--editable="}, "r.txt:1", "requires 1 argument"},
		{"removed option", map[string]string{"r.txt": "foo --global-option=--x"}, "r.txt:1", "use --config-settings"},
		{"bad hash", map[string]string{"r.txt": "foo --hash=md5:x"}, "r.txt:1", "sha256, sha384, sha512"},
		{"bad config setting", map[string]string{"r.txt": "foo -C x"}, "r.txt:1", "KEY=VAL"},
		{"bad feature", map[string]string{"r.txt": "--use-feature=2020-resolver"}, "r.txt:1", "invalid choice"},
		{"unknown coding", map[string]string{"r.txt": "# coding: klingon\nfoo"}, "r.txt:1", "klingon"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(context.Background(), "r.txt", FSOpener{mapFS(tc.files, "")}, nil)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if got := (Pos{pe.File, pe.Line}).String(); got != tc.pos {
				t.Errorf("error at %s, want %s: %v", got, tc.pos, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q lacks %q", err, tc.msg)
			}
		})
	}
}

func TestParseMissingFileIsNotExist(t *testing.T) {
	_, err := Parse(context.Background(), "r.txt", FSOpener{fstest.MapFS{}}, nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
}

func TestParseIncludes(t *testing.T) {
	files := map[string]string{
		"https://h/dir/r.txt":              "-r more.txt\n-c /c.txt\n-e ../local\n./pkg.tar.gz\n-f links\n-f https://other/links",
		"https://h/dir/more.txt":           "a",
		"https://h/c.txt":                  "b<2\n-r req-in-constraints.txt",
		"https://h/req-in-constraints.txt": "c",
	}
	opener := OpenerFunc(func(ctx context.Context, loc string) ([]byte, error) {
		s, ok := files[loc]
		if !ok {
			return nil, fs.ErrNotExist
		}
		return []byte(s), nil
	})
	_, err := Parse(context.Background(), "https://h/dir/r.txt", opener, nil)
	if err == nil || !strings.Contains(err.Error(), "../local is not a valid editable requirement") {
		t.Fatalf("editable relative to a remote file: %v", err)
	}
	files["https://h/dir/r.txt"] = strings.Replace(files["https://h/dir/r.txt"], "-e ../local\n", "", 1)
	f, err := Parse(context.Background(), "https://h/dir/r.txt", opener, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []req{
		{Pos: "https://h/dir/more.txt:1", Name: "a"},
		{Pos: "https://h/req-in-constraints.txt:1", Name: "c"}, // pip: -r in a -c file reads requirements
		{Pos: "https://h/dir/r.txt:3", Kind: URL, URL: "https://h/dir/pkg.tar.gz", Location: "./pkg.tar.gz"},
	}
	if d := cmp.Diff(want, project(f.Requirements)); d != "" {
		t.Errorf("requirements (-want +got)\n%s", d)
	}
	if d := cmp.Diff([]req{{Pos: "https://h/c.txt:1", Name: "b", Spec: "<2"}}, project(f.Constraints)); d != "" {
		t.Errorf("constraints (-want +got)\n%s", d)
	}
	if d := cmp.Diff([]string{"https://h/dir/links", "https://other/links"}, f.Global.FindLinks); d != "" {
		t.Errorf("find links (-want +got)\n%s", d)
	}
}

func TestParseRepeatedIncludesAreBounded(t *testing.T) {
	// Each file includes the next twice: 2^n reads without a bound.
	files := map[string]string{}
	for i := range 30 {
		next := "f" + itoa(i+1) + ".txt"
		files["f"+itoa(i)+".txt"] = "-r " + next + "\n-r " + next
	}
	files["f30.txt"] = "x"
	_, err := Parse(context.Background(), "f0.txt", FSOpener{mapFS(files, "")}, &Options{MaxFiles: 100})
	if err == nil || !strings.Contains(err.Error(), "more than 100 requirements files") {
		t.Errorf("error %v, want the file limit", err)
	}
}

func TestParseCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Parse(ctx, "r.txt", FSOpener{fstest.MapFS{"r.txt": {Data: []byte("a")}}}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestGlobalOptions(t *testing.T) {
	tests := []struct {
		name string
		file string
		base []string
		want Global
		eff  []string
	}{
		{"extras append to the command line", "--extra-index-url a\n--extra-index-url=b", []string{"cli"},
			Global{ExtraIndexURLs: []string{"a", "b"}, IndexURLs: []string{"a", "b"}}, []string{"cli", "a", "b"}},
		{"index url replaces what came before", "--extra-index-url a\n-i i\n--extra-index-url b", []string{"cli"},
			Global{IndexURL: "i", ExtraIndexURLs: []string{"a", "b"}, IndexURLs: []string{"i", "b"}}, []string{"i", "b"}},
		{"no index sticks", "-i i\n--no-index\n-i j\n--extra-index-url b", []string{"cli"},
			Global{IndexURL: "j", ExtraIndexURLs: []string{"b"}, NoIndex: true}, nil},
		{"flags and lists", "--pre --prefer-binary\n--require-hashes\n--trusted-host h --trusted-host g:1\n--use-feature fast-deps\n--use-feature=fast-deps --use-feature truststore\n--only-binary :all:\n--no-binary x", nil,
			Global{Pre: true, PreferBinary: true, RequireHashes: true, TrustedHosts: []string{"h", "g:1"}, Features: []string{"fast-deps", "truststore"}, FormatControl: FormatControl{NoBinary: []string{"x"}, OnlyBinary: []string{":all:"}}}, nil},
		{"format control on a requirement line", "foo --only-binary=bar\n--pre", nil,
			Global{Pre: true, FormatControl: FormatControl{OnlyBinary: []string{"bar"}}}, nil},
		{"find links relative", "-f ./wheels\n-f /abs -f ignored\n--find-links=https://h/", nil,
			Global{FindLinks: []string{"/p/wheels", "/abs", "https://h/"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"p/r.txt": {Data: []byte(tc.file)}}
			f, err := Parse(context.Background(), "/p/r.txt", FSOpener{fsys}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, f.Global, cmpopts.IgnoreUnexported(Global{}), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
			if d := cmp.Diff(tc.eff, f.Global.EffectiveIndexURLs(tc.base), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("EffectiveIndexURLs (-want +got)\n%s", d)
			}
		})
	}
}

func TestParseConstraintOption(t *testing.T) {
	fsys := fstest.MapFS{"c.txt": {Data: []byte("a<1\n-r r.txt")}, "r.txt": {Data: []byte("b")}}
	f, err := Parse(context.Background(), "c.txt", FSOpener{fsys}, &Options{Constraint: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Constraints) != 1 || f.Constraints[0].Req.Name != "a" || len(f.Requirements) != 1 {
		t.Errorf("constraints %v, requirements %v", project(f.Constraints), project(f.Requirements))
	}
}
