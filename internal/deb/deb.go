package deb

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"ferry/internal/archive"
)

// Package is everything one .deb holds.
type Package struct {
	Control Control
	// Files is the file tree relative to the root of the target system
	// ("opt/app/lib/x.py", "usr/bin/app"); a name ending in "/" is a
	// directory, Linkname makes a symbolic link (absolute targets allowed).
	// Missing parent directories are added. Names must be unique.
	Files []archive.Entry
	// Conffiles are absolute paths ("/etc/app.conf") of files in Files that
	// dpkg keeps when the administrator changed them.
	Conffiles []string
	// Scripts are the maintainer scripts, written with mode 0755.
	Scripts Scripts
	// Mtime stamps every member (SOURCE_DATE_EPOCH, chosen by the caller).
	Mtime time.Time
}

// Scripts are the maintainer scripts (Debian Policy chapter 6); an empty one
// is left out. Each should start with "#!".
type Scripts struct {
	Preinst, Postinst, Prerm, Postrm []byte
}

// Control is the binary package's control file (deb-control(5)). Relation
// fields hold one relation each ("python3 (>= 3.8)", "a | b"); they are
// joined with ", ". Installed-Size is computed by Write.
type Control struct {
	Package      string
	Version      Version
	Architecture string // "all", "amd64", "arm64", ...
	Maintainer   string // "Name <email>"
	Section      string // e.g. "python", "utils"
	Priority     string // e.g. "optional"
	Homepage     string

	PreDepends, Depends, Recommends, Suggests []string
	Conflicts, Breaks, Replaces, Provides     []string

	// Synopsis is the one-line description.
	Synopsis string
	// Description is the extended description: paragraphs of text; blank
	// lines become " ." and lines that start with a space are kept verbatim.
	Description string
	// Extra fields are written after the standard ones, in order.
	Extra []Field
}

// Field is one extra control field.
type Field struct {
	Name, Value string
}

// FieldError reports a control field Write refuses.
type FieldError struct {
	Field  string
	Reason string
}

// Error names the field and the reason.
func (e *FieldError) Error() string {
	return fmt.Sprintf("control field %s: %s", e.Field, e.Reason)
}

