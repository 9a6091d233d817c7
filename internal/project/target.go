package project

import (
	"fmt"
	"strconv"
	"strings"

	"ferry/internal/interp"
	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/tags"
)

// Target is what a resolution is for.
type Target struct {
	// Markers is the PEP 508 environment as a map (for reports) and Env
	// the same, prepared for evaluation.
	Markers map[string]string
	Env     pep508.Env
	// Python is the version Requires-Python is checked against.
	Python pep440.Version
	// Tags are the accepted wheel tags, most preferred first.
	Tags    []tags.Tag
	Ranking tags.Ranking
	// Description names the target in messages ("CPython 3.11.7 at /x/python").
	Description string
}

// TargetOverride describes another machine, as pip download's flags do.
type TargetOverride struct {
	// PythonVersion is "3", "3.12" or "3.12.1" (pip accepts "312" too).
	PythonVersion string
	// Platforms are platform tags ("manylinux2014_x86_64", "win_amd64").
	Platforms []string
	// Implementation is "cp", "pp", "py"...
	Implementation string
	// ABIs are ABI tags ("cp312", "abi3", "none").
	ABIs []string
}

// IsZero reports whether the override changes nothing.
func (o TargetOverride) IsZero() bool {
	return o.PythonVersion == "" && len(o.Platforms) == 0 && o.Implementation == "" && len(o.ABIs) == 0
}

// NewTarget describes the queried interpreter, changed by o.
func NewTarget(info *interp.Info, o TargetOverride) (*Target, error) {
	in, err := info.Interpreter()
	if err != nil {
		return nil, err
	}
	markers := make(map[string]string, len(info.Markers))
	for k, v := range info.Markers {
		markers[k] = v
	}
	desc := info.String()
	if !o.IsZero() {
		if err := applyOverride(&in, markers, o); err != nil {
			return nil, err
		}
		desc = describeOverride(o, desc)
	}
	return targetFrom(in, markers, desc)
}

// NewTargetFor describes a machine without an interpreter at hand: a
// CPython of the given version on platform (a platform tag such as
// "manylinux_2_17_x86_64"), for resolving lock files and packse scenarios.
func NewTargetFor(pythonVersion, platform string) (*Target, error) {
	markers := map[string]string{
		"implementation_name": "cpython", "platform_python_implementation": "CPython",
		"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
		"platform_machine": "x86_64", "platform_release": "", "platform_version": "",
	}
	in := tags.Interpreter{Implementation: "cp", Platform: tags.Platform{OS: tags.OSLinux, Arch: "x86_64", Glibc: tags.MajorMinor{Major: 2, Minor: 17}}}
	o := TargetOverride{PythonVersion: pythonVersion}
	if platform != "" {
		o.Platforms = []string{platform}
	}
	if err := applyOverride(&in, markers, o); err != nil {
		return nil, err
	}
	return targetFrom(in, markers, describeOverride(o, "CPython"))
}

func targetFrom(in tags.Interpreter, markers map[string]string, desc string) (*Target, error) {
	env, err := pep508.EnvFromMap(markers)
	if err != nil {
		return nil, fmt.Errorf("marker environment: %w", err)
	}
	full := markers["python_full_version"]
	py, err := pep440.Parse(strings.TrimSuffix(full, "+"))
	if err != nil {
		return nil, fmt.Errorf("target Python version %q: %w", full, err)
	}
	supported := tags.Supported(in)
	return &Target{
		Markers:     markers,
		Env:         env,
		Python:      py,
		Tags:        supported,
		Ranking:     tags.NewRanking(supported),
		Description: desc,
	}, nil
}

func describeOverride(o TargetOverride, base string) string {
	var parts []string
	if o.Implementation != "" {
		parts = append(parts, "implementation "+o.Implementation)
	}
	if o.PythonVersion != "" {
		parts = append(parts, "Python "+o.PythonVersion)
	}
	if len(o.Platforms) > 0 {
		parts = append(parts, "platform "+strings.Join(o.Platforms, ","))
	}
	if len(o.ABIs) > 0 {
		parts = append(parts, "ABI "+strings.Join(o.ABIs, ","))
	}
	return base + " (as " + strings.Join(parts, ", ") + ")"
}

