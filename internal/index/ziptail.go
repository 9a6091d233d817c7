package index

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"path"
	"strings"

	"ferry/internal/pkgname"
)

// Reading one member of a remote zip (a wheel's METADATA) with a few range
// requests: the tail of the file holds the end-of-central-directory record
// and, for wheels, usually the whole central directory and the .dist-info
// members too, so most wheels cost one request.
//
// Every offset and length read from the archive is checked against the file
// size and the limits below before it is used; arbitrary bytes give an
// error, never a panic or an unbounded allocation.

const (
	// tailSize is how much of a wheel's end is fetched first: the EOCD record
	// (22 bytes plus a comment of up to 64 KiB) and usually the central
	// directory and the .dist-info files.
	tailSize = 64 << 10
	// maxCentralDirectory bounds the central directory we are willing to
	// fetch and parse.
	maxCentralDirectory = 64 << 20
	// maxMetadataSize bounds a METADATA member, compressed or not.
	maxMetadataSize = 16 << 20
)

const (
	sigEOCD          = 0x06054b50
	sigZip64EOCD     = 0x06064b50
	sigZip64Locator  = 0x07064b50
	sigCentralHeader = 0x02014b50
	sigLocalHeader   = 0x04034b50
	eocdLen          = 22
	zip64LocatorLen  = 20
	zip64EOCDLen     = 56
	centralHeaderLen = 46
	localHeaderLen   = 30
)

// errNotZip is wrapped by every error about a malformed archive.
var errNotZip = errors.New("not a valid zip archive")

func zipErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errNotZip}, args...)...)
}

// ranger reads byte ranges of a remote file of known size.
type ranger interface {
	// ReadRange returns exactly n bytes starting at off.
	ReadRange(ctx context.Context, off, n int64) ([]byte, error)
}

// zipTail is the end of a file of size total, starting at offset start.
type zipTail struct {
	data  []byte
	start int64
	total int64
}

// slice returns [off, off+n) when the tail holds it.
func (t zipTail) slice(off, n int64) ([]byte, bool) {
	if off < t.start || n < 0 || off+n > t.start+int64(len(t.data)) {
		return nil, false
	}
	return t.data[off-t.start : off-t.start+n], true
}

// read returns [off, off+n), from the tail when it holds the range and
// through r otherwise.
func (t zipTail) read(ctx context.Context, r ranger, off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off+n > t.total {
		return nil, zipErrorf("range %d+%d outside the file (%d bytes)", off, n, t.total)
	}
	if b, ok := t.slice(off, n); ok {
		return b, nil
	}
	if r == nil {
		return nil, zipErrorf("range %d+%d not available", off, n)
	}
	b, err := r.ReadRange(ctx, off, n)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != n {
		return nil, zipErrorf("short range read: %d of %d bytes", len(b), n)
	}
	return b, nil
}

// zipDir is the location of a central directory.
type zipDir struct {
	offset, size, entries uint64
}

// cdEntry is one central directory record.
type cdEntry struct {
	name        string
	flags       uint16
	method      uint16
	crc         uint32
	compSize    uint64
	size        uint64
	localOffset uint64
}

