// Package build is ferry's PEP 517 build frontend: it runs a project's
// declared build backend (setuptools, hatchling, flit-core, pdm-backend,
// maturin, ...) to make sdists, wheels (PEP 517,
// https://peps.python.org/pep-0517/) and editable wheels (PEP 660,
// https://peps.python.org/pep-0660/), in an isolated environment holding
// the build requirements of [build-system] (PEP 518,
// https://peps.python.org/pep-0518/).
//
// # The flow
//
// Frontend.Open reads pyproject.toml's [build-system]: requires,
// build-backend and backend-path. Without the table (or without
// pyproject.toml) the backend is setuptools' legacy backend,
// "setuptools.build_meta:__legacy__", with requires =
// ["setuptools>=40.8.0"], as PEP 517 and 518 prescribe; a table without
// build-backend keeps its requires and uses the legacy backend.
//
// To build kind K (sdist, wheel or editable), the frontend asks its
// EnvMaker for an environment holding requires, calls
// get_requires_for_build_K there, and asks for a second environment
// holding requires plus what that hook returned (the same environment
// when it returns nothing); then it calls the build hook in it. The
// environment is asked for once per project, kind and config settings.
// Without isolation (Frontend.Envs nil, --no-build-isolation) every hook
// runs in Frontend.Python as it is and get_requires is not called.
//
// Missing optional hooks are handled as PEP 517 says:
// get_requires_for_build_* counts as returning []; without
// prepare_metadata_for_build_wheel (or _editable), PrepareMetadata builds
// the wheel and reads its METADATA, and hands the wheel to the caller to
// reuse. A backend without build_editable cannot make editable installs,
// and a hook raising UnsupportedOperation is reported the same way: both
// wrap ErrUnsupported.
//
// Project's BuildSdist, BuildWheel and BuildEditable have the method set
// of package backend's Hooks (with standard-library types only), so the
// command line hands either the native backend or this frontend to the
// same build flow without the two engines importing each other.
//
// # The hook runner
//
// hooks.py, embedded in ferry and written by ferry (not derived from
// pyproject-hooks), is copied into a fresh private control directory and
// run as `python CONTROL/ferry_hooks.py CONTROL` with the environment's
// interpreter and the source tree as working directory. It reads
// CONTROL/input.json (backend reference, absolute backend-path entries,
// hook name, keyword arguments), removes its own directory from sys.path
// (the source tree is never importable unless backend-path names it),
// prepends backend-path, imports the backend ("module" or
// "module:object.attr") and, when backend-path is set, checks that the
// backend was loaded from there. It calls the one hook and writes the
// answer to CONTROL/output.json (written to a temporary name and renamed)
// with a status: ok (and the value), missing, unsupported, unavailable
// (the import failed), invalid (backend-path check) or error (the
// exception and its traceback). The answer never travels on stdout,
// where backends print freely.
//
// The backend's stdout and stderr are captured together (the last
// MaxOutput bytes) and become part of a *HookError when the hook fails;
// with Frontend.Output set they are also streamed as printed (-v).
//
// Config settings (-C key=value) reach every hook as config_settings: a
// key given once maps to its string, a repeated key to the list of its
// values, as pip and build pass them; no settings is None.
//
// # Isolation
//
// In an isolated build the backend process gets the environment's
// scripts directory first on PATH, PYTHONNOUSERSITE=1, and no
// PYTHONPATH, PYTHONHOME or VIRTUAL_ENV, so nothing of the target
// environment or the user site leaks in. Making the environments is the
// EnvMaker's business: package project makes virtual environments with
// ferry's resolver and installer and caches them by the sha256 of the
// sorted requirement list and the interpreter's identity.
//
// # Invariants
//
// A build writes into a private directory inside the output directory
// and renames the one file the hook names into place: a failed build
// leaves nothing behind, and a backend's stray files never reach the
// output. A hook's answer is checked (a base name of a regular file it
// wrote; a .dist-info directory; a list of valid PEP 508 requirements).
// The frontend does not cache anything itself.
package build
