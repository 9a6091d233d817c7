package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ferry/internal/archive"
	"ferry/internal/bundle"
	"ferry/internal/fsx"
	"ferry/internal/install"
	"ferry/internal/interp"
	"ferry/internal/pkgname"
	"ferry/internal/project"
)

// Bundle formats.
const (
	formatZipapp = "zipapp"
	formatDir    = "dir"
	formatTarGz  = "tar.gz"
	formatDeb    = "deb"
	formatRPM    = "rpm"
)

type bundleOptions struct {
	net      netOptions
	resolve  resolveFlags
	override overrideFlags
	build    buildFlagOptions
	inputSources

	Python        string
	Format        string
	Output        string
	EntryPoint    string
	Script        string
	App           string
	PythonShebang string
	InheritPath   bool
	Extract       []string
	NoCompile     bool
	Maintainer    string
	Vendor        string
	Release       string
	Arch          string
	Quiet         int
	Verbose       int
	JSON          bool
}

func newCmdBundle(f *Factory) *cobra.Command {
	return bundleCmd(f, bundleRun)
}

// bundleCmd builds the command; tests pass their own run to check argv →
// options alone.
func bundleCmd(f *Factory, run func(context.Context, *Factory, *bundleOptions) error) *cobra.Command {
	opts := &bundleOptions{}
	cmd := &cobra.Command{
		Use:   "bundle [flags] [REQUIREMENT | PATH | URL]...",
		Short: "Bundle an application and its dependencies into one deployable artifact",
		Long: `Resolve an application with its dependencies for a target machine, install
them into a staging directory and bundle the result as one artifact.

Inputs are those of ferry install: the application as a wheel file or a
project directory, requirements, -r files and --constraint files, from
the indexes pip's flags and configuration name. The application is the
one distribution given (--app names it when several are).

Formats (--format):
  zipapp   an executable zip application (PEP 441), app.pyz: pure
           distributions are imported from the zip, those with native code
           (or named with --extract) are unpacked on first run into a cache
           keyed by the bundle's content hash. It runs with any python3 of
           the target: ./app.pyz or python3 app.pyz.
  dir      a release directory: app/ (the application), vendor/ (every
           dependency, as pip install --target installs it),
           requirements.txt (frozen, with --hash lines), bin/NAME (a
           launcher that adds app/ and vendor/ with site.addsitedir and
           runs the entry point) and RELEASE.json (name, version,
           Requires-Python, entry point, content hash).
  tar.gz   the same release as a .tar.gz, which ferry deploy installs.
  deb, rpm a native package of the release: /opt/NAME/ and a link
           /usr/bin/NAME, depending on the system's python3.

The entry point is -e module:function, or -c the name of a console script
a bundled distribution defines, or by default the application's only
console script.

The target is the interpreter -p names (else the first python3 on PATH),
changed by --python-version, --platform, --implementation and --abi to
bundle for another machine; --platform implies --only-binary :all:.

Artifacts are reproducible: the same inputs and SOURCE_DATE_EPOCH give the
same bytes (without SOURCE_DATE_EPOCH every time stamp is 1980-01-01).`,
		Example: `  $ ferry bundle -o app.pyz dist/app-1.0-py3-none-any.whl
  $ ferry bundle -e app.cli:main -o app.pyz .
  $ ferry bundle --format tar.gz -o app.tar.gz -r requirements.txt app-1.0-py3-none-any.whl
  $ ferry bundle --format zipapp --python-version 3.12 --platform manylinux_2_17_x86_64 -o app.pyz app.whl
  $ ferry bundle --format deb --maintainer "Ops <ops@example.com>" app.whl`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			opts.net.record(cmd)
			if len(args) == 0 && len(opts.Requirement) == 0 {
				return FlagErrorf("nothing to bundle: give the application (a wheel or project directory), requirements or -r FILE")
			}
			switch opts.Format {
			case formatZipapp, formatDir, formatTarGz, formatDeb, formatRPM:
			case "tgz":
				opts.Format = formatTarGz
			default:
				return FlagErrorf("--format: want zipapp, dir, tar.gz, deb or rpm, not %q", opts.Format)
			}
			if opts.EntryPoint != "" && opts.Script != "" {
				return FlagErrorf("--entry-point and --console-script exclude one another")
			}
			if opts.EntryPoint != "" {
				if err := bundle.CheckEntryPoint(opts.EntryPoint); err != nil {
					return FlagErrorf("--entry-point: %q is not module:function", opts.EntryPoint)
				}
			}
			if opts.Format != formatZipapp && (opts.InheritPath || len(opts.Extract) > 0 || opts.NoCompile) {
				return FlagErrorf("--inherit-path, --extract and --no-compile apply to --format zipapp only")
			}
			if opts.Format != formatDeb && opts.Format != formatRPM && (opts.Maintainer != "" || opts.Vendor != "" || opts.Release != "" || opts.Arch != "") {
				return FlagErrorf("--maintainer, --vendor, --release and --arch apply to --format deb and rpm only")
			}
			return run(cmd.Context(), f, opts)
		},
	}
	opts.net.addFlags(cmd)
	opts.resolve.addFlags(cmd, false)
	opts.override.addFlags(cmd)
	opts.build.addFlags(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&opts.Python, "python", "p", "", "the interpreter the bundle is for (a version, a path or a virtual environment; default the first python3 on PATH)")
	fl.StringVar(&opts.Format, "format", formatZipapp, "the artifact: zipapp, dir, tar.gz, deb or rpm")
	fl.StringVarP(&opts.Output, "output", "o", "", "where to write the artifact (default NAME.pyz, NAME-VERSION.tar.gz, NAME-VERSION/, or the package's usual file name)")
	fl.StringVarP(&opts.EntryPoint, "entry-point", "e", "", "the function to run, as module:function")
	fl.StringVarP(&opts.Script, "console-script", "c", "", "run the console script of this name that a bundled distribution defines")
	fl.StringVar(&opts.App, "app", "", "the application's distribution, when several are given")
	fl.StringVar(&opts.PythonShebang, "python-shebang", "", "the #! interpreter (default \"/usr/bin/env python3\"; /usr/bin/python3 for deb and rpm)")
	fl.BoolVar(&opts.InheritPath, "inherit-path", false, "zipapp: keep the host's site-packages on sys.path at run time")
	fl.StringArrayVar(&opts.Extract, "extract", nil, "zipapp: unpack this distribution to disk on first run even though it is pure (:all: for every one)")
	fl.BoolVar(&opts.NoCompile, "no-compile", false, "zipapp: leave out the bytecode (smaller, slower to start)")
	fl.StringArrayVarP(&opts.Requirement, "requirement", "r", nil, "bundle the requirements this file lists (a path or URL)")
	fl.StringArrayVar(&opts.Constraint, "constraint", nil, "constrain versions with this file's requirements")
	fl.StringVar(&opts.Maintainer, "maintainer", "", "deb, rpm: the maintainer or packager, \"Name <email>\" (default from the metadata)")
	fl.StringVar(&opts.Vendor, "vendor", "", "rpm: the vendor (default the metadata's author)")
	fl.StringVar(&opts.Release, "release", "", "deb, rpm: the packaging revision (default 1)")
	fl.StringVar(&opts.Arch, "arch", "", "deb, rpm: the architecture (default all/noarch, or the target's for native code)")
	fl.CountVarP(&opts.Quiet, "quiet", "q", "print less")
	fl.CountVarP(&opts.Verbose, "verbose", "v", "print more (-vv: every HTTP request, with timings)")
	fl.BoolVar(&opts.JSON, "json", false, "print what was bundled as JSON on stdout")
	return cmd
}

