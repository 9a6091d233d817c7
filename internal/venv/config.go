package venv

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// KeyValue is one "key = value" line of pyvenv.cfg.
type KeyValue struct {
	Key   string
	Value string
}

// Config is the content of pyvenv.cfg. The keys the venv module and
// site.py know have fields; any others are kept in Extra in file order.
type Config struct {
	// Home is the directory of the interpreter the environment was made
	// from; site.py finds the standard library through it.
	Home string
	// IncludeSystemSitePackages makes the base interpreter's
	// site-packages visible in the environment.
	IncludeSystemSitePackages bool
	// Version is the base interpreter's X.Y.Z.
	Version string
	// Prompt is the custom prompt, "" if none was given (activation then
	// uses the directory name).
	Prompt string
	// Executable is the base interpreter's resolved path and Command the
	// command line that recreates the environment (Python 3.11+).
	Executable string
	Command    string
	// Extra holds other keys ("uv", "implementation", "ferry", ...).
	Extra []KeyValue
}

// ParseConfig reads pyvenv.cfg the way site.py does: each line with an "="
// is a key and a value, both trimmed; key names are matched without
// regard to case; later lines win; other lines are ignored. A prompt
// written as a Python string literal (as the venv module writes it) is
// unquoted.
func ParseConfig(b []byte) (*Config, error) {
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("pyvenv.cfg is not UTF-8")
	}
	c := &Config{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "" {
			continue
		}
		switch strings.ToLower(k) {
		case "home":
			c.Home = v
		case "include-system-site-packages":
			c.IncludeSystemSitePackages = strings.EqualFold(v, "true")
		case "version":
			c.Version = v
		case "prompt":
			c.Prompt = unquotePython(v)
		case "executable":
			c.Executable = v
		case "command":
			c.Command = v
		default:
			c.Extra = append(c.Extra, KeyValue{k, v})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading pyvenv.cfg: %w", err)
	}
	return c, nil
}

// Bytes renders the configuration in the venv module's key order: home,
// include-system-site-packages, version, prompt, executable, command, then
// Extra. Empty optional keys are left out.
func (c *Config) Bytes() []byte {
	var b bytes.Buffer
	line := func(k, v string) { fmt.Fprintf(&b, "%s = %s\n", k, v) }
	line("home", c.Home)
	line("include-system-site-packages", strconv.FormatBool(c.IncludeSystemSitePackages))
	if c.Version != "" {
		line("version", c.Version)
	}
	if c.Prompt != "" {
		line("prompt", quotePython(c.Prompt))
	}
	if c.Executable != "" {
		line("executable", c.Executable)
	}
	if c.Command != "" {
		line("command", c.Command)
	}
	for _, kv := range c.Extra {
		line(kv.Key, kv.Value)
	}
	return b.Bytes()
}

// String returns Bytes as a string.
func (c *Config) String() string { return string(c.Bytes()) }

// quotePython writes s as a Python string literal, as repr() would: single
// quotes unless s contains a single quote and no double quote.
func quotePython(s string) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteByte(q)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r) && r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r) && r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// unquotePython undoes quotePython for a literal in single or double
// quotes; anything else (an unquoted prompt, as some tools write) is
// returned as it is.
func unquotePython(s string) string {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return s
	}
	q := s[0]
	body := s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == q {
			return s // an unescaped quote inside: not one literal
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return s
		}
		switch e := body[i]; e {
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'x', 'u', 'U':
			n := 2
			if e == 'u' {
				n = 4
			} else if e == 'U' {
				n = 8
			}
			if i+1+n > len(body) {
				return s
			}
			v, err := strconv.ParseUint(body[i+1:i+1+n], 16, 32)
			if err != nil || !utf8.ValidRune(rune(v)) {
				return s
			}
			b.WriteRune(rune(v))
			i += n
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String()
}