// findDirectory locates the central directory from the tail.
func findDirectory(ctx context.Context, r ranger, t zipTail) (zipDir, error) {
	if int64(len(t.data)) < eocdLen {
		return zipDir{}, zipErrorf("file too short for an end-of-central-directory record")
	}
	pos := -1
	for i := len(t.data) - eocdLen; i >= 0 && len(t.data)-i <= eocdLen+0xffff; i-- {
		if binary.LittleEndian.Uint32(t.data[i:]) == sigEOCD {
			commentLen := int(binary.LittleEndian.Uint16(t.data[i+20:]))
			if i+eocdLen+commentLen <= len(t.data) {
				pos = i
				break
			}
		}
	}
	if pos < 0 {
		return zipDir{}, zipErrorf("no end-of-central-directory record")
	}
	e := t.data[pos:]
	d := zipDir{
		entries: uint64(binary.LittleEndian.Uint16(e[10:])),
		size:    uint64(binary.LittleEndian.Uint32(e[12:])),
		offset:  uint64(binary.LittleEndian.Uint32(e[16:])),
	}
	if d.entries == 0xffff || d.size == 0xffffffff || d.offset == 0xffffffff {
		eocdAt := t.start + int64(pos)
		if eocdAt < zip64LocatorLen {
			return zipDir{}, zipErrorf("zip64 locator missing")
		}
		loc, err := t.read(ctx, r, eocdAt-zip64LocatorLen, zip64LocatorLen)
		if err != nil {
			return zipDir{}, err
		}
		if binary.LittleEndian.Uint32(loc) != sigZip64Locator {
			return zipDir{}, zipErrorf("zip64 locator missing")
		}
		recAt := binary.LittleEndian.Uint64(loc[8:])
		if recAt > uint64(t.total) || int64(recAt) > t.total-zip64EOCDLen {
			return zipDir{}, zipErrorf("zip64 record offset %d outside the file", recAt)
		}
		rec, err := t.read(ctx, r, int64(recAt), zip64EOCDLen)
		if err != nil {
			return zipDir{}, err
		}
		if binary.LittleEndian.Uint32(rec) != sigZip64EOCD {
			return zipDir{}, zipErrorf("bad zip64 end-of-central-directory record")
		}
		d.entries = binary.LittleEndian.Uint64(rec[32:])
		d.size = binary.LittleEndian.Uint64(rec[40:])
		d.offset = binary.LittleEndian.Uint64(rec[48:])
	}
	if d.size > maxCentralDirectory {
		return zipDir{}, zipErrorf("central directory of %d bytes is too large", d.size)
	}
	if d.offset > uint64(t.total) || d.size > uint64(t.total)-d.offset {
		return zipDir{}, zipErrorf("central directory (%d bytes at %d) outside the file (%d bytes)", d.size, d.offset, t.total)
	}
	if d.entries > d.size/centralHeaderLen {
		return zipDir{}, zipErrorf("central directory claims %d entries in %d bytes", d.entries, d.size)
	}
	return d, nil
}

// parseDirectory reads the records of a central directory.
func parseDirectory(b []byte, entries uint64) ([]cdEntry, error) {
	out := make([]cdEntry, 0, min(entries, 1<<16))
	for i := uint64(0); i < entries; i++ {
		if len(b) < centralHeaderLen {
			return nil, zipErrorf("central directory truncated at entry %d", i)
		}
		if binary.LittleEndian.Uint32(b) != sigCentralHeader {
			return nil, zipErrorf("bad central directory signature at entry %d", i)
		}
		e := cdEntry{
			flags:       binary.LittleEndian.Uint16(b[8:]),
			method:      binary.LittleEndian.Uint16(b[10:]),
			crc:         binary.LittleEndian.Uint32(b[16:]),
			compSize:    uint64(binary.LittleEndian.Uint32(b[20:])),
			size:        uint64(binary.LittleEndian.Uint32(b[24:])),
			localOffset: uint64(binary.LittleEndian.Uint32(b[42:])),
		}
		nameLen := int(binary.LittleEndian.Uint16(b[28:]))
		extraLen := int(binary.LittleEndian.Uint16(b[30:]))
		commentLen := int(binary.LittleEndian.Uint16(b[32:]))
		rest := b[centralHeaderLen:]
		if len(rest) < nameLen+extraLen+commentLen {
			return nil, zipErrorf("central directory truncated at entry %d", i)
		}
		e.name = string(rest[:nameLen])
		if err := e.zip64(rest[nameLen : nameLen+extraLen]); err != nil {
			return nil, err
		}
		out = append(out, e)
		b = rest[nameLen+extraLen+commentLen:]
	}
	return out, nil
}

// zip64 applies a zip64 extended-information extra field.
func (e *cdEntry) zip64(extra []byte) error {
	for len(extra) >= 4 {
		id := binary.LittleEndian.Uint16(extra)
		n := int(binary.LittleEndian.Uint16(extra[2:]))
		if len(extra) < 4+n {
			return zipErrorf("member %q: truncated extra field", e.name)
		}
		field := extra[4 : 4+n]
		extra = extra[4+n:]
		if id != 0x0001 {
			continue
		}
		next := func(v *uint64) error {
			if *v != 0xffffffff {
				return nil
			}
			if len(field) < 8 {
				return zipErrorf("member %q: truncated zip64 field", e.name)
			}
			*v = binary.LittleEndian.Uint64(field)
			field = field[8:]
			return nil
		}
		for _, v := range []*uint64{&e.size, &e.compSize, &e.localOffset} {
			if err := next(v); err != nil {
				return err
			}
		}
	}
	return nil
}

