package tags

import (
	"fmt"
	"strconv"
	"strings"
)

// MajorMinor is a two-part version: a glibc or musl version, a macOS or
// iOS release, a Python language version.
type MajorMinor struct {
	Major, Minor int
}

// IsZero reports whether v is the zero value, meaning "absent".
func (v MajorMinor) IsZero() bool { return v == MajorMinor{} }

func (v MajorMinor) less(o MajorMinor) bool {
	return v.Major < o.Major || (v.Major == o.Major && v.Minor < o.Minor)
}

// Operating systems known to Supported. Any other value of Platform.OS uses
// Platform.Generic as the only platform tag.
const (
	OSLinux   = "linux"
	OSDarwin  = "darwin"
	OSWindows = "windows"
	OSIOS     = "ios"
	OSAndroid = "android"
)

// Platform describes what the platform part of a tag must match.
type Platform struct {
	// OS is one of the OS constants, or anything else for a platform that
	// has exactly one tag (Generic).
	OS string
	// Arch is the architecture as the interpreter sees it, after the 32-bit
	// adjustment packaging makes: on Linux the part of linux_<arch> (a
	// 32-bit interpreter on x86_64 is "i686", on aarch64 "armv8l"); on
	// macOS "arm64", "x86_64", "i386", "ppc", "ppc64"; on Windows "amd64",
	// "win32" or "arm64"; on iOS the multiarch ("arm64_iphoneos"); on
	// Android the ABI ("arm64_v8a").
	Arch string
	// Glibc is the C library version on glibc Linux (zero elsewhere). It
	// decides the manylinux tags. Leave it zero when the interpreter cannot
	// load manylinux wheels (an armv7l build that is not hard-float EABI5,
	// an i686 one that is not a 32-bit i386 ELF).
	Glibc MajorMinor
	// Musl is the musl version on musl Linux (zero elsewhere). It decides
	// the musllinux tags.
	Musl MajorMinor
	// OSVersion is the macOS or iOS release; for Android, Major is the API
	// level.
	OSVersion MajorMinor
	// Generic is the single platform tag of other systems: sysconfig's
	// get_platform() with "-", "." and " " replaced by "_"
	// ("freebsd_14_0_release_amd64").
	Generic string
	// NativeLinuxFirst puts linux_<arch> before the manylinux and musllinux
	// tags, as packaging 26.3 does; pip's vendored packaging puts it last.
	NativeLinuxFirst bool
	// Explicit, when not empty, is the exact list of platform tags to
	// accept, most preferred first, whatever the other fields say (pip's
	// --platform, for resolving for another machine).
	Explicit []string
}

// Interpreter describes a Python interpreter for Supported.
type Interpreter struct {
	// Implementation is the short name: "cp" (CPython), "pp" (PyPy),
	// "ip", "jy", or sys.implementation.name for others ("graalpy").
	Implementation string
	// Python is the language version (sys.version_info[:2]).
	Python MajorMinor
	// Nodot is sysconfig's py_version_nodot; empty means Major and Minor
	// written together ("311").
	Nodot string
	// ABIs are the interpreter's own ABI tags, most specific first
	// ("cp311", "pypy39_pp73"). For CPython, when empty, they are derived
	// from Debug, FreeThreaded, Pymalloc and WideUnicode.
	ABIs []string
	// Debug is a debug build (Py_DEBUG; ABI flag "d").
	Debug bool
	// FreeThreaded is a free-threaded build (Py_GIL_DISABLED, 3.13+; ABI
	// flag "t"); it supports abi3t instead of abi3.
	FreeThreaded bool
	// Pymalloc is the "m" ABI flag of CPython before 3.8.
	Pymalloc bool
	// WideUnicode is the "u" ABI flag of CPython before 3.3.
	WideUnicode bool
	// Platform is where the interpreter runs.
	Platform Platform
}

func (in Interpreter) nodot() string {
	if in.Nodot != "" {
		return in.Nodot
	}
	return nodot(in.Python.Major, in.Python.Minor)
}

func nodot(major, minor int) string {
	return strconv.Itoa(major) + strconv.Itoa(minor)
}

