package project

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"

	"ferry/internal/coremeta"
	"ferry/internal/distname"
	"ferry/internal/fetch"
	"ferry/internal/index"
	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/resolve"
	"ferry/internal/tags"
)

// Builder turns source distributions into what the resolver and the
// installer need. The PEP 517 frontend implements it. Implementations are
// safe for concurrent use.
type Builder interface {
	// Metadata returns the core metadata of the source at path (an sdist
	// file or a project directory), building as little as the backend
	// allows (prepare_metadata_for_build_wheel).
	Metadata(ctx context.Context, path string) ([]byte, error)
	// Wheel builds a wheel from the source at path and returns the wheel
	// file's path.
	Wheel(ctx context.Context, path string) (string, error)
}

// ErrNeedsBuild is wrapped by errors about sources that must be built
// when no Builder is configured.
var ErrNeedsBuild = errors.New("must be built")

// FormatControl is pip's --no-binary / --only-binary: the project names
// for which wheels, respectively sources, must not be used. ":all:" stands
// for every project.
type FormatControl struct {
	NoBinary   []string
	OnlyBinary []string
}

func (fc FormatControl) has(list []string, name pkgname.Name) bool {
	for _, n := range list {
		if n == ":all:" || pkgname.Normalize(n) == string(name) {
			return true
		}
	}
	return false
}

// allowWheel and allowSdist apply the control to one project; a project
// named explicitly wins over ":all:".
func (fc FormatControl) allowWheel(name pkgname.Name) bool {
	if slices.Contains(fc.OnlyBinary, string(name)) {
		return true
	}
	return !fc.has(fc.NoBinary, name)
}

func (fc FormatControl) allowSdist(name pkgname.Name) bool {
	if slices.Contains(fc.NoBinary, string(name)) {
		return true
	}
	return !fc.has(fc.OnlyBinary, name)
}

// ProviderOptions configure a Provider.
type ProviderOptions struct {
	Index    index.Index
	Metadata *index.MetadataReader
	Fetcher  *fetch.Fetcher
	Target   *Target
	Formats  FormatControl
	// PreferBinary ranks versions that have a compatible wheel before
	// newer versions that only have sources (pip's --prefer-binary).
	PreferBinary bool
	// Builder builds sources; nil makes versions that only have sources
	// unavailable, with ErrNeedsBuild in the explanation.
	Builder Builder
	// Pins restricts the files of a project to those whose index hash
	// matches one of these digests (hash-checking mode); a file whose index
	// gives no hash stays a candidate and is checked when downloaded.
	Pins map[pkgname.Name][]fetch.Digest
	// Jobs bounds concurrent prefetches; zero means 64 (one HTTP/2
	// connection carries them all).
	Jobs int
	// Warn receives warnings; nil discards them.
	Warn func(string)
	// Wheels, when set, supplies whole wheels to read the metadata of the
	// candidates the solver is about to take (see Session.WholeWheels).
	Wheels WheelSource
}

// Choice is the file a candidate stands for; it is resolve.Candidate.Ref.
type Choice struct {
	File index.File
	// Direct marks a file named by a direct reference (name @ url).
	Direct bool
	// SourceDir is a local project directory (a direct reference to a
	// directory); File is then empty.
	SourceDir string
	// OriginalURL is the URL as the user wrote it (for direct_url.json).
	OriginalURL string
}

// IsWheel reports whether the choice is a wheel file.
func (c *Choice) IsWheel() bool { return c.SourceDir == "" && c.File.Kind == index.KindWheel }

// Provider answers the resolver from an index. It is safe for concurrent
// use; every answer is memoized for the life of the value.
type Provider struct {
	opts ProviderOptions
	sem  chan struct{}

	mu       sync.Mutex
	versions map[pkgname.Name]*future[[]resolve.Candidate]
	metas    map[string]*future[*coremeta.Metadata] // by file URL or source dir

	// Background prefetches run under stop and are counted in bg, so
	// Close can cancel and wait for them.
	bg   sync.WaitGroup
	stop context.Context
	halt context.CancelFunc
}

