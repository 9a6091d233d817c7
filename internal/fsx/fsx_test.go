package fsx

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The test binary doubles as the other process in the cross-process lock
// tests: FSX_TEST_HELPER selects what it does.
func TestMain(m *testing.M) {
	switch os.Getenv("FSX_TEST_HELPER") {
	case "":
		os.Exit(m.Run())
	case "hold":
		// Take the lock, say so, hold it until stdin closes.
		unlock, err := Lock(context.Background(), os.Getenv("FSX_LOCK"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("locked")
		bufio.NewReader(os.Stdin).ReadString('\n')
		unlock()
		os.Exit(0)
	case "count":
		n, _ := strconv.Atoi(os.Getenv("FSX_ROUNDS"))
		for range n {
			if err := incrementLocked(os.Getenv("FSX_LOCK"), os.Getenv("FSX_COUNTER")); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	os.Exit(2)
}

// incrementLocked adds one to the number in counter under the lock at
// lockPath, with a pause between read and write that would lose updates
// if the lock did not exclude.
func incrementLocked(lockPath, counter string) error {
	unlock, err := Lock(context.Background(), lockPath)
	if err != nil {
		return err
	}
	defer unlock()
	b, err := os.ReadFile(counter)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	time.Sleep(time.Millisecond)
	return os.WriteFile(counter, []byte(strconv.Itoa(n+1)), 0o644)
}

func readCounter(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	tests := []struct {
		name string
		data string
		perm fs.FileMode
	}{
		{"create", "first", 0o644},
		{"replace", "second, longer than the first", 0o600},
		{"executable", "#!/bin/sh\n", 0o755},
		{"empty", "", 0o644},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := WriteFileAtomic(path, []byte(tc.data), tc.perm); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.data, string(got)); diff != "" {
				t.Errorf("content (-want +got):\n%s", diff)
			}
			st, _ := os.Stat(path)
			if st.Mode().Perm() != tc.perm {
				t.Errorf("perm = %v, want %v", st.Mode().Perm(), tc.perm)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("directory holds %d entries, want only the file (temporary files left behind?)", len(entries))
			}
		})
	}
	t.Run("missing directory", func(t *testing.T) {
		err := WriteFileAtomic(filepath.Join(dir, "no", "such", "f"), []byte("x"), 0o644)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want fs.ErrNotExist", err)
		}
	})
}

func TestLockGoroutines(t *testing.T) {
	dir := t.TempDir()
	lockPath := filepath.Join(dir, "sub", "lock")
	counter := filepath.Join(dir, "counter")
	const workers, rounds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range rounds {
				if err := incrementLocked(lockPath, counter); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := readCounter(t, counter); got != workers*rounds {
		t.Errorf("counter = %d, want %d (lost updates: the lock did not exclude)", got, workers*rounds)
	}
}

func TestLockShared(t *testing.T) {
	lockPath := filepath.Join(t.TempDir(), "lock")
	ctx := context.Background()
	short := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(ctx, 150*time.Millisecond)
	}

	r1, err := RLock(ctx, lockPath)
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := short()
	r2, err := RLock(c, lockPath)
	cancel()
	if err != nil {
		t.Fatalf("second shared lock: %v (shared locks must coexist)", err)
	}

	c, cancel = short()
	_, err = Lock(c, lockPath)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("exclusive lock while shared held: err = %v, want deadline exceeded", err)
	}
	r1()
	r2()
	r2() // unlocking twice is harmless

	w, err := Lock(ctx, lockPath)
	if err != nil {
		t.Fatalf("exclusive lock after release: %v", err)
	}
	c, cancel = short()
	_, err = RLock(c, lockPath)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shared lock while exclusive held: err = %v, want deadline exceeded", err)
	}
	w()

	// The abandoned waiters above must have let go: the lock is free.
	c, cancel = context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	w, err = Lock(c, lockPath)
	if err != nil {
		t.Fatalf("lock after abandoned waiters: %v", err)
	}
	w()
}

func TestLockCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Lock(ctx, filepath.Join(t.TempDir(), "lock")); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func helperCmd(t *testing.T, mode string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{"FSX_TEST_HELPER=" + mode}, env...)...)
	cmd.Stderr = os.Stderr
	return cmd
}

