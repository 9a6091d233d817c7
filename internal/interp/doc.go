// Package interp finds Python interpreters and describes them.
//
// Find turns a request ("" for the first python3/python on PATH, a version
// such as "3.12" or "cpython@3.12.1", an executable name such as
// "python3.12", a path to an executable, or a virtual environment's
// directory) into an interpreter. It searches the directories of PATH in
// order and then pyenv's installations ($PYENV_ROOT/versions/*/bin, by
// default ~/.pyenv) directly, without running pyenv: a pyenv shim found on
// PATH is resolved to the interpreter pyenv would run, by pyenv's own rules
// (PYENV_VERSION, then the nearest .python-version file from the working
// directory upward, then $PYENV_ROOT/version, then "system").
//
// Query runs an embedded script (query.py) in the interpreter once and
// returns an Info: versions, the PEP 508 marker environment
// (https://packaging.python.org/en/latest/specifications/dependency-specifiers/#environment-markers),
// the install scheme paths of the interpreter's own environment and the
// templates for --prefix, --user and new PEP 405 virtual environments
// (https://peps.python.org/pep-0405/), the platform facts that platform
// compatibility tags are computed from (sysconfig platform, SOABI, glibc or
// musl version, pointer size...), and the bytecode magic number. Tags
// themselves are computed elsewhere (package tags); Info holds raw facts.
//
// Invariants:
//
//   - The answer is cached in a directory, keyed by the interpreter's path,
//     the path it resolves to, that file's modification time and size, the
//     environment's pyvenv.cfg (if any) and the script's own digest. A
//     second Query of an unchanged interpreter starts no process.
//   - The script runs as `python -E -c`, so PYTHONPATH, PYTHONHOME and the
//     like do not colour the answer, and it never imports from the working
//     directory. It is valid Python 2.7 so that an unsupported interpreter
//     still reports its version; Info.CheckSupported turns that into an
//     *UnsupportedError.
//   - Nothing here reads the process environment or working directory:
//     Env carries PATH, PYENV_ROOT, PYENV_VERSION, HOME, VIRTUAL_ENV and
//     the directory relative requests are resolved against. The queried
//     interpreter inherits the process environment as any child does.
package interp
