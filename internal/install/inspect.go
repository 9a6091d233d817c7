package install

// This file reads an environment the way pip's inspection commands (pip
// list, freeze, show and check) see it, so that ferry's commands of the
// same names can print what pip prints. pip's view differs from the
// inventory an install works on in a few ways that show in its output:
//
//   - It walks a search path (the interpreter's sys.path, or --path
//     directories) and keeps the first distribution of each normalized
//     name; in each directory .dist-info and .egg-info entries come before
//     the .egg-link files of "setup.py develop" installs.
//   - Names, versions and the other fields it prints are the metadata's
//     header values as Python's email parser returns them (compat32:
//     leading blanks of the first line dropped, continuation lines kept
//     verbatim), not the unfolded values of the core metadata
//     specification. Headers reads them that way.
//   - The version it compares and freezes is the .dist-info directory
//     name's version (else the metadata's), normalized (PEP 440); the
//     metadata's own spelling is shown by pip show and list's columns.
//   - A distribution is editable when its direct_url.json says dir_info
//     editable with a file: URL (PEP 660), or, without direct_url.json,
//     when an .egg-link of its name lies in a directory of the search
//     path.
//
// Everything here only reads; nothing takes the environment's lock.

import (
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"ferry/internal/distinfo"
	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// Header is one metadata header field as Python's email parser reads it.
type Header struct {
	Name, Value string
}

// Headers are the header fields of a METADATA or PKG-INFO file in file
// order.
type Headers []Header

// ParseHeaders reads the header block of METADATA or PKG-INFO content as
// Python's email.message_from_string (the compat32 policy) does, which is
// what importlib.metadata and so pip use: lines end at CRLF, CR or LF; a
// header line is "Name:" with Name made of printable ASCII other than
// ":" (possibly empty, which is ignored); a line starting with a space or
// tab continues the previous header; the first line that is neither ends
// the headers (an empty line is consumed, anything else starts the body).
// A value is the rest of its first line with leading spaces and tabs
// removed, followed by its continuation lines verbatim (line breaks
// included), with trailing CR and LF removed. A "From " line is an mbox
// envelope and skipped. ParseHeaders never fails.
func ParseHeaders(data []byte) Headers {
	var hs Headers
	var cur []string // the current header's lines, with their line breaks
	flush := func() {
		if len(cur) == 0 {
			return
		}
		name, value, _ := strings.Cut(cur[0], ":")
		value = strings.TrimLeft(value, " \t") + strings.Join(cur[1:], "")
		hs = append(hs, Header{Name: name, Value: strings.TrimRight(value, "\r\n")})
		cur = nil
	}
	s := string(data)
	for n := 0; s != ""; n++ {
		line, rest := cutLine(s)
		s = rest
		if !isHeaderLine(line) {
			break
		}
		switch {
		case line[0] == ' ' || line[0] == '\t':
			if len(cur) > 0 {
				cur = append(cur, line)
			}
			continue
		case strings.HasPrefix(line, "From "):
			flush()
			continue
		}
		flush()
		if line[0] == ':' {
			continue
		}
		cur = []string{line}
	}
	flush()
	return hs
}

// cutLine splits s after its first line break (CRLF, CR or LF), keeping
// the break with the line.
func cutLine(s string) (line, rest string) {
	i := strings.IndexAny(s, "\r\n")
	if i < 0 {
		return s, ""
	}
	if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
		i++
	}
	return s[:i+1], s[i+1:]
}

