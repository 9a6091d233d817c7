package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"ferry/internal/coremeta"
	"ferry/internal/fetch"
	"ferry/internal/fsx"
	"ferry/internal/httpx"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
)

// ErrNoMetadata is wrapped by the error for an sdist whose index serves no
// metadata file: its metadata is known only after building it.
var ErrNoMetadata = errors.New("no metadata available without building")

// MetadataMismatchError reports core metadata that names another project
// or version than the file it belongs to.
type MetadataMismatchError struct {
	Filename string
	// Source is where the metadata came from (a redacted URL or a path).
	Source                        string
	FileName                      pkgname.Name
	FileVersion                   pep440.Version
	MetadataName, MetadataVersion string
}

// Error names the file, where the metadata came from, and both names and
// versions.
func (e *MetadataMismatchError) Error() string {
	return fmt.Sprintf("metadata of %s (from %s) is for %s %s, but the file name says %s %s",
		e.Filename, e.Source, e.MetadataName, e.MetadataVersion, e.FileName, e.FileVersion)
}

// MetadataReader reads the core metadata (METADATA) of index files, by
// the cheapest way the index allows:
//
//  1. a copy remembered in the HTTP cache (keyed by the file's sha256);
//  2. the PEP 658/714 metadata file at URL + ".metadata", checked against
//     the hash the index gave for it;
//  3. for a wheel over HTTP, range requests: the zip's tail (its central
//     directory) and then only the METADATA member, checked against the
//     member's size and CRC-32;
//  4. the whole file, through the Fetcher (verified against the index's
//     hashes and kept in the store for installing later).
//
// Local files (file URLs) are read directly. The metadata is then parsed
// and must name the file's project and version, or the answer is a
// *MetadataMismatchError. It is safe for concurrent use.
type MetadataReader struct {
	opts    Options
	fetcher *fetch.Fetcher
}

// NewMetadataReader returns a reader using opts' client and cache. fetcher
// may be nil, in which case the whole-file fallback is not available.
func NewMetadataReader(opts Options, fetcher *fetch.Fetcher) *MetadataReader {
	return &MetadataReader{opts: opts, fetcher: fetcher}
}

// Metadata returns the METADATA bytes of f.
func (r *MetadataReader) Metadata(ctx context.Context, f File) ([]byte, error) {
	data, source, err := r.read(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("reading metadata of %s: %w", f.Filename, err)
	}
	if source == cachedSource {
		return data, nil // Cached checked it, and it is stored already
	}
	if err := checkMetadata(f, data, source); err != nil {
		return nil, err
	}
	r.remember(f, data)
	return data, nil
}

// cachedSource names the metadata cache as where metadata came from.
const cachedSource = "the metadata cache"

// Cached returns f's METADATA when the metadata cache holds it (checked
// against f's name and version: an entry cut short reads as a miss).
func (r *MetadataReader) Cached(f File) ([]byte, bool) {
	p := r.cachePath(f)
	if p == "" || (r.opts.Cache != nil && r.opts.Cache.Mode == CacheRefresh) {
		return nil, false
	}
	data, err := os.ReadFile(p)
	if err != nil || checkMetadata(f, data, p) != nil {
		return nil, false // absent, or cut short by a crash: read it again
	}
	return data, true
}

// FromWheel returns f's METADATA read from the whole wheel, already
// downloaded and verified into memory, with the same checks as Metadata.
func (r *MetadataReader) FromWheel(ctx context.Context, f File, wheel []byte) ([]byte, error) {
	t := zipTail{data: wheel, start: 0, total: int64(len(wheel))}
	data, err := readZipMetadata(ctx, nil, t, f.Name)
	if err != nil {
		return nil, fmt.Errorf("reading metadata of %s: %w", f.Filename, err)
	}
	if err := checkMetadata(f, data, f.Filename); err != nil {
		return nil, err
	}
	r.remember(f, data)
	return data, nil
}

// checkMetadata parses data and compares its name and version with f's.
func checkMetadata(f File, data []byte, source string) error {
	m, err := coremeta.Parse(data)
	if err != nil {
		return fmt.Errorf("reading metadata of %s (from %s): %w", f.Filename, source, err)
	}
	v, verr := pep440.Parse(strings.TrimSpace(m.Version))
	if pkgname.Normalize(m.Name) != string(f.Name) || verr != nil || !v.Equal(f.Version) {
		return &MetadataMismatchError{Filename: f.Filename, Source: source, FileName: f.Name, FileVersion: f.Version,
			MetadataName: m.Name, MetadataVersion: m.Version}
	}
	return nil
}

func (r *MetadataReader) cachePath(f File) string {
	sha := f.SHA256()
	if r.opts.Cache == nil || r.opts.Cache.Dir == "" || len(sha) != 64 || strings.ContainsAny(sha, `/\.`) {
		return ""
	}
	return filepath.Join(r.opts.Cache.Dir, "metadata", sha[:2], sha)
}

