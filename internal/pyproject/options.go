package pyproject

import (
	"fmt"
	"strings"
)

// origin locates a setting for later errors.
type origin struct {
	file string
	line int
	key  string
}

func (o origin) errorf(d *diag, format string, args ...any) {
	d.errorf(o.file, o.line, o.key, format, args...)
}

func (o origin) wrap(d *diag, err error, format string, args ...any) {
	d.wrap(o.file, o.line, o.key, err, format, args...)
}

func (o origin) warnf(d *diag, format string, args ...any) {
	d.warnf(o.file, o.line, o.key, format, args...)
}

// optVal is an optional setting with where it came from.
type optVal[T any] struct {
	set bool
	v   T
	at  origin
}

func some[T any](v T, at origin) optVal[T] { return optVal[T]{set: true, v: v, at: at} }

// findSpec is a find / find_namespace directive.
type findSpec struct {
	where, include, exclude []string
	namespaces              bool
}

// buildOptions are the settings that are not core metadata, from
// [tool.ferry], [tool.setuptools] or setup.cfg [options].
type buildOptions struct {
	packages           optVal[[]string]
	find               optVal[findSpec]
	packageDir         optVal[map[string]string]
	pyModules          optVal[[]string]
	packageData        optVal[map[string][]string]
	excludePackageData optVal[map[string][]string]
	includePackageData optVal[bool]
	dataFiles          optVal[[]DataFiles]
	scriptFiles        optVal[[]string]
	licenseFiles       optVal[[]string]
	tagBuild           optVal[string]
	tagDate            optVal[bool]
	sdist              optVal[SdistOptions]
	platforms          optVal[[]string]
	provides           optVal[[]string]
	obsoletes          optVal[[]string]
	setupRequires      optVal[[]string]
	unsupported        []string
}

// overlay returns base with every setting top gives replacing base's. When
// clash is set, a setting given by both is an error naming both places.
func overlay(d *diag, base, top *buildOptions, clash bool) *buildOptions {
	if base == nil {
		base = &buildOptions{}
	}
	if top == nil {
		return base
	}
	out := *base
	pick(d, &out.packages, top.packages, clash)
	pick(d, &out.find, top.find, clash)
	// packages and find are one setting.
	if top.packages.set {
		out.find = optVal[findSpec]{}
	}
	if top.find.set {
		out.packages = optVal[[]string]{}
	}
	pick(d, &out.packageDir, top.packageDir, clash)
	pick(d, &out.pyModules, top.pyModules, clash)
	pick(d, &out.packageData, top.packageData, clash)
	pick(d, &out.excludePackageData, top.excludePackageData, clash)
	pick(d, &out.includePackageData, top.includePackageData, clash)
	pick(d, &out.dataFiles, top.dataFiles, clash)
	pick(d, &out.scriptFiles, top.scriptFiles, clash)
	pick(d, &out.licenseFiles, top.licenseFiles, clash)
	pick(d, &out.tagBuild, top.tagBuild, clash)
	pick(d, &out.tagDate, top.tagDate, clash)
	pick(d, &out.sdist, top.sdist, clash)
	pick(d, &out.platforms, top.platforms, clash)
	pick(d, &out.provides, top.provides, clash)
	pick(d, &out.obsoletes, top.obsoletes, clash)
	pick(d, &out.setupRequires, top.setupRequires, clash)
	out.unsupported = append(append([]string(nil), base.unsupported...), top.unsupported...)
	return &out
}

func pick[T any](d *diag, dst *optVal[T], src optVal[T], clash bool) {
	if !src.set {
		return
	}
	if clash && dst.set {
		src.at.errorf(d, "also given as %s (%s:%d); configure it in one place", dst.at.key, dst.at.file, dst.at.line)
		return
	}
	*dst = src
}

// dynSource says where a dynamic field's value comes from
// ([tool.ferry.dynamic] / [tool.setuptools.dynamic]).
type dynSource struct {
	attr        string
	files       []string
	contentType string
	at          origin
}

