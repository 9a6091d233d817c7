package build

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

//go:embed hooks.py
var hookRunner []byte

// Hook names (PEP 517 and PEP 660).
const (
	HookGetRequiresSdist    = "get_requires_for_build_sdist"
	HookGetRequiresWheel    = "get_requires_for_build_wheel"
	HookGetRequiresEditable = "get_requires_for_build_editable"
	HookPrepareWheel        = "prepare_metadata_for_build_wheel"
	HookPrepareEditable     = "prepare_metadata_for_build_editable"
	HookBuildSdist          = "build_sdist"
	HookBuildWheel          = "build_wheel"
	HookBuildEditable       = "build_editable"
)

// ErrUnsupported is wrapped by the errors of hooks the backend does not
// offer (a missing mandatory hook, or UnsupportedOperation raised).
var ErrUnsupported = errors.New("not supported by the build backend")

// ErrMissingHook is returned by Call when the backend does not define the
// hook; the frontend turns it into the PEP 517 fallback where there is one.
var ErrMissingHook = errors.New("the build backend does not define the hook")

// HookError is a hook that failed: the backend raised, could not be
// imported, or its process died. Output is what the backend printed
// (stdout and stderr, interleaved), shown with the error.
type HookError struct {
	// Backend is the build-backend reference, Hook the hook called.
	Backend, Hook string
	// Message is the one-line cause ("ValueError: no version").
	Message string
	// Output is the backend's output (its last MaxOutput bytes).
	Output []byte
	// Err is the underlying error, if any (the process's exit status).
	Err error
}

// MaxOutput bounds the output a HookError keeps.
const MaxOutput = 1 << 20

// maxShownLines bounds the lines of output Error shows.
const maxShownLines = 200

func (e *HookError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "build backend %s failed in %s", e.Backend, e.Hook)
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	} else if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	out := strings.TrimRight(string(e.Output), "\n")
	if out != "" {
		lines := strings.Split(out, "\n")
		if len(lines) > maxShownLines {
			fmt.Fprintf(&b, "\n  backend output (last %d of %d lines):", maxShownLines, len(lines))
			lines = lines[len(lines)-maxShownLines:]
		} else {
			b.WriteString("\n  backend output:")
		}
		for _, l := range lines {
			b.WriteString("\n    " + l)
		}
	}
	return b.String()
}

func (e *HookError) Unwrap() error { return e.Err }

// Call is one hook invocation.
type Call struct {
	// Python is the interpreter that runs the backend.
	Python string
	// Dir is the source tree, the backend's working directory.
	Dir string
	// Backend is the build-backend reference ("module" or
	// "module:object"); BackendPath are absolute in-tree directories to
	// import it from.
	Backend     string
	BackendPath []string
	// Hook is the hook's name, Args its keyword arguments.
	Hook string
	Args map[string]any
	// Env is the backend process's environment.
	Env []string
	// Output, when not nil, receives the backend's output as it is
	// printed (it is captured for errors either way).
	Output io.Writer
	// TempDir is where the control directory is made ("" for the
	// system's).
	TempDir string
}

// answer is output.json.
type answer struct {
	Status    string          `json:"status"`
	Value     json.RawMessage `json:"value"`
	Message   string          `json:"message"`
	Traceback string          `json:"traceback"`
}

// Run runs the hook and returns its JSON-encoded return value. A hook the
// backend does not define is ErrMissingHook; UnsupportedOperation wraps
// ErrUnsupported; every other failure is a *HookError carrying the
// backend's output.
func (c Call) Run(ctx context.Context) (json.RawMessage, error) {
	control, err := os.MkdirTemp(c.TempDir, "ferry-hook-")
	if err != nil {
		return nil, fmt.Errorf("calling %s: %w", c.Hook, err)
	}
	defer os.RemoveAll(control)
	script := filepath.Join(control, "ferry_hooks.py")
	if err := os.WriteFile(script, hookRunner, 0o644); err != nil {
		return nil, fmt.Errorf("calling %s: %w", c.Hook, err)
	}
	args := c.Args
	if args == nil {
		args = map[string]any{}
	}
	in, err := json.Marshal(map[string]any{
		"backend":      c.Backend,
		"backend_path": c.BackendPath,
		"hook":         c.Hook,
		"kwargs":       args,
	})
	if err != nil {
		return nil, fmt.Errorf("calling %s: %w", c.Hook, err)
	}
	if err := os.WriteFile(filepath.Join(control, "input.json"), in, 0o644); err != nil {
		return nil, fmt.Errorf("calling %s: %w", c.Hook, err)
	}

	out := &tailBuffer{max: MaxOutput}
	var w io.Writer = out
	if c.Output != nil {
		w = io.MultiWriter(out, c.Output)
	}
	cmd := exec.CommandContext(ctx, c.Python, script, control)
	cmd.Dir = c.Dir
	cmd.Env = c.Env
	cmd.Stdin = nil
	cmd.Stdout = w
	cmd.Stderr = w
	runErr := cmd.Run()
	hookErr := func(msg string, err error) error {
		return &HookError{Backend: c.Backend, Hook: c.Hook, Message: msg, Output: out.Bytes(), Err: err}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	data, err := os.ReadFile(filepath.Join(control, "output.json"))
	if err != nil {
		if runErr != nil {
			return nil, hookErr("", runErr)
		}
		return nil, hookErr("the hook runner gave no answer", err)
	}
	var a answer
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, hookErr("the hook runner's answer is not JSON", err)
	}
	switch a.Status {
	case "ok":
		if runErr != nil { // answered, then died (an atexit handler, say)
			return nil, hookErr("", runErr)
		}
		return a.Value, nil
	case "missing":
		return nil, ErrMissingHook
	case "unsupported":
		if a.Message != "" {
			return nil, fmt.Errorf("%s: %w (%s)", c.Hook, ErrUnsupported, a.Message)
		}
		return nil, fmt.Errorf("%s: %w", c.Hook, ErrUnsupported)
	case "unavailable":
		return nil, hookErr("cannot import the backend: "+a.Message, runErr)
	case "invalid":
		return nil, hookErr(a.Message, runErr)
	default:
		return nil, hookErr(a.Message, runErr)
	}
}

// tailBuffer keeps the last max bytes written to it. It is safe for
// concurrent writes (stdout and stderr share it).
type tailBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	max     int
	dropped bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
		t.dropped = true
	}
	return len(p), nil
}

// Bytes returns what was kept, starting at a line boundary when the
// beginning was dropped.
func (t *tailBuffer) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf.Bytes()
	if t.dropped {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return append([]byte(nil), b...)
}
