package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"ferry/internal/install"
	"ferry/internal/interp"
	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/tags"
)

// inspectOptions choose the environment list, freeze, show and check
// read. The interpreter is chosen as for install (--python, --system,
// $VIRTUAL_ENV, ./.venv) except that an interpreter outside a virtual
// environment is accepted (falling back to the first python on PATH), as
// pip's read-only commands run under any interpreter.
type inspectOptions struct {
	targetOptions
	// Paths are pip's --path directories (list and freeze).
	Paths []string
	// Local is pip's -l/--local (list and freeze).
	Local bool
}

// addFlags registers the target flags; pathLocal adds pip's --path and
// -l/--local, which only list and freeze have.
func (o *inspectOptions) addFlags(cmd *cobra.Command, pathLocal bool) {
	fl := cmd.Flags()
	fl.StringVarP(&o.Python, "python", "p", "", "the interpreter (a version, a path or a virtual environment) whose environment to read")
	fl.BoolVar(&o.System, "system", false, "read the environment of the first interpreter on PATH, even when a virtual environment is active")
	fl.StringVarP(&o.Target, "target", "t", "", "read the directory DIR (as filled by install --target) instead of an environment")
	fl.StringVar(&o.Prefix, "prefix", "", "read the site directories of the prefix DIR (as filled by install --prefix)")
	fl.BoolVar(&o.User, "user", false, "only distributions installed in the user site")
	if pathLocal {
		fl.StringArrayVar(&o.Paths, "path", nil, "read only this directory instead of sys.path (repeatable)")
		fl.BoolVarP(&o.Local, "local", "l", false, "in a virtual environment with global access, leave out globally installed distributions")
	}
}

func (o *inspectOptions) check() error {
	if err := o.targetOptions.check(); err != nil {
		return err
	}
	if len(o.Paths) > 0 && (o.User || o.Local) {
		return FlagErrorf("cannot combine '--path' with '--user' or '--local'")
	}
	if len(o.Paths) > 0 && (o.Target != "" || o.Prefix != "") {
		return FlagErrorf("cannot combine '--path' with '--target' or '--prefix'")
	}
	return nil
}

// inspected is an environment read for the inspection commands.
type inspected struct {
	info    *interp.Info
	env     *install.Environment
	markers pep508.Env
	// userSite is the user site directory with symbolic links resolved.
	userSite string
	// prefix is sys.prefix with symbolic links resolved.
	prefix string
	// tags are the wheel tags the interpreter supports, when known
	// without asking info (tests).
	tags []tags.Tag
}

// supportedTags returns the wheel tags the interpreter accepts.
func (in *inspected) supportedTags() ([]tags.Tag, error) {
	if in.tags != nil {
		return in.tags, nil
	}
	return in.info.SupportedTags()
}

// inspectEnv selects the interpreter and reads the distributions on its
// sys.path (or in the --path, --target or --prefix directories).
func inspectEnv(ctx context.Context, f *Factory, o *inspectOptions) (*inspected, error) {
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(f.Dir, p)
	}
	info, err := interp.SelectTarget(ctx, interp.TargetRequest{Python: o.Python, System: o.System, Elsewhere: true}, interpEnv(f))
	if err != nil {
		return nil, err
	}
	if err := info.CheckSupported(); err != nil {
		return nil, err
	}
	markers, err := pep508.EnvFromMap(info.Markers)
	if err != nil {
		return nil, fmt.Errorf("marker environment of %s: %w", info, err)
	}
	var sysPath []string
	for _, p := range info.SysPath {
		if p != "" && filepath.IsAbs(p) {
			sysPath = append(sysPath, p)
		}
	}
	if len(sysPath) == 0 {
		sysPath = install.EnvLayout(info).SiteDirs()
	}
	search, eggLinks := sysPath, sysPath
	switch {
	case len(o.Paths) > 0:
		search = nil
		for _, p := range o.Paths {
			search = append(search, abs(p))
		}
	case o.Target != "":
		search = []string{abs(o.Target)}
		eggLinks = append(append([]string(nil), search...), sysPath...)
	case o.Prefix != "":
		search = install.PrefixLayout(info, abs(o.Prefix)).SiteDirs()
		eggLinks = append(append([]string(nil), search...), sysPath...)
	}
	env, err := install.ScanEnvironment(search, install.ScanOptions{
		EggLinkPath: eggLinks,
		// pip reads metadata through importlib.metadata from Python 3.11 on.
		Importlib: info.Version.Major > 3 || info.Version.Major == 3 && info.Version.Minor >= 11,
	})
	if err != nil {
		return nil, err
	}
	return &inspected{
		info:     info,
		env:      env,
		markers:  markers,
		userSite: realPath(install.UserLayout(info, interp.UserBase(info, f.Getenv)).Scheme.Purelib),
		prefix:   realPath(info.Prefix),
	}, nil
}

