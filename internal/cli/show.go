package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"ferry/internal/install"
	"ferry/internal/pkgname"
)

type showOptions struct {
	inspectOptions
	Names   []string
	Files   bool
	Verbose int
	JSON    bool
}

func newCmdShow(f *Factory) *cobra.Command {
	return showCmd(f, showRun)
}

func showCmd(f *Factory, run func(context.Context, *Factory, *showOptions) error) *cobra.Command {
	opts := &showOptions{}
	cmd := &cobra.Command{
		Use:   "show [flags] NAME...",
		Short: "Show information about installed distributions",
		Long: `Show information about installed distributions, as pip show does.

The environment is chosen as for ferry list. For each name, in the order
given, the fields are printed as pip prints them: Name, Version, Summary,
Home-page (else a "homepage" Project-URL), Author, Author-email, License
(License-Expression instead for metadata 2.4 and later), Location,
Editable project location (for editable installs), Requires and
Required-by (the distributions whose requirements, with markers evaluated
for the interpreter, name it). -v adds Metadata-Version, Installer,
Classifiers, Entry-points and Project-URLs; -f/--files adds the files
RECORD (or installed-files.txt) lists. Distributions are separated by a
"---" line. Names that are not installed are reported on stderr
("WARNING: Package(s) not found: ..."); the exit status is 1 when none
was found.

--json prints {"packages": [...], "not_found": [...]} instead; each
package has "name", "version", "summary", "home_page", "author",
"author_email", "license", "license_expression", "location",
"editable_project_location" (null unless editable), "requires",
"required_by", "metadata_version", "installer", "classifiers",
"entry_points", "project_urls", and with --files "files" (null when
the distribution records none).`,
		Example: `  $ ferry show requests
  $ ferry show -p .venv -f pip setuptools
  $ ferry show --json -v urllib3`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			if err := opts.check(); err != nil {
				return err
			}
			return run(cmd.Context(), f, opts)
		},
	}
	opts.addFlags(cmd, false)
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Files, "files", "f", false, "list the installed files")
	fl.CountVarP(&opts.Verbose, "verbose", "v", "add metadata version, installer, classifiers, entry points and project URLs")
	fl.BoolVar(&opts.JSON, "json", false, "print the information as JSON on stdout")
	return cmd
}

// showPackage is one distribution of ferry show: the schema of --json.
type showPackage struct {
	Name              string   `json:"name"`
	Version           string   `json:"version"`
	Summary           string   `json:"summary"`
	HomePage          string   `json:"home_page"`
	Author            string   `json:"author"`
	AuthorEmail       string   `json:"author_email"`
	License           string   `json:"license"`
	LicenseExpression string   `json:"license_expression"`
	Location          string   `json:"location"`
	Editable          *string  `json:"editable_project_location"`
	Requires          []string `json:"requires"`
	RequiredBy        []string `json:"required_by"`
	MetadataVersion   string   `json:"metadata_version"`
	Installer         string   `json:"installer"`
	Classifiers       []string `json:"classifiers"`
	EntryPoints       []string `json:"entry_points"`
	ProjectURLs       []string `json:"project_urls"`
	// Files is set with --files: a *[]string, nil (null) when the
	// distribution records no files.
	Files any `json:"files,omitempty"`
	// files is what Files holds, for the text output.
	files *[]string
}

type showJSON struct {
	Packages []showPackage `json:"packages"`
	NotFound []string      `json:"not_found"`
}

func showRun(ctx context.Context, f *Factory, opts *showOptions) error {
	in, err := inspectEnv(ctx, f, &opts.inspectOptions)
	if err != nil {
		return err
	}
	return showPrint(f, in, opts)
}

