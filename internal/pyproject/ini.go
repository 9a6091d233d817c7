package pyproject

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SetupCfg is a setup.cfg file as setuptools reads it: Python's
// configparser.ConfigParser with its defaults (delimiters '=' and ':', full
// line comments starting with '#' or ';', no inline comments, values
// continued on lines indented deeper than the key, blank lines kept inside
// values, strict duplicates, a [DEFAULT] section inherited by every
// section, and %(name)s interpolation with "%%" for a literal '%'), keys as
// written (optionxform=str), then setuptools' key spelling: '-' becomes '_'
// (except in [options.extras_require] and [options.data_files]) and
// [metadata] keys are lower-cased.
type SetupCfg struct {
	Sections []*CfgSection
}

// CfgSection is one [section] of a SetupCfg, with its options in file order
// (inherited [DEFAULT] options last).
type CfgSection struct {
	Name    string
	Line    int
	Options []CfgOption
}

// CfgOption is one key of a section.
type CfgOption struct {
	// Key is the key as setuptools sees it; Raw as written.
	Key string
	Raw string
	// Value is the value after interpolation, continuation lines joined with
	// "\n" and trailing white space removed.
	Value string
	// Line is the line of the key.
	Line int
}

// Section returns the section named name, or nil.
func (c *SetupCfg) Section(name string) *CfgSection {
	if c == nil {
		return nil
	}
	for _, s := range c.Sections {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Get returns the option key of s.
func (s *CfgSection) Get(key string) (CfgOption, bool) {
	if s == nil {
		return CfgOption{}, false
	}
	for _, o := range s.Options {
		if o.Key == key {
			return o, true
		}
	}
	return CfgOption{}, false
}

type iniValue struct {
	raw   string
	lines []string
	line  int
	value string
}

type iniSection struct {
	name string
	line int
	keys []string
	opts map[string]*iniValue
}

func newIniSection(name string, line int) *iniSection {
	return &iniSection{name: name, line: line, opts: map[string]*iniValue{}}
}

// pyIsSpace is Python's str.isspace for one character.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

func pyStrip(s string) string { return strings.TrimFunc(s, pyIsSpace) }

// splitLinesUniversal splits text on "\r\n", "\r" and "\n", as Python's
// text files do (the line breaks are dropped).
func splitLinesUniversal(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// ParseSetupCfg reads setup.cfg content. Errors are *Error values naming
// the line (several lines without a delimiter are joined).
func ParseSetupCfg(data []byte) (*SetupCfg, error) {
	return parseIni(SetupCfgFile, data, iniSetupCfg())
}

type iniMode struct {
	delims         string // key/value delimiters
	defaultSection string // "" for none
	setuptools     bool   // apply setuptools' key spelling
}

// iniSetupCfg is how setuptools reads setup.cfg; iniEntryPoints how it
// reads an entry_points.txt-style text (only '=' delimits, no [DEFAULT]).
func iniSetupCfg() iniMode {
	return iniMode{delims: "=:", defaultSection: "DEFAULT", setuptools: true}
}

func iniEntryPoints() iniMode { return iniMode{delims: "="} }

// parseIni implements configparser's reading in the given mode.
func parseIni(file string, data []byte, mode iniMode) (*SetupCfg, error) {
	if !utf8.Valid(data) {
		return nil, &Error{File: file, Msg: "not valid UTF-8"}
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	var d diag
	defaults := newIniSection("DEFAULT", 0)
	var sections []*iniSection
	byName := map[string]*iniSection{}
	var cur *iniSection
	optname := ""
	hasOpt := false
	indentLevel := 0
	for i, line := range splitLinesUniversal(text) {
		lineno := i + 1
		value := pyStrip(line)
		comment := strings.HasPrefix(value, "#") || strings.HasPrefix(value, ";")
		if comment {
			value = ""
		}
		if value == "" {
			if !comment && cur != nil && hasOpt {
				if v := cur.opts[optname]; v != nil {
					v.lines = append(v.lines, "")
				}
			}
			continue
		}
		curIndent := 0
		for _, r := range line {
			if !pyIsSpace(r) {
				break
			}
			curIndent++
		}
		if cur != nil && hasOpt && curIndent > indentLevel {
			if v := cur.opts[optname]; v != nil {
				v.lines = append(v.lines, value)
			}
			continue
		}
		indentLevel = curIndent
		if strings.HasPrefix(value, "[") {
			if end := strings.LastIndexByte(value, ']'); end > 1 {
				name := value[1:end]
				switch {
				case byName[name] != nil:
					return nil, &Error{File: file, Line: lineno, Key: "[" + name + "]", Msg: "section appears twice"}
				case mode.defaultSection != "" && name == mode.defaultSection:
					cur = defaults
				default:
					cur = newIniSection(name, lineno)
					sections = append(sections, cur)
					byName[name] = cur
				}
				optname, hasOpt = "", false
				continue
			}
		}
		if cur == nil {
			return nil, &Error{File: file, Line: lineno, Msg: fmt.Sprintf("no section header before %q", truncate(value, 60))}
		}
		k := strings.IndexAny(value, mode.delims)
		if k < 0 {
			d.errorf(file, lineno, "["+cur.name+"]", "%q is not a key = value line", truncate(value, 60))
			continue
		}
		key := strings.TrimRightFunc(value[:k], pyIsSpace)
		val := pyStrip(value[k+1:])
		if key == "" {
			d.errorf(file, lineno, "["+cur.name+"]", "%q has no key", truncate(value, 60))
			optname, hasOpt = "", false
			continue
		}
		if _, dup := cur.opts[key]; dup {
			return nil, &Error{File: file, Line: lineno, Key: "[" + cur.name + "] " + key, Msg: "option appears twice in the section"}
		}
		cur.keys = append(cur.keys, key)
		cur.opts[key] = &iniValue{raw: key, lines: []string{val}, line: lineno}
		optname, hasOpt = key, true
	}
	if d.failed() {
		return nil, d.err()
	}
	join := func(s *iniSection) {
		for _, k := range s.keys {
			v := s.opts[k]
			v.value = strings.TrimRightFunc(strings.Join(v.lines, "\n"), pyIsSpace)
		}
	}
	join(defaults)
	cfg := &SetupCfg{}
	for _, s := range sections {
		join(s)
		cs := &CfgSection{Name: s.name, Line: s.line}
		// Options visible in the section: its own, then [DEFAULT]'s
		// (configparser's options()).
		keys := append([]string(nil), s.keys...)
		for _, k := range defaults.keys {
			if _, own := s.opts[k]; !own {
				keys = append(keys, k)
			}
		}
		lookup := func(k string) (*iniValue, bool) {
			if v, ok := s.opts[k]; ok {
				return v, true
			}
			v, ok := defaults.opts[k]
			return v, ok
		}
		index := map[string]int{}
		for _, k := range keys {
			v, _ := lookup(k)
			val, err := interpolate(v.value, lookup, 1)
			if err != nil {
				return nil, &Error{File: file, Line: v.line, Key: "[" + s.name + "] " + k, Msg: err.Error()}
			}
			key := k
			if mode.setuptools {
				key = setuptoolsKey(s.name, k)
			}
			if at, ok := index[key]; ok {
				cs.Options[at] = CfgOption{Key: key, Raw: k, Value: val, Line: v.line}
				continue
			}
			index[key] = len(cs.Options)
			cs.Options = append(cs.Options, CfgOption{Key: key, Raw: k, Value: val, Line: v.line})
		}
		cfg.Sections = append(cfg.Sections, cs)
	}
	return cfg, nil
}

// setuptoolsKey spells a key as setuptools does before using it.
func setuptoolsKey(section, key string) string {
	if section != "options.extras_require" && section != "options.data_files" {
		key = strings.ReplaceAll(key, "-", "_")
	}
	if section == "metadata" {
		key = strings.ToLower(key)
	}
	return key
}

const maxInterpolationDepth = 10

// interpolate applies configparser's BasicInterpolation to value.
func interpolate(value string, lookup func(string) (*iniValue, bool), depth int) (string, error) {
	if depth > maxInterpolationDepth {
		return "", fmt.Errorf("interpolation is nested more than %d levels deep", maxInterpolationDepth)
	}
	var b strings.Builder
	rest := value
	for rest != "" {
		p := strings.IndexByte(rest, '%')
		if p < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:p])
		rest = rest[p:]
		switch {
		case strings.HasPrefix(rest, "%%"):
			b.WriteByte('%')
			rest = rest[2:]
		case strings.HasPrefix(rest, "%("):
			end := strings.IndexByte(rest, ')')
			if end < 3 || end+1 >= len(rest) || rest[end+1] != 's' {
				return "", fmt.Errorf("bad interpolation variable reference %q (write %%%% for a literal %%)", truncate(rest, 40))
			}
			name := rest[2:end]
			rest = rest[end+2:]
			v, ok := lookup(name)
			if !ok {
				return "", fmt.Errorf("interpolation refers to %q, which is not set (write %%%% for a literal %%)", name)
			}
			if strings.Contains(v.value, "%") {
				s, err := interpolate(v.value, lookup, depth+1)
				if err != nil {
					return "", err
				}
				b.WriteString(s)
			} else {
				b.WriteString(v.value)
			}
		default:
			return "", fmt.Errorf("'%%' must be followed by '%%' or '(', found %q (write %%%% for a literal %%)", truncate(rest, 40))
		}
	}
	return b.String(), nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-3]) + "..."
}
