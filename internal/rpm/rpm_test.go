package rpm

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry/internal/archive"
)

func samplePackage() Package {
	return Package{
		Name:        "hello",
		Version:     Version{Version: "1.0~rc1", Release: "1"},
		Summary:     "greets the world",
		Description: "Hello prints a greeting.\n\nIt is a test package.\n",
		License:     "MIT",
		Vendor:      "Example Org",
		Packager:    "Jane Doe <jane@example.org>",
		Group:       "Development/Libraries",
		URL:         "https://example.org/hello",
		Requires:    []string{"python3 >= 3.8", "/bin/sh"},
		Provides:    []string{"hello-app = 1.0"},
		Conflicts:   []string{"hello-legacy < 2"},
		Obsoletes:   []string{"old-hello"},
		Scripts: Scripts{
			Pre:    "echo pre",
			Post:   "echo post",
			Preun:  "echo preun",
			Postun: "echo postun",
		},
		Changelog: []ChangelogEntry{
			{Time: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC), Author: "Jane Doe <jane@example.org> - 1.0~rc1-1", Text: "- first release candidate"},
			{Time: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), Author: "Jane Doe <jane@example.org> - 0.9-1", Text: "- initial package"},
		},
		Files: []archive.Entry{
			{Name: "opt/hello/"},
			{Name: "opt/hello/lib/"},
			{Name: "opt/hello/bin/"},
			{Name: "opt/hello/lib/hello.py", Data: []byte("print('hello')\n")},
			{Name: "opt/hello/bin/hello", Executable: true, Open: func() (io.ReadCloser, error) {
				return io.NopCloser(strings.NewReader("#!/bin/sh\nexec python3 /opt/hello/lib/hello.py\n")), nil
			}},
			{Name: "usr/bin/hello", Linkname: "/opt/hello/bin/hello"},
			{Name: "etc/hello.conf", Data: []byte("greeting = hello\n")},
		},
		ConfigFiles: []string{"/etc/hello.conf"},
		BuildTime:   time.Unix(1700000000, 0),
	}
}

func build(t *testing.T, p Package) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, p); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeterministic(t *testing.T) {
	a := build(t, samplePackage())
	time.Sleep(1100 * time.Millisecond)
	b := build(t, samplePackage())
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same package differ")
	}
	p := samplePackage()
	p.BuildTime = p.BuildTime.Add(time.Second)
	if bytes.Equal(a, build(t, p)) {
		t.Fatal("the build time is not written")
	}
	if !bytes.HasPrefix(a, []byte{0xed, 0xab, 0xee, 0xdb}) {
		t.Fatalf("no rpm lead magic: % x", a[:4])
	}
}

func TestWriteRejects(t *testing.T) {
	cases := []struct {
		name string
		edit func(p *Package)
	}{
		{"bad name", func(p *Package) { p.Name = "hello world" }},
		{"no version", func(p *Package) { p.Version = Version{} }},
		{"dash in version", func(p *Package) { p.Version = Version{Version: "1.0-2"} }},
		{"no summary", func(p *Package) { p.Summary = "" }},
		{"two-line summary", func(p *Package) { p.Summary = "a\nb" }},
		{"bad arch", func(p *Package) { p.Arch = "x86-64!" }},
		{"bad sense", func(p *Package) { p.Requires = []string{"python3 => 3.8"} }},
		{"two capabilities", func(p *Package) { p.Requires = []string{"a, b"} }},
		{"missing version", func(p *Package) { p.Requires = []string{"python3 >="} }},
		{"config missing", func(p *Package) { p.ConfigFiles = []string{"/etc/nope"} }},
		{"config relative", func(p *Package) { p.ConfigFiles = []string{"etc/hello.conf"} }},
		{"config is a link", func(p *Package) { p.ConfigFiles = []string{"/usr/bin/hello"} }},
		{"duplicate file", func(p *Package) { p.Files = append(p.Files, archive.Entry{Name: "./usr/bin/hello"}) }},
		{"escaping file", func(p *Package) { p.Files = append(p.Files, archive.Entry{Name: "../etc/passwd"}) }},
		{"failing opener", func(p *Package) {
			p.Files = append(p.Files, archive.Entry{Name: "x", Open: func() (io.ReadCloser, error) { return nil, errors.New("boom") }})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := samplePackage()
			tc.edit(&p)
			if err := Write(io.Discard, p); err == nil {
				t.Fatal("accepted")
			} else {
				t.Log(err)
			}
		})
	}
}

