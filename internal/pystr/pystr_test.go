package pystr

import (
	"os/exec"
	"strings"
	"testing"
)

func TestUnescape(t *testing.T) {
	tests := []struct {
		body string
		kind Kind
		want string
		err  bool
	}{
		{`plain`, Str, "plain", false},
		{`a\nb\tc\\d\'e\"f`, Str, "a\nb\tc\\d'e\"f", false},
		{`\a\b\f\v\r`, Str, "\a\b\f\v\r", false},
		{"line\\\ncont", Str, "linecont", false},
		{"line\\\r\ncont", Str, "linecont", false},
		{`\101\0\7777`, Str, "A\x00\u01ff7", false},
		{`\x41\u00e9\U0001F600`, Str, "Aé😀", false},
		{`\q\d`, Str, `\q\d`, false},
		{`\ud800`, Str, "\xed\xa0\x80", false},
		{`\x4`, Str, "", true},
		{`\xzz`, Str, "", true},
		{`\U00110000`, Str, "", true},
		{`\N{BULLET}`, Str, "", true},
		{`trailing\`, Str, "", true},
		{`\xff\u00e9\N`, Bytes, "\xff\\u00e9\\N", false},
		{`\777`, Bytes, "\xff", false},
	}
	for _, tc := range tests {
		got, err := Unescape(tc.body, tc.kind)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("Unescape(%q, %d) = %q, %v; want %q (error %v)", tc.body, tc.kind, got, err, tc.want, tc.err)
		}
	}
}

// TestAgainstPython compares with Python's own decoding of str literals.
func TestAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not on PATH")
	}
	bodies := []string{`a\nb`, `\x41\u00e9`, `\q`, `\101\12`, `\U0001F600`, `\'\"\\`, `\0`}
	for _, body := range bodies {
		out, err := exec.Command(py, "-c", `import sys; sys.stdout.buffer.write(eval("'"+sys.argv[1]+"'").encode("utf-8", "surrogatepass"))`, body).Output()
		if err != nil {
			t.Fatalf("python: %v", err)
		}
		got, err := Unescape(body, Str)
		if err != nil || got != string(out) {
			t.Errorf("Unescape(%q) = %q, %v; Python gives %q", body, got, err, out)
		}
	}
}

func FuzzUnescape(f *testing.F) {
	for _, s := range []string{`a\nb`, `\x4`, `\U0010FFFF`, `\777`, "x\\\r\ny"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, body string, bytesKind bool) {
		kind := Str
		if bytesKind {
			kind = Bytes
		}
		got, err := Unescape(body, kind)
		if err != nil {
			return
		}
		if !strings.Contains(body, `\`) && got != body {
			t.Fatalf("no escapes, but %q became %q", body, got)
		}
	})
}
