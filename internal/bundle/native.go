package bundle

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"ferry/internal/archive"
	"ferry/internal/coremeta"
	"ferry/internal/deb"
	"ferry/internal/pep440"
	"ferry/internal/rpm"
)

// PackageOptions describe a .deb or .rpm of a release.
type PackageOptions struct {
	// Maintainer is "Name <email>": the .deb's Maintainer and the .rpm's
	// Packager. "" takes the metadata's maintainer, else its author (a
	// .deb needs one).
	Maintainer string
	// Vendor is the .rpm's Vendor; "" takes the metadata's author (as
	// bdist_rpm does).
	Vendor string
	// Release is the packaging revision; "" means "1".
	Release string
	// Arch is the architecture; "" means all (deb) or noarch (rpm), or
	// for a release with native code the one Machine maps to.
	Arch string
	// Machine is the target's machine as uname spells it ("x86_64").
	Machine string
	// PythonVersion is the target's "3.12": a release with native code
	// depends on exactly that minor version.
	PythonVersion string
	// Interpreter is the launcher's "#!" line; "" means /usr/bin/python3,
	// the system interpreter the package depends on.
	Interpreter string
	// Mtime stamps every file and is the build time (SOURCE_DATE_EPOCH).
	Mtime time.Time
}

// SystemPython is the interpreter packages run their launcher with.
const SystemPython = "/usr/bin/python3"

// InstallDir is where a package installs the release: /opt/<name>.
func (r *Release) InstallDir() string { return "/opt/" + r.Manifest.Name }

// packageFiles returns the release under opt/<name>/ and the /usr/bin link,
// with the launcher rewritten for interp; dirs lists the directories the
// package owns (opt/<name> and below).
func (r *Release) packageFiles(interp string) (files []archive.Entry, dirs []string, err error) {
	if interp == "" {
		interp = SystemPython
	}
	if err := checkInterpreter(interp); err != nil {
		return nil, nil, err
	}
	entries, err := r.Entries()
	if err != nil {
		return nil, nil, err
	}
	base := strings.TrimPrefix(r.InstallDir(), "/") + "/"
	dirs = append(dirs, base)
	files = append(files, archive.Entry{Name: base})
	for _, e := range entries {
		if e.Name == BinDir+"/"+r.Manifest.Script {
			if e.Data, err = launcherScript(interp, r.Manifest); err != nil {
				return nil, nil, err
			}
		}
		e.Name = base + e.Name
		if strings.HasSuffix(e.Name, "/") {
			dirs = append(dirs, e.Name)
		}
		files = append(files, e)
	}
	files = append(files, archive.Entry{Name: "usr/bin/" + r.Manifest.Script, Linkname: r.InstallDir() + "/" + BinDir + "/" + r.Manifest.Script})
	return files, dirs, nil
}

// pythonBounds returns the lower bound of the application's
// Requires-Python ("3.8"), and for a native release the target's minor
// version as both bounds.
func (r *Release) pythonBounds(opts PackageOptions) (lo, hiExclusive string) {
	if r.Manifest.Native && opts.PythonVersion != "" {
		parts := strings.Split(opts.PythonVersion, ".")
		if len(parts) >= 2 {
			if minor, err := strconv.Atoi(parts[1]); err == nil {
				return parts[0] + "." + parts[1], parts[0] + "." + strconv.Itoa(minor+1)
			}
		}
	}
	return RequiresPythonLowerBound(r.Manifest.RequiresPython), ""
}

// RequiresPythonLowerBound returns the least Python version a
// Requires-Python specifier admits, as "3.8" ("" when it has no lower
// bound or cannot be read): the highest of its >=, >, ~= and == versions,
// cut to major.minor.
func RequiresPythonLowerBound(spec string) string {
	specs, err := pep440.ParseSpecifiers(spec)
	if err != nil {
		return ""
	}
	var best []int
	for _, s := range specs {
		switch s.Operator() {
		case pep440.OpGreaterEqual, pep440.OpGreater, pep440.OpCompatible, pep440.OpEqual:
		default:
			continue
		}
		v, err := pep440.Parse(strings.TrimSuffix(s.Version(), ".*"))
		if err != nil {
			continue
		}
		rel := v.Release()
		for len(rel) < 2 {
			rel = append(rel, 0)
		}
		rel = rel[:2]
		if best == nil || rel[0] > best[0] || (rel[0] == best[0] && rel[1] > best[1]) {
			best = rel
		}
	}
	if best == nil {
		return ""
	}
	return strconv.Itoa(best[0]) + "." + strconv.Itoa(best[1])
}