// CPythonABIs returns the ABI tags of a CPython build with the given flags,
// most specific first (packaging's _cpython_abis): "cp311", or for a debug
// build since 3.8 "cp311d" then "cp311".
func CPythonABIs(python MajorMinor, debug, freeThreaded, pymalloc, wideUnicode bool) []string {
	v := nodot(python.Major, python.Minor)
	var flags string
	if freeThreaded && !python.less(MajorMinor{3, 13}) {
		flags += "t"
	}
	threading := flags
	if debug {
		flags += "d"
	}
	if python.less(MajorMinor{3, 8}) {
		if pymalloc {
			flags += "m"
		}
		if python.less(MajorMinor{3, 3}) && wideUnicode {
			flags += "u"
		}
	}
	abis := []string{"cp" + v + flags}
	if debug && !python.less(MajorMinor{3, 8}) {
		abis = append(abis, "cp"+v+threading)
	}
	return abis
}

// Supported returns the tags in accepts, most preferred first, in the order
// of packaging.tags.sys_tags(): the interpreter-specific tags (for CPython
// its own ABIs, then abi3 or abi3t, then none, then abi3/abi3t of every
// older 3.x down to 3.2; for others every ABI then none), each over all
// platform tags, then the pure-Python tags (py311, py3, py310 ... py30 on
// each platform, the interpreter with none-any, and the py*-none-any tags).
func Supported(in Interpreter) []Tag {
	platforms := PlatformTags(in.Platform)
	var out []Tag
	add := func(interp, abi, platform string) {
		out = append(out, NewTag(interp, abi, platform))
	}
	var compatInterp string
	switch in.Implementation {
	case "cp":
		interp := "cp" + nodot(in.Python.Major, in.Python.Minor)
		abis := in.ABIs
		if len(abis) == 0 {
			abis = CPythonABIs(in.Python, in.Debug, in.FreeThreaded, in.Pymalloc, in.WideUnicode)
		}
		threading := isThreadedCPython(abis)
		var own []string
		for _, a := range abis {
			if a == "abi3" || a == "none" || (threading && a == "abi3t") {
				continue
			}
			own = append(own, a)
		}
		for _, a := range own {
			for _, p := range platforms {
				add(interp, a, p)
			}
		}
		stable := ""
		if !in.Python.less(MajorMinor{3, 2}) {
			stable = "abi3"
			if threading {
				stable = "abi3t"
			}
		}
		if stable != "" {
			for _, p := range platforms {
				add(interp, stable, p)
			}
		}
		for _, p := range platforms {
			add(interp, "none", p)
		}
		if stable != "" {
			for minor := in.Python.Minor - 1; minor > 1; minor-- {
				older := "cp" + nodot(in.Python.Major, minor)
				for _, p := range platforms {
					add(older, stable, p)
				}
			}
		}
		compatInterp = "cp" + in.nodot()
	default:
		interp := in.Implementation + in.nodot()
		abis := in.ABIs
		hasNone := false
		for _, a := range abis {
			hasNone = hasNone || a == "none"
		}
		if !hasNone {
			abis = append(abis[:len(abis):len(abis)], "none")
		}
		for _, a := range abis {
			for _, p := range platforms {
				add(interp, a, p)
			}
		}
		if in.Implementation == "pp" {
			compatInterp = "pp3"
		}
	}

	pys := pyRange(in.Python)
	for _, py := range pys {
		for _, p := range platforms {
			add(py, "none", p)
		}
	}
	if compatInterp != "" {
		add(compatInterp, "none", "any")
	}
	for _, py := range pys {
		add(py, "none", "any")
	}
	return out
}

// isThreadedCPython reports whether the first ABI is a free-threaded
// CPython ABI ("cp313t", "cp313td").
func isThreadedCPython(abis []string) bool {
	if len(abis) == 0 {
		return false
	}
	a, ok := strings.CutPrefix(abis[0], "cp")
	if !ok {
		return false
	}
	i := 0
	for i < len(a) && '0' <= a[i] && a[i] <= '9' {
		i++
	}
	return i > 0 && strings.Contains(a[i:], "t")
}

// pyRange is py311, py3, py310, ..., py30.
func pyRange(v MajorMinor) []string {
	out := []string{"py" + nodot(v.Major, v.Minor), "py" + strconv.Itoa(v.Major)}
	for minor := v.Minor - 1; minor >= 0; minor-- {
		out = append(out, "py"+nodot(v.Major, minor))
	}
	return out
}

