package venv

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Config
		out  string // Bytes() of the parsed config; "" means same as in
	}{
		{
			name: "python 3.12 venv",
			in: "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.12.1\n" +
				"executable = /usr/bin/python3.12\ncommand = /usr/bin/python3 -m venv /tmp/v\n",
			want: &Config{Home: "/usr/bin", Version: "3.12.1", Executable: "/usr/bin/python3.12", Command: "/usr/bin/python3 -m venv /tmp/v"},
		},
		{
			name: "prompt and system site packages",
			in:   "home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.11.2\nprompt = 'my env'\n",
			want: &Config{Home: "/usr/bin", IncludeSystemSitePackages: true, Version: "3.11.2", Prompt: "my env"},
		},
		{
			name: "uv style, extra keys, odd spacing and case",
			in:   "home=/opt/py/bin\nImplementation = CPython\nuv = 0.4.0\nversion_info = 3.12.4\nINCLUDE-SYSTEM-SITE-PACKAGES = TRUE\nprompt = proj\n",
			want: &Config{Home: "/opt/py/bin", IncludeSystemSitePackages: true, Prompt: "proj",
				Extra: []KeyValue{{"Implementation", "CPython"}, {"uv", "0.4.0"}, {"version_info", "3.12.4"}}},
			out: "home = /opt/py/bin\ninclude-system-site-packages = true\nprompt = 'proj'\nImplementation = CPython\nuv = 0.4.0\nversion_info = 3.12.4\n",
		},
		{
			name: "comments, blanks, later lines win",
			in:   "# comment\n\nhome = /a\nhome = /b\nno equals sign here\n = empty key\n",
			want: &Config{Home: "/b"},
			out:  "home = /b\ninclude-system-site-packages = false\n",
		},
		{
			name: "quoted prompt with escapes",
			in:   "home = /a\ninclude-system-site-packages = false\nprompt = \"it's\"\n",
			want: &Config{Home: "/a", Prompt: "it's"},
		},
		{
			name: "crlf",
			in:   "home = C:\\Python312\r\ninclude-system-site-packages = false\r\nversion = 3.12.0\r\n",
			want: &Config{Home: `C:\Python312`, Version: "3.12.0"},
			out:  "home = C:\\Python312\ninclude-system-site-packages = false\nversion = 3.12.0\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseConfig([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseConfig (-want +got):\n%s", diff)
			}
			out := tc.out
			if out == "" {
				out = tc.in
			}
			if diff := cmp.Diff(out, got.String()); diff != "" {
				t.Errorf("Bytes (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := ParseConfig([]byte("home = \xff\n")); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

func TestQuotePython(t *testing.T) {
	tests := []struct{ in, want string }{
		{"env", `'env'`},
		{"it's", `"it's"`},
		{`both ' and "`, `'both \' and "'`},
		{`back\slash`, `'back\\slash'`},
		{"tab\tnew\nline", `'tab\tnew\nline'`},
		{"bell\a", `'bell\x07'`},
		{"ünïcødé ✓", `'ünïcødé ✓'`},
		{"\u200b", `'\u200b'`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := quotePython(tc.in)
			if got != tc.want {
				t.Errorf("quotePython(%q) = %s, want %s", tc.in, got, tc.want)
			}
			if back := unquotePython(got); back != tc.in {
				t.Errorf("unquotePython(%s) = %q, want %q", got, back, tc.in)
			}
		})
	}
	for _, raw := range []string{"plain", "'unterminated", `'a'b'`, `'bad \x zz'`, `'trailing \'`, `"`} {
		if got := unquotePython(raw); got != raw {
			t.Errorf("unquotePython(%q) = %q, want it unchanged", raw, got)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.12.1\n",
		"home=/x\nprompt = 'a\\'b'\nuv = 1\n",
		"prompt = \"it's\"\nexecutable = /x\ncommand = y\n",
		"= x\nfoo\nprompt = '\\u00e9'\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err != nil {
			return
		}
		back, err := ParseConfig(c.Bytes())
		if err != nil {
			t.Fatalf("re-parsing %q: %v", c.Bytes(), err)
		}
		if diff := cmp.Diff(c, back); diff != "" {
			t.Errorf("round trip of %q (-first +second):\n%s", b, diff)
		}
	})
}
