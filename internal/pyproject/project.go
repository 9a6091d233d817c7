package pyproject

import (
	"fmt"
	"mime"
	"path"
	"strings"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// parseProject validates the [project] table (PEP 621 with PEP 639 and PEP
// 794) without touching the file system.
func (r *treader) parseProject(m map[string]any) *ProjectTable {
	base := tomlPath{"kproject"}
	t := &ProjectTable{given: map[string]bool{}}
	known := ProjectFields()
	for _, k := range r.doc.keys(base, m) {
		v := m[k]
		p := base.key(k)
		if !contains(known, k) {
			msg := "unknown key"
			if s := projectSuggestion(k); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			r.errorf(p, "%s", msg)
			continue
		}
		if k != "dynamic" {
			t.given[k] = true
		}
		switch k {
		case "name":
			s, ok := r.str(p, v)
			if !ok {
				continue
			}
			n, err := pkgname.Parse(s)
			if err != nil {
				r.wrap(p, err, "%q is not a valid project name", s)
				continue
			}
			t.Name, t.Normalized = s, n
		case "version":
			s, ok := r.str(p, v)
			if !ok {
				continue
			}
			ver, err := pep440.Parse(s)
			if err != nil {
				r.wrap(p, err, "%q is not a valid version (PEP 440)", s)
				continue
			}
			t.Version = ver
		case "description":
			if s, ok := r.str(p, v); ok {
				t.Description = r.summary(p, s)
			}
		case "readme":
			t.Readme = r.readme(p, v)
		case "requires-python":
			s, ok := r.str(p, v)
			if !ok {
				continue
			}
			spec, err := pep440.ParseSpecifiers(s)
			if err != nil {
				r.wrap(p, err, "%q is not a valid version specifier", s)
				continue
			}
			t.RequiresPython = spec
		case "license":
			t.License = r.license(p, v)
		case "license-files":
			globs, ok := r.strArray(p, v)
			if !ok {
				continue
			}
			t.HasLicenseFiles = true
			for i, g := range globs {
				if err := checkLicenseGlob(g); err != nil {
					r.wrap(p.idx(i), err, "%v", err)
					continue
				}
				t.LicenseFiles = append(t.LicenseFiles, g)
			}
		case "authors":
			t.Authors = r.people(p, v)
		case "maintainers":
			t.Maintainers = r.people(p, v)
		case "keywords":
			kws, _ := r.strArray(p, v)
			for i, kw := range kws {
				if strings.Contains(kw, ",") {
					r.warnf(p.idx(i), "keyword %q contains a comma; core metadata separates keywords with commas", kw)
				}
			}
			t.Keywords = kws
		case "classifiers":
			t.Classifiers, _ = r.strArray(p, v)
		case "urls":
			order, urls, _ := r.strMap(p, v)
			for _, label := range order {
				t.URLs = append(t.URLs, r.projectURL(p.key(label), label, urls[label]))
			}
		case "scripts", "gui-scripts":
			eps := r.entryPointTable(p, v, true)
			if k == "scripts" {
				t.Scripts = eps
			} else {
				t.GUIScripts = eps
			}
		case "entry-points":
			t.EntryPoints = r.entryPointGroups(p, v)
		case "dependencies":
			t.Dependencies = r.requirements(p, v)
		case "optional-dependencies":
			t.OptionalDependencies = r.extras(p, v)
		case "import-names", "import-namespaces":
			names := r.importNames(p, v)
			if k == "import-names" {
				t.ImportNames = names
			} else {
				t.ImportNamespaces = names
			}
		case "dynamic":
			t.Dynamic = r.dynamic(p, v)
		}
	}
	r.checkProject(base, m, t)
	return t
}

// projectSuggestion proposes a [project] key for an unknown one, including
// the setup.cfg / setup() spellings people carry over.
func projectSuggestion(k string) string {
	switch strings.ToLower(strings.ReplaceAll(k, "_", "-")) {
	case "author", "author-email":
		return "authors"
	case "maintainer", "maintainer-email":
		return "maintainers"
	case "url", "home-page", "homepage", "project-urls", "download-url":
		return "urls"
	case "install-requires", "requires", "requirements":
		return "dependencies"
	case "extras-require", "extras":
		return "optional-dependencies"
	case "python-requires":
		return "requires-python"
	case "license-file":
		return "license-files"
	case "summary":
		return "description"
	case "long-description":
		return "readme"
	case "classifier":
		return "classifiers"
	case "console-scripts":
		return "scripts"
	}
	return suggest(k, ProjectFields())
}

// checkProject applies the rules that involve several keys.
func (r *treader) checkProject(base tomlPath, m map[string]any, t *ProjectTable) {
	if _, ok := m["name"]; !ok {
		r.errorf(base, "name is required")
	}
	if _, ok := m["version"]; !ok && !t.IsDynamic("version") {
		r.errorf(base, `version is required (or list "version" in dynamic)`)
	}
	for i, f := range t.Dynamic {
		if t.given[f] {
			r.errorAt(base.key("dynamic").idx(i), base.key("dynamic"), "%q is also given statically", f)
		}
	}
	if t.License != nil && t.License.Expression == "" && t.HasLicenseFiles {
		r.errorf(base.key("license-files"), "cannot be used with the legacy license table; give license as an SPDX expression string")
	}
	if t.License != nil && t.License.Expression != "" {
		for i, c := range t.Classifiers {
			if strings.HasPrefix(c, "License ::") {
				r.errorf(base.key("classifiers").idx(i), "license classifier %q cannot be combined with a license expression (PEP 639): remove it", c)
			}
		}
	}
	for _, ep := range t.EntryPoints {
		switch ep.Group {
		case "console_scripts":
			r.errorf(base.key("entry-points").key(ep.Group), "console scripts must be given in [project.scripts]")
		case "gui_scripts":
			r.errorf(base.key("entry-points").key(ep.Group), "GUI scripts must be given in [project.gui-scripts]")
		}
	}
	names := map[string]bool{}
	for _, n := range t.ImportNames {
		names[importBase(n)] = true
	}
	for _, n := range t.ImportNamespaces {
		if names[importBase(n)] {
			r.errorf(base.key("import-namespaces"), "%q is also listed in import-names", importBase(n))
		}
	}
}

// summary checks a one-line description (see singleLine).
func (r *treader) summary(p tomlPath, s string) string {
	return singleLine(r.d, origin{r.doc.file, r.line(p), p.display()}, s)
}

// readmeContentType infers a readme's content type from its file name's
// extension: .md, .rst and .txt (the last as setuptools does).
func readmeContentType(file string) (string, bool) {
	switch strings.ToLower(path.Ext(file)) {
	case ".md":
		return "text/markdown", true
	case ".rst":
		return "text/x-rst", true
	case ".txt":
		return "text/plain", true
	}
	return "", false
}

func (r *treader) readme(p tomlPath, v any) *Readme {
	switch v := v.(type) {
	case string:
		ct, ok := readmeContentType(v)
		if !ok {
			r.errorf(p, "cannot tell the content type of %q from its extension (.md, .rst and .txt are known); use a table with file and content-type", v)
			return nil
		}
		if err := checkRelPath(v); err != nil {
			r.wrap(p, err, "%v", err)
			return nil
		}
		return &Readme{File: v, ContentType: ct}
	case map[string]any:
		r.unknownKeys(p, v, []string{"file", "text", "content-type"}, false)
		rd := &Readme{}
		fv, hasFile := v["file"]
		tv, hasText := v["text"]
		switch {
		case hasFile && hasText:
			r.errorf(p, "give either file or text, not both")
			return nil
		case hasFile:
			s, ok := r.str(p.key("file"), fv)
			if !ok {
				return nil
			}
			if err := checkRelPath(s); err != nil {
				r.wrap(p.key("file"), err, "%v", err)
				return nil
			}
			rd.File = s
		case hasText:
			s, ok := r.str(p.key("text"), tv)
			if !ok {
				return nil
			}
			rd.Text = s
		default:
			r.errorf(p, "a readme table needs file or text")
			return nil
		}
		cv, ok := v["content-type"]
		if !ok {
			r.errorf(p, "a readme table needs content-type")
			return nil
		}
		ct, ok := r.str(p.key("content-type"), cv)
		if !ok {
			return nil
		}
		if err := r.checkContentType(p.key("content-type"), ct); err != nil {
			return nil
		}
		rd.ContentType = ct
		return rd
	default:
		r.typef(p, "must be a string or a table, got %s", typeName(v))
		return nil
	}
}

// checkContentType validates a Description-Content-Type (see
// parseContentType).
func (r *treader) checkContentType(p tomlPath, ct string) error {
	warns, err := parseContentType(ct)
	if err != nil {
		r.wrap(p, err, "%v", err)
		return err
	}
	for _, w := range warns {
		r.warnf(p, "%s", w)
	}
	return nil
}

// parseContentType checks a Description-Content-Type: a media type whose
// charset, if any, is UTF-8. Types other than the three the core metadata
// specification names, and unknown markdown variants, are warnings.
func parseContentType(ct string) ([]string, error) {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid content type: %w", ct, err)
	}
	var warns []string
	switch mt {
	case "text/plain", "text/x-rst", "text/markdown":
	default:
		warns = append(warns, fmt.Sprintf("%q is not one of text/plain, text/x-rst, text/markdown", mt))
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return nil, fmt.Errorf("charset %q is not supported (only UTF-8)", cs)
	}
	if variant, ok := params["variant"]; ok && mt == "text/markdown" && variant != "GFM" && variant != "CommonMark" {
		warns = append(warns, fmt.Sprintf("markdown variant %q is not GFM or CommonMark", variant))
	}
	return warns, nil
}

