package cli

import (
	"context"
	"ferry/internal/distinfo"
	"ferry/internal/fsx"
	"ferry/internal/install"
	"ferry/internal/interp"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// installPlan is what `ferry install` does, whatever produced it: the
// wheel files to install with their per-wheel records, and the flags of
// the transaction. Today planFromArgs builds it from local wheel files;
// the resolver and downloads will produce the same plan from requirements.
type installPlan struct {
	Wheels         []planWheel
	ForceReinstall bool
}

// planWheel is one wheel file to install.
type planWheel struct {
	Path      string
	Requested bool
	// DirectURL is recorded as direct_url.json (installs by path or URL);
	// when nil, a requested wheel gets a file URL record unless
	// NoDirectURL (wheels ferry picked itself, such as seed wheels).
	DirectURL   *distinfo.DirectURL
	NoDirectURL bool
}

// directURLFor records an install from a local file (PEP 610).
func directURLFor(p, digest string) *distinfo.DirectURL {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(p)}
	return &distinfo.DirectURL{
		URL:         u.String(),
		ArchiveInfo: &distinfo.ArchiveInfo{Hash: "sha256=" + digest, Hashes: map[string]string{"sha256": digest}},
	}
}

// installJSON is the stable shape of `ferry install --json`.
type installJSON struct {
	Target    string            `json:"target"`
	Python    string            `json:"python"`
	DryRun    bool              `json:"dry_run"`
	Installed []install.DistRef `json:"installed"`
	Removed   []install.DistRef `json:"removed"`
	Skipped   []install.DistRef `json:"skipped"`
	LinkMode  string            `json:"link_mode,omitempty"`
	Compiled  int               `json:"compiled"`
	Warnings  []string          `json:"warnings"`
}

// engineOptions are the flags runInstallPlan needs.
type engineOptions struct {
	LinkMode   fsx.LinkMode
	Compile    bool
	CacheDir   string
	NoCacheDir bool
	Quiet      bool
	Verbose    bool
	DryRun     bool
	JSON       bool
}

// runInstallPlan is the install engine's entry: unpack and verify every
// wheel into the cache, then apply one transaction to the environment.
func runInstallPlan(ctx context.Context, f *Factory, plan *installPlan, l install.Layout, info *interp.Info, eo engineOptions) error {
	start := time.Now()
	errOut := f.IO.ErrOut
	if eo.Quiet || eo.JSON {
		errOut = io.Discard
	}
	if eo.Verbose {
		fmt.Fprintf(errOut, "Using %s\nInstalling into %s\n", info, l.Description)
	}
	c, done, err := openCache(f, eo.CacheDir, eo.NoCacheDir)
	if err != nil {
		return err
	}
	defer done()

	paths := make([]string, len(plan.Wheels))
	for i, w := range plan.Wheels {
		paths[i] = w.Path
	}
	if f.IO.ProgressEnabled() && !eo.Quiet && !eo.JSON {
		fmt.Fprintf(f.IO.ErrOut, "Checking %d wheel%s...\r", len(paths), plural(len(paths)))
	}
	us, err := install.UnpackAll(ctx, c, paths, install.UnpackOptions{})
	if err != nil {
		return err
	}
	if f.IO.ProgressEnabled() && !eo.Quiet && !eo.JSON {
		fmt.Fprint(f.IO.ErrOut, "\r\033[K")
	}

	env, err := install.OpenEnv(ctx, l)
	if err != nil {
		return err
	}
	defer env.Close()
	for _, id := range env.Recovered {
		fmt.Fprintf(f.IO.ErrOut, "warning: repaired an interrupted transaction (%s) in %s\n", id, l.Description)
	}

	var txn install.Txn
	var skipped []install.DistRef
	for i, u := range us {
		w := plan.Wheels[i]
		if !plan.ForceReinstall {
			same := false
			for _, d := range env.Inventory().Lookup(u.Name) {
				if d.Version == u.Version {
					same = true
					skipped = append(skipped, install.DistRef{Name: d.Name, Version: d.Version, Path: d.Path})
				}
			}
			if same && len(env.Inventory().Lookup(u.Name)) == 1 {
				continue
			}
		}
		du := w.DirectURL
		if du == nil && w.Requested && !w.NoDirectURL {
			du = directURLFor(w.Path, u.SHA256)
		}
		txn.Install = append(txn.Install, install.Item{Wheel: u, Requested: w.Requested, DirectURL: du})
	}
	for _, u := range us {
		for _, warn := range u.Warnings {
			fmt.Fprintf(f.IO.ErrOut, "warning: %s: %s\n", u.FileName, warn)
		}
	}

	out := installJSON{Target: l.Description, Python: info.Executable, DryRun: eo.DryRun, Skipped: skipped,
		Installed: []install.DistRef{}, Removed: []install.DistRef{}, Warnings: []string{}}
	if out.Skipped == nil {
		out.Skipped = []install.DistRef{}
	}
	opts := install.Options{LinkMode: eo.LinkMode, Compile: eo.Compile}
	var rep *install.Report
	switch {
	case len(txn.Install) == 0:
		rep = &install.Report{}
	case eo.DryRun:
		rep, err = env.Preview(txn, opts)
	default:
		rep, err = env.Apply(ctx, txn, opts)
	}
	if err != nil {
		return err
	}
	if rep.Installed != nil {
		out.Installed = rep.Installed
	}
	if rep.Removed != nil {
		out.Removed = rep.Removed
	}
	out.Warnings = append(out.Warnings, rep.Warnings...)
	out.Compiled = rep.Compiled
	if len(txn.Install) > 0 && !eo.DryRun {
		out.LinkMode = rep.LinkMode.String()
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", w)
	}
	elapsed := time.Since(start)
	if eo.JSON {
		return writeJSON(f.IO.Out, out)
	}
	switch {
	case len(txn.Install) == 0:
		fmt.Fprintf(errOut, "Audited %d package%s in %s\n", len(skipped), plural(len(skipped)), ms(elapsed))
		if len(skipped) > 0 && !eo.Quiet {
			fmt.Fprintln(errOut, "(already installed with the same version; use --force-reinstall to reinstall)")
		}
		return nil
	case eo.DryRun:
		fmt.Fprintf(errOut, "Would install %d package%s\n", len(out.Installed), plural(len(out.Installed)))
	default:
		if len(out.Removed) > 0 {
			fmt.Fprintf(errOut, "Uninstalled %d package%s\n", len(out.Removed), plural(len(out.Removed)))
		}
		fmt.Fprintf(errOut, "Installed %d package%s in %s\n", len(out.Installed), plural(len(out.Installed)), ms(elapsed))
	}
	printChanges(errOut, out.Removed, out.Installed)
	if eo.Verbose && !eo.DryRun {
		fmt.Fprintf(errOut, "Placed %d files by %s; compiled %d\n", rep.Files, rep.LinkMode, rep.Compiled)
	}
	return nil
}