// bundleJSON is the stable shape of `ferry bundle --json`.
type bundleJSON struct {
	Format     string `json:"format"`
	Output     string `json:"output"`
	Size       int64  `json:"size,omitempty"`
	SHA256     string `json:"sha256,omitempty"`
	Name       string `json:"name,omitempty"`
	Version    string `json:"version,omitempty"`
	EntryPoint string `json:"entry_point"`
	// Hash is the content hash (the zipapp's or the release's).
	Hash          string           `json:"hash"`
	Target        string           `json:"target"`
	Distributions []bundleDistJSON `json:"distributions"`
}

type bundleDistJSON struct {
	Name    pkgname.Name `json:"name"`
	Version string       `json:"version"`
	// Placement is site-packages or extract (zipapp), app or vendor.
	Placement string `json:"placement"`
	Native    bool   `json:"native,omitempty"`
}

func bundleRun(ctx context.Context, f *Factory, opts *bundleOptions) error {
	start := time.Now()
	errOut := f.IO.ErrOut
	quiet := opts.Quiet > 0 || opts.JSON
	if quiet {
		errOut = io.Discard
	}
	mtime, _, err := sourceDateEpoch(f)
	if err != nil {
		return err
	}
	if mtime.IsZero() {
		mtime = archive.DefaultTime()
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
	ov := opts.override.override()
	if len(ov.Platforms) > 0 && !containsString(ropts.Formats.OnlyBinary, ":all:") {
		// As pip download: another platform's sources cannot be built here.
		ropts.Formats.OnlyBinary = append(ropts.Formats.OnlyBinary, ":all:")
	}
	info, target, err := bundleTarget(ctx, f, opts.Python, ov)
	if err != nil {
		return err
	}
	if opts.Verbose > 0 {
		fmt.Fprintf(errOut, "Bundling for %s\n", target.Description)
	}
	prefix := ""
	if info != nil {
		prefix = info.Prefix
	}
	opts.net.traceHTTP = opts.Verbose > 1
	s, done, err := openSession(f, &opts.net, "install", prefix, set.Layer)
	if err != nil {
		return err
	}
	defer done()
	if info != nil {
		s.Builder = newBuilderWith(ctx, f, s, info, opts.build)
		s.WholeWheels = true
	}

	// Resolve and install into a staging directory inside the cache (the
	// same filesystem, so files are cloned or linked, not copied).
	staging, err := s.Cache.TempDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	// A --target layout with no interpreter: nothing is compiled into it,
	// and the scripts of vendored distributions get a fixed
	// "#!/usr/bin/python3" line, not this machine's path, so the staging
	// tree is the same wherever it is made (and whatever the target).
	layout := install.TargetLayout(nil, staging)
	layout.Python = bundle.SystemPython
	env, err := install.OpenEnv(ctx, layout)
	if err != nil {
		return err
	}
	defer env.Close()
	progress := newSpinner(f, quiet)
	progress.Set("Resolving dependencies...")
	plan, err := s.Resolve(ctx, target, set.Request, env.Inventory(), ropts)
	progress.Done()
	if err != nil {
		if expl, ok := project.IsNoSolution(err); ok {
			fmt.Fprintf(f.IO.ErrOut, "error: no solution for %s: the requirements conflict or cannot be met.\n\n%s\n", target.Description, indent(expl, "  "))
			return &ExitError{Code: ExitFailure, Err: errSilent}
		}
		return err
	}
	fmt.Fprintf(errOut, "Resolved %d package%s in %s\n", len(plan.Items), plural(len(plan.Items)), ms(time.Since(start)))
	progress.Set(fmt.Sprintf("Preparing %d package%s...", len(plan.Items), plural(len(plan.Items))))
	wheels, _, err := s.Prepare(ctx, plan, 0)
	progress.Done()
	if err != nil {
		return err
	}
	for _, u := range wheels {
		for _, w := range u.Warnings {
			fmt.Fprintf(f.IO.ErrOut, "warning: %s: %s\n", u.FileName, w)
		}
	}
	txn := project.Transaction(plan, wheels)
	for i := range txn.Install {
		// direct_url.json would record this machine's paths: a bundle
		// carries none.
		txn.Install[i].DirectURL = nil
	}
	if _, err := env.Apply(ctx, txn, install.Options{}); err != nil {
		return err
	}
	env.Close()
	refs := map[pkgname.Name]bundle.WheelRef{}
	for _, u := range wheels {
		refs[u.Name] = bundle.WheelRef{FileName: u.FileName, SHA256: u.SHA256}
	}
	tree, err := bundle.Scan(ctx, staging, refs)
	if err != nil {
		return err
	}
	app, err := bundleApp(plan, tree, opts.App)
	if err != nil {
		return err
	}

	out := bundleJSON{Format: opts.Format, Target: target.Description, Distributions: []bundleDistJSON{}}
	if app != nil {
		out.Name, out.Version = string(app.Name), app.Version
	}
	var written string
	switch opts.Format {
	case formatZipapp:
		var bc *bundle.Bytecode
		if !opts.NoCompile && sameInterpreter(info, target) {
			pycs, err := s.Cache.TempDir()
			if err != nil {
				return err
			}
			defer os.RemoveAll(pycs)
			if bc, err = tree.Compile(ctx, info.Executable, pycs); err != nil {
				return err
			}
		}
		written, err = bundleZipapp(ctx, f, opts, tree, app, bc, mtime, &out, errOut)
	default:
		written, err = bundleRelease(ctx, f, opts, tree, app, target, mtime, &out, errOut)
	}
	if err != nil {
		return err
	}
	out.Output = written
	if st, err := os.Stat(written); err == nil && st.Mode().IsRegular() {
		if out.Size, out.SHA256, err = fileDigest(written); err != nil {
			return err
		}
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, out)
	}
	shown := written
	if rel, err := filepath.Rel(f.Dir, written); err == nil && !strings.HasPrefix(rel, "..") {
		shown = rel
	}
	size := ""
	if out.Size > 0 {
		size = " (" + humanSize(out.Size) + ")"
	}
	fmt.Fprintf(errOut, "Bundled %d package%s into %s%s in %s\n", len(tree.Dists), plural(len(tree.Dists)), shown, size, ms(time.Since(start)))
	if opts.Verbose > 0 {
		for _, d := range out.Distributions {
			fmt.Fprintf(errOut, " %s==%s (%s)\n", d.Name, d.Version, d.Placement)
		}
	}
	return nil
}

