package sdist

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"

	"ferry/internal/archive"
	"ferry/internal/coremeta"
)

// ErrNoPkgInfo is wrapped by Unpack's error for an archive whose top-level
// directory holds no PKG-INFO.
var ErrNoPkgInfo = errors.New("no PKG-INFO in the top-level directory")

// ErrLayout is wrapped by Unpack's error for an archive whose members are
// not all inside one top-level directory.
var ErrLayout = errors.New("members must all be inside one top-level directory")

// File is one regular file of an sdist, as Unpack reports it.
type File struct {
	// Top is the archive's top-level directory ("my_project-1.0").
	Top string
	// Name is the path below the top-level directory ("pkg/__init__.py").
	Name string
	// Executable reports an owner-executable mode bit.
	Executable bool
}

// Info describes an unpacked sdist.
type Info struct {
	// TopDir is the top-level directory ("my_project-1.0").
	TopDir string
	// Metadata is PKG-INFO, parsed.
	Metadata coremeta.Metadata
	// Files are the regular files in archive order, PKG-INFO included.
	Files []File
}

// Unpack reads the sdist (r holds size bytes, in format f), checks every
// member (see the package documentation) and calls fn with each regular
// file and a reader of exactly its bytes. Directories are not reported.
// fn's error stops the walk and is returned. A nil fn only checks.
func Unpack(r io.ReaderAt, size int64, f Format, lim archive.Limits, fn func(File, io.Reader) error) (*Info, error) {
	u := &unpacker{fn: fn}
	var err error
	if f == Zip {
		err = u.zip(r, size, lim)
	} else {
		err = u.tarGz(io.NewSectionReader(r, 0, size), lim)
	}
	if err != nil {
		return nil, err
	}
	if u.pkgInfo == nil {
		return nil, fmt.Errorf("sdist: %w", ErrNoPkgInfo)
	}
	m, err := coremeta.Parse(u.pkgInfo)
	if err != nil {
		return nil, fmt.Errorf("sdist: %s/%s: %w", u.top, PkgInfoFile, err)
	}
	return &Info{TopDir: u.top, Metadata: m, Files: u.files}, nil
}

type unpacker struct {
	fn      func(File, io.Reader) error
	top     string
	pkgInfo []byte
	files   []File
}

// place checks a clean member name against the single top directory and
// returns the path below it ("" for the top directory itself).
func (u *unpacker) place(name string, dir bool) (string, error) {
	top, rest, cut := strings.Cut(name, "/")
	if !cut && !dir {
		return "", fmt.Errorf("sdist: member %q: %w", name, ErrLayout)
	}
	if u.top == "" {
		u.top = top
	} else if top != u.top {
		return "", fmt.Errorf("sdist: member %q is outside %q: %w", name, u.top+"/", ErrLayout)
	}
	return rest, nil
}

func (u *unpacker) file(rel string, exec bool, body io.Reader) error {
	f := File{Top: u.top, Name: rel, Executable: exec}
	if rel == PkgInfoFile {
		data, err := io.ReadAll(body)
		if err != nil {
			return fmt.Errorf("sdist: reading %s: %w", PkgInfoFile, err)
		}
		u.pkgInfo = data
		body = bytes.NewReader(data)
	}
	u.files = append(u.files, f)
	if u.fn == nil {
		_, err := io.Copy(io.Discard, body)
		return err
	}
	return u.fn(f, body)
}

func (u *unpacker) tarGz(r io.Reader, lim archive.Limits) error {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("sdist: reading gzip: %w", err)
	}
	defer gz.Close()
	err = archive.WalkTar(gz, archive.TarOptions{Limits: lim}, func(e archive.TarEntry, body io.Reader) error {
		dir := e.Header.Typeflag == '5'
		rel, err := u.place(e.Name, dir)
		if err != nil || dir {
			return err
		}
		return u.file(rel, e.Header.Mode&0o100 != 0, body)
	})
	if err != nil {
		return fmt.Errorf("sdist: %w", err)
	}
	return nil
}

func (u *unpacker) zip(r io.ReaderAt, size int64, lim archive.Limits) error {
	zr, err := archive.NewZipReader(r, size)
	if err != nil {
		return fmt.Errorf("sdist: reading zip: %w", err)
	}
	entries, err := archive.CheckZip(zr, lim)
	if err != nil {
		return fmt.Errorf("sdist: %w", err)
	}
	for _, e := range entries {
		rel, err := u.place(e.Name, false)
		if err != nil {
			return err
		}
		rc, err := e.Open()
		if err != nil {
			return fmt.Errorf("sdist: %w", err)
		}
		err = u.file(rel, e.File.Mode()&0o100 != 0, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