// realPath resolves symbolic links as far as the path exists (Python's
// os.path.realpath).
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	dir, base := filepath.Split(p)
	if dir == "" || filepath.Clean(dir) == p {
		return p
	}
	return filepath.Join(realPath(filepath.Clean(dir)), base)
}

// dists returns the distributions pip's iter_installed_distributions
// would: with local, only those inside sys.prefix when the interpreter
// runs in a virtual environment; with user, only those in the user site.
func (in *inspected) dists(local, user bool) []*install.Installed {
	var out []*install.Installed
	for _, d := range in.env.Dists {
		site := realPath(d.Site)
		if local && in.info.IsVenv && !strings.HasPrefix(site, in.prefix) {
			continue
		}
		if user && !strings.HasPrefix(site, in.userSite) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// stdlibNames are the names pip never lists (pip's stdlib_pkgs).
var stdlibNames = [...]pkgname.Name{"python", "wsgiref", "argparse"}

func isStdlibName(n pkgname.Name) bool {
	for _, s := range stdlibNames {
		if n == s {
			return true
		}
	}
	return false
}

// warnDists prints the warnings reading dists gave, as pip logs them.
func warnDists(w io.Writer, dists []*install.Installed) {
	for _, d := range dists {
		for _, msg := range d.Warnings {
			fmt.Fprintf(w, "WARNING: %s\n", msg)
		}
	}
}

// LatestFinder answers ferry list --outdated and --uptodate. It is the
// seam the orchestration layer (index access) fills; until it does, the
// flags fail with a clear message.
type LatestFinder interface {
	// Latest returns the newest version of the project an index offers
	// (pre-releases only when pre is set, yanked releases never) and the
	// kind of file that version comes as ("wheel" or "sdist"); found is
	// false when the index offers nothing. It may be called concurrently.
	Latest(ctx context.Context, name pkgname.Name, pre bool) (v pep440.Version, filetype string, found bool, err error)
}

type listOptions struct {
	inspectOptions
	Format          string
	Outdated        bool
	Uptodate        bool
	Editable        bool
	IncludeEditable bool
	NotRequired     bool
	Pre             bool
	Exclude         []string
	Verbose         int
	// Latest answers --outdated and --uptodate; nil means the configured
	// indexes (tests set a fake).
	Latest LatestFinder
	net    netOptions
}

func newCmdList(f *Factory) *cobra.Command {
	return listCmd(f, listRun)
}

// editableFlag lets --include-editable and --exclude-editable share one
// destination, the last given winning, as in pip.
type editableFlag struct {
	dest  *bool
	value bool
}

func (e editableFlag) String() string { return fmt.Sprint(*e.dest == e.value) }
func (e editableFlag) Type() string   { return "bool" }
func (e editableFlag) Set(s string) error {
	if s != "true" {
		return fmt.Errorf("takes no value")
	}
	*e.dest = e.value
	return nil
}

func listCmd(f *Factory, run func(context.Context, *Factory, *listOptions) error) *cobra.Command {
	opts := &listOptions{IncludeEditable: true}
	cmd := &cobra.Command{
		Use:   "list [flags]",
		Short: "List installed distributions",
		Long: `List the distributions installed in a Python environment, as pip list does.

The environment is the one of --python, else the active virtual
environment ($VIRTUAL_ENV), else ./.venv, else the first python on PATH;
its whole sys.path is read (so a virtual environment made with
--system-site-packages shows the base interpreter's distributions too,
unless --local). --path DIR reads only DIR; --target and --prefix read
directories filled by install --target and --prefix.

Distributions are sorted by normalized name. The columns format has a
"Package Version" header; an "Editable project location" column appears
when any distribution is installed in editable mode, and -v adds
"Location" and "Installer". --format freeze prints "Name==version" lines
and --format json a JSON array of objects with "name", "version", and
"editable_project_location" for editable installs ("location" and
"installer" with -v), on one line, exactly as pip prints them.

--outdated and --uptodate compare each distribution with the newest
version the indexes offer for this interpreter (pip's index flags and
configuration apply).`,
		Example: `  $ ferry list
  $ ferry list -p .venv --format json
  $ ferry list --not-required --exclude-editable
  $ ferry list --path vendor --format freeze`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			switch opts.Format {
			case "columns", "freeze", "json":
			default:
				return FlagErrorf("--format: invalid choice %q (choose from columns, freeze, json)", opts.Format)
			}
			if opts.Outdated && opts.Uptodate {
				return FlagErrorf("options --outdated and --uptodate cannot be combined")
			}
			if opts.Outdated && opts.Format == "freeze" {
				return FlagErrorf("list format 'freeze' cannot be used with the --outdated option")
			}
			opts.net.record(cmd)
			return run(cmd.Context(), f, opts)
		},
	}
	opts.addFlags(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&opts.Format, "format", "columns", "output format: columns, freeze or json")
	opts.net.addFlags(cmd)
	fl.BoolVarP(&opts.Outdated, "outdated", "o", false, "list outdated distributions (needs an index)")
	fl.BoolVarP(&opts.Uptodate, "uptodate", "u", false, "list up-to-date distributions (needs an index)")
	fl.BoolVar(&opts.Pre, "pre", false, "with --outdated or --uptodate, consider pre-releases")
	fl.BoolVarP(&opts.Editable, "editable", "e", false, "list only editable installs")
	for _, e := range []struct {
		name  string
		value bool
		usage string
	}{
		{"exclude-editable", false, "leave out editable installs"},
		{"include-editable", true, "include editable installs (the default)"},
	} {
		f := fl.VarPF(editableFlag{&opts.IncludeEditable, e.value}, e.name, "", e.usage)
		f.NoOptDefVal = "true"
	}
	fl.BoolVar(&opts.NotRequired, "not-required", false, "list only distributions no other listed distribution requires")
	fl.StringArrayVar(&opts.Exclude, "exclude", nil, "leave out this project (repeatable)")
	fl.CountVarP(&opts.Verbose, "verbose", "v", "add the location and the installer")
	return cmd
}

// listed is one distribution of the listing, with its latest version
// when --outdated or --uptodate asked.
type listed struct {
	*install.Installed
	latest   string
	filetype string
}

func listRun(ctx context.Context, f *Factory, opts *listOptions) error {
	in, err := inspectEnv(ctx, f, &opts.inspectOptions)
	if err != nil {
		return err
	}
	return listPrint(ctx, f, in, opts)
}

// checkLatest fails --outdated and --uptodate while nothing can answer
// them.
func (opts *listOptions) checkLatest() error {
	if (opts.Outdated || opts.Uptodate) && opts.Latest == nil {
		flag := "--outdated"
		if opts.Uptodate {
			flag = "--uptodate"
		}
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("ferry list %s needs an index: not available yet", flag)}
	}
	return nil
}