// bundleTarget describes the machine the bundle is for: the interpreter -p
// names (else the first python3 on PATH) changed by the overrides, or with
// no interpreter at hand but --python-version given, a CPython of that
// version.
func bundleTarget(ctx context.Context, f *Factory, python string, ov project.TargetOverride) (*interp.Info, *project.Target, error) {
	info, err := interp.Find(ctx, python, interpEnv(f))
	if err != nil {
		if python == "" && ov.PythonVersion != "" {
			platform := ""
			if len(ov.Platforms) > 0 {
				platform = ov.Platforms[0]
			}
			t, terr := project.NewTargetFor(ov.PythonVersion, platform)
			return nil, t, terr
		}
		return nil, nil, err
	}
	if err := info.CheckSupported(); err != nil {
		return nil, nil, err
	}
	t, err := project.NewTarget(info, ov)
	return info, t, err
}

// sameInterpreter reports whether the target is the interpreter itself
// (same implementation and Python minor version), whose bytecode the
// bundle can then carry.
func sameInterpreter(info *interp.Info, target *project.Target) bool {
	if info == nil {
		return false
	}
	return target.Markers["python_version"] == fmt.Sprintf("%d.%d", info.Version.Major, info.Version.Minor) &&
		target.Markers["implementation_name"] == info.Markers["implementation_name"]
}

