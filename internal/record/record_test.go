package record

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sha256 of "hello\n" and its RECORD form.
const helloHash = "sha256=WJG1tSLV3whtD_CxEPvZ0hu0_HFjrzTQgoai6Eb2vgM"

func mustHash(t testing.TB, s string) Hash {
	t.Helper()
	h, err := ParseHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestParseHash(t *testing.T) {
	sum := sha256.Sum256([]byte("hello\n"))
	tests := []struct {
		in      string
		want    Hash
		wantErr error
		err     bool
	}{
		{in: helloHash, want: Hash{SHA256, sum[:]}},
		{in: helloHash + "=", want: Hash{SHA256, sum[:]}},
		{in: "SHA256=WJG1tSLV3whtD_CxEPvZ0hu0_HFjrzTQgoai6Eb2vgM", want: Hash{SHA256, sum[:]}},
		{in: "sha512=" + strings.Repeat("A", 86), want: Hash{SHA512, make([]byte, 64)}},
		{in: "sha384=" + strings.Repeat("A", 64), want: Hash{SHA384, make([]byte, 48)}},
		{in: "md5=1B2M2Y8AsgTpgAmY7PhCfg", wantErr: ErrWeakHash},
		{in: "sha1=2jmj7l5rSw0yVb_vlWAYkK_YBwk", wantErr: ErrWeakHash},
		{in: "blake2b=abc", wantErr: ErrUnsupportedHash},
		{in: "sha256", err: true},
		{in: "sha256=WJG1tSLV3whtD_CxEPvZ0hu0_HFjrzTQgoai6Eb2vg", err: true},
		{in: "sha256=WJG1tSLV3whtD/CxEPvZ0hu0_HFjrzTQgoai6Eb2vgM", err: true},
		{in: "sha256=", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseHash(tc.in)
			if tc.err || tc.wantErr != nil {
				if err == nil {
					t.Fatalf("ParseHash(%q) = %v, want error", tc.in, got)
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("error %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseHash(%q): %v", tc.in, err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("ParseHash(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if again := mustHash(t, got.String()); !again.Equal(got) {
				t.Errorf("round trip %q gave %v", got.String(), again)
			}
		})
	}
	if (Hash{}).String() != "" || !(Hash{}).IsZero() {
		t.Error("zero Hash is not empty")
	}
}

func TestParse(t *testing.T) {
	h := func(s string) Hash { return mustHash(t, s) }
	tests := []struct {
		name string
		in   string
		want []Entry
		err  string // substring of the error
	}{
		{
			name: "typical",
			in: "foo/__init__.py," + helloHash + ",6\n" +
				"foo-1.0.dist-info/RECORD,,\n" +
				"foo/__pycache__/__init__.cpython-311.pyc,,\n",
			want: []Entry{
				{"foo/__init__.py", h(helloHash), 6},
				{"foo-1.0.dist-info/RECORD", Hash{}, -1},
				{"foo/__pycache__/__init__.cpython-311.pyc", Hash{}, -1},
			},
		},
		{
			name: "crlf-and-no-final-newline",
			in:   "a.py," + helloHash + ",6\r\nb.py,,",
			want: []Entry{{"a.py", h(helloHash), 6}, {"b.py", Hash{}, -1}},
		},
		{
			name: "cr-only",
			in:   "a.py,,\rb.py,,\r",
			want: []Entry{{"a.py", Hash{}, -1}, {"b.py", Hash{}, -1}},
		},
		{
			name: "quoted-path-with-comma-quote-and-newline",
			in:   "\"dir/a,b.py\"," + helloHash + ",6\n\"say \"\"hi\"\".txt\",,\n\"two\nlines\",,0\n",
			want: []Entry{
				{"dir/a,b.py", h(helloHash), 6},
				{`say "hi".txt`, Hash{}, -1},
				{"two\nlines", Hash{}, 0},
			},
		},
		{
			name: "blank-lines-skipped",
			in:   "\na.py,,\n\n\r\nb.py,,\n\n",
			want: []Entry{{"a.py", Hash{}, -1}, {"b.py", Hash{}, -1}},
		},
		{
			name: "short-rows",
			in:   "a.py\nb.py," + helloHash + "\n",
			want: []Entry{{"a.py", Hash{}, -1}, {"b.py", h(helloHash), -1}},
		},
		{
			name: "quote-inside-unquoted-field-is-literal",
			in:   "a\"b.py,,\n",
			want: []Entry{{`a"b.py`, Hash{}, -1}},
		},
		{
			name: "leading-space-kept",
			in:   " a.py,,\n",
			want: []Entry{{" a.py", Hash{}, -1}},
		},
		{name: "parent-paths", in: "../../../bin/foo,,\n", want: []Entry{{"../../../bin/foo", Hash{}, -1}}},
		{name: "empty", in: "", want: nil},
		{name: "too-many-fields", in: "a.py,,,\n", err: "line 1: 4 fields"},
		{name: "empty-path", in: "a.py,,\n," + helloHash + ",6\n", err: "line 2: empty path"},
		{name: "bad-size", in: "a.py,,\nb.py,,x\n", err: `line 2: b.py: size "x"`},
		{name: "negative-size", in: "a.py,,-1\n", err: "line 1: a.py: size"},
		{name: "plus-size", in: "a.py,,+1\n", err: "line 1: a.py: size"},
		{name: "weak-hash", in: "x\ny\na.py,md5=1B2M2Y8AsgTpgAmY7PhCfg,0\n", err: "line 3: a.py: hash"},
		{name: "bad-hash", in: "a.py,sha256=abc,3\n", err: "line 1: a.py: hash"},
		{name: "unterminated-quote", in: "a.py,,\n\"b.py,,\n", err: "line 2: unexpected end of file"},
		{name: "junk-after-quote", in: "\"a.py\"x,,\n", err: "line 1: "},
		{name: "line-number-after-multiline-field", in: "\"a\nb\",,\nc,,x\n", err: "line 3: c: size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %v, want error containing %q", tc.in, got, tc.err)
				}
				if !strings.Contains(err.Error(), tc.err) {
					t.Errorf("Parse(%q) error %q, want it to contain %q", tc.in, err, tc.err)
				}
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Errorf("error %v is not a *ParseError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	h := mustHash(t, helloHash)
	entries := []Entry{
		{"foo/__init__.py", h, 6},
		{"dir/a,b.py", h, 6},
		{`say "hi".txt`, Hash{}, 0},
		{" lead.txt", Hash{}, -1},
		{"foo-1.0.dist-info/RECORD", Hash{}, -1},
	}
	const want = "foo/__init__.py," + helloHash + ",6\r\n" +
		"\"dir/a,b.py\"," + helloHash + ",6\r\n" +
		"\"say \"\"hi\"\".txt\",,0\r\n" +
		" lead.txt,,\r\n" +
		"foo-1.0.dist-info/RECORD,,\r\n"
	var buf bytes.Buffer
	if err := Write(&buf, entries); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("Write (-want +got):\n%s", diff)
	}
	buf.Reset()
	if err := WriteLF(&buf, entries); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strings.ReplaceAll(want, "\r\n", "\n"), buf.String()); diff != "" {
		t.Errorf("WriteLF (-want +got):\n%s", diff)
	}
	if err := Write(&buf, []Entry{{Path: ""}}); err == nil {
		t.Error("Write accepted an empty path")
	}
}

// TestWriteMatchesPython checks Write against Python's csv module, which pip
// uses, for awkward paths.
func TestWriteMatchesPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	entries := []Entry{
		{"plain.py", mustHash(t, helloHash), 6},
		{"a,b.py", Hash{}, -1},
		{`q"uote.py`, Hash{}, 0},
		{"new\nline.py", Hash{}, -1},
		{"cr\rpath.py", Hash{}, -1},
		{" space .py", Hash{}, 1},
		{"ünï.py", Hash{}, 2},
	}
	script := `
import csv, io, json, sys
rows = json.load(sys.stdin)
out = io.StringIO(newline="")
csv.writer(out).writerows(rows)
sys.stdout.write(out.getvalue())
`
	var rows [][3]string
	for _, e := range entries {
		size := ""
		if e.HasSize() {
			size = strconv.FormatInt(e.Size, 10)
		}
		rows = append(rows, [3]string{e.Path, e.Hash.String(), size})
	}
	rowsJSON, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", script)
	cmd.Stdin = bytes.NewReader(rowsJSON)
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, entries); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("Write differs from Python's csv (-python +ferry):\n%s", diff)
	}
	got, err := Parse(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(entries, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Parse of Python's output (-want +got):\n%s", diff)
	}
}

