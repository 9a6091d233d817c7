package tags

import (
	"fmt"
	"strconv"
	"strings"
)

// Facts are the raw values a Python interpreter reports about itself that
// decide its tags. A caller that can run the interpreter (package interp)
// collects them with a short script; Interpreter turns them into an
// Interpreter the way packaging.tags does, without touching the system.
// The JSON names are the ones that script is expected to print.
type Facts struct {
	// ImplementationName is sys.implementation.name ("cpython", "pypy").
	ImplementationName string `json:"implementation_name"`
	// Version is sys.version_info[:2].
	Version [2]int `json:"version"`
	// PyVersionNodot is sysconfig.get_config_var("py_version_nodot").
	PyVersionNodot string `json:"py_version_nodot"`
	// System is platform.system() ("Linux", "Darwin", "Windows", "iOS",
	// "Android", ...).
	System string `json:"system"`
	// Platform is sysconfig.get_platform() ("linux-x86_64",
	// "macosx-11.0-arm64", "win-amd64").
	Platform string `json:"platform"`
	// Machine is platform.machine() ("x86_64", "arm64"); on macOS it names
	// the architecture when sysconfig's platform says "universal2".
	Machine string `json:"machine"`
	// PointerSize is struct.calcsize("P"): 4 on a 32-bit interpreter.
	PointerSize int `json:"pointer_size"`
	// ExtSuffix and SOABI are the sysconfig variables EXT_SUFFIX and SOABI.
	ExtSuffix string `json:"ext_suffix"`
	SOABI     string `json:"soabi"`
	// PyDebug, PyGILDisabled, WithPymalloc and UnicodeSize are the sysconfig
	// variables Py_DEBUG, Py_GIL_DISABLED, WITH_PYMALLOC and
	// Py_UNICODE_SIZE; nil when the variable is unset (None).
	PyDebug       *int `json:"py_debug"`
	PyGILDisabled *int `json:"py_gil_disabled"`
	WithPymalloc  *int `json:"with_pymalloc"`
	UnicodeSize   *int `json:"unicode_size"`
	// MaxUnicode is sys.maxunicode.
	MaxUnicode int `json:"maxunicode"`
	// HasTotalRefcount is hasattr(sys, "gettotalrefcount") (a debug build).
	HasTotalRefcount bool `json:"has_totalrefcount"`
	// ExtensionSuffixes is importlib.machinery.EXTENSION_SUFFIXES.
	ExtensionSuffixes []string `json:"extension_suffixes"`
	// GlibcVersion is os.confstr("CS_GNU_LIBC_VERSION") ("glibc 2.36"), or
	// empty when the interpreter is not linked against glibc, or when it
	// cannot load manylinux wheels at all (see Platform.Glibc).
	GlibcVersion string `json:"glibc_version"`
	// MuslVersion is the version of the musl loader the interpreter is
	// linked against ("1.2.4"), empty when it is not.
	MuslVersion string `json:"musl_version"`
	// MacVersion is platform.mac_ver()[0] as reported without the 10.16
	// compatibility shim (SYSTEM_VERSION_COMPAT=0).
	MacVersion string `json:"mac_version"`
	// IOSVersion is platform.ios_ver().release; Multiarch is
	// sys.implementation._multiarch.
	IOSVersion string `json:"ios_version"`
	Multiarch  string `json:"multiarch"`
	// AndroidAPILevel is platform.android_ver().api_level.
	AndroidAPILevel int `json:"android_api_level"`
}

// shortNames maps sys.implementation.name to the tag prefix.
var shortNames = map[string]string{
	"python": "py", "cpython": "cp", "pypy": "pp", "ironpython": "ip", "jython": "jy",
}

// Interpreter derives the Interpreter description from f, following
// packaging.tags: the short implementation name, CPython's ABI flags (or
// the ABI in EXT_SUFFIX for other implementations), and the platform with
// its 32-bit adjustments.
func (f Facts) Interpreter() (Interpreter, error) {
	if f.ImplementationName == "" {
		return Interpreter{}, fmt.Errorf("interpreter facts: no implementation name")
	}
	in := Interpreter{
		Implementation: f.ImplementationName,
		Python:         MajorMinor{f.Version[0], f.Version[1]},
		Nodot:          f.PyVersionNodot,
	}
	if short, ok := shortNames[f.ImplementationName]; ok {
		in.Implementation = short
	}
	if in.Implementation == "cp" {
		set := func(p *int) bool { return p != nil && *p != 0 }
		hasDebugExt := false
		for _, s := range f.ExtensionSuffixes {
			hasDebugExt = hasDebugExt || s == "_d.pyd"
		}
		in.Debug = set(f.PyDebug) || (f.PyDebug == nil && (f.HasTotalRefcount || hasDebugExt))
		in.FreeThreaded = set(f.PyGILDisabled)
		in.Pymalloc = f.WithPymalloc == nil || *f.WithPymalloc != 0
		in.WideUnicode = (f.UnicodeSize != nil && *f.UnicodeSize == 4) ||
			(f.UnicodeSize == nil && f.MaxUnicode == 0x10FFFF)
	} else if abi, ok := GenericABI(f.ExtSuffix); ok {
		in.ABIs = []string{abi}
	} else if f.SOABI != "" {
		in.ABIs = []string{NormalizePlatform(f.SOABI)}
	}
	p, err := f.platform()
	if err != nil {
		return Interpreter{}, err
	}
	in.Platform = p
	return in, nil
}

