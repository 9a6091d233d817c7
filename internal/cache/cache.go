// Package cache is ferry's on-disk cache: a versioned directory of
// content-addressed entries that several ferry processes may read and fill
// at once.
//
// Layout (under the root the caller chooses; package cli resolves
// FERRY_CACHE_DIR, XDG_CACHE_HOME/ferry or ~/.cache/ferry):
//
//	v1/archives/sha256/ab/abcdef…      downloaded files, named by their sha256
//	v1/unpacked/sha256/ab/abcdef…/     wheels unpacked and verified against RECORD
//	v1/http/ v1/builds/ v1/envs/ v1/interpreters/   reserved for other users
//	v1/tmp/                            entries being written
//	v1/locks/                          per-key lock files
//
// The layout version ("v1") changes whenever an entry's format changes, so
// an old ferry never misreads a new entry and vice versa.
//
// Invariants:
//
//   - An entry appears complete or not at all: it is built in v1/tmp, its
//     completion marker is written last, and it is renamed into place. A
//     reader needs no lock; it trusts an entry only when the marker is
//     there, so a partial entry left by a crash is ignored and rebuilt.
//   - Writers of the same key take an exclusive per-key lock
//     (fsx.Lock), so concurrent processes never build the same entry at
//     once; the second finds the first's entry when it gets the lock.
//   - Using an entry touches its marker; Prune removes entries whose
//     marker is older than a cutoff, and temporary leftovers.
package cache

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
	"strings"
	"time"

	"ferry/internal/fsx"
)

// Version is the layout version, the name of the directory under the root.
const Version = "v1"

// Bucket is a top-level kind of entry.
type Bucket string

// The buckets.
const (
	Archives     Bucket = "archives"
	Unpacked     Bucket = "unpacked"
	HTTP         Bucket = "http"
	Builds       Bucket = "builds"
	Envs         Bucket = "envs"
	Interpreters Bucket = "interpreters"
)

// AllBuckets lists every bucket, in a fixed order.
func AllBuckets() []Bucket { return []Bucket{Archives, Unpacked, HTTP, Builds, Envs, Interpreters} }

// markerSuffix names an entry's completion marker: the entry's path plus
// this suffix, a sibling file, so a directory entry's content is the
// caller's alone.
const markerSuffix = ".ok"

// Cache is a cache rooted at a directory. Its methods are safe for
// concurrent use by goroutines and processes.
type Cache struct {
	root string // the versioned directory, <root>/v1
}

// Open returns the cache at root, creating its layout.
func Open(root string) (*Cache, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("opening cache %s: %w", root, err)
	}
	c := &Cache{root: filepath.Join(abs, Version)}
	for _, d := range []string{"tmp", "locks"} {
		if err := os.MkdirAll(filepath.Join(c.root, d), 0o755); err != nil {
			return nil, fmt.Errorf("opening cache %s: %w", root, err)
		}
	}
	tag := filepath.Join(abs, "CACHEDIR.TAG")
	if _, err := os.Stat(tag); errors.Is(err, fs.ErrNotExist) {
		// Tell backup tools to skip the cache (https://bford.info/cachedir/).
		os.WriteFile(tag, []byte("Signature: 8a477f597d28d172789f06886806bc55\n# This file marks ferry's cache directory.\n"), 0o644)
	}
	return c, nil
}

// Dir returns the versioned directory (<root>/v1).
func (c *Cache) Dir() string { return c.root }

// BucketDir returns a bucket's directory.
func (c *Cache) BucketDir(b Bucket) string { return filepath.Join(c.root, string(b)) }

// Key names an entry inside a bucket: a digest algorithm and a hex digest
// for content-addressed buckets.
type Key struct {
	Algorithm string // "sha256"
	Digest    string // lower-case hex
}

// SHA256 returns the key of a sha256 hex digest.
func SHA256(hexDigest string) Key {
	return Key{Algorithm: "sha256", Digest: strings.ToLower(hexDigest)}
}

