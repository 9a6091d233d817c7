package archive

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	kflate "github.com/klauspost/compress/flate"
)

// Limits bound what an archive may expand to.
type Limits struct {
	MaxEntries   int
	MaxEntrySize int64
	MaxTotalSize int64
	// MaxRatio is the largest allowed uncompressed/compressed ratio of a
	// member larger than 1 MiB (small members compress well legitimately).
	MaxRatio int64
}

// DefaultLimits suit wheels and sdists: generous for real packages (the
// largest wheels on PyPI are a few GiB unpacked), fatal for bombs.
func DefaultLimits() Limits {
	return Limits{
		MaxEntries:   200_000,
		MaxEntrySize: 4 << 30,
		MaxTotalSize: 16 << 30,
		MaxRatio:     200,
	}
}

// MemberError reports a member that failed a check.
type MemberError struct {
	Member string
	Reason string
}

func (e *MemberError) Error() string {
	return fmt.Sprintf("member %q: %s", e.Member, e.Reason)
}

// ErrTooLarge is wrapped by errors about sizes and ratios.
var ErrTooLarge = errors.New("archive too large")

// CleanName validates a member name and returns it in clean form (no "./",
// no duplicate slashes, no trailing slash).
func CleanName(name string) (string, error) {
	bad := func(reason string) (string, error) { return "", &MemberError{Member: name, Reason: reason} }
	if name == "" {
		return bad("empty name")
	}
	if strings.ContainsRune(name, 0) {
		return bad("name contains NUL")
	}
	if strings.Contains(name, "\\") {
		return bad("name contains a backslash")
	}
	if strings.HasPrefix(name, "/") {
		return bad("absolute path")
	}
	if len(name) >= 2 && name[1] == ':' {
		return bad("absolute path (drive letter)")
	}
	clean := path.Clean(name)
	if clean == "." {
		return bad("names the archive root")
	}
	if len(clean) >= 2 && clean[1] == ':' {
		return bad("absolute path (drive letter)") // "./C:" cleans to "C:"
	}
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return bad("path escapes the archive root")
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return bad("path contains \"..\"")
		}
	}
	return clean, nil
}

// CheckLinkTarget reports whether a symlink member at name pointing to
// target stays inside the archive root.
func CheckLinkTarget(name, target string) error {
	if target == "" || strings.HasPrefix(target, "/") || strings.ContainsRune(target, 0) || strings.Contains(target, "\\") {
		return &MemberError{Member: name, Reason: fmt.Sprintf("link target %q is absolute or invalid", target)}
	}
	resolved := path.Join(path.Dir(name), target)
	if resolved == ".." || strings.HasPrefix(resolved, "../") {
		return &MemberError{Member: name, Reason: fmt.Sprintf("link target %q points outside the archive", target)}
	}
	return nil
}

// ZipEntry is one checked member of a zip archive.
type ZipEntry struct {
	Name string // clean name
	File *zip.File
}

// CheckZip checks every member of r against lim and returns the regular
// files (directories are dropped) in archive order. Symbolic links are
// refused: wheels and sdists have no business carrying them.
func CheckZip(r *zip.Reader, lim Limits) ([]ZipEntry, error) {
	if len(r.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%w: %d members (limit %d)", ErrTooLarge, len(r.File), lim.MaxEntries)
	}
	seen := make(map[string]bool, len(r.File))
	var total uint64
	out := make([]ZipEntry, 0, len(r.File))
	for _, f := range r.File {
		clean, err := CleanName(f.Name)
		if err != nil {
			return nil, err
		}
		if seen[clean] {
			return nil, &MemberError{Member: f.Name, Reason: "duplicate member"}
		}
		seen[clean] = true
		mode := f.Mode()
		if mode&0o170000 == 0o120000 || mode.Type()&(1<<27) != 0 { // symlink
			return nil, &MemberError{Member: f.Name, Reason: "symbolic links are not allowed"}
		}
		if strings.HasSuffix(f.Name, "/") || mode.IsDir() {
			continue
		}
		if !mode.IsRegular() && mode.Type() != 0 {
			return nil, &MemberError{Member: f.Name, Reason: "not a regular file"}
		}
		if f.UncompressedSize64 > uint64(lim.MaxEntrySize) {
			return nil, &MemberError{Member: f.Name, Reason: fmt.Sprintf("%v: %d bytes (limit %d)", ErrTooLarge, f.UncompressedSize64, lim.MaxEntrySize)}
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxTotalSize) {
			return nil, fmt.Errorf("%w: more than %d bytes uncompressed", ErrTooLarge, lim.MaxTotalSize)
		}
		if f.UncompressedSize64 > 1<<20 {
			comp := max(f.CompressedSize64, 1)
			if f.UncompressedSize64/comp > uint64(lim.MaxRatio) {
				return nil, &MemberError{Member: f.Name, Reason: fmt.Sprintf("compression ratio %d exceeds %d (zip bomb?)", f.UncompressedSize64/comp, lim.MaxRatio)}
			}
		}
		out = append(out, ZipEntry{Name: clean, File: f})
	}
	return out, nil
}

// Open opens a checked zip member for reading. The reader fails if the
// member yields more bytes than its header declares.
func (e ZipEntry) Open() (io.ReadCloser, error) {
	rc, err := e.File.Open()
	if err != nil {
		return nil, fmt.Errorf("member %q: %w", e.Name, err)
	}
	return &boundedReader{rc: rc, left: int64(e.File.UncompressedSize64), name: e.Name}, nil
}

type boundedReader struct {
	rc   io.ReadCloser
	left int64
	name string
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Anything more than declared is an error; probe for one byte.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, &MemberError{Member: b.name, Reason: "member is larger than its header declares"}
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if err == io.EOF && b.left > 0 {
		return n, &MemberError{Member: b.name, Reason: "member is shorter than its header declares"}
	}
	return n, err
}

func (b *boundedReader) Close() error { return b.rc.Close() }

// NewZipReader opens a zip archive with a faster DEFLATE decoder than the
// standard library's (github.com/klauspost/compress/flate): unpacking wheels
// is mostly decompression once the file system is fast.
func NewZipReader(r io.ReaderAt, size int64) (*zip.Reader, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return kflate.NewReader(r) })
	return zr, nil
}
