package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ferry/internal/fsx"
	"ferry/internal/install"
	"ferry/internal/interp"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/project"
	"ferry/internal/resolve"
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

// resolveFlags are pip's resolution flags, shared by install, download
// and wheel.
type resolveFlags struct {
	Upgrade         bool
	UpgradeStrategy string
	UpgradePackages []string
	ForceReinstall  bool
	IgnoreInstalled bool
	NoDeps          bool
	Pre             bool
	Resolution      string
	RequireHashes   bool
	OnlyBinary      []string
	NoBinary        []string
	PreferBinary    bool
}

func (r *resolveFlags) addFlags(cmd *cobra.Command, forInstall bool) {
	fl := cmd.Flags()
	if forInstall {
		fl.BoolVarP(&r.Upgrade, "upgrade", "U", false, "upgrade the named packages to the newest allowed versions")
		fl.StringVar(&r.UpgradeStrategy, "upgrade-strategy", "only-if-needed", "with --upgrade, which dependencies to upgrade: only-if-needed or eager")
		fl.StringArrayVarP(&r.UpgradePackages, "upgrade-package", "P", nil, "upgrade this package (and only it) to the newest allowed version")
		fl.BoolVar(&r.ForceReinstall, "force-reinstall", false, "reinstall every requested package even when it is up to date")
		fl.BoolVarP(&r.IgnoreInstalled, "ignore-installed", "I", false, "resolve and install as if nothing were installed")
	}
	fl.BoolVar(&r.NoDeps, "no-deps", false, "do not install the requirements' dependencies")
	fl.BoolVar(&r.Pre, "pre", false, "allow pre-releases and development versions")
	fl.StringVar(&r.Resolution, "resolution", "highest", "which versions to prefer: highest, lowest or lowest-direct")
	fl.BoolVar(&r.RequireHashes, "require-hashes", false, "require a --hash for every requirement, pinned with == (on when any requirement has a hash)")
	fl.StringArrayVar(&r.OnlyBinary, "only-binary", nil, "use only wheels for these projects (comma-separated names, :all: or :none:)")
	fl.StringArrayVar(&r.NoBinary, "no-binary", nil, "never use wheels for these projects (comma-separated names, :all: or :none:)")
	fl.BoolVar(&r.PreferBinary, "prefer-binary", false, "prefer older versions with wheels over newer ones with only sources")
}

// options turns the flags (and what requirements files said) into the
// project's resolve options.
func (r *resolveFlags) options(set *inputSet) (project.ResolveOptions, error) {
	o := project.ResolveOptions{
		Upgrade:         r.Upgrade,
		ForceReinstall:  r.ForceReinstall,
		IgnoreInstalled: r.IgnoreInstalled,
		NoDeps:          r.NoDeps,
		RequireHashes:   r.RequireHashes || set.RequireHashes,
		PreferBinary:    r.PreferBinary || set.PreferBinary,
		Formats:         set.Formats,
	}
	switch r.UpgradeStrategy {
	case "", "only-if-needed":
	case "eager":
		o.UpgradeStrategy = resolve.Eager
	default:
		return o, FlagErrorf("--upgrade-strategy: want only-if-needed or eager, not %q", r.UpgradeStrategy)
	}
	for _, p := range r.UpgradePackages {
		for _, n := range strings.Split(p, ",") {
			name, err := pkgname.Parse(strings.TrimSpace(n))
			if err != nil {
				return o, FlagErrorf("--upgrade-package: %v", err)
			}
			o.UpgradePackages = append(o.UpgradePackages, name)
		}
	}
	if r.Pre || set.Pre {
		o.Prereleases = pep440.PrereleasesAllow
	}
	st, ok := resolve.ParseStrategy(r.Resolution)
	if !ok {
		return o, FlagErrorf("--resolution: want highest, lowest or lowest-direct, not %q", r.Resolution)
	}
	o.Strategy = st
	for _, v := range r.NoBinary {
		o.Formats.NoBinary = append(o.Formats.NoBinary, splitNames(v)...)
	}
	for _, v := range r.OnlyBinary {
		o.Formats.OnlyBinary = append(o.Formats.OnlyBinary, splitNames(v)...)
	}
	o.Formats = normalizeFormats(o.Formats)
	return o, nil
}

