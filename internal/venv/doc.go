// Package venv creates PEP 405 virtual environments
// (https://peps.python.org/pep-0405/) natively, without running
// `python -m venv`, and reads and writes their pyvenv.cfg.
//
// An environment made by Create has the layout `python -m venv` gives the
// same interpreter: pyvenv.cfg with the keys that interpreter's venv module
// writes (home, include-system-site-packages, version, a given prompt from
// Python 3.8 on, executable and command from Python 3.11 on), the interpreter linked (or copied) under the
// scripts directory as python, python3 and python3.X, the site-packages
// and include directories of the interpreter's venv scheme, the lib64 →
// lib link on 64-bit POSIX systems other than macOS, activation scripts for
// POSIX shells (activate), fish (activate.fish), csh (activate.csh) and
// PowerShell (Activate.ps1), and a .gitignore that ignores the whole
// environment. The directory layout comes from interp.Info.VenvScheme, so a
// Windows interpreter gets Scripts\ and Lib\site-packages (only POSIX is
// tested).
//
// Invariants: Create never deletes anything unless Options.Clear is set,
// and never writes into a non-empty directory that is not already a
// virtual environment. pyvenv.cfg is written last but one (before the
// .gitignore), atomically, so an interrupted Create leaves no
// configuration that points at a half-made environment.
package venv