func (r *treader) license(p tomlPath, v any) *License {
	switch v := v.(type) {
	case string:
		expr, err := NormalizeLicenseExpression(v)
		if err != nil {
			r.wrap(p, err, "%v", err)
			return nil
		}
		return &License{Expression: expr}
	case map[string]any:
		r.unknownKeys(p, v, []string{"file", "text"}, false)
		fv, hasFile := v["file"]
		tv, hasText := v["text"]
		switch {
		case hasFile && hasText:
			r.errorf(p, "give either file or text, not both")
		case hasFile:
			s, ok := r.str(p.key("file"), fv)
			if !ok {
				return nil
			}
			if err := checkRelPath(s); err != nil {
				r.wrap(p.key("file"), err, "%v", err)
				return nil
			}
			r.warnf(p, "the license table is deprecated (PEP 639): give an SPDX expression and license-files")
			return &License{File: s}
		case hasText:
			s, ok := r.str(p.key("text"), tv)
			if !ok {
				return nil
			}
			r.warnf(p, "the license table is deprecated (PEP 639): give an SPDX expression and license-files")
			return &License{Text: s}
		default:
			r.errorf(p, "a license table needs file or text")
		}
		return nil
	default:
		r.typef(p, "must be a string (an SPDX expression) or a table, got %s", typeName(v))
		return nil
	}
}

