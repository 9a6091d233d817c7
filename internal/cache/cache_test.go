package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The test binary doubles as another ferry process: CACHE_TEST_HELPER=fill
// makes it Ensure one key, counting fills in a shared file.
func TestMain(m *testing.M) {
	if os.Getenv("CACHE_TEST_HELPER") == "fill" {
		c, err := Open(os.Getenv("CACHE_ROOT"))
		if err == nil {
			_, _, err = c.Ensure(context.Background(), Unpacked, SHA256(digest), countingFill(os.Getenv("CACHE_COUNTER")))
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// countingFill builds a small directory slowly, appending a line to
// counter each time it runs (O_APPEND writes of one line do not
// interleave).
func countingFill(counter string) FillFunc {
	return func(ctx context.Context, tmp string) error {
		f, err := os.OpenFile(counter, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		f.WriteString("fill\n")
		f.Close()
		if err := os.MkdirAll(filepath.Join(tmp, "pkg"), 0o755); err != nil {
			return err
		}
		time.Sleep(20 * time.Millisecond)
		return os.WriteFile(filepath.Join(tmp, "pkg", "mod.py"), []byte("x = 1\n"), 0o644)
	}
}

func fills(t *testing.T, counter string) int {
	t.Helper()
	b, err := os.ReadFile(counter)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return strings.Count(string(b), "fill\n")
}

func TestEnsure(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	counter := filepath.Join(t.TempDir(), "counter")
	ctx := context.Background()
	k := SHA256(digest)
	if _, ok := c.Lookup(Unpacked, k); ok {
		t.Fatal("Lookup hit in an empty cache")
	}
	p, built, err := c.Ensure(ctx, Unpacked, k, countingFill(counter))
	if err != nil || !built {
		t.Fatalf("Ensure = %v, %v", built, err)
	}
	if want := filepath.Join(c.Dir(), "unpacked", "sha256", "9f", digest); p != want {
		t.Errorf("path = %s, want %s", p, want)
	}
	if _, err := os.Stat(filepath.Join(p, "pkg", "mod.py")); err != nil {
		t.Error(err)
	}
	if _, built, _ := c.Ensure(ctx, Unpacked, k, countingFill(counter)); built {
		t.Error("second Ensure built again")
	}
	if n := fills(t, counter); n != 1 {
		t.Errorf("fill ran %d times, want 1", n)
	}
	if tmp, _ := os.ReadDir(filepath.Join(c.Dir(), "tmp")); len(tmp) != 0 {
		t.Errorf("tmp holds %d leftovers", len(tmp))
	}
}

func TestEnsureFailedFill(t *testing.T) {
	c, _ := Open(t.TempDir())
	k := SHA256(digest)
	boom := errors.New("boom")
	_, _, err := c.Ensure(context.Background(), Unpacked, k, func(ctx context.Context, tmp string) error {
		os.MkdirAll(tmp, 0o755)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if _, ok := c.Lookup(Unpacked, k); ok {
		t.Error("a failed fill left an entry")
	}
	if _, err := os.Lstat(c.Path(Unpacked, k)); !errors.Is(err, os.ErrNotExist) {
		t.Error("a failed fill left content at the entry's path")
	}
}

func TestIncompleteEntryRebuilt(t *testing.T) {
	c, _ := Open(t.TempDir())
	k := SHA256(digest)
	// A crash between rename and marker: content without a marker.
	p := c.Path(Unpacked, k)
	os.MkdirAll(filepath.Join(p, "half"), 0o755)
	if _, ok := c.Lookup(Unpacked, k); ok {
		t.Fatal("an entry without a marker is trusted")
	}
	counter := filepath.Join(t.TempDir(), "counter")
	p2, built, err := c.Ensure(context.Background(), Unpacked, k, countingFill(counter))
	if err != nil || !built || p2 != p {
		t.Fatalf("Ensure = %s %v %v", p2, built, err)
	}
	if _, err := os.Stat(filepath.Join(p, "half")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the incomplete entry's content survived")
	}
}

func TestEnsureFile(t *testing.T) {
	c, _ := Open(t.TempDir())
	p, _, err := c.EnsureFile(context.Background(), Archives, SHA256(digest), func(w io.Writer) error {
		_, err := io.WriteString(w, "wheel bytes")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "wheel bytes" {
		t.Errorf("content = %q", b)
	}
}

func TestEnsureGoroutines(t *testing.T) {
	c, _ := Open(t.TempDir())
	counter := filepath.Join(t.TempDir(), "counter")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, _, err := c.Ensure(context.Background(), Unpacked, SHA256(digest), countingFill(counter)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := fills(t, counter); n != 1 {
		t.Errorf("fill ran %d times, want 1", n)
	}
}

func TestEnsureProcesses(t *testing.T) {
	root := t.TempDir()
	counter := filepath.Join(t.TempDir(), "counter")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var cmds []*exec.Cmd
	for range 6 {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), "CACHE_TEST_HELPER=fill", "CACHE_ROOT="+root, "CACHE_COUNTER="+counter)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper: %v", err)
		}
	}
	if n := fills(t, counter); n != 1 {
		t.Errorf("fill ran %d times across processes, want 1", n)
	}
	c, _ := Open(root)
	if _, ok := c.Lookup(Unpacked, SHA256(digest)); !ok {
		t.Error("no entry after the processes finished")
	}
}

func TestPruneAndClean(t *testing.T) {
	c, _ := Open(t.TempDir())
	ctx := context.Background()
	counter := filepath.Join(t.TempDir(), "counter")
	oldKey := SHA256(digest)
	newKey := SHA256(strings.Repeat("ab", 32))
	for _, k := range []Key{oldKey, newKey} {
		if _, _, err := c.Ensure(ctx, Unpacked, k, countingFill(counter)); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-40 * 24 * time.Hour)
	os.Chtimes(c.Path(Unpacked, oldKey)+markerSuffix, long, long)
	leftover, _ := c.TempDir()
	os.Chtimes(leftover, long, long)
	fresh, _ := c.TempDir()

	st, err := c.Prune(ctx, time.Now().Add(-30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st.Entries != 1 || st.Temp != 1 {
		t.Errorf("Prune = %+v, want 1 entry and 1 temp", st)
	}
	if _, ok := c.Lookup(Unpacked, oldKey); ok {
		t.Error("unused entry survived Prune")
	}
	if _, ok := c.Lookup(Unpacked, newKey); !ok {
		t.Error("recent entry removed by Prune")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("Prune removed a fresh temporary directory")
	}
	if err := c.Clean(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Lookup(Unpacked, newKey); ok {
		t.Error("entry survived Clean")
	}
}

func TestInvalidKey(t *testing.T) {
	c, _ := Open(t.TempDir())
	for _, k := range []Key{{}, {"sha256", "zz"}, {"../x", "abcd"}, {"sha256", "not-hex!"}} {
		t.Run(strconv.Quote(k.String()), func(t *testing.T) {
			if _, _, err := c.Ensure(context.Background(), Unpacked, k, countingFill(filepath.Join(t.TempDir(), "c"))); err == nil {
				t.Error("accepted")
			}
		})
	}
}
