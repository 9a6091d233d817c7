package deb

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

	"github.com/google/go-cmp/cmp"
)

func samplePackage() Package {
	return Package{
		Control: Control{
			Package:      "hello",
			Version:      Version{Upstream: "1.0~rc1", Revision: "1"},
			Architecture: "all",
			Maintainer:   "Jane Doe <jane@example.org>",
			Section:      "python",
			Priority:     "optional",
			Homepage:     "https://example.org/hello",
			Depends:      []string{"python3 (>= 3.8)"},
			Synopsis:     "greets the world",
			Description:  "Hello prints a greeting.\n\nIt is a test package.\n  verbatim line\n",
			Extra:        []Field{{Name: "X-Bundler", Value: "ferry"}},
		},
		Files: []archive.Entry{
			{Name: "opt/hello/lib/hello.py", Data: []byte("print('hello')\n")},
			{Name: "opt/hello/bin/hello", Executable: true, Open: func() (io.ReadCloser, error) {
				return io.NopCloser(strings.NewReader("#!/bin/sh\nexec python3 /opt/hello/lib/hello.py\n")), nil
			}},
			{Name: "usr/bin/hello", Linkname: "/opt/hello/bin/hello"},
			{Name: "etc/hello.conf", Data: []byte("greeting = hello\n")},
			{Name: "opt/hello/empty/"},
			{Name: "opt/hello/big.dat", Data: bytes.Repeat([]byte("x"), 5000)},
		},
		Conffiles: []string{"/etc/hello.conf"},
		Scripts: Scripts{
			Postinst: []byte("#!/bin/sh\nset -e\nmkdir -p \"$DPKG_ROOT/var/lib/hello\"\necho \"$1\" > \"$DPKG_ROOT/var/lib/hello/postinst\"\n"),
			Prerm:    []byte("#!/bin/sh\nexit 0\n"),
		},
		Mtime: time.Unix(1700000000, 0),
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
	b := build(t, samplePackage())
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same package differ")
	}
	p := samplePackage()
	p.Mtime = p.Mtime.Add(time.Second)
	if bytes.Equal(a, build(t, p)) {
		t.Fatal("the mtime is not written")
	}
}

func TestArchiveLayout(t *testing.T) {
	data := build(t, samplePackage())
	if !bytes.HasPrefix(data, []byte("!<arch>\ndebian-binary   1700000000  0     0     100644  4         `\n2.0\n")) {
		t.Fatalf("unexpected start:\n%q", data[:min(len(data), 140)])
	}
	for _, name := range []string{"control.tar.gz  ", "data.tar.gz     "} {
		if !bytes.Contains(data, []byte("\n"+name)) {
			t.Errorf("member %q missing", name)
		}
	}
}

