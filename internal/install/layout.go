package install

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"ferry/internal/interp"
)

// Layout says where an installation puts files and which directories it
// may touch.
type Layout struct {
	// Scheme holds the absolute install directories: Purelib, Platlib,
	// Scripts, Data. Scheme.Include is informational; Headers is used.
	Scheme interp.Scheme
	// Headers is the directory under which a distribution's .data/headers
	// go, in a subdirectory named after the project (as pip does).
	Headers string
	// Python is the interpreter written into script shebangs and
	// launchers and run to compile bytecode.
	Python string
	// CacheTag is sys.implementation.cache_tag ("cpython-312"), which
	// names bytecode files.
	CacheTag string
	// Roots are the directories every installed or removed path must stay
	// inside (the environment's prefix, the --target directory...).
	Roots []string
	// Windows selects Windows conventions for scripts; ferry writes POSIX
	// launchers only for now.
	Windows bool
	// Description names the target for messages ("virtual environment
	// /x/.venv", "target directory /x/lib").
	Description string
}

// Validate checks that the layout is complete and absolute.
func (l Layout) Validate() error {
	for _, d := range []struct{ name, path string }{
		{"purelib", l.Scheme.Purelib}, {"platlib", l.Scheme.Platlib},
		{"scripts", l.Scheme.Scripts}, {"data", l.Scheme.Data}, {"headers", l.Headers},
	} {
		if d.path == "" || !filepath.IsAbs(d.path) {
			return fmt.Errorf("install layout: %s directory %q is not an absolute path", d.name, d.path)
		}
	}
	if len(l.Roots) == 0 {
		return errors.New("install layout: no roots")
	}
	return nil
}

// headersFor returns the headers directory of an interpreter's scheme as
// pip computes it: <prefix>/include/site/pythonX.Y in a virtual
// environment, the scheme's include directory otherwise.
func headersFor(info *interp.Info, prefix string, include string) string {
	if info.IsVenv || include == "" {
		if info.IsWindows() {
			return filepath.Join(prefix, "Include", "site", "python"+info.Version.MajorMinor())
		}
		return filepath.Join(prefix, "include", "site", "python"+info.Version.MajorMinor())
	}
	return include
}

func roots(paths ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		if p == "" {
			continue
		}
		p = filepath.Clean(p)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// EnvLayout installs into the interpreter's own environment (a virtual
// environment, or with --system the interpreter's default scheme).
func EnvLayout(info *interp.Info) Layout {
	p := info.Paths
	l := Layout{
		Scheme:   p,
		Headers:  headersFor(info, info.Prefix, p.Include),
		Python:   info.Executable,
		CacheTag: info.CacheTag,
		Windows:  info.IsWindows(),
	}
	if info.IsVenv {
		l.Roots = roots(info.Prefix)
		l.Description = "virtual environment " + info.Prefix
	} else {
		l.Roots = roots(info.Prefix, p.Purelib, p.Platlib, p.Scripts, p.Data, l.Headers)
		l.Description = "the environment of " + info.Executable
	}
	return l
}

// PrefixLayout installs under prefix with the interpreter's prefix scheme
// (pip install --prefix).
func PrefixLayout(info *interp.Info, prefix string) Layout {
	s := info.PrefixScheme.Under(prefix)
	return Layout{
		Scheme:      s,
		Headers:     filepath.Join(s.Include),
		Python:      info.Executable,
		CacheTag:    info.CacheTag,
		Roots:       roots(prefix),
		Windows:     info.IsWindows(),
		Description: "prefix " + prefix,
	}
}

// UserLayout installs into the user scheme under base (pip install
// --user); interp.UserBase computes the base.
func UserLayout(info *interp.Info, base string) Layout {
	s := info.User.Scheme.Under(base)
	return Layout{
		Scheme:      s,
		Headers:     s.Include,
		Python:      info.Executable,
		CacheTag:    info.CacheTag,
		Roots:       roots(base),
		Windows:     info.IsWindows(),
		Description: "user site " + s.Purelib,
	}
}

// TargetLayout installs into dir as pip install --target does: packages
// directly in dir, scripts in dir/bin, data and headers under dir.
// info (may be nil) supplies the interpreter for shebangs.
func TargetLayout(info *interp.Info, dir string) Layout {
	l := Layout{
		Scheme:      interp.Scheme{Purelib: dir, Platlib: dir, Scripts: filepath.Join(dir, "bin"), Data: dir, Include: filepath.Join(dir, "include")},
		Headers:     filepath.Join(dir, "include"),
		Roots:       roots(dir),
		Description: "target directory " + dir,
	}
	if info != nil {
		l.Python, l.CacheTag, l.Windows = info.Executable, info.CacheTag, info.IsWindows()
	}
	return l
}

// WithRoot returns the layout with every directory moved under root, as
// pip install --root does (the interpreter path written into scripts is
// unchanged: the files are meant to be moved to / later).
func (l Layout) WithRoot(root string) Layout {
	if root == "" {
		return l
	}
	re := func(p string) string {
		if p == "" {
			return p
		}
		vol := filepath.VolumeName(p)
		return filepath.Join(root, strings.TrimPrefix(p, vol))
	}
	l.Scheme = interp.Scheme{Purelib: re(l.Scheme.Purelib), Platlib: re(l.Scheme.Platlib), Scripts: re(l.Scheme.Scripts), Include: re(l.Scheme.Include), Data: re(l.Scheme.Data)}
	l.Headers = re(l.Headers)
	rs := make([]string, len(l.Roots))
	for i, r := range l.Roots {
		rs[i] = re(r)
	}
	l.Roots = rs
	l.Description += " under root " + root
	return l
}

// SiteDirs returns the distinct site directories an inventory reads:
// purelib and platlib.
func (l Layout) SiteDirs() []string { return roots(l.Scheme.Purelib, l.Scheme.Platlib) }
