package archive

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
)

// TarEntry is one checked member of a tar stream.
type TarEntry struct {
	Name   string // clean name
	Header *tar.Header
	// Linkname is the clean target of a symlink (relative to the archive
	// root's layout, as written), empty otherwise.
	Linkname string
}

// TarOptions choose what WalkTar accepts beyond regular files and directories.
type TarOptions struct {
	Limits Limits
	// AllowSymlinks admits symbolic links whose target stays inside the root.
	AllowSymlinks bool
}

// WalkTar reads a tar stream, checks each member and calls fn for each
// regular file, directory and (when allowed) symlink. The reader passed to
// fn yields exactly the member's bytes and fails if it yields more than the
// header declared. Hard links, devices and FIFOs are refused.
func WalkTar(r io.Reader, opts TarOptions, fn func(e TarEntry, body io.Reader) error) error {
	tr := tar.NewReader(r)
	seen := map[string]bool{}
	var total int64
	count := 0
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading tar: %w", err)
		}
		switch hdr.Typeflag {
		case tar.TypeXGlobalHeader, tar.TypeXHeader:
			continue
		}
		count++
		if count > opts.Limits.MaxEntries {
			return fmt.Errorf("%w: more than %d members", ErrTooLarge, opts.Limits.MaxEntries)
		}
		clean, err := CleanName(hdr.Name)
		if err != nil {
			return err
		}
		if seen[clean] && hdr.Typeflag != tar.TypeDir {
			return &MemberError{Member: hdr.Name, Reason: "duplicate member"}
		}
		seen[clean] = true
		e := TarEntry{Name: clean, Header: hdr}
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeRegA:
			if hdr.Size < 0 || hdr.Size > opts.Limits.MaxEntrySize {
				return &MemberError{Member: hdr.Name, Reason: fmt.Sprintf("%v: %d bytes (limit %d)", ErrTooLarge, hdr.Size, opts.Limits.MaxEntrySize)}
			}
			total += hdr.Size
			if total > opts.Limits.MaxTotalSize {
				return fmt.Errorf("%w: more than %d bytes uncompressed", ErrTooLarge, opts.Limits.MaxTotalSize)
			}
		case tar.TypeDir:
		case tar.TypeSymlink:
			if !opts.AllowSymlinks {
				return &MemberError{Member: hdr.Name, Reason: "symbolic links are not allowed"}
			}
			if err := CheckLinkTarget(clean, hdr.Linkname); err != nil {
				return err
			}
			e.Linkname = hdr.Linkname
		case tar.TypeLink:
			return &MemberError{Member: hdr.Name, Reason: "hard links are not allowed"}
		default:
			return &MemberError{Member: hdr.Name, Reason: fmt.Sprintf("unsupported member type %q", hdr.Typeflag)}
		}
		if err := fn(e, io.LimitReader(tr, hdr.Size)); err != nil {
			return err
		}
	}
}
