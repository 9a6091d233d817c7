package interp

import (
	"fmt"
	"io/fs"
	"strings"
)

// NotFoundError says no interpreter satisfies a request. It matches
// fs.ErrNotExist.
type NotFoundError struct {
	Request Request
	// Searched describes where Find looked ("PATH", "pyenv (/root/.pyenv)").
	Searched []string
	// Rejected lists interpreters that were found but did not qualify,
	// with the reason, for the error message.
	Rejected []string
}

// Error implements error.
func (e *NotFoundError) Error() string {
	what := "a Python interpreter"
	if s := e.Request.String(); s != "" {
		what = fmt.Sprintf("a Python interpreter for %q", s)
	}
	msg := "no " + strings.TrimPrefix(what, "a ") + " found"
	if len(e.Searched) > 0 {
		msg += " (searched " + strings.Join(e.Searched, ", ") + ")"
	}
	if len(e.Rejected) > 0 {
		msg += "; rejected: " + strings.Join(e.Rejected, "; ")
	}
	return msg
}

// Is makes NotFoundError match fs.ErrNotExist.
func (e *NotFoundError) Is(target error) bool { return target == fs.ErrNotExist }

// UnsupportedError says an interpreter is too old for ferry.
type UnsupportedError struct {
	Executable string
	Version    Version
}

// Error implements error.
func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("Python %s at %s is not supported (ferry needs Python %d.%d or newer)",
		e.Version, e.Executable, MinSupportedMajor, MinSupportedMinor)
}

// QueryError says running the query script in an interpreter failed.
type QueryError struct {
	Path string
	// Stderr is the tail of what the interpreter wrote to standard error.
	Stderr string
	Err    error
}

// Error implements error.
func (e *QueryError) Error() string {
	msg := fmt.Sprintf("querying interpreter %s: %v", e.Path, e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + s
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *QueryError) Unwrap() error { return e.Err }

// ShimError says a pyenv shim could not be resolved to an interpreter.
type ShimError struct {
	Shim     string
	Name     string
	Versions []string
	// Origin says where the version list came from ("PYENV_VERSION",
	// a .python-version file, "$PYENV_ROOT/version" or the default).
	Origin string
}

// Error implements error.
func (e *ShimError) Error() string {
	return fmt.Sprintf("pyenv shim %s: no %q in the selected version(s) %s (set by %s)",
		e.Shim, e.Name, strings.Join(e.Versions, ":"), e.Origin)
}

// NoEnvironmentError says SelectTarget found no environment to install into.
type NoEnvironmentError struct{}

// Error implements error.
func (e *NoEnvironmentError) Error() string {
	return "no virtual environment found; run `ferry venv` or pass --system"
}

// NotVenvError says the interpreter SelectTarget found is not in a virtual
// environment and --system was not given.
type NotVenvError struct {
	Info *Info
}

// Error implements error.
func (e *NotVenvError) Error() string {
	return fmt.Sprintf("%s is not in a virtual environment; pass --system to install into it", e.Info)
}