type dynamicSpec struct {
	fields        map[string]dynSource
	extras        map[string]dynSource
	extrasOrder   []string
	extrasGivenAt origin
}

func (ds *dynamicSpec) get(field string) (dynSource, bool) {
	if ds == nil {
		return dynSource{}, false
	}
	s, ok := ds.fields[field]
	return s, ok
}

// The keys of [tool.ferry] and [tool.setuptools].
func ferryToolKeys() []string {
	return []string{
		"packages", "package-dir", "py-modules", "package-data", "exclude-package-data",
		"include-package-data", "data-files", "script-files", "license-files",
		"tag-build", "tag-date", "sdist", "dynamic",
	}
}

func setuptoolsToolKeys() []string {
	return []string{
		"platforms", "zip-safe", "provides", "obsoletes", "script-files", "eager-resources",
		"packages", "package-dir", "package-data", "namespace-packages", "py-modules",
		"ext-modules", "data-files", "cmdclass", "license-files", "include-package-data",
		"exclude-package-data", "dynamic",
	}
}

// toolOptions reads [tool.ferry] (ferry true) or [tool.setuptools].
func (r *treader) toolOptions(p tomlPath, v any, ferry bool) (*buildOptions, *dynamicSpec) {
	m, ok := r.table(p, v)
	if !ok {
		return nil, nil
	}
	known := setuptoolsToolKeys()
	if ferry {
		known = ferryToolKeys()
	}
	r.unknownKeys(p, m, known, false)
	o := &buildOptions{}
	var dyn *dynamicSpec
	at := func(k string) origin { return origin{r.doc.file, r.line(p.key(k)), p.key(k).display()} }
	for _, k := range r.doc.keys(p, m) {
		if !contains(known, k) {
			continue
		}
		kp := p.key(k)
		val := m[k]
		switch k {
		case "packages":
			switch pv := val.(type) {
			case []any:
				list, ok := r.strArray(kp, pv)
				if !ok {
					continue
				}
				for i, name := range list {
					if !isDottedIdentifier(name, true) {
						r.errorf(kp.idx(i), "%q is not a valid package name", name)
					}
				}
				o.packages = some(list, at(k))
			case map[string]any:
				r.unknownKeys(kp, pv, []string{"find"}, false)
				fv, ok := pv["find"]
				if !ok {
					r.errorf(kp, "a packages table needs find")
					continue
				}
				if fs, ok := r.findTable(kp.key("find"), fv); ok {
					o.find = some(fs, origin{r.doc.file, r.line(kp.key("find")), kp.key("find").display()})
				}
			default:
				r.typef(kp, "must be an array of package names or a table with find, got %s", typeName(val))
			}
		case "package-dir":
			order, pd, ok := r.strMap(kp, val)
			if !ok {
				continue
			}
			for _, name := range order {
				if name != "" && !isDottedIdentifier(name, true) {
					r.errorf(kp.key(name), "%q is not a valid package name", name)
				}
				if err := checkRelPath(pd[name]); err != nil {
					r.wrap(kp.key(name), err, "%v", err)
				}
			}
			o.packageDir = some(pd, at(k))
		case "py-modules":
			list, ok := r.strArray(kp, val)
			if !ok {
				continue
			}
			for i, name := range list {
				if !isDottedIdentifier(name, false) {
					r.errorf(kp.idx(i), "%q is not a valid module name", name)
				}
			}
			o.pyModules = some(list, at(k))
		case "package-data", "exclude-package-data":
			pd, ok := r.globTable(kp, val)
			if !ok {
				continue
			}
			if k == "package-data" {
				o.packageData = some(pd, at(k))
			} else {
				o.excludePackageData = some(pd, at(k))
			}
		case "include-package-data":
			if b, ok := r.boolean(kp, val); ok {
				o.includePackageData = some(b, at(k))
			}
		case "data-files":
			tm, ok := r.table(kp, val)
			if !ok {
				continue
			}
			var dfs []DataFiles
			for _, dir := range r.doc.keys(kp, tm) {
				files, ok := r.strArray(kp.key(dir), tm[dir])
				if ok {
					dfs = append(dfs, DataFiles{Dir: dir, Files: files})
				}
			}
			o.dataFiles = some(dfs, at(k))
		case "script-files":
			if list, ok := r.strArray(kp, val); ok {
				o.scriptFiles = some(list, at(k))
			}
		case "license-files":
			list, ok := r.strArray(kp, val)
			if !ok {
				continue
			}
			for i, g := range list {
				if err := checkLicenseGlob(g); err != nil {
					r.wrap(kp.idx(i), err, "%v", err)
				}
			}
			o.licenseFiles = some(list, at(k))
		case "tag-build":
			if s, ok := r.str(kp, val); ok {
				o.tagBuild = some(s, at(k))
			}
		case "tag-date":
			if b, ok := r.boolean(kp, val); ok {
				o.tagDate = some(b, at(k))
			}
		case "sdist":
			o.sdist = r.sdistTable(kp, val, at(k))
		case "platforms", "provides", "obsoletes":
			list, ok := r.strArray(kp, val)
			if !ok {
				continue
			}
			switch k {
			case "platforms":
				o.platforms = some(list, at(k))
			case "provides":
				o.provides = some(list, at(k))
			default:
				o.obsoletes = some(list, at(k))
			}
		case "zip-safe", "eager-resources":
			r.warnf(kp, "ignored (only meaningful for eggs)")
		case "namespace-packages":
			o.unsupported = append(o.unsupported, kp.display()+": pkg_resources-style namespace packages")
		case "ext-modules":
			o.unsupported = append(o.unsupported, kp.display()+": extension modules need a compiler")
		case "cmdclass":
			o.unsupported = append(o.unsupported, kp.display()+": custom setuptools commands")
		case "dynamic":
			dyn = r.dynamicTable(kp, val)
		}
	}
	return o, dyn
}

