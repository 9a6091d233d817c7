package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ferry/internal/cache"
	"ferry/internal/distinfo"
	"ferry/internal/fsx"
	"ferry/internal/install"
	"ferry/internal/interp"
	"ferry/internal/reqfile"
)

// targetOptions choose the environment an install or uninstall acts on;
// the flags are pip's.
type targetOptions struct {
	Python string
	System bool
	Target string
	Prefix string
	User   bool
	Root   string
}

func (t *targetOptions) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&t.Python, "python", "p", "", "the interpreter (a version, a path or a virtual environment) whose environment to use")
	fl.BoolVar(&t.System, "system", false, "allow an interpreter outside a virtual environment (without --python: the first on PATH)")
	fl.StringVarP(&t.Target, "target", "t", "", "install into DIR, as pip install --target (packages at the top, scripts in DIR/bin)")
	fl.StringVar(&t.Prefix, "prefix", "", "install under the prefix DIR with the interpreter's prefix scheme")
	fl.BoolVar(&t.User, "user", false, "install into the user site (site.USER_BASE)")
	fl.StringVar(&t.Root, "root", "", "install everything relative to this alternate root directory")
}

func (t *targetOptions) check() error {
	n := 0
	for _, set := range []bool{t.Target != "", t.Prefix != "", t.User} {
		if set {
			n++
		}
	}
	if n > 1 {
		return FlagErrorf("--target, --prefix and --user exclude one another")
	}
	return nil
}

// resolveLayout picks the interpreter and turns the flags into a layout:
// --python, then $VIRTUAL_ENV, then ./.venv (a non-venv interpreter only
// with --system), unless --target, --prefix or --user send the files
// elsewhere.
func resolveLayout(ctx context.Context, f *Factory, t *targetOptions) (install.Layout, *interp.Info, error) {
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(f.Dir, p)
	}
	elsewhere := t.Target != "" || t.Prefix != "" || t.User
	info, err := interp.SelectTarget(ctx, interp.TargetRequest{Python: t.Python, System: t.System, Elsewhere: elsewhere}, interpEnv(f))
	if err != nil {
		var nv *interp.NotVenvError
		if errors.As(err, &nv) {
			return install.Layout{}, nil, fmt.Errorf("%w (pass --system to install into it anyway)", err)
		}
		return install.Layout{}, nil, err
	}
	if err := info.CheckSupported(); err != nil {
		return install.Layout{}, nil, err
	}
	var l install.Layout
	switch {
	case t.Target != "":
		l = install.TargetLayout(info, abs(t.Target))
	case t.Prefix != "":
		l = install.PrefixLayout(info, abs(t.Prefix))
	case t.User:
		if info.IsVenv && !info.User.Enabled {
			return install.Layout{}, nil, errors.New("cannot install with --user: user site-packages are not visible in this virtual environment")
		}
		l = install.UserLayout(info, interp.UserBase(info, f.Getenv))
	default:
		l = install.EnvLayout(info)
	}
	if t.Root != "" {
		l = l.WithRoot(abs(t.Root))
	}
	return l, info, nil
}

type installOptions struct {
	targetOptions
	Args           []string
	Requirements   []string
	ForceReinstall bool
	Upgrade        bool
	NoDeps         bool
	Compile        bool
	NoCompile      bool
	LinkMode       string
	CacheDir       string
	NoCacheDir     bool
	Quiet          int
	Verbose        int
	DryRun         bool
	JSON           bool
}

func newCmdInstall(f *Factory) *cobra.Command {
	return installCmd(f, installRun)
}