// isHeaderLine is the email parser's test for a line of the header block:
// "From ", a run of printable ASCII other than ":" followed by ":", or a
// leading space or tab.
func isHeaderLine(line string) bool {
	if strings.HasPrefix(line, "From ") {
		return true
	}
	if line != "" && (line[0] == ' ' || line[0] == '\t') {
		return true
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == ':' {
			return true
		}
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return false
}

// Redent re-indents a header value that spans lines as
// importlib.metadata does: textwrap.dedent of the value behind eight
// spaces (lines of blanks emptied, the longest run of spaces and tabs
// common to the other lines removed). A one-line value is unchanged.
func Redent(v string) string {
	if !strings.Contains(v, "\n") {
		return v
	}
	lines := strings.Split("        "+v, "\n")
	margin, first := "", true
	for i, l := range lines {
		if strings.Trim(l, " \t") == "" {
			lines[i] = ""
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		switch {
		case first:
			margin, first = indent, false
		case strings.HasPrefix(indent, margin):
		case strings.HasPrefix(margin, indent):
			margin = indent
		default:
			n := 0
			for n < len(margin) && n < len(indent) && margin[n] == indent[n] {
				n++
			}
			margin = margin[:n]
		}
	}
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, margin)
	}
	return strings.Join(lines, "\n")
}

