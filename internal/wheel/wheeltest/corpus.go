package wheeltest

import (
	"bytes"
	"compress/flate"
	"io"
	"strings"

	"ferry/internal/archive"
	"ferry/internal/record"
)

func flateWriter(w io.Writer) (*flate.Writer, error) {
	return flate.NewWriter(w, flate.BestCompression)
}

// Bad is one wheel of the corpus of wheels that must be refused.
type Bad struct {
	// ID names the case; the corpus file is ID + ".whl" in a directory of
	// its own named after the case, so the wheel's file name stays valid.
	ID string
	// FileName is the wheel's file name.
	FileName string
	Data     []byte
	// Member is the member the refusal must name ("" when the problem is
	// the whole archive).
	Member string
	// Reason is a substring the refusal must contain.
	Reason string
	// Limits, when non-zero, are the limits to open the wheel with.
	Limits archive.Limits
}

// corpusName and corpusVersion are the project every bad wheel claims to be.
const (
	corpusName    = "victim"
	corpusVersion = "1.0"
	corpusFile    = corpusName + "-" + corpusVersion + "-py3-none-any.whl"
	corpusInfo    = corpusName + "-" + corpusVersion + ".dist-info/"
)

const goodMetadata = "Metadata-Version: 2.1\nName: victim\nVersion: 1.0\n"
const goodWheel = "Wheel-Version: 1.0\nGenerator: ferry-wheeltest\nRoot-Is-Purelib: true\nTag: py3-none-any\n"

// base returns the members of a valid wheel, without RECORD.
func base() []RawMember {
	return []RawMember{
		{Name: "victim/__init__.py", Data: []byte("VALUE = 1\n")},
		{Name: corpusInfo + "METADATA", Data: []byte(goodMetadata)},
		{Name: corpusInfo + "WHEEL", Data: []byte(goodWheel)},
	}
}

// withRecord appends a correct RECORD for the members.
func withRecord(ms []RawMember) []RawMember {
	rec := RecordFor(ms, corpusInfo+"RECORD")
	return append(ms, RawMember{Name: corpusInfo + "RECORD", Data: rec})
}

// Good returns a valid wheel built the same way as the corpus (so the
// corpus's refusals are due to what each case changes).
func Good() (string, []byte) { return corpusFile, RawZip(withRecord(base())) }