// installCmd builds the command; tests pass their own run to check argv →
// options alone.
func installCmd(f *Factory, run func(context.Context, *Factory, *installOptions) error) *cobra.Command {
	opts := &installOptions{}
	cmd := &cobra.Command{
		Use:   "install [flags] FILE.whl...",
		Short: "Install wheels into an environment",
		Long: `Install wheel files into a Python environment.

The environment is the one of --python, else the active virtual environment
($VIRTUAL_ENV), else ./.venv; an interpreter outside a virtual environment
only with --system. --target, --prefix, --user and --root place the files
elsewhere, as pip does.

Every wheel is checked before anything is installed: each member against
RECORD (hash and size), paths, links, sizes and compression ratios, and
the agreement of the file name, the .dist-info directory and METADATA.
Wheels are unpacked into ferry's cache once and installed from there by
copy-on-write clone where the filesystem can, else by hard link (as uv
does), else by copy (--link-mode). An installed version of the same
project is replaced; the same version is left alone unless
--force-reinstall. Installing is one transaction: if it fails or is
killed, the environment is as before (repaired by the next ferry run).

Bytecode is not compiled by default (as uv, unlike pip, which compiles);
--compile compiles the installed .py files with the target interpreter,
in parallel. Dependencies are not installed yet (--no-deps is implied).
Installing from an index, from requirements other than wheel files, or
from sdists is not available yet.`,
		Example: `  $ ferry install dist/app-1.0-py3-none-any.whl
  $ ferry install -p .venv --compile *.whl
  $ ferry install --target vendor --json app-1.0-py3-none-any.whl`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if len(args) == 0 && len(opts.Requirements) == 0 {
				return FlagErrorf("nothing to install: give wheel files or -r FILE")
			}
			if err := opts.check(); err != nil {
				return err
			}
			if opts.Compile && opts.NoCompile {
				return FlagErrorf("--compile and --no-compile exclude one another")
			}
			if _, err := fsx.ParseLinkMode(opts.LinkMode); err != nil {
				return FlagErrorf("--link-mode: %v", err)
			}
			return run(cmd.Context(), f, opts)
		},
	}
	opts.addFlags(cmd)
	fl := cmd.Flags()
	fl.StringArrayVarP(&opts.Requirements, "requirement", "r", nil, "install the wheel files a requirements file lists")
	fl.BoolVar(&opts.ForceReinstall, "force-reinstall", false, "reinstall even when the same version is installed")
	fl.BoolVarP(&opts.Upgrade, "upgrade", "U", false, "accepted for pip compatibility (a wheel of another version always replaces the installed one)")
	fl.BoolVar(&opts.NoDeps, "no-deps", false, "do not install dependencies (implied: resolution is not available yet)")
	fl.BoolVar(&opts.Compile, "compile", false, "compile .py files to bytecode after installing")
	fl.BoolVar(&opts.NoCompile, "no-compile", false, "do not compile bytecode (the default)")
	fl.StringVar(&opts.LinkMode, "link-mode", "clone", "how files come from the cache: clone, hardlink or copy (each falls back to the next)")
	fl.StringVar(&opts.CacheDir, "cache-dir", "", "the cache directory (default $FERRY_CACHE_DIR, $XDG_CACHE_HOME/ferry or ~/.cache/ferry)")
	fl.BoolVar(&opts.NoCacheDir, "no-cache-dir", false, "use a temporary cache, removed afterwards")
	fl.CountVarP(&opts.Quiet, "quiet", "q", "print less")
	fl.CountVarP(&opts.Verbose, "verbose", "v", "print more")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "check the wheels and say what would change, without changing anything")
	fl.BoolVar(&opts.JSON, "json", false, "print what was installed and removed as JSON on stdout")
	return cmd
}

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

// notAvailable is the error for inputs a later version of ferry handles.
func notAvailable(what, arg string) error {
	return fmt.Errorf("%s: %s is not available yet", arg, what)
}

