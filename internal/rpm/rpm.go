package rpm

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"ferry/internal/archive"

	"github.com/google/rpmpack"
)

// Package is everything one .rpm holds.
type Package struct {
	Name    string
	Version Version
	// Summary is the one-line summary, Description the %description text.
	Summary     string
	Description string
	License     string
	Vendor      string
	Packager    string // "Name <email>"
	Group       string // bdist_rpm's default is "Development/Libraries"
	URL         string
	// Arch is "noarch", "x86_64", "aarch64", ...; "" means noarch.
	Arch string

	// Relations hold one capability each, with an optional comparison:
	// "python3 >= 3.8", "foo", "(a or b)" (a rich dependency).
	Requires, Provides, Conflicts, Obsoletes, Recommends, Suggests []string

	// Scripts are the scriptlets, run by /bin/sh.
	Scripts Scripts
	// Changelog entries, newest first as %changelog lists them.
	Changelog []ChangelogEntry

	// Files is the tree relative to the root of the target system
	// ("opt/app/lib/x.py"); a name ending in "/" is a directory owned by
	// the package, Linkname makes a symbolic link. Names must be unique.
	Files []archive.Entry
	// ConfigFiles are absolute paths of files in Files marked %config(noreplace).
	ConfigFiles []string

	// BuildTime is the package's build time and every file's mtime
	// (SOURCE_DATE_EPOCH, chosen by the caller).
	BuildTime time.Time
}

// Scripts are the install and uninstall scriptlets; an empty one is left out.
type Scripts struct {
	Pre, Post, Preun, Postun string
}

// ChangelogEntry is one %changelog entry.
type ChangelogEntry struct {
	Time time.Time
	// Author is "Name <email> - version-release" as rpm prints it.
	Author string
	// Text is the entry's body, conventionally "- " items.
	Text string
}

// FieldError reports a package field Write refuses.
type FieldError struct {
	Field  string
	Reason string
}

// Error names the field and the reason.
func (e *FieldError) Error() string {
	return fmt.Sprintf("rpm %s: %s", e.Field, e.Reason)
}

// ArchFromMachine maps a machine name as uname(2) and wheel platform tags
// spell it (x86_64, aarch64, ...) to the RPM architecture, with ok false for
// one it does not know.
func ArchFromMachine(machine string) (arch string, ok bool) {
	switch machine {
	case "x86_64", "amd64":
		return "x86_64", true
	case "aarch64", "arm64":
		return "aarch64", true
	case "i386", "i486", "i586", "i686":
		return "i686", true
	case "armv7l", "armhf":
		return "armv7hl", true
	case "ppc64le", "s390x", "riscv64", "loongarch64":
		return machine, true
	}
	return "", false
}

// rpm header tags rpmpack has no field for.
const (
	tagChangelogTime = 1080
	tagChangelogName = 1081
	tagChangelogText = 1082
)

// validName reports whether s is usable as an RPM package name: letters,
// digits and ". _ + -", not led by "-".
func validName(s string) bool {
	if s == "" || strings.HasPrefix(s, "-") {
		return false
	}
	for _, c := range []byte(s) {
		if !isAlnum(c) && !strings.ContainsRune("._+-", rune(c)) {
			return false
		}
	}
	return true
}

func (p Package) validate() error {
	bad := func(field, reason string) error { return &FieldError{Field: field, Reason: reason} }
	if !validName(p.Name) {
		return bad("Name", fmt.Sprintf("%q is not a valid package name", p.Name))
	}
	if v, err := ParseVersion(p.Version.String()); err != nil || v != p.Version {
		return bad("Version", fmt.Sprintf("%q is not a valid version", p.Version.String()))
	}
	if p.Version.Epoch < 0 {
		return bad("Epoch", "negative")
	}
	if strings.TrimSpace(p.Summary) == "" {
		return bad("Summary", "missing")
	}
	if p.Arch != "" && strings.Trim(p.Arch, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return bad("Arch", fmt.Sprintf("%q is not an architecture", p.Arch))
	}
	single := map[string]string{
		"Summary": p.Summary, "License": p.License, "Vendor": p.Vendor,
		"Packager": p.Packager, "Group": p.Group, "URL": p.URL,
	}
	for name, v := range single {
		if strings.ContainsAny(v, "\r\n") {
			return bad(name, "contains a line break")
		}
	}
	for _, c := range p.Changelog {
		if strings.ContainsAny(c.Author, "\r\n") {
			return bad("changelog", "author contains a line break")
		}
	}
	return nil
}

func relations(field string, in []string) (rpmpack.Relations, error) {
	var out rpmpack.Relations
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || strings.ContainsAny(s, "\r\n") || (strings.Contains(s, ",") && !strings.HasPrefix(s, "(")) {
			return nil, &FieldError{Field: field, Reason: fmt.Sprintf("%q is not one capability", s)}
		}
		if err := out.Set(s); err != nil {
			return nil, &FieldError{Field: field, Reason: fmt.Sprintf("%q: %v", s, err)}
		}
		if r := out[len(out)-1]; r.Name == "" || (r.Sense != rpmpack.SenseAny && r.Version == "") {
			return nil, &FieldError{Field: field, Reason: fmt.Sprintf("%q is not a capability", s)}
		}
	}
	return out, nil
}

