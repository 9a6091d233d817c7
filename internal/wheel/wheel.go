package wheel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"ferry/internal/archive"
	"ferry/internal/coremeta"
	"ferry/internal/distinfo"
	"ferry/internal/distname"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/record"
)

// Error is a refusal of a wheel. Member is the archive member at fault,
// "" when the problem is not one member's.
type Error struct {
	Wheel  string
	Member string
	Err    error
}

func (e *Error) Error() string {
	if e.Member != "" {
		return fmt.Sprintf("wheel %s: member %s: %v", e.Wheel, e.Member, e.Err)
	}
	return fmt.Sprintf("wheel %s: %v", e.Wheel, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Scheme names an installation directory a member goes to: the keys of
// the ".data" directory's subdirectories.
type Scheme string

// The scheme keys a wheel may use.
const (
	Purelib Scheme = "purelib"
	Platlib Scheme = "platlib"
	Headers Scheme = "headers"
	Scripts Scheme = "scripts"
	Data    Scheme = "data"
)

// ValidScheme reports whether s is one of the five scheme keys.
func ValidScheme(s string) bool {
	switch Scheme(s) {
	case Purelib, Platlib, Headers, Scripts, Data:
		return true
	}
	return false
}

// Options bound what Open accepts.
type Options struct {
	// Limits bound the archive; the zero value means archive.DefaultLimits.
	Limits archive.Limits
}

// maxInfoFile bounds the dist-info files Open reads into memory.
const maxInfoFile = 64 << 20

// Member is one regular file of a wheel.
type Member struct {
	// Name is the member's clean path in the archive.
	Name string
	// Scheme is where the member is installed: root files go to purelib
	// or platlib as WHEEL's Root-Is-Purelib says, files under
	// "{name}.data/{key}/" to that key's directory.
	Scheme Scheme
	// Path is the member's "/"-separated path below its scheme directory.
	Path string
	// InData reports a member under the ".data" directory.
	InData bool
	// Record is the member's RECORD entry (zero Hash and Size -1 for
	// RECORD itself and its signatures).
	Record record.Entry
	// Size is the uncompressed size the archive declares (checked while
	// reading).
	Size int64
	// Executable reports an executable bit in the member's mode.
	Executable bool

	entry archive.ZipEntry
}

// Wheel is an opened and checked wheel.
type Wheel struct {
	// FileName is the wheel's file name (without directories).
	FileName string
	// Filename is the parsed file name.
	Filename distname.WheelName
	// DistInfo is the ".dist-info" directory's name as in the archive.
	DistInfo string
	// Info is the WHEEL file.
	Info distinfo.Wheel
	// Metadata is METADATA, parsed; MetadataBytes its content.
	Metadata      coremeta.Metadata
	MetadataBytes []byte
	// EntryPoints is entry_points.txt (empty when the wheel has none).
	EntryPoints distinfo.EntryPoints
	// Record is RECORD as parsed, in file order.
	Record []record.Entry
	// Warnings are things to tell the user that do not refuse the wheel
	// (a newer Wheel-Version minor).
	Warnings []string
	// Members are the wheel's regular files in archive order.
	Members []Member
}

// Name returns the project's normalized name.
func (w *Wheel) Name() pkgname.Name { return w.Filename.Name }

// Version returns the project's version as METADATA writes it.
func (w *Wheel) Version() pep440.Version { return w.Filename.Version }

// RootScheme returns where the wheel's root goes: Purelib or Platlib.
func (w *Wheel) RootScheme() Scheme {
	if w.Info.RootIsPurelib {
		return Purelib
	}
	return Platlib
}

// Open reads and checks the wheel of the given size that r holds; name is
// its file name (directories are ignored). See the package documentation
// for what is checked. Every refusal is an *Error.
func Open(r io.ReaderAt, size int64, name string, opts Options) (*Wheel, error) {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	lim := opts.Limits
	if lim == (archive.Limits{}) {
		lim = archive.DefaultLimits()
	}
	fail := func(member string, err error) (*Wheel, error) {
		return nil, &Error{Wheel: name, Member: member, Err: err}
	}
	fn, err := distname.ParseWheel(name)
	if err != nil {
		return fail("", err)
	}
	zr, err := archive.NewZipReader(r, size)
	if err != nil {
		return fail("", fmt.Errorf("not a valid zip archive: %w", err))
	}
	entries, err := archive.CheckZip(zr, lim)
	if err != nil {
		var me *archive.MemberError
		if errors.As(err, &me) {
			return fail(me.Member, errors.New(me.Reason))
		}
		return fail("", err)
	}
	w := &Wheel{FileName: name, Filename: fn}

	// The one .dist-info directory.
	infoDirs := map[string]bool{}
	for _, e := range entries {
		if top, _, ok := strings.Cut(e.Name, "/"); ok && strings.HasSuffix(top, ".dist-info") {
			infoDirs[top] = true
		}
	}
	switch len(infoDirs) {
	case 0:
		return fail("", errors.New("no .dist-info directory"))
	case 1:
		for d := range infoDirs {
			w.DistInfo = d
		}
	default:
		dirs := make([]string, 0, len(infoDirs))
		for d := range infoDirs {
			dirs = append(dirs, d)
		}
		sort.Strings(dirs)
		return fail("", fmt.Errorf("more than one .dist-info directory: %s", strings.Join(dirs, ", ")))
	}
	if !distInfoAgrees(strings.TrimSuffix(w.DistInfo, ".dist-info"), fn) {
		return fail(w.DistInfo+"/", fmt.Errorf("directory name disagrees with the file name (want %s)", distinfo.DirName(fn.Name, fn.Version)))
	}

	byName := make(map[string]int, len(entries))
	for i, e := range entries {
		byName[e.Name] = i
	}
	readInfo := func(file string, required bool) ([]byte, bool, error) {
		i, ok := byName[w.DistInfo+"/"+file]
		if !ok {
			if required {
				return nil, false, &Error{Wheel: name, Member: w.DistInfo + "/" + file, Err: errors.New("missing")}
			}
			return nil, false, nil
		}
		e := entries[i]
		if e.File.UncompressedSize64 > maxInfoFile {
			return nil, false, &Error{Wheel: name, Member: e.Name, Err: fmt.Errorf("%d bytes is too large for a dist-info file", e.File.UncompressedSize64)}
		}
		rc, err := e.Open()
		if err != nil {
			return nil, false, &Error{Wheel: name, Member: e.Name, Err: err}
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			return nil, false, memberErr(name, e.Name, err)
		}
		return b, true, nil
	}

	// RECORD first: everything else is checked against it.
	recordName := w.DistInfo + "/" + distinfo.RecordFile
	recBytes, _, err := readInfo(distinfo.RecordFile, true)
	if err != nil {
		return nil, err
	}
	w.Record, err = record.Parse(bytes.NewReader(recBytes))
	if err != nil {
		return fail(recordName, err)
	}
	recByPath := make(map[string]int, len(w.Record))
	for i, re := range w.Record {
		clean, err := archive.CleanName(re.Path)
		if err != nil {
			return fail(recordName, fmt.Errorf("lists an invalid path %q", re.Path))
		}
		if _, dup := recByPath[clean]; dup {
			return fail(recordName, fmt.Errorf("lists %s twice", clean))
		}
		recByPath[clean] = i
	}

	unsigned := map[string]bool{
		recordName:                 true,
		w.DistInfo + "/RECORD.jws": true,
		w.DistInfo + "/RECORD.p7s": true,
	}
	rootScheme := Platlib
	w.Members = make([]Member, 0, len(entries))
	seenInRecord := make([]bool, len(w.Record))
	for _, e := range entries {
		m := Member{Name: e.Name, Size: int64(e.File.UncompressedSize64), Executable: e.File.Mode()&0o111 != 0, entry: e, Record: record.Entry{Path: e.Name, Size: -1}}
		if i, ok := recByPath[e.Name]; ok {
			seenInRecord[i] = true
			m.Record = w.Record[i]
			m.Record.Path = e.Name
		}
		if !unsigned[e.Name] {
			if _, ok := recByPath[e.Name]; !ok {
				return fail(e.Name, errors.New("not listed in RECORD"))
			}
			if m.Record.Hash.IsZero() {
				return fail(e.Name, errors.New("RECORD lists it without a hash"))
			}
		}
		top, rest, _ := strings.Cut(e.Name, "/")
		if strings.HasSuffix(top, ".data") && rest != "" && top != w.DistInfo {
			key, sub, ok := strings.Cut(rest, "/")
			if !ok || sub == "" {
				return fail(e.Name, fmt.Errorf("files in %s must be in a subdirectory named purelib, platlib, headers, scripts or data", top))
			}
			if !ValidScheme(key) {
				return fail(e.Name, fmt.Errorf("unknown scheme key %q in %s (want purelib, platlib, headers, scripts or data)", key, top))
			}
			m.Scheme, m.Path, m.InData = Scheme(key), sub, true
		} else {
			m.Scheme, m.Path = rootScheme, e.Name // fixed below once WHEEL is read
		}
		w.Members = append(w.Members, m)
	}
	for i, re := range w.Record {
		if seenInRecord[i] {
			continue
		}
		clean, _ := archive.CleanName(re.Path)
		if unsigned[clean] {
			continue
		}
		if strings.HasSuffix(clean, ".pyc") && re.Hash.IsZero() {
			continue
		}
		return fail(clean, errors.New("listed in RECORD but missing from the archive"))
	}

	// The small dist-info files, verified against RECORD now.
	readVerified := func(file string, required bool) ([]byte, bool, error) {
		b, ok, err := readInfo(file, required)
		if err != nil || !ok {
			return b, ok, err
		}
		m := w.Members[byName[w.DistInfo+"/"+file]]
		h, err := m.Record.NewHasher()
		if err != nil {
			return nil, false, &Error{Wheel: name, Member: m.Name, Err: err}
		}
		h.Write(b)
		if err := h.Verify(m.Record); err != nil {
			return nil, false, &Error{Wheel: name, Member: m.Name, Err: err}
		}
		return b, true, nil
	}
	wheelBytes, _, err := readVerified(distinfo.WheelFile, true)
	if err != nil {
		return nil, err
	}
	wheelName := w.DistInfo + "/" + distinfo.WheelFile
	if w.Info, err = distinfo.ParseWheel(bytes.NewReader(wheelBytes)); err != nil {
		return fail(wheelName, err)
	}
	warning, err := w.Info.CheckVersion()
	if err != nil {
		return fail(wheelName, err)
	}
	if warning != "" {
		w.Warnings = append(w.Warnings, warning)
	}
	if w.Info.RootIsPurelib {
		rootScheme = Purelib
	}
	for i := range w.Members {
		if !w.Members[i].InData {
			w.Members[i].Scheme = rootScheme
		}
	}

	metaName := w.DistInfo + "/" + distinfo.MetadataFile
	if w.MetadataBytes, _, err = readVerified(distinfo.MetadataFile, true); err != nil {
		return nil, err
	}
	if w.Metadata, err = coremeta.Parse(w.MetadataBytes); err != nil {
		return fail(metaName, fmt.Errorf("invalid METADATA: %w", err))
	}
	if pkgname.Normalize(w.Metadata.Name) != string(fn.Name) || pkgname.Validate(w.Metadata.Name) != nil {
		return fail(metaName, fmt.Errorf("Name %q disagrees with the file name (%s)", w.Metadata.Name, fn.Name))
	}
	mv, err := pep440.Parse(w.Metadata.Version)
	if err != nil {
		return fail(metaName, fmt.Errorf("invalid Version %q: %w", w.Metadata.Version, err))
	}
	if !mv.Equal(fn.Version) {
		return fail(metaName, fmt.Errorf("Version %s disagrees with the file name (%s)", w.Metadata.Version, fn.Version))
	}

	epBytes, ok, err := readVerified(distinfo.EntryPointsFile, false)
	if err != nil {
		return nil, err
	}
	if ok {
		if w.EntryPoints, err = distinfo.ParseEntryPoints(bytes.NewReader(epBytes)); err != nil {
			return fail(w.DistInfo+"/"+distinfo.EntryPointsFile, err)
		}
	}
	return w, nil
}

// distInfoAgrees reports whether a dist-info directory's stem
// ("{name}-{version}") names the same project and version as the file
// name. The name may be escaped in any way normalization undoes; the split
// between name and version is tried at every "-".
func distInfoAgrees(stem string, fn distname.WheelName) bool {
	for i := 0; i < len(stem); i++ {
		if stem[i] != '-' {
			continue
		}
		if pkgname.Normalize(stem[:i]) != string(fn.Name) {
			continue
		}
		if v, err := pep440.Parse(stem[i+1:]); err == nil && v.Equal(fn.Version) {
			return true
		}
	}
	return false
}

// memberErr turns an error met while reading a member into an *Error.
func memberErr(wheel, member string, err error) error {
	var we *Error
	if errors.As(err, &we) {
		return err
	}
	var me *archive.MemberError
	if errors.As(err, &me) {
		return &Error{Wheel: wheel, Member: me.Member, Err: errors.New(me.Reason)}
	}
	return &Error{Wheel: wheel, Member: member, Err: err}
}

// Member returns the member with the given clean archive name.
func (w *Wheel) Member(name string) (*Member, bool) {
	for i := range w.Members {
		if w.Members[i].Name == name {
			return &w.Members[i], true
		}
	}
	return nil, false
}

// Open returns a reader of m's content that checks it against RECORD:
// when the content ends, the reader returns an *Error (wrapping a
// *record.MismatchError) instead of io.EOF if the hash or size disagrees.
// Read to io.EOF before trusting anything read.
func (w *Wheel) Open(m *Member) (io.ReadCloser, error) {
	rc, err := m.entry.Open()
	if err != nil {
		return nil, memberErr(w.FileName, m.Name, err)
	}
	h, err := m.Record.NewHasher()
	if err != nil {
		rc.Close()
		return nil, &Error{Wheel: w.FileName, Member: m.Name, Err: err}
	}
	return &verifyReader{rc: rc, h: h, m: m, wheel: w.FileName}, nil
}

// ReadFile returns m's verified content.
func (w *Wheel) ReadFile(m *Member) ([]byte, error) {
	rc, err := w.Open(m)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf := bytes.NewBuffer(make([]byte, 0, max(m.Size, 0)+1))
	if _, err := buf.ReadFrom(rc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type verifyReader struct {
	rc    io.ReadCloser
	h     *record.Hasher
	m     *Member
	wheel string
	err   error
}

func (v *verifyReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	switch {
	case err == io.EOF:
		if !v.m.Record.Hash.IsZero() || v.m.Record.HasSize() {
			if verr := v.h.Verify(v.m.Record); verr != nil {
				v.err = &Error{Wheel: v.wheel, Member: v.m.Name, Err: verr}
				return n, v.err
			}
		}
		v.err = io.EOF
	case err != nil:
		v.err = memberErr(v.wheel, v.m.Name, err)
	}
	return n, v.err
}

func (v *verifyReader) Close() error { return v.rc.Close() }