// bundleApp picks the application among the installed distributions: the
// one --app names, else the only requested one, else the only one given
// as a path or URL; nil when that leaves several.
func bundleApp(plan *project.Plan, tree *bundle.Tree, name string) (*bundle.Dist, error) {
	if name != "" {
		n, err := pkgname.Parse(name)
		if err != nil {
			return nil, FlagErrorf("--app: %v", err)
		}
		d := tree.Get(n)
		if d == nil {
			return nil, fmt.Errorf("--app %s: not among the bundled distributions", name)
		}
		return d, nil
	}
	var requested, direct []pkgname.Name
	for _, it := range plan.Items {
		if !it.Requested {
			continue
		}
		requested = append(requested, it.Name)
		if it.Choice != nil && it.Choice.Direct {
			direct = append(direct, it.Name)
		}
	}
	switch {
	case len(requested) == 1:
		return tree.Get(requested[0]), nil
	case len(direct) == 1:
		return tree.Get(direct[0]), nil
	}
	return nil, nil
}

func bundleZipapp(ctx context.Context, f *Factory, opts *bundleOptions, tree *bundle.Tree, app *bundle.Dist, bc *bundle.Bytecode, mtime time.Time, out *bundleJSON, errOut io.Writer) (string, error) {
	zopts := bundle.ZipappOptions{
		Bytecode:    bc,
		Interpreter: opts.PythonShebang,
		EntryPoint:  opts.EntryPoint,
		Script:      opts.Script,
		InheritPath: opts.InheritPath,
		Extract:     opts.Extract,
		Mtime:       mtime,
	}
	if app != nil {
		zopts.RequiresPython = strings.TrimSpace(app.Metadata.RequiresPython)
	}
	if zopts.EntryPoint == "" && zopts.Script == "" {
		script, err := defaultScript(app, tree)
		if err != nil {
			return "", err
		}
		zopts.Script = script
	}
	if zopts.EntryPoint != "" {
		warnMissingModule(f, tree, zopts.EntryPoint)
	}
	name := zopts.Script
	if name == "" && app != nil {
		name = string(app.Name)
	}
	if name == "" {
		name = "app"
	}
	dest := outputPath(f, opts.Output, name+".pyz", false)
	res, err := writeFileAtomic(dest, 0o755, func(w io.Writer) error {
		r, err := tree.WriteZipapp(w, zopts)
		if err != nil {
			return err
		}
		out.EntryPoint, out.Hash = r.Manifest.EntryPoint, r.Manifest.Hash
		for _, n := range r.Extracted {
			d := tree.Get(n)
			out.Distributions = append(out.Distributions, bundleDistJSON{Name: n, Version: d.Version, Placement: "extract", Native: d.Native})
		}
		for _, n := range r.Zipped {
			out.Distributions = append(out.Distributions, bundleDistJSON{Name: n, Version: tree.Get(n).Version, Placement: "site-packages"})
		}
		sort.Slice(out.Distributions, func(i, j int) bool { return out.Distributions[i].Name < out.Distributions[j].Name })
		return nil
	})
	if err != nil {
		return "", err
	}
	if zopts.Script != "" {
		warnMissingModule(f, tree, out.EntryPoint)
	}
	return res, nil
}