// Get returns the first value of the named header (any case).
func (h Headers) Get(name string) (string, bool) {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// Value returns the first value of the named header, "" when absent.
func (h Headers) Value(name string) string {
	v, _ := h.Get(name)
	return v
}

// All returns every value of the named header (any case), in file order.
func (h Headers) All(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Installed is one distribution as pip's inspection commands see it.
type Installed struct {
	*Dist
	// Location is where the metadata directory lies, pip's
	// dist.location: the site directory, or the project directory for a
	// develop (.egg-link) install.
	Location string
	// Meta are the metadata's headers (empty when the metadata file is
	// missing).
	Meta Headers
	// RawName is the metadata's Name (the normalized name when absent).
	RawName string
	// RawVersion is the metadata's Version as written.
	RawVersion string
	// Version is the version pip compares and freezes: the .dist-info
	// directory name's version, else RawVersion, normalized when it is a
	// valid PEP 440 version (VersionValid), as written otherwise.
	Version      string
	VersionValid bool
	// Parsed is Version parsed (the zero Version when not valid).
	Parsed pep440.Version
	// Editable is the editable project location, "" for a distribution
	// that is not installed in editable mode.
	Editable string
	// DirectURL is direct_url.json (PEP 610), nil when absent or invalid.
	DirectURL *distinfo.DirectURL
	// Warnings are problems pip warns about while reading the
	// distribution (an invalid direct_url.json).
	Warnings []string
}

// infoDir is the directory holding the distribution's metadata files, ""
// for a distutils .egg-info file.
func (d *Installed) infoDir() string {
	switch d.Kind {
	case DistInfo:
		return d.Path
	case EggInfo:
		if st, err := os.Stat(d.Path); err == nil && st.IsDir() {
			return d.Path
		}
		return ""
	case EggLink:
		if egg, err := eggInfoIn(d.Dist.Location, d.Name); err == nil {
			return egg
		}
	}
	return ""
}

// InfoDir returns the .dist-info or .egg-info directory ("" for a
// distutils .egg-info file or a develop install whose .egg-info is gone).
func (d *Installed) InfoDir() string { return d.infoDir() }

// ReadInfoFile reads a file of the metadata directory; a missing file is
// fs.ErrNotExist.
func (d *Installed) ReadInfoFile(name string) ([]byte, error) {
	dir := d.infoDir()
	if dir == "" {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if isNotDir(err) {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	return b, err
}

// InstallerName returns the first non-blank line of INSTALLER, trimmed
// (pip's dist.installer).
func (d *Installed) InstallerName() string {
	b, err := d.ReadInfoFile(distinfo.InstallerFile)
	if err != nil {
		return ""
	}
	for _, l := range pySplitLines(string(b)) {
		if t := pyStrip(l); t != "" {
			return t
		}
	}
	return ""
}

// RequiresDist returns the requirement strings pip reads for the
// distribution: the Requires-Dist values, or when there are none, the
// legacy requires.txt turned into requirements with markers.
func (d *Installed) RequiresDist() []string {
	if rs := d.Meta.All("Requires-Dist"); len(rs) > 0 {
		return rs
	}
	b, err := d.ReadInfoFile("requires.txt")
	if err != nil {
		return nil
	}
	return RequiresTxt(b)
}

// RequiresTxt turns a setuptools requires.txt into requirement strings
// as pip does: entries under "[extra]", "[:marker]" or "[extra:marker]"
// sections get the marker `extra == "name"` (the extra normalized),
// the section's marker, or `(marker) and extra == "name"`.
func RequiresTxt(b []byte) []string {
	var out []string
	extra, marker := "", ""
	for _, line := range pySplitLines(string(b)) {
		line = pyStrip(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			extra, marker, _ = strings.Cut(strings.Trim(line, "[]"), ":")
			extra = pkgname.Normalize(extra)
			continue
		}
		m := ""
		switch {
		case extra != "" && marker != "":
			m = fmt.Sprintf("(%s) and extra == %q", marker, extra)
		case extra != "":
			m = fmt.Sprintf("extra == %q", extra)
		default:
			m = marker
		}
		if m != "" {
			line += " ; " + m
		}
		out = append(out, line)
	}
	return out
}

// RequirementError is a Requires-Dist value that is not a valid
// requirement.
type RequirementError struct {
	Dist string
	Text string
	Err  error
}

func (e *RequirementError) Error() string {
	return fmt.Sprintf("%s: invalid requirement %q: %v", e.Dist, e.Text, e.Err)
}

func (e *RequirementError) Unwrap() error { return e.Err }

// Dependencies returns the distribution's requirements whose markers hold
// in env with no extra requested (pip's iter_dependencies()). The first
// invalid requirement is a *RequirementError.
func (d *Installed) Dependencies(env pep508.Env) ([]pep508.Requirement, error) {
	env = env.WithExtra("")
	var out []pep508.Requirement
	for _, s := range d.RequiresDist() {
		r, err := pep508.Parse(pyStrip(s))
		if err != nil {
			return nil, &RequirementError{Dist: d.RawName, Text: s, Err: err}
		}
		if r.Marker.IsTrue() || r.Marker.Evaluate(env) {
			out = append(out, r)
		}
	}
	return out, nil
}

// DeclaredFiles returns the files the distribution's records declare, as
// pip show --files lists them: RECORD's paths, else installed-files.txt's
// made relative to Location, each normalized as pathlib does, sorted.
// ok is false when neither file exists.
func (d *Installed) DeclaredFiles() (files []string, ok bool) {
	if b, err := d.ReadInfoFile(distinfo.RecordFile); err == nil {
		for _, row := range recordPaths(b) {
			files = append(files, purePath(row))
		}
		sort.Strings(files)
		return files, true
	}
	b, err := d.ReadInfoFile("installed-files.txt")
	if err != nil {
		return nil, false
	}
	info := d.infoDir()
	rel, rerr := filepath.Rel(d.Location, info)
	var infoParts []string
	if rerr == nil && !strings.HasPrefix(rel, "..") && rel != "." {
		infoParts = strings.Split(filepath.ToSlash(rel), "/")
	}
	for _, l := range pySplitLines(string(b)) {
		if l == "" {
			continue
		}
		if infoParts == nil {
			files = append(files, l)
			continue
		}
		files = append(files, legacyEntry(strings.Split(purePath(l), "/"), infoParts))
	}
	sort.Strings(files)
	return files, true
}

// legacyEntry rebases an installed-files.txt entry (relative to the
// .egg-info directory) onto the site directory, without resolving
// anything: each leading ".." removes a part of info.
func legacyEntry(entry, info []string) string {
	info = append([]string(nil), info...)
	for len(entry) > 0 && entry[0] == ".." {
		if len(info) == 0 || info[len(info)-1] == ".." {
			info = append(info, "..")
		} else {
			info = info[:len(info)-1]
		}
		entry = entry[1:]
	}
	return purePath(strings.Join(append(info, entry...), "/"))
}

// recordPaths returns the first field of each RECORD row (Python's csv
// reader: double quotes quote, "" is a quote inside them).
func recordPaths(b []byte) []string {
	var out []string
	for _, line := range pySplitLines(string(b)) {
		if line == "" {
			continue
		}
		var f strings.Builder
		quoted := false
		for i := 0; i < len(line); i++ {
			c := line[i]
			switch {
			case quoted && c == '"' && i+1 < len(line) && line[i+1] == '"':
				f.WriteByte('"')
				i++
			case c == '"' && (quoted || f.Len() == 0):
				quoted = !quoted
			case c == ',' && !quoted:
				i = len(line)
			default:
				f.WriteByte(c)
			}
		}
		out = append(out, f.String())
	}
	return out
}

// purePath normalizes a POSIX path as str(pathlib.PurePosixPath(p))
// does: repeated slashes and "." parts are dropped (".." is kept), a
// trailing slash removed, and "" becomes ".". Exactly two leading slashes
// are kept.
func purePath(p string) string {
	if p == "" {
		return "."
	}
	lead := ""
	switch {
	case strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///"):
		lead = "//"
	case strings.HasPrefix(p, "/"):
		lead = "/"
	}
	var parts []string
	for _, part := range strings.Split(p, "/") {
		if part != "" && part != "." {
			parts = append(parts, part)
		}
	}
	out := lead + strings.Join(parts, "/")
	if out == "" {
		return "."
	}
	return out
}

// Environment is the distributions found along a search path, the first
// of each normalized name, in the order found.
type Environment struct {
	Dists  []*Installed
	byName map[pkgname.Name]*Installed
}

// Get returns the distribution of the normalized name, nil if none.
func (e *Environment) Get(n pkgname.Name) *Installed { return e.byName[n] }

// ScanOptions tune ScanEnvironment.
type ScanOptions struct {
	// EggLinkPath is where .egg-link files are looked for to decide
	// whether a distribution without direct_url.json is editable (pip
	// walks sys.path even when listing --path directories).
	EggLinkPath []string
	// Importlib reads metadata as importlib.metadata (Python 3.10 and
	// later) presents it, which pip uses on Python 3.11 and later: a
	// value spanning lines is re-indented (textwrap.dedent of the value
	// behind eight spaces). Without it values are as the email parser
	// returns them (pip's pkg_resources backend on older Pythons).
	Importlib bool
}

// ScanEnvironment lists the distributions in the directories of path,
// as pip's default environment does (see the comment at the top of this
// file). Entries of path that are not directories (zip files) are
// skipped.
func ScanEnvironment(path []string, opts ScanOptions) (*Environment, error) {
	env := &Environment{byName: map[pkgname.Name]*Installed{}}
	for _, dir := range path {
		if dir == "" {
			continue
		}
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			continue
		}
		inv, err := ReadInventory(dir)
		if err != nil {
			return nil, err
		}
		var links []*Dist
		add := func(d *Dist) {
			if env.byName[d.Name] != nil {
				return
			}
			in := newInstalled(d, opts)
			if in == nil {
				return
			}
			env.byName[d.Name] = in
			env.Dists = append(env.Dists, in)
		}
		for _, d := range inv.All() {
			if d.Kind == EggLink {
				links = append(links, d)
				continue
			}
			add(d)
		}
		for _, d := range links {
			add(d)
		}
	}
	return env, nil
}

// newInstalled reads what pip prints about d; nil when d is a develop
// install whose project directory holds no .egg-info.
func newInstalled(d *Dist, opts ScanOptions) *Installed {
	in := &Installed{Dist: d, Location: d.Site}
	if d.Kind == EggLink {
		in.Location = d.linkTarget()
		if in.infoDir() == "" {
			return nil
		}
	}
	if b := in.readMetadata(); b != nil {
		in.Meta = ParseHeaders(b)
		if opts.Importlib {
			for i := range in.Meta {
				in.Meta[i].Value = Redent(in.Meta[i].Value)
			}
		}
	}
	in.RawName = string(d.Name)
	if v, ok := in.Meta.Get("Name"); ok {
		in.RawName = v
	}
	in.RawVersion = in.Meta.Value("Version")
	in.Version = in.RawVersion
	if d.Kind == DistInfo {
		stem := strings.TrimSuffix(filepath.Base(d.Path), ".dist-info")
		if _, v, ok := strings.Cut(stem, "-"); ok {
			in.Version = v
		}
	}
	if v, err := pep440.Parse(in.Version); err == nil {
		in.Version, in.Parsed, in.VersionValid = v.String(), v, true
	}
	in.Editable = in.editableLocation(opts.EggLinkPath)
	return in
}

// linkTarget is the project directory a develop install's .egg-link
// names, joined to the site directory as pathlib does (".." is kept).
func (d *Dist) linkTarget() string {
	b, err := os.ReadFile(d.Path)
	if err != nil {
		return d.Location
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l = pyStrip(l); l != "" {
			if strings.HasPrefix(l, "/") {
				return purePath(l)
			}
			return purePath(d.Site + "/" + l)
		}
	}
	return d.Location
}

// readMetadata returns METADATA, else PKG-INFO, else a distutils
// .egg-info file's content (nil when none can be read).
func (d *Installed) readMetadata() []byte {
	if dir := d.infoDir(); dir != "" {
		for _, name := range []string{distinfo.MetadataFile, "PKG-INFO"} {
			if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
				return b
			}
		}
		return nil
	}
	if d.Kind == EggInfo {
		if b, err := os.ReadFile(d.Path); err == nil {
			return b
		}
	}
	return nil
}

// editableLocation implements pip's editable_project_location.
func (d *Installed) editableLocation(eggLinkPath []string) string {
	b, err := d.ReadInfoFile(distinfo.DirectURLFile)
	if err == nil {
		u, perr := distinfo.ParseDirectURL(b)
		if perr == nil {
			d.DirectURL = &u
			if u.DirInfo != nil && u.DirInfo.Editable {
				p, uerr := FileURLPath(u.URL)
				if uerr != nil {
					d.Warnings = append(d.Warnings, fmt.Sprintf("%s: %v", d.RawName, uerr))
					return ""
				}
				return p
			}
			return ""
		}
		d.Warnings = append(d.Warnings, fmt.Sprintf("Error parsing %s for %s: %v", distinfo.DirectURLFile, d.Name, perr))
	}
	names := []string{eggLinkSafeName(d.RawName) + ".egg-link", d.RawName + ".egg-link"}
	for _, dir := range eggLinkPath {
		for _, n := range names {
			if st, err := os.Stat(filepath.Join(dir, n)); err == nil && st.Mode().IsRegular() {
				return d.Location
			}
		}
	}
	return ""
}

// eggLinkSafeName replaces each run of characters other than ASCII
// letters, digits and "." with "-" (pkg_resources.safe_name, which names
// .egg-link files).
func eggLinkSafeName(s string) string {
	var b strings.Builder
	run := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			b.WriteByte(c)
			run = false
			continue
		}
		if !run {
			b.WriteByte('-')
		}
		run = true
	}
	return b.String()
}

