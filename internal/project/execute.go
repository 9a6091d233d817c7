package project

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"golang.org/x/sync/errgroup"

	"ferry/internal/distinfo"
	"ferry/internal/fetch"
	"ferry/internal/fsx"
	"ferry/internal/httpx"
	"ferry/internal/index"
	"ferry/internal/install"
)

// inMemoryDownload is the largest wheel downloaded into memory for
// installing rather than into the cache's archives.
const inMemoryDownload = 256 << 20

// EditableBuilder is an optional interface of a Builder: building the
// PEP 660 editable wheel of a project directory.
type EditableBuilder interface {
	Editable(ctx context.Context, dir string) (string, error)
}

// ExecOptions control Execute.
type ExecOptions struct {
	LinkMode fsx.LinkMode
	Compile  bool
	DryRun   bool
	// Jobs bounds concurrent downloads and builds; zero means 32.
	Jobs int
}

// Outcome is what Execute did.
type Outcome struct {
	Report *install.Report
	// Prepared counts the wheels that had to be downloaded, built or
	// unpacked (the rest came from the unpacked cache as they were).
	Prepared int
}

// Prepare makes every changed item of plan available as an unpacked,
// verified wheel in the cache: from the unpacked cache when the index gave
// the file's sha256 and it is there (no network, no hashing), else by
// downloading (hash-checked), building sources, and unpacking. It returns
// the unpacked wheels in the order of plan.Changes().
func (s *Session) Prepare(ctx context.Context, plan *Plan, jobs int) ([]*install.Unpacked, int, error) {
	changes := plan.Changes()
	out := make([]*install.Unpacked, len(changes))
	if jobs <= 0 {
		// Downloads share one HTTP/2 connection per host; many at once
		// keep small files from waiting behind large ones.
		jobs = 32
	}
	var prepared int
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	for i, it := range changes {
		g.Go(func() error {
			u, fresh, err := s.prepareOne(gctx, it)
			if err != nil {
				return err
			}
			out[i] = u
			if fresh {
				mu.Lock()
				prepared++
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	return out, prepared, nil
}

func (s *Session) prepareOne(ctx context.Context, it Item) (*install.Unpacked, bool, error) {
	ch := it.Choice
	if ch == nil {
		return nil, false, fmt.Errorf("%s==%s: nothing to install from", it.Name, it.Version)
	}
	if ch.SourceDir != "" {
		if s.Builder == nil {
			return nil, false, fmt.Errorf("%s: the project %w: building is not available", ch.SourceDir, ErrNeedsBuild)
		}
		var whl string
		var err error
		if it.Editable {
			eb, ok := s.Builder.(EditableBuilder)
			if !ok {
				return nil, false, fmt.Errorf("%s: editable installs are not available", ch.SourceDir)
			}
			whl, err = eb.Editable(ctx, ch.SourceDir)
		} else {
			whl, err = s.Builder.Wheel(ctx, ch.SourceDir)
		}
		if err != nil {
			return nil, false, err
		}
		u, err := install.UnpackSource(ctx, s.Cache, install.Source{Path: whl}, install.UnpackOptions{})
		return u, true, err
	}
	f := ch.File
	if f.Kind == index.KindWheel && len(it.Pins) == 0 {
		if sha := f.SHA256(); sha != "" {
			if u, ok := install.LookupUnpacked(s.Cache, sha); ok {
				return u, false, nil
			}
		}
	}
	req := index.FetchRequest(f)
	req.Pins = it.Pins
	if f.Kind == index.KindWheel {
		// A wheel is verified and unpacked from memory: the unpacked,
		// RECORD-checked tree is what the cache keeps, as uv does.
		data, res, ok := []byte(nil), fetch.Result{}, false
		if len(it.Pins) == 0 {
			data, res, ok = s.takeWheel(ctx, f.URL) // downloaded for its metadata
		}
		if !ok {
			var err error
			if data, res, err = s.Fetcher.FetchData(ctx, req, inMemoryDownload); err != nil {
				return nil, false, err
			}
		}
		src := install.Source{Path: res.Path, FileName: f.Filename, SHA256: res.SHA256, Data: data}
		if data != nil {
			src.Path = f.URL // for messages only
		}
		u, err := install.UnpackSource(ctx, s.Cache, src, install.UnpackOptions{})
		return u, true, err
	}
	res, err := s.Fetcher.Fetch(ctx, req)
	if err != nil {
		return nil, false, err
	}
	whl := install.Source{Path: res.Path, FileName: f.Filename, SHA256: res.SHA256}
	if f.Kind == index.KindSdist {
		if s.Builder == nil {
			return nil, false, fmt.Errorf("%s is a source distribution and %w: building sources is not available", f.Filename, ErrNeedsBuild)
		}
		p, err := s.Builder.Wheel(ctx, res.Path+"#"+f.Filename)
		if err != nil {
			return nil, false, err
		}
		whl = install.Source{Path: p}
	}
	u, err := install.UnpackSource(ctx, s.Cache, whl, install.UnpackOptions{})
	return u, true, err
}

// Transaction turns the plan's changes and their unpacked wheels into an
// install transaction.
func Transaction(plan *Plan, wheels []*install.Unpacked) install.Txn {
	var txn install.Txn
	for i, it := range plan.Changes() {
		txn.Install = append(txn.Install, install.Item{
			Wheel:     wheels[i],
			Requested: it.Requested,
			DirectURL: directURL(it, wheels[i]),
		})
	}
	return txn
}

// directURL records where a directly referenced distribution came from
// (PEP 610); nil for index installs.
func directURL(it Item, u *install.Unpacked) *distinfo.DirectURL {
	ch := it.Choice
	if ch == nil || !ch.Direct {
		return nil
	}
	if ch.SourceDir != "" {
		return &distinfo.DirectURL{URL: index.FileURL(filepath.Clean(ch.SourceDir)), DirInfo: &distinfo.DirInfo{Editable: it.Editable}}
	}
	du := &distinfo.DirectURL{URL: httpx.Redact(ch.File.URL), ArchiveInfo: &distinfo.ArchiveInfo{}}
	sha := ch.File.SHA256()
	if sha == "" && ch.File.Kind == index.KindWheel {
		sha = u.SHA256
	}
	if sha != "" {
		du.ArchiveInfo.Hash = "sha256=" + sha
		du.ArchiveInfo.Hashes = map[string]string{"sha256": sha}
	}
	return du
}

// Execute prepares the plan's wheels and applies them to env in one
// transaction (or previews it with DryRun).
func (s *Session) Execute(ctx context.Context, plan *Plan, env *install.Env, opts ExecOptions) (*Outcome, error) {
	if len(plan.Changes()) == 0 {
		return &Outcome{Report: &install.Report{}}, nil
	}
	wheels, prepared, err := s.Prepare(ctx, plan, opts.Jobs)
	if err != nil {
		return nil, err
	}
	txn := Transaction(plan, wheels)
	iopts := install.Options{LinkMode: opts.LinkMode, Compile: opts.Compile}
	var rep *install.Report
	if opts.DryRun {
		rep, err = env.Preview(txn, iopts)
	} else {
		rep, err = env.Apply(ctx, txn, iopts)
	}
	if err != nil {
		return nil, err
	}
	return &Outcome{Report: rep, Prepared: prepared}, nil
}

// FetchFiles downloads the chosen files of every resolved item (pip
// download): wheels and sources as the index offers them, hash-checked.
func (s *Session) FetchFiles(ctx context.Context, plan *Plan) ([]fetch.Result, error) {
	var reqs []fetch.Request
	for _, it := range plan.Items {
		if it.Choice == nil || it.Choice.SourceDir != "" {
			continue
		}
		r := index.FetchRequest(it.Choice.File)
		r.Pins = it.Pins
		reqs = append(reqs, r)
	}
	return s.Fetcher.FetchAll(ctx, reqs)
}

// WheelFile is a wheel file for one plan item.
type WheelFile struct {
	Item     Item
	Path     string
	Filename string
	SHA256   string
	// Built reports a wheel built from sources rather than downloaded.
	Built bool
}

// Wheels makes a wheel file of every item of the plan (pip wheel):
// wheels are downloaded (hash-checked), sources and project directories
// built.
func (s *Session) Wheels(ctx context.Context, plan *Plan, jobs int) ([]WheelFile, error) {
	if jobs <= 0 {
		jobs = 32
	}
	out := make([]WheelFile, len(plan.Items))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	for i, it := range plan.Items {
		g.Go(func() error {
			wf, err := s.wheelFor(gctx, it)
			out[i] = wf
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Session) wheelFor(ctx context.Context, it Item) (WheelFile, error) {
	ch := it.Choice
	wf := WheelFile{Item: it}
	if ch == nil {
		return wf, fmt.Errorf("%s==%s: nothing to build from", it.Name, it.Version)
	}
	src := ch.SourceDir
	if src == "" {
		req := index.FetchRequest(ch.File)
		req.Pins = it.Pins
		res, err := s.Fetcher.Fetch(ctx, req)
		if err != nil {
			return wf, err
		}
		if ch.IsWheel() {
			wf.Path, wf.Filename, wf.SHA256 = res.Path, res.Filename, res.SHA256
			return wf, nil
		}
		src = res.Path + "#" + ch.File.Filename
	}
	if s.Builder == nil {
		return wf, fmt.Errorf("%s %w: building sources is not available", ch.label(), ErrNeedsBuild)
	}
	p, err := s.Builder.Wheel(ctx, src)
	if err != nil {
		return wf, err
	}
	sha, _, err := install.HashFile(p)
	if err != nil {
		return wf, err
	}
	wf.Path, wf.Filename, wf.SHA256, wf.Built = p, filepath.Base(p), sha, true
	return wf, nil
}
