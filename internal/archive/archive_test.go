package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"time"
)

func zipOf(t *testing.T, build func(zw *zip.Writer)) *zip.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	build(zw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func add(zw *zip.Writer, name, content string) {
	w, _ := zw.Create(name)
	io.WriteString(w, content)
}

func TestCleanName(t *testing.T) {
	good := map[string]string{"a/b.py": "a/b.py", "./a//b": "a/b", "dir/": "dir", "a/./b": "a/b"}
	for in, want := range good {
		got, err := CleanName(in)
		if err != nil || got != want {
			t.Errorf("CleanName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "/etc/passwd", "../x", "a/../../x", "a/../b", "C:/x", "c:x", "a\\b", "a\x00b", ".", "./"} {
		if _, err := CleanName(in); err == nil {
			t.Errorf("CleanName(%q) accepted", in)
		}
	}
}

func TestCheckZipRejects(t *testing.T) {
	lim := DefaultLimits()
	cases := map[string]func(zw *zip.Writer){
		"traversal": func(zw *zip.Writer) { add(zw, "../evil.py", "x") },
		"absolute":  func(zw *zip.Writer) { add(zw, "/tmp/evil.py", "x") },
		"duplicate": func(zw *zip.Writer) { add(zw, "a.py", "1"); add(zw, "./a.py", "2") },
		"symlink": func(zw *zip.Writer) {
			h := &zip.FileHeader{Name: "link"}
			h.SetMode(0o777 | 1<<27) // fs.ModeSymlink
			w, _ := zw.CreateHeader(h)
			io.WriteString(w, "/etc/passwd")
		},
		"bomb": func(zw *zip.Writer) {
			w, _ := zw.Create("zeros")
			w.Write(make([]byte, 50<<20))
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := CheckZip(zipOf(t, build), lim)
			if err == nil {
				t.Fatal("accepted")
			}
			t.Log(err)
		})
	}
	t.Run("too-many", func(t *testing.T) {
		r := zipOf(t, func(zw *zip.Writer) {
			for i := range 5 {
				add(zw, strings.Repeat("x", i+1), "")
			}
		})
		small := lim
		small.MaxEntries = 4
		if _, err := CheckZip(r, small); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("entry-size", func(t *testing.T) {
		r := zipOf(t, func(zw *zip.Writer) { add(zw, "a", strings.Repeat("x", 100)) })
		small := lim
		small.MaxEntrySize = 99
		if _, err := CheckZip(r, small); err == nil {
			t.Fatal("accepted")
		}
	})
}

func TestLyingHeader(t *testing.T) {
	// A stored member whose header declares 4 bytes but which holds 8.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	content := []byte("12345678")
	h := &zip.FileHeader{Name: "a", Method: zip.Store, CRC32: crc32.ChecksumIEEE(content[:4]),
		CompressedSize64: 8, UncompressedSize64: 4}
	w, _ := zw.CreateRaw(h)
	w.Write(content)
	zw.Close()
	r, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := CheckZip(r, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	rc, err := entries[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(rc); err == nil {
		t.Fatal("read more than declared without error")
	}
}

func TestWalkTar(t *testing.T) {
	build := func(hdrs ...*tar.Header) []byte {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, h := range hdrs {
			tw.WriteHeader(h)
			if h.Size > 0 {
				tw.Write(bytes.Repeat([]byte("x"), int(h.Size)))
			}
		}
		tw.Close()
		return buf.Bytes()
	}
	opts := TarOptions{Limits: DefaultLimits()}
	bad := map[string][]byte{
		"traversal":    build(&tar.Header{Name: "p/../../x", Typeflag: tar.TypeReg, Mode: 0o644}),
		"hardlink":     build(&tar.Header{Name: "p/x", Typeflag: tar.TypeLink, Linkname: "/etc/passwd"}),
		"symlink":      build(&tar.Header{Name: "p/x", Typeflag: tar.TypeSymlink, Linkname: "y"}),
		"device":       build(&tar.Header{Name: "p/x", Typeflag: tar.TypeChar}),
		"dup":          build(&tar.Header{Name: "p/x", Typeflag: tar.TypeReg, Size: 1}, &tar.Header{Name: "p/x", Typeflag: tar.TypeReg, Size: 1}),
		"not-tar-data": []byte(strings.Repeat("garbage!", 200)),
	}
	for name, data := range bad {
		err := WalkTar(bytes.NewReader(data), opts, func(TarEntry, io.Reader) error { return nil })
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	links := TarOptions{Limits: DefaultLimits(), AllowSymlinks: true}
	ok := build(&tar.Header{Name: "p/a/x", Typeflag: tar.TypeSymlink, Linkname: "../y"})
	if err := WalkTar(bytes.NewReader(ok), links, func(TarEntry, io.Reader) error { return nil }); err != nil {
		t.Errorf("inside link refused: %v", err)
	}
	escape := build(&tar.Header{Name: "p/x", Typeflag: tar.TypeSymlink, Linkname: "../../etc"})
	if err := WalkTar(bytes.NewReader(escape), links, func(TarEntry, io.Reader) error { return nil }); err == nil {
		t.Error("escaping link accepted")
	}
}

func TestDeterministicWriters(t *testing.T) {
	entries := []Entry{
		{Name: "pkg/"},
		{Name: "pkg/__init__.py", Data: []byte("x = 1\n")},
		{Name: "pkg/run.sh", Data: []byte("#!/bin/sh\n"), Executable: true},
	}
	mk := func() ([]byte, []byte) {
		var z bytes.Buffer
		zw := NewZipWriter(&z, time.Unix(1700000000, 0), 6)
		for _, e := range entries {
			if err := zw.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		zw.Close()
		var tgz bytes.Buffer
		gz := NewGzipWriter(&tgz)
		tw := NewTarWriter(gz, time.Unix(1700000000, 0))
		tw.Prefix = "pkg-1.0/"
		for _, e := range entries {
			if err := tw.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		tw.Close()
		gz.Close()
		return z.Bytes(), tgz.Bytes()
	}
	z1, t1 := mk()
	time.Sleep(1100 * time.Millisecond)
	z2, t2 := mk()
	if !bytes.Equal(z1, z2) || !bytes.Equal(t1, t2) {
		t.Fatal("writers are not deterministic")
	}
	r, _ := zip.NewReader(bytes.NewReader(z1), int64(len(z1)))
	if m := r.File[2].Mode().Perm(); m != 0o755 {
		t.Errorf("executable mode = %v", m)
	}
	if err := NewZipWriter(io.Discard, time.Time{}, 6).Add(Entry{Name: "../x"}); err == nil {
		t.Error("writer accepted an escaping name")
	}
}

func FuzzCheckZip(f *testing.F) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add(zw, "a/b.py", "print(1)")
	zw.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		entries, err := CheckZip(r, DefaultLimits())
		if err != nil {
			return
		}
		for _, e := range entries {
			if _, err := CleanName(e.Name); err != nil {
				t.Fatalf("checked entry has bad name %q", e.Name)
			}
			if rc, err := e.Open(); err == nil {
				io.Copy(io.Discard, rc)
				rc.Close()
			}
		}
	})
}

func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"a/b", "../x", "/x", "a/./b/", "C:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := CleanName(s)
		if err != nil {
			return
		}
		if strings.HasPrefix(c, "/") || c == ".." || strings.HasPrefix(c, "../") || strings.Contains(c, "/../") {
			t.Fatalf("CleanName(%q) = %q escapes", s, c)
		}
		if c2, err := CleanName(c); err != nil || c2 != c {
			t.Fatalf("CleanName not idempotent: %q -> %q -> %q, %v", s, c, c2, err)
		}
	})
}
