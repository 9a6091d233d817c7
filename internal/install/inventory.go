package install

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"ferry/internal/coremeta"
	"ferry/internal/distinfo"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/record"
)

// Kind is how an installed distribution is recorded.
type Kind int

// The kinds of installed distributions.
const (
	// DistInfo is a PEP 376 ".dist-info" directory.
	DistInfo Kind = iota
	// EggInfo is a legacy setuptools ".egg-info" directory or file.
	EggInfo
	// EggLink is a legacy "setup.py develop" install: a ".egg-link" file
	// pointing at a project directory, and a line in easy-install.pth.
	EggLink
)

// String returns "dist-info", "egg-info" or "egg-link".
func (k Kind) String() string {
	switch k {
	case DistInfo:
		return "dist-info"
	case EggInfo:
		return "egg-info"
	case EggLink:
		return "egg-link"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Dist is one installed distribution.
type Dist struct {
	// Name is the normalized project name.
	Name pkgname.Name
	// Version is the version as recorded (the directory name or
	// metadata).
	Version string
	Kind    Kind
	// Path is the .dist-info or .egg-info directory (or file), or the
	// .egg-link file.
	Path string
	// Site is the site directory holding Path.
	Site string
	// Location is where an egg-link points (the project directory).
	Location string
}

// String returns "name==version".
func (d *Dist) String() string { return string(d.Name) + "==" + d.Version }

// metadataPath returns the file holding the distribution's metadata.
func (d *Dist) metadataPath() (string, error) {
	switch d.Kind {
	case DistInfo:
		return filepath.Join(d.Path, distinfo.MetadataFile), nil
	case EggInfo:
		if st, err := os.Stat(d.Path); err == nil && !st.IsDir() {
			return d.Path, nil
		}
		return filepath.Join(d.Path, "PKG-INFO"), nil
	case EggLink:
		egg, err := eggInfoIn(d.Location, d.Name)
		if err != nil {
			return "", err
		}
		return filepath.Join(egg, "PKG-INFO"), nil
	}
	return "", fmt.Errorf("%s: unknown kind", d.Path)
}

// Metadata reads and parses the distribution's METADATA or PKG-INFO.
func (d *Dist) Metadata() (coremeta.Metadata, error) {
	p, err := d.metadataPath()
	if err != nil {
		return coremeta.Metadata{}, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return coremeta.Metadata{}, fmt.Errorf("reading metadata of %s: %w", d, err)
	}
	m, err := coremeta.Parse(b)
	if err != nil {
		return coremeta.Metadata{}, fmt.Errorf("reading %s: %w", p, err)
	}
	return m, nil
}

// readInfoFile reads a file of the .dist-info or .egg-info directory; a
// missing file is (nil, nil).
func (d *Dist) readInfoFile(name string) ([]byte, error) {
	dir := d.Path
	if d.Kind == EggLink {
		egg, err := eggInfoIn(d.Location, d.Name)
		if err != nil {
			return nil, err
		}
		dir = egg
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) || isNotDir(err) {
		return nil, nil
	}
	return b, err
}

func isNotDir(err error) bool { return errors.Is(err, syscall.ENOTDIR) }

// Installer returns the tool named in INSTALLER ("" when absent).
func (d *Dist) Installer() string {
	b, _ := d.readInfoFile(distinfo.InstallerFile)
	return distinfo.ParseInstaller(b)
}

// Requested reports whether REQUESTED is present.
func (d *Dist) Requested() bool {
	if d.Kind != DistInfo {
		return false
	}
	_, err := os.Stat(filepath.Join(d.Path, distinfo.RequestedFile))
	return err == nil
}

// DirectURL returns direct_url.json, nil when absent.
func (d *Dist) DirectURL() (*distinfo.DirectURL, error) {
	if d.Kind != DistInfo {
		return nil, nil
	}
	b, err := d.readInfoFile(distinfo.DirectURLFile)
	if err != nil || b == nil {
		return nil, err
	}
	u, err := distinfo.ParseDirectURL(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(d.Path, distinfo.DirectURLFile), err)
	}
	return &u, nil
}

// EntryPoints returns entry_points.txt (empty when absent).
func (d *Dist) EntryPoints() (distinfo.EntryPoints, error) {
	b, err := d.readInfoFile(distinfo.EntryPointsFile)
	if err != nil || b == nil {
		return distinfo.EntryPoints{}, err
	}
	return distinfo.ParseEntryPoints(bytes.NewReader(b))
}

// Record returns the distribution's RECORD entries (dist-info only).
func (d *Dist) Record() ([]record.Entry, error) {
	if d.Kind != DistInfo {
		return nil, fmt.Errorf("%s has no RECORD (%s)", d, d.Kind)
	}
	f, err := os.Open(filepath.Join(d.Path, distinfo.RecordFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return record.Parse(f)
}

// Files returns the absolute, cleaned paths of the files the distribution
// installed, as its records say: RECORD for dist-info (relative to the
// site directory), installed-files.txt for egg-info (relative to the
// egg-info directory; without it, top_level.txt's packages and modules),
// and the .egg-link file for a develop install. The metadata directory's
// own files are included. Paths are not checked against any root here.
func (d *Dist) Files() ([]string, error) {
	var out []string
	add := func(base, rel string) {
		rel = filepath.FromSlash(rel)
		if filepath.IsAbs(rel) {
			// An absolute record (pip writes them for files installed
			// outside the prefix); the caller's root check refuses it.
			out = append(out, filepath.Clean(rel))
			return
		}
		out = append(out, filepath.Clean(filepath.Join(base, rel)))
	}
	switch d.Kind {
	case DistInfo:
		rec, err := d.Record()
		if err != nil {
			return nil, fmt.Errorf("reading RECORD of %s: %w", d, err)
		}
		for _, e := range rec {
			add(d.Site, e.Path)
		}
		out = append(out, listTree(d.Path)...)
	case EggInfo:
		st, err := os.Stat(d.Path)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, d.Path)
			break
		}
		if b, _ := os.ReadFile(filepath.Join(d.Path, "installed-files.txt")); b != nil {
			for _, line := range splitNonEmpty(b) {
				add(d.Path, line)
			}
		} else if b, _ := os.ReadFile(filepath.Join(d.Path, "top_level.txt")); b != nil {
			for _, top := range splitNonEmpty(b) {
				if strings.ContainsAny(top, `/\`) || top == ".." || top == "." {
					continue
				}
				out = append(out, listTree(filepath.Join(d.Site, top))...)
				for _, ext := range []string{".py", ".pyc"} {
					if p := filepath.Join(d.Site, top+ext); exists(p) {
						out = append(out, p)
					}
				}
			}
		}
		out = append(out, listTree(d.Path)...)
	case EggLink:
		out = append(out, d.Path)
	}
	sort.Strings(out)
	return dedupeSorted(out), nil
}

func splitNonEmpty(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func dedupeSorted(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// listTree returns every non-directory under dir (nothing if dir does not
// exist); symbolic links are not followed.
func listTree(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// Inventory is what is installed in a set of site directories.
type Inventory struct {
	dists  []*Dist
	byName map[pkgname.Name][]*Dist
}

// ReadInventory lists the distributions in the site directories (missing
// directories are empty). A name installed more than once (two versions
// left by a broken tool, or in both purelib and platlib) lists every copy.
func ReadInventory(sites ...string) (*Inventory, error) {
	inv := &Inventory{byName: map[pkgname.Name][]*Dist{}}
	seen := map[string]bool{}
	for _, site := range sites {
		real, err := filepath.EvalSymlinks(site)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("reading %s: %w", site, err)
		}
		if seen[real] {
			continue
		}
		seen[real] = true
		ents, err := os.ReadDir(site)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", site, err)
		}
		for _, e := range ents {
			if d := parseEntry(site, e); d != nil {
				inv.dists = append(inv.dists, d)
			}
		}
	}
	sort.SliceStable(inv.dists, func(i, j int) bool {
		a, b := inv.dists[i], inv.dists[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Path < b.Path
	})
	for _, d := range inv.dists {
		inv.byName[d.Name] = append(inv.byName[d.Name], d)
	}
	return inv, nil
}

// parseEntry recognizes a site directory entry as a distribution.
func parseEntry(site string, e fs.DirEntry) *Dist {
	name := e.Name()
	p := filepath.Join(site, name)
	switch {
	case strings.HasSuffix(name, ".dist-info") && e.IsDir():
		d := &Dist{Kind: DistInfo, Path: p, Site: site}
		if n, v, ok := splitNameVersion(strings.TrimSuffix(name, ".dist-info")); ok {
			d.Name, d.Version = n, v
			return d
		}
		return fromMetadata(d)
	case strings.HasSuffix(name, ".egg-info"):
		d := &Dist{Kind: EggInfo, Path: p, Site: site}
		stem := strings.TrimSuffix(name, ".egg-info")
		parts := strings.Split(stem, "-")
		if len(parts) >= 2 {
			if n, err := pkgname.Parse(parts[0]); err == nil {
				d.Name, d.Version = n, strings.ReplaceAll(parts[1], "_", "-")
				return d
			}
		}
		return fromMetadata(d)
	case strings.HasSuffix(name, ".egg-link") && !e.IsDir():
		n, err := pkgname.Parse(strings.TrimSuffix(name, ".egg-link"))
		if err != nil {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		lines := splitNonEmpty(b)
		if len(lines) == 0 {
			return nil
		}
		loc := lines[0]
		if !filepath.IsAbs(loc) {
			loc = filepath.Join(site, loc)
		}
		d := &Dist{Name: n, Kind: EggLink, Path: p, Site: site, Location: filepath.Clean(loc)}
		if m, err := d.Metadata(); err == nil {
			d.Version = m.Version
		}
		return d
	}
	return nil
}

// fromMetadata fills name and version from the metadata file, for
// directories whose names do not carry them.
func fromMetadata(d *Dist) *Dist {
	m, err := d.Metadata()
	if err != nil {
		return nil
	}
	n, err := pkgname.Parse(m.Name)
	if err != nil {
		return nil
	}
	d.Name, d.Version = n, m.Version
	return d
}

// splitNameVersion splits "{name}-{version}" at the first "-" after
// which a valid version follows.
func splitNameVersion(stem string) (pkgname.Name, string, bool) {
	for i := 0; i < len(stem); i++ {
		if stem[i] != '-' {
			continue
		}
		n, err := pkgname.Parse(stem[:i])
		if err != nil {
			continue
		}
		if _, err := pep440.Parse(stem[i+1:]); err == nil {
			return n, stem[i+1:], true
		}
	}
	return "", "", false
}

// eggInfoIn finds the .egg-info directory of a develop install's project.
func eggInfoIn(dir string, name pkgname.Name) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var found []string
	for _, e := range ents {
		if e.IsDir() && strings.HasSuffix(e.Name(), ".egg-info") {
			found = append(found, e.Name())
			stem := strings.SplitN(strings.TrimSuffix(e.Name(), ".egg-info"), "-", 2)[0]
			if pkgname.Normalize(stem) == string(name) {
				return filepath.Join(dir, e.Name()), nil
			}
		}
	}
	if len(found) == 1 {
		return filepath.Join(dir, found[0]), nil
	}
	return "", fmt.Errorf("no .egg-info directory for %s in %s", name, dir)
}

// All returns every distribution, sorted by name.
func (inv *Inventory) All() []*Dist { return inv.dists }

// Get returns the first installed copy of name.
func (inv *Inventory) Get(name pkgname.Name) (*Dist, bool) {
	ds := inv.byName[name]
	if len(ds) == 0 {
		return nil, false
	}
	return ds[0], true
}

// Lookup returns every installed copy of name.
func (inv *Inventory) Lookup(name pkgname.Name) []*Dist { return inv.byName[name] }
