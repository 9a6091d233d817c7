package manifest

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
		want    bool
	}{
		{"*.txt", "a.txt", true},
		{"*.txt", ".txt", true}, // hidden files are not special
		{"*.txt", "d/a.txt", false},
		{"*", "a/b", false},
		{"a?c", "abc", true},
		{"a?c", "a/c", false},
		{"a?c", "ac", false},
		{"**", "a/b/c", true},
		{"**", "x", true},
		{"**/*.py", "a.py", true},
		{"**/*.py", "a/b/c.py", true},
		{"**/*.py", "a/b/c.pyc", false},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/xb", false},
		{"a/**/b", "a//b", false}, // "**" does not match empty components
		{"a/**", "a", false},
		{"a/**", "a/b/c", true},
		{"a**b", "axyb", true}, // "**" inside a component is two stars
		{"a**b", "ax/yb", false},
		{"[a-c]x", "bx", true}, // ranges, which setuptools' exclude side does not honour
		{"[a-c]x", "-x", false},
		{"[c-a]x", "bx", false}, // reversed range: nothing
		{"[c-a]x", "cx", false},
		{"[!a-c]x", "dx", true},
		{"[!a-c]x", "bx", false},
		{"[-a]x", "-x", true},
		{"[a-]x", "-x", true},
		{"[]]x", "]x", true},
		{"[!]]x", "]x", false},
		{"[!]]x", "ax", true},
		{"[x", "[x", true}, // unclosed bracket is literal
		{"[*]", "*", true},
		{"[*]", "a", false},
		{`a\b`, `a\b`, true}, // backslash is literal
		{"a[/]b", "a/b", false},
		{"a[!x]b", "a/b", false}, // a negated class never matches '/'
		{"café.txt", norm.NFD.String("café.txt"), true},
		{norm.NFD.String("café.txt"), "café.txt", true},
		{"caf?.txt", norm.NFD.String("café.txt"), true},
		{"", "", true},
		{"", "a", false},
		{"a/", "a", false},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+"~"+tc.path, func(t *testing.T) {
			if got := CompilePattern(tc.pattern).Match(tc.path); got != tc.want {
				t.Errorf("CompilePattern(%q).Match(%q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
			}
		})
	}
}

// TestPatternStdlib checks the Python glob rules used for the default file
// set: wildcards and "**" skip hidden names unless the pattern component
// itself starts with '.'.
func TestPatternStdlib(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
		want    bool
	}{
		{"*.py", "a.py", true},
		{"*.py", ".a.py", false},
		{".*.py", ".a.py", true},
		{"**/*.py", "a/b.py", true},
		{"**/*.py", ".a/b.py", false},
		{"**/*.py", "a/.b/c.py", false},
		{"a/**", "a/.b", false},
		{"a/**", "a/b/c", true},
		{".h/*", ".h/x", true}, // a literal hidden component is fine
		{"[.a]*", ".x", false}, // a class does not count as a leading '.'
		{"?", ".", false},
		{"LICEN[CS]E*", "LICENSE.txt", true},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+"~"+tc.path, func(t *testing.T) {
			if got := CompilePattern(tc.pattern).matchStdlib(tc.path); got != tc.want {
				t.Errorf("matchStdlib(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
			}
		})
	}
}

func TestFnPattern(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
		want    bool
	}{
		{"app/*.txt", "app/a.txt", true},
		{"app/*.txt", "app/sub/a.txt", true}, // fnmatch's '*' crosses '/'
		{"app/?.txt", "app//.txt", true},
		{"app/*.txt", "app/a.rst", false},
	}
	for _, tc := range tests {
		if got := compileFn(tc.pattern).match(tc.path); got != tc.want {
			t.Errorf("fnmatch(%q, %q) = %v, want %v", tc.path, tc.pattern, got, tc.want)
		}
	}
}

func TestPatternLongPath(t *testing.T) {
	// More components than the DP's stack buffer.
	path := ""
	for i := 0; i < 40; i++ {
		path += "d/"
	}
	path += "x.py"
	if !CompilePattern("**/d/**/*.py").Match(path) {
		t.Errorf("**/d/**/*.py does not match a 41-component path")
	}
	if CompilePattern("**/e/**/*.py").Match(path) {
		t.Errorf("**/e/**/*.py matches a path without e")
	}
}

func TestPatternString(t *testing.T) {
	for _, s := range []string{"*.txt", "a/**/b", "[x", ""} {
		if got := CompilePattern(s).String(); got != s {
			t.Errorf("CompilePattern(%q).String() = %q", s, got)
		}
	}
}
