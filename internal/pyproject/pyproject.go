package pyproject

import (
	"fmt"
	"strings"

	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// Pyproject is pyproject.toml read statically: every table validated,
// nothing resolved against the project's files (Load does that).
type Pyproject struct {
	// BuildSystem is the [build-system] table; Declared is false (and the
	// rest zero) without one.
	BuildSystem BuildSystem
	// Project is the [project] table, or nil.
	Project *ProjectTable
	// DependencyGroups are the [dependency-groups] (PEP 735), expanded, in
	// file order.
	DependencyGroups []DependencyGroup
	// Warnings are problems that do not make the file unusable.
	Warnings []Warning

	doc     *tomlDoc
	tool    *buildOptions // [tool.ferry] over [tool.setuptools]
	dynamic *dynamicSpec
	hasTool bool // a [tool.ferry] or [tool.setuptools] table is present
}

// ParsePyproject reads and validates pyproject.toml. Every problem found
// is reported (the error joins *Error values); invalid TOML is one *Error
// with the line and column.
func ParsePyproject(data []byte) (*Pyproject, error) {
	var d diag
	pp := parsePyproject(&d, data)
	if d.failed() {
		return nil, d.err()
	}
	pp.Warnings = d.warnings()
	return pp, nil
}

// ReadBuildSystem reads only the [build-system] table, as a build frontend
// does: the rest of the file is not validated. Without a table it returns
// DefaultBuildSystem() (Declared false); a table without build-backend
// gets the default backend, as pip does.
func ReadBuildSystem(data []byte) (BuildSystem, error) {
	var d diag
	doc, err := parseTOML(PyprojectFile, data)
	if err != nil {
		return BuildSystem{}, err
	}
	r := &treader{doc: doc, d: &d}
	v, ok := doc.root["build-system"]
	if !ok {
		return DefaultBuildSystem(), nil
	}
	bs := r.buildSystem(tomlPath{"kbuild-system"}, v)
	if d.failed() {
		return BuildSystem{}, d.err()
	}
	if bs.Backend == "" {
		bs.Backend = DefaultBuildSystem().Backend
	}
	return bs, nil
}

func parsePyproject(d *diag, data []byte) *Pyproject {
	doc, err := parseTOML(PyprojectFile, data)
	if err != nil {
		if e, ok := err.(*Error); ok {
			d.add(e)
		} else {
			d.add(&Error{File: PyprojectFile, Msg: err.Error(), Err: err})
		}
		return nil
	}
	r := &treader{doc: doc, d: d}
	pp := &Pyproject{doc: doc}
	var ferry, setuptools *buildOptions
	var ferryDyn, stDyn *dynamicSpec
	for _, k := range doc.keys(nil, doc.root) {
		p := tomlPath{}.key(k)
		v := doc.root[k]
		switch k {
		case "build-system":
			pp.BuildSystem = r.buildSystem(p, v)
		case "project":
			if m, ok := r.table(p, v); ok {
				pp.Project = r.parseProject(m)
			}
		case "dependency-groups":
			pp.DependencyGroups = r.dependencyGroups(p, v)
		case "tool":
			m, ok := r.table(p, v)
			if !ok {
				continue
			}
			if fv, ok := m["ferry"]; ok {
				ferry, ferryDyn = r.toolOptions(p.key("ferry"), fv, true)
				pp.hasTool = true
			}
			if sv, ok := m["setuptools"]; ok {
				setuptools, stDyn = r.toolOptions(p.key("setuptools"), sv, false)
				pp.hasTool = true
			}
		default:
			msg := fmt.Sprintf("unknown top-level table [%s] (reserved by the specification; tool settings belong under [tool])", bareKey(k))
			if s := suggest(k, []string{"build-system", "project", "dependency-groups", "tool"}); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			r.warnf(p, "%s", msg)
		}
	}
	pp.tool = overlay(d, setuptools, ferry, true)
	switch {
	case ferryDyn != nil && stDyn != nil:
		pp.dynamic = mergeDynamic(d, stDyn, ferryDyn)
	case ferryDyn != nil:
		pp.dynamic = ferryDyn
	default:
		pp.dynamic = stDyn
	}
	if pp.Project != nil && pp.dynamic != nil {
		for f, src := range pp.dynamic.fields {
			if !pp.Project.IsDynamic(f) {
				src.at.errorf(d, "%q is not listed in [project] dynamic", f)
			}
		}
		if len(pp.dynamic.extras) > 0 && !pp.Project.IsDynamic("optional-dependencies") {
			pp.dynamic.extrasGivenAt.errorf(d, "\"optional-dependencies\" is not listed in [project] dynamic")
		}
	}
	return pp
}

func mergeDynamic(d *diag, a, b *dynamicSpec) *dynamicSpec {
	out := &dynamicSpec{fields: map[string]dynSource{}, extras: map[string]dynSource{}}
	for k, v := range a.fields {
		out.fields[k] = v
	}
	for k, v := range b.fields {
		if prev, ok := out.fields[k]; ok {
			v.at.errorf(d, "also given as %s; configure it in one place", prev.at.key)
			continue
		}
		out.fields[k] = v
	}
	if len(a.extras) > 0 && len(b.extras) > 0 {
		b.extrasGivenAt.errorf(d, "also given as %s; configure it in one place", a.extrasGivenAt.key)
	}
	src := a
	if len(b.extras) > 0 {
		src = b
	}
	out.extras, out.extrasOrder, out.extrasGivenAt = src.extras, src.extrasOrder, src.extrasGivenAt
	return out
}

func (r *treader) buildSystem(p tomlPath, v any) BuildSystem {
	bs := BuildSystem{Declared: true}
	m, ok := r.table(p, v)
	if !ok {
		return bs
	}
	r.unknownKeys(p, m, []string{"requires", "build-backend", "backend-path"}, true)
	if rv, ok := m["requires"]; ok {
		bs.Requires = r.requirements(p.key("requires"), rv)
		if bs.Requires == nil {
			bs.Requires = []pep508.Requirement{}
		}
	} else {
		r.errorf(p, "requires is required in a [build-system] table")
	}
	if bv, ok := m["build-backend"]; ok {
		if s, ok := r.str(p.key("build-backend"), bv); ok {
			mod, obj, hasObj := strings.Cut(s, ":")
			if !isDottedWords(strings.TrimSpace(mod)) || hasObj && !isDottedWords(strings.TrimSpace(obj)) {
				r.errorf(p.key("build-backend"), "%q is not an object reference (module or module:object)", s)
			} else {
				bs.Backend = s
			}
		}
	}
	if pv, ok := m["backend-path"]; ok {
		list, _ := r.strArray(p.key("backend-path"), pv)
		for i, s := range list {
			c, err := cleanRel(s)
			if s == "" {
				err = fmt.Errorf("empty path")
			}
			if err != nil {
				r.wrap(p.key("backend-path").idx(i), err, "%v", err)
				continue
			}
			bs.BackendPath = append(bs.BackendPath, c)
		}
	}
	return bs
}

type groupEntry struct {
	req     *pep508.Requirement
	include pkgname.Name
	at      tomlPath
}

// dependencyGroups reads [dependency-groups] (PEP 735) and expands
// include-group entries, reporting unknown groups and cycles.
func (r *treader) dependencyGroups(p tomlPath, v any) []DependencyGroup {
	m, ok := r.table(p, v)
	if !ok {
		return nil
	}
	type rawGroup struct {
		name    string
		norm    pkgname.Name
		entries []groupEntry
		at      tomlPath
	}
	var groups []*rawGroup
	byName := map[pkgname.Name]*rawGroup{}
	for _, name := range r.doc.keys(p, m) {
		gp := p.key(name)
		n, err := pkgname.Parse(name)
		if err != nil {
			r.wrap(gp, err, "%q is not a valid group name", name)
			continue
		}
		if prev, dup := byName[n]; dup {
			r.errorf(gp, "group %q is the same as %q after normalization", name, prev.name)
			continue
		}
		arr, ok := m[name].([]any)
		if !ok {
			r.typef(gp, "must be an array of requirements and include-group tables, got %s", typeName(m[name]))
			continue
		}
		g := &rawGroup{name: name, norm: n, at: gp}
		for i, e := range arr {
			ep := gp.idx(i)
			switch e := e.(type) {
			case string:
				req, err := pep508.Parse(e)
				if err != nil {
					r.wrap(ep, err, "invalid requirement %q: %s", e, firstLine(err.Error()))
					continue
				}
				g.entries = append(g.entries, groupEntry{req: &req, at: ep})
			case map[string]any:
				iv, ok := e["include-group"]
				if !ok || len(e) != 1 {
					r.errorf(ep, "a table entry must be {include-group = \"name\"} and nothing else")
					continue
				}
				s, ok := r.str(ep.key("include-group"), iv)
				if !ok {
					continue
				}
				inc, err := pkgname.Parse(s)
				if err != nil {
					r.wrap(ep, err, "%q is not a valid group name", s)
					continue
				}
				g.entries = append(g.entries, groupEntry{include: inc, at: ep})
			default:
				r.typef(ep, "must be a requirement string or an include-group table, got %s", typeName(e))
			}
		}
		groups = append(groups, g)
		byName[n] = g
	}
	// Expand with cycle detection.
	done := map[pkgname.Name][]pep508.Requirement{}
	failed := map[pkgname.Name]bool{}
	var stack []pkgname.Name
	var expand func(g *rawGroup) ([]pep508.Requirement, bool)
	expand = func(g *rawGroup) ([]pep508.Requirement, bool) {
		if reqs, ok := done[g.norm]; ok {
			return reqs, true
		}
		if failed[g.norm] {
			return nil, false
		}
		for i, s := range stack {
			if s == g.norm {
				cycle := append(append([]pkgname.Name(nil), stack[i:]...), g.norm)
				parts := make([]string, len(cycle))
				for j, c := range cycle {
					parts[j] = string(c)
				}
				r.errorf(g.at, "include-group cycle: %s", strings.Join(parts, " -> "))
				return nil, false
			}
		}
		stack = append(stack, g.norm)
		defer func() { stack = stack[:len(stack)-1] }()
		reqs := []pep508.Requirement{}
		ok := true
		for _, e := range g.entries {
			if e.req != nil {
				reqs = append(reqs, *e.req)
				continue
			}
			inc, found := byName[e.include]
			if !found {
				r.errorf(e.at, "include-group %q is not a defined group", string(e.include))
				ok = false
				continue
			}
			sub, subOK := expand(inc)
			if !subOK {
				ok = false
				continue
			}
			reqs = append(reqs, sub...)
		}
		if !ok {
			failed[g.norm] = true
			return nil, false
		}
		done[g.norm] = reqs
		return reqs, true
	}
	var out []DependencyGroup
	for _, g := range groups {
		reqs, ok := expand(g)
		if !ok {
			continue
		}
		dg := DependencyGroup{Name: g.name, Normalized: g.norm, Requirements: reqs}
		for _, e := range g.entries {
			if e.req == nil {
				dg.Includes = append(dg.Includes, e.include)
			}
		}
		out = append(out, dg)
	}
	return out
}