// listPrint lists the distributions of an environment read already.
func listPrint(ctx context.Context, f *Factory, in *inspected, opts *listOptions) error {
	if (opts.Outdated || opts.Uptodate) && opts.Latest == nil && in.info != nil {
		il := &indexLatest{f: f, net: &opts.net, info: in.info}
		defer il.close()
		opts.Latest = il
	}
	err := opts.checkLatest()
	if err != nil {
		return err
	}
	skip := map[pkgname.Name]bool{}
	for _, n := range stdlibNames {
		skip[n] = true
	}
	for _, n := range opts.Exclude {
		skip[pkgname.Name(pkgname.Normalize(n))] = true
	}
	var dists []*install.Installed
	for _, d := range in.dists(opts.Local, opts.User) {
		switch {
		case skip[d.Name]:
		case !opts.IncludeEditable && d.Editable != "":
		case opts.Editable && d.Editable == "":
		default:
			dists = append(dists, d)
		}
	}
	if opts.NotRequired {
		required := map[pkgname.Name]bool{}
		for _, d := range dists {
			deps, err := d.Dependencies(in.markers)
			if err != nil {
				return err
			}
			for _, r := range deps {
				required[r.Normalized] = true
			}
		}
		kept := dists[:0]
		for _, d := range dists {
			if !required[d.Name] {
				kept = append(kept, d)
			}
		}
		dists = kept
	}
	rows := make([]listed, 0, len(dists))
	for _, d := range dists {
		rows = append(rows, listed{Installed: d})
	}
	if opts.Outdated || opts.Uptodate {
		if rows, err = withLatest(ctx, opts, rows); err != nil {
			return err
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	ds := make([]*install.Installed, len(rows))
	for i, r := range rows {
		ds[i] = r.Installed
	}
	warnDists(f.IO.ErrOut, ds)
	w := f.IO.Out
	switch opts.Format {
	case "columns":
		writeColumns(w, listColumns(rows, opts))
	case "freeze":
		for _, r := range rows {
			if opts.Verbose > 0 {
				fmt.Fprintf(w, "%s==%s (%s)\n", r.RawName, r.Version, r.Location)
			} else {
				fmt.Fprintf(w, "%s==%s\n", r.RawName, r.Version)
			}
		}
	case "json":
		fmt.Fprintln(w, listJSON(rows, opts))
	}
	return nil
}

// withLatest keeps the outdated (or up-to-date) rows, with their latest
// versions.
func withLatest(ctx context.Context, opts *listOptions, rows []listed) ([]listed, error) {
	var out []listed
	for _, r := range rows {
		v, typ, found, err := opts.Latest.Latest(ctx, r.Name, opts.Pre)
		if err != nil {
			return nil, err
		}
		if !found || !r.VersionValid {
			continue
		}
		c := v.Compare(r.Parsed)
		if (opts.Outdated && c > 0) || (opts.Uptodate && c == 0) {
			r.latest, r.filetype = v.String(), typ
			out = append(out, r)
		}
	}
	return out, nil
}

// listColumns returns the header and rows of the columns format.
func listColumns(rows []listed, opts *listOptions) [][]string {
	if len(rows) == 0 {
		return nil
	}
	header := []string{"Package", "Version"}
	if opts.Outdated {
		header = append(header, "Latest", "Type")
	}
	editable := false
	for _, r := range rows {
		editable = editable || r.Editable != ""
	}
	if editable {
		header = append(header, "Editable project location")
	}
	if opts.Verbose > 0 {
		header = append(header, "Location", "Installer")
	}
	table := [][]string{header}
	for _, r := range rows {
		row := []string{r.RawName, r.RawVersion}
		if opts.Outdated {
			row = append(row, r.latest, r.filetype)
		}
		if editable {
			row = append(row, r.Editable)
		}
		if opts.Verbose > 0 {
			row = append(row, r.Location, r.InstallerName())
		}
		table = append(table, row)
	}
	return table
}

// writeColumns prints a table as pip's tabulate does: each column as
// wide as its widest cell (in characters), cells left-justified and
// joined by one space, trailing blanks trimmed, and a line of dashes
// under the header.
func writeColumns(w io.Writer, table [][]string) {
	if len(table) == 0 {
		return
	}
	var sizes []int
	for _, row := range table {
		for i, c := range row {
			if i >= len(sizes) {
				sizes = append(sizes, 0)
			}
			sizes[i] = max(sizes[i], utf8.RuneCountInString(c))
		}
	}
	line := func(row []string) string {
		var b strings.Builder
		for i, size := range sizes {
			if i > 0 {
				b.WriteByte(' ')
			}
			c := ""
			if i < len(row) {
				c = row[i]
			}
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", size-utf8.RuneCountInString(c)))
		}
		return strings.TrimRightFunc(b.String(), isPyWhitespace)
	}
	fmt.Fprintln(w, line(table[0]))
	dashes := make([]string, len(sizes))
	for i, s := range sizes {
		dashes[i] = strings.Repeat("-", s)
	}
	fmt.Fprintln(w, strings.Join(dashes, " "))
	for _, row := range table[1:] {
		fmt.Fprintln(w, line(row))
	}
}

func isPyWhitespace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0:
		return true
	}
	return false
}

// listJSON is pip list --format json: Python's json.dumps of a list of
// objects (", " and ": " separators, non-ASCII escaped).
func listJSON(rows []listed, opts *listOptions) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		kv := []string{"name", r.RawName, "version", r.Version}
		if opts.Verbose > 0 {
			kv = append(kv, "location", r.Location, "installer", r.InstallerName())
		}
		if opts.Outdated || opts.Uptodate {
			kv = append(kv, "latest_version", r.latest, "latest_filetype", r.filetype)
		}
		if r.Editable != "" {
			kv = append(kv, "editable_project_location", r.Editable)
		}
		b.WriteByte('{')
		for j := 0; j < len(kv); j += 2 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyJSONString(kv[j]))
			b.WriteString(": ")
			b.WriteString(pyJSONString(kv[j+1]))
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.String()
}

// pyJSONString quotes s as Python's json.dumps does with ensure_ascii:
// short escapes for \b \f \n \r \t, \uXXXX (lower-case hex, surrogate
// pairs above U+FFFF) for every other character outside printable ASCII.
func pyJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			switch {
			case r >= 0x20 && r <= 0x7e:
				b.WriteRune(r)
			case r > 0xffff:
				r -= 0x10000
				fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			default:
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
