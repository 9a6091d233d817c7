package install

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"ferry/internal/cache"
	"ferry/internal/distinfo"
	"ferry/internal/fsx"
	"ferry/internal/pkgname"
	"ferry/internal/wheel"
)

// inMemoryWheel is the largest wheel unpacked from memory rather than
// from the file.
const inMemoryWheel = 256 << 20

// manifestFormat is the version of manifest.json in unpacked entries.
const manifestFormat = 1

// Unpacked is a wheel unpacked into the cache and verified against its
// RECORD. Its files are at Dir/<archive path>.
type Unpacked struct {
	// Dir is the unpacked tree.
	Dir string
	// Source is the wheel file it was unpacked from (for messages and
	// direct_url.json).
	Source string
	Manifest
}

// Manifest describes an unpacked wheel; it is stored next to the tree so
// installing from the cache needs no archive and no parsing of RECORD.
type Manifest struct {
	Format   int    `json:"format"`
	FileName string `json:"file_name"`
	// SHA256 is the wheel file's digest (hex), the cache key.
	SHA256 string `json:"sha256"`
	// Name is the normalized project name, DisplayName METADATA's Name.
	Name        pkgname.Name `json:"name"`
	DisplayName string       `json:"display_name"`
	// Version is METADATA's Version as written.
	Version       string   `json:"version"`
	DistInfo      string   `json:"dist_info"`
	RootIsPurelib bool     `json:"root_is_purelib"`
	Warnings      []string `json:"warnings,omitempty"`
	// Files are the wheel's members in archive order.
	Files []File `json:"files"`
	// Launchers are the console_scripts and gui_scripts entry points.
	Launchers []Launcher `json:"launchers,omitempty"`
}

// File is one member of an unpacked wheel.
type File struct {
	// Path is the archive path (and the path under Unpacked.Dir).
	Path string `json:"path"`
	// Scheme and Rel say where it is installed.
	Scheme wheel.Scheme `json:"scheme"`
	Rel    string       `json:"rel"`
	// Hash and Size are its RECORD entry ("" and -1 for RECORD itself).
	Hash string `json:"hash"`
	Size int64  `json:"size"`
	Exec bool   `json:"exec,omitempty"`
}

// Launcher is an entry point to turn into a script.
type Launcher struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	GUI   bool   `json:"gui,omitempty"`
}

// String returns "name==version".
func (u *Unpacked) String() string { return string(u.Name) + "==" + u.Version }

// HashFile returns the sha256 hex digest and size of a file.
func HashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("reading %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// UnpackOptions configure unpacking.
type UnpackOptions struct {
	// Wheel bounds what is accepted.
	Wheel wheel.Options
	// Workers bounds parallel member extraction; 0 means GOMAXPROCS*2.
	Workers int
}

func (o UnpackOptions) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return min(runtime.GOMAXPROCS(0)*2, 16)
}

// Unpack makes sure the wheel file at p is unpacked and verified in the
// cache and returns the entry. A wheel that fails any check (see package
// wheel) leaves nothing in the cache; the error is a *wheel.Error naming
// the wheel and the member.
func Unpack(ctx context.Context, c *cache.Cache, p string, opts UnpackOptions) (*Unpacked, error) {
	return UnpackSource(ctx, c, Source{Path: p}, opts)
}

// Source is a wheel file to unpack.
type Source struct {
	// Path is the file.
	Path string
	// FileName is the wheel's file name when Path does not end in it (a
	// file in the download cache, named by its digest).
	FileName string
	// SHA256 is the file's digest when the caller knows it (a verified
	// download); empty means hash the file first.
	SHA256 string
	// Data, when not nil, is the file's content (a verified download kept
	// in memory); Path is then only used in messages.
	Data []byte
}

func (s Source) name() string {
	if s.FileName != "" {
		return s.FileName
	}
	return filepath.Base(s.Path)
}

// LookupUnpacked returns the unpacked entry of the wheel whose sha256 is
// digest, when the cache holds a complete one. It reads no archive.
func LookupUnpacked(c *cache.Cache, digest string) (*Unpacked, bool) {
	dir, ok := c.Lookup(cache.Unpacked, cache.SHA256(digest))
	if !ok {
		return nil, false
	}
	u, err := readManifest(dir)
	if err != nil || u.SHA256 != digest {
		return nil, false
	}
	return u, true
}

// UnpackSource is Unpack for a Source.
func UnpackSource(ctx context.Context, c *cache.Cache, src Source, opts UnpackOptions) (*Unpacked, error) {
	digest := src.SHA256
	if digest == "" {
		var err error
		if src.Data != nil {
			sum := sha256.Sum256(src.Data)
			digest = hex.EncodeToString(sum[:])
		} else if digest, _, err = HashFile(src.Path); err != nil {
			return nil, err
		}
	}
	fill := func(ctx context.Context, tmp string) error {
		return unpackTo(ctx, src, digest, tmp, opts)
	}
	dir, _, err := c.Ensure(ctx, cache.Unpacked, cache.SHA256(digest), fill)
	if err != nil {
		return nil, err
	}
	u, err := readManifest(dir)
	if err != nil {
		// A damaged entry: rebuild it once.
		if rerr := c.Remove(ctx, cache.Unpacked, cache.SHA256(digest)); rerr != nil {
			return nil, err
		}
		if dir, _, err = c.Ensure(ctx, cache.Unpacked, cache.SHA256(digest), fill); err != nil {
			return nil, err
		}
		if u, err = readManifest(dir); err != nil {
			return nil, err
		}
	}
	u.Source = src.Path
	return u, nil
}