// normalizeFormats applies ":none:" and normalizes the names.
func normalizeFormats(fc project.FormatControl) project.FormatControl {
	norm := func(in []string) []string {
		var out []string
		for _, n := range in {
			switch n {
			case ":none:":
				out = nil
			case ":all:":
				out = append(out, n)
			default:
				out = append(out, pkgname.Normalize(n))
			}
		}
		return out
	}
	return project.FormatControl{NoBinary: norm(fc.NoBinary), OnlyBinary: norm(fc.OnlyBinary)}
}

func splitNames(v string) []string {
	var out []string
	for _, n := range strings.Split(v, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// overrideFlags describe another machine (pip's download/install flags).
type overrideFlags struct {
	PythonVersion  string
	Platforms      []string
	Implementation string
	ABIs           []string
}

func (o *overrideFlags) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&o.PythonVersion, "python-version", "", "resolve for this Python version (3.12 or 3.12.1) instead of the interpreter's")
	fl.StringArrayVar(&o.Platforms, "platform", nil, "resolve for this platform tag (manylinux_2_17_x86_64, win_amd64, macosx_11_0_arm64...)")
	fl.StringVar(&o.Implementation, "implementation", "", "resolve for this Python implementation (cp, pp, py)")
	fl.StringArrayVar(&o.ABIs, "abi", nil, "resolve for this ABI tag (cp312, abi3, none)")
}

func (o *overrideFlags) override() project.TargetOverride {
	var plats []string
	for _, p := range o.Platforms {
		plats = append(plats, splitNames(p)...)
	}
	var abis []string
	for _, a := range o.ABIs {
		abis = append(abis, splitNames(a)...)
	}
	return project.TargetOverride{PythonVersion: o.PythonVersion, Platforms: plats, Implementation: o.Implementation, ABIs: abis}
}

type installOptions struct {
	targetOptions
	net      netOptions
	resolve  resolveFlags
	override overrideFlags
	build    buildFlagOptions
	inputSources
	Compile   bool
	NoCompile bool
	LinkMode  string
	Quiet     int
	Verbose   int
	DryRun    bool
	JSON      bool
	Report    string
}

func newCmdInstall(f *Factory) *cobra.Command {
	return installCmd(f, installRun)
}

