package interp

import (
	"context"
	"fmt"
	"path/filepath"
)

// TargetRequest says how the user chose the environment to install into.
type TargetRequest struct {
	// Python is the --python/-p value ("" if not given); see ParseRequest.
	Python string
	// System is --system: an interpreter outside any virtual environment
	// may be used, and without Python the first one on PATH is.
	System bool
	// Elsewhere is set when the install goes to --target, --prefix or
	// --user: the interpreter only describes the platform and scheme, its
	// own environment is not written, so it need not be a virtual
	// environment.
	Elsewhere bool
}

// SelectTarget finds the interpreter whose environment an install or
// uninstall acts on, in this order: the --python request; with --system,
// the first interpreter on PATH; the active virtual environment
// ($VIRTUAL_ENV); ./.venv in the working directory; with Elsewhere, the
// first interpreter on PATH. An interpreter outside a virtual environment
// is accepted only with System or Elsewhere (otherwise *NotVenvError).
// When nothing is found the error is a *NoEnvironmentError.
func SelectTarget(ctx context.Context, req TargetRequest, env Env) (*Info, error) {
	check := func(info *Info) (*Info, error) {
		if !info.IsVenv && !req.System && !req.Elsewhere {
			return nil, &NotVenvError{Info: info}
		}
		return info, nil
	}
	if req.Python != "" {
		info, err := Find(ctx, req.Python, env)
		if err != nil {
			return nil, err
		}
		return check(info)
	}
	if req.System {
		return Find(ctx, "", env)
	}
	if ve := env.getenv("VIRTUAL_ENV"); ve != "" {
		dir := env.abs(ve)
		if !IsVenvDir(dir) {
			return nil, fmt.Errorf("VIRTUAL_ENV is %s, which is not a virtual environment (no pyvenv.cfg or interpreter)", dir)
		}
		info, err := findPath(ctx, dir, env)
		if err != nil {
			return nil, fmt.Errorf("active virtual environment %s: %w", dir, err)
		}
		return check(info)
	}
	dotVenv := filepath.Join(env.Dir, ".venv")
	if isDir(dotVenv) {
		if !IsVenvDir(dotVenv) {
			return nil, fmt.Errorf("%s is not a virtual environment (no pyvenv.cfg or interpreter); remove it or run `ferry venv --clear`", dotVenv)
		}
		info, err := findPath(ctx, dotVenv, env)
		if err != nil {
			return nil, fmt.Errorf("virtual environment %s: %w", dotVenv, err)
		}
		return check(info)
	}
	if req.Elsewhere {
		return Find(ctx, "", env)
	}
	return nil, &NoEnvironmentError{}
}