// UnpackAll unpacks wheel files in parallel (at most opts.Workers at a
// time) and returns the entries in the order of paths. The first failure
// is returned after the others have stopped.
func UnpackAll(ctx context.Context, c *cache.Cache, paths []string, opts UnpackOptions) ([]*Unpacked, error) {
	out := make([]*Unpacked, len(paths))
	if len(paths) == 0 {
		return out, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := min(opts.workers(), len(paths))
	per := opts
	per.Workers = max(1, opts.workers()/n)
	errs := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for i := range next {
				u, err := Unpack(ctx, c, paths[i], per)
				out[i], errs[i] = u, err
				if err != nil {
					cancel()
				}
			}
		})
	}
	for i := range paths {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil && err != context.Canceled {
			return nil, err
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func readManifest(dir string) (*Unpacked, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("reading unpacked wheel %s: %w", dir, err)
	}
	u := &Unpacked{Dir: filepath.Join(dir, "tree")}
	if err := json.Unmarshal(b, &u.Manifest); err != nil {
		return nil, fmt.Errorf("reading unpacked wheel %s: %w", dir, err)
	}
	if u.Format != manifestFormat {
		return nil, fmt.Errorf("reading unpacked wheel %s: manifest format %d, want %d", dir, u.Format, manifestFormat)
	}
	return u, nil
}

// unpackTo extracts and verifies the wheel at p into entry/tree and
// writes entry/manifest.json.
func unpackTo(ctx context.Context, source Source, digest, entry string, opts UnpackOptions) error {
	var r io.ReaderAt
	var size int64
	if source.Data != nil {
		r, size = bytes.NewReader(source.Data), int64(len(source.Data))
	} else {
		f, err := os.Open(source.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		r, size = f, st.Size()
		// Most wheels are read whole into memory: one read instead of a
		// pread per chunk of every member.
		if size <= inMemoryWheel {
			data := make([]byte, size)
			if _, err := io.ReadFull(f, data); err != nil {
				return fmt.Errorf("reading %s: %w", source.Path, err)
			}
			r = bytes.NewReader(data)
		}
	}
	w, err := wheel.Open(r, size, source.name(), opts.Wheel)
	if err != nil {
		return err
	}
	tree := filepath.Join(entry, "tree")
	if err := os.MkdirAll(tree, 0o755); err != nil {
		return err
	}
	// Every directory once, parents first: plain mkdir, no MkdirAll walks.
	dirs := map[string]bool{}
	for _, m := range w.Members {
		for d := path.Dir(m.Name); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	for _, d := range sorted {
		if err := os.Mkdir(filepath.Join(tree, filepath.FromSlash(d)), 0o755); err != nil {
			return err
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.workers(), max(1, len(w.Members))) {
		wg.Go(func() {
			buf := make([]byte, 64<<10)
			for i := range next {
				if err := extract(w, &w.Members[i], tree, buf); err != nil {
					fail(err)
				}
			}
		})
	}
	for i := range w.Members {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	m := Manifest{
		Format: manifestFormat, FileName: w.FileName, SHA256: digest,
		Name: w.Name(), DisplayName: w.Metadata.Name, Version: w.Metadata.Version,
		DistInfo: w.DistInfo, RootIsPurelib: w.Info.RootIsPurelib, Warnings: w.Warnings,
	}
	for _, mem := range w.Members {
		m.Files = append(m.Files, File{
			Path: mem.Name, Scheme: mem.Scheme, Rel: mem.Path,
			Hash: mem.Record.Hash.String(), Size: mem.Record.Size,
			Exec: mem.Executable || mem.Scheme == wheel.Scripts,
		})
	}
	for _, g := range []struct {
		name string
		gui  bool
	}{{distinfo.ConsoleScripts, false}, {distinfo.GUIScripts, true}} {
		for _, ep := range w.EntryPoints.Group(g.name) {
			m.Launchers = append(m.Launchers, Launcher{Name: ep.Name, Value: ep.Value, GUI: g.gui})
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(entry, "manifest.json"), b, 0o644)
}

// extract writes one member under tree, verified while it is written.
func extract(w *wheel.Wheel, m *wheel.Member, tree string, buf []byte) error {
	perm := os.FileMode(0o644)
	if m.Executable || m.Scheme == wheel.Scripts {
		perm = 0o755
	}
	rc, err := w.Open(m)
	if err != nil {
		return err
	}
	defer rc.Close()
	return fsx.WriteNew(filepath.Join(tree, filepath.FromSlash(m.Name)), perm, rc, buf)
}
