// Package distinfo reads and writes the small files of a .dist-info
// directory other than METADATA and RECORD (see packages coremeta and
// record):
//
//   - WHEEL, the wheel's own metadata (binary distribution format
//     specification, https://packaging.python.org/en/latest/specifications/binary-distribution-format/):
//     Wheel-Version, Generator, Root-Is-Purelib, Tag, Build, in email-header
//     form.
//   - entry_points.txt (entry points specification,
//     https://packaging.python.org/en/latest/specifications/entry-points/),
//     read the way importlib.metadata reads it.
//   - direct_url.json (PEP 610, direct URL data structure specification),
//     validated and written byte for byte as pip writes it.
//   - INSTALLER and REQUESTED (recording installed projects, PEP 376/627).
//
// Invariants: parsers accept what the reference readers accept and reject
// input they would fail on, with the line or key named; writers are
// deterministic (the order of the value's slices, sorted JSON keys) and
// parse(write(v)) == v.
package distinfo

// Names of the files in a .dist-info directory.
const (
	MetadataFile    = "METADATA"
	RecordFile      = "RECORD"
	WheelFile       = "WHEEL"
	EntryPointsFile = "entry_points.txt"
	DirectURLFile   = "direct_url.json"
	InstallerFile   = "INSTALLER"
	// RequestedFile is empty; its presence marks a distribution the user
	// asked for rather than one installed as a dependency.
	RequestedFile = "REQUESTED"
	LicensesDir   = "licenses"
)