type future[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// NewProvider returns a provider.
func NewProvider(opts ProviderOptions) *Provider {
	if opts.Jobs <= 0 {
		opts.Jobs = 64
	}
	stop, halt := context.WithCancel(context.Background())
	return &Provider{
		opts:     opts,
		sem:      make(chan struct{}, opts.Jobs),
		versions: map[pkgname.Name]*future[[]resolve.Candidate]{},
		metas:    map[string]*future[*coremeta.Metadata]{},
		stop:     stop,
		halt:     halt,
	}
}

// Close cancels the prefetches still running and waits for them; the
// provider must not be used afterwards.
func (p *Provider) Close() {
	p.halt()
	p.bg.Wait()
}

func (p *Provider) warn(msg string) {
	if p.opts.Warn != nil {
		p.opts.Warn(msg)
	}
}

// memo runs fn once per key; later callers wait for the first. When
// background is set, fn starts in a goroutine (bounded by the semaphore)
// and memo does not wait.
func memo[K comparable, T any](ctx context.Context, p *Provider, m map[K]*future[T], key K, background bool, fn func(context.Context) (T, error)) *future[T] {
	p.mu.Lock()
	f, ok := m[key]
	if ok && !background && f.cancelled() {
		ok = false // a prefetch that was cancelled: ask again
	}
	if !ok {
		f = &future[T]{done: make(chan struct{})}
		m[key] = f
	}
	p.mu.Unlock()
	if ok {
		return f
	}
	run := func(ctx context.Context) {
		defer close(f.done)
		f.val, f.err = fn(ctx)
	}
	if !background {
		run(ctx)
		return f
	}
	p.bg.Add(1)
	go func() {
		defer p.bg.Done()
		// A prefetch outlives the call that started it (and any prefetch
		// it starts in turn): it ends with the provider (Close).
		bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		defer cancel()
		defer context.AfterFunc(p.stop, cancel)()
		select {
		case p.sem <- struct{}{}:
			defer func() { <-p.sem }()
		case <-bctx.Done():
		}
		run(bctx)
	}()
	return f
}

// cancelled reports whether the future is done with a context error.
func (f *future[T]) cancelled() bool {
	select {
	case <-f.done:
		return errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)
	default:
		return false
	}
}

