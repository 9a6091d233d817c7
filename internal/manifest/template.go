package manifest

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Action is a MANIFEST.in command name.
type Action string

// The eight template commands.
const (
	Include          Action = "include"
	Exclude          Action = "exclude"
	GlobalInclude    Action = "global-include"
	GlobalExclude    Action = "global-exclude"
	RecursiveInclude Action = "recursive-include"
	RecursiveExclude Action = "recursive-exclude"
	Graft            Action = "graft"
	Prune            Action = "prune"
)

// Errors a malformed template line wraps (inside a *LineError).
var (
	// ErrUnknownAction: the first word of the line is not a command.
	ErrUnknownAction = errors.New("unknown action")
	// ErrArguments: the command has the wrong number of arguments.
	ErrArguments = errors.New("wrong number of arguments")
	// ErrEmptyLine: ParseLine was given a blank or comment-only line.
	ErrEmptyLine = errors.New("empty line")
	// ErrNotUTF8: the template is not valid UTF-8.
	ErrNotUTF8 = errors.New("manifest template is not valid UTF-8")
)

// Command is one parsed template command.
type Command struct {
	Action Action
	// Dir is the directory pattern of recursive-include, recursive-exclude,
	// graft and prune; empty for the other commands.
	Dir string
	// Patterns are the file patterns; empty for graft and prune.
	Patterns []string
}

// String returns the command as a template line. Every '#' is written as
// `\#` so the line reads back as the same command.
func (c Command) String() string {
	var b strings.Builder
	b.WriteString(string(c.Action))
	if c.Dir != "" {
		b.WriteByte(' ')
		b.WriteString(escapeHash(c.Dir))
	}
	for _, p := range c.Patterns {
		b.WriteByte(' ')
		b.WriteString(escapeHash(p))
	}
	return b.String()
}

func escapeHash(s string) string { return strings.ReplaceAll(s, "#", `\#`) }

// LineError reports a malformed template line. Err wraps ErrUnknownAction
// or ErrArguments, or, from ParseLine only, ErrEmptyLine or ErrNotUTF8.
type LineError struct {
	Line int    // 1-based physical line where the logical line starts; 0 when not from a template
	Text string // the logical line, comments stripped and continuations joined
	Err  error
}

func (e *LineError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("manifest template line %d %q: %v", e.Line, e.Text, e.Err)
	}
	return fmt.Sprintf("manifest template line %q: %v", e.Text, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// Warning is a diagnostic that does not stop processing: a command pattern
// that matched nothing, or a continuation backslash on the last line.
type Warning struct {
	Line    int    // as in LineError
	Text    string // the logical line (for Run, the command's String form)
	Message string // setuptools' wording, e.g. "no files found matching '*.rb'"
}

// String formats the warning as setuptools prints it, prefixed with the
// line number when there is one.
func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("line %d: warning: %s", w.Line, w.Message)
	}
	return "warning: " + w.Message
}

// TemplateLine is one logical line of a template and its command.
type TemplateLine struct {
	Line    int    // 1-based physical line where it starts
	Text    string // after comment stripping, joining and trimming
	Command Command
}

// ParseTemplate reads a MANIFEST.in template. It returns every well-formed
// line; malformed lines are collected into the returned error (an
// errors.Join of *LineError, in line order) and skipped, as setuptools warns
// about them and carries on. The only other error is ErrNotUTF8, in which
// case nothing is returned.
func ParseTemplate(text string) ([]TemplateLine, []Warning, error) {
	logical, warns, err := splitTemplate(text)
	if err != nil {
		return nil, nil, err
	}
	var lines []TemplateLine
	var errs []error
	for _, l := range logical {
		c, err := parseWords(l.text)
		if err != nil {
			errs = append(errs, &LineError{Line: l.line, Text: l.text, Err: err})
			continue
		}
		lines = append(lines, TemplateLine{Line: l.line, Text: l.text, Command: c})
	}
	return lines, warns, errors.Join(errs...)
}

