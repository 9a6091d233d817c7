package pyproject

import (
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
)

type attrCase struct {
	name    string
	src     string
	attr    string
	want    string // VersionString
	wantErr error
}

func attrCases() []attrCase {
	return []attrCase{
		{name: "simple", src: "__version__ = '1.2.3'\n", attr: "__version__", want: "1.2.3"},
		{name: "double quotes", src: `__version__ = "1.2.3"`, attr: "__version__", want: "1.2.3"},
		{name: "annotated", src: "__version__: str = '2.0'\n", attr: "__version__", want: "2.0"},
		{name: "chained", src: "VERSION = __version__ = '3.1'\n", attr: "__version__", want: "3.1"},
		{name: "chained first target", src: "VERSION = __version__ = '3.1'\n", attr: "VERSION", want: "3.1"},
		{name: "tuple", src: "VERSION = (1, 2, 3)\n", attr: "VERSION", want: "1.2.3"},
		{name: "bare tuple", src: "VERSION = 1, 2, 'dev0'\n", attr: "VERSION", want: "1.2.dev0"},
		{name: "list", src: "VERSION = [2, 0, 'rc1']\n", attr: "VERSION", want: "2.0.rc1"},
		{name: "one-element tuple", src: "VERSION = (7,)\n", attr: "VERSION", want: "7"},
		{name: "int", src: "VERSION = 5\n", attr: "VERSION", want: "5"},
		{name: "float", src: "VERSION = 1.10\n", attr: "VERSION", want: "1.1"},
		{name: "implicit concatenation", src: "__version__ = ('1.'\n    '2' \"3\")\n", attr: "__version__", want: "1.23"},
		{name: "triple quoted", src: "__version__ = '''4.5'''\n", attr: "__version__", want: "4.5"},
		{name: "raw and unicode prefixes", src: "__version__ = r'1.0' u''\n", attr: "__version__", want: "1.0"},
		{name: "escapes", src: `__version__ = '1.\x30'` + "\n", attr: "__version__", want: "1.0"},
		{name: "first assignment wins", src: "__version__ = '1.0'\n__version__ = '2.0'\n", attr: "__version__", want: "1.0"},
		{name: "after other code", src: "import os\nfrom x import (\n  a,\n  b)\n\ndef f(x=1):\n    __version__ = 'no'\n    return x\n\n__version__ = '0.9'  # comment\n", attr: "__version__", want: "0.9"},
		{name: "semicolons", src: "import sys; __version__ = '0.8'; x = 1\n", attr: "__version__", want: "0.8"},
		{name: "continuation", src: "__version__ = \\\n    '0.7'\n", attr: "__version__", want: "0.7"},
		{name: "inside if does not count", src: "if True:\n    __version__ = '1'\n__version__ = '2'\n", attr: "__version__", want: "2"},
		{name: "one-line if does not count", src: "if x: __version__ = '1'\n__version__ = '2'\n", attr: "__version__", want: "2"},
		{name: "class body does not count", src: "class A:\n    __version__ = '1'\n", attr: "__version__", wantErr: ErrAttrNotFound},
		{name: "string with hash", src: "__version__ = '1.0' '#x'\n", attr: "__version__", want: "1.0#x"},
		{name: "docstring first", src: "\"\"\"Module.\n\n__version__ = 'doc'\n\"\"\"\n__version__ = '1.5'\n", attr: "__version__", want: "1.5"},
		{name: "unary minus", src: "X = (1, -2)\n", attr: "X", want: "1.-2"},
		{name: "bool", src: "X = True\n", attr: "X", want: "True"},
		{name: "nested tuple", src: "X = (1, (2, 3))\n", attr: "X", want: "1.(2, 3)"},
		{name: "dict keys", src: "X = {'1': 0, '2': 0}\n", attr: "X", want: "1.2"},
		{name: "bytes iterate", src: "X = b'1.0'\n", attr: "X", want: "49.46.48"},
		{name: "crlf", src: "X = 1\r\n__version__ = '6.0'\r\n", attr: "__version__", want: "6.0"},
		{name: "bom", src: "\ufeff__version__ = '6.1'\n", attr: "__version__", want: "6.1"},
		{name: "lambda default", src: "f = lambda x=1: x\n__version__ = '1'\n", attr: "__version__", want: "1"},
		{name: "walrus and keyword args", src: "print(a, sep='')\n__version__ = '1'\n", attr: "__version__", want: "1"},
		{name: "missing", src: "VERSION = '1'\n", attr: "__version__", wantErr: ErrAttrNotFound},
		{name: "augmented is not assignment", src: "__version__ += '1'\n", attr: "__version__", wantErr: ErrAttrNotFound},
		{name: "computed call", src: "__version__ = get_version()\n", attr: "__version__", wantErr: ErrNotLiteral},
		{name: "computed name", src: "__version__ = VERSION\n", attr: "__version__", wantErr: ErrNotLiteral},
		{name: "computed join", src: "__version__ = '.'.join(map(str, v))\n", attr: "__version__", wantErr: ErrNotLiteral},
		{name: "computed operator", src: "__version__ = '1' + '2'\n", attr: "__version__", wantErr: ErrNotLiteral},
		{name: "f-string", src: "__version__ = f'{x}'\n", attr: "__version__", wantErr: ErrNotLiteral},
		{name: "first is computed", src: "__version__ = compute()\n__version__ = '1'\n", attr: "__version__", wantErr: ErrNotLiteral},
		{name: "set", src: "X = {1, 2}\n", attr: "X"},
	}
}