func (r *treader) people(p tomlPath, v any) []Person {
	arr, ok := v.([]any)
	if !ok {
		r.typef(p, "must be an array of tables, got %s", typeName(v))
		return nil
	}
	var out []Person
	for i, e := range arr {
		ep := p.idx(i)
		m, ok := e.(map[string]any)
		if !ok {
			r.typef(ep, "must be a table with name and/or email, got %s", typeName(e))
			continue
		}
		r.unknownKeys(ep, m, []string{"name", "email"}, false)
		var per Person
		if nv, ok := m["name"]; ok {
			per.Name, _ = r.str(ep.key("name"), nv)
		}
		if ev, ok := m["email"]; ok {
			if s, ok := r.str(ep.key("email"), ev); ok {
				if err := checkEmail(s); err != nil {
					r.wrap(ep.key("email"), err, "%v", err)
				} else {
					per.Email = s
				}
			}
		}
		if per.Name == "" && per.Email == "" {
			if _, hasName := m["name"]; !hasName {
				if _, hasEmail := m["email"]; !hasEmail {
					r.errorf(ep, "needs a name or an email")
				}
			}
			continue
		}
		out = append(out, per)
	}
	return out
}

// checkEmail accepts addr-spec shaped addresses: one '@' with text on both
// sides, no white space, angle brackets or commas.
func checkEmail(s string) error {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>,") {
		return fmt.Errorf("%q is not an email address", s)
	}
	return nil
}

func (r *treader) projectURL(p tomlPath, label, url string) ProjectURL {
	if len([]rune(label)) > 32 {
		r.warnf(p, "label %q is longer than 32 characters (core metadata limit)", label)
	}
	if strings.TrimSpace(url) == "" {
		r.errorf(p, "URL is empty")
	}
	return ProjectURL{Label: label, URL: url}
}