func wait[T any](ctx context.Context, f *future[T]) (T, error) {
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

func (p *Provider) versionsFuture(ctx context.Context, name pkgname.Name, background bool) *future[[]resolve.Candidate] {
	return memo(ctx, p, p.versions, name, background, func(ctx context.Context) ([]resolve.Candidate, error) {
		return p.listVersions(ctx, name)
	})
}

// Versions implements resolve.Provider.
func (p *Provider) Versions(ctx context.Context, name pkgname.Name) ([]resolve.Candidate, error) {
	return wait(ctx, p.versionsFuture(ctx, name, false))
}

// Prefetch implements resolve.Prefetcher.
func (p *Provider) Prefetch(ctx context.Context, name pkgname.Name) {
	p.versionsFuture(ctx, name, true)
}

// prefetchMetadata starts reading a candidate's metadata in the background.
func (p *Provider) prefetchMetadata(ctx context.Context, c resolve.Candidate, whole bool) {
	if ch, ok := c.Ref.(*Choice); ok && c.Unavailable == "" {
		p.metadataFuture(ctx, ch, true, whole)
	}
}

// PrefetchRequirements implements resolve.Prefetcher.
func (p *Provider) PrefetchRequirements(ctx context.Context, name pkgname.Name, c resolve.Candidate) {
	ch, ok := c.Ref.(*Choice)
	if !ok || c.Unavailable != "" {
		return
	}
	// The solver hints at the version it would choose now: likely the
	// one installed, so its wheel may be read whole.
	p.metadataFuture(ctx, ch, true, true)
}

// Requirements implements resolve.Provider.
func (p *Provider) Requirements(ctx context.Context, name pkgname.Name, c resolve.Candidate) ([]pep508.Requirement, error) {
	ch, ok := c.Ref.(*Choice)
	if !ok {
		return nil, fmt.Errorf("candidate %s==%s has no file", name, c.Version)
	}
	md, err := wait(ctx, p.metadataFuture(ctx, ch, false, true))
	if err != nil {
		var mm *index.MetadataMismatchError
		if errors.As(err, &mm) {
			return nil, &resolve.UnusableError{Reason: "has metadata that disagrees with its file name (" + mm.Error() + ")"}
		}
		return nil, err
	}
	if md.RequiresPython != "" {
		spec, err := pep440.ParseSpecifiers(md.RequiresPython)
		if err == nil && !spec.Contains(p.opts.Target.Python, pep440.PrereleasesAllow) {
			return nil, &resolve.UnusableError{Reason: "requires Python " + spec.String()}
		}
	}
	reqs := make([]pep508.Requirement, 0, len(md.RequiresDist))
	for _, s := range md.RequiresDist {
		r, err := pep508.Parse(s)
		if err != nil {
			return nil, &resolve.UnusableError{Reason: fmt.Sprintf("has an invalid requirement in its metadata (%q)", s)}
		}
		reqs = append(reqs, r)
	}
	return reqs, nil
}

// Metadata returns the parsed core metadata of a chosen file (memoized).
func (p *Provider) Metadata(ctx context.Context, ch *Choice) (*coremeta.Metadata, error) {
	return wait(ctx, p.metadataFuture(ctx, ch, false, false))
}

// metadataFuture reads a candidate's metadata once. whole marks a
// candidate the solver is about to take: with opts.Wheels, its wheel is
// downloaded whole, for the install step to use as well.
func (p *Provider) metadataFuture(ctx context.Context, ch *Choice, background, whole bool) *future[*coremeta.Metadata] {
	key := ch.SourceDir
	if key == "" {
		key = ch.File.URL
	}
	return memo(ctx, p, p.metas, key, background, func(ctx context.Context) (*coremeta.Metadata, error) {
		data, err := p.readMetadata(ctx, ch, whole)
		if err != nil {
			return nil, err
		}
		md, err := coremeta.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("metadata of %s: %w", ch.label(), err)
		}
		if background {
			p.speculate(ctx, &md)
		}
		return &md, nil
	})
}

// speculate prefetches, for metadata fetched ahead of the solver, the
// pages (and likely metadata) of the dependencies it declares for the
// target without extras: the solver will ask for most of them, one level
// at a time, and by then they are here. A dependency chain then costs the
// network's round trips, not the solver's turns.
func (p *Provider) speculate(ctx context.Context, md *coremeta.Metadata) {
	for _, s := range md.RequiresDist {
		r, err := pep508.Parse(s)
		if err != nil || r.URL != "" || !r.Marker.Evaluate(p.opts.Target.Env) {
			continue
		}
		p.PrefetchIn(ctx, r.Normalized, pep440.FromSpecifiers(r.Specifiers))
	}
}

func (ch *Choice) label() string {
	if ch.SourceDir != "" {
		return ch.SourceDir
	}
	return ch.File.Filename
}

func (p *Provider) readMetadata(ctx context.Context, ch *Choice, whole bool) ([]byte, error) {
	if whole && p.opts.Wheels != nil && ch.SourceDir == "" && ch.File.Kind == index.KindWheel {
		if data, ok := p.opts.Metadata.Cached(ch.File); ok {
			return data, nil
		}
		wheel, ok, err := p.opts.Wheels.WheelData(ctx, ch.File)
		if err != nil {
			return nil, err
		}
		if ok {
			return p.opts.Metadata.FromWheel(ctx, ch.File, wheel)
		}
	}
	if ch.SourceDir == "" && (ch.File.Kind == index.KindWheel || ch.File.CoreMetadata.Available) {
		return p.opts.Metadata.Metadata(ctx, ch.File)
	}
	if p.opts.Builder == nil {
		return nil, fmt.Errorf("%s is a source distribution and %w: building sources is not available", ch.label(), ErrNeedsBuild)
	}
	src := ch.SourceDir
	if src == "" {
		res, err := p.opts.Fetcher.Fetch(ctx, index.FetchRequest(ch.File))
		if err != nil {
			return nil, err
		}
		src = res.Path
		if !strings.HasSuffix(res.Path, ch.File.Filename) {
			// The cache names files by digest: the builder needs the name
			// to know the archive format.
			src = res.Path + "#" + ch.File.Filename
		}
	}
	return p.opts.Builder.Metadata(ctx, src)
}

