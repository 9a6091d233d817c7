package interp

import (
	"fmt"
	"path/filepath"
	"strings"

	"ferry/internal/tags"
)

// MinSupportedMajor and MinSupportedMinor name the oldest Python language
// version ferry works with.
const (
	MinSupportedMajor = 3
	MinSupportedMinor = 6
)

// Version is a Python version as sys.version_info gives it.
type Version struct {
	Major        int    `json:"major"`
	Minor        int    `json:"minor"`
	Micro        int    `json:"micro"`
	ReleaseLevel string `json:"releaselevel"` // "alpha", "beta", "candidate" or "final"
	Serial       int    `json:"serial"`
}

// String returns the version in PEP 440 form: "3.12.1", "3.13.0rc2",
// "3.14.0a1".
func (v Version) String() string {
	s := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Micro)
	switch v.ReleaseLevel {
	case "final", "":
		return s
	case "alpha":
		return fmt.Sprintf("%sa%d", s, v.Serial)
	case "beta":
		return fmt.Sprintf("%sb%d", s, v.Serial)
	case "candidate":
		return fmt.Sprintf("%src%d", s, v.Serial)
	}
	return fmt.Sprintf("%s%s%d", s, v.ReleaseLevel, v.Serial)
}

// MajorMinor returns "X.Y", the form of python_version and of directory
// names such as lib/python3.12.
func (v Version) MajorMinor() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Less reports whether v sorts before w (alpha < beta < candidate < final).
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor < w.Minor
	}
	if v.Micro != w.Micro {
		return v.Micro < w.Micro
	}
	if a, b := levelRank(v.ReleaseLevel), levelRank(w.ReleaseLevel); a != b {
		return a < b
	}
	return v.Serial < w.Serial
}

func levelRank(l string) int {
	switch l {
	case "alpha":
		return 0
	case "beta":
		return 1
	case "candidate":
		return 2
	}
	return 3
}

// Implementation names the Python implementation (sys.implementation).
type Implementation struct {
	Name    string  `json:"name"` // "cpython", "pypy", "graalpy", ...
	Version Version `json:"version"`
}

// Scheme is a set of install locations, as sysconfig names them. In
// Info.Paths they are absolute; in the templates (PrefixScheme, VenvScheme,
// User.Scheme) they are slash-separated and relative to a base directory
// ("." for the base itself), unless the interpreter's scheme does not
// depend on the base, in which case the entry is absolute.
type Scheme struct {
	Purelib string `json:"purelib"`
	Platlib string `json:"platlib"`
	Scripts string `json:"scripts"`
	Include string `json:"include"`
	Data    string `json:"data"`
}

// Under returns the template s with its relative entries joined onto base.
func (s Scheme) Under(base string) Scheme {
	j := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, filepath.FromSlash(p))
	}
	return Scheme{Purelib: j(s.Purelib), Platlib: j(s.Platlib), Scripts: j(s.Scripts), Include: j(s.Include), Data: j(s.Data)}
}

// UserScheme describes the user installation scheme (pip install --user).
type UserScheme struct {
	// Base and Site are site.USER_BASE and site.USER_SITE as they were
	// when the interpreter was queried; see UserBase for the base in a
	// given environment.
	Base string `json:"base"`
	Site string `json:"site"`
	// Enabled is site.ENABLE_USER_SITE: false in a virtual environment
	// without system site-packages, or when disabled by -s.
	Enabled bool `json:"enabled"`
	// SchemeName is the sysconfig scheme ("posix_user", "nt_user",
	// "osx_framework_user").
	SchemeName string `json:"scheme_name"`
	// Scheme is relative to the user base.
	Scheme Scheme `json:"scheme"`
}

// Platform holds the facts platform compatibility tags are computed from.
type Platform struct {
	// Platform is sysconfig.get_platform(): "linux-x86_64",
	// "macosx-11.0-arm64", "win-amd64".
	Platform string `json:"platform"`
	// SOABI and EXTSuffix are the sysconfig variables of those names
	// ("cpython-312-x86_64-linux-gnu", ".cpython-312-x86_64-linux-gnu.so").
	SOABI     string `json:"soabi"`
	EXTSuffix string `json:"ext_suffix"`
	// ABIFlags is sys.abiflags ("", "d", "t", "m" before 3.8).
	ABIFlags    string `json:"abiflags"`
	PyDebug     bool   `json:"py_debug"`
	GILDisabled bool   `json:"gil_disabled"`
	// PointerSize is the size of a C pointer in bytes: 4 for a 32-bit
	// interpreter even on a 64-bit kernel.
	PointerSize int    `json:"pointer_size"`
	ByteOrder   string `json:"byteorder"`
	// Glibc is the C library's version ("2.36") when it is glibc, Musl
	// the version when it is musl; both empty elsewhere.
	Glibc string `json:"glibc"`
	Musl  string `json:"musl"`
	// MacOS is platform.mac_ver()'s release ("14.2") on macOS.
	MacOS     string `json:"macos"`
	Multiarch string `json:"multiarch"`
	// Framework reports a macOS framework build.
	Framework bool `json:"framework"`
	// ConfigVars holds selected sysconfig variables (SOABI, EXT_SUFFIX,
	// Py_DEBUG, Py_GIL_DISABLED, WITH_PYMALLOC, MULTIARCH, LDVERSION,
	// SIZEOF_VOID_P, py_version_nodot, platlibdir, ...) as strings; a
	// variable the interpreter does not define is absent.
	ConfigVars map[string]string `json:"config_vars"`
}