// ValidPackageName reports whether s is a valid Debian package name
// (Debian Policy §5.6.1).
func ValidPackageName(s string) bool {
	if len(s) < 2 || !isLowerAlnum(s[0]) {
		return false
	}
	for _, c := range []byte(s) {
		if !isLowerAlnum(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func isLowerAlnum(c byte) bool { return isDigit(c) || (c >= 'a' && c <= 'z') }

// ArchFromMachine maps a machine name as uname(2) and wheel platform tags
// spell it (x86_64, aarch64, ...) to the Debian architecture, with ok false
// for one it does not know.
func ArchFromMachine(machine string) (arch string, ok bool) {
	switch machine {
	case "x86_64", "amd64":
		return "amd64", true
	case "aarch64", "arm64":
		return "arm64", true
	case "i386", "i486", "i586", "i686":
		return "i386", true
	case "armv7l", "armhf":
		return "armhf", true
	case "ppc64le":
		return "ppc64el", true
	case "s390x", "riscv64", "loong64":
		return machine, true
	}
	return "", false
}

func (c Control) validate() error {
	bad := func(field, reason string) error { return &FieldError{Field: field, Reason: reason} }
	if !ValidPackageName(c.Package) {
		return bad("Package", fmt.Sprintf("%q is not a valid package name", c.Package))
	}
	if v, err := ParseVersion(c.Version.String()); err != nil || v != c.Version {
		return bad("Version", fmt.Sprintf("%q is not a valid version", c.Version.String()))
	}
	if c.Architecture == "" || strings.Trim(c.Architecture, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return bad("Architecture", fmt.Sprintf("%q is not an architecture", c.Architecture))
	}
	if strings.TrimSpace(c.Maintainer) == "" {
		return bad("Maintainer", "missing")
	}
	if strings.TrimSpace(c.Synopsis) == "" {
		return bad("Description", "missing synopsis")
	}
	single := map[string]string{
		"Maintainer": c.Maintainer, "Section": c.Section, "Priority": c.Priority,
		"Homepage": c.Homepage, "Description": c.Synopsis,
	}
	for _, rel := range c.relations() {
		single[rel.name] = strings.Join(rel.values, ", ")
	}
	for _, f := range c.Extra {
		if f.Name == "" || strings.ContainsAny(f.Name, ": \t\r\n") || f.Name[0] == '#' || f.Name[0] == '-' {
			return bad(f.Name, "invalid field name")
		}
		single[f.Name] = f.Value
	}
	for name, v := range single {
		if strings.ContainsAny(v, "\r\n") {
			return bad(name, "contains a line break")
		}
	}
	return nil
}

type relation struct {
	name   string
	values []string
}

func (c Control) relations() []relation {
	return []relation{
		{"Pre-Depends", c.PreDepends}, {"Depends", c.Depends}, {"Recommends", c.Recommends},
		{"Suggests", c.Suggests}, {"Conflicts", c.Conflicts}, {"Breaks", c.Breaks},
		{"Replaces", c.Replaces}, {"Provides", c.Provides},
	}
}

// write writes the control file with the given Installed-Size (KiB).
func (c Control) write(w io.Writer, installedSize int64) error {
	var b bytes.Buffer
	field := func(name, value string) {
		if value = strings.TrimSpace(value); value != "" {
			fmt.Fprintf(&b, "%s: %s\n", name, value)
		}
	}
	field("Package", c.Package)
	field("Version", c.Version.String())
	field("Architecture", c.Architecture)
	field("Maintainer", c.Maintainer)
	field("Installed-Size", strconv.FormatInt(installedSize, 10))
	for _, rel := range c.relations() {
		field(rel.name, strings.Join(rel.values, ", "))
	}
	field("Section", c.Section)
	field("Priority", c.Priority)
	field("Homepage", c.Homepage)
	for _, f := range c.Extra {
		field(f.Name, f.Value)
	}
	field("Description", c.Synopsis)
	b.WriteString(extendedDescription(c.Description))
	_, err := w.Write(b.Bytes())
	return err
}

// extendedDescription formats the extended description as continuation
// lines: " text", " ." for a blank line; trailing blank lines are dropped.
func extendedDescription(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(strings.TrimRight(text, " \t\n"), "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	var b strings.Builder
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" || l == "." {
			b.WriteString(" .\n")
			continue
		}
		b.WriteByte(' ')
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// Write writes p as a .deb to w.
func Write(w io.Writer, p Package) error {
	if err := p.Control.validate(); err != nil {
		return err
	}
	files, err := completeTree(p.Files)
	if err != nil {
		return err
	}
	conf := map[string]bool{}
	for _, c := range p.Conffiles {
		name, err := archive.CleanName(strings.TrimPrefix(c, "/"))
		if err != nil || !strings.HasPrefix(c, "/") {
			return fmt.Errorf("conffile %q: not an absolute path inside the package", c)
		}
		conf[name] = true
	}
	mtime := p.Mtime
	if mtime.Unix() < 0 {
		mtime = time.Unix(0, 0)
	}

	// data.tar.gz first: it yields Installed-Size and the md5sums.
	var data bytes.Buffer
	gz := archive.NewGzipWriter(&data)
	tw := archive.NewTarWriter(gz, mtime)
	tw.Prefix = "./"
	var md5sums bytes.Buffer
	var installed int64
	for _, e := range files {
		name := strings.TrimSuffix(e.Name, "/")
		regular := !strings.HasSuffix(e.Name, "/") && e.Linkname == ""
		if !regular {
			installed++
			if conf[name] {
				return fmt.Errorf("conffile /%s is not a regular file", name)
			}
			if err := tw.Add(e); err != nil {
				return fmt.Errorf("writing data.tar.gz: %w", err)
			}
			continue
		}
		sum := md5.New()
		var size int64
		e = hashing(e, sum, &size)
		if err := tw.Add(e); err != nil {
			return fmt.Errorf("writing data.tar.gz: %w", err)
		}
		installed += (size + 1023) / 1024
		if conf[name] {
			delete(conf, name)
			continue
		}
		fmt.Fprintf(&md5sums, "%s  %s\n", hex.EncodeToString(sum.Sum(nil)), name)
	}
	if len(conf) > 0 {
		missing := make([]string, 0, len(conf))
		for name := range conf {
			missing = append(missing, "/"+name)
		}
		sort.Strings(missing)
		return fmt.Errorf("conffiles not in the package: %s", strings.Join(missing, ", "))
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing data.tar.gz: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("writing data.tar.gz: %w", err)
	}

	var ctl bytes.Buffer
	if err := p.Control.write(&ctl, installed); err != nil {
		return err
	}
	control := []archive.Entry{
		{Name: "control", Data: ctl.Bytes()},
		{Name: "md5sums", Data: md5sums.Bytes()},
	}
	if len(p.Conffiles) > 0 {
		names := append([]string(nil), p.Conffiles...)
		sort.Strings(names)
		control = append(control, archive.Entry{Name: "conffiles", Data: []byte(strings.Join(names, "\n") + "\n")})
	}
	for _, s := range []struct {
		name string
		body []byte
	}{{"postinst", p.Scripts.Postinst}, {"postrm", p.Scripts.Postrm}, {"preinst", p.Scripts.Preinst}, {"prerm", p.Scripts.Prerm}} {
		if len(s.body) > 0 {
			control = append(control, archive.Entry{Name: s.name, Data: s.body, Executable: true})
		}
	}
	sort.Slice(control, func(i, j int) bool { return control[i].Name < control[j].Name })
	var ctlTar bytes.Buffer
	cgz := archive.NewGzipWriter(&ctlTar)
	ctw := archive.NewTarWriter(cgz, mtime)
	ctw.Prefix = "./"
	for _, e := range control {
		if err := ctw.Add(e); err != nil {
			return fmt.Errorf("writing control.tar.gz: %w", err)
		}
	}
	if err := ctw.Close(); err != nil {
		return fmt.Errorf("writing control.tar.gz: %w", err)
	}
	if err := cgz.Close(); err != nil {
		return fmt.Errorf("writing control.tar.gz: %w", err)
	}

	ar := newArWriter(w, mtime.Unix())
	ar.add("debian-binary", []byte("2.0\n"))
	ar.add("control.tar.gz", ctlTar.Bytes())
	if err := ar.add("data.tar.gz", data.Bytes()); err != nil {
		return fmt.Errorf("writing deb: %w", err)
	}
	return nil
}

// completeTree checks the names, adds missing parent directories and sorts
// the entries by name.
func completeTree(in []archive.Entry) ([]archive.Entry, error) {
	seen := map[string]bool{}
	out := make([]archive.Entry, 0, len(in))
	for _, e := range in {
		isDir := strings.HasSuffix(e.Name, "/")
		clean, err := archive.CleanName(e.Name)
		if err != nil {
			return nil, err
		}
		if seen[clean] {
			return nil, fmt.Errorf("file %q: listed twice", e.Name)
		}
		seen[clean] = true
		e.Name = clean
		if isDir {
			e.Name += "/"
		}
		out = append(out, e)
	}
	for _, e := range out {
		for dir := path.Dir(strings.TrimSuffix(e.Name, "/")); dir != "."; dir = path.Dir(dir) {
			if !seen[dir] {
				seen[dir] = true
				out = append(out, archive.Entry{Name: dir + "/"})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return strings.TrimSuffix(out[i].Name, "/") < strings.TrimSuffix(out[j].Name, "/")
	})
	return out, nil
}

// hashing returns e with its content fed to sum and counted in *size as the
// tar writer reads it.
func hashing(e archive.Entry, sum hash.Hash, size *int64) archive.Entry {
	if e.Open == nil {
		sum.Write(e.Data)
		*size = int64(len(e.Data))
		return e
	}
	open := e.Open
	e.Open = func() (io.ReadCloser, error) {
		rc, err := open()
		if err != nil {
			return nil, err
		}
		return &teeCounter{rc: rc, sum: sum, size: size}, nil
	}
	return e
}

type teeCounter struct {
	rc   io.ReadCloser
	sum  hash.Hash
	size *int64
}

func (t *teeCounter) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	t.sum.Write(p[:n])
	*t.size += int64(n)
	return n, err
}

func (t *teeCounter) Close() error { return t.rc.Close() }
