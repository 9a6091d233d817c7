package manifest

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{
		"",
		"include *.txt\nexclude a\\#b # c\n",
		"recursive-include d *.py \\\n  *.pyi\n# x\ngraft docs\nprune docs/_build\n",
		"global-include *.rst\nglobal-exclude *.py[cod] *~\n",
		"blarg\ninclude\ngraft a b\n\\\n\\",
		"include [!]a]*\r\nprune ./x/\rgraft .",
		"\ufeffinclude caf\u00e9.txt\x1c\u00a0x",
		"include a \\",
	} {
		f.Add(s)
	}
	disk := []string{"a", "a.txt", "d/b.py", "d/.h/c.pyi", "docs/_build/x", "x/y/z"}
	f.Fuzz(func(t *testing.T, text string) {
		lines, warns, err := ParseTemplate(text)
		if errors.Is(err, ErrNotUTF8) {
			if lines != nil || warns != nil || utf8.ValidString(text) {
				t.Fatalf("ErrNotUTF8 with lines %v, warnings %v, valid %v", lines, warns, utf8.ValidString(text))
			}
			return
		}
		checkLineErrors(t, err)
		prev := 0
		for _, l := range lines {
			if l.Line <= prev {
				t.Fatalf("line numbers not increasing: %d after %d", l.Line, prev)
			}
			prev = l.Line
			back, err := ParseLine(l.Command.String())
			if err != nil {
				t.Fatalf("ParseLine(%q) (from line %q): %v", l.Command.String(), l.Text, err)
			}
			if !cmp.Equal(l.Command, back) {
				t.Fatalf("round trip of %q: %#v, got %#v", l.Text, l.Command, back)
			}
		}
		fl, err := NewFileList(disk)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fl.ApplyTemplate(text); err != nil {
			checkLineErrors(t, err)
		}
		for _, s := range fl.Files() {
			if !fl.onDisk(s) {
				t.Fatalf("selected %q is not on disk", s)
			}
		}
	})
}

func checkLineErrors(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %v is not a join of line errors", err)
	}
	for _, e := range j.Unwrap() {
		var le *LineError
		if !errors.As(e, &le) || le.Line < 1 || !(errors.Is(e, ErrUnknownAction) || errors.Is(e, ErrArguments)) {
			t.Fatalf("error %v is not a *LineError with a line number and a known cause", e)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"include a b", "graft docs # c", `exclude a\#b`, "recursive-include d *", "prune", "x", `include a\ b\\#`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := ParseLine(line)
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("ParseLine(%q): %v is not a *LineError", line, err)
			}
			return
		}
		back, err := ParseLine(c.String())
		if err != nil || !cmp.Equal(c, back) {
			t.Fatalf("ParseLine(%q) = %#v; ParseLine(%q) = %#v, %v", line, c, c.String(), back, err)
		}
	})
}

// FuzzPattern compares Pattern.Match with an independent translation of the
// glob into a regular expression, built the way setuptools' translate_pattern
// builds one, with bracket expressions read by Python's fnmatch algorithm.
func FuzzPattern(f *testing.F) {
	seeds := [][2]string{
		{"foo/**/bar", "foo/bing/bang/bar"},
		{"**", "@nything"},
		{"[]one].txt", "].txt"},
		{"foo[!]one]bar", "foo]bar"},
		{"[a-c-e]x", "-x"},
		{"[c-a-z]", "-"},
		{"[!-a]", "b"},
		{"a/**/b/**", "a//b/c"},
		{"**/*/**", "a//b"},
		{"*a*a*a*", "aaaaaaaaaaaaaaaaaaab"},
		{"café", "cafe\u0301"},
		{"[", "["},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, glob, path string) {
		p := CompilePattern(glob)
		if p.String() != glob {
			t.Fatalf("String() = %q, want %q", p.String(), glob)
		}
		got := p.Match(path)
		p.matchStdlib(path) // must not panic
		if !utf8.ValidString(glob) || !utf8.ValidString(path) {
			return // Python strings are never invalid UTF-8
		}
		re, err := regexp.Compile(referenceRegexp(glob))
		if err != nil {
			t.Fatalf("reference regexp for %q: %v", glob, err)
		}
		if want := re.MatchString(norm.NFC.String(path)); got != want {
			t.Fatalf("CompilePattern(%q).Match(%q) = %v, reference %v (%s)", glob, path, got, want, re)
		}
		if !strings.Contains(glob, "/") && glob != "**" && strings.Contains(path, "/") && got {
			t.Fatalf("%q without '/' matched %q across directories", glob, path)
		}
	})
}

