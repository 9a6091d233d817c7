package distinfo

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EntryPoint is one "name = value" line of entry_points.txt.
type EntryPoint struct {
	Name  string
	Value string
}

// Ref parses the entry point's value as an object reference.
func (e EntryPoint) Ref() (ObjectRef, error) { return ParseObjectRef(e.Value) }

// EntryPointGroup is one [section] of entry_points.txt.
type EntryPointGroup struct {
	Name    string
	Entries []EntryPoint
}

// EntryPoints is the content of entry_points.txt: groups in file order,
// entries in file order within each group.
type EntryPoints struct {
	Groups []EntryPointGroup
}

// Groups of entry points that installers turn into scripts.
const (
	ConsoleScripts = "console_scripts"
	GUIScripts     = "gui_scripts"
)

// Group returns the entries of the named group, nil when there is none.
func (e EntryPoints) Group(name string) []EntryPoint {
	for _, g := range e.Groups {
		if g.Name == name {
			return g.Entries
		}
	}
	return nil
}

// ConsoleScripts returns the console_scripts entries.
func (e EntryPoints) ConsoleScripts() []EntryPoint { return e.Group(ConsoleScripts) }

// GUIScripts returns the gui_scripts entries.
func (e EntryPoints) GUIScripts() []EntryPoint { return e.Group(GUIScripts) }

// Add appends an entry to the named group, creating the group at the end
// when it does not exist yet.
func (e *EntryPoints) Add(group string, ep EntryPoint) {
	for i := range e.Groups {
		if e.Groups[i].Name == group {
			e.Groups[i].Entries = append(e.Groups[i].Entries, ep)
			return
		}
	}
	e.Groups = append(e.Groups, EntryPointGroup{Name: group, Entries: []EntryPoint{ep}})
}

// ParseEntryPoints reads entry_points.txt as importlib.metadata does: lines
// are trimmed; blank lines and lines starting with "#" are skipped; a line
// "[name]" starts a group (brackets at both ends stripped); other lines are
// "name = value", split at the first "=" and trimmed. Lines before the
// first group are ignored. A group that appears twice is merged into its
// first appearance. A line without "=" or with an empty name is an error.
func ParseEntryPoints(r io.Reader) (EntryPoints, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return EntryPoints{}, fmt.Errorf("reading %s: %w", EntryPointsFile, err)
	}
	var eps EntryPoints
	current := -1
	for n, line := range splitLines(string(data)) {
		n++
		line = strings.TrimFunc(line, unicode.IsSpace)
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '[' && line[len(line)-1] == ']' {
			name := strings.Trim(line, "[]")
			current = -1
			for i, g := range eps.Groups {
				if g.Name == name {
					current = i
				}
			}
			if current < 0 {
				eps.Groups = append(eps.Groups, EntryPointGroup{Name: name})
				current = len(eps.Groups) - 1
			}
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return EntryPoints{}, fmt.Errorf("%s: line %d: %q is not name = value", EntryPointsFile, n, line)
		}
		name = strings.TrimFunc(name, unicode.IsSpace)
		value = strings.TrimFunc(value, unicode.IsSpace)
		if name == "" {
			return EntryPoints{}, fmt.Errorf("%s: line %d: entry point without a name", EntryPointsFile, n)
		}
		if current < 0 {
			continue
		}
		g := &eps.Groups[current]
		g.Entries = append(g.Entries, EntryPoint{name, value})
	}
	return eps, nil
}

// isLineBreak reports the characters Python's str.splitlines splits at.
func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

func containsLineBreak(s string) bool { return strings.IndexFunc(s, isLineBreak) >= 0 }

// splitLines splits s as Python's str.splitlines does ("\r\n" is one
// break).
func splitLines(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexFunc(s, isLineBreak)
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i])
		if strings.HasPrefix(s[i:], "\r\n") {
			s = s[i+2:]
		} else {
			_, size := utf8.DecodeRuneInString(s[i:])
			s = s[i+size:]
		}
	}
	return lines
}