func (k Key) valid() bool {
	if k.Algorithm == "" || len(k.Digest) < 4 || strings.ContainsAny(k.Algorithm, `/\.`) {
		return false
	}
	_, err := hex.DecodeString(k.Digest)
	return err == nil
}

// String returns "algorithm:digest".
func (k Key) String() string { return k.Algorithm + ":" + k.Digest }

// Path returns where the entry for key lives in bucket (whether or not it
// exists).
func (c *Cache) Path(b Bucket, k Key) string {
	return filepath.Join(c.root, string(b), k.Algorithm, k.Digest[:2], k.Digest)
}

// Lookup returns the entry's path if it is complete. It takes no lock.
// A hit touches the entry's marker (for Prune).
func (c *Cache) Lookup(b Bucket, k Key) (string, bool) {
	if !k.valid() {
		return "", false
	}
	p := c.Path(b, k)
	if _, err := os.Stat(p + markerSuffix); err != nil {
		return "", false
	}
	if _, err := os.Lstat(p); err != nil {
		return "", false
	}
	touch(p + markerSuffix)
	return p, true
}

// touch sets a marker's modification time to now, at most once an hour
// (a write per hit would cost more than it tells).
func touch(marker string) {
	st, err := os.Stat(marker)
	if err != nil || time.Since(st.ModTime()) < time.Hour {
		return
	}
	now := time.Now()
	os.Chtimes(marker, now, now)
}

// FillFunc builds an entry at tmp, a path that does not exist yet in the
// cache's temporary directory: it creates a directory or a file there.
type FillFunc func(ctx context.Context, tmp string) error

