package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"ferry/internal/distname"
	"ferry/internal/install"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

type freezeOptions struct {
	inspectOptions
	Requirements    []string
	All             bool
	ExcludeEditable bool
	Exclude         []string
}

func newCmdFreeze(f *Factory) *cobra.Command {
	return freezeCmd(f, freezeRun)
}

func freezeCmd(f *Factory, run func(context.Context, *Factory, *freezeOptions) error) *cobra.Command {
	opts := &freezeOptions{}
	cmd := &cobra.Command{
		Use:   "freeze [flags]",
		Short: "Print installed distributions in requirements format",
		Long: `Print the distributions installed in a Python environment in requirements
format, exactly as pip freeze does for the same environment.

The environment is chosen as for ferry list. Each distribution is one
line, sorted case-insensitively by name:

  Name==version                   installed from an index or a file name
  Name @ URL#sha256=...           installed from an archive URL or path
  Name @ git+URL@commit           installed from a VCS
  Name @ file:///dir              installed from a local directory
  # Editable install with no version control (Name==version)
  -e /path/to/project             an editable install
  -e git+URL@commit#egg=Name      an editable install in a git checkout

Like pip, an editable install in a git checkout is written as its
remote URL and commit (git is run in the project directory); other
version control systems are not recognized.

pip, setuptools, wheel and distribute are left out on interpreters
older than 3.12 (only pip from 3.12 on), as pip does; --all keeps them.
With -r FILE, FILE's lines come first in their order (comments and
index options once each, requirements replaced by the installed
distribution's line), then "## The following requirements were added by
pip freeze:" and the rest.`,
		Example: `  $ ferry freeze > requirements.txt
  $ ferry freeze -p .venv --all
  $ ferry freeze -r requirements.in --exclude-editable`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			return run(cmd.Context(), f, opts)
		},
	}
	opts.addFlags(cmd, true)
	fl := cmd.Flags()
	fl.StringArrayVarP(&opts.Requirements, "requirement", "r", nil, "use the order and comments of this requirements file (repeatable)")
	fl.BoolVar(&opts.All, "all", false, "do not leave out pip, setuptools, wheel and distribute")
	fl.BoolVar(&opts.ExcludeEditable, "exclude-editable", false, "leave out editable installs")
	fl.StringArrayVar(&opts.Exclude, "exclude", nil, "leave out this project (repeatable)")
	return cmd
}

// devNames are the projects pip freeze leaves out without --all: pip,
// and on interpreters older than 3.12 the build tools it used to install
// into every environment.
func devNames(major, minor int) []pkgname.Name {
	if major < 3 || major == 3 && minor < 12 {
		return []pkgname.Name{"pip", "setuptools", "distribute", "wheel"}
	}
	return []pkgname.Name{"pip"}
}

func freezeRun(ctx context.Context, f *Factory, opts *freezeOptions) error {
	in, err := inspectEnv(ctx, f, &opts.inspectOptions)
	if err != nil {
		return err
	}
	return freezePrint(ctx, f, in, opts)
}

// freezePrint writes pip freeze's output for an environment read
// already.
func freezePrint(ctx context.Context, f *Factory, in *inspected, opts *freezeOptions) error {
	var environ []string
	if f.Environ != nil {
		environ = f.Environ()
	}
	installed := map[pkgname.Name]install.Frozen{}
	var order []pkgname.Name
	for _, d := range in.dists(opts.Local, opts.User) {
		warnDists(f.IO.ErrOut, []*install.Installed{d})
		fr := install.Freeze(ctx, d, environ)
		for _, w := range fr.Warnings {
			fmt.Fprintf(f.IO.ErrOut, "WARNING: %s\n", w)
		}
		if opts.ExcludeEditable && fr.Editable {
			continue
		}
		installed[d.Name] = fr
		order = append(order, d.Name)
	}
	out := bufio.NewWriter(f.IO.Out)
	defer out.Flush()
	if len(opts.Requirements) > 0 {
		if err := freezeRequirements(f, opts.Requirements, installed, out); err != nil {
			return err
		}
	}
	skip := map[pkgname.Name]bool{}
	for _, n := range stdlibNames {
		skip[n] = true
	}
	if !opts.All {
		for _, n := range devNames(in.info.Version.Major, in.info.Version.Minor) {
			skip[n] = true
		}
	}
	for _, n := range opts.Exclude {
		skip[pkgname.Name(pkgname.Normalize(n))] = true
	}
	var rest []install.Frozen
	for _, n := range order {
		if fr, ok := installed[n]; ok {
			rest = append(rest, fr)
		}
	}
	sort.SliceStable(rest, func(i, j int) bool {
		return strings.ToLower(rest[i].Dist.RawName) < strings.ToLower(rest[j].Dist.RawName)
	})
	for _, fr := range rest {
		if skip[fr.Dist.Name] {
			continue
		}
		writeFrozen(out, fr)
	}
	return nil
}