// Write writes p as a binary .rpm to w.
func Write(w io.Writer, p Package) error {
	if err := p.validate(); err != nil {
		return err
	}
	md := rpmpack.RPMMetaData{
		Name:        p.Name,
		Summary:     strings.TrimSpace(p.Summary),
		Description: strings.TrimRight(p.Description, " \t\r\n"),
		Version:     p.Version.Version,
		Release:     p.Version.Release,
		Arch:        p.Arch,
		OS:          "linux",
		Vendor:      p.Vendor,
		URL:         p.URL,
		Packager:    p.Packager,
		Group:       p.Group,
		Licence:     p.License,
		BuildHost:   "localhost",
		Compressor:  "gzip",
		Epoch:       rpmpack.NoEpoch,
		BuildTime:   p.BuildTime,
	}
	if md.Arch == "" {
		md.Arch = "noarch"
	}
	if md.Description == "" {
		md.Description = md.Summary
	}
	if p.Version.Epoch > 0 {
		md.Epoch = uint32(p.Version.Epoch)
	}
	if p.BuildTime.Unix() <= 0 {
		md.BuildTime = time.Unix(1, 0)
	}
	var err error
	for _, rel := range []struct {
		field string
		in    []string
		out   *rpmpack.Relations
	}{
		{"Requires", p.Requires, &md.Requires}, {"Provides", p.Provides, &md.Provides},
		{"Conflicts", p.Conflicts, &md.Conflicts}, {"Obsoletes", p.Obsoletes, &md.Obsoletes},
		{"Recommends", p.Recommends, &md.Recommends}, {"Suggests", p.Suggests, &md.Suggests},
	} {
		if *rel.out, err = relations(rel.field, rel.in); err != nil {
			return err
		}
	}
	r, err := rpmpack.NewRPM(md)
	if err != nil {
		return fmt.Errorf("rpm %s: %w", p.Name, err)
	}

	config := map[string]bool{}
	for _, c := range p.ConfigFiles {
		name, err := archive.CleanName(strings.TrimPrefix(c, "/"))
		if err != nil || !strings.HasPrefix(c, "/") {
			return fmt.Errorf("config file %q: not an absolute path inside the package", c)
		}
		config["/"+name] = true
	}
	mtime := uint32(md.BuildTime.Unix())
	seen := map[string]bool{}
	for _, e := range p.Files {
		isDir := strings.HasSuffix(e.Name, "/")
		clean, err := archive.CleanName(e.Name)
		if err != nil {
			return err
		}
		name := path.Join("/", clean)
		if seen[name] {
			return fmt.Errorf("file %q: listed twice", e.Name)
		}
		seen[name] = true
		f := rpmpack.RPMFile{Name: name, Owner: "root", Group: "root", MTime: mtime}
		switch {
		case isDir:
			f.Mode = 0o040755
		case e.Linkname != "":
			f.Mode = 0o120777
			f.Body = []byte(e.Linkname)
		default:
			f.Mode = 0o100644
			if e.Executable {
				f.Mode = 0o100755
			}
			if f.Body, err = readAll(e); err != nil {
				return fmt.Errorf("reading %s: %w", e.Name, err)
			}
			if int64(len(f.Body)) > 1<<32-1 {
				return fmt.Errorf("file %s: larger than 4 GiB, which rpm's 32-bit sizes cannot hold", e.Name)
			}
		}
		if config[name] {
			if isDir || e.Linkname != "" {
				return fmt.Errorf("config file %s is not a regular file", name)
			}
			f.Type = rpmpack.ConfigFile | rpmpack.NoReplaceFile
			delete(config, name)
		}
		r.AddFile(f)
	}
	if len(config) > 0 {
		missing := make([]string, 0, len(config))
		for name := range config {
			missing = append(missing, name)
		}
		sort.Strings(missing)
		return fmt.Errorf("config files not in the package: %s", strings.Join(missing, ", "))
	}

	if p.Scripts.Pre != "" {
		r.AddPrein(p.Scripts.Pre)
	}
	if p.Scripts.Post != "" {
		r.AddPostin(p.Scripts.Post)
	}
	if p.Scripts.Preun != "" {
		r.AddPreun(p.Scripts.Preun)
	}
	if p.Scripts.Postun != "" {
		r.AddPostun(p.Scripts.Postun)
	}
	if len(p.Changelog) > 0 {
		times := make([]uint32, len(p.Changelog))
		names := make([]string, len(p.Changelog))
		texts := make([]string, len(p.Changelog))
		for i, c := range p.Changelog {
			times[i] = uint32(c.Time.Unix())
			names[i] = c.Author
			texts[i] = strings.TrimRight(c.Text, " \t\r\n")
		}
		r.AddCustomTag(tagChangelogTime, rpmpack.EntryUint32(times))
		r.AddCustomTag(tagChangelogName, rpmpack.EntryStringSlice(names))
		r.AddCustomTag(tagChangelogText, rpmpack.EntryStringSlice(texts))
	}
	if err := r.Write(w); err != nil {
		return fmt.Errorf("writing rpm %s: %w", p.Name, err)
	}
	return nil
}

func readAll(e archive.Entry) ([]byte, error) {
	if e.Open == nil {
		return e.Data, nil
	}
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