// classifyArg turns one command-line or requirements-file input into a
// wheel path, or says why it cannot be installed yet.
func classifyArg(dir, arg string) (string, error) {
	lower := strings.ToLower(arg)
	if strings.HasPrefix(lower, "file:") {
		u, err := url.Parse(arg)
		if err != nil || u.Path == "" {
			return "", fmt.Errorf("%s: not a valid file URL", arg)
		}
		arg, lower = u.Path, strings.ToLower(u.Path)
	}
	switch {
	case strings.Contains(lower, "://"):
		return "", notAvailable("installing from a URL", arg)
	case strings.HasSuffix(lower, ".whl"):
		p := arg
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		st, err := os.Stat(p)
		if err != nil {
			return "", fmt.Errorf("%s: %w", arg, err)
		}
		if !st.Mode().IsRegular() {
			return "", fmt.Errorf("%s: not a regular file", arg)
		}
		return filepath.Clean(p), nil
	case strings.HasSuffix(lower, ".tar.gz") || strings.HasSuffix(lower, ".zip") || strings.HasSuffix(lower, ".tar.bz2") || strings.HasSuffix(lower, ".tgz"):
		return "", notAvailable("building sdists", arg)
	}
	p := arg
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return "", notAvailable("installing from a project directory (building it)", arg)
	}
	return "", notAvailable("installing from an index", arg)
}

// directURLFor records an install from a local file (PEP 610).
func directURLFor(p, digest string) *distinfo.DirectURL {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(p)}
	return &distinfo.DirectURL{
		URL:         u.String(),
		ArchiveInfo: &distinfo.ArchiveInfo{Hash: "sha256=" + digest, Hashes: map[string]string{"sha256": digest}},
	}
}

// planFromArgs builds the plan for local wheel files named on the command
// line or in requirements files.
func planFromArgs(ctx context.Context, f *Factory, opts *installOptions) (*installPlan, error) {
	plan := &installPlan{ForceReinstall: opts.ForceReinstall}
	var errs []error
	seen := map[string]bool{}
	add := func(dir, arg string) {
		p, err := classifyArg(dir, arg)
		if err != nil {
			errs = append(errs, err)
			return
		}
		if !seen[p] {
			seen[p] = true
			plan.Wheels = append(plan.Wheels, planWheel{Path: p, Requested: true})
		}
	}
	for _, a := range opts.Args {
		add(f.Dir, a)
	}
	for _, r := range opts.Requirements {
		name := r
		if !filepath.IsAbs(name) && !strings.Contains(name, "://") {
			name = filepath.Join(f.Dir, name)
		}
		rf, err := reqfile.Parse(ctx, name, reqfile.FSOpener{FS: os.DirFS("/")}, &reqfile.Options{Getenv: func(k string) (string, bool) {
			v := f.Getenv(k)
			return v, v != ""
		}})
		if err != nil {
			return nil, err
		}
		for _, req := range rf.Requirements {
			switch {
			case req.Editable:
				errs = append(errs, notAvailable("installing in editable mode", req.Text))
			case req.Path != "":
				add(f.Dir, req.Path)
			case req.Location != "":
				add(f.Dir, req.Location)
			default:
				add(f.Dir, req.Text)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return plan, nil
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

func installRun(ctx context.Context, f *Factory, opts *installOptions) error {
	plan, err := planFromArgs(ctx, f, opts)
	if err != nil {
		return err
	}
	l, info, err := resolveLayout(ctx, f, &opts.targetOptions)
	if err != nil {
		return err
	}
	mode, _ := fsx.ParseLinkMode(opts.LinkMode)
	return runInstallPlan(ctx, f, plan, l, info, engineOptions{
		LinkMode: mode, Compile: opts.Compile, CacheDir: opts.CacheDir, NoCacheDir: opts.NoCacheDir,
		Quiet: opts.Quiet > 0, Verbose: opts.Verbose > 0, DryRun: opts.DryRun, JSON: opts.JSON,
	})
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

// openCache opens the cache the flags choose; done removes a temporary one.
func openCache(f *Factory, dir string, temporary bool) (c *cache.Cache, done func(), err error) {
	if temporary {
		d, err := os.MkdirTemp("", "ferry-cache-")
		if err != nil {
			return nil, nil, err
		}
		c, err := cache.Open(d)
		if err != nil {
			os.RemoveAll(d)
			return nil, nil, err
		}
		return c, func() { os.RemoveAll(d) }, nil
	}
	if dir == "" {
		if dir, err = cacheDir(f); err != nil {
			return nil, nil, err
		}
	} else if !filepath.IsAbs(dir) {
		dir = filepath.Join(f.Dir, dir)
	}
	c, err = cache.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	return c, func() {}, nil
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