// Flags are the sys.flags relevant to installing, as the interpreter runs
// by default (the query itself runs with -E, so no PYTHON* variable
// affects them).
type Flags struct {
	NoSite            bool `json:"no_site"`
	NoUserSite        bool `json:"no_user_site"`
	Isolated          bool `json:"isolated"`
	DontWriteBytecode bool `json:"dont_write_bytecode"`
	Optimize          int  `json:"optimize"`
	UTF8Mode          bool `json:"utf8_mode"`
	SafePath          bool `json:"safe_path"`
}

// Info describes one Python interpreter: what Query learned by running it.
// An interpreter older than MinSupportedMajor.MinSupportedMinor reports only the fields up to
// Implementation.
type Info struct {
	// Schema is the version of the query script's answer.
	Schema int `json:"schema"`
	// Executable is sys.executable: the path the interpreter was run by,
	// which for a virtual environment's python is inside the environment.
	Executable string `json:"executable"`
	// RealPath is Executable with every symbolic link resolved.
	RealPath string `json:"real_path"`
	// BaseExecutable is the interpreter a virtual environment created from
	// this one should point at (sys._base_executable): for an interpreter
	// inside a virtual environment, the one the environment was made from.
	BaseExecutable string `json:"base_executable"`
	Prefix         string `json:"prefix"`
	BasePrefix     string `json:"base_prefix"`
	ExecPrefix     string `json:"exec_prefix"`
	BaseExecPrefix string `json:"base_exec_prefix"`
	// IsVenv reports that the interpreter runs in a virtual environment
	// (sys.prefix != sys.base_prefix).
	IsVenv         bool           `json:"is_venv"`
	Version        Version        `json:"version"`
	Implementation Implementation `json:"implementation"`

	// Markers is the PEP 508 marker environment: all eleven variables.
	Markers map[string]string `json:"markers,omitempty"`
	// Paths is the interpreter's own environment's scheme (absolute), the
	// one a plain install writes to: the venv's paths for a venv, the
	// distribution's default scheme (e.g. Debian's /usr/local) otherwise.
	Paths Scheme `json:"paths"`
	// Stdlib is the standard library directory.
	Stdlib string `json:"stdlib"`
	// PrefixScheme is the template for --prefix installs (posix_prefix or
	// nt), relative to the prefix.
	PrefixScheme Scheme `json:"prefix_scheme"`
	// VenvScheme is the template of a virtual environment made from this
	// interpreter, relative to the environment's directory.
	VenvScheme Scheme     `json:"venv_scheme"`
	User       UserScheme `json:"user"`
	Platform   Platform   `json:"platform"`
	// TagFacts are the facts the accepted wheel tags derive from (see
	// Info.Interpreter).
	TagFacts tags.Facts `json:"tag_facts"`
	// MagicNumber is importlib.util.MAGIC_NUMBER in hex ("cb0d0d0a");
	// CacheTag is sys.implementation.cache_tag ("cpython-312").
	MagicNumber string `json:"magic_number"`
	CacheTag    string `json:"cache_tag"`
	Flags       Flags  `json:"flags"`
	// SysPath is sys.path (with the script's own entry removed);
	// SitePackages is site.getsitepackages().
	SysPath            []string `json:"sys_path,omitempty"`
	SitePackages       []string `json:"site_packages,omitempty"`
	FilesystemEncoding string   `json:"filesystem_encoding,omitempty"`
}

// ImplementationDisplayName returns the implementation's usual spelling
// ("CPython", "PyPy").
func (i *Info) ImplementationDisplayName() string {
	if n := i.Markers["platform_python_implementation"]; n != "" {
		return n
	}
	switch i.Implementation.Name {
	case "cpython":
		return "CPython"
	case "pypy":
		return "PyPy"
	case "graalpy":
		return "GraalPy"
	case "ironpython":
		return "IronPython"
	case "jython":
		return "Jython"
	}
	return i.Implementation.Name
}

// String describes the interpreter for people: "CPython 3.12.1 at /usr/bin/python3".
func (i *Info) String() string {
	return fmt.Sprintf("%s %s at %s", i.ImplementationDisplayName(), i.Version, i.Executable)
}

// CheckSupported returns an *UnsupportedError if ferry cannot work with
// the interpreter.
func (i *Info) CheckSupported() error {
	if i.Version.Less(Version{Major: MinSupportedMajor, Minor: MinSupportedMinor}) {
		return &UnsupportedError{Executable: i.Executable, Version: i.Version}
	}
	return nil
}

// IsWindows reports whether the interpreter runs on Windows (os.name == "nt").
func (i *Info) IsWindows() bool {
	return i.Markers["os_name"] == "nt" || strings.HasPrefix(i.Platform.Platform, "win")
}

// UserBase returns the user scheme's base directory for an interpreter in
// the environment getenv describes, computed as site.getuserbase() does:
// $PYTHONUSERBASE, else %APPDATA%\Python on Windows, ~/Library/Python/X.Y
// for a macOS framework build, ~/.local elsewhere. It falls back to the
// base recorded when the interpreter was queried.
func UserBase(i *Info, getenv func(string) string) string {
	if b := getenv("PYTHONUSERBASE"); b != "" {
		return b
	}
	if i.IsWindows() {
		if a := getenv("APPDATA"); a != "" {
			return filepath.Join(a, "Python")
		}
		return i.User.Base
	}
	home := getenv("HOME")
	if home == "" {
		return i.User.Base
	}
	if i.Platform.Framework && i.Markers["sys_platform"] == "darwin" {
		return filepath.Join(home, "Library", "Python", i.Version.MajorMinor())
	}
	return filepath.Join(home, ".local")
}
