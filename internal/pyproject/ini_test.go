package pyproject

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type iniCase struct {
	name string
	text string
	want [][2]string // "section" / "key", value pairs flattened: {section+"/"+key, value}
	bad  bool
}

func iniCases() []iniCase {
	return []iniCase{
		{name: "equals and colon", text: "[s]\na = 1\nb: 2\nc=3\n",
			want: [][2]string{{"s/a", "1"}, {"s/b", "2"}, {"s/c", "3"}}},
		{name: "first delimiter wins", text: "[s]\na:b = c\nd = e:f\n",
			want: [][2]string{{"s/a", "b = c"}, {"s/d", "e:f"}}},
		{name: "continuation lines", text: "[s]\nkeywords =\n    one\n    two\nnext = x\n",
			want: [][2]string{{"s/keywords", "\none\ntwo"}, {"s/next", "x"}}},
		{name: "continuation keeps relative text", text: "[s]\na = first\n  second\n\tthird\n",
			want: [][2]string{{"s/a", "first\nsecond\nthird"}}},
		{name: "blank lines inside values", text: "[s]\na =\n  x\n\n  y\n\n\nb = 2\n",
			want: [][2]string{{"s/a", "\nx\n\ny"}, {"s/b", "2"}}},
		{name: "comments", text: "# top\n[s]\n; semi\na = 1 # not a comment\n  # indented comment\nb = 2 ; neither\n",
			want: [][2]string{{"s/a", "1 # not a comment"}, {"s/b", "2 ; neither"}}},
		{name: "comment inside value is dropped", text: "[s]\na =\n    x\n    # no\n    y\n",
			want: [][2]string{{"s/a", "\nx\ny"}}},
		{name: "case kept", text: "[S]\nKey = V\n", want: [][2]string{{"S/Key", "V"}}},
		{name: "DEFAULT inherited", text: "[DEFAULT]\nd = 1\n[s]\na = 2\n[t]\nd = 3\n",
			want: [][2]string{{"s/a", "2"}, {"s/d", "1"}, {"t/d", "3"}}},
		{name: "interpolation", text: "[s]\nbase = /usr\npath = %(base)s/lib\npct = 100%%\n",
			want: [][2]string{{"s/base", "/usr"}, {"s/path", "/usr/lib"}, {"s/pct", "100%"}}},
		{name: "interpolation from DEFAULT, nested", text: "[DEFAULT]\nroot = r\n[s]\na = %(root)s/a\nb = %(a)s/b\n",
			want: [][2]string{{"s/a", "r/a"}, {"s/b", "r/a/b"}, {"s/root", "r"}}},
		{name: "empty value", text: "[s]\na =\nb=\n", want: [][2]string{{"s/a", ""}, {"s/b", ""}}},
		{name: "section header with trailing text", text: "[s] trailing\na = 1\n", want: [][2]string{{"s/a", "1"}}},
		{name: "indented section header is a continuation", text: "[s]\na = 1\n  [t]\n", want: [][2]string{{"s/a", "1\n[t]"}}},
		{name: "crlf", text: "[s]\r\na = 1\r\n  b\r\n", want: [][2]string{{"s/a", "1\nb"}}},
		{name: "lone percent", text: "[s]\na = 100% pure\n", bad: true},
		{name: "missing reference", text: "[s]\na = %(nope)s\n", bad: true},
		{name: "bad reference", text: "[s]\na = %(x\n", bad: true},
		{name: "recursion", text: "[s]\na = %(b)s\nb = %(a)s\n", bad: true},
		{name: "no section", text: "a = 1\n", bad: true},
		{name: "duplicate section", text: "[s]\n[s]\n", bad: true},
		{name: "duplicate option", text: "[s]\na = 1\na = 2\n", bad: true},
		{name: "no delimiter", text: "[s]\njust words\n", bad: true},
		{name: "empty key", text: "[s]\n= value\n", bad: true},
	}
}

func flattenIni(c *SetupCfg) [][2]string {
	var out [][2]string
	for _, s := range c.Sections {
		for _, o := range s.Options {
			out = append(out, [2]string{s.Name + "/" + o.Raw, o.Value})
		}
	}
	return out
}

func rawIniMode() iniMode { return iniMode{delims: "=:", defaultSection: "DEFAULT"} }

func TestParseIni(t *testing.T) {
	for _, tc := range iniCases() {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseIni("x.cfg", []byte(tc.text), rawIniMode())
			if tc.bad {
				if err == nil {
					t.Fatalf("parsed %q without error: %v", tc.text, flattenIni(c))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, flattenIni(c), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseIniAgainstPython reads the same texts with Python's configparser
// (as setuptools configures it), when python3 is available.
func TestParseIniAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	cases := iniCases()
	var texts []string
	for _, c := range cases {
		texts = append(texts, c.text)
	}
	data, _ := json.Marshal(texts)
	cmd := exec.Command(py, "-c", `
import configparser, io, json, sys
out = []
for text in json.load(sys.stdin):
    p = configparser.ConfigParser()
    p.optionxform = str
    try:
        p.read_file(io.StringIO(text))
        res = []
        for s in p.sections():
            for o in p.options(s):
                res.append([s + "/" + o, p.get(s, o)])
        out.append(res)
    except Exception as e:
        out.append(None)
print(json.dumps(out))`)
	cmd.Stdin = strings.NewReader(string(data))
	outData, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var want []*[][2]string
	if err := json.Unmarshal(outData, &want); err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		c, err := parseIni("x.cfg", []byte(tc.text), rawIniMode())
		if want[i] == nil {
			if err == nil {
				t.Errorf("%s: Python fails, ferry reads %v", tc.name, flattenIni(c))
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Python reads it, ferry fails: %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(*want[i], flattenIni(c), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: differs from Python (-python +ferry):\n%s", tc.name, diff)
		}
	}
}

func TestSetupCfgKeySpelling(t *testing.T) {
	c, err := ParseSetupCfg([]byte("[metadata]\nName = x\nauthor-email = a@b\n[options]\nzip-safe = 1\nZip_Safe = 2\n[options.extras_require]\nDev-Tools = y\n[options.data_files]\nshare/my-app = a\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range c.Sections {
		for _, o := range s.Options {
			got = append(got, s.Name+"/"+o.Key)
		}
	}
	want := []string{"metadata/name", "metadata/author_email", "options/zip_safe", "options/Zip_Safe",
		"options.extras_require/Dev-Tools", "options.data_files/share/my-app"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzParseSetupCfg(f *testing.F) {
	for _, c := range iniCases() {
		f.Add([]byte(c.text))
	}
	f.Add([]byte("[metadata]\nname = x\nversion = attr: x.__version__\n[options]\npackages = find:\ninstall_requires =\n  a\n  b; python_version<'3'\n"))
	f.Add([]byte("[options.entry_points]\nconsole_scripts =\n  x = y:z\n[options.extras_require]\ndev:os_name=='nt' = pytest\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseSetupCfg(data)
		if err != nil {
			return
		}
		for _, s := range c.Sections {
			for _, o := range s.Options {
				if strings.ContainsAny(o.Key, "\n") {
					t.Fatalf("key %q holds a line break", o.Key)
				}
			}
		}
		// Loading a project made of this setup.cfg never panics.
		_, _ = Load(withFile(files("pkg/__init__.py", "README.rst"), "setup.cfg", string(data)))
	})
}
