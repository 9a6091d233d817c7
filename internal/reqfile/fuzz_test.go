package reqfile

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"",
	"foo==1.0\nbar[x]>=2 ; python_version < '3.9' --hash=sha256:ab \\\n  --hash=sha256:cd\n",
	"-r inc.txt\n-c inc.txt\n-e ./p[a, b] ; os_name == 'nt'\n",
	"-i https://h/simple\n--extra-index-url=${INDEX}\n--no-index\n-f ./w --pre\n",
	"https://h/x.tar.gz#egg=x ; sys_platform == 'linux'\n./a.whl\n../dir\n",
	"# coding: latin-1\n\xe9\n",
	"\xff\xfe\x00\x00a\x00\x00\x00",
	"--'x\n",
	"a \\\n# c \\\nb\r\n\\",
	"-e \"./q\" ; python_version>'3'\n-egit+https://h/r#egg=r\n",
}

// FuzzParse checks that Parse never panics and that its errors are
// *ParseError values naming a file that was read and a line within it.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"d/r.txt":   {Data: data},
			"d/inc.txt": {Data: []byte("x>=1\n-r r2.txt")},
			"d/r2.txt":  {Data: data},
		}
		opts := &Options{
			Getenv:   func(k string) (string, bool) { return "v-" + k, k != "UNSET" },
			MaxFiles: 50,
		}
		file, err := Parse(context.Background(), "/d/r.txt", FSOpener{fsys}, opts)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.File == "" || pe.Line < 0 {
				t.Fatalf("error without a position: %#v", pe)
			}
			if text, _, derr := decode(data, ""); derr == nil && pe.File == "/d/r.txt" && pe.Line > len(splitLines(text)) {
				t.Fatalf("error line %d beyond the file: %v", pe.Line, err)
			}
			return
		}
		for _, r := range append(file.Requirements, file.Constraints...) {
			if r.Pos.File == "" || r.Pos.Line < 1 {
				t.Fatalf("requirement without a position: %+v", r)
			}
			if r.Kind != Named && r.Location == "" {
				t.Fatalf("%v requirement without a location: %+v", r.Kind, r)
			}
		}
	})
}

// FuzzLogicalLines checks the line invariants: numbers increase and lie
// within the physical lines, texts are non-empty, stripped, single lines.
func FuzzLogicalLines(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		physical := len(splitLines(s))
		prev := 0
		for _, l := range logicalLines(s, nil) {
			if l.num <= prev || l.num > physical {
				t.Fatalf("line number %d after %d, %d physical lines", l.num, prev, physical)
			}
			prev = l.num
			if l.text == "" || l.text != pyStrip(l.text) {
				t.Fatalf("line %d text %q is empty or not stripped", l.num, l.text)
			}
			if len(splitLines(l.text)) != 1 {
				t.Fatalf("line %d text %q has a line break", l.num, l.text)
			}
			if stripComment(l.text) != l.text && utf8.ValidString(l.text) {
				t.Fatalf("line %d text %q still has a comment", l.num, l.text)
			}
		}
		// Joining alone keeps every physical line's text somewhere.
		if joined := joinLines(s); len(joined) > physical {
			t.Fatalf("%d joined lines from %d physical ones", len(joined), physical)
		}
	})
}