func (r *treader) findTable(p tomlPath, v any) (findSpec, bool) {
	m, ok := r.table(p, v)
	if !ok {
		return findSpec{}, false
	}
	r.unknownKeys(p, m, []string{"where", "include", "exclude", "namespaces"}, false)
	fs := findSpec{where: []string{"."}, namespaces: true}
	good := true
	if w, ok := m["where"]; ok {
		list, ok := r.strOrStrArray(p.key("where"), w)
		good = good && ok
		for i, d := range list {
			if err := checkRelPath(d); err != nil {
				r.wrap(p.key("where").idx(i), err, "%v", err)
				good = false
			}
		}
		fs.where = list
	}
	if x, ok := m["include"]; ok {
		fs.include, ok = r.strArray(p.key("include"), x)
		good = good && ok
	}
	if x, ok := m["exclude"]; ok {
		fs.exclude, ok = r.strArray(p.key("exclude"), x)
		good = good && ok
	}
	if x, ok := m["namespaces"]; ok {
		fs.namespaces, ok = r.boolean(p.key("namespaces"), x)
		good = good && ok
	}
	return fs, good
}

// globTable reads package-data style tables: package name ("*" or "" for
// all packages) to globs. "*" is stored as "".
func (r *treader) globTable(p tomlPath, v any) (map[string][]string, bool) {
	m, ok := r.table(p, v)
	if !ok {
		return nil, false
	}
	out := map[string][]string{}
	good := true
	for _, k := range r.doc.keys(p, m) {
		list, ok := r.strArray(p.key(k), m[k])
		if !ok {
			good = false
			continue
		}
		key := k
		if key == "*" {
			key = ""
		}
		if key != "" && !isDottedIdentifier(key, true) {
			r.errorf(p.key(k), "%q is not a valid package name (use \"*\" for every package)", k)
			good = false
			continue
		}
		out[key] = append(out[key], list...)
	}
	return out, good
}