// showPrint describes the named distributions of an environment read
// already.
func showPrint(f *Factory, in *inspected, opts *showOptions) error {
	all := in.dists(false, opts.User)
	byName := map[pkgname.Name]*install.Installed{}
	for _, d := range all {
		byName[d.Name] = d
	}
	var missing []string
	for _, n := range opts.Names {
		if byName[pkgname.Name(pkgname.Normalize(n))] == nil {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		fmt.Fprintf(f.IO.ErrOut, "WARNING: Package(s) not found: %s\n", strings.Join(missing, ", "))
	}
	requiredBy, rbErr := requiringNames(in, all)
	var pkgs []showPackage
	for _, n := range opts.Names {
		d := byName[pkgname.Name(pkgname.Normalize(n))]
		if d == nil {
			continue
		}
		p := describe(in, d)
		p.RequiredBy = requiredBy[d.Name]
		if rbErr {
			p.RequiredBy = []string{"#N/A"}
		}
		if p.RequiredBy == nil {
			p.RequiredBy = []string{}
		}
		if opts.Files {
			if files, ok := d.DeclaredFiles(); ok {
				if files == nil {
					files = []string{}
				}
				p.files = &files
			}
			p.Files = p.files
		}
		pkgs = append(pkgs, p)
	}
	if opts.JSON {
		out := showJSON{Packages: nonNilPkgs(pkgs), NotFound: nonNil(missing)}
		if err := writeJSON(f.IO.Out, out); err != nil {
			return err
		}
	} else {
		writeShow(f.IO.Out, pkgs, opts)
	}
	if len(pkgs) == 0 {
		return errSilent
	}
	return nil
}

func nonNilPkgs(p []showPackage) []showPackage {
	if p == nil {
		return []showPackage{}
	}
	return p
}

// describe gathers the fields pip show prints for d (all but
// Required-by and the files).
func describe(in *inspected, d *install.Installed) showPackage {
	m := d.Meta
	p := showPackage{
		Name:              d.RawName,
		Version:           d.RawVersion,
		Summary:           m.Value("Summary"),
		HomePage:          m.Value("Home-page"),
		Author:            m.Value("Author"),
		AuthorEmail:       m.Value("Author-email"),
		License:           m.Value("License"),
		LicenseExpression: m.Value("License-Expression"),
		Location:          d.Location,
		MetadataVersion:   m.Value("Metadata-Version"),
		Installer:         d.InstallerName(),
		Classifiers:       nonNil(m.All("Classifier")),
		ProjectURLs:       nonNil(m.All("Project-URL")),
		EntryPoints:       []string{},
	}
	if d.Editable != "" {
		e := d.Editable
		p.Editable = &e
	}
	if p.HomePage == "" {
		for _, u := range p.ProjectURLs {
			label, target, ok := strings.Cut(u, ",")
			if ok && projectURLLabel(label) == "homepage" {
				p.HomePage = strings.TrimFunc(target, isPyWhitespace)
				break
			}
		}
	}
	if b, err := d.ReadInfoFile("entry_points.txt"); err == nil {
		p.EntryPoints = splitLinesPy(string(b))
	}
	deps, err := d.Dependencies(in.markers)
	if err != nil {
		raw := nonNil(d.Meta.All("Requires-Dist"))
		sortLower(raw)
		p.Requires = raw
	} else {
		seen := map[string]bool{}
		p.Requires = []string{}
		for _, r := range deps {
			if !seen[r.Name] {
				seen[r.Name] = true
				p.Requires = append(p.Requires, r.Name)
			}
		}
		sortLower(p.Requires)
	}
	return p
}

// requiringNames maps each distribution to the names of those requiring
// it (their metadata Name, "UNKNOWN" when empty), sorted as pip sorts
// them. failed is set when some distribution's requirements do not
// parse, where pip shows "#N/A".
func requiringNames(in *inspected, all []*install.Installed) (map[pkgname.Name][]string, bool) {
	out := map[pkgname.Name][]string{}
	failed := false
	for _, d := range all {
		deps, err := d.Dependencies(in.markers)
		if err != nil {
			failed = true
			continue
		}
		name := d.Meta.Value("Name")
		if name == "" {
			name = "UNKNOWN"
		}
		done := map[pkgname.Name]bool{}
		for _, r := range deps {
			if !done[r.Normalized] {
				done[r.Normalized] = true
				out[r.Normalized] = append(out[r.Normalized], name)
			}
		}
	}
	for _, names := range out {
		sortLower(names)
	}
	return out, failed
}

// sortLower sorts as Python's sorted(key=str.lower) does (stable).
func sortLower(s []string) {
	sort.SliceStable(s, func(i, j int) bool { return strings.ToLower(s[i]) < strings.ToLower(s[j]) })
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// projectURLLabel normalizes a Project-URL label as PEP 753 (and pip)
// do: punctuation and white space removed, lower-cased.
func projectURLLabel(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && (unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// splitLinesPy splits as Python's str.splitlines.
func splitLinesPy(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexFunc(s, isLineBreak)
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		r := []rune(s[i:])[0]
		n := len(string(r))
		if r == '\r' && strings.HasPrefix(s[i:], "\r\n") {
			n = 2
		}
		s = s[i+n:]
	}
	return out
}

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// metadataVersionAtLeast24 compares Metadata-Version with 2.4 as pip
// does (a tuple of integers; anything else counts as older).
func metadataVersionAtLeast24(v string) bool {
	var nums []int
	for _, p := range strings.Split(v, ".") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return false
		}
		nums = append(nums, n)
	}
	want := []int{2, 4}
	for i := 0; i < len(nums) && i < len(want); i++ {
		if nums[i] != want[i] {
			return nums[i] > want[i]
		}
	}
	return len(nums) >= len(want)
}

// writeShow prints the distributions as pip show does.
func writeShow(w io.Writer, pkgs []showPackage, opts *showOptions) {
	for i, p := range pkgs {
		if i > 0 {
			fmt.Fprintln(w, "---")
		}
		fmt.Fprintf(w, "Name: %s\n", p.Name)
		fmt.Fprintf(w, "Version: %s\n", p.Version)
		fmt.Fprintf(w, "Summary: %s\n", p.Summary)
		fmt.Fprintf(w, "Home-page: %s\n", p.HomePage)
		fmt.Fprintf(w, "Author: %s\n", p.Author)
		fmt.Fprintf(w, "Author-email: %s\n", p.AuthorEmail)
		if metadataVersionAtLeast24(p.MetadataVersion) && p.LicenseExpression != "" {
			fmt.Fprintf(w, "License-Expression: %s\n", p.LicenseExpression)
		} else {
			fmt.Fprintf(w, "License: %s\n", p.License)
		}
		fmt.Fprintf(w, "Location: %s\n", p.Location)
		if p.Editable != nil {
			fmt.Fprintf(w, "Editable project location: %s\n", *p.Editable)
		}
		fmt.Fprintf(w, "Requires: %s\n", strings.Join(p.Requires, ", "))
		fmt.Fprintf(w, "Required-by: %s\n", strings.Join(p.RequiredBy, ", "))
		if opts.Verbose > 0 {
			fmt.Fprintf(w, "Metadata-Version: %s\n", p.MetadataVersion)
			fmt.Fprintf(w, "Installer: %s\n", p.Installer)
			fmt.Fprintln(w, "Classifiers:")
			for _, c := range p.Classifiers {
				fmt.Fprintf(w, "  %s\n", c)
			}
			fmt.Fprintln(w, "Entry-points:")
			for _, e := range p.EntryPoints {
				fmt.Fprintf(w, "  %s\n", strings.TrimFunc(e, isPyWhitespace))
			}
			fmt.Fprintln(w, "Project-URLs:")
			for _, u := range p.ProjectURLs {
				fmt.Fprintf(w, "  %s\n", u)
			}
		}
		if opts.Files {
			fmt.Fprintln(w, "Files:")
			if p.files == nil {
				fmt.Fprintln(w, "Cannot locate RECORD or installed-files.txt")
			} else {
				for _, l := range *p.files {
					fmt.Fprintf(w, "  %s\n", strings.TrimFunc(l, isPyWhitespace))
				}
			}
		}
	}
}
