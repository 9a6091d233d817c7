package pyproject

import (
	"strconv"
	"strings"

	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// requiresDist derives Requires-Dist and Provides-Extra the way setuptools
// writes them:
//
//   - dependencies without a marker come first, in order;
//   - then each extra in order: its requirements without a marker, then its
//     requirements grouped by marker (first appearance order), each
//     written as `req; (marker) and extra == "name"` (the marker as
//     packaging prints it, so redundant parentheses go);
//   - then the dependencies with a marker, grouped by marker the same way.
//
// Identical requirements within one group are written once. Extra names
// are PEP 685-normalized, in the marker and in Provides-Extra; an extra
// without requirements is still provided.
func requiresDist(deps []pep508.Requirement, extras []Extra) ([]pep508.Requirement, []pkgname.Name) {
	type section struct {
		extra string
		cond  string
		reqs  []pep508.Requirement
	}
	var order []string
	sections := map[string]*section{}
	add := func(extra string, r pep508.Requirement) {
		cond := ""
		if !r.Marker.IsTrue() {
			cond = r.Marker.String()
		}
		key := extra + ":" + cond
		s := sections[key]
		if s == nil {
			s = &section{extra: extra, cond: cond}
			sections[key] = s
			order = append(order, key)
		}
		clean := r
		clean.Marker = pep508.True()
		for _, have := range s.reqs {
			if have.Equal(clean) {
				return
			}
		}
		s.reqs = append(s.reqs, clean)
	}
	var provides []pkgname.Name
	seenExtra := map[pkgname.Name]bool{}
	for _, e := range extras {
		name := string(e.Normalized)
		if !seenExtra[e.Normalized] {
			seenExtra[e.Normalized] = true
			provides = append(provides, e.Normalized)
		}
		key := name + ":"
		if sections[key] == nil {
			sections[key] = &section{extra: name}
			order = append(order, key)
		}
		for _, r := range e.Requirements {
			add(name, r)
		}
	}
	var out []pep508.Requirement
	for _, r := range deps {
		if r.Marker.IsTrue() {
			out = append(out, r)
		}
	}
	for _, r := range deps {
		if !r.Marker.IsTrue() {
			add("", r)
		}
	}
	for _, key := range order {
		s := sections[key]
		for _, r := range s.reqs {
			var parts []string
			if s.cond != "" {
				parts = append(parts, "("+s.cond+")")
			}
			if s.extra != "" {
				parts = append(parts, "extra == "+strconv.Quote(s.extra))
			}
			if len(parts) > 0 {
				m, err := pep508.ParseMarker(strings.Join(parts, " and "))
				if err != nil {
					// Markers that parsed once parse again; should one
					// not, combine the trees instead.
					m = pep508.True()
					if s.cond != "" {
						m, _ = pep508.ParseMarker(s.cond)
					}
					if s.extra != "" {
						em, _ := pep508.ParseMarker("extra == " + strconv.Quote(s.extra))
						m = pep508.And(m, em)
					}
				}
				r.Marker = m
			}
			out = append(out, r)
		}
	}
	return out, provides
}
