package backend

import (
	"path"
	"regexp"
	"strings"
)

// globMatch reports whether rel, a '/'-separated path, matches pattern
// with the rules of Python's glob.glob(recursive=True), which setuptools
// uses for package_data: the pattern is split on '/', each component is
// an fnmatch pattern matching one path component, "**" as a whole
// component matches zero or more directories, and wildcards do not match
// a leading '.' (hidden names must be spelled out).
func (c reCache) globMatch(pattern, rel string) bool {
	return c.matchComps(strings.Split(pattern, "/"), strings.Split(rel, "/"))
}

func (c reCache) matchComps(pat, name []string) bool {
	if len(pat) == 0 {
		return len(name) == 0
	}
	if pat[0] == "**" {
		// zero or more directories, then the rest; as the last component,
		// every non-hidden path below.
		if len(pat) == 1 {
			for _, n := range name {
				if strings.HasPrefix(n, ".") {
					return false
				}
			}
			return len(name) > 0
		}
		for i := 0; i < len(name); i++ {
			if c.matchComps(pat[1:], name[i:]) {
				return true
			}
			if strings.HasPrefix(name[i], ".") {
				return false
			}
		}
		return false
	}
	if len(name) == 0 || !c.matchComponent(pat[0], name[0]) {
		return false
	}
	return c.matchComps(pat[1:], name[1:])
}

// matchComponent is fnmatch on one component, with glob's hidden-file
// rule.
func (c reCache) matchComponent(pat, name string) bool {
	if strings.HasPrefix(name, ".") && !strings.HasPrefix(pat, ".") {
		return false
	}
	return c.compile(pat, false).MatchString(name)
}

// fnmatch reports whether name matches pattern with Python's
// fnmatch.fnmatchcase rules, where '*' and '?' also match '/'
// (setuptools' exclude_package_data).
func (c reCache) fnmatch(pattern, name string) bool {
	return c.compile(pattern, true).MatchString(name)
}

// reCache memoizes translated patterns for one build.
type reCache map[string]*regexp.Regexp

func (c reCache) compile(pat string, slash bool) *regexp.Regexp {
	key := pat + "\x00f"
	if slash {
		key = pat + "\x00t"
	}
	if re, ok := c[key]; ok {
		return re
	}
	re := fnmatchRegexp(pat, slash)
	c[key] = re
	return re
}

// fnmatchRegexp translates an fnmatch pattern: '*', '?', "[seq]" and
// "[!seq]"; a '[' without a closing ']' is literal. With slash false,
// wildcards do not match '/'.
func fnmatchRegexp(pat string, slash bool) *regexp.Regexp {
	any, one := `[^/]*`, `[^/]`
	if slash {
		any, one = `(?s:.*)`, `(?s:.)`
	}
	var b strings.Builder
	b.WriteString("^")
	rs := []rune(pat)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch c {
		case '*':
			b.WriteString(any)
		case '?':
			b.WriteString(one)
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
			body := rs[i+1 : j]
			var cls strings.Builder
			cls.WriteString("[")
			k := 0
			if len(body) > 0 && body[0] == '!' {
				cls.WriteString("^")
				if !slash {
					cls.WriteString("/")
				}
				k = 1
			}
			for ; k < len(body); k++ {
				switch body[k] {
				case '\\', '[', ']', '^':
					cls.WriteByte('\\')
				}
				cls.WriteRune(body[k])
			}
			cls.WriteString("]")
			b.WriteString(cls.String())
			i = j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		// A reversed range ("[z-a]") matches nothing in Python.
		return regexp.MustCompile(`[^\x00-\x{10FFFF}]`)
	}
	return re
}

// under returns rel's path below dir ("" when dir is the root), and
// whether rel is below dir.
func under(dir, rel string) (string, bool) {
	if dir == "" || dir == "." {
		return rel, true
	}
	rest, ok := strings.CutPrefix(rel, dir+"/")
	return rest, ok
}

// cleanDir cleans a package directory: "" and "." are the root.
func cleanDir(d string) string {
	d = path.Clean(d)
	if d == "." {
		return ""
	}
	return d
}