func (f Facts) platform() (Platform, error) {
	is32 := f.PointerSize == 4
	switch f.System {
	case "Linux":
		plat := NormalizePlatform(f.Platform)
		arch, ok := strings.CutPrefix(plat, "linux_")
		if !ok {
			return Platform{OS: "other", Generic: plat}, nil
		}
		if is32 {
			switch arch {
			case "x86_64":
				arch = "i686"
			case "aarch64":
				arch = "armv8l"
			}
		}
		p := Platform{OS: OSLinux, Arch: arch}
		if f.GlibcVersion != "" {
			v, err := parseLibcVersion(f.GlibcVersion)
			if err != nil {
				return Platform{}, fmt.Errorf("interpreter facts: glibc version %q: %w", f.GlibcVersion, err)
			}
			p.Glibc = v
		}
		if f.MuslVersion != "" {
			v, err := parseLibcVersion(f.MuslVersion)
			if err != nil {
				return Platform{}, fmt.Errorf("interpreter facts: musl version %q: %w", f.MuslVersion, err)
			}
			p.Musl = v
		}
		return p, nil
	case "Darwin":
		v, err := parseLibcVersion(f.MacVersion)
		if err != nil {
			return Platform{}, fmt.Errorf("interpreter facts: macOS version %q: %w", f.MacVersion, err)
		}
		// packaging takes the machine from platform.mac_ver(); sysconfig's
		// platform may say "universal2" for a fat build instead.
		arch := f.Machine
		if arch == "" {
			arch = f.Platform[strings.LastIndexByte(f.Platform, '-')+1:]
		}
		if is32 {
			if strings.HasPrefix(arch, "ppc") {
				arch = "ppc"
			} else {
				arch = "i386"
			}
		}
		return Platform{OS: OSDarwin, Arch: arch, OSVersion: v}, nil
	case "iOS":
		v, err := parseLibcVersion(f.IOSVersion)
		if err != nil {
			return Platform{}, fmt.Errorf("interpreter facts: iOS version %q: %w", f.IOSVersion, err)
		}
		return Platform{OS: OSIOS, Arch: f.Multiarch, OSVersion: v}, nil
	case "Android":
		abi := f.Platform[strings.LastIndexByte(f.Platform, '-')+1:]
		return Platform{OS: OSAndroid, Arch: abi, OSVersion: MajorMinor{f.AndroidAPILevel, 0}}, nil
	case "Windows":
		plat := NormalizePlatform(f.Platform)
		arch := strings.TrimPrefix(plat, "win_")
		return Platform{OS: OSWindows, Arch: arch}, nil
	default:
		return Platform{OS: "other", Generic: NormalizePlatform(f.Platform)}, nil
	}
}

// parseLibcVersion reads the leading "major.minor" of a version string,
// ignoring a leading word ("glibc 2.36") and anything after the minor
// ("2.20-2014.11").
func parseLibcVersion(s string) (MajorMinor, error) {
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		s = s[i+1:]
	}
	major, rest, ok := strings.Cut(s, ".")
	if !ok {
		return MajorMinor{}, fmt.Errorf("want major.minor")
	}
	end := 0
	for end < len(rest) && '0' <= rest[end] && rest[end] <= '9' {
		end++
	}
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(rest[:end])
	if err1 != nil || err2 != nil || ma < 0 || mi < 0 {
		return MajorMinor{}, fmt.Errorf("want major.minor")
	}
	return MajorMinor{ma, mi}, nil
}

// GenericABI extracts the ABI tag from an EXT_SUFFIX the way packaging's
// _generic_abi does: ".cpython-311-x86_64-linux-gnu.so" gives "cp311",
// ".cp311-win_amd64.pyd" "cp311", ".pypy39-pp73-x86_64-linux-gnu.so"
// "pypy39_pp73", ".graalpy-38-native-x86_64-darwin.dylib"
// "graalpy_38_native". It reports false when the suffix names no ABI.
func GenericABI(extSuffix string) (string, bool) {
	parts := strings.Split(extSuffix, ".")
	if len(parts) < 3 || parts[0] != "" || parts[1] == "" {
		return "", false
	}
	soabi := parts[1]
	var abi string
	switch {
	case strings.HasPrefix(soabi, "cpython"):
		p := strings.Split(soabi, "-")
		if len(p) < 2 || p[1] == "" {
			return "", false
		}
		abi = "cp" + p[1]
	case strings.HasPrefix(soabi, "cp"):
		abi, _, _ = strings.Cut(soabi, "-")
	case strings.HasPrefix(soabi, "pypy"):
		abi = joinFirst(soabi, 2)
	case strings.HasPrefix(soabi, "graalpy"):
		abi = joinFirst(soabi, 3)
	default:
		abi = soabi
	}
	return NormalizePlatform(abi), true
}

func joinFirst(s string, n int) string {
	p := strings.Split(s, "-")
	if len(p) > n {
		p = p[:n]
	}
	return strings.Join(p, "-")
}
