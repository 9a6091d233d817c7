package server

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"ferry/internal/archive"
	"ferry/internal/coremeta"
	"ferry/internal/index"
	"ferry/internal/pep440"
	"ferry/internal/pkgname"
	"ferry/internal/simpleapi"
)

// Options configure how a directory is presented as an index.
type Options struct {
	// UploadTime selects the PEP 700 upload time of each file: nil uses the
	// file's modification time; a function returning the zero time leaves
	// the upload time out.
	UploadTime func(filename string, mtime time.Time) time.Time
	// MaxAge is the Cache-Control max-age of pages served by Server (zero
	// sends "max-age=0", so clients revalidate every time).
	MaxAge time.Duration
	// Warn receives a message for each file that is skipped or only partly
	// described (a name that does not parse, a wheel without readable
	// METADATA). Nil discards them.
	Warn func(msg string)
}

func (o Options) warn(format string, args ...any) {
	if o.Warn != nil {
		o.Warn(fmt.Sprintf(format, args...))
	}
}

// YankedSuffix names the sidecar file that marks a distribution yanked
// (PEP 592): "<file>.yanked", whose content (trimmed) is the reason.
const YankedSuffix = ".yanked"

// MetadataSuffix is appended to a file's name for its PEP 658 metadata.
const MetadataSuffix = ".metadata"

// dist is one distribution file of the directory.
type dist struct {
	filename       string
	name           pkgname.Name
	version        pep440.Version
	wheel          bool
	size           int64
	mtime          time.Time
	sha256         string
	requiresPython string
	metadata       []byte // wheels with a readable METADATA
	metadataSHA256 string
	yanked         bool
	yankedReason   string
}

// repo is the index view of a directory: projects sorted by name, files
// sorted by version and file name. Building it is the one code path
// behind both Server and WriteTree.
type repo struct {
	projects []*project
	byName   map[pkgname.Name]*project
	files    map[string]*dist
}

type project struct {
	name  pkgname.Name
	dists []*dist
}

// scanner builds repos, remembering the expensive part (hashes, METADATA)
// of each file by size and modification time.
type scanner struct {
	dir  string
	opts Options

	mu   sync.Mutex
	memo map[string]*dist // by filename
}

func (s *scanner) scan(ctx context.Context) (*repo, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.dir, err)
	}
	r := &repo{byName: map[pkgname.Name]*project{}, files: map[string]*dist{}}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, MetadataSuffix) || strings.HasSuffix(name, YankedSuffix) {
			continue
		}
		f, ok := index.ParseFilename(name)
		if !ok {
			if !e.IsDir() && looksLikeDist(name) {
				s.opts.warn("skipping %s: not a valid wheel or sdist file name", name)
			}
			continue
		}
		st, err := os.Stat(filepath.Join(s.dir, name))
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		d, err := s.describe(f, st)
		if err != nil {
			return nil, err
		}
		d2 := *d
		d2.yanked, d2.yankedReason = yanked(filepath.Join(s.dir, name))
		p := r.byName[d2.name]
		if p == nil {
			p = &project{name: d2.name}
			r.byName[d2.name] = p
			r.projects = append(r.projects, p)
		}
		p.dists = append(p.dists, &d2)
		r.files[name] = &d2
	}
	sort.Slice(r.projects, func(i, j int) bool { return r.projects[i].name < r.projects[j].name })
	for _, p := range r.projects {
		sort.Slice(p.dists, func(i, j int) bool {
			if c := p.dists[i].version.Compare(p.dists[j].version); c != 0 {
				return c < 0
			}
			return p.dists[i].filename < p.dists[j].filename
		})
	}
	return r, nil
}