// Ensure returns the complete entry for key in bucket, building it with
// fill if it is missing. Concurrent callers for the same key (in this
// process or others) wait for one another: fill runs once. A failed fill
// leaves no entry.
func (c *Cache) Ensure(ctx context.Context, b Bucket, k Key, fill FillFunc) (path string, built bool, err error) {
	if !k.valid() {
		return "", false, fmt.Errorf("cache: invalid key %q", k)
	}
	if p, ok := c.Lookup(b, k); ok {
		return p, false, nil
	}
	unlock, err := fsx.Lock(ctx, c.lockPath(b, k))
	if err != nil {
		return "", false, err
	}
	defer unlock()
	if p, ok := c.Lookup(b, k); ok {
		return p, false, nil
	}
	final := c.Path(b, k)
	tmpDir, err := c.tempDir()
	if err != nil {
		return "", false, err
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, "entry")
	if err := fill(ctx, tmp); err != nil {
		return "", false, err
	}
	if _, err := os.Lstat(tmp); err != nil {
		return "", false, fmt.Errorf("cache: filling %s: nothing was written: %w", k, err)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return "", false, fmt.Errorf("cache: %w", err)
	}
	// An incomplete entry (no marker) from a crash: move it out of the way.
	if _, err := os.Lstat(final); err == nil {
		if err := os.Rename(final, filepath.Join(tmpDir, "stale")); err != nil {
			return "", false, fmt.Errorf("cache: replacing incomplete entry %s: %w", final, err)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", false, fmt.Errorf("cache: storing %s: %w", k, err)
	}
	if err := os.WriteFile(final+markerSuffix, nil, 0o644); err != nil {
		return "", false, fmt.Errorf("cache: storing %s: %w", k, err)
	}
	return final, true, nil
}

// EnsureFile is Ensure for an entry that is one file, written by fill.
func (c *Cache) EnsureFile(ctx context.Context, b Bucket, k Key, fill func(w io.Writer) error) (string, bool, error) {
	return c.Ensure(ctx, b, k, func(ctx context.Context, tmp string) error {
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if err := fill(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}

func (c *Cache) lockPath(b Bucket, k Key) string {
	return filepath.Join(c.root, "locks", string(b)+"-"+k.Algorithm+"-"+k.Digest+".lock")
}

// tempDir makes a fresh directory in v1/tmp.
func (c *Cache) tempDir() (string, error) {
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	d := filepath.Join(c.root, "tmp", fmt.Sprintf("%d-%s", time.Now().Unix(), hex.EncodeToString(r[:])))
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", fmt.Errorf("cache: %w", err)
	}
	return d, nil
}

// TempDir returns a new private directory inside the cache (on the same
// filesystem as its entries) for the caller to use and remove. Prune
// removes ones older than a day that were left behind.
func (c *Cache) TempDir() (string, error) { return c.tempDir() }

// Remove deletes one entry (if present), under its lock.
func (c *Cache) Remove(ctx context.Context, b Bucket, k Key) error {
	if !k.valid() {
		return fmt.Errorf("cache: invalid key %q", k)
	}
	unlock, err := fsx.Lock(ctx, c.lockPath(b, k))
	if err != nil {
		return err
	}
	defer unlock()
	return c.removeEntry(c.Path(b, k))
}

// removeEntry removes the marker first (the entry stops being trusted)
// and then the content.
func (c *Cache) removeEntry(p string) error {
	if err := os.Remove(p + markerSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cache: removing %s: %w", p, err)
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("cache: removing %s: %w", p, err)
	}
	return nil
}

// Clean removes every entry of the given buckets (all buckets when none
// are given). Entries being written by another process at the same time
// are unaffected: they live in tmp until they are complete.
func (c *Cache) Clean(ctx context.Context, buckets ...Bucket) error {
	if len(buckets) == 0 {
		buckets = AllBuckets()
	}
	for _, b := range buckets {
		if err := ctx.Err(); err != nil {
			return err
		}
		dir := c.BucketDir(b)
		// Rename first so readers never see a half-removed bucket.
		tmpDir, err := c.tempDir()
		if err != nil {
			return err
		}
		if err := os.Rename(dir, filepath.Join(tmpDir, "bucket")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cache: cleaning %s: %w", dir, err)
		}
		if err := os.RemoveAll(tmpDir); err != nil {
			return fmt.Errorf("cache: cleaning %s: %w", dir, err)
		}
	}
	return nil
}

// PruneStats says what Prune removed.
type PruneStats struct {
	Entries int   // entries removed
	Temp    int   // temporary leftovers removed
	Bytes   int64 // bytes freed (regular files)
}

// Prune removes entries of content-addressed buckets (archives, unpacked)
// not used since before cutoff, incomplete entries, and temporary
// directories older than a day. Entries in use by another process's
// writer are skipped (their lock is held).
func (c *Cache) Prune(ctx context.Context, cutoff time.Time) (PruneStats, error) {
	var st PruneStats
	tmpRoot := filepath.Join(c.root, "tmp")
	ents, _ := os.ReadDir(tmpRoot)
	for _, e := range ents {
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < 24*time.Hour {
			continue
		}
		p := filepath.Join(tmpRoot, e.Name())
		st.Bytes += du(p)
		if os.RemoveAll(p) == nil {
			st.Temp++
		}
	}
	for _, b := range []Bucket{Archives, Unpacked} {
		algs, _ := os.ReadDir(c.BucketDir(b))
		for _, alg := range algs {
			prefixes, _ := os.ReadDir(filepath.Join(c.BucketDir(b), alg.Name()))
			for _, pre := range prefixes {
				dir := filepath.Join(c.BucketDir(b), alg.Name(), pre.Name())
				names, _ := os.ReadDir(dir)
				for _, n := range names {
					if err := ctx.Err(); err != nil {
						return st, err
					}
					name := n.Name()
					if strings.HasSuffix(name, markerSuffix) {
						continue
					}
					k := Key{Algorithm: alg.Name(), Digest: name}
					p := filepath.Join(dir, name)
					mst, err := os.Stat(p + markerSuffix)
					if err == nil && !mst.ModTime().Before(cutoff) {
						continue
					}
					lctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
					unlock, err := fsx.Lock(lctx, c.lockPath(b, k))
					cancel()
					if err != nil {
						continue // busy
					}
					n := du(p)
					if c.removeEntry(p) == nil {
						st.Entries++
						st.Bytes += n
					}
					unlock()
				}
			}
		}
	}
	return st, nil
}

// du returns the bytes of the regular files under p.
func du(p string) int64 {
	var n int64
	filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