func TestReadAttr(t *testing.T) {
	for _, tc := range attrCases() {
		t.Run(tc.name, func(t *testing.T) {
			v, err := ReadAttr([]byte(tc.src), tc.attr)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := v.VersionString()
			if tc.name == "set" {
				if err == nil {
					t.Errorf("a set gave version %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("VersionString = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestReadAttrAgainstPython evaluates the literal cases with Python's own
// ast and setuptools' version rule, when python3 is available.
func TestReadAttrAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	var cases []attrCase
	for _, c := range attrCases() {
		if c.wantErr == nil && c.name != "set" {
			cases = append(cases, c)
		}
	}
	var in [][2]string
	for _, c := range cases {
		in = append(in, [2]string{c.src, c.attr})
	}
	data, _ := json.Marshal(in)
	cmd := exec.Command(py, "-c", `
import ast, json, sys
out = []
for src, name in json.load(sys.stdin):
    mod = ast.parse(src.encode())
    val = None
    for st in mod.body:
        targets = []
        if isinstance(st, ast.Assign):
            targets = [(t, st.value) for t in st.targets]
        elif isinstance(st, ast.AnnAssign) and st.value:
            targets = [(st.target, st.value)]
        hit = [v for t, v in targets if isinstance(t, ast.Name) and t.id == name]
        if hit:
            val = ast.literal_eval(hit[0])
            break
    if not isinstance(val, str):
        val = ".".join(map(str, val)) if hasattr(val, "__iter__") else "%s" % val
    out.append(val)
print(json.dumps(out))`)
	cmd.Stdin = strings.NewReader(string(data))
	outData, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var want []string
	if err := json.Unmarshal(outData, &want); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		v, err := ReadAttr([]byte(c.src), c.attr)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		got, _ := v.VersionString()
		if got != want[i] {
			t.Errorf("%s: got %q, Python gives %q", c.name, got, want[i])
		}
	}
}

func TestPyFloatRepr(t *testing.T) {
	tests := map[float64]string{
		1.0: "1.0", 1.1: "1.1", 100.0: "100.0", 0.0001: "0.0001", 0.00001: "1e-05",
		1e16: "1e+16", 1234567890123456.0: "1234567890123456.0", 1.5e-7: "1.5e-07", -2.5: "-2.5", 0: "0.0",
	}
	for f, want := range tests {
		if got := pyFloatRepr(f); got != want {
			t.Errorf("pyFloatRepr(%v) = %q, want %q", f, got, want)
		}
	}
}

func FuzzAttrVersion(f *testing.F) {
	for _, c := range attrCases() {
		f.Add([]byte(c.src))
	}
	f.Add([]byte("__version__ = '''unterminated\n"))
	f.Add([]byte("__version__ = (\n"))
	f.Add([]byte("__version__ = '\\N{DASH}'\n"))
	f.Add([]byte("__version__ = 0x_1\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		v, err := ReadAttr(src, "__version__")
		if err != nil {
			return
		}
		s, err := v.VersionString()
		if err != nil {
			return
		}
		// A str value round-trips through its repr.
		if v.Kind() == "str" {
			again, err := ReadAttr([]byte("__version__ = "+pyReprStr(s)+"\n"), "__version__")
			if err != nil {
				t.Fatalf("repr %s does not read back: %v", pyReprStr(s), err)
			}
			if again.String() != s {
				t.Fatalf("repr round trip: %q -> %q", s, again.String())
			}
		}
	})
}
