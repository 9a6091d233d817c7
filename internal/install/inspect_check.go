package install

import (
	"sort"
	"strings"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/tags"
)

// Missing is a requirement of an installed distribution that no
// installed distribution satisfies by name.
type Missing struct {
	Dist *Installed
	// Name is the required project, normalized.
	Name pkgname.Name
	Req  pep508.Requirement
}

// Conflict is a requirement whose project is installed in a version the
// requirement's specifiers exclude.
type Conflict struct {
	Dist *Installed
	// Name is the required project, normalized; Installed is its
	// installed distribution.
	Name      pkgname.Name
	Installed *Installed
	Req       pep508.Requirement
}

// CheckReport is what pip check finds: missing and conflicting
// requirements, each list grouped by the requiring distribution in the
// order the distributions were given, and within one distribution sorted
// as pip sorts them. Errors are the distributions whose requirements
// could not be read (*RequirementError); they count as not installed.
type CheckReport struct {
	Missing   []Missing
	Conflicts []Conflict
	Errors    []error
}

// OK reports whether nothing is broken.
func (r CheckReport) OK() bool {
	return len(r.Missing) == 0 && len(r.Conflicts) == 0 && len(r.Errors) == 0
}

// CheckDependencies checks the requirements of dists against dists, as
// pip check does: each requirement whose marker holds in env (with no
// extra) must name an installed project whose version its specifiers
// contain, pre-releases included.
func CheckDependencies(dists []*Installed, env pep508.Env) CheckReport {
	var rep CheckReport
	type entry struct {
		d    *Installed
		deps []pep508.Requirement
	}
	var set []entry
	byName := map[pkgname.Name]*Installed{}
	for _, d := range dists {
		deps, err := d.Dependencies(env)
		if err != nil {
			rep.Errors = append(rep.Errors, err)
			continue
		}
		set = append(set, entry{d, deps})
		byName[d.Name] = d
	}
	for _, e := range set {
		var missing []Missing
		var conflicts []Conflict
		for _, r := range e.deps {
			dep := byName[r.Normalized]
			if dep == nil {
				if !containsReq(missing, r) {
					missing = append(missing, Missing{Dist: e.d, Name: r.Normalized, Req: r})
				}
				continue
			}
			if !specifiersContain(r.Specifiers, dep) {
				dup := false
				for _, c := range conflicts {
					dup = dup || c.Req.Equal(r)
				}
				if !dup {
					conflicts = append(conflicts, Conflict{Dist: e.d, Name: r.Normalized, Installed: dep, Req: r})
				}
			}
		}
		sort.SliceStable(missing, func(i, j int) bool { return missingKey(missing[i]) < missingKey(missing[j]) })
		sort.SliceStable(conflicts, func(i, j int) bool { return conflictKey(conflicts[i]) < conflictKey(conflicts[j]) })
		rep.Missing = append(rep.Missing, missing...)
		rep.Conflicts = append(rep.Conflicts, conflicts...)
	}
	return rep
}

func containsReq(ms []Missing, r pep508.Requirement) bool {
	for _, m := range ms {
		if m.Req.Equal(r) {
			return true
		}
	}
	return false
}

// specifiersContain reports whether the installed version satisfies
// specs. An installed version that is not valid PEP 440 satisfies only
// the empty specifier.
func specifiersContain(specs pep440.Specifiers, d *Installed) bool {
	if len(specs) == 0 {
		return true
	}
	if !d.VersionValid {
		return false
	}
	return specs.Contains(d.Parsed, pep440.PrereleasesAllow)
}

// missingKey and conflictKey are the strings pip sorts by: the Python
// str() of its (name, requirement) and (name, version, requirement)
// tuples.
func missingKey(m Missing) string {
	return "('" + string(m.Name) + "', <Requirement('" + m.Req.String() + "')>)"
}

func conflictKey(c Conflict) string {
	return "('" + string(c.Name) + "', <Version('" + c.Installed.Version + "')>, <Requirement('" + c.Req.String() + "')>)"
}

// Unsupported is a distribution installed from a wheel whose tags the
// interpreter does not accept.
type Unsupported struct {
	Dist *Installed
	// Tags are the WHEEL file's tags (expanded).
	Tags []tags.Tag
}

// CheckPlatform returns the distributions of dists that have a WHEEL
// file none of whose Tag values is in supported, as pip check (23.3 and
// later) reports them. A WHEEL without any Tag is unsupported, as in pip;
// a tag that does not parse matches nothing.
func CheckPlatform(dists []*Installed, supported []tags.Tag) []Unsupported {
	ok := make(map[tags.Tag]bool, len(supported))
	for _, t := range supported {
		ok[t] = true
	}
	var out []Unsupported
	for _, d := range dists {
		b, err := d.ReadInfoFile("WHEEL")
		if err != nil {
			continue
		}
		var ts []tags.Tag
		match := false
		for _, v := range ParseHeaders(b).All("Tag") {
			set, err := tags.ParseTagSet(strings.TrimSpace(v))
			if err != nil {
				continue
			}
			for _, t := range set {
				ts = append(ts, t)
				match = match || ok[t]
			}
		}
		if !match {
			out = append(out, Unsupported{Dist: d, Tags: ts})
		}
	}
	return out
}