// listVersions builds the candidates of a project from its index page.
func (p *Provider) listVersions(ctx context.Context, name pkgname.Name) ([]resolve.Candidate, error) {
	page, err := p.opts.Index.Project(ctx, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	type group struct {
		v     pep440.Version
		files []index.File
	}
	var groups []*group
	byVersion := map[pep440.Version]*group{}
	for _, f := range page.Files {
		g := byVersion[f.Version]
		if g == nil {
			g = &group{v: f.Version}
			byVersion[f.Version] = g
			groups = append(groups, g)
		}
		g.files = append(g.files, f)
	}
	out := make([]resolve.Candidate, 0, len(groups))
	for _, g := range groups {
		out = append(out, p.candidate(name, g.v, g.files))
	}
	slices.SortStableFunc(out, func(a, b resolve.Candidate) int {
		if p.opts.PreferBinary {
			aw, bw := isWheelCandidate(a), isWheelCandidate(b)
			if aw != bw {
				if aw {
					return -1
				}
				return 1
			}
		}
		return b.Version.Compare(a.Version)
	})
	return out, nil
}

func isWheelCandidate(c resolve.Candidate) bool {
	ch, ok := c.Ref.(*Choice)
	return ok && c.Unavailable == "" && ch.IsWheel()
}

// candidate picks the best file of one version for the target.
func (p *Provider) candidate(name pkgname.Name, v pep440.Version, files []index.File) resolve.Candidate {
	var (
		best       *index.File
		bestRank   int
		bestYanked bool
		sdist      *index.File
		reasons    []string
		sawWheel   bool
		sawSdist   bool
	)
	allowWheel, allowSdist := p.opts.Formats.allowWheel(name), p.opts.Formats.allowSdist(name)
	better := func(f *index.File, rank int) bool {
		if best == nil {
			return true
		}
		// Prefer non-yanked files, then the better tag, then the higher build.
		if bestYanked != f.Yanked {
			return bestYanked
		}
		if rank != bestRank {
			return rank < bestRank
		}
		return f.Build.Compare(best.Build) > 0
	}
	pins := p.opts.Pins[name]
	for i := range files {
		f := &files[i]
		if len(pins) > 0 && !matchesPin(f.Hashes, pins) {
			reasons = append(reasons, "has no file matching the given --hash values")
			continue
		}
		if f.RequiresPython != nil && !f.RequiresPython.Contains(p.opts.Target.Python, pep440.PrereleasesAllow) {
			reasons = append(reasons, "requires Python "+f.RequiresPython.String())
			continue
		}
		switch f.Kind {
		case index.KindWheel:
			sawWheel = true
			if !allowWheel {
				continue
			}
			rank, ok := p.opts.Target.Ranking.Best(f.Tags)
			if !ok {
				continue
			}
			if better(f, rank) {
				best, bestRank, bestYanked = f, rank, f.Yanked
			}
		case index.KindSdist:
			sawSdist = true
			if !allowSdist {
				continue
			}
			if sdist == nil || (sdist.Yanked && !f.Yanked) || (sdist.Yanked == f.Yanked && preferSdistFormat(f.Filename, sdist.Filename)) {
				sdist = f
			}
		}
	}
	c := resolve.Candidate{Version: v}
	switch {
	case best != nil && !(best.Yanked && sdist != nil && !sdist.Yanked && p.opts.Builder != nil):
		c.Ref = &Choice{File: *best}
		c.Yanked = best.Yanked
	case sdist != nil && p.opts.Builder != nil:
		c.Ref = &Choice{File: *sdist}
		c.Yanked = sdist.Yanked
	case sdist != nil:
		c.Ref = &Choice{File: *sdist}
		c.Yanked = sdist.Yanked
		if sawWheel {
			c.Unavailable = "has no wheel for " + p.targetPhrase() + ", only a source distribution, which " + ErrNeedsBuild.Error()
		} else {
			c.Unavailable = "has only a source distribution, which " + ErrNeedsBuild.Error()
		}
	default:
		switch {
		case len(reasons) > 0 && !sawWheel && !sawSdist:
			c.Unavailable = reasons[0]
		case len(reasons) > 0:
			c.Unavailable = reasons[0]
		case sawWheel && !allowWheel:
			c.Unavailable = "has only wheels, and --no-binary excludes them"
		case sawSdist && !allowSdist && !sawWheel:
			c.Unavailable = "has only a source distribution, and --only-binary excludes it"
		case sawWheel:
			c.Unavailable = "has no wheel for " + p.targetPhrase()
		default:
			c.Unavailable = "has no usable files"
		}
	}
	return c
}

func (p *Provider) targetPhrase() string {
	if len(p.opts.Target.Tags) > 0 {
		return "the target (" + p.opts.Target.Tags[0].String() + ")"
	}
	return "the target"
}

// preferSdistFormat prefers .tar.gz over .zip and other legacy formats.
func preferSdistFormat(candidate, current string) bool {
	return strings.HasSuffix(candidate, ".tar.gz") && !strings.HasSuffix(current, ".tar.gz")
}

// URLCandidate implements resolve.URLResolver for direct references:
// wheel and sdist URLs (http, https, file) and local project directories.
func (p *Provider) URLCandidate(ctx context.Context, name pkgname.Name, raw string) (resolve.Candidate, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return resolve.Candidate{}, fmt.Errorf("invalid URL: %w", err)
	}
	if strings.Contains(u.Scheme, "+") {
		return resolve.Candidate{}, fmt.Errorf("version-control URLs (%s) are not supported", u.Scheme)
	}
	hashes := map[string]string{}
	if u.Fragment != "" {
		for _, part := range strings.Split(u.Fragment, "&") {
			k, v, ok := strings.Cut(part, "=")
			if ok && fetch.Supported(strings.ToLower(k)) {
				hashes[strings.ToLower(k)] = strings.ToLower(v)
			}
		}
	}
	clean := *u
	clean.Fragment, clean.RawFragment = "", ""
	filename := path.Base(clean.Path)
	if u.Scheme == "file" {
		local, err := index.FilePath(clean.String())
		if err != nil {
			return resolve.Candidate{}, err
		}
		if isDir(local) {
			ch := &Choice{SourceDir: local, Direct: true, OriginalURL: raw}
			md, err := p.Metadata(ctx, ch)
			if err != nil {
				return resolve.Candidate{}, err
			}
			v, err := pep440.Parse(md.Version)
			if err != nil {
				return resolve.Candidate{}, fmt.Errorf("%s: invalid version %q in its metadata", local, md.Version)
			}
			if pkgname.Normalize(md.Name) != string(name) {
				return resolve.Candidate{}, fmt.Errorf("%s is the project %s, not %s", local, md.Name, name)
			}
			return resolve.Candidate{Version: v, Ref: ch}, nil
		}
	}
	f := index.File{Filename: filename, URL: clean.String(), Hashes: hashes, Size: -1, Index: "direct reference"}
	if wn, err := distname.ParseWheel(filename); err == nil {
		if wn.Name != name {
			return resolve.Candidate{}, fmt.Errorf("%s is a wheel of %s, not %s", filename, wn.Name, name)
		}
		if _, ok := p.opts.Target.Ranking.Best(wn.Tags); !ok {
			return resolve.Candidate{}, fmt.Errorf("%s is not compatible with %s (tags %s)", filename, p.opts.Target.Description, tags.FormatTagSet(wn.Tags))
		}
		f.Kind, f.Name, f.Version, f.Build, f.Tags = index.KindWheel, wn.Name, wn.Version, wn.Build, wn.Tags
	} else if sn, err := distname.ParseSdistFor(filename, name); err == nil {
		f.Kind, f.Name, f.Version = index.KindSdist, sn.Name, sn.Version
	} else {
		return resolve.Candidate{}, fmt.Errorf("%s is neither a wheel nor a source distribution of %s", filename, name)
	}
	ch := &Choice{File: f, Direct: true, OriginalURL: raw}
	c := resolve.Candidate{Version: f.Version, Ref: ch}
	if f.Kind == index.KindSdist && p.opts.Builder == nil {
		return resolve.Candidate{}, fmt.Errorf("%s is a source distribution and %w: building sources is not available", filename, ErrNeedsBuild)
	}
	return c, nil
}