func TestControlText(t *testing.T) {
	var buf bytes.Buffer
	if err := samplePackage().Control.write(&buf, 12); err != nil {
		t.Fatal(err)
	}
	want := `Package: hello
Version: 1.0~rc1-1
Architecture: all
Maintainer: Jane Doe <jane@example.org>
Installed-Size: 12
Depends: python3 (>= 3.8)
Section: python
Priority: optional
Homepage: https://example.org/hello
X-Bundler: ferry
Description: greets the world
 Hello prints a greeting.
 .
 It is a test package.
   verbatim line
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("control file (-want +got):\n%s", diff)
	}
}

func TestWriteRejects(t *testing.T) {
	cases := []struct {
		name string
		edit func(p *Package)
	}{
		{"bad name", func(p *Package) { p.Control.Package = "Hello_World" }},
		{"one-letter name", func(p *Package) { p.Control.Package = "h" }},
		{"no version", func(p *Package) { p.Control.Version = Version{} }},
		{"bad version", func(p *Package) { p.Control.Version = Version{Upstream: "x1"} }},
		{"dash without revision", func(p *Package) { p.Control.Version = Version{Upstream: "1.0-2"} }},
		{"bad arch", func(p *Package) { p.Control.Architecture = "x86_64 " }},
		{"no maintainer", func(p *Package) { p.Control.Maintainer = "" }},
		{"no synopsis", func(p *Package) { p.Control.Synopsis = " " }},
		{"two-line synopsis", func(p *Package) { p.Control.Synopsis = "a\nb" }},
		{"newline in depends", func(p *Package) { p.Control.Depends = []string{"a\nInjected: yes"} }},
		{"bad extra field", func(p *Package) { p.Control.Extra = []Field{{Name: "A: B", Value: "x"}} }},
		{"conffile missing", func(p *Package) { p.Conffiles = []string{"/etc/nope"} }},
		{"conffile relative", func(p *Package) { p.Conffiles = []string{"etc/hello.conf"} }},
		{"conffile is a link", func(p *Package) { p.Conffiles = []string{"/usr/bin/hello"} }},
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

func dpkgDeb(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestDpkgDeb reads the package back with dpkg-deb and installs it with dpkg
// into a scratch root.
func TestDpkgDeb(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb not installed: the checks of .deb files with dpkg are skipped")
	}
	dir := t.TempDir()
	debPath := filepath.Join(dir, "hello_1.0~rc1-1_all.deb")
	if err := os.WriteFile(debPath, build(t, samplePackage()), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("info", func(t *testing.T) {
		info := dpkgDeb(t, "--info", debPath)
		for _, want := range []string{
			"Package: hello", "Version: 1.0~rc1-1", "Depends: python3 (>= 3.8)",
			"Installed-Size: 17", " Hello prints a greeting.", " .", "X-Bundler: ferry",
			"postinst", "prerm", "conffiles", "md5sums",
		} {
			if !strings.Contains(info, want) {
				t.Errorf("--info lacks %q:\n%s", want, info)
			}
		}
		if got := strings.TrimSpace(dpkgDeb(t, "--field", debPath, "Version")); got != "1.0~rc1-1" {
			t.Errorf("Version field = %q", got)
		}
	})

	t.Run("contents", func(t *testing.T) {
		list := dpkgDeb(t, "--contents", debPath)
		for _, want := range []string{
			"drwxr-xr-x 0/0", "./opt/hello/bin/hello", "-rwxr-xr-x 0/0", "./usr/bin/hello -> /opt/hello/bin/hello",
			"./opt/hello/empty/", "./etc/", "./usr/bin/",
		} {
			if !strings.Contains(list, want) {
				t.Errorf("--contents lacks %q:\n%s", want, list)
			}
		}
	})

	t.Run("extract", func(t *testing.T) {
		root := t.TempDir()
		dpkgDeb(t, "-x", debPath, root)
		checkTree(t, root)
		ctl := t.TempDir()
		dpkgDeb(t, "-e", debPath, ctl)
		md5s, err := os.ReadFile(filepath.Join(ctl, "md5sums"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(md5s), "etc/hello.conf") || !strings.Contains(string(md5s), "  opt/hello/lib/hello.py\n") {
			t.Errorf("md5sums:\n%s", md5s)
		}
		st, err := os.Stat(filepath.Join(ctl, "postinst"))
		if err != nil || st.Mode().Perm() != 0o755 {
			t.Errorf("postinst: %v %v", st, err)
		}
	})

	t.Run("dpkg-install", func(t *testing.T) {
		if _, err := exec.LookPath("dpkg"); err != nil {
			t.Skip("dpkg not installed")
		}
		root := t.TempDir()
		admin := filepath.Join(root, "var/lib/dpkg")
		for _, d := range []string{"info", "updates", "triggers"} {
			if err := os.MkdirAll(filepath.Join(admin, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range []string{"status", "available"} {
			if err := os.WriteFile(filepath.Join(admin, f), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command("dpkg", "--root="+root, "--admindir="+admin, "--log=/dev/null",
			"--force-not-root", "--force-depends", "--force-script-chrootless", "--force-unsafe-io", "-i", debPath)
		cmd.Env = append(os.Environ(), "PATH=/usr/sbin:/usr/bin:/sbin:/bin")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("dpkg -i: %v\n%s", err, out)
		}
		checkTree(t, root)
		got, err := os.ReadFile(filepath.Join(root, "var/lib/hello/postinst"))
		if err != nil || string(got) != "configure\n" {
			t.Errorf("postinst did not run: %q, %v", got, err)
		}
		out, err := exec.Command("dpkg-query", "--admindir="+admin, "-W", "-f=${Package} ${Version} ${Status}", "hello").CombinedOutput()
		if err != nil || string(out) != "hello 1.0~rc1-1 install ok installed" {
			t.Errorf("dpkg-query: %q, %v", out, err)
		}
	})
}

func checkTree(t *testing.T, root string) {
	t.Helper()
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
	if st, err := os.Stat(filepath.Join(root, "opt/hello/empty")); err != nil || !st.IsDir() {
		t.Errorf("empty dir: %v", err)
	}
}
