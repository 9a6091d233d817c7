package index

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"ferry/internal/pkgname"
)

// memRanger serves ranges of an in-memory file and counts the requests.
type memRanger struct {
	data []byte
	n    int
}

func (m *memRanger) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	m.n++
	if off < 0 || n < 0 || off+n > int64(len(m.data)) {
		return nil, fmt.Errorf("range %d+%d out of bounds", off, n)
	}
	return m.data[off : off+n], nil
}

// tailOf returns the last size bytes of data as a zipTail.
func tailOf(data []byte, size int) zipTail {
	size = min(size, len(data))
	return zipTail{data: data[len(data)-size:], start: int64(len(data) - size), total: int64(len(data))}
}

type member struct {
	name, data string
	store      bool
}

func makeZip(t testing.TB, members []member, comment string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate}
		if m.store {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(m.data))
	}
	if comment != "" {
		zw.SetComment(comment)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadZipMetadata(t *testing.T) {
	ctx := context.Background()
	meta := "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
	many := []member{{name: "demo/__init__.py", data: "x = 1\n"}}
	for i := range 3000 {
		many = append(many, member{name: fmt.Sprintf("demo/generated/module_%05d.py", i), data: fmt.Sprint(i)})
	}
	many = append(many, member{name: "demo-1.0.dist-info/METADATA", data: meta})
	tests := []struct {
		name     string
		zip      []byte
		tail     int
		project  pkgname.Name
		want     string
		requests int // range requests beyond the tail
		err      string
	}{
		{name: "deflated, all in tail", zip: makeZip(t, []member{{name: "demo/__init__.py", data: "x"}, {name: "demo-1.0.dist-info/METADATA", data: meta}}, ""),
			tail: tailSize, want: meta},
		{name: "stored", zip: makeZip(t, []member{{name: "demo-1.0.dist-info/METADATA", data: meta, store: true}}, ""),
			tail: tailSize, want: meta},
		{name: "with comment", zip: makeZip(t, []member{{name: "demo-1.0.dist-info/METADATA", data: meta}}, "a comment"),
			tail: tailSize, want: meta},
		{name: "large directory outside the tail", zip: makeZip(t, many, ""), tail: 4096, want: meta, requests: 2},
		{name: "tiny tail", zip: makeZip(t, []member{{name: "demo-1.0.dist-info/METADATA", data: meta}}, ""), tail: 22, want: meta, requests: 2},
		{name: "nested METADATA ignored", zip: makeZip(t, []member{{name: "x/demo-1.0.dist-info/METADATA", data: meta}}, ""),
			tail: tailSize, err: "no .dist-info/METADATA"},
		{name: "two dist-infos, project picks", zip: makeZip(t, []member{{name: "other-1.0.dist-info/METADATA", data: "x"}, {name: "demo-1.0.dist-info/METADATA", data: meta}}, ""),
			tail: tailSize, project: "demo", want: meta},
		{name: "two dist-infos, ambiguous", zip: makeZip(t, []member{{name: "a-1.0.dist-info/METADATA", data: "x"}, {name: "b-1.0.dist-info/METADATA", data: meta}}, ""),
			tail: tailSize, project: "demo", err: "2 .dist-info directories"},
		{name: "not a zip", zip: []byte("this is not a zip file at all, just text that goes on"), tail: tailSize, err: "no end-of-central-directory"},
		{name: "too short", zip: []byte("PK"), tail: tailSize, err: "too short"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &memRanger{data: tc.zip}
			got, err := readZipMetadata(ctx, r, tailOf(tc.zip, tc.tail), tc.project)
			if tc.err != "" {
				if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.err)) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if r.n != tc.requests {
				t.Errorf("%d range requests, want %d", r.n, tc.requests)
			}
		})
	}
}

func TestReadZipMetadataCorrupt(t *testing.T) {
	ctx := context.Background()
	meta := "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
	good := makeZip(t, []member{{name: "demo-1.0.dist-info/METADATA", data: meta, store: true}}, "")
	cdOff := int(binary.LittleEndian.Uint32(good[len(good)-6:]))
	tests := []struct {
		name   string
		mutate func(b []byte)
		err    string
	}{
		{"bad CRC", func(b []byte) { b[30+len("demo-1.0.dist-info/METADATA")] ^= 0xff }, "CRC-32 mismatch"},
		{"bad local signature", func(b []byte) { b[0] = 'X' }, "bad local header signature"},
		{"bad central signature", func(b []byte) { b[cdOff] = 'X' }, "bad central directory signature"},
		{"directory outside the file", func(b []byte) { binary.LittleEndian.PutUint32(b[len(b)-6:], 1<<30) }, "outside the file"},
		{"huge member", func(b []byte) { binary.LittleEndian.PutUint32(b[cdOff+24:], 1<<30) }, "too large"},
		{"unknown method", func(b []byte) { binary.LittleEndian.PutUint16(b[cdOff+10:], 99) }, "unsupported compression method"},
		{"encrypted", func(b []byte) { binary.LittleEndian.PutUint16(b[cdOff+8:], 1) }, "encrypted"},
		{"entries beyond directory", func(b []byte) { binary.LittleEndian.PutUint16(b[len(b)-12:], 500) }, "claims 500 entries"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := bytes.Clone(good)
			tc.mutate(b)
			_, err := readZipMetadata(ctx, &memRanger{data: b}, tailOf(b, tailSize), "demo")
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.err)) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if !errors.Is(err, errNotZip) {
				t.Errorf("error %v does not wrap errNotZip", err)
			}
		})
	}
}

// FuzzZipTail feeds arbitrary bytes, as a whole file and as a short tail
// with the rest behind a ranger: errors are fine, panics and runaway
// allocations are not, and whatever is returned must be within the limits.
func FuzzZipTail(f *testing.F) {
	meta := "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
	f.Add(makeZip(f, []member{{name: "demo-1.0.dist-info/METADATA", data: meta}}, ""), uint16(100))
	f.Add(makeZip(f, []member{{name: "demo-1.0.dist-info/METADATA", data: meta, store: true}, {name: "a", data: "b"}}, "c"), uint16(30))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00"), uint16(22))
	f.Add([]byte("PK\x06\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00"), uint16(60))
	f.Fuzz(func(t *testing.T, data []byte, tail uint16) {
		ctx := context.Background()
		for _, size := range []int{len(data), int(tail)} {
			got, err := readZipMetadata(ctx, &memRanger{data: data}, tailOf(data, size), "demo")
			if err == nil && len(got) > maxMetadataSize {
				t.Fatalf("returned %d bytes, above the limit", len(got))
			}
		}
	})
}