// Corpus returns the malicious and corrupt wheels, each with the member
// and reason its refusal must name.
func Corpus() []Bad {
	var out []Bad
	add := func(b Bad) {
		if b.FileName == "" {
			b.FileName = corpusFile
		}
		out = append(out, b)
	}
	extra := func(m RawMember) []RawMember { return withRecord(append(base(), m)) }

	add(Bad{ID: "dotdot", Data: RawZip(extra(RawMember{Name: "victim/../../evil.py", Data: []byte("x")})),
		Member: "victim/../../evil.py", Reason: "escapes"})
	add(Bad{ID: "absolute", Data: RawZip(extra(RawMember{Name: "/tmp/evil.py", Data: []byte("x")})),
		Member: "/tmp/evil.py", Reason: "absolute"})
	add(Bad{ID: "symlink", Data: RawZip(extra(RawMember{Name: "victim/link", Data: []byte("../../../../etc/passwd"), Mode: 0o120777})),
		Member: "victim/link", Reason: "symbolic link"})
	dup := append(base(), RawMember{Name: "victim/__init__.py", Data: []byte("VALUE = 2\n")})
	dup = append(dup, RawMember{Name: corpusInfo + "RECORD", Data: RecordFor(base(), corpusInfo+"RECORD")})
	add(Bad{ID: "duplicate", Data: RawZip(dup), Member: "victim/__init__.py", Reason: "duplicate"})

	// RECORD disagrees with the content.
	ms := base()
	rec := RecordFor(ms, corpusInfo+"RECORD")
	ms[0].Data = []byte("VALUE = 666\n")
	add(Bad{ID: "hash-mismatch", Data: RawZip(append(ms, RawMember{Name: corpusInfo + "RECORD", Data: rec})),
		Member: "victim/__init__.py", Reason: "does not match RECORD"})

	ms = base()
	rec = replaceRecordSize(RecordFor(ms, corpusInfo+"RECORD"), "victim/__init__.py", "999")
	add(Bad{ID: "size-mismatch", Data: RawZip(append(ms, RawMember{Name: corpusInfo + "RECORD", Data: rec})),
		Member: "victim/__init__.py", Reason: "does not match RECORD"})

	ms = base()
	rec = RecordFor(append(ms, RawMember{Name: "victim/gone.py", Data: []byte("x")}), corpusInfo+"RECORD")
	add(Bad{ID: "missing-file", Data: RawZip(append(ms, RawMember{Name: corpusInfo + "RECORD", Data: rec})),
		Member: "victim/gone.py", Reason: "missing from the archive"})

	add(Bad{ID: "extra-file", Data: RawZip(extra(RawMember{Name: "victim/extra.py", Data: []byte("x"), NoRecord: true})),
		Member: "victim/extra.py", Reason: "not listed in RECORD"})

	_, good := Good()
	add(Bad{ID: "truncated", Data: good[:len(good)*2/3], Reason: "not a valid zip"})

	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB, poorly compressible? no: repetitive but limits catch size
	add(Bad{ID: "oversized", Data: RawZip(extra(RawMember{Name: "victim/big.bin", Data: big})),
		Member: "victim/big.bin", Reason: "too large", Limits: archive.Limits{MaxEntries: 100, MaxEntrySize: 512 << 10, MaxTotalSize: 1 << 30, MaxRatio: 1 << 20}})

	bomb := make([]byte, 20<<20) // 20 MiB of zeros compresses ~1000:1
	add(Bad{ID: "bomb", Data: RawZip(extra(RawMember{Name: "victim/bomb.bin", Data: bomb})),
		Member: "victim/bomb.bin", Reason: "compression ratio"})

	lying := extra(RawMember{Name: "victim/liar.py", Data: []byte(strings.Repeat("# more than declared\n", 10)), DeclaredSize: 10})
	add(Bad{ID: "lying-header", Data: RawZip(lying), Member: "victim/liar.py", Reason: ""})

	ms = base()
	ms[1].Data = []byte("Metadata-Version: 2.1\nthis line is not a header\n")
	add(Bad{ID: "invalid-metadata", Data: RawZip(withRecord(ms)), Member: corpusInfo + "METADATA", Reason: "METADATA"})

	ms = base()
	ms[1].Data = []byte("Metadata-Version: 2.1\nName: someone-else\nVersion: 1.0\n")
	add(Bad{ID: "metadata-name", Data: RawZip(withRecord(ms)), Member: corpusInfo + "METADATA", Reason: "disagrees"})

	ms = base()
	for i := range ms {
		ms[i].Name = strings.Replace(ms[i].Name, corpusInfo, "other-1.0.dist-info/", 1)
	}
	rec = RecordFor(ms, "other-1.0.dist-info/RECORD")
	add(Bad{ID: "distinfo-name", Data: RawZip(append(ms, RawMember{Name: "other-1.0.dist-info/RECORD", Data: rec})),
		Member: "other-1.0.dist-info/", Reason: "disagrees with the file name"})

	ms = base()
	ms[2].Data = []byte(strings.Replace(goodWheel, "1.0", "2.0", 1))
	add(Bad{ID: "wheel-version-2", Data: RawZip(withRecord(ms)), Member: corpusInfo + "WHEEL", Reason: "not supported"})

	add(Bad{ID: "data-key", Data: RawZip(extra(RawMember{Name: "victim-1.0.data/elsewhere/x", Data: []byte("x")})),
		Member: "victim-1.0.data/elsewhere/x", Reason: "unknown scheme key"})

	ms = base()
	rec = append(RecordFor(ms, corpusInfo+"RECORD"), []byte("../../escape.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n")...)
	add(Bad{ID: "record-path", Data: RawZip(append(ms, RawMember{Name: corpusInfo + "RECORD", Data: rec})),
		Member: corpusInfo + "RECORD", Reason: "invalid path"})

	return out
}

// replaceRecordSize rewrites the size of path's row in RECORD content.
func replaceRecordSize(rec []byte, path, size string) []byte {
	entries, err := record.Parse(bytes.NewReader(rec))
	if err != nil {
		panic(err)
	}
	for i := range entries {
		if entries[i].Path == path {
			var n int64
			for _, c := range size {
				n = n*10 + int64(c-'0')
			}
			entries[i].Size = n
		}
	}
	var buf bytes.Buffer
	record.WriteLF(&buf, entries)
	return buf.Bytes()
}
