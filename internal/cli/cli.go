// Package cli is ferry's command line: one file per command, each with the
// same anatomy (an Options struct, a NewCmdX constructor that parses flags
// into it, and an xRun function that does the work). It is the only package
// that imports the CLI framework.
//
// Exit codes: 0 success, 1 the work failed, 2 the command line was wrong.
// Commands that mirror pip keep pip's codes where pip documents them.
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"ferry/internal/iostreams"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Factory carries what every command needs from the outside world. It is
// built once in Main and passed to every constructor; nothing in this
// package reads the process environment directly.
type Factory struct {
	IO      *iostreams.IOStreams
	Getenv  func(string) string
	Environ func() []string
	// Dir is the working directory commands resolve relative paths against.
	Dir string
}

// FlagError is a command-line usage error; it exits with ExitUsage and the
// command's usage line is printed.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf formats a FlagError.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// ExitError ends the program with Code after its message (if any) is shown.
// Commands use it where pip defines a specific exit status.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}
func (e *ExitError) Unwrap() error { return e.Err }

// errSilent ends the program with ExitFailure without printing anything more:
// the command has already told the user what went wrong.
var errSilent = errors.New("silent")

// Main runs ferry with args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, f *Factory) int {
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var exitErr *ExitError
	if errors.As(err, &exitErr) {
		if exitErr.Err != nil && !errors.Is(exitErr.Err, errSilent) {
			fmt.Fprintf(f.IO.ErrOut, "error: %v\n", exitErr.Err)
		}
		return exitErr.Code
	}
	if errors.Is(err, errSilent) {
		return ExitFailure
	}
	var flagErr *FlagError
	if errors.As(err, &flagErr) || isCobraUsageError(err) {
		fmt.Fprintf(f.IO.ErrOut, "error: %v\n", err)
		if cmd != nil {
			fmt.Fprintf(f.IO.ErrOut, "usage: %s\n", cmd.UseLine())
			fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for more.\n", cmd.CommandPath())
		}
		return ExitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(f.IO.ErrOut, "error: interrupted")
		return ExitFailure
	}
	fmt.Fprintf(f.IO.ErrOut, "error: %v\n", err)
	return ExitFailure
}

// isCobraUsageError recognises the errors cobra itself returns for a bad
// command line (unknown command or flag, wrong argument count).
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "requires exactly", "if any flags in the group"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// exactArgs, minArgs and the like wrap cobra's validators so that a wrong
// argument count is a FlagError.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return &FlagError{Err: err}
		}
		return nil
	}
}

func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return &FlagError{Err: err}
		}
		return nil
	}
}

func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(cmd, args); err != nil {
			return &FlagError{Err: err}
		}
		return nil
	}
}