// WriteEntryPoints writes eps in the layout setuptools uses: each group as
// "[name]", its entries as "name = value", and a blank line after each
// group, in the order of the slices.
func WriteEntryPoints(w io.Writer, eps EntryPoints) error {
	var b bytes.Buffer
	for _, g := range eps.Groups {
		if containsLineBreak(g.Name) || strings.Trim(g.Name, "[]") != g.Name {
			return fmt.Errorf("writing %s: group name %q would not read back", EntryPointsFile, g.Name)
		}
		b.WriteString("[" + g.Name + "]\n")
		for _, e := range g.Entries {
			if err := checkEntryPoint(e); err != nil {
				return fmt.Errorf("writing %s: group %s: %w", EntryPointsFile, g.Name, err)
			}
			b.WriteString(e.Name + " = " + e.Value + "\n")
		}
		b.WriteString("\n")
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing %s: %w", EntryPointsFile, err)
	}
	return nil
}

func checkEntryPoint(e EntryPoint) error {
	trimmed := func(s string) bool { return strings.TrimFunc(s, unicode.IsSpace) == s }
	switch {
	case e.Name == "" || !trimmed(e.Name) || !trimmed(e.Value):
		return fmt.Errorf("entry point %q = %q: empty name or surrounding white space", e.Name, e.Value)
	case containsLineBreak(e.Name+e.Value) || strings.Contains(e.Name, "="):
		return fmt.Errorf("entry point %q = %q: line break or \"=\" in the name", e.Name, e.Value)
	case e.Name[0] == '#' || (e.Name[0] == '[' && strings.HasSuffix(e.Value, "]")):
		return fmt.Errorf("entry point %q = %q would read back as a comment or a group", e.Name, e.Value)
	}
	return nil
}

// ObjectRef is an entry point value "module.sub:attr.attr [extra1,extra2]".
type ObjectRef struct {
	// Module is the dotted module path.
	Module string
	// Attr is the dotted attribute path, "" when the value names a module.
	Attr string
	// Extras are the extras in brackets (deprecated by the specification
	// but still written by some projects).
	Extras []string
}

// String returns the reference as "module:attr [extras]" without
// redundant spaces.
func (o ObjectRef) String() string {
	s := o.Module
	if o.Attr != "" {
		s += ":" + o.Attr
	}
	if len(o.Extras) > 0 {
		s += " [" + strings.Join(o.Extras, ",") + "]"
	}
	return s
}

// ParseObjectRef parses an entry point value: a dotted module name, an
// optional ":" and dotted attribute, and optional extras in brackets,
// white space allowed around the separators (importlib.metadata's
// pattern). Each dotted part is a run of letters, digits and "_".
func ParseObjectRef(value string) (ObjectRef, error) {
	s := strings.TrimFunc(value, unicode.IsSpace)
	bad := func(why string) (ObjectRef, error) {
		return ObjectRef{}, fmt.Errorf("entry point value %q: %s", value, why)
	}
	var ref ObjectRef
	if i := strings.IndexByte(s, '['); i >= 0 {
		if !strings.HasSuffix(s, "]") {
			return bad("extras must end with \"]\"")
		}
		inner := s[i+1 : len(s)-1]
		if strings.TrimFunc(inner, unicode.IsSpace) != "" {
			for _, x := range strings.Split(inner, ",") {
				x = strings.TrimFunc(x, unicode.IsSpace)
				if !isExtraName(x) {
					return bad(fmt.Sprintf("extra %q is not a name", x))
				}
				ref.Extras = append(ref.Extras, x)
			}
		}
		s = strings.TrimRightFunc(s[:i], unicode.IsSpace)
	}
	mod, attr, hasAttr := strings.Cut(s, ":")
	ref.Module = strings.TrimRightFunc(mod, unicode.IsSpace)
	if !isDotted(ref.Module) {
		return bad("module is not a dotted name")
	}
	if hasAttr {
		ref.Attr = strings.TrimLeftFunc(attr, unicode.IsSpace)
		if !isDotted(ref.Attr) {
			return bad("attribute is not a dotted name")
		}
	}
	return ref, nil
}

// isDotted reports whether s is word characters in non-empty runs
// separated by single dots.
func isDotted(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for _, r := range part {
			if !isWord(r) {
				return false
			}
		}
	}
	return true
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// isExtraName accepts an extra as written in requirements: word characters
// with "-" and "." inside.
func isExtraName(s string) bool {
	if s == "" || !isWord(rune(s[0])) || !isWord(rune(s[len(s)-1])) {
		return false
	}
	for _, r := range s {
		if !isWord(r) && r != '-' && r != '.' {
			return false
		}
	}
	return true
}