// matchesPin reports whether an index's hashes agree with one of pins, or
// cannot be compared (no hash of a pinned algorithm).
func matchesPin(hashes map[string]string, pins []fetch.Digest) bool {
	comparable := false
	for _, pin := range pins {
		if h, ok := hashes[pin.Algorithm]; ok {
			comparable = true
			if h == pin.Hex {
				return true
			}
		}
	}
	return !comparable
}

// Latest returns the newest version of a project the index offers for the
// target (a compatible, non-yanked file; pre-releases only with pre), and
// the kind of its file, as pip list --outdated reports it.
func (p *Provider) Latest(ctx context.Context, name pkgname.Name, pre bool) (pep440.Version, string, bool, error) {
	cands, err := p.Versions(ctx, name)
	if err != nil {
		return pep440.Version{}, "", false, err
	}
	var best *resolve.Candidate
	for i := range cands {
		c := &cands[i]
		if c.Unavailable != "" || c.Yanked || (!pre && c.Version.IsPrerelease()) {
			continue
		}
		if best == nil || c.Version.Compare(best.Version) > 0 {
			best = c
		}
	}
	if best == nil {
		return pep440.Version{}, "", false, nil
	}
	kind := "sdist"
	if ch, ok := best.Ref.(*Choice); ok && ch.IsWheel() {
		kind = "wheel"
	}
	return best.Version, kind, true, nil
}

