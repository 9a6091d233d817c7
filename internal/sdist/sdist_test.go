package sdist

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/archive"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
)

const pkgInfo = "Metadata-Version: 2.4\nName: My.Project\nVersion: 1.0.0\n"

func opts(f Format) Options {
	return Options{
		Name:    pkgname.MustParse("My.Project"),
		Version: pep440.MustParse("1.0.0"),
		Format:  f,
		Mtime:   time.Unix(1700000000, 0),
	}
}

func TestNames(t *testing.T) {
	o := opts(TarGz)
	if got, want := Filename(o.Name, o.Version, TarGz), "my_project-1.0.0.tar.gz"; got != want {
		t.Errorf("Filename = %q, want %q", got, want)
	}
	if got, want := Filename(o.Name, pep440.MustParse("1.0-RC1"), Zip), "my_project-1.0rc1.zip"; got != want {
		t.Errorf("Filename = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		in   string
		want Format
		ok   bool
	}{{"a-1.tar.gz", TarGz, true}, {"a-1.ZIP", Zip, true}, {"a-1.tgz", TarGz, true}, {"a-1.tar.bz2", 0, false}, {"a-1.whl", 0, false}} {
		got, ok := FormatOf(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("FormatOf(%q) = %v, %v", tc.in, got, ok)
		}
	}
	for _, s := range []string{"tar.gz", "gztar", "zip", "ZIP"} {
		f, err := ParseFormat(s)
		if err != nil {
			t.Errorf("ParseFormat(%q): %v", s, err)
		}
		if g, _ := ParseFormat(f.String()); g != f {
			t.Errorf("ParseFormat(%q.String()) = %v", s, g)
		}
	}
	if _, err := ParseFormat("bztar"); err == nil {
		t.Error("ParseFormat(bztar) succeeded")
	}
}

func TestRoundTrip(t *testing.T) {
	files := map[string][]byte{
		"PKG-INFO":        []byte(pkgInfo),
		"pyproject.toml":  []byte("[project]\n"),
		"pkg/__init__.py": nil,
		"bin/tool":        []byte("#!/bin/sh\n"),
		"a/very/" + strings.Repeat("long", 30) + ".txt": []byte("long name"),
	}
	exec := map[string]bool{"bin/tool": true}
	for _, f := range []Format{TarGz, Zip} {
		t.Run(f.String(), func(t *testing.T) {
			data, err := Bytes(opts(f), files, exec)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Bytes(opts(f), files, exec)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, again) {
				t.Error("two writes of the same files differ")
			}
			got := map[string]string{}
			gotExec := map[string]bool{}
			info, err := Unpack(bytes.NewReader(data), int64(len(data)), f, archive.DefaultLimits(), func(fl File, r io.Reader) error {
				b, err := io.ReadAll(r)
				got[fl.Name] = string(b)
				if fl.Executable {
					gotExec[fl.Name] = true
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for n, d := range files {
				want[n] = string(d)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(exec, gotExec); diff != "" {
				t.Errorf("executables (-want +got):\n%s", diff)
			}
			if info.TopDir != "my_project-1.0.0" || info.Metadata.Name != "My.Project" {
				t.Errorf("info = %q %q", info.TopDir, info.Metadata.Name)
			}
			var names []string
			for _, fl := range info.Files {
				names = append(names, fl.Name)
			}
			sorted := append([]string(nil), names...)
			slices.Sort(sorted)
			if diff := cmp.Diff(sorted, names); diff != "" {
				t.Errorf("members not sorted (-sorted +archive):\n%s", diff)
			}
		})
	}
}

func TestTarHeaders(t *testing.T) {
	data, err := Bytes(opts(TarGz), map[string][]byte{"PKG-INFO": []byte(pkgInfo), "x.py": []byte("x")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if !gz.ModTime.IsZero() || gz.Name != "" {
		t.Errorf("gzip header carries time %v / name %q", gz.ModTime, gz.Name)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" || h.Mode != 0o644 || h.ModTime.Unix() != 1700000000 {
			t.Errorf("%s: uid %d gid %d uname %q gname %q mode %o mtime %v", h.Name, h.Uid, h.Gid, h.Uname, h.Gname, h.Mode, h.ModTime)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{"no PKG-INFO", map[string][]byte{"a.py": nil}, "no PKG-INFO"},
		{"other name", map[string][]byte{"PKG-INFO": []byte("Metadata-Version: 2.4\nName: other\nVersion: 1.0.0\n")}, `Name "other" is not the sdist's name`},
		{"other version", map[string][]byte{"PKG-INFO": []byte("Metadata-Version: 2.4\nName: my-project\nVersion: 1.0.1\n")}, "Version 1.0.1 is not"},
		{"old metadata", map[string][]byte{"PKG-INFO": []byte("Metadata-Version: 2.1\nName: my-project\nVersion: 1.0\n")}, "older than 2.2"},
		{"unclean name", map[string][]byte{"PKG-INFO": []byte(pkgInfo), "./a.py": nil}, "not a clean file path"},
		{"escape", map[string][]byte{"PKG-INFO": []byte(pkgInfo), "../a.py": nil}, "escapes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Bytes(opts(TarGz), tc.files, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

type member struct {
	name string
	typ  byte
	body string
	link string
}

func rawTarGz(t testing.TB, ms []member) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, m := range ms {
		h := &tar.Header{Name: m.name, Typeflag: m.typ, Mode: 0o644, Size: int64(len(m.body)), Linkname: m.link}
		if m.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(m.body)); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func rawZip(t testing.TB, ms []member) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range ms {
		w, err := zw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(m.body))
	}
	zw.Close()
	return buf.Bytes()
}

func TestUnpackRefuses(t *testing.T) {
	pi := member{name: "p-1/PKG-INFO", typ: tar.TypeReg, body: pkgInfo}
	tests := []struct {
		name    string
		members []member
		want    string
		is      error
	}{
		{"ok with directory entries", []member{{name: "p-1/", typ: tar.TypeDir}, pi, {name: "p-1/a/", typ: tar.TypeDir}}, "", nil},
		{"no PKG-INFO", []member{{name: "p-1/setup.py", typ: tar.TypeReg}}, "", ErrNoPkgInfo},
		{"PKG-INFO deeper", []member{{name: "p-1/sub/PKG-INFO", typ: tar.TypeReg, body: pkgInfo}}, "", ErrNoPkgInfo},
		{"two top dirs", []member{pi, {name: "q-1/x", typ: tar.TypeReg}}, "outside", ErrLayout},
		{"file at top", []member{{name: "setup.py", typ: tar.TypeReg}, pi}, "", ErrLayout},
		{"escape", []member{pi, {name: "p-1/../../etc/x", typ: tar.TypeReg}}, "..", nil},
		{"absolute", []member{{name: "/p-1/x", typ: tar.TypeReg}}, "absolute", nil},
		{"symlink", []member{pi, {name: "p-1/l", typ: tar.TypeSymlink, link: "PKG-INFO"}}, "symbolic links", nil},
		{"hard link", []member{pi, {name: "p-1/l", typ: tar.TypeLink, link: "p-1/PKG-INFO"}}, "hard links", nil},
		{"bad PKG-INFO", []member{{name: "p-1/PKG-INFO", typ: tar.TypeReg, body: "no colon here\n"}}, "PKG-INFO", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := rawTarGz(t, tc.members)
			_, err := Unpack(bytes.NewReader(data), int64(len(data)), TarGz, archive.DefaultLimits(), nil)
			if tc.want == "" && tc.is == nil {
				if err != nil {
					t.Fatalf("Unpack: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Unpack succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("zip two top dirs", func(t *testing.T) {
		data := rawZip(t, []member{{name: "p-1/PKG-INFO", body: pkgInfo}, {name: "q/x"}})
		_, err := Unpack(bytes.NewReader(data), int64(len(data)), Zip, archive.DefaultLimits(), nil)
		if !errors.Is(err, ErrLayout) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("zip escape", func(t *testing.T) {
		data := rawZip(t, []member{{name: "p-1/PKG-INFO", body: pkgInfo}, {name: "p-1/../../x"}})
		if _, err := Unpack(bytes.NewReader(data), int64(len(data)), Zip, archive.DefaultLimits(), nil); err == nil {
			t.Error("Unpack succeeded")
		}
	})
	t.Run("not gzip", func(t *testing.T) {
		data := []byte("plain text")
		if _, err := Unpack(bytes.NewReader(data), int64(len(data)), TarGz, archive.DefaultLimits(), nil); err == nil {
			t.Error("Unpack succeeded")
		}
	})
	t.Run("callback error stops", func(t *testing.T) {
		data := rawTarGz(t, []member{pi, {name: "p-1/x", typ: tar.TypeReg}})
		stop := errors.New("stop")
		_, err := Unpack(bytes.NewReader(data), int64(len(data)), TarGz, archive.DefaultLimits(), func(File, io.Reader) error { return stop })
		if !errors.Is(err, stop) {
			t.Errorf("err = %v", err)
		}
	})
}

func FuzzUnpack(f *testing.F) {
	good, err := Bytes(opts(TarGz), map[string][]byte{"PKG-INFO": []byte(pkgInfo), "a.py": []byte("a")}, nil)
	if err != nil {
		f.Fatal(err)
	}
	goodZip, err := Bytes(opts(Zip), map[string][]byte{"PKG-INFO": []byte(pkgInfo), "a.py": []byte("a")}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, false)
	f.Add(goodZip, true)
	f.Add(rawTarGz(f, []member{{name: "p-1/../x", typ: tar.TypeReg}}), false)
	f.Add([]byte{}, false)
	f.Fuzz(func(t *testing.T, data []byte, isZip bool) {
		format := TarGz
		if isZip {
			format = Zip
		}
		lim := archive.DefaultLimits()
		lim.MaxTotalSize = 1 << 20
		lim.MaxEntrySize = 1 << 20
		info, err := Unpack(bytes.NewReader(data), int64(len(data)), format, lim, nil)
		if err != nil {
			return
		}
		if info.TopDir == "" || strings.Contains(info.TopDir, "/") {
			t.Errorf("top dir %q", info.TopDir)
		}
		for _, fl := range info.Files {
			if c, err := archive.CleanName(fl.Name); err != nil || c != fl.Name {
				t.Errorf("unclean file %q", fl.Name)
			}
		}
	})
}