// PlatformTags returns the platform parts p accepts, most preferred first.
func PlatformTags(p Platform) []string {
	if len(p.Explicit) > 0 {
		return p.Explicit
	}
	switch p.OS {
	case OSLinux:
		return linuxPlatforms(p)
	case OSDarwin:
		return MacPlatforms(p.OSVersion, p.Arch)
	case OSIOS:
		return IOSPlatforms(p.OSVersion, p.Arch)
	case OSAndroid:
		return AndroidPlatforms(p.OSVersion.Major, p.Arch)
	case OSWindows:
		return []string{windowsPlatform(p.Arch)}
	default:
		return []string{NormalizePlatform(p.Generic)}
	}
}

// NormalizePlatform turns a sysconfig platform string into a platform tag:
// "-", "." and " " become "_", letters become lower case.
func NormalizePlatform(s string) string {
	return strings.ToLower(strings.NewReplacer("-", "_", ".", "_", " ", "_").Replace(s))
}

func windowsPlatform(arch string) string {
	switch strings.ToLower(arch) {
	case "amd64", "x86_64":
		return "win_amd64"
	case "win32", "x86", "i386", "i686":
		return "win32"
	case "arm64", "aarch64":
		return "win_arm64"
	default:
		return "win_" + NormalizePlatform(arch)
	}
}

// manylinuxArchs are the architectures manylinux wheels exist for without
// a further check of the executable (armv7l and i686 are checked by the
// caller, see Platform.Glibc).
var manylinuxArchs = map[string]bool{
	"x86_64": true, "aarch64": true, "ppc64": true, "ppc64le": true,
	"s390x": true, "loongarch64": true, "riscv64": true, "armv7l": true, "i686": true,
}

func linuxPlatforms(p Platform) []string {
	arch := NormalizePlatform(p.Arch)
	archs := []string{arch}
	if arch == "armv8l" {
		archs = append(archs, "armv7l")
	}
	var native []string
	for _, a := range archs {
		native = append(native, "linux_"+a)
	}
	var out []string
	if p.NativeLinuxFirst {
		out = append(out, native...)
	}
	out = append(out, ManylinuxPlatforms(p.Glibc, archs)...)
	out = append(out, MusllinuxPlatforms(p.Musl, archs)...)
	if !p.NativeLinuxFirst {
		out = append(out, native...)
	}
	return out
}

// lastGlibcMinor is the highest minor version assumed for an older glibc
// major version when the running one is newer (glibc 3.x would accept
// manylinux_2_50 and below).
const lastGlibcMinor = 50

// ManylinuxPlatforms returns the PEP 600 tags for a glibc version and the
// compatible architectures (the first is the machine's own), newest first:
// manylinux_<major>_<minor>_<arch> from glibc down to 2.5 on x86_64 and
// i686 and down to 2.17 elsewhere, each legacy alias (manylinux2014 = 2.17,
// manylinux2010 = 2.12, manylinux1 = 2.5) right after its PEP 600 name. It
// returns nothing when glibc is zero or no architecture has manylinux
// wheels.
func ManylinuxPlatforms(glibc MajorMinor, archs []string) []string {
	if glibc.Major < 2 {
		return nil
	}
	ok := false
	for _, a := range archs {
		ok = ok || manylinuxArchs[a]
	}
	if !ok {
		return nil
	}
	tooOld := MajorMinor{2, 16}
	for _, a := range archs {
		if a == "x86_64" || a == "i686" {
			tooOld = MajorMinor{2, 4}
		}
	}
	maxes := []MajorMinor{glibc}
	for major := glibc.Major - 1; major > 1; major-- {
		maxes = append(maxes, MajorMinor{major, lastGlibcMinor})
	}
	var out []string
	for _, a := range archs {
		for _, m := range maxes {
			minMinor := -1
			if m.Major == tooOld.Major {
				minMinor = tooOld.Minor
			}
			for minor := m.Minor; minor > minMinor; minor-- {
				out = append(out, fmt.Sprintf("manylinux_%d_%d_%s", m.Major, minor, a))
				if legacy := legacyManylinux(MajorMinor{m.Major, minor}); legacy != "" {
					out = append(out, legacy+"_"+a)
				}
			}
		}
	}
	return out
}

func legacyManylinux(v MajorMinor) string {
	switch v {
	case MajorMinor{2, 17}:
		return "manylinux2014"
	case MajorMinor{2, 12}:
		return "manylinux2010"
	case MajorMinor{2, 5}:
		return "manylinux1"
	}
	return ""
}