// TestRealRecords parses every RECORD in the machine's site-packages and
// checks that writing it back (with the line ends it had) gives the same
// bytes.
func TestRealRecords(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: no site-packages to read")
	}
	out, err := exec.Command(python, "-c", "import site; print('\\n'.join(site.getsitepackages()))").Output()
	if err != nil {
		t.Skipf("python3 site: %v", err)
	}
	var files []string
	for _, dir := range strings.Fields(string(out)) {
		m, _ := filepath.Glob(filepath.Join(dir, "*.dist-info", "RECORD"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no installed RECORD files")
	}
	same := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := Parse(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(entries) == 0 {
			t.Errorf("%s: no entries", f)
		}
		var buf bytes.Buffer
		if bytes.Contains(data, []byte("\r\n")) {
			err = Write(&buf, entries)
		} else {
			err = WriteLF(&buf, entries)
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(buf.Bytes(), data) {
			same++
		}
	}
	t.Logf("%d RECORD files parsed, %d written back byte for byte", len(files), same)
	if same == 0 {
		t.Error("no RECORD file was written back byte for byte")
	}
}

func TestHasherAndVerify(t *testing.T) {
	h := NewSHA256()
	h.Write([]byte("hel"))
	h.Write([]byte("lo\n"))
	if got := h.Hash().String(); got != helloHash {
		t.Errorf("Hash = %s, want %s", got, helloHash)
	}
	if h.Size() != 6 {
		t.Errorf("Size = %d", h.Size())
	}
	good := Entry{"a.py", mustHash(t, helloHash), 6}
	if err := h.Verify(good); err != nil {
		t.Errorf("Verify(good): %v", err)
	}
	if diff := cmp.Diff(good, h.Entry("a.py")); diff != "" {
		t.Errorf("Entry (-want +got):\n%s", diff)
	}

	other := NewSHA256()
	other.Write([]byte("evil\n"))
	err := Verify(good, other.Hash(), 5)
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("Verify(bad) = %v, want *MismatchError", err)
	}
	msg := err.Error()
	for _, part := range []string{"a.py", helloHash, other.Hash().String(), "size 6", "size 5"} {
		if !strings.Contains(msg, part) {
			t.Errorf("error %q does not mention %q", msg, part)
		}
	}

	tests := []struct {
		name string
		e    Entry
		got  Hash
		size int64
		ok   bool
	}{
		{"no-hash-no-size", Entry{"RECORD", Hash{}, -1}, other.Hash(), 5, true},
		{"size-only-ok", Entry{"x", Hash{}, 5}, other.Hash(), 5, true},
		{"size-only-bad", Entry{"x", Hash{}, 6}, other.Hash(), 5, false},
		{"hash-ok-size-bad", Entry{"x", mustHash(t, helloHash), 7}, h.Hash(), 6, false},
		{"other-algorithm", Entry{"x", Hash{SHA512, make([]byte, 64)}, -1}, h.Hash(), 6, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Verify(tc.e, tc.got, tc.size); (err == nil) != tc.ok {
				t.Errorf("Verify = %v, want ok=%v", err, tc.ok)
			}
		})
	}

	for _, alg := range []string{SHA256, SHA384, SHA512} {
		hh, err := NewHasher(alg)
		if err != nil {
			t.Fatal(err)
		}
		hh.Write([]byte("x"))
		if _, err := ParseHash(hh.Hash().String()); err != nil {
			t.Errorf("%s: %v", alg, err)
		}
	}
	if _, err := NewHasher("md5"); !errors.Is(err, ErrWeakHash) {
		t.Errorf("NewHasher(md5) = %v", err)
	}
	e512 := Entry{"x", Hash{SHA512, make([]byte, 64)}, -1}
	if hh, err := e512.NewHasher(); err != nil || hh.Hash().Algorithm != SHA512 {
		t.Errorf("Entry.NewHasher for sha512 = %v, %v", hh, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("foo/__init__.py," + helloHash + ",6\nfoo-1.0.dist-info/RECORD,,\n"))
	f.Add([]byte("\"a,b\",,\r\n\"q\"\"\",,0\r\n"))
	f.Add([]byte("a\rb\n\nc,,1"))
	f.Add([]byte("\"unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, write := range []func(*bytes.Buffer, []Entry) error{
			func(b *bytes.Buffer, e []Entry) error { return Write(b, e) },
			func(b *bytes.Buffer, e []Entry) error { return WriteLF(b, e) },
		} {
			var buf bytes.Buffer
			if err := write(&buf, entries); err != nil {
				t.Fatalf("writing %v: %v", entries, err)
			}
			again, err := Parse(&buf)
			if err != nil {
				t.Fatalf("reparsing %q (from %q): %v", buf.String(), data, err)
			}
			if diff := cmp.Diff(entries, again, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("round trip of %q (-first +second):\n%s", data, diff)
			}
		}
	})
}
