// Package iostreams owns the three standard streams of one ferry run and
// knows, for each, whether it is a terminal. Colour and progress are decided
// here and nowhere else: they are on only when stderr is a terminal and
// NO_COLOR is unset, so piped or captured output is plain and deterministic.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is the set of streams a command reads and writes. Data goes to
// Out, diagnostics and progress to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY bool
	stderrTTY bool
	noColor   bool
}

// System returns the process's own streams. getenv is consulted for NO_COLOR
// and FERRY_NO_PROGRESS.
func System(getenv func(string) string) *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.stdoutTTY = term.IsTerminal(int(os.Stdout.Fd()))
	s.stderrTTY = term.IsTerminal(int(os.Stderr.Fd()))
	s.noColor = getenv("NO_COLOR") != "" || getenv("TERM") == "dumb"
	if getenv("FERRY_NO_PROGRESS") != "" {
		s.stderrTTY = false
	}
	return s
}

// Test returns streams backed by buffers, none of them a terminal.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = new(bytes.Buffer), new(bytes.Buffer), new(bytes.Buffer)
	return &IOStreams{In: in, Out: out, ErrOut: errOut, noColor: true}, in, out, errOut
}

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// ProgressEnabled reports whether progress indicators may be drawn on ErrOut.
func (s *IOStreams) ProgressEnabled() bool { return s.stderrTTY }

// ColorEnabled reports whether ErrOut may carry ANSI colour.
func (s *IOStreams) ColorEnabled() bool { return s.stderrTTY && !s.noColor }

// SetTTY overrides terminal detection; tests use it to exercise terminal-only paths.
func (s *IOStreams) SetTTY(stdout, stderr bool) { s.stdoutTTY, s.stderrTTY = stdout, stderr }
