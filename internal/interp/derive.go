package interp

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// venvOf returns the directory of the PEP 405 environment the interpreter
// at exe belongs to (pyvenv.cfg one level above its bin/ directory) and
// the configuration's keys, or "" when it is not in one.
func venvOf(exe string) (string, map[string]string) {
	dir := filepath.Dir(filepath.Dir(exe))
	data, err := os.ReadFile(filepath.Join(dir, "pyvenv.cfg"))
	if err != nil {
		return "", nil
	}
	cfg := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok {
			cfg[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return dir, cfg
}

// deriveVenv describes the interpreter exe of the virtual environment dir
// from the description of the interpreter it was made from, without
// starting it: a venv's python is its base interpreter with sys.prefix
// moved (PEP 405). It returns nil when the environment does not look like
// one made the standard way from base (then the caller queries exe).
func deriveVenv(base *Info, exe, dir string, cfg map[string]string) *Info {
	if base.IsVenv || base.Prefix != base.BasePrefix || base.IsWindows() || base.Schema == 0 {
		return nil
	}
	if home := cfg["home"]; home == "" || !sameDir(home, filepath.Dir(base.Executable)) && !sameDir(home, filepath.Dir(base.RealPath)) {
		return nil
	}
	if v := cfg["version"]; v != "" && v != base.Version.String() && v != fmt.Sprintf("%d.%d.%d", base.Version.Major, base.Version.Minor, base.Version.Micro) {
		return nil
	}
	system := strings.EqualFold(cfg["include-system-site-packages"], "true")
	d := *base
	d.Executable = exe
	d.BaseExecutable = base.Executable
	d.Prefix, d.ExecPrefix = dir, dir
	d.BasePrefix, d.BaseExecPrefix = base.Prefix, base.ExecPrefix
	d.IsVenv = true
	d.Paths = base.VenvScheme.Under(dir)
	// sysconfig's include paths stay those of the installation the
	// environment was made from ({installed_base}).
	d.Paths.Include = base.Paths.Include
	d.User.Enabled = base.User.Enabled && system
	venvSites := dedupeStrings([]string{d.Paths.Purelib, d.Paths.Platlib})
	var sysPath []string
	for _, p := range base.SysPath {
		if !slices.Contains(base.SitePackages, p) && p != base.User.Site {
			sysPath = append(sysPath, p)
		}
	}
	sysPath = append(sysPath, venvSites...)
	sites := slices.Clone(venvSites)
	if system {
		if d.User.Enabled && base.User.Site != "" && slices.Contains(base.SysPath, base.User.Site) {
			sysPath = append(sysPath, base.User.Site)
		}
		sysPath = append(sysPath, base.SitePackages...)
		sites = append(sites, base.SitePackages...)
	}
	d.SysPath, d.SitePackages = sysPath, sites
	return &d
}

// queryVenv answers Query for a venv interpreter from its base's (cached)
// description, or returns nil.
func queryVenv(ctx context.Context, abs, cacheDir string) *Info {
	if cacheDir == "" {
		return nil
	}
	dir, cfg := venvOf(abs)
	if dir == "" {
		return nil
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil || real == abs {
		return nil // a copied interpreter: ask it
	}
	if d, _ := venvOf(real); d != "" {
		return nil // the base is itself in an environment
	}
	base, err := Query(ctx, real, cacheDir)
	if err != nil {
		return nil
	}
	return deriveVenv(base, abs, dir, cfg)
}

func dedupeStrings(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