func (r *treader) sdistTable(p tomlPath, v any, at origin) optVal[SdistOptions] {
	m, ok := r.table(p, v)
	if !ok {
		return optVal[SdistOptions]{}
	}
	r.unknownKeys(p, m, []string{"include", "exclude", "use-git"}, false)
	var s SdistOptions
	if x, ok := m["include"]; ok {
		s.Include, _ = r.strArray(p.key("include"), x)
	}
	if x, ok := m["exclude"]; ok {
		s.Exclude, _ = r.strArray(p.key("exclude"), x)
	}
	if x, ok := m["use-git"]; ok {
		s.UseGit, _ = r.boolean(p.key("use-git"), x)
	}
	for _, g := range append(append([]string(nil), s.Include...), s.Exclude...) {
		if _, err := cleanGlob(g); err != nil {
			r.wrap(p, err, "%v", err)
		}
	}
	return some(s, at)
}

// dynamicTable reads [tool.*.dynamic].
func (r *treader) dynamicTable(p tomlPath, v any) *dynamicSpec {
	m, ok := r.table(p, v)
	if !ok {
		return nil
	}
	known := []string{"version", "description", "readme", "classifiers", "dependencies", "optional-dependencies", "entry-points"}
	r.unknownKeys(p, m, known, false)
	ds := &dynamicSpec{fields: map[string]dynSource{}, extras: map[string]dynSource{}}
	for _, k := range r.doc.keys(p, m) {
		if !contains(known, k) {
			continue
		}
		kp := p.key(k)
		if k == "optional-dependencies" {
			tm, ok := r.table(kp, m[k])
			if !ok {
				continue
			}
			ds.extrasGivenAt = origin{r.doc.file, r.line(kp), kp.display()}
			for _, extra := range r.doc.keys(kp, tm) {
				if src, ok := r.dynSource(kp.key(extra), tm[extra], false, false); ok {
					ds.extras[extra] = src
					ds.extrasOrder = append(ds.extrasOrder, extra)
				}
			}
			continue
		}
		if src, ok := r.dynSource(kp, m[k], k == "version", k == "readme"); ok {
			ds.fields[k] = src
		}
	}
	return ds
}

func (r *treader) dynSource(p tomlPath, v any, allowAttr, readme bool) (dynSource, bool) {
	m, ok := r.table(p, v)
	if !ok {
		return dynSource{}, false
	}
	known := []string{"file"}
	if allowAttr {
		known = append(known, "attr")
	}
	if readme {
		known = append(known, "content-type")
	}
	r.unknownKeys(p, m, known, false)
	src := dynSource{at: origin{r.doc.file, r.line(p), p.display()}}
	fv, hasFile := m["file"]
	av, hasAttr := m["attr"]
	switch {
	case hasFile && hasAttr:
		r.errorf(p, "give either file or attr, not both")
		return src, false
	case hasAttr && allowAttr:
		s, ok := r.str(p.key("attr"), av)
		if !ok {
			return src, false
		}
		if !isDottedWords(strings.TrimSpace(s)) {
			r.errorf(p.key("attr"), "%q is not a dotted attribute path (module.NAME)", s)
			return src, false
		}
		src.attr = strings.TrimSpace(s)
	case hasFile:
		list, ok := r.strOrStrArray(p.key("file"), fv)
		if !ok {
			return src, false
		}
		for i, f := range list {
			if err := checkRelPath(f); err != nil {
				r.wrap(p.key("file").idx(i), err, "%v", err)
				return src, false
			}
		}
		src.files = list
	default:
		want := "file"
		if allowAttr {
			want = "file or attr"
		}
		r.errorf(p, "needs %s", want)
		return src, false
	}
	if ct, ok := m["content-type"]; ok && readme {
		s, ok := r.str(p.key("content-type"), ct)
		if !ok || r.checkContentType(p.key("content-type"), s) != nil {
			return src, false
		}
		src.contentType = s
	}
	return src, true
}

// describeUnsupported renders unsupported features for an error.
func describeUnsupported(list []string) string {
	return fmt.Sprintf("not supported by the native backend: %s", strings.Join(list, "; "))
}