func TestLockCrossProcess(t *testing.T) {
	lockPath := filepath.Join(t.TempDir(), "lock")
	cmd := helperCmd(t, "hold", "FSX_LOCK="+lockPath)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	_, err = Lock(ctx, lockPath)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("lock held by another process: err = %v, want deadline exceeded", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	_, err = RLock(ctx, lockPath)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shared lock while another process holds it: err = %v, want deadline exceeded", err)
	}

	stdin.Close()
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	unlock, err := Lock(ctx, lockPath)
	if err != nil {
		t.Fatalf("lock after the other process released it: %v", err)
	}
	unlock()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
}

func TestLockCrossProcessCounter(t *testing.T) {
	dir := t.TempDir()
	lockPath, counter := filepath.Join(dir, "lock"), filepath.Join(dir, "counter")
	const procs, rounds = 4, 20
	var cmds []*exec.Cmd
	for range procs {
		cmd := helperCmd(t, "count", "FSX_LOCK="+lockPath, "FSX_COUNTER="+counter, "FSX_ROUNDS="+strconv.Itoa(rounds))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	// This process takes part too.
	for range rounds {
		if err := incrementLocked(lockPath, counter); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}
	if got, want := readCounter(t, counter), (procs+1)*rounds; got != want {
		t.Errorf("counter = %d, want %d (lost updates: the lock did not exclude across processes)", got, want)
	}
}

func writeFile(t *testing.T, path, content string, perm fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

func TestParseLinkMode(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    LinkMode
		wantErr bool
	}{
		{"clone", LinkClone, false},
		{"hardlink", LinkHardlink, false},
		{"copy", LinkCopy, false},
		{"symlink", 0, true},
		{"Copy", 0, true},
		{"", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseLinkMode(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err == nil && got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if err == nil && got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

func FuzzParseLinkMode(f *testing.F) {
	for _, s := range []string{"clone", "hardlink", "copy", "", "x", "clone\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseLinkMode(s)
		if err != nil {
			return
		}
		back, err := ParseLinkMode(m.String())
		if err != nil || back != m {
			t.Errorf("round trip of %q: %v, %v", s, back, err)
		}
		var u LinkMode
		b, err := m.MarshalText()
		if err != nil || u.UnmarshalText(b) != nil || u != m {
			t.Errorf("text round trip of %v failed", m)
		}
	})
}

func TestPlace(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		mode LinkMode
		perm fs.FileMode
		// allowed modes Place may report (fallbacks included)
		allowed []LinkMode
	}{
		{"clone", LinkClone, 0o644, []LinkMode{LinkClone, LinkHardlink, LinkCopy}},
		{"clone executable", LinkClone, 0o755, []LinkMode{LinkClone, LinkHardlink, LinkCopy}},
		{"hardlink", LinkHardlink, 0o644, []LinkMode{LinkHardlink, LinkCopy}},
		{"copy", LinkCopy, 0o644, []LinkMode{LinkCopy}},
		{"copy executable", LinkCopy, 0o750, []LinkMode{LinkCopy}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := filepath.Join(dir, tc.name+".src")
			dst := filepath.Join(dir, tc.name+".dst")
			writeFile(t, src, "content of "+tc.name, tc.perm)
			writeFile(t, dst, "old content to be replaced", 0o600)
			used, err := Place(src, dst, tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			ok := false
			for _, m := range tc.allowed {
				ok = ok || m == used
			}
			if !ok {
				t.Errorf("used mode %v, want one of %v", used, tc.allowed)
			}
			got, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "content of "+tc.name {
				t.Errorf("dst content = %q", got)
			}
			sst, _ := os.Stat(src)
			dstSt, _ := os.Stat(dst)
			if dstSt.Mode().Perm() != tc.perm {
				t.Errorf("dst perm = %v, want %v", dstSt.Mode().Perm(), tc.perm)
			}
			if same := os.SameFile(sst, dstSt); same != (used == LinkHardlink) {
				t.Errorf("SameFile = %v with mode %v", same, used)
			}
			if used != LinkHardlink {
				// an independent file: writing dst leaves src alone
				os.WriteFile(dst, []byte("changed"), 0o644)
				if b, _ := os.ReadFile(src); string(b) != "content of "+tc.name {
					t.Errorf("writing dst changed src to %q", b)
				}
			}
		})
	}
}

func TestPlaceEdgeCases(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	writeFile(t, src, "x", 0o644)

	t.Run("hardlink onto itself", func(t *testing.T) {
		dst := filepath.Join(dir, "self")
		if _, err := Place(src, dst, LinkHardlink); err != nil {
			t.Fatal(err)
		}
		if _, err := Place(src, dst, LinkHardlink); err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if diff := cmp.Diff([]string{"self", "src"}, names); diff != "" {
			t.Errorf("entries (-want +got):\n%s", diff)
		}
	})
	t.Run("directory source", func(t *testing.T) {
		if _, err := Place(dir, filepath.Join(dir, "d"), LinkCopy); err == nil {
			t.Error("placing a directory succeeded")
		}
	})
	t.Run("missing source", func(t *testing.T) {
		_, err := Place(filepath.Join(dir, "nope"), filepath.Join(dir, "d"), LinkCopy)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("invalid mode", func(t *testing.T) {
		if _, err := Place(src, filepath.Join(dir, "d"), LinkMode(9)); err == nil {
			t.Error("invalid mode accepted")
		}
	})
}

// TestPlaceCrossDevice places from a tmpfs into the test's temporary
// directory, where neither a clone nor a hard link can work: both must fall
// back to a copy.
func TestPlaceCrossDevice(t *testing.T) {
	other := "/dev/shm"
	dir := t.TempDir()
	var a, b syscall.Stat_t
	if syscall.Stat(other, &a) != nil || syscall.Stat(dir, &b) != nil || a.Dev == b.Dev {
		t.Skip("no second filesystem (/dev/shm) to place across")
	}
	srcDir, err := os.MkdirTemp(other, "fsx-test-")
	if err != nil {
		t.Skipf("cannot write to %s: %v", other, err)
	}
	defer os.RemoveAll(srcDir)
	src := filepath.Join(srcDir, "tool")
	writeFile(t, src, "#!/bin/sh\n", 0o755)
	for _, mode := range []LinkMode{LinkClone, LinkHardlink, LinkCopy} {
		t.Run(mode.String(), func(t *testing.T) {
			dst := filepath.Join(dir, mode.String())
			used, err := Place(src, dst, mode)
			if err != nil {
				t.Fatal(err)
			}
			if used != LinkCopy {
				t.Errorf("used %v across filesystems, want copy", used)
			}
			st, _ := os.Stat(dst)
			if st.Mode().Perm() != 0o755 {
				t.Errorf("perm = %v, want 0755", st.Mode().Perm())
			}
		})
	}
}

func TestLinkTree(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	writeFile(t, filepath.Join(src, "a.txt"), "a", 0o644)
	writeFile(t, filepath.Join(src, "bin", "tool"), "#!/bin/sh\n", 0o755)
	writeFile(t, filepath.Join(src, "deep", "er", "c.txt"), "c", 0o600)
	if err := os.Symlink("../a.txt", filepath.Join(src, "bin", "link")); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []LinkMode{LinkClone, LinkHardlink, LinkCopy} {
		t.Run(mode.String(), func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "dst")
			// existing content is replaced
			writeFile(t, filepath.Join(dst, "a.txt"), "old", 0o644)
			if _, err := LinkTree(context.Background(), src, dst, mode); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(snapshot(t, src), snapshot(t, dst)); diff != "" {
				t.Errorf("tree (-src +dst):\n%s", diff)
			}
		})
	}
	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := CopyTree(ctx, src, filepath.Join(t.TempDir(), "x")); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

// snapshot describes a tree as path → "mode content" (or "-> target").
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		info, _ := d.Info()
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			m[rel] = "-> " + target
		case d.IsDir():
			m[rel] = "dir"
		default:
			b, _ := os.ReadFile(path)
			m[rel] = fmt.Sprintf("%v %s", info.Mode().Perm(), b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSafeJoin(t *testing.T) {
	outside := t.TempDir()
	root := filepath.Join(t.TempDir(), "root")
	writeFile(t, filepath.Join(root, "pkg", "mod.py"), "", 0o644)
	writeFile(t, filepath.Join(root, "file"), "", 0o644)
	links := map[string]string{
		"inside":       "pkg",                      // relative, stays in
		"inside-abs":   filepath.Join(root, "pkg"), // absolute, stays in
		"pkg/up":       "..",                       // back to root itself
		"escape-abs":   outside,
		"escape-rel":   "../..",
		"pkg/escape":   "../../x",
		"dangling-out": "../no/such/place",
		"dangling-in":  "pkg/new",
		"chain":        "pkg/escape",
		"loop1":        "loop2",
		"loop2":        "loop1",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		rel  string
		want string // "" means rejected
	}{
		{"pkg/mod.py", "pkg/mod.py"},
		{"pkg/new/file.py", "pkg/new/file.py"},
		{"./pkg//mod.py", "pkg/mod.py"},
		{"pkg/../file", "file"},
		{".", "."},
		{"inside/mod.py", "inside/mod.py"},
		{"inside-abs/mod.py", "inside-abs/mod.py"},
		{"pkg/up/file", "pkg/up/file"},
		{"dangling-in", "dangling-in"},
		{"file/below", "file/below"},
		{"", ""},
		{"/etc/passwd", ""},
		{"../x", ""},
		{"pkg/../../x", ""},
		{"escape-abs", ""},
		{"escape-abs/x", ""},
		{"escape-rel/x", ""},
		{"pkg/escape", ""},
		{"dangling-out", ""},
		{"chain/y", ""},
		{"loop1", ""},
		{"a\x00b", ""},
	}
	for _, tc := range tests {
		t.Run(tc.rel, func(t *testing.T) {
			got, err := SafeJoin(root, tc.rel)
			if tc.want == "" {
				var pe *PathError
				if !errors.As(err, &pe) {
					t.Fatalf("SafeJoin(%q) = %q, %v; want a *PathError", tc.rel, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("SafeJoin(%q): %v", tc.rel, err)
			}
			if want := filepath.Join(root, tc.want); got != want {
				t.Errorf("SafeJoin(%q) = %q, want %q", tc.rel, got, want)
			}
		})
	}
}

func FuzzSafeJoin(f *testing.F) {
	root := f.TempDir()
	os.MkdirAll(filepath.Join(root, "a", "b"), 0o755)
	os.Symlink("../..", filepath.Join(root, "a", "up"))
	os.Symlink("b", filepath.Join(root, "a", "in"))
	for _, s := range []string{"a/b/c", "a/up/x", "a/in/c", "../x", "/abs", "a/../b", "", ".", "a//b/./c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rel string) {
		got, err := SafeJoin(root, rel)
		if err != nil {
			return
		}
		r, rerr := filepath.Rel(root, got)
		if rerr != nil || r == ".." || strings.HasPrefix(r, "../") {
			t.Errorf("SafeJoin(%q) = %q, outside the root", rel, got)
		}
	})
}

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	data := strings.Repeat("0123456789", 10000)
	if err := WriteNew(p, 0o755, strings.NewReader(data), make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != data {
		t.Fatalf("content: %d bytes, %v", len(got), err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o755 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	if err := WriteNew(p, 0o644, strings.NewReader("x"), make([]byte, 8)); err == nil {
		t.Error("overwrote an existing file")
	}
	failing := io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(errors.New("boom")))
	if err := WriteNew(filepath.Join(dir, "g"), 0o644, failing, make([]byte, 8)); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("read error not reported: %v", err)
	}
}

func TestWriteFileCache(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "entry")
	for _, content := range []string{"first", "second, longer"} {
		if err := WriteFileCache(p, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != content {
			t.Fatalf("read %q, %v; want %q", got, err, content)
		}
	}
	if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, %v; want 0640", st.Mode(), err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only the file (no temporaries)", len(ents))
	}
	if err := WriteFileCache(filepath.Join(dir, "missing", "x"), nil, 0o644); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