func writeFrozen(w io.Writer, fr install.Frozen) {
	fmt.Fprintln(w, strings.TrimRightFunc(strings.Join(fr.Lines(), "\n"), isPyWhitespace))
}

// freezeOptionPrefixes are the requirements-file lines pip freeze -r
// copies as they are (once each), besides blank lines and comments.
var freezeOptionPrefixes = [...]string{
	"-r", "--requirement", "-f", "--find-links", "-i", "--index-url", "--pre",
	"--trusted-host", "--process-dependency-links", "--extra-index-url", "--use-feature",
}

// commentRE is pip's requirements-file comment: "#" at the start of the
// line or after white space, to the end of the line.
var commentRE = regexp.MustCompile(`(^|\s+)#.*$`)

// freezeRequirements writes the part of pip freeze -r output that follows
// the requirements files, deleting what it writes from installed. It
// works line by line as pip does, without the requirements-file parser:
// no line continuations, no includes followed. Like pip, it writes the
// note about a line whose project it cannot tell to stdout, among the
// requirements (pip logs it at INFO level, which goes to stdout).
func freezeRequirements(f *Factory, files []string, installed map[pkgname.Name]install.Frozen, w io.Writer) error {
	emitted := map[string]bool{}
	type seen struct {
		name  string
		files []string
	}
	var reqFiles []*seen
	find := func(name string) *seen {
		for _, s := range reqFiles {
			if s.name == name {
				return s
			}
		}
		s := &seen{name: name}
		reqFiles = append(reqFiles, s)
		return s
	}
	for _, file := range files {
		p := file
		if !filepath.IsAbs(p) {
			p = filepath.Join(f.Dir, p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("reading requirements file %s: %w", file, err)
		}
		text := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\r", "\n")
		for _, line := range strings.SplitAfter(text, "\n") {
			if line == "" {
				continue
			}
			stripped := strings.TrimFunc(line, isPyWhitespace)
			if stripped == "" || strings.HasPrefix(stripped, "#") || hasOptionPrefix(line) {
				l := strings.TrimRightFunc(line, isPyWhitespace)
				if !emitted[l] {
					emitted[l] = true
					fmt.Fprintln(w, l)
				}
				continue
			}
			var name, shown string
			var err error
			switch {
			case strings.HasPrefix(line, "-e") || strings.HasPrefix(line, "--editable"):
				if strings.HasPrefix(line, "-e") {
					line = strings.TrimFunc(line[2:], isPyWhitespace)
				} else {
					line = strings.TrimLeft(strings.TrimFunc(line[len("--editable"):], isPyWhitespace), "=")
				}
				shown = strings.TrimFunc(commentRE.ReplaceAllString(strings.TrimRight(line, "\n"), ""), isPyWhitespace)
				name, err = editableReqName(f.Dir, line)
			default:
				shown = strings.TrimFunc(commentRE.ReplaceAllString(strings.TrimRight(line, "\n"), ""), isPyWhitespace)
				name, err = lineReqName(f.Dir, shown)
			}
			if err != nil {
				return err
			}
			if name == "" {
				// pip logs this at INFO level, which its logging setup
				// sends to stdout, into the frozen requirements.
				fmt.Fprintf(w, "Skipping line in requirement file [%s] because it's not clear what it would install: %s\n", file, strings.TrimFunc(line, isPyWhitespace))
				fmt.Fprintln(w, "  (add #egg=PackageName to the URL to avoid this warning)")
				continue
			}
			s := find(name)
			canon := pkgname.Name(pkgname.Normalize(name))
			fr, ok := installed[canon]
			if !ok {
				if len(s.files) == 0 {
					fmt.Fprintf(f.IO.ErrOut, "WARNING: Requirement file [%s] contains %s, but package '%s' is not installed\n", file, shown, name)
				} else {
					s.files = append(s.files, file)
				}
				continue
			}
			writeFrozen(w, fr)
			delete(installed, canon)
			s.files = append(s.files, file)
		}
	}
	for _, s := range reqFiles {
		if len(s.files) > 1 {
			set := map[string]bool{}
			var uniq []string
			for _, x := range s.files {
				if !set[x] {
					set[x] = true
					uniq = append(uniq, x)
				}
			}
			sort.Strings(uniq)
			fmt.Fprintf(f.IO.ErrOut, "WARNING: Requirement %s included multiple times [%s]\n", s.name, strings.Join(uniq, ", "))
		}
	}
	fmt.Fprintln(w, "## The following requirements were added by pip freeze:")
	return nil
}

func hasOptionPrefix(line string) bool {
	for _, p := range freezeOptionPrefixes {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

var eggRE = regexp.MustCompile(`[#&]egg=([^&]*)`)

// eggFragment returns the "#egg=name" (or "&egg=name") fragment's value.
func eggFragment(s string) string {
	m := eggRE.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

// vcsSchemes are the VCS URL prefixes pip knows.
var vcsSchemes = [...]string{"git", "hg", "svn", "bzr"}

// isReqURL reports whether s is a URL as pip's is_url sees it.
func isReqURL(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "http", "https", "file", "ftp":
		return true
	}
	for _, v := range vcsSchemes {
		if scheme == v || strings.HasPrefix(scheme, v+"+") {
			return true
		}
	}
	return false
}

// editableReqName is the project name pip finds in an editable
// requirement: the #egg= fragment of a VCS URL or a local path ("" for a
// path without it).
func editableReqName(dir, s string) (string, error) {
	s = strings.TrimFunc(s, isPyWhitespace)
	noExtras := s
	if i := strings.LastIndex(s, "["); i > 0 && strings.HasSuffix(s, "]") {
		noExtras = s[:i]
	}
	p := noExtras
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return "", nil
	}
	if strings.HasPrefix(strings.ToLower(noExtras), "file:") {
		return eggFragment(noExtras), nil
	}
	lower := strings.ToLower(s)
	isVCS := false
	for _, v := range vcsSchemes {
		if strings.HasPrefix(lower, v+"+") || strings.HasPrefix(lower, v+":") {
			isVCS = true
		}
	}
	if !isVCS {
		return "", fmt.Errorf("%s is not a valid editable requirement. It should either be a path to a local project or a VCS URL (beginning with bzr+http, bzr+https, bzr+ssh, bzr+sftp, bzr+ftp, bzr+lp, bzr+file, git+http, git+https, git+ssh, git+git, git+file, hg+file, hg+http, hg+https, hg+ssh, hg+static-http, svn+ssh, svn+http, svn+https, svn+svn, svn+file)", s)
	}
	name := eggFragment(s)
	if name == "" {
		return "", fmt.Errorf("could not detect requirement name for '%s', please specify one with #egg=your_package_name", s)
	}
	return name, nil
}

// archiveExts are the file extensions pip treats as archives.
var archiveExts = [...]string{".whl", ".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma"}

func isArchiveName(s string) bool {
	lower := strings.ToLower(s)
	for _, e := range archiveExts {
		if strings.HasSuffix(lower, e) {
			return true
		}
	}
	return false
}

// lineReqName is the project name pip finds in a requirement line
// (comment removed): a wheel file's or URL's project, a URL's #egg=
// fragment, or a PEP 508 requirement's name. "" means pip cannot tell.
func lineReqName(dir, s string) (string, error) {
	sep := ";"
	if isReqURL(s) {
		sep = "; "
	}
	if i := strings.Index(s, sep); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimFunc(s, isPyWhitespace)
	link := ""
	if isReqURL(s) {
		link = s
	} else {
		looksLikePath := strings.Contains(s, "/") || strings.HasPrefix(s, ".")
		p := s
		if i := strings.LastIndex(p, "["); i > 0 && strings.HasSuffix(p, "]") {
			p = p[:i]
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		st, statErr := os.Stat(p)
		switch {
		case looksLikePath && statErr == nil && st.IsDir():
			return "", nil
		case !isArchiveName(p):
		case statErr == nil:
			link = (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
		default:
			if before, _, ok := strings.Cut(s, "@"); ok && !(strings.Contains(before, "/") || strings.HasPrefix(before, ".")) {
				break
			}
			link = (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
		}
	}
	if link != "" {
		base := link
		if i := strings.IndexAny(base, "#?"); i >= 0 {
			base = base[:i]
		}
		if strings.HasSuffix(strings.ToLower(base), ".whl") {
			file, _ := url.PathUnescape(path.Base(base))
			if _, err := distname.ParseWheel(file); err != nil {
				return "", fmt.Errorf("invalid wheel filename %s: %w", file, err)
			}
			name, _, _ := strings.Cut(file, "-")
			return strings.ReplaceAll(name, "_", "-"), nil
		}
		return eggFragment(link), nil
	}
	r, err := pep508.Parse(s)
	if err != nil {
		return "", fmt.Errorf("invalid requirement: '%s': %w", s, err)
	}
	return r.Name, nil
}