func rpmQuery(t *testing.T, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("rpm", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rpm %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return string(out)
}

// TestRpmTool reads the package back with rpm and unpacks its payload with
// rpm2cpio and cpio.
func TestRpmTool(t *testing.T) {
	if _, err := exec.LookPath("rpm"); err != nil {
		t.Skip("rpm not installed (apt-get install rpm): the checks of .rpm files with rpm are skipped")
	}
	file := filepath.Join(t.TempDir(), "hello-1.0~rc1-1.noarch.rpm")
	if err := os.WriteFile(file, build(t, samplePackage()), 0o644); err != nil {
		t.Fatal(err)
	}
	contains := func(t *testing.T, what, got string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", what, w, got)
			}
		}
	}
	t.Run("info", func(t *testing.T) {
		contains(t, "rpm -qpi", rpmQuery(t, "-qpi", file),
			"Name        : hello", "Version     : 1.0~rc1", "Release     : 1", "Architecture: noarch",
			"License     : MIT", "Group       : Development/Libraries", "Packager    : Jane Doe <jane@example.org>",
			"Vendor      : Example Org", "URL         : https://example.org/hello", "Summary     : greets the world",
			"Build Host  : localhost", "Hello prints a greeting.\n\nIt is a test package.")
		if got := rpmQuery(t, "-qp", "--qf", "%{BUILDTIME}", file); got != "1700000000" {
			t.Errorf("BUILDTIME = %q", got)
		}
	})
	t.Run("list", func(t *testing.T) {
		got := rpmQuery(t, "-qplv", file)
		contains(t, "rpm -qplv", got, "/opt/hello/lib/hello.py", "/usr/bin/hello -> /opt/hello/bin/hello",
			"-rwxr-xr-x    1 root     root", "drwxr-xr-x    2 root     root")
		if strings.Contains(got, " /usr/bin\n") || strings.Contains(got, " /opt\n") {
			t.Errorf("system directories owned:\n%s", got)
		}
		contains(t, "rpm -qpc", rpmQuery(t, "-qpc", file), "/etc/hello.conf")
	})
	t.Run("relations", func(t *testing.T) {
		contains(t, "rpm -qpR", rpmQuery(t, "-qpR", file), "python3 >= 3.8", "/bin/sh")
		contains(t, "rpm -qp --provides", rpmQuery(t, "-qp", "--provides", file), "hello = 1.0~rc1-1", "hello-app = 1.0")
		contains(t, "rpm -qp --conflicts", rpmQuery(t, "-qp", "--conflicts", file), "hello-legacy < 2")
		contains(t, "rpm -qp --obsoletes", rpmQuery(t, "-qp", "--obsoletes", file), "old-hello")
	})
	t.Run("scripts", func(t *testing.T) {
		contains(t, "rpm -qp --scripts", rpmQuery(t, "-qp", "--scripts", file),
			"preinstall scriptlet (using /bin/sh):\necho pre", "postinstall scriptlet (using /bin/sh):\necho post",
			"preuninstall scriptlet (using /bin/sh):\necho preun", "postuninstall scriptlet (using /bin/sh):\necho postun")
	})
	t.Run("changelog", func(t *testing.T) {
		contains(t, "rpm -qp --changelog", rpmQuery(t, "-qp", "--changelog", file),
			"* Thu May 02 2024 Jane Doe <jane@example.org> - 1.0~rc1-1\n- first release candidate",
			"* Mon Apr 01 2024 Jane Doe <jane@example.org> - 0.9-1\n- initial package")
	})
	t.Run("verify", func(t *testing.T) {
		rpmQuery(t, "-K", "--nosignature", file)
	})
	t.Run("install", func(t *testing.T) {
		// Into a scratch root, without scriptlets (they would run chrooted
		// there) and without dependencies; rpm -V then checks every file's
		// digest, size, mode, owner, link target and mtime.
		root := t.TempDir()
		rpmQuery(t, "--root", root, "--initdb")
		rpmQuery(t, "--root", root, "-i", "--nodeps", "--noscripts", file)
		rpmQuery(t, "--root", root, "-V", "--nodeps", "hello")
		if got := rpmQuery(t, "--root", root, "-q", "hello"); got != "hello-1.0~rc1-1.noarch\n" {
			t.Errorf("rpm -q hello = %q", got)
		}
		if target, err := os.Readlink(filepath.Join(root, "usr/bin/hello")); err != nil || target != "/opt/hello/bin/hello" {
			t.Errorf("usr/bin/hello -> %q, %v", target, err)
		}
	})
	t.Run("rpm2cpio", func(t *testing.T) {
		if _, err := exec.LookPath("rpm2cpio"); err != nil {
			t.Skip("rpm2cpio not installed")
		}
		if _, err := exec.LookPath("cpio"); err != nil {
			t.Skip("cpio not installed")
		}
		root := t.TempDir()
		// rpmpack's payload names are absolute: without
		// --no-absolute-filenames cpio would write into the real /.
		cmd := exec.Command("sh", "-c", `rpm2cpio "$1" | cpio -idm --quiet --no-absolute-filenames`, "sh", file)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rpm2cpio | cpio: %v\n%s", err, out)
		}
		got, err := os.ReadFile(filepath.Join(root, "opt/hello/lib/hello.py"))
		if err != nil || string(got) != "print('hello')\n" {
			t.Errorf("hello.py = %q, %v", got, err)
		}
		st, err := os.Stat(filepath.Join(root, "opt/hello/bin/hello"))
		if err != nil || st.Mode().Perm() != 0o755 {
			t.Errorf("bin/hello: %v, %v", st, err)
		}
		if target, err := os.Readlink(filepath.Join(root, "usr/bin/hello")); err != nil || target != "/opt/hello/bin/hello" {
			t.Errorf("usr/bin/hello -> %q, %v", target, err)
		}
	})
}