// MusllinuxPlatforms returns the PEP 656 tags for a musl version and the
// compatible architectures: musllinux_<major>_<minor>_<arch> for every
// minor from musl's down to 0. It returns nothing when musl is zero.
func MusllinuxPlatforms(musl MajorMinor, archs []string) []string {
	if musl.IsZero() {
		return nil
	}
	var out []string
	for _, a := range archs {
		for minor := musl.Minor; minor >= 0; minor-- {
			out = append(out, fmt.Sprintf("musllinux_%d_%d_%s", musl.Major, minor, a))
		}
	}
	return out
}

// macBinaryFormats lists the binary formats a macOS release accepts for an
// architecture (packaging's _mac_binary_formats).
func macBinaryFormats(v MajorMinor, arch string) []string {
	formats := []string{arch}
	before104 := v.less(MajorMinor{10, 4})
	switch arch {
	case "x86_64":
		if before104 {
			return nil
		}
		formats = append(formats, "intel", "fat64", "fat3")
	case "i386":
		if before104 {
			return nil
		}
		formats = append(formats, "intel", "fat3", "fat")
	case "ppc64":
		if (MajorMinor{10, 5}).less(v) || before104 {
			return nil
		}
		formats = append(formats, "fat64")
	case "ppc":
		if (MajorMinor{10, 6}).less(v) {
			return nil
		}
		formats = append(formats, "fat3", "fat")
	}
	if arch == "arm64" || arch == "x86_64" {
		formats = append(formats, "universal2")
	}
	switch arch {
	case "x86_64", "i386", "ppc64", "ppc", "intel":
		formats = append(formats, "universal")
	}
	return formats
}

// MacPlatforms returns the macOS platform tags for a release and an
// architecture, newest first: on 10.x every minor down to 10.0; from 11 on
// every major down to 11 (minor 0), then 10.16 down to 10.4 (all formats on
// x86_64, only universal2 on arm64). A 32-bit interpreter passes "i386" or
// "ppc" as arch.
func MacPlatforms(version MajorMinor, arch string) []string {
	var out []string
	emit := func(v MajorMinor, formats []string) {
		for _, f := range formats {
			out = append(out, fmt.Sprintf("macosx_%d_%d_%s", v.Major, v.Minor, f))
		}
	}
	if version.Major == 10 {
		for minor := version.Minor; minor >= 0; minor-- {
			v := MajorMinor{10, minor}
			emit(v, macBinaryFormats(v, arch))
		}
	}
	if version.Major >= 11 {
		for major := version.Major; major > 10; major-- {
			v := MajorMinor{major, 0}
			emit(v, macBinaryFormats(v, arch))
		}
		for minor := 16; minor > 3; minor-- {
			v := MajorMinor{10, minor}
			if arch == "x86_64" {
				emit(v, macBinaryFormats(v, arch))
			} else {
				emit(v, []string{"universal2"})
			}
		}
	}
	return out
}

// IOSPlatforms returns the iOS platform tags for a release and a multiarch
// ("arm64_iphoneos", "x86_64_iphonesimulator"), newest first: the release
// itself, its earlier minors, then every minor 9..0 of each earlier major
// down to 12. Releases before 12 have none.
func IOSPlatforms(version MajorMinor, multiarch string) []string {
	if version.Major < 12 {
		return nil
	}
	multiarch = strings.ReplaceAll(multiarch, "-", "_")
	var out []string
	for minor := version.Minor; minor >= 0; minor-- {
		out = append(out, fmt.Sprintf("ios_%d_%d_%s", version.Major, minor, multiarch))
	}
	for major := version.Major - 1; major > 11; major-- {
		for minor := 9; minor >= 0; minor-- {
			out = append(out, fmt.Sprintf("ios_%d_%d_%s", major, minor, multiarch))
		}
	}
	return out
}

// AndroidPlatforms returns android_<level>_<abi> for every API level from
// apiLevel down to 16.
func AndroidPlatforms(apiLevel int, abi string) []string {
	abi = NormalizePlatform(abi)
	var out []string
	for level := apiLevel; level >= 16; level-- {
		out = append(out, fmt.Sprintf("android_%d_%s", level, abi))
	}
	return out
}
