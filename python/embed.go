// Package python holds ferry's own Python package, the shim that makes
// ferry usable as the PEP 517 / PEP 660 build backend "ferry.backend"
// (https://peps.python.org/pep-0517/, https://peps.python.org/pep-0660/)
// from any frontend. `ferry self wheel` packs these files with the
// running ferry program into a wheel of the project "ferry".
//
// The shim's hooks run `ferry build --backend native` (sdist, wheel, or
// the hidden --editable) in the source tree and return the file name
// ferry reports with --json; the program is $FERRY_BINARY when set, else
// ferry/bin/ferry inside the installed package, else the first ferry on
// PATH.
package python

import (
	"embed"
	"io/fs"
)

//go:embed ferry/*.py
var files embed.FS

// Shim returns the Python package: ferry/__init__.py, ferry/backend.py
// and the rest, with "/"-separated paths from the package's parent.
func Shim() fs.FS { return files }