// installCmd builds the command; tests pass their own run to check argv →
// options alone.
func installCmd(f *Factory, run func(context.Context, *Factory, *installOptions) error) *cobra.Command {
	opts := &installOptions{}
	cmd := &cobra.Command{
		Use:   "install [flags] [REQUIREMENT | PATH | URL]...",
		Short: "Resolve and install packages into an environment",
		Long: `Install packages with their dependencies into a Python environment.

Inputs are requirements ("flask>=3", "app[extra] @ https://..."), wheel and
sdist files or URLs, project directories, requirements files (-r),
constraints files (-c) and editable projects (-e). Dependencies are
resolved together (a conflict-driven resolver: no half-installed
conflicts), from the first index that has each project (--index-url,
--extra-index-url, --find-links; pip's configuration and PIP_* variables
are read too). Versions already installed are kept unless --upgrade.

The environment is the one of --python, else the active virtual environment
($VIRTUAL_ENV), else ./.venv; an interpreter outside a virtual environment
only with --system. --target, --prefix, --user and --root place the files
elsewhere, as pip does.

Every download is checked against the index's hashes (and --hash pins)
before use, every wheel against its RECORD. Wheels are unpacked into
ferry's cache once and installed from there by copy-on-write clone where
the filesystem can, else by hard link, else by copy (--link-mode).
Installing is one transaction: if it fails or is killed, the environment
is as before (repaired by the next ferry run).

Bytecode is not compiled by default (as uv, unlike pip); --compile compiles
the installed .py files with the target interpreter, in parallel.`,
		Example: `  $ ferry install flask
  $ ferry install -r requirements.txt -c constraints.txt
  $ ferry install -e . --compile
  $ ferry install --require-hashes -r requirements.lock
  $ ferry install --target vendor --python-version 3.12 --platform manylinux2014_x86_64 --only-binary :all: -r requirements.txt
  $ ferry install --dry-run --report report.json "django<5"`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			opts.net.record(cmd)
			if len(args) == 0 && len(opts.Requirement) == 0 && len(opts.Editable) == 0 {
				return FlagErrorf("nothing to install: give requirements, paths, -r FILE or -e DIR")
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
			if !opts.override.override().IsZero() && !opts.DryRun && opts.Target == "" {
				return FlagErrorf("--python-version, --platform, --implementation and --abi describe another machine: use them with --target or --dry-run")
			}
			return run(cmd.Context(), f, opts)
		},
	}
	opts.targetOptions.addFlags(cmd)
	opts.net.addFlags(cmd)
	opts.resolve.addFlags(cmd, true)
	opts.override.addFlags(cmd)
	opts.build.addFlags(cmd)
	fl := cmd.Flags()
	fl.StringArrayVarP(&opts.Requirement, "requirement", "r", nil, "install the requirements this file lists (a path or URL)")
	fl.StringArrayVarP(&opts.Constraint, "constraint", "c", nil, "constrain versions with this file's requirements")
	fl.StringArrayVarP(&opts.Editable, "editable", "e", nil, "install this project directory in development (editable) mode")
	fl.BoolVar(&opts.Compile, "compile", false, "compile .py files to bytecode after installing")
	fl.BoolVar(&opts.NoCompile, "no-compile", false, "do not compile bytecode (the default)")
	fl.StringVar(&opts.LinkMode, "link-mode", "clone", "how files come from the cache: clone, hardlink or copy (each falls back to the next)")
	fl.CountVarP(&opts.Quiet, "quiet", "q", "print less")
	fl.CountVarP(&opts.Verbose, "verbose", "v", "print more (-vv: every HTTP request, with timings)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "resolve and say what would change, without changing anything")
	fl.BoolVar(&opts.JSON, "json", false, "print what was installed and removed as JSON on stdout")
	fl.StringVar(&opts.Report, "report", "", "write pip's installation report (JSON) to FILE (\"-\" for stdout)")
	return cmd
}

func installRun(ctx context.Context, f *Factory, opts *installOptions) error {
	start := time.Now()
	errOut := f.IO.ErrOut
	quiet := opts.Quiet > 0 || opts.JSON || opts.Report == "-"
	if quiet {
		errOut = io.Discard
	}
	set, err := readInputs(ctx, f, opts.inputSources)
	if err != nil {
		return err
	}
	for _, w := range set.Warnings {
		fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", w)
	}
	ropts, err := opts.resolve.options(set)
	if err != nil {
		return err
	}
	l, info, err := resolveLayout(ctx, f, &opts.targetOptions)
	if err != nil {
		return err
	}
	target, err := project.NewTarget(info, opts.override.override())
	if err != nil {
		return err
	}
	if opts.Verbose > 0 {
		fmt.Fprintf(errOut, "Using %s\nInstalling into %s\n", target.Description, l.Description)
	}
	opts.net.traceHTTP = opts.Verbose > 1
	s, done, err := openSession(f, &opts.net, "install", info.Prefix, set.Layer)
	if err != nil {
		return err
	}
	defer done()
	opts.build.Verbose = opts.Verbose > 0
	s.Builder = newBuilderWith(ctx, f, s, info, opts.build)
	s.WholeWheels = !opts.DryRun

	env, err := install.OpenEnv(ctx, l)
	if err != nil {
		return err
	}
	defer env.Close()
	for _, id := range env.Recovered {
		fmt.Fprintf(f.IO.ErrOut, "warning: repaired an interrupted transaction (%s) in %s\n", id, l.Description)
	}
	inv := env.Inventory()

	progress := newSpinner(f, quiet)
	progress.Set("Resolving dependencies...")
	plan, err := s.Resolve(ctx, target, set.Request, inv, ropts)
	progress.Done()
	if err != nil {
		if expl, ok := project.IsNoSolution(err); ok {
			fmt.Fprintf(f.IO.ErrOut, "error: no solution: the requirements conflict.\n\n%s\n", indent(expl, "  "))
			return &ExitError{Code: ExitFailure, Err: errSilent}
		}
		return err
	}
	resolved := time.Since(start)
	fmt.Fprintf(errOut, "Resolved %d package%s in %s\n", len(plan.Items), plural(len(plan.Items)), ms(resolved))

	if opts.Report != "" {
		if err := writeInstallReport(ctx, f, s, plan, opts.Report); err != nil {
			return err
		}
	}
	changes := plan.Changes()
	out := installJSON{Target: l.Description, Python: info.Executable, DryRun: opts.DryRun,
		Installed: []install.DistRef{}, Removed: []install.DistRef{}, Skipped: []install.DistRef{}, Warnings: []string{}}
	for _, it := range plan.Items {
		if it.Action == project.Keep {
			for _, d := range it.Installed {
				out.Skipped = append(out.Skipped, install.DistRef{Name: d.Name, Version: d.Version, Path: d.Path})
			}
		}
	}
	if len(changes) == 0 {
		if opts.JSON {
			return writeJSON(f.IO.Out, out)
		}
		fmt.Fprintf(errOut, "Audited %d package%s in %s\n", len(plan.Items), plural(len(plan.Items)), ms(time.Since(start)))
		return nil
	}
	if opts.DryRun {
		for _, it := range changes {
			out.Installed = append(out.Installed, install.DistRef{Name: it.Name, Version: it.Version.String()})
			for _, d := range it.Installed {
				out.Removed = append(out.Removed, install.DistRef{Name: d.Name, Version: d.Version, Path: d.Path})
			}
		}
		if opts.JSON {
			return writeJSON(f.IO.Out, out)
		}
		fmt.Fprintf(errOut, "Would install %d package%s\n", len(out.Installed), plural(len(out.Installed)))
		printChanges(errOut, out.Removed, out.Installed)
		return nil
	}
	mode, _ := fsx.ParseLinkMode(opts.LinkMode)
	prepStart := time.Now()
	progress.Set(fmt.Sprintf("Preparing %d package%s...", len(changes), plural(len(changes))))
	wheels, prepared, err := s.Prepare(ctx, plan, 0)
	progress.Done()
	if err != nil {
		return err
	}
	if prepared > 0 {
		fmt.Fprintf(errOut, "Prepared %d package%s in %s\n", prepared, plural(prepared), ms(time.Since(prepStart)))
	}
	for _, u := range wheels {
		for _, w := range u.Warnings {
			fmt.Fprintf(f.IO.ErrOut, "warning: %s: %s\n", u.FileName, w)
		}
	}
	instStart := time.Now()
	rep, err := env.Apply(ctx, project.Transaction(plan, wheels), install.Options{LinkMode: mode, Compile: opts.Compile})
	if err != nil {
		return err
	}
	out.Installed, out.Removed = rep.Installed, rep.Removed
	if out.Installed == nil {
		out.Installed = []install.DistRef{}
	}
	if out.Removed == nil {
		out.Removed = []install.DistRef{}
	}
	out.Warnings = append(out.Warnings, rep.Warnings...)
	out.Compiled = rep.Compiled
	out.LinkMode = rep.LinkMode.String()
	for _, w := range rep.Warnings {
		fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", w)
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, out)
	}
	if len(out.Removed) > 0 {
		fmt.Fprintf(errOut, "Uninstalled %d package%s\n", len(out.Removed), plural(len(out.Removed)))
	}
	fmt.Fprintf(errOut, "Installed %d package%s in %s\n", len(out.Installed), plural(len(out.Installed)), ms(time.Since(instStart)))
	printChanges(errOut, out.Removed, out.Installed)
	if opts.Verbose > 0 {
		fmt.Fprintf(errOut, "Placed %d files by %s; compiled %d\n", rep.Files, rep.LinkMode, rep.Compiled)
	}
	return nil
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}