// NewProvider returns a provider for target on the session's index.
func (s *Session) NewProvider(target *Target) *Provider {
	opts := ProviderOptions{Index: s.Index, Metadata: s.Metadata, Fetcher: s.Fetcher, Target: target, Builder: s.Builder, Warn: s.Warn}
	if s.WholeWheels {
		opts.Wheels = s
	}
	return NewProvider(opts)
}

// PrefetchIn implements resolve.RangePrefetcher: it fetches the project's
// page and, once it is there, the metadata of the newest usable candidate
// in allowed (a final release when there is one), which is what the
// solver will most likely ask about. Resolving a set of pinned
// requirements then needs two round trips, not one per package.
func (p *Provider) PrefetchIn(ctx context.Context, name pkgname.Name, allowed pep440.Set) {
	f := p.versionsFuture(ctx, name, true)
	p.bg.Add(1)
	go func() {
		defer p.bg.Done()
		// Not ctx: a prefetch outlives the call that started it (speculate
		// runs inside a job whose context ends with the job).
		select {
		case <-f.done:
		case <-p.stop.Done():
			return
		}
		if f.err != nil {
			return
		}
		// The only candidate in range (a pinned requirement) is the one
		// the solver will take: its wheel may be read whole.
		n := 0
		for i := range f.val {
			if c := &f.val[i]; c.Unavailable == "" && allowed.Contains(c.Version) {
				n++
			}
		}
		var pre *resolve.Candidate
		for i := range f.val {
			c := &f.val[i]
			if c.Unavailable != "" || c.Yanked || !allowed.Contains(c.Version) {
				continue
			}
			if c.Version.IsPrerelease() {
				if pre == nil {
					pre = c
				}
				continue
			}
			p.prefetchMetadata(ctx, *c, n == 1)
			return
		}
		if pre != nil {
			p.prefetchMetadata(ctx, *pre, n == 1)
		}
	}()
}