// referenceRegexp translates glob like setuptools' translate_pattern, except
// that bracket expressions get fnmatch's meaning (ranges) and a negated one
// never matches '/', as this package documents.
func referenceRegexp(glob string) string {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	chunks := strings.Split(norm.NFC.String(glob), "/")
	for ci, c := range chunks {
		last := ci == len(chunks)-1
		if c == "**" {
			if last {
				b.WriteString(`.*`)
			} else {
				b.WriteString(`(?:[^/]+/)*`)
			}
			continue
		}
		rs := []rune(c)
		for i := 0; i < len(rs); i++ {
			switch rs[i] {
			case '*':
				b.WriteString(`[^/]*`)
			case '?':
				b.WriteString(`[^/]`)
			case '[':
				j := i + 1
				if j < len(rs) && rs[j] == '!' {
					j++
				}
				if j < len(rs) && rs[j] == ']' {
					j++
				}
				for j < len(rs) && rs[j] != ']' {
					j++
				}
				if j >= len(rs) {
					b.WriteString(`\[`)
					continue
				}
				b.WriteString(fnmatchClass(rs[i+1 : j]))
				i = j
			default:
				b.WriteString(regexp.QuoteMeta(string(rs[i])))
			}
		}
		if !last {
			b.WriteString("/")
		}
	}
	b.WriteString(`\z`)
	return b.String()
}

// fnmatchClass follows fnmatch.translate: split the body at the '-' that
// form ranges, merge away reversed ranges, then join.
func fnmatchClass(body []rune) string {
	neg := body[0] == '!'
	var chunks [][]rune
	i, k := 0, 1
	if neg {
		k = 2
	}
	for {
		idx := -1
		for x := k; x < len(body); x++ {
			if body[x] == '-' {
				idx = x
				break
			}
		}
		if idx < 0 {
			break
		}
		chunks = append(chunks, body[i:idx])
		i = idx + 1
		k = idx + 3
	}
	if rest := body[i:]; len(rest) > 0 {
		chunks = append(chunks, rest)
	} else {
		chunks[len(chunks)-1] = append(append([]rune(nil), chunks[len(chunks)-1]...), '-')
	}
	for k := len(chunks) - 1; k > 0; k-- {
		prev, cur := chunks[k-1], chunks[k]
		if prev[len(prev)-1] > cur[0] {
			merged := append(append([]rune(nil), prev[:len(prev)-1]...), cur[1:]...)
			chunks[k-1] = merged
			chunks = append(chunks[:k], chunks[k+1:]...)
		}
	}
	var items strings.Builder
	for c, ch := range chunks {
		for x, r := range ch {
			if c == 0 && x == 0 && neg {
				continue
			}
			if c > 0 && x == 0 {
				continue // the upper end of the range written with the previous chunk
			}
			if c < len(chunks)-1 && x == len(ch)-1 {
				fmt.Fprintf(&items, `\x{%x}-\x{%x}`, r, chunks[c+1][0])
				continue
			}
			fmt.Fprintf(&items, `\x{%x}`, r)
		}
	}
	switch {
	case items.Len() == 0 && !neg:
		return `[^\x00-\x{10ffff}]`
	case items.Len() == 0:
		return `[^/]`
	case neg:
		return `[^/` + items.String() + `]`
	}
	return `[` + items.String() + `]`
}