// metadataMember picks the wheel's METADATA among the directory entries:
// "<name>-<version>.dist-info/METADATA" at the top level. With several
// .dist-info directories, the one whose name normalizes to project wins.
func metadataMember(entries []cdEntry, project pkgname.Name) (cdEntry, error) {
	var found []cdEntry
	for _, e := range entries {
		dir, file := path.Split(e.name)
		if file != "METADATA" || strings.Count(dir, "/") != 1 || !strings.HasSuffix(dir, ".dist-info/") {
			continue
		}
		found = append(found, e)
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) == 0:
		return cdEntry{}, fmt.Errorf("no .dist-info/METADATA in the wheel")
	}
	var match []cdEntry
	for _, e := range found {
		stem := strings.TrimSuffix(path.Dir(e.name), ".dist-info")
		name, _, _ := strings.Cut(stem, "-")
		if project != "" && pkgname.Normalize(name) == string(project) {
			match = append(match, e)
		}
	}
	if len(match) != 1 {
		return cdEntry{}, fmt.Errorf("the wheel has %d .dist-info directories", len(found))
	}
	return match[0], nil
}

// readMember returns the uncompressed content of e, checking its size and
// CRC-32.
func readMember(ctx context.Context, r ranger, t zipTail, e cdEntry) ([]byte, error) {
	if e.compSize > maxMetadataSize || e.size > maxMetadataSize {
		return nil, zipErrorf("member %q is too large (%d bytes)", e.name, e.size)
	}
	if e.flags&0x1 != 0 {
		return nil, zipErrorf("member %q is encrypted", e.name)
	}
	if e.localOffset > uint64(t.total) || int64(e.localOffset) > t.total-localHeaderLen {
		return nil, zipErrorf("member %q: local header outside the file", e.name)
	}
	// Read the local header, its name and (hopefully) the data in one go,
	// guessing that the local extra field is as long as it usually is (0 to
	// a few dozen bytes).
	off := int64(e.localOffset)
	guess := min(int64(localHeaderLen+len(e.name)+64)+int64(e.compSize), t.total-off)
	b, err := t.read(ctx, r, off, guess)
	if err != nil {
		return nil, err
	}
	if binary.LittleEndian.Uint32(b) != sigLocalHeader {
		return nil, zipErrorf("member %q: bad local header signature", e.name)
	}
	nameLen := int64(binary.LittleEndian.Uint16(b[26:]))
	extraLen := int64(binary.LittleEndian.Uint16(b[28:]))
	dataAt := localHeaderLen + nameLen + extraLen
	end := dataAt + int64(e.compSize)
	if off+end > t.total {
		return nil, zipErrorf("member %q: data outside the file", e.name)
	}
	var comp []byte
	if end <= int64(len(b)) {
		comp = b[dataAt:end]
	} else {
		comp, err = t.read(ctx, r, off+dataAt, int64(e.compSize))
		if err != nil {
			return nil, err
		}
	}
	var data []byte
	switch e.method {
	case 0: // stored
		data = comp
	case 8: // deflate
		fr := flate.NewReader(bytes.NewReader(comp))
		data, err = io.ReadAll(io.LimitReader(fr, int64(e.size)+1))
		fr.Close()
		if err != nil {
			return nil, zipErrorf("member %q: %v", e.name, err)
		}
	default:
		return nil, zipErrorf("member %q: unsupported compression method %d", e.name, e.method)
	}
	if uint64(len(data)) != e.size {
		return nil, zipErrorf("member %q: %d bytes, the directory says %d", e.name, len(data), e.size)
	}
	if crc32.ChecksumIEEE(data) != e.crc {
		return nil, zipErrorf("member %q: CRC-32 mismatch", e.name)
	}
	return bytes.Clone(data), nil
}

// readZipMetadata reads a wheel's METADATA given the tail of the file and a
// ranger for anything outside it.
func readZipMetadata(ctx context.Context, r ranger, t zipTail, project pkgname.Name) ([]byte, error) {
	d, err := findDirectory(ctx, r, t)
	if err != nil {
		return nil, err
	}
	cd, err := t.read(ctx, r, int64(d.offset), int64(d.size))
	if err != nil {
		return nil, err
	}
	entries, err := parseDirectory(cd, d.entries)
	if err != nil {
		return nil, err
	}
	e, err := metadataMember(entries, project)
	if err != nil {
		return nil, err
	}
	return readMember(ctx, r, t, e)
}
