package resolve

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"sync"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// MemoryProvider is a Provider that serves projects held in memory: a
// fake for tests of the resolver and of the packages built on it, and the
// provider of the packse scenarios. Fill it with Add, AddCandidate,
// AddURL, SetError before the first Solve; after that it is read-only and
// safe for concurrent use.
type MemoryProvider struct {
	mu       sync.Mutex // guards the lazy sorting of releases
	projects map[pkgname.Name]*memProject
	urls     map[string]memRelease
}

type memProject struct {
	releases []memRelease // newest first once sorted
	sorted   bool
	err      error
}

type memRelease struct {
	cand Candidate
	reqs []pep508.Requirement
	err  error
}

// NewMemoryProvider returns an empty MemoryProvider.
func NewMemoryProvider() *MemoryProvider {
	return &MemoryProvider{projects: map[pkgname.Name]*memProject{}, urls: map[string]memRelease{}}
}

// Add adds name==version with the given requirement strings (PEP 508).
func (m *MemoryProvider) Add(name, version string, requires ...string) error {
	n, err := pkgname.Parse(name)
	if err != nil {
		return err
	}
	v, err := pep440.Parse(version)
	if err != nil {
		return fmt.Errorf("adding %s: %w", name, err)
	}
	reqs, err := ParseRequirements(requires)
	if err != nil {
		return fmt.Errorf("adding %s==%s: %w", name, version, err)
	}
	m.AddCandidate(n, Candidate{Version: v}, reqs)
	return nil
}

// AddCandidate adds one candidate of name with its requirements.
func (m *MemoryProvider) AddCandidate(name pkgname.Name, c Candidate, reqs []pep508.Requirement) {
	p := m.project(name)
	p.releases = append(p.releases, memRelease{cand: c, reqs: reqs})
	p.sorted = false
}

// AddUnusable adds a candidate whose Requirements call fails with an
// *UnusableError giving reason.
func (m *MemoryProvider) AddUnusable(name pkgname.Name, c Candidate, reason string) {
	p := m.project(name)
	p.releases = append(p.releases, memRelease{cand: c, err: &UnusableError{Reason: reason}})
	p.sorted = false
}

// AddURL registers the candidate a direct reference to url resolves to.
func (m *MemoryProvider) AddURL(url string, c Candidate, reqs []pep508.Requirement) {
	m.urls[url] = memRelease{cand: c, reqs: reqs}
}

// SetError makes Versions(name) fail with err.
func (m *MemoryProvider) SetError(name pkgname.Name, err error) {
	m.project(name).err = err
}

func (m *MemoryProvider) project(name pkgname.Name) *memProject {
	p := m.projects[name]
	if p == nil {
		p = &memProject{}
		m.projects[name] = p
	}
	return p
}

// Names returns the names of the projects, sorted.
func (m *MemoryProvider) Names() []pkgname.Name {
	out := make([]pkgname.Name, 0, len(m.projects))
	for n := range m.projects {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Versions returns the candidates of name, newest first. An unknown
// project is an error that satisfies fs.ErrNotExist.
func (m *MemoryProvider) Versions(ctx context.Context, name pkgname.Name) ([]Candidate, error) {
	p := m.projects[name]
	if p == nil {
		return nil, fmt.Errorf("project %s: %w", name, fs.ErrNotExist)
	}
	if p.err != nil {
		return nil, p.err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !p.sorted {
		slices.SortStableFunc(p.releases, func(a, b memRelease) int { return b.cand.Version.Compare(a.cand.Version) })
		p.sorted = true
	}
	out := make([]Candidate, len(p.releases))
	for i, r := range p.releases {
		out[i] = r.cand
	}
	return out, nil
}

// Requirements returns the requirements of the candidate of name with
// c's version (or of the direct reference c came from).
func (m *MemoryProvider) Requirements(ctx context.Context, name pkgname.Name, c Candidate) ([]pep508.Requirement, error) {
	if url, ok := c.Ref.(memURL); ok {
		r := m.urls[string(url)]
		return r.reqs, r.err
	}
	p := m.projects[name]
	if p == nil {
		return nil, fmt.Errorf("project %s: %w", name, fs.ErrNotExist)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range p.releases {
		if r.cand.Version == c.Version {
			return r.reqs, r.err
		}
	}
	return nil, fmt.Errorf("%s==%s: %w", name, c.Version, fs.ErrNotExist)
}

// memURL marks a candidate that came from a direct reference.
type memURL string

// URLCandidate returns the candidate registered for url with AddURL.
func (m *MemoryProvider) URLCandidate(ctx context.Context, name pkgname.Name, url string) (Candidate, error) {
	r, ok := m.urls[url]
	if !ok {
		return Candidate{}, fmt.Errorf("%s: %w", url, fs.ErrNotExist)
	}
	c := r.cand
	c.Ref = memURL(url)
	return c, nil
}

// ParseRequirements parses PEP 508 requirement strings.
func ParseRequirements(ss []string) ([]pep508.Requirement, error) {
	out := make([]pep508.Requirement, 0, len(ss))
	for _, s := range ss {
		r, err := pep508.Parse(s)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
