// Package testkit is shared support for ferry's tests: locating the shared
// conformance vectors, reporting vector counts in the one format the project
// uses, and a few helpers every test package would otherwise rewrite. Only
// _test.go files may import it.
package testkit

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// SharedDir returns the path of ../shared (the vectors, benchmark workloads
// and seeds), found by walking up from the working directory, or from
// $FERRY_SHARED when set. Tests that need it call t.Fatal when it is missing:
// the vectors are part of the test suite, never optional.
func SharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("FERRY_SHARED"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "..", "shared")
		if st, err := os.Stat(filepath.Join(cand, "vectors")); err == nil && st.IsDir() {
			return filepath.Clean(cand)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("cannot find ../shared/vectors above the working directory; set FERRY_SHARED")
		}
		dir = parent
	}
}

// VectorPath returns the path of ../shared/vectors/name.
func VectorPath(t testing.TB, name string) string {
	return filepath.Join(SharedDir(t), "vectors", name)
}

// LoadJSON decodes ../shared/vectors/name into v.
func LoadJSON(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(VectorPath(t, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decoding %s: %v", name, err)
	}
}

// Tally counts vector outcomes for one file. It is safe for concurrent use
// by parallel subtests.
type Tally struct {
	mu                      sync.Mutex
	File                    string
	Passed, Failed, Skipped int
}

// NewTally starts a count for file and reports it when t finishes, in the
// form "vectors FILE: N passed, M failed, K skipped".
func NewTally(t *testing.T, file string) *Tally {
	c := &Tally{File: file}
	t.Cleanup(func() { Report(t, c.Line()) })
	return c
}

// Pass, Fail and Skip count one case each.
func (c *Tally) Pass() { c.mu.Lock(); c.Passed++; c.mu.Unlock() }

// Fail counts a failed case.
func (c *Tally) Fail() { c.mu.Lock(); c.Failed++; c.mu.Unlock() }

// Skip counts n skipped cases.
func (c *Tally) Skip(n int) { c.mu.Lock(); c.Skipped += n; c.mu.Unlock() }

// Check counts ok as a pass or a failure and returns it.
func (c *Tally) Check(ok bool) bool {
	if ok {
		c.Pass()
	} else {
		c.Fail()
	}
	return ok
}

// Line is the report line.
func (c *Tally) Line() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("vectors %s: %d passed, %d failed, %d skipped", c.File, c.Passed, c.Failed, c.Skipped)
}

// Report logs a summary line and, when $FERRY_REPORT names a file, appends
// it there so the test command can print every summary at the end.
func Report(t testing.TB, line string) {
	t.Log(line)
	if p := os.Getenv("FERRY_REPORT"); p != "" {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Errorf("writing report: %v", err)
			return
		}
		defer f.Close()
		fmt.Fprintln(f, line)
	}
}
