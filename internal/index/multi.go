package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"ferry/internal/pkgname"
)

// Strategy decides how several indexes answer for one project.
type Strategy uint8

// Index strategies (the names are uv's --index-strategy values).
const (
	// FirstIndex takes a project from the first index, in order, that knows
	// it, and never asks the later ones: a name published on a public index
	// cannot shadow the private index's project (dependency confusion).
	FirstIndex Strategy = iota
	// UnsafeBestMatch merges every index's files, as pip does, so the best
	// version wins whichever index has it.
	UnsafeBestMatch
)

// String returns the strategy's flag value.
func (s Strategy) String() string {
	if s == UnsafeBestMatch {
		return "unsafe-best-match"
	}
	return "first-index"
}

// ParseStrategy reads "first-index" or "unsafe-best-match".
func ParseStrategy(s string) (Strategy, error) {
	switch s {
	case "first-index", "":
		return FirstIndex, nil
	case "unsafe-best-match":
		return UnsafeBestMatch, nil
	}
	return 0, fmt.Errorf("invalid index strategy %q (want first-index or unsafe-best-match)", s)
}

// Multi combines indexes under a Strategy, plus find-links locations whose
// files are always merged in (they are the user's own files, as in pip).
// Errors other than "not found" from any consulted index are returned, not
// skipped: skipping an unreachable private index would let a public one
// answer in its place.
type Multi struct {
	strategy  Strategy
	indexes   []Index
	findLinks []Index
}

// NewMulti returns the combination. Indexes are consulted in order.
func NewMulti(strategy Strategy, indexes, findLinks []Index) *Multi {
	return &Multi{strategy: strategy, indexes: indexes, findLinks: findLinks}
}

// Project implements Index.
func (m *Multi) Project(ctx context.Context, name pkgname.Name) (*Page, error) {
	out := &Page{Name: name}
	var consulted []string
	found := false
	add := func(p *Page) {
		found = true
		out.Files = append(out.Files, p.Files...)
		out.Sources = append(out.Sources, p.Sources...)
	}
	var pages []*Page
	var errs []error
	switch m.strategy {
	case FirstIndex:
		for _, idx := range m.indexes {
			p, err := idx.Project(ctx, name)
			if err == nil {
				pages = append(pages, p)
				break
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
			consulted = append(consulted, sourcesOf(err)...)
		}
	default:
		pages, errs = all(ctx, m.indexes, name)
	}
	flPages, flErrs := all(ctx, m.findLinks, name)
	pages = append(pages, flPages...)
	errs = append(errs, flErrs...)
	for _, err := range errs {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		consulted = append(consulted, sourcesOf(err)...)
	}
	for _, p := range pages {
		if p != nil {
			add(p)
		}
	}
	if !found {
		return nil, &NotFoundError{Name: name, Sources: dedupe(consulted)}
	}
	out.Files = dedupeFiles(out.Files)
	out.Sources = dedupe(out.Sources)
	return out, nil
}

// all asks every index at once; pages[i] or errs[i] is set for each.
func all(ctx context.Context, idxs []Index, name pkgname.Name) ([]*Page, []error) {
	pages := make([]*Page, len(idxs))
	errs := make([]error, len(idxs))
	var wg sync.WaitGroup
	for i, idx := range idxs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pages[i], errs[i] = idx.Project(ctx, name)
		}()
	}
	wg.Wait()
	return pages, errs
}

func sourcesOf(err error) []string {
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return nf.Sources
	}
	return nil
}

// dedupeFiles drops repeated URLs, keeping the first.
func dedupeFiles(files []File) []File {
	seen := make(map[string]bool, len(files))
	out := files[:0:0]
	for _, f := range files {
		if seen[f.URL] {
			continue
		}
		seen[f.URL] = true
		out = append(out, f)
	}
	return out
}

// ExcludeNewer returns idx with every file uploaded at or after cutoff
// removed, and every file whose upload time the index did not give (PEP
// 700), as uv does: a file of unknown age cannot be shown to be older. A
// project whose files are all removed is still found (with no files), so
// that FirstIndex does not fall through to the next index. Wrap indexes,
// not find-links locations, whose files never carry upload times.
func ExcludeNewer(idx Index, cutoff time.Time) Index {
	return excludeNewer{idx, cutoff}
}

type excludeNewer struct {
	idx    Index
	cutoff time.Time
}

// Project implements Index.
func (e excludeNewer) Project(ctx context.Context, name pkgname.Name) (*Page, error) {
	p, err := e.idx.Project(ctx, name)
	if err != nil {
		return nil, err
	}
	q := *p
	q.Files = nil
	for _, f := range p.Files {
		if !f.UploadTime.IsZero() && f.UploadTime.Before(e.cutoff) {
			q.Files = append(q.Files, f)
		}
	}
	return &q, nil
}

// ParseExcludeNewer reads an --exclude-newer value: an RFC 3339 timestamp,
// or a date (YYYY-MM-DD) meaning the end of that day in UTC (files
// uploaded on that day are kept).
func ParseExcludeNewer(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, err := time.Parse("2006-01-02", s); err == nil {
		return d.AddDate(0, 0, 1), nil
	}
	return time.Time{}, fmt.Errorf("invalid --exclude-newer %q: want an RFC 3339 timestamp or a YYYY-MM-DD date", s)
}