func (r *treader) entryPointTable(p tomlPath, v any, scripts bool) []EntryPoint {
	order, m, _ := r.strMap(p, v)
	var out []EntryPoint
	for _, name := range order {
		ep, err := ParseEntryPoint(name, m[name])
		if err != nil {
			r.wrap(p.key(name), err, "%v", err)
			continue
		}
		if scripts && ep.Object == "" {
			r.errorf(p.key(name), "%q names a module; a script needs module:function", ep.Value)
			continue
		}
		out = append(out, ep)
	}
	return out
}

func (r *treader) entryPointGroups(p tomlPath, v any) []EntryPointGroup {
	m, ok := r.table(p, v)
	if !ok {
		return nil
	}
	var out []EntryPointGroup
	for _, g := range r.doc.keys(p, m) {
		gp := p.key(g)
		if !validGroupName(g) {
			r.warnf(gp, "group name %q is not a dotted name", g)
		}
		eps := r.entryPointTable(gp, m[g], false)
		out = append(out, EntryPointGroup{Group: g, Entries: eps})
	}
	return out
}

func (r *treader) requirements(p tomlPath, v any) []pep508.Requirement {
	arr, ok := v.([]any)
	if !ok {
		r.typef(p, "must be an array of strings, got %s", typeName(v))
		return nil
	}
	var out []pep508.Requirement
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			r.typef(p.idx(i), "must be a string, got %s", typeName(e))
			continue
		}
		req, err := pep508.Parse(s)
		if err != nil {
			r.wrap(p.idx(i), err, "invalid requirement %q: %s", s, firstLine(err.Error()))
			continue
		}
		out = append(out, req)
	}
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (r *treader) extras(p tomlPath, v any) []Extra {
	m, ok := r.table(p, v)
	if !ok {
		return nil
	}
	var out []Extra
	seen := map[pkgname.Name]string{}
	for _, name := range r.doc.keys(p, m) {
		ep := p.key(name)
		n, err := pkgname.Parse(name)
		if err != nil {
			r.wrap(ep, err, "%q is not a valid extra name", name)
			continue
		}
		if prev, dup := seen[n]; dup {
			r.errorf(ep, "extra %q is the same as %q after normalization", name, prev)
			continue
		}
		seen[n] = name
		out = append(out, Extra{Name: name, Normalized: n, Requirements: r.requirements(ep, m[name])})
	}
	return out
}

func (r *treader) dynamic(p tomlPath, v any) []string {
	list, _ := r.strArray(p, v)
	var out []string
	for i, f := range list {
		switch {
		case f == "name":
			r.errorAt(p.idx(i), p, `"name" cannot be dynamic`)
		case f == "dynamic" || !contains(ProjectFields(), f):
			msg := fmt.Sprintf("%q is not a [project] field", f)
			if s := projectSuggestion(f); s != "" && s != "name" && s != "dynamic" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			r.errorAt(p.idx(i), p, "%s", msg)
		case contains(out, f):
			r.warnf(p.idx(i), "%q is listed twice", f)
		default:
			out = append(out, f)
		}
	}
	return out
}

// importNames reads import-names / import-namespaces (PEP 794): dotted
// Python identifiers, each optionally followed by "; private".
func (r *treader) importNames(p tomlPath, v any) []string {
	list, _ := r.strArray(p, v)
	out := []string{}
	seen := map[string]bool{}
	for i, s := range list {
		name, private, ok := strings.Cut(s, ";")
		name = strings.TrimSpace(name)
		if ok && strings.TrimSpace(private) != "private" {
			r.errorf(p.idx(i), "%q: only \"; private\" may follow an import name", s)
			continue
		}
		if !isDottedIdentifier(name, false) {
			r.errorf(p.idx(i), "%q is not a valid import name", name)
			continue
		}
		if seen[name] {
			r.errorf(p.idx(i), "%q is listed twice", name)
			continue
		}
		seen[name] = true
		if ok {
			out = append(out, name+"; private")
		} else {
			out = append(out, name)
		}
	}
	return out
}

func importBase(s string) string {
	n, _, _ := strings.Cut(s, ";")
	return strings.TrimSpace(n)
}
