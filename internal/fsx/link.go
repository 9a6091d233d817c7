package fsx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// LinkMode says how Place puts a file at its destination. The zero value is
// LinkClone, the cheapest mode that still gives an independent file.
type LinkMode uint8

// The link modes, in the order Place falls back through them.
const (
	// LinkClone makes a copy-on-write clone (a reflink: FICLONE on Linux,
	// clonefile on macOS). The new file shares blocks with the source until
	// either is written, so it costs no space and is safe to modify.
	LinkClone LinkMode = iota
	// LinkHardlink makes a hard link: the destination is the same inode as
	// the source, so writing one changes the other.
	LinkHardlink
	// LinkCopy copies the bytes.
	LinkCopy
)

// String returns the mode's canonical name: "clone", "hardlink" or "copy".
func (m LinkMode) String() string {
	switch m {
	case LinkClone:
		return "clone"
	case LinkHardlink:
		return "hardlink"
	case LinkCopy:
		return "copy"
	}
	return fmt.Sprintf("LinkMode(%d)", uint8(m))
}

// ParseLinkMode parses a mode's canonical name.
func ParseLinkMode(s string) (LinkMode, error) {
	switch s {
	case "clone":
		return LinkClone, nil
	case "hardlink":
		return LinkHardlink, nil
	case "copy":
		return LinkCopy, nil
	}
	return 0, fmt.Errorf("invalid link mode %q (want clone, hardlink or copy)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (m LinkMode) MarshalText() ([]byte, error) {
	if m > LinkCopy {
		return nil, fmt.Errorf("invalid link mode %d", uint8(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *LinkMode) UnmarshalText(b []byte) error {
	v, err := ParseLinkMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Place puts a file with src's content and permission bits (the executable
// bit included) at dst, replacing dst atomically if it exists. It tries mode
// first and, when that mode is not possible between the two paths (a
// different filesystem, no reflink support, hard links forbidden or at
// their limit), falls back along clone → hardlink → copy. It returns the
// mode it used. src must be a regular file; dst's directory must exist.
//
// A hard link shares the inode with src: the permission bits are src's
// by construction, and a later write through either name shows in both.
func Place(src, dst string, mode LinkMode) (LinkMode, error) {
	if mode > LinkCopy {
		return mode, fmt.Errorf("placing %s: invalid link mode %d", dst, uint8(mode))
	}
	st, err := os.Stat(src)
	if err != nil {
		return mode, fmt.Errorf("placing %s: %w", dst, err)
	}
	if !st.Mode().IsRegular() {
		return mode, fmt.Errorf("placing %s: source %s is not a regular file", dst, src)
	}
	perm := st.Mode().Perm()
	for m := mode; m <= LinkCopy; m++ {
		tmp, err := tempName(dst)
		if err != nil {
			return m, fmt.Errorf("placing %s: %w", dst, err)
		}
		switch m {
		case LinkClone:
			err = cloneFile(src, tmp, perm)
		case LinkHardlink:
			err = os.Link(src, tmp)
		case LinkCopy:
			err = copyFile(src, tmp, perm)
		}
		if err != nil {
			os.Remove(tmp)
			if m < LinkCopy && canFallBack(err) {
				continue
			}
			return m, fmt.Errorf("placing %s by %s: %w", dst, m, err)
		}
		if err := os.Rename(tmp, dst); err != nil {
			os.Remove(tmp)
			return m, fmt.Errorf("placing %s: %w", dst, err)
		}
		// Renaming one hard link over another of the same inode is a
		// no-op that leaves the temporary name behind.
		if m == LinkHardlink {
			os.Remove(tmp)
		}
		return m, nil
	}
	return LinkCopy, fmt.Errorf("placing %s: no link mode left to try", dst)
}

// canFallBack reports whether err means "this link mode cannot work here"
// rather than a failure any mode would hit.
func canFallBack(err error) bool {
	return errors.Is(err, errors.ErrUnsupported) || isLinkModeErrno(err)
}

// tempName returns an unused name in dst's directory for building dst.
func tempName(dst string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	dir, base := filepath.Split(dst)
	return filepath.Join(dir, "."+base+".fsx-"+hex.EncodeToString(b[:])), nil
}

// copyFile copies src's bytes to a new file dst with permissions perm.
func copyFile(src, dst string, perm fs.FileMode) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err = io.Copy(out, in); err != nil {
		return err
	}
	// The umask may have cleared bits of perm at creation.
	return out.Chmod(perm)
}

// CopyTree copies the directory tree at src to dst; see LinkTree.
func CopyTree(ctx context.Context, src, dst string) error {
	_, err := LinkTree(ctx, src, dst, LinkCopy)
	return err
}

// LinkTree recreates the directory tree at src under dst, placing each
// regular file with Place in mode and recreating symbolic links as they are
// (their targets are not followed or rewritten). Directories keep their
// permission bits; existing files in dst are replaced. Once a file needs a
// fallback mode the rest of the tree uses it too. LinkTree returns the mode
// the last file was placed with, and stops at the first error or when ctx
// ends. Entries other than files, directories and symbolic links are an
// error.
func LinkTree(ctx context.Context, src, dst string, mode LinkMode) (LinkMode, error) {
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch t := d.Type(); {
		case t.IsDir():
			info, err := d.Info()
			if err != nil {
				return err
			}
			if err := os.MkdirAll(target, info.Mode().Perm()|0o700); err != nil {
				return err
			}
			return os.Chmod(target, info.Mode().Perm()|0o700)
		case t&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return os.Symlink(link, target)
		case t.IsRegular():
			used, err := Place(path, target, mode)
			mode = used
			return err
		default:
			return fmt.Errorf("%s: unsupported file type %s", path, t)
		}
	})
	if err != nil {
		return mode, fmt.Errorf("linking %s to %s: %w", src, dst, err)
	}
	return mode, nil
}