// ParsePythonVersion reads pip's --python-version: "3", "3.12", "312",
// "3.12.1". It returns major, minor and the full version string.
func ParsePythonVersion(s string) (major, minor int, full string, err error) {
	bad := fmt.Errorf("invalid Python version %q: use MAJOR.MINOR such as 3.12", s)
	parts := strings.Split(s, ".")
	switch {
	case len(parts) == 1 && len(s) >= 2 && !strings.Contains(s, "."):
		// pip's "312" form: first digit is the major.
		major, err = strconv.Atoi(s[:1])
		if err != nil {
			return 0, 0, "", bad
		}
		minor, err = strconv.Atoi(s[1:])
		if err != nil {
			return 0, 0, "", bad
		}
		return major, minor, fmt.Sprintf("%d.%d.0", major, minor), nil
	case len(parts) == 1:
		major, err = strconv.Atoi(s)
		if err != nil {
			return 0, 0, "", bad
		}
		return major, 0, fmt.Sprintf("%d.0.0", major), nil
	case len(parts) == 2 || len(parts) == 3:
		major, err = strconv.Atoi(parts[0])
		if err != nil {
			return 0, 0, "", bad
		}
		minor, err = strconv.Atoi(parts[1])
		if err != nil {
			return 0, 0, "", bad
		}
		full = s
		if len(parts) == 2 {
			full += ".0"
		} else if _, err := strconv.Atoi(parts[2]); err != nil {
			return 0, 0, "", bad
		}
		return major, minor, full, nil
	}
	return 0, 0, "", bad
}

func applyOverride(in *tags.Interpreter, markers map[string]string, o TargetOverride) error {
	if o.PythonVersion != "" {
		major, minor, full, err := ParsePythonVersion(o.PythonVersion)
		if err != nil {
			return err
		}
		in.Python = tags.MajorMinor{Major: major, Minor: minor}
		in.Nodot = ""
		in.ABIs = nil
		markers["python_version"] = fmt.Sprintf("%d.%d", major, minor)
		markers["python_full_version"] = full
		if markers["implementation_name"] == "cpython" {
			markers["implementation_version"] = full
		}
	}
	if o.Implementation != "" {
		in.Implementation = o.Implementation
		switch o.Implementation {
		case "cp":
			markers["implementation_name"], markers["platform_python_implementation"] = "cpython", "CPython"
		case "pp":
			markers["implementation_name"], markers["platform_python_implementation"] = "pypy", "PyPy"
		}
		if o.Implementation != "cp" && len(o.ABIs) == 0 {
			in.ABIs = []string{"none"}
		}
	}
	if len(o.ABIs) > 0 {
		in.ABIs = append([]string(nil), o.ABIs...)
	}
	if len(o.Platforms) > 0 {
		var expanded []string
		for _, p := range o.Platforms {
			expanded = append(expanded, expandPlatform(p)...)
		}
		in.Platform = tags.Platform{Explicit: dedupe(expanded)}
		setPlatformMarkers(markers, o.Platforms[0])
	}
	return nil
}

// expandPlatform adds the platforms pip accepts along with a given one: the
// older manylinux aliases an old-style manylinux tag implies, and the older
// macOS versions of a macosx tag.
func expandPlatform(p string) []string {
	p = tags.NormalizePlatform(p)
	for _, legacy := range []struct{ name, older string }{
		{"manylinux2014_", "manylinux2010_"},
		{"manylinux2010_", "manylinux1_"},
	} {
		if arch, ok := strings.CutPrefix(p, legacy.name); ok {
			out := []string{p}
			if arch == "x86_64" || arch == "i686" {
				out = append(out, expandPlatform(legacy.older+arch)...)
			}
			return out
		}
	}
	if rest, ok := strings.CutPrefix(p, "macosx_"); ok {
		parts := strings.SplitN(rest, "_", 3)
		if len(parts) == 3 {
			major, err1 := strconv.Atoi(parts[0])
			minor, err2 := strconv.Atoi(parts[1])
			if err1 == nil && err2 == nil {
				return tags.MacPlatforms(tags.MajorMinor{Major: major, Minor: minor}, parts[2])
			}
		}
	}
	return []string{p}
}

// setPlatformMarkers sets the platform markers a platform tag implies.
func setPlatformMarkers(m map[string]string, platform string) {
	p := tags.NormalizePlatform(platform)
	arch := ""
	switch {
	case strings.HasPrefix(p, "manylinux") || strings.HasPrefix(p, "musllinux") || strings.HasPrefix(p, "linux_"):
		m["sys_platform"], m["platform_system"], m["os_name"] = "linux", "Linux", "posix"
		for _, a := range []string{"x86_64", "aarch64", "i686", "armv7l", "ppc64le", "s390x", "riscv64"} {
			if strings.HasSuffix(p, "_"+a) {
				arch = a
			}
		}
	case strings.HasPrefix(p, "macosx_"):
		m["sys_platform"], m["platform_system"], m["os_name"] = "darwin", "Darwin", "posix"
		for _, a := range []string{"arm64", "x86_64", "universal2"} {
			if strings.HasSuffix(p, "_"+a) {
				arch = a
			}
		}
		if arch == "universal2" {
			arch = "arm64"
		}
	case strings.HasPrefix(p, "win"):
		m["sys_platform"], m["platform_system"], m["os_name"] = "win32", "Windows", "nt"
		switch p {
		case "win_amd64":
			arch = "AMD64"
		case "win32":
			arch = "x86"
		case "win_arm64":
			arch = "ARM64"
		}
	}
	if arch != "" {
		m["platform_machine"] = arch
	}
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