func (r *MetadataReader) remember(f File, data []byte) {
	p := r.cachePath(f)
	if p == "" || strings.HasPrefix(f.URL, "file:") {
		return
	}
	if _, err := os.Stat(p); err == nil {
		return
	}
	if os.MkdirAll(filepath.Dir(p), 0o755) == nil {
		_ = fsx.WriteFileCache(p, data, 0o644)
	}
}

func (r *MetadataReader) read(ctx context.Context, f File) ([]byte, string, error) {
	if strings.HasPrefix(f.URL, "file:") {
		p, err := FilePath(f.URL)
		if err != nil {
			return nil, "", err
		}
		if f.Kind != KindWheel {
			return nil, "", fmt.Errorf("%s: %w", p, ErrNoMetadata)
		}
		data, err := localWheelMetadata(ctx, p, f.Name)
		return data, p, err
	}
	if data, ok := r.Cached(f); ok {
		return data, cachedSource, nil
	}
	if f.CoreMetadata.Available {
		data, err := r.pep658(ctx, f)
		if err == nil || !(errors.Is(err, errFallback) || errors.Is(err, ErrOffline)) {
			return data, httpx.Redact(f.URL + ".metadata"), err
		}
	}
	if f.Kind != KindWheel {
		return nil, "", ErrNoMetadata
	}
	offline := r.opts.Cache != nil && r.opts.Cache.Mode == CacheOffline
	if !offline && r.opts.Client != nil {
		data, err := r.ranged(ctx, f)
		if err == nil {
			return data, httpx.Redact(f.URL) + " (range requests)", nil
		}
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		// Anything else (no range support, a server that changes its
		// answer between requests) falls back to the whole file.
	}
	if r.fetcher == nil {
		if offline {
			return nil, "", fmt.Errorf("%w: no cached copy", ErrOffline)
		}
		return nil, "", errors.New("no way to read it: no metadata file, no range support and downloading is not available")
	}
	res, err := r.fetcher.Fetch(ctx, FetchRequest(f))
	if err != nil {
		return nil, "", err
	}
	data, err := localWheelMetadata(ctx, res.Path, f.Name)
	return data, f.Filename, err
}

// errFallback marks a PEP 658 failure after which the other ways may be
// tried (the metadata file is missing although announced).
var errFallback = errors.New("metadata file not served")

func (r *MetadataReader) pep658(ctx context.Context, f File) ([]byte, error) {
	u := f.URL + ".metadata"
	resp, err := get(ctx, r.opts.Client, r.opts.Cache, u, "", maxMetadataSize)
	if err != nil {
		var se *httpx.StatusError
		if errors.As(err, &se) && se.Code == 404 {
			return nil, fmt.Errorf("%w: %w", errFallback, err)
		}
		return nil, err
	}
	if len(f.CoreMetadata.Hashes) > 0 {
		h := fetch.NewHasher(keys(f.CoreMetadata.Hashes)...)
		h.Write(resp.Body)
		if err := h.Check(f.Filename+".metadata", f.CoreMetadata.Hashes, nil); err != nil {
			var me *fetch.HashMismatchError
			if errors.As(err, &me) {
				me.URL = httpx.Redact(u)
			}
			return nil, err
		}
	}
	return resp.Body, nil
}

// ranged reads a remote wheel's METADATA with range requests.
func (r *MetadataReader) ranged(ctx context.Context, f File) ([]byte, error) {
	data, total, ok, err := r.opts.Client.GetRange(ctx, f.URL, -tailSize, 0)
	if err != nil {
		return nil, err
	}
	if !ok || total < 0 || int64(len(data)) > total {
		return nil, errors.New("server does not support range requests")
	}
	if f.Size > 0 && total != f.Size {
		return nil, fmt.Errorf("server says %d bytes, the index said %d", total, f.Size)
	}
	t := zipTail{data: data, start: total - int64(len(data)), total: total}
	return readZipMetadata(ctx, httpRanger{r.opts.Client, f.URL}, t, f.Name)
}

type httpRanger struct {
	client *httpx.Client
	url    string
}

// ReadRange implements ranger with an HTTP range request.
func (h httpRanger) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	data, _, ok, err := h.client.GetRange(ctx, h.url, off, n)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("server stopped honouring range requests")
	}
	return data, nil
}

type fileRanger struct{ f *os.File }

// ReadRange implements ranger with ReadAt.
func (r fileRanger) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	b := make([]byte, n)
	if _, err := r.f.ReadAt(b, off); err != nil {
		return nil, err
	}
	return b, nil
}

// localWheelMetadata reads METADATA from a wheel on disk.
func localWheelMetadata(ctx context.Context, p string, project pkgname.Name) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	n := min(st.Size(), tailSize)
	tail := make([]byte, n)
	if _, err := fh.ReadAt(tail, st.Size()-n); err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	data, err := readZipMetadata(ctx, fileRanger{fh}, zipTail{data: tail, start: st.Size() - n, total: st.Size()}, project)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return data, nil
}

// FetchRequest is the download request for f: its URL, file name, the
// index's hashes and size.
func FetchRequest(f File) fetch.Request {
	return fetch.Request{URL: f.URL, Filename: f.Filename, Hashes: f.Hashes, Size: f.Size}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
