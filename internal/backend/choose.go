package backend

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"ferry/internal/pyproject"
)

// BackendName is the build-backend a project names in pyproject.toml to
// be built by ferry's native backend:
//
//	[build-system]
//	requires = []
//	build-backend = "ferry.backend"
const BackendName = "ferry.backend"

// Path is which backend builds a project.
type Path int

const (
	// Native is ferry's own backend (this package).
	Native Path = iota
	// Declared is the project's declared PEP 517 backend, run through the
	// build frontend.
	Declared
)

func (p Path) String() string {
	if p == Declared {
		return "declared"
	}
	return "native"
}

// ParsePath reads "native" or "declared"; "" and "auto" mean that Choose
// decides (ok is false then).
func ParsePath(s string) (path Path, ok bool, err error) {
	switch s {
	case "", "auto":
		return Native, false, nil
	case "native":
		return Native, true, nil
	case "declared":
		return Declared, true, nil
	}
	return Native, false, fmt.Errorf("unknown backend %q (want native or declared)", s)
}

// Choice is the backend that builds a project and why.
type Choice struct {
	Path Path
	// BuildSystem is the project's effective [build-system]: the declared
	// one, or setuptools' legacy backend when there is none.
	BuildSystem pyproject.BuildSystem
	// Reason says why, for messages: `names "ferry.backend"`, `declares
	// "hatchling.build"`, `setup.py does more than call setup()`.
	Reason string
}

// Choose decides which backend builds the project at fsys, by the rule:
// the native backend when pyproject.toml's [build-system] names
// BackendName, or when there is no [build-system] table and setup.py is
// absent or trivial (only calls setup() without arguments) and nothing
// the configuration asks for needs setuptools itself (extension modules,
// custom commands); the declared backend (setuptools' legacy backend
// when none is declared) in every other case.
//
// Only [build-system] and setup.py are read first, so a project built by
// another backend is never held to ferry's reading of its configuration.
// A configuration error in a project that would be built natively is not
// Choose's to report: it returns Native and the build reports it.
func Choose(fsys fs.FS) (Choice, error) {
	bs := pyproject.DefaultBuildSystem()
	data, err := fs.ReadFile(fsys, pyproject.PyprojectFile)
	switch {
	case err == nil:
		declared, err := pyproject.ReadBuildSystem(data)
		if err != nil {
			return Choice{}, err
		}
		if declared.Declared {
			bs = declared
			if bs.Backend == "" {
				bs.Backend = pyproject.DefaultBuildSystem().Backend
			}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return Choice{}, fmt.Errorf("reading %s: %w", pyproject.PyprojectFile, err)
	}
	if bs.Backend == BackendName {
		return Choice{Path: Native, BuildSystem: bs, Reason: fmt.Sprintf("[build-system] names %q", BackendName)}, nil
	}
	if bs.Declared {
		return Choice{Path: Declared, BuildSystem: bs, Reason: fmt.Sprintf("[build-system] declares %q", bs.Backend)}, nil
	}
	kind, err := pyproject.SetupPyIn(fsys)
	if err != nil {
		return Choice{}, err
	}
	if kind == pyproject.SetupPyCustom {
		return Choice{Path: Declared, BuildSystem: bs, Reason: "setup.py does more than call setup()"}, nil
	}
	if cfg, err := pyproject.Load(fsys); err == nil {
		if err := cfg.Native(); err != nil {
			return Choice{Path: Declared, BuildSystem: bs, Reason: err.Error()}, nil
		}
	}
	reason := "no [build-system] table and no setup.py"
	if kind == pyproject.SetupPyTrivial {
		reason = "no [build-system] table and a setup.py that only calls setup()"
	}
	return Choice{Path: Native, BuildSystem: bs, Reason: reason}, nil
}

// Hooks are the PEP 517 / PEP 660 build hooks of one project as a build
// frontend calls them. The native backend (NativeHooks) implements them,
// and so does the PEP 517 frontend running a declared backend, which
// satisfies this interface without importing this package (both are
// engines; the command line holds one or the other).
//
// Each method writes one file into outDir, which exists, and returns its
// base name. settings are PEP 517 config settings. A method must not
// leave a partial file in outDir when it fails. Implementations need not
// be safe for concurrent use.
type Hooks interface {
	BuildSdist(ctx context.Context, outDir string, settings ConfigSettings) (string, error)
	BuildWheel(ctx context.Context, outDir string, settings ConfigSettings) (string, error)
	BuildEditable(ctx context.Context, outDir string, settings ConfigSettings) (string, error)
}

// Opener returns the hooks that build the project in directory dir. The
// command line passes one that honours the --backend choice, so that the
// wheel built from an unpacked sdist uses the same path.
type Opener func(ctx context.Context, dir string) (Hooks, error)

// NeedsDeclaredError is returned when a project needs its declared
// backend and no frontend is available to run it.
type NeedsDeclaredError struct {
	Backend string
	Reason  string
}

func (e *NeedsDeclaredError) Error() string {
	msg := fmt.Sprintf("this project needs its declared build backend (%s), which the native backend cannot stand in for", e.Backend)
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg
}
