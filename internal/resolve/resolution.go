package resolve

import (
	"cmp"
	"slices"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// Resolution is a solution: one version of every package needed.
type Resolution struct {
	// Packages are the chosen packages, sorted by name.
	Packages []Package
}

// Package is one chosen project.
type Package struct {
	Name      pkgname.Name
	Candidate Candidate // Candidate.Version is the chosen version
	// Extras are the extras of the project that are requested and were
	// resolved, sorted.
	Extras []pkgname.Name
	// Direct reports whether a root requirement names the project.
	Direct bool
	// Via are the requirements that bring the project in, sorted by the
	// requiring project (the root, From == "", first).
	Via []Edge
}

// Version returns the chosen version.
func (p Package) Version() pep440.Version { return p.Candidate.Version }

// Edge is one requirement of a chosen package (or of the root) on
// another.
type Edge struct {
	From        pkgname.Name   // "" for the root
	FromVersion pep440.Version // zero for the root
	FromExtra   pkgname.Name   // the extra of From that declares the requirement, or ""
	Requirement pep508.Requirement
}

// Get returns the chosen package called name.
func (r *Resolution) Get(name pkgname.Name) (Package, bool) {
	i, ok := slices.BinarySearchFunc(r.Packages, name, func(p Package, n pkgname.Name) int { return cmp.Compare(p.Name, n) })
	if !ok {
		return Package{}, false
	}
	return r.Packages[i], true
}

// Versions returns the chosen version of every package.
func (r *Resolution) Versions() map[pkgname.Name]pep440.Version {
	m := make(map[pkgname.Name]pep440.Version, len(r.Packages))
	for _, p := range r.Packages {
		m[p.Name] = p.Candidate.Version
	}
	return m
}

// resolution collects the decisions of a finished solve.
func (s *session) resolution() *Resolution {
	index := map[pkgname.Name]int{}
	var out []Package
	for id := range s.pkgs {
		p := pkgID(id)
		if p == rootID || int(p) >= len(s.sol.states) || !s.sol.states[p].decided {
			continue
		}
		info := s.pkgs[p]
		if info.key.extra != "" {
			continue
		}
		index[info.key.name] = len(out)
		out = append(out, Package{Name: info.key.name, Candidate: s.sol.states[p].cand, Direct: s.direct[info.key.name]})
	}
	for id := range s.pkgs {
		p := pkgID(id)
		if int(p) >= len(s.sol.states) || !s.sol.states[p].decided {
			continue
		}
		info := s.pkgs[p]
		if p != rootID && info.key.extra != "" {
			if i, ok := index[info.key.name]; ok {
				out[i].Extras = append(out[i].Extras, info.key.extra)
			}
		}
		st := s.sol.states[p]
		vd := s.deps[pkgVersion{p, st.cand.Version}]
		if vd == nil {
			continue
		}
		for _, r := range vd.reqs {
			i, ok := index[r.Normalized]
			if !ok {
				continue
			}
			e := Edge{Requirement: r}
			if p != rootID {
				e.From, e.FromVersion, e.FromExtra = info.key.name, st.cand.Version, info.key.extra
			}
			out[i].Via = append(out[i].Via, e)
		}
	}
	for i := range out {
		slices.Sort(out[i].Extras)
		slices.SortStableFunc(out[i].Via, func(a, b Edge) int {
			return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.FromExtra, b.FromExtra))
		})
	}
	slices.SortFunc(out, func(a, b Package) int { return cmp.Compare(a.Name, b.Name) })
	return &Resolution{Packages: out}
}
