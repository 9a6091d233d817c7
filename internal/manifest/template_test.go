package manifest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTemplate(t *testing.T) {
	inc := func(p ...string) Command { return Command{Action: Include, Patterns: p} }
	tests := []struct {
		name  string
		text  string
		want  []TemplateLine
		warns []Warning
	}{
		{
			name: "blank lines and comments",
			text: "\n# top comment\n   \ninclude a  # trailing\n\t# indented comment\n",
			want: []TemplateLine{{Line: 4, Text: "include a", Command: inc("a")}},
		},
		{
			name: "escaped hash",
			text: `include a\#b c#d` + "\n",
			// Only the first '#' is looked at: once it is escaped, nothing
			// on the line is a comment.
			want: []TemplateLine{{Line: 1, Text: "include a#b c#d", Command: inc("a#b", "c#d")}},
		},
		{
			name: "continuation",
			text: "include a \\\n    b \\\n  c\ninclude d\n",
			want: []TemplateLine{
				{Line: 1, Text: "include a b c", Command: inc("a", "b", "c")},
				{Line: 4, Text: "include d", Command: inc("d")},
			},
		},
		{
			name: "comment inside a continuation",
			text: "include a \\\n# skipped\nb\n",
			want: []TemplateLine{{Line: 1, Text: "include a b", Command: inc("a", "b")}},
		},
		{
			name: "blank line ends a continuation",
			text: "include a \\\n\ninclude b\n",
			want: []TemplateLine{
				{Line: 1, Text: "include a", Command: inc("a")},
				{Line: 3, Text: "include b", Command: inc("b")},
			},
		},
		{
			name:  "continuation at end of file",
			text:  "include a \\",
			want:  []TemplateLine{{Line: 1, Text: "include a", Command: inc("a")}},
			warns: []Warning{{Line: 1, Text: "include a", Message: "continuation line immediately precedes end-of-file"}},
		},
		{
			name: "CRLF, CR and a byte-order mark",
			text: "\ufeffinclude a\r\ninclude b\rinclude c",
			want: []TemplateLine{
				{Line: 1, Text: "include a", Command: inc("a")},
				{Line: 2, Text: "include b", Command: inc("b")},
				{Line: 3, Text: "include c", Command: inc("c")},
			},
		},
		{
			name: "Python whitespace",
			text: "include\u00a0a\x1fb\u3000c\x0b\n",
			want: []TemplateLine{{Line: 1, Text: "include\u00a0a\x1fb\u3000c", Command: inc("a", "b", "c")}},
		},
		{
			name: "every command",
			text: "exclude x\nglobal-include *.a\nglobal-exclude *.b *.c\nrecursive-include d *.py\nrecursive-exclude d *.pyc *.pyo\ngraft docs\nprune docs/_build\n",
			want: []TemplateLine{
				{Line: 1, Text: "exclude x", Command: Command{Action: Exclude, Patterns: []string{"x"}}},
				{Line: 2, Text: "global-include *.a", Command: Command{Action: GlobalInclude, Patterns: []string{"*.a"}}},
				{Line: 3, Text: "global-exclude *.b *.c", Command: Command{Action: GlobalExclude, Patterns: []string{"*.b", "*.c"}}},
				{Line: 4, Text: "recursive-include d *.py", Command: Command{Action: RecursiveInclude, Dir: "d", Patterns: []string{"*.py"}}},
				{Line: 5, Text: "recursive-exclude d *.pyc *.pyo", Command: Command{Action: RecursiveExclude, Dir: "d", Patterns: []string{"*.pyc", "*.pyo"}}},
				{Line: 6, Text: "graft docs", Command: Command{Action: Graft, Dir: "docs"}},
				{Line: 7, Text: "prune docs/_build", Command: Command{Action: Prune, Dir: "docs/_build"}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, warns, err := ParseTemplate(tc.text)
			if err != nil {
				t.Fatalf("ParseTemplate(%q): %v", tc.text, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseTemplate(%q) lines (-want +got):\n%s", tc.text, diff)
			}
			if diff := cmp.Diff(tc.warns, warns); diff != "" {
				t.Errorf("ParseTemplate(%q) warnings (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}

func TestParseTemplateErrors(t *testing.T) {
	text := "include a\nblarg x\ngraft a b\n\nrecursive-include d\nprune \\\n  d\n"
	lines, _, err := ParseTemplate(text)
	if diff := cmp.Diff([]TemplateLine{
		{Line: 1, Text: "include a", Command: Command{Action: Include, Patterns: []string{"a"}}},
		{Line: 6, Text: "prune d", Command: Command{Action: Prune, Dir: "d"}},
	}, lines); diff != "" {
		t.Errorf("good lines (-want +got):\n%s", diff)
	}
	var got []LineError
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var le *LineError
		if !errors.As(e, &le) {
			t.Fatalf("%v is not a *LineError", e)
		}
		got = append(got, LineError{Line: le.Line, Text: le.Text})
		switch le.Line {
		case 2:
			if !errors.Is(le, ErrUnknownAction) {
				t.Errorf("line 2: %v, want ErrUnknownAction", le)
			}
		default:
			if !errors.Is(le, ErrArguments) {
				t.Errorf("line %d: %v, want ErrArguments", le.Line, le)
			}
		}
	}
	want := []LineError{{Line: 2, Text: "blarg x"}, {Line: 3, Text: "graft a b"}, {Line: 5, Text: "recursive-include d"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("line errors (-want +got):\n%s", diff)
	}
	if msg := err.Error(); msg == "" {
		t.Error("empty error text")
	}

	if _, _, err := ParseTemplate("include \xff\n"); !errors.Is(err, ErrNotUTF8) {
		t.Errorf("invalid UTF-8: %v, want ErrNotUTF8", err)
	}
}

func TestParseLine(t *testing.T) {
	tests := []struct {
		line    string
		want    Command
		wantErr error
	}{
		{line: "include a b", want: Command{Action: Include, Patterns: []string{"a", "b"}}},
		{line: "  graft   docs  # comment", want: Command{Action: Graft, Dir: "docs"}},
		{line: `exclude \#x`, want: Command{Action: Exclude, Patterns: []string{"#x"}}},
		{line: "", wantErr: ErrEmptyLine},
		{line: "# only a comment", wantErr: ErrEmptyLine},
		{line: "include", wantErr: ErrArguments},
		{line: "exclude", wantErr: ErrArguments},
		{line: "global-include", wantErr: ErrArguments},
		{line: "global-exclude", wantErr: ErrArguments},
		{line: "recursive-include d", wantErr: ErrArguments},
		{line: "recursive-exclude", wantErr: ErrArguments},
		{line: "graft", wantErr: ErrArguments},
		{line: "prune a b", wantErr: ErrArguments},
		{line: "Include a", wantErr: ErrUnknownAction}, // commands are case-sensitive
		{line: "blarg", wantErr: ErrUnknownAction},
		{line: "include \xff", wantErr: ErrNotUTF8},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			got, err := ParseLine(tc.line)
			if tc.wantErr != nil {
				var le *LineError
				if !errors.Is(err, tc.wantErr) || !errors.As(err, &le) {
					t.Fatalf("ParseLine(%q) = %v, %v; want a *LineError wrapping %v", tc.line, got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLine(%q): %v", tc.line, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseLine(%q) (-want +got):\n%s", tc.line, diff)
			}
			back, err := ParseLine(got.String())
			if err != nil || !cmp.Equal(got, back) {
				t.Errorf("ParseLine(%q.String() = %q) = %v, %v; want %v", tc.line, got.String(), back, err, got)
			}
		})
	}
}

func TestCommandString(t *testing.T) {
	tests := []struct {
		c    Command
		want string
	}{
		{Command{Action: Include, Patterns: []string{"a", "b#c"}}, `include a b\#c`},
		{Command{Action: RecursiveExclude, Dir: "d", Patterns: []string{"*.pyc"}}, "recursive-exclude d *.pyc"},
		{Command{Action: Prune, Dir: "build"}, "prune build"},
	}
	for _, tc := range tests {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestWarningString(t *testing.T) {
	w := Warning{Line: 3, Text: "include *.rb", Message: "no files found matching '*.rb'"}
	if got, want := w.String(), "line 3: warning: no files found matching '*.rb'"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	w.Line = 0
	if got, want := w.String(), "warning: no files found matching '*.rb'"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