// printChanges lists removals and installs sorted by name, a removal
// before the install that replaces it (" - a==1", " + a==2").
func printChanges(w io.Writer, removed, installed []install.DistRef) {
	type line struct {
		name, text string
		add        bool
	}
	var lines []line
	for _, d := range removed {
		lines = append(lines, line{string(d.Name), " - " + d.String(), false})
	}
	for _, d := range installed {
		lines = append(lines, line{string(d.Name), " + " + d.String(), true})
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].name != lines[j].name {
			return lines[i].name < lines[j].name
		}
		return !lines[i].add && lines[j].add
	})
	for _, l := range lines {
		fmt.Fprintln(w, l.text)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ms formats a duration as uv does: "12ms", or "1.52s" from a second on.
func ms(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// seedWheels returns the pip wheels (and setuptools and wheel, where the
// interpreter ships them) that `python -m ensurepip` would install: those
// bundled in the interpreter's ensurepip package, else those a Debian-style
// distribution keeps in /usr/share/python-wheels.
func seedWheels(info *interp.Info) ([]string, error) {
	var dirs []string
	if info.Stdlib != "" {
		dirs = append(dirs, filepath.Join(info.Stdlib, "ensurepip", "_bundled"))
	}
	dirs = append(dirs, "/usr/share/python-wheels")
	for _, d := range dirs {
		var out []string
		for _, project := range []string{"pip", "setuptools", "wheel"} {
			m, _ := filepath.Glob(filepath.Join(d, project+"-*.whl"))
			sort.Strings(m)
			if len(m) > 0 {
				out = append(out, m[len(m)-1])
			}
		}
		if len(out) > 0 && strings.HasPrefix(filepath.Base(out[0]), "pip-") {
			return out, nil
		}
	}
	return nil, fmt.Errorf("no pip wheel to seed the environment with: %s has no bundled wheels (ensurepip/_bundled) and /usr/share/python-wheels has none", info)
}

// seedVenv installs pip (as ensurepip would) into the environment whose
// interpreter is python, from the wheels base (the interpreter the
// environment was made from) ships.
func seedVenv(ctx context.Context, f *Factory, base *interp.Info, python string, quiet bool) error {
	whls, err := seedWheels(base)
	if err != nil {
		return err
	}
	cache, _ := interpreterCacheDir(f)
	info, err := interp.Query(ctx, python, cache)
	if err != nil {
		return err
	}
	plan := &installPlan{}
	for _, w := range whls {
		plan.Wheels = append(plan.Wheels, planWheel{Path: w, Requested: true, NoDirectURL: true})
	}
	return runInstallPlan(ctx, f, plan, install.EnvLayout(info), info, engineOptions{LinkMode: fsx.LinkClone, Quiet: quiet})
}
