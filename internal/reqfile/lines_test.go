package reqfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestLogicalLines(t *testing.T) {
	env := map[string]string{"A": "aa", "B_1": "${A}", "EMPTY": "", "lower": "x"}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	tests := []struct {
		name string
		in   string
		want []line
	}{
		{"crlf", "a\r\nb\r\n", []line{{1, "a"}, {2, "b"}}},
		{"lone cr and form feed", "a\rb\fc\x1cd", []line{{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}}},
		{"unicode line separators", "a\u2028b\u0085c", []line{{1, "a"}, {2, "b"}, {3, "c"}}},
		{"backslashes trimmed at both ends", "\\\\a \\\\\nb", []line{{1, "a b"}}},
		{"join at end of file", "a \\", []line{{1, "a"}}},
		{"backslash then empty line", "a\\\n\nb", []line{{1, "a"}, {3, "b"}}},
		{"comment needs whitespace", "a#b\nc\t#d\ne\u00a0#f", []line{{1, "a#b"}, {2, "c"}, {3, "e"}}},
		{"comment continuing", "a # c \\\nb", []line{{1, "a"}}},
		{"comment line ends join", "a \\\n  # c \\\nb", []line{{1, "a"}, {3, "b"}}},
		{"surrounding whitespace", "  \t a  \v", []line{{1, "a"}}},
		{"env", "${A}/${A}/${EMPTY}/${lower}/$A/%A%/${UNSET}/${A", []line{{1, "aa/aa/${EMPTY}/${lower}/$A/%A%/${UNSET}/${A"}}},
		// pip finds the references first, then replaces them in turn in
		// the line as it is by then.
		{"env value with a reference, before it", "${B_1}/${A}", []line{{1, "aa/aa"}}},
		{"env value with a reference, after it", "${A}/${B_1}", []line{{1, "aa/${A}"}}},
		{"env in options", "--index-url ${A}", []line{{1, "--index-url aa"}}},
		{"empty", "", nil},
		{"only comments", "# a\n  # b\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := logicalLines(tc.in, getenv)
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(line{}), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("logicalLines(%q) (-want +got)\n%s", tc.in, d)
			}
		})
	}
}

func TestSplitArgsOptions(t *testing.T) {
	tests := []struct{ in, args, opts string }{
		{"pkg", "pkg", ""},
		{"pkg --hash=x", "pkg", "--hash=x"},
		{"pkg  --hash=x", "pkg ", "--hash=x"},
		{"pkg\t--hash=x", "pkg\t--hash=x", ""},
		{"-e x", "", "-e x"},
		{`a ; b == "-x" -c y`, `a ; b == "-x"`, "-c y"},
	}
	for _, tc := range tests {
		a, o := splitArgsOptions(tc.in)
		if a != tc.args || o != tc.opts {
			t.Errorf("splitArgsOptions(%q) = %q, %q; want %q, %q", tc.in, a, o, tc.args, tc.opts)
		}
	}
}

func TestShellSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  error
	}{
		{"a b\tc", []string{"a", "b", "c"}, nil},
		{`--x='u v' "w\"x\y" z\ y`, []string{"--x=u v", `w"x\y`, "z y"}, nil},
		{`'' ""`, []string{"", ""}, nil},
		{`a'b'c`, []string{"abc"}, nil},
		{`'a`, nil, errNoClosingQuote},
		{`"a`, nil, errNoClosingQuote},
		{`a\`, nil, errNoEscapedChar},
		{"   ", nil, nil},
	}
	for _, tc := range tests {
		got, err := shellSplit(tc.in)
		if err != tc.err || !cmp.Equal(got, tc.want) {
			t.Errorf("shellSplit(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestParseOptionWords(t *testing.T) {
	type ov struct{ Name, Value string }
	tests := []struct {
		in      []string
		want    []ov
		rest    []string
		wantErr string
	}{
		{[]string{"-i", "u", "-iu2", "--index-url=u3", "--index-url", "u4"}, []ov{{"-i", "u"}, {"-i", "u2"}, {"--index-url", "u3"}, {"--index-url", "u4"}}, nil, ""},
		{[]string{"--ext", "u", "--pre", "--config-setting", "k=v"}, []ov{{"--extra-index-url", "u"}, {"--pre", ""}, {"--config-settings", "k=v"}}, nil, ""},
		{[]string{"--index-url", "--pre"}, []ov{{"--index-url", "--pre"}}, nil, ""},
		{[]string{"x", "--pre", "--", "--no-index"}, []ov{{"--pre", ""}}, []string{"x", "--no-index"}, ""},
		{[]string{"-"}, nil, []string{"-"}, ""},
		{[]string{"--no"}, nil, nil, "ambiguous option: --no (--no-binary, --no-index?)"},
		{[]string{"--req"}, nil, nil, "ambiguous option: --req (--require-hashes, --requirement?)"},
		{[]string{"--pre=x"}, nil, nil, "--pre option does not take a value"},
		{[]string{"-x"}, nil, nil, "no such option: -x"},
		{[]string{"--hash"}, nil, nil, "--hash option requires 1 argument"},
		{[]string{"-r"}, nil, nil, "-r option requires 1 argument"},
		{[]string{"--install-option=x"}, nil, nil, "--install-option is no longer supported by pip; use --config-settings"},
	}
	for _, tc := range tests {
		vals, rest, err := parseOptionWords(tc.in)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("parseOptionWords(%q) error %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseOptionWords(%q): %v", tc.in, err)
			continue
		}
		var got []ov
		for _, v := range vals {
			got = append(got, ov{v.name, v.value})
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("parseOptionWords(%q) (-want +got)\n%s", tc.in, d)
		}
		if d := cmp.Diff(tc.rest, rest); d != "" {
			t.Errorf("parseOptionWords(%q) rest (-want +got)\n%s", tc.in, d)
		}
	}
}

func TestFormatControl(t *testing.T) {
	type step struct {
		noBinary bool
		value    string
	}
	tests := []struct {
		name  string
		steps []step
		want  FormatControl
	}{
		{"names normalized and sorted", []step{{true, "B_x,a"}}, FormatControl{NoBinary: []string{"a", "b-x"}}},
		{"name moves to the other set", []step{{true, "a,b"}, {false, "a"}}, FormatControl{NoBinary: []string{"b"}, OnlyBinary: []string{"a"}}},
		{":all: clears both", []step{{false, "x"}, {true, "a,:all:"}}, FormatControl{NoBinary: []string{":all:"}}},
		{":all: then :none: then names", []step{{true, ":all:,:none:,c"}}, FormatControl{NoBinary: []string{"c"}}},
		{":none: empties the target", []step{{true, "a"}, {false, "b"}, {true, ":none:"}}, FormatControl{OnlyBinary: []string{"b"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fc FormatControl
			for _, s := range tc.steps {
				var err error
				if s.noBinary {
					err = fc.update(s.value, &fc.NoBinary, &fc.OnlyBinary)
				} else {
					err = fc.update(s.value, &fc.OnlyBinary, &fc.NoBinary)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if d := cmp.Diff(tc.want, fc, cmp.Comparer(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 || cmp.Equal([]string(a), []string(b)) })); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
	var fc FormatControl
	if err := fc.update("--pre", &fc.NoBinary, &fc.OnlyBinary); err == nil {
		t.Errorf("a value starting with '-' was accepted")
	}
}