// ParseLine parses one logical template line (continuations already
// joined), as distutils' process_template_line does: a line break inside it
// is just whitespace. Comments and surrounding whitespace are handled as in
// a template; a line with nothing left is ErrEmptyLine. Errors are
// *LineError with Line 0.
func ParseLine(line string) (Command, error) {
	if !utf8.ValidString(line) {
		return Command{}, &LineError{Text: line, Err: ErrNotUTF8}
	}
	text, ok := stripComment(line)
	text = strings.TrimFunc(text, isSpace)
	if !ok || text == "" {
		return Command{}, &LineError{Text: text, Err: ErrEmptyLine}
	}
	c, err := parseWords(text)
	if err != nil {
		return Command{}, &LineError{Text: text, Err: err}
	}
	return c, nil
}

// parseWords splits a logical line on whitespace and checks the argument
// count of its command.
func parseWords(text string) (Command, error) {
	words := strings.FieldsFunc(text, isSpace)
	if len(words) == 0 {
		return Command{}, ErrEmptyLine
	}
	c := Command{Action: Action(words[0])}
	args := words[1:]
	switch c.Action {
	case RecursiveInclude, RecursiveExclude:
		if len(args) > 0 {
			c.Dir, args = args[0], args[1:]
		}
		c.Patterns = args
	case Graft, Prune:
		if len(args) == 1 {
			c.Dir = args[0]
		} else {
			c.Patterns = args // rejected by check
		}
	default:
		c.Patterns = args
	}
	if err := c.check(); err != nil {
		return Command{}, err
	}
	return c, nil
}

type logicalLine struct {
	line int
	text string
}

// splitTemplate turns template text into logical lines the way distutils'
// TextFile does with strip_comments, skip_blanks, join_lines, lstrip_ws,
// rstrip_ws and collapse_join all on.
func splitTemplate(text string) ([]logicalLine, []Warning, error) {
	if !utf8.ValidString(text) {
		return nil, nil, ErrNotUTF8
	}
	text = strings.TrimPrefix(text, "\ufeff")
	// Python reads the file with universal newlines.
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.TrimSuffix(text, "\n")
	var out []logicalLine
	var buildup string
	start := 0
	for i, raw := range strings.Split(text, "\n") {
		num := i + 1
		line, ok := stripComment(raw)
		if !ok {
			continue // comment-only: skipped before joining
		}
		if buildup != "" {
			line = buildup + strings.TrimLeftFunc(line, isSpace)
		} else {
			start = num
		}
		line = strings.TrimFunc(line, isSpace)
		if line == "" {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			buildup = line[:len(line)-1]
			continue
		}
		out = append(out, logicalLine{line: start, text: line})
		buildup = ""
	}
	var warns []Warning
	if buildup != "" {
		last := strings.TrimFunc(buildup, isSpace)
		out = append(out, logicalLine{line: start, text: last})
		warns = append(warns, Warning{Line: start, Text: last, Message: "continuation line immediately precedes end-of-file"})
	}
	return out, warns, nil
}

// stripComment applies TextFile's comment rule to one physical line: the
// first '#' starts a comment unless a backslash precedes it, in which case
// every `\#` on the line becomes '#' and nothing is stripped. ok is false
// when the line was a comment and nothing but whitespace is left.
func stripComment(line string) (string, bool) {
	pos := strings.IndexByte(line, '#')
	switch {
	case pos < 0:
		return line, true
	case pos == 0 || line[pos-1] != '\\':
		line = line[:pos]
		return line, strings.TrimFunc(line, isSpace) != ""
	default:
		return strings.ReplaceAll(line, `\#`, "#"), true
	}
}

// isSpace is Python's str.isspace for one character, which str.split and
// str.strip use: Unicode White_Space plus the ASCII separators 0x1c-0x1f.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}