// defaultScript is the application's only console script.
func defaultScript(app *bundle.Dist, tree *bundle.Tree) (string, error) {
	if app == nil {
		return "", FlagErrorf("no entry point: give -e module:function or -c SCRIPT (several distributions were requested; --app names the application)")
	}
	scripts := app.EntryPoints.ConsoleScripts()
	switch len(scripts) {
	case 1:
		return scripts[0].Name, nil
	case 0:
		return "", FlagErrorf("no entry point: %s defines no console script; give -e module:function or -c SCRIPT", app)
	}
	names := make([]string, len(scripts))
	for i, s := range scripts {
		names[i] = s.Name
	}
	return "", FlagErrorf("no entry point: %s defines %d console scripts (%s); choose one with -c SCRIPT", app, len(scripts), strings.Join(names, ", "))
}

// warnMissingModule warns when the entry point's module is not in the
// bundle (it may still be in the standard library).
func warnMissingModule(f *Factory, tree *bundle.Tree, ep string) {
	module, _, _ := strings.Cut(ep, ":")
	if module != "" && !tree.ProvidesModule(module) {
		fmt.Fprintf(f.IO.ErrOut, "warning: the entry point's module %s is not in the bundle; it must come from the standard library\n", module)
	}
}

func bundleRelease(ctx context.Context, f *Factory, opts *bundleOptions, tree *bundle.Tree, app *bundle.Dist, target *project.Target, mtime time.Time, out *bundleJSON, errOut io.Writer) (string, error) {
	if app == nil {
		var names []string
		for _, d := range tree.Dists {
			names = append(names, string(d.Name))
		}
		return "", FlagErrorf("which distribution is the application? name it with --app (bundled: %s)", strings.Join(names, ", "))
	}
	ropts := bundle.ReleaseOptions{App: app.Name, EntryPoint: opts.EntryPoint, Script: opts.Script}
	native := opts.Format == formatDeb || opts.Format == formatRPM
	if !native {
		ropts.Interpreter = opts.PythonShebang
	}
	if ropts.EntryPoint == "" && ropts.Script == "" {
		script, err := defaultScript(app, tree)
		if err != nil {
			return "", err
		}
		ropts.Script = script
	}
	rel, err := tree.Release(ctx, ropts)
	if err != nil {
		return "", err
	}
	warnMissingModule(f, tree, rel.Manifest.EntryPoint)
	out.EntryPoint, out.Hash = rel.Manifest.EntryPoint, rel.Manifest.Hash
	for _, d := range tree.Dists {
		place := "vendor"
		if d == app {
			place = "app"
		}
		out.Distributions = append(out.Distributions, bundleDistJSON{Name: d.Name, Version: d.Version, Placement: place, Native: d.Native})
	}
	base := rel.TopDir()
	switch opts.Format {
	case formatDir:
		dest := outputPath(f, opts.Output, base, true)
		if err := rel.WriteDir(ctx, dest, mtime); err != nil {
			return "", err
		}
		return dest, nil
	case formatTarGz:
		dest := outputPath(f, opts.Output, base+".tar.gz", false)
		return writeFileAtomic(dest, 0o644, func(w io.Writer) error { return rel.WriteTarGz(w, mtime) })
	}
	popts := bundle.PackageOptions{
		Maintainer:    opts.Maintainer,
		Vendor:        opts.Vendor,
		Release:       opts.Release,
		Arch:          opts.Arch,
		Machine:       target.Markers["platform_machine"],
		PythonVersion: target.Markers["python_version"],
		Interpreter:   opts.PythonShebang,
		Mtime:         mtime,
	}
	var buf bytes.Buffer
	var name string
	if opts.Format == formatDeb {
		name, err = rel.WriteDeb(&buf, popts)
	} else {
		name, err = rel.WriteRPM(&buf, popts)
	}
	if err != nil {
		return "", err
	}
	dest := outputPath(f, opts.Output, name, false)
	if err := fsx.WriteFileAtomic(dest, buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	return dest, nil
}

// outputPath makes -o absolute, or names the default file in the working
// directory; for a file (not dirFormat), -o naming a directory (existing,
// or ending in "/") puts the default file name in it.
func outputPath(f *Factory, out, def string, dirFormat bool) string {
	if out == "" {
		out = def
	}
	intoDir := !dirFormat && (strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(filepath.Separator)))
	if !filepath.IsAbs(out) {
		out = filepath.Join(f.Dir, out)
	}
	out = filepath.Clean(out)
	if !dirFormat && (intoDir || isDirPath(out)) {
		out = filepath.Join(out, def)
	}
	return out
}

// writeFileAtomic writes dest through a temporary file beside it, renamed
// into place once write succeeded, with mode perm.
func writeFileAtomic(dest string, perm os.FileMode, write func(io.Writer) error) (string, error) {
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("writing %s: %w", dest, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("writing %s: %w", dest, err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return "", err
	}
	if err := tmp.Chmod(perm); err != nil {
		return "", fmt.Errorf("writing %s: %w", dest, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("writing %s: %w", dest, err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return "", fmt.Errorf("writing %s: %w", dest, err)
	}
	ok = true
	return dest, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// humanSize formats a byte count as "12.3 KiB".
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