// FileURLPath turns a file: URL into a local path as pip's url_to_path
// does on POSIX: the host must be empty or "localhost", and the path is
// percent-decoded.
func FileURLPath(raw string) (string, error) {
	if !strings.HasPrefix(raw, "file:") {
		return "", fmt.Errorf("%q is not a file: URL", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("parsing %q: %w", raw, err)
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("non-local file URIs are not supported on this platform: %q", raw)
	}
	p := u.Path
	if u.Opaque != "" {
		if p, err = url.PathUnescape(u.Opaque); err != nil {
			return "", fmt.Errorf("parsing %q: %w", raw, err)
		}
	}
	return p, nil
}

// pySplitLines splits s as Python's str.splitlines does (without the
// line ends): at \n, \r, \r\n, \v, \f, \x1c, \x1d, \x1e, U+0085, U+2028
// and U+2029. A final line end does not start another line.
func pySplitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		n := 0
		switch r {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			n = size
		case '\r':
			n = 1
			if i+1 < len(s) && s[i+1] == '\n' {
				n = 2
			}
		}
		if n == 0 {
			i += size
			continue
		}
		out = append(out, s[start:i])
		i += n
		start = i
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// pyStrip removes leading and trailing whitespace as Python's str.strip()
// does for the ASCII whitespace characters and the Unicode spaces Go and
// Python agree on.
func pyStrip(s string) string {
	return strings.TrimFunc(s, isPySpace)
}

func isPySpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0, 0x1680,
		0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}