// person returns "Name <email>" from metadata fields (either may be empty;
// an email field may already hold "Name <email>").
func person(name, email string) string {
	name, email = strings.TrimSpace(name), strings.TrimSpace(email)
	if i := strings.IndexByte(email, ','); i >= 0 {
		email = strings.TrimSpace(email[:i])
	}
	switch {
	case email == "":
		return name
	case strings.Contains(email, "<"):
		return email
	case name == "":
		return email
	}
	return name + " <" + email + ">"
}

func metaMaintainer(m coremeta.Metadata) string {
	if p := person(m.Maintainer, m.MaintainerEmail); p != "" {
		return p
	}
	return person(m.Author, m.AuthorEmail)
}

func metaLicense(m coremeta.Metadata) string {
	if m.LicenseExpression != "" {
		return m.LicenseExpression
	}
	l, _, _ := strings.Cut(strings.TrimSpace(m.License), "\n")
	return strings.TrimSpace(l)
}

func metaURL(m coremeta.Metadata) string {
	if m.HomePage != "" {
		return strings.TrimSpace(m.HomePage)
	}
	for _, want := range []string{"homepage", "home", "source", "repository"} {
		for _, pu := range m.ProjectURLs {
			label, u, ok := strings.Cut(pu, ",")
			if ok && strings.EqualFold(strings.TrimSpace(label), want) {
				return strings.TrimSpace(u)
			}
		}
	}
	return ""
}

func (r *Release) summary() string {
	s := strings.TrimSpace(strings.ReplaceAll(r.App.Metadata.Summary, "\n", " "))
	if s == "" {
		s = r.Manifest.Name + " " + r.Manifest.Version
	}
	return s
}

func oneLine(s string) string {
	return strings.TrimSpace(strings.NewReplacer("\r", " ", "\n", " ").Replace(s))
}

// WriteDeb writes the release as a .deb and returns the package's
// conventional file name ("name_version_arch.deb").
func (r *Release) WriteDeb(w io.Writer, opts PackageOptions) (string, error) {
	m := r.App.Metadata
	pv, err := pep440.Parse(r.Manifest.Version)
	if err != nil {
		return "", fmt.Errorf("version %q: %w", r.Manifest.Version, err)
	}
	release := opts.Release
	if release == "" {
		release = "1"
	}
	dv, err := deb.FromPEP440(pv, release)
	if err != nil {
		return "", err
	}
	arch := opts.Arch
	if arch == "" {
		arch = "all"
		if r.Manifest.Native {
			var ok bool
			if arch, ok = deb.ArchFromMachine(opts.Machine); !ok {
				return "", fmt.Errorf("the release holds native code for machine %q, which has no Debian architecture: give one", opts.Machine)
			}
		}
	}
	maint := opts.Maintainer
	if maint == "" {
		maint = metaMaintainer(m)
	}
	if maint == "" {
		return "", fmt.Errorf("a .deb needs a maintainer and %s's metadata names none: give one (Name <email>)", r.App)
	}
	depends := "python3"
	if lo, hi := r.pythonBounds(opts); lo != "" {
		depends = "python3 (>= " + lo + ")"
		if hi != "" {
			depends += ", python3 (<< " + hi + ")"
		}
	}
	files, _, err := r.packageFiles(opts.Interpreter)
	if err != nil {
		return "", err
	}
	docDir := "usr/share/doc/" + r.Manifest.Name + "/"
	changelog, err := debChangelog(r.Manifest.Name, dv.String(), maint, opts.Mtime)
	if err != nil {
		return "", err
	}
	files = append(files, archive.Entry{Name: docDir + "changelog.Debian.gz", Data: changelog})
	if lic := metaLicense(m); lic != "" {
		files = append(files, archive.Entry{Name: docDir + "copyright", Data: []byte(fmt.Sprintf(
			"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: %s\n\nFiles: *\nLicense: %s\n",
			oneLine(m.Name), oneLine(lic)))})
	}
	ctl := deb.Control{
		Package:      r.Manifest.Name,
		Version:      dv,
		Architecture: arch,
		Maintainer:   oneLine(maint),
		Section:      "python",
		Priority:     "optional",
		Homepage:     oneLine(metaURL(m)),
		Depends:      strings.Split(depends, ", "),
		Synopsis:     r.summary(),
		Description:  m.Description,
		Extra:        []deb.Field{{Name: "X-Python-Version", Value: r.Manifest.RequiresPython}},
	}
	if r.Manifest.RequiresPython == "" {
		ctl.Extra = nil
	}
	if !deb.ValidPackageName(ctl.Package) {
		return "", fmt.Errorf("%q is not a valid Debian package name", ctl.Package)
	}
	if err := deb.Write(w, deb.Package{Control: ctl, Files: files, Mtime: opts.Mtime}); err != nil {
		return "", err
	}
	up := dv
	up.Epoch = 0
	return fmt.Sprintf("%s_%s_%s.deb", ctl.Package, up.String(), arch), nil
}