func looksLikeDist(name string) bool {
	for _, ext := range []string{".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

func yanked(p string) (bool, string) {
	data, err := os.ReadFile(p + YankedSuffix)
	if err != nil {
		return false, ""
	}
	return true, strings.TrimSpace(string(data))
}

// describe hashes a file and reads its metadata, or returns the memo.
func (s *scanner) describe(f index.File, st os.FileInfo) (*dist, error) {
	s.mu.Lock()
	d := s.memo[f.Filename]
	s.mu.Unlock()
	if d != nil && d.size == st.Size() && d.mtime.Equal(st.ModTime()) {
		return d, nil
	}
	p := filepath.Join(s.dir, f.Filename)
	fh, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	defer fh.Close()
	h := sha256.New()
	size, err := io.Copy(h, fh)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	d = &dist{
		filename: f.Filename,
		name:     f.Name,
		version:  f.Version,
		wheel:    f.Kind == index.KindWheel,
		size:     size,
		mtime:    st.ModTime(),
		sha256:   hex.EncodeToString(h.Sum(nil)),
	}
	var meta []byte
	if d.wheel {
		meta, err = wheelMetadata(fh, size, f.Name)
	} else {
		meta, err = sdistMetadata(fh, size, f.Filename)
	}
	if err != nil {
		s.opts.warn("%s: no metadata: %v", f.Filename, err)
	} else if m, err := coremeta.Parse(meta); err != nil {
		s.opts.warn("%s: unreadable metadata: %v", f.Filename, err)
	} else {
		d.requiresPython = strings.TrimSpace(m.RequiresPython)
		if d.wheel {
			d.metadata = meta
			msum := sha256.Sum256(meta)
			d.metadataSHA256 = hex.EncodeToString(msum[:])
		}
	}
	s.mu.Lock()
	if s.memo == nil {
		s.memo = map[string]*dist{}
	}
	s.memo[f.Filename] = d
	s.mu.Unlock()
	return d, nil
}

// wheelMetadata returns the .dist-info/METADATA member of a wheel.
func wheelMetadata(r io.ReaderAt, size int64, name pkgname.Name) ([]byte, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	entries, err := archive.CheckZip(zr, archive.DefaultLimits())
	if err != nil {
		return nil, err
	}
	var found []archive.ZipEntry
	for _, e := range entries {
		dir, file := path.Split(e.Name)
		if file == "METADATA" && strings.Count(dir, "/") == 1 && strings.HasSuffix(dir, ".dist-info/") {
			found = append(found, e)
		}
	}
	if len(found) > 1 {
		found = slices.DeleteFunc(found, func(e archive.ZipEntry) bool {
			stem, _, _ := strings.Cut(strings.TrimSuffix(path.Dir(e.Name), ".dist-info"), "-")
			return pkgname.Normalize(stem) != string(name)
		})
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("%d .dist-info/METADATA members", len(found))
	}
	return readEntry(found[0])
}

func readEntry(e archive.ZipEntry) ([]byte, error) {
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 16<<20))
}

// sdistMetadata returns the top-level PKG-INFO of a .tar.gz or .zip sdist.
func sdistMetadata(r io.ReaderAt, size int64, filename string) ([]byte, error) {
	isPKGInfo := func(name string) bool {
		clean, err := archive.CleanName(name)
		return err == nil && strings.Count(clean, "/") == 1 && strings.HasSuffix(clean, "/PKG-INFO")
	}
	switch {
	case strings.HasSuffix(filename, ".zip"):
		zr, err := zip.NewReader(r, size)
		if err != nil {
			return nil, err
		}
		entries, err := archive.CheckZip(zr, archive.DefaultLimits())
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if isPKGInfo(e.Name) {
				return readEntry(e)
			}
		}
	case strings.HasSuffix(filename, ".tar.gz") || strings.HasSuffix(filename, ".tgz"):
		gz, err := gzip.NewReader(io.NewSectionReader(r, 0, size))
		if err != nil {
			return nil, err
		}
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			if h.Typeflag == tar.TypeReg && isPKGInfo(h.Name) {
				return io.ReadAll(io.LimitReader(tr, 16<<20))
			}
		}
	default:
		return nil, fmt.Errorf("archive format not read")
	}
	return nil, fmt.Errorf("no PKG-INFO")
}

// uploadTime applies Options.UploadTime.
func (o Options) uploadTime(d *dist) time.Time {
	if o.UploadTime == nil {
		return d.mtime.UTC().Truncate(time.Microsecond)
	}
	return o.UploadTime(d.filename, d.mtime).UTC().Truncate(time.Microsecond)
}

// page is the simple API page of p, linking to files at prefix+filename
// (prefix is relative to the page: "../../" in both the server and the
// static tree).
func (r *repo) page(p *project, prefix string, opts Options) *simpleapi.Project {
	sp := &simpleapi.Project{Name: string(p.name), Versions: []string{}}
	for _, d := range p.dists {
		f := simpleapi.File{
			Filename:       d.filename,
			URL:            prefix + url.PathEscape(d.filename),
			Hashes:         map[string]string{"sha256": d.sha256},
			RequiresPython: d.requiresPython,
			Yanked:         d.yanked,
			YankedReason:   d.yankedReason,
			Size:           d.size,
			UploadTime:     opts.uploadTime(d),
		}
		if d.metadata != nil {
			f.CoreMetadata = simpleapi.CoreMetadata{Available: true, Hashes: map[string]string{"sha256": d.metadataSHA256}}
		}
		sp.Files = append(sp.Files, f)
		if v := d.version.String(); len(sp.Versions) == 0 || sp.Versions[len(sp.Versions)-1] != v {
			sp.Versions = append(sp.Versions, v)
		}
	}
	return sp
}

func (r *repo) names() []string {
	out := make([]string, len(r.projects))
	for i, p := range r.projects {
		out[i] = string(p.name)
	}
	return out
}