// debChangelog returns a one-entry changelog.Debian.gz.
func debChangelog(name, version, maint string, mtime time.Time) ([]byte, error) {
	var text bytes.Buffer
	fmt.Fprintf(&text, "%s (%s) unstable; urgency=medium\n\n  * Packaged with ferry bundle.\n\n -- %s  %s\n",
		name, version, oneLine(maint), clampTime(mtime).UTC().Format(time.RFC1123Z))
	var out bytes.Buffer
	gz := archive.NewGzipWriter(&out)
	if _, err := gz.Write(text.Bytes()); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// WriteRPM writes the release as a binary .rpm and returns the package's
// conventional file name ("name-version-release.arch.rpm").
func (r *Release) WriteRPM(w io.Writer, opts PackageOptions) (string, error) {
	m := r.App.Metadata
	pv, err := pep440.Parse(r.Manifest.Version)
	if err != nil {
		return "", fmt.Errorf("version %q: %w", r.Manifest.Version, err)
	}
	release := opts.Release
	if release == "" {
		release = "1"
	}
	rv, err := rpm.FromPEP440(pv, release)
	if err != nil {
		return "", err
	}
	arch := opts.Arch
	if arch == "" {
		arch = "noarch"
		if r.Manifest.Native {
			var ok bool
			if arch, ok = rpm.ArchFromMachine(opts.Machine); !ok {
				return "", fmt.Errorf("the release holds native code for machine %q, which has no RPM architecture: give one", opts.Machine)
			}
		}
	}
	vendor := opts.Vendor
	if vendor == "" {
		vendor = person(m.Author, m.AuthorEmail)
		if vendor == "" {
			vendor = person(m.Maintainer, m.MaintainerEmail)
		}
	}
	requires := []string{"python3"}
	if lo, hi := r.pythonBounds(opts); lo != "" {
		requires = []string{"python3 >= " + lo}
		if hi != "" {
			requires = append(requires, "python3 < "+hi)
		}
	}
	files, dirs, err := r.packageFiles(opts.Interpreter)
	if err != nil {
		return "", err
	}
	owned := map[string]bool{}
	for _, d := range dirs {
		owned[d] = true
	}
	var rfiles []archive.Entry
	for _, f := range files {
		if strings.HasSuffix(f.Name, "/") && !owned[f.Name] {
			continue
		}
		rfiles = append(rfiles, f)
	}
	author := opts.Maintainer
	if author == "" {
		author = metaMaintainer(m)
	}
	if author == "" {
		author = "ferry bundle"
	}
	p := rpm.Package{
		Name:        r.Manifest.Name,
		Version:     rv,
		Summary:     r.summary(),
		Description: m.Description,
		License:     oneLine(metaLicense(m)),
		Vendor:      oneLine(vendor),
		Packager:    oneLine(opts.Maintainer),
		URL:         oneLine(metaURL(m)),
		Arch:        arch,
		Requires:    requires,
		Changelog: []rpm.ChangelogEntry{{
			Time:   clampTime(opts.Mtime),
			Author: oneLine(author) + " - " + rv.String(),
			Text:   "- Packaged " + r.Manifest.Name + " " + r.Manifest.Version + " with ferry bundle.",
		}},
		Files:     rfiles,
		BuildTime: opts.Mtime,
	}
	if err := rpm.Write(w, p); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%s-%s.%s.rpm", p.Name, rv.Version, rv.Release, arch), nil
}
