package pyproject

import (
	"fmt"
	"strings"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// This file gives setup.cfg setuptools' meaning ("Configuring setuptools
// using setup.cfg files"): value types, directives and sections.

// cfgAt locates an option of setup.cfg.
func cfgAt(section string, o CfgOption) origin {
	return origin{file: SetupCfgFile, line: o.Line, key: "[" + section + "] " + o.Key}
}

// parseList is setuptools' list-comma / list-semi: a value with a line
// break is one item per line, otherwise items are separated by sep;
// items are stripped and empty ones dropped.
func parseList(value string, sep string) []string {
	var parts []string
	if strings.Contains(value, "\n") {
		parts = splitLinesUniversal(value)
	} else {
		parts = strings.Split(value, sep)
	}
	var out []string
	for _, p := range parts {
		if p = pyStrip(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseDict is setuptools' dict type: list-comma items "key = value".
func parseDict(value string) ([]string, map[string]string, error) {
	out := map[string]string{}
	var order []string
	for _, item := range parseList(value, ",") {
		k, v, ok := strings.Cut(item, "=")
		if !ok {
			return nil, nil, fmt.Errorf("cannot read %q as key = value", item)
		}
		k, v = pyStrip(k), pyStrip(v)
		if _, dup := out[k]; !dup {
			order = append(order, k)
		}
		out[k] = v
	}
	return order, out, nil
}

// parseBool is setuptools' bool type: 1, true and yes (any case) are true,
// anything else false.
func parseBool(value string) bool {
	switch strings.ToLower(value) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// strToBool is distutils' strtobool, used for command options.
func strToBool(value string) (bool, error) {
	switch strings.ToLower(value) {
	case "y", "yes", "t", "true", "on", "1":
		return true, nil
	case "n", "no", "f", "false", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("invalid truth value %q", value)
}

// requirementLines turns setuptools requirement strings into requirement
// texts as setuptools' _reqs.parse_strings does: lines are stripped, blank
// lines and lines starting with '#' dropped, " #" comments cut, and a line
// ending in a backslash joined with the next (the character before the
// backslash is dropped too, as setuptools does).
func requirementLines(items []string) []string {
	var lines []string
	for _, it := range items {
		for _, l := range splitLinesUniversal(it) {
			l = pyStrip(l)
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			if i := strings.Index(l, " #"); i >= 0 {
				l = l[:i]
			}
			lines = append(lines, l)
		}
	}
	var out []string
	for i := 0; i < len(lines); i++ {
		item := lines[i]
		dropped := false
		for strings.HasSuffix(item, `\`) {
			r := []rune(item)
			cut := len(r) - 2
			if cut < 0 {
				cut = 0
			}
			head := pyStrip(string(r[:cut]))
			if i+1 >= len(lines) {
				dropped = true
				break
			}
			i++
			item = head + lines[i]
		}
		if !dropped {
			out = append(out, item)
		}
	}
	return out
}

// parseRequirementList reads install_requires / extras_require values:
// list-semi (with file:), comment lines dropped, then parsed.
func (l *loader) parseRequirementList(at origin, value string) []pep508.Requirement {
	text := value
	if strings.HasPrefix(value, "file:") {
		text = l.readFileDirective(at, value)
	}
	items := parseList(text, ";")
	if !strings.Contains(value, "\n") && len(items) == 2 {
		if req, err := pep508.Parse(items[0] + ";" + items[1]); err == nil && !req.Marker.IsTrue() {
			at.warnf(l.d, "%q looks like one requirement with a marker, but on one line ';' separates requirements; put it on its own line", value)
		}
	}
	var out []pep508.Requirement
	for _, s := range requirementLines(items) {
		req, err := pep508.Parse(s)
		if err != nil {
			at.wrap(l.d, err, "invalid requirement %q: %s", s, firstLine(err.Error()))
			continue
		}
		out = append(out, req)
	}
	return out
}

// readSetupCfgOptions reads [options] and its subsections, and
// [egg_info], into build options.
func (l *loader) readSetupCfgOptions(cfg *SetupCfg) (*buildOptions, *metaValues) {
	o := &buildOptions{}
	m := newMeta() // the metadata [options] carries (requirements, entry points)
	for _, s := range cfg.Sections {
		name := s.Name
		switch {
		case name == "options" || name == "metadata":
		case strings.HasPrefix(name, "options."):
			switch strings.TrimPrefix(name, "options.") {
			case "packages.find", "entry_points", "package_data", "exclude_package_data", "extras_require", "data_files":
			default:
				l.d.errorf(SetupCfgFile, s.Line, "["+name+"]", "unsupported section (setuptools knows [options.packages.find], [options.entry_points], [options.package_data], [options.exclude_package_data], [options.extras_require] and [options.data_files])")
			}
		case strings.HasPrefix(name, "metadata."):
			l.d.errorf(SetupCfgFile, s.Line, "["+name+"]", "unsupported section")
		}
	}
	if s := cfg.Section("options"); s != nil {
		first := map[string]bool{}
		for _, opt := range s.Options {
			at := cfgAt("options", opt)
			v := opt.Value
			if first[opt.Key] {
				continue
			}
			first[opt.Key] = true
			switch opt.Key {
			case "zip_safe", "eager_resources", "use_2to3", "use_2to3_fixers", "use_2to3_exclude_fixers", "convert_2to3_doctests":
				at.warnf(l.d, "ignored")
			case "dependency_links":
				at.warnf(l.d, "ignored (dependency links are no longer supported by installers)")
			case "tests_require":
				at.warnf(l.d, "ignored (deprecated; use an extra or a dependency group)")
			case "setup_requires":
				o.setupRequires = some(l.parseRequirementListStrings(at, parseList(v, ";")), at)
			case "install_requires":
				m.dependencies = l.parseRequirementList(at, v)
				m.set["dependencies"] = at
			case "python_requires":
				spec, err := pep440.ParseSpecifiers(v)
				if err != nil {
					at.wrap(l.d, err, "%q is not a valid version specifier", v)
					continue
				}
				m.requiresPython = spec
				m.set["requires-python"] = at
			case "packages":
				trimmed := pyStrip(v)
				if trimmed == "find:" || trimmed == "find_namespace:" {
					fs := l.cfgFind(cfg.Section("options.packages.find"))
					fs.namespaces = trimmed == "find_namespace:"
					o.find = some(fs, at)
					continue
				}
				list := parseList(v, ",")
				for _, p := range list {
					if !isDottedIdentifier(p, true) {
						at.errorf(l.d, "%q is not a valid package name", p)
					}
				}
				o.packages = some(list, at)
			case "package_dir":
				order, pd, err := parseDict(v)
				if err != nil {
					at.wrap(l.d, err, "%v", err)
					continue
				}
				for _, k := range order {
					if k != "" && !isDottedIdentifier(k, true) {
						at.errorf(l.d, "%q is not a valid package name", k)
					}
					if err := checkRelPath(pd[k]); err != nil {
						at.wrap(l.d, err, "%v", err)
					}
				}
				o.packageDir = some(pd, at)
			case "py_modules":
				list := parseList(v, ",")
				for _, mod := range list {
					if !isDottedIdentifier(mod, false) {
						at.errorf(l.d, "%q is not a valid module name", mod)
					}
				}
				o.pyModules = some(list, at)
			case "scripts":
				o.scriptFiles = some(parseList(v, ","), at)
			case "include_package_data":
				o.includePackageData = some(parseBool(v), at)
			case "entry_points":
				text := v
				if strings.HasPrefix(v, "file:") {
					text = l.readFileDirective(at, v)
				}
				l.entryPointsText(at, text, m)
			case "namespace_packages":
				o.unsupported = append(o.unsupported, at.key+": pkg_resources-style namespace packages")
			case "cmdclass":
				o.unsupported = append(o.unsupported, at.key+": custom setuptools commands")
			case "ext_modules", "libraries":
				o.unsupported = append(o.unsupported, at.key+": compiled code")
			case "extras_require", "package_data", "exclude_package_data", "data_files":
				at.errorf(l.d, "give it as the [options.%s] section", opt.Key)
			default:
				msg := "unknown option, ignored"
				if sg := suggest(opt.Key, setupCfgOptionKeys()); sg != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", sg)
				}
				at.warnf(l.d, "%s", msg)
			}
		}
	}
	if s := cfg.Section("options.entry_points"); s != nil {
		if m.has("entry-points") || m.has("scripts") || m.has("gui-scripts") {
			l.d.warnf(SetupCfgFile, s.Line, "["+s.Name+"]", "ignored: [options] entry_points is also given")
		} else {
			l.entryPointsSection(s, m)
		}
	}
	if s := cfg.Section("options.extras_require"); s != nil {
		var extras []Extra
		seen := map[pkgname.Name]string{}
		for _, opt := range s.Options {
			at := cfgAt(s.Name, opt)
			// configparser splits keys at ':' too, so setuptools'
			// "extra:marker" keys cannot be written in setup.cfg.
			name := pyStrip(opt.Key)
			n, err := pkgname.Parse(name)
			if err != nil {
				at.wrap(l.d, err, "%q is not a valid extra name", name)
				continue
			}
			reqs := l.parseRequirementList(at, opt.Value)
			if prev, dup := seen[n]; dup {
				at.errorf(l.d, "extra %q is the same as %q after normalization", name, prev)
				continue
			}
			seen[n] = name
			extras = append(extras, Extra{Name: name, Normalized: n, Requirements: reqs})
		}
		m.extras = extras
		m.set["optional-dependencies"] = origin{SetupCfgFile, s.Line, "[" + s.Name + "]"}
	}
	if s := cfg.Section("options.package_data"); s != nil {
		o.packageData = some(l.cfgPackageData(s), origin{SetupCfgFile, s.Line, "[" + s.Name + "]"})
	}
	if s := cfg.Section("options.exclude_package_data"); s != nil {
		o.excludePackageData = some(l.cfgPackageData(s), origin{SetupCfgFile, s.Line, "[" + s.Name + "]"})
	}
	if s := cfg.Section("options.data_files"); s != nil {
		var dfs []DataFiles
		for _, opt := range s.Options {
			dfs = append(dfs, DataFiles{Dir: opt.Key, Files: parseList(opt.Value, ",")})
		}
		o.dataFiles = some(dfs, origin{SetupCfgFile, s.Line, "[" + s.Name + "]"})
	}
	if s := cfg.Section("egg_info"); s != nil {
		if opt, ok := s.Get("tag_build"); ok {
			o.tagBuild = some(opt.Value, cfgAt("egg_info", opt))
		}
		if opt, ok := s.Get("tag_date"); ok {
			b, err := strToBool(opt.Value)
			if err != nil {
				cfgAt("egg_info", opt).wrap(l.d, err, "%v", err)
			} else {
				o.tagDate = some(b, cfgAt("egg_info", opt))
			}
		}
	}
	return o, m
}

func (l *loader) parseRequirementListStrings(at origin, items []string) []string {
	var out []string
	for _, s := range requirementLines(items) {
		if _, err := pep508.Parse(s); err != nil {
			at.wrap(l.d, err, "invalid requirement %q: %s", s, firstLine(err.Error()))
			continue
		}
		out = append(out, s)
	}
	return out
}

func setupCfgOptionKeys() []string {
	return []string{
		"zip_safe", "setup_requires", "install_requires", "extras_require", "python_requires",
		"entry_points", "scripts", "eager_resources", "dependency_links", "tests_require",
		"include_package_data", "packages", "package_dir", "package_data", "exclude_package_data",
		"namespace_packages", "py_modules", "data_files", "cmdclass",
	}
}

// cfgFind reads [options.packages.find]: where (its first item), include,
// exclude; empty values are ignored, as setuptools does.
func (l *loader) cfgFind(s *CfgSection) findSpec {
	fs := findSpec{where: []string{"."}}
	if s == nil {
		return fs
	}
	for _, opt := range s.Options {
		at := cfgAt(s.Name, opt)
		list := parseList(opt.Value, ",")
		if len(list) == 0 {
			continue
		}
		switch opt.Key {
		case "where":
			if err := checkRelPath(list[0]); err != nil {
				at.wrap(l.d, err, "%v", err)
				continue
			}
			fs.where = list[:1]
		case "include":
			fs.include = list
		case "exclude":
			fs.exclude = list
		default:
			at.warnf(l.d, "unknown option, ignored (where, include and exclude are known)")
		}
	}
	return fs
}

func (l *loader) cfgPackageData(s *CfgSection) map[string][]string {
	out := map[string][]string{}
	for _, opt := range s.Options {
		key := opt.Key
		if key == "*" {
			key = ""
		}
		if key != "" && !isDottedIdentifier(key, true) {
			cfgAt(s.Name, opt).errorf(l.d, "%q is not a valid package name (use * for every package)", opt.Key)
			continue
		}
		out[key] = append(out[key], parseList(opt.Value, ",")...)
	}
	return out
}

// entryPointsSection reads [options.entry_points]: group = list of
// "name = reference".
func (l *loader) entryPointsSection(s *CfgSection, m *metaValues) {
	var groups []EntryPointGroup
	for _, opt := range s.Options {
		at := cfgAt(s.Name, opt)
		g := EntryPointGroup{Group: opt.Key}
		for _, item := range parseList(opt.Value, ",") {
			name, ref, ok := strings.Cut(item, "=")
			if !ok {
				at.errorf(l.d, "%q is not name = module:object", item)
				continue
			}
			ep, err := ParseEntryPoint(pyStrip(name), pyStrip(ref))
			if err != nil {
				at.wrap(l.d, err, "%v", err)
				continue
			}
			g.Entries = append(g.Entries, ep)
		}
		groups = append(groups, g)
	}
	l.assignEntryPoints(origin{SetupCfgFile, s.Line, "[" + s.Name + "]"}, groups, m)
}

// entryPointsText reads entry_points.txt-style text (entry_points = file:).
func (l *loader) entryPointsText(at origin, text string, m *metaValues) {
	groups, err := parseEntryPointsText(text)
	if err != nil {
		at.wrap(l.d, err, "%v", err)
		return
	}
	l.assignEntryPoints(at, groups, m)
}

// parseEntryPointsText reads the entry points file format: INI sections
// for groups, "name = reference" lines, case kept.
func parseEntryPointsText(text string) ([]EntryPointGroup, error) {
	ini, err := parseIni("entry points", []byte(text), iniEntryPoints())
	if err != nil {
		return nil, err
	}
	var groups []EntryPointGroup
	for _, s := range ini.Sections {
		g := EntryPointGroup{Group: s.Name}
		for _, opt := range s.Options {
			ep, err := ParseEntryPoint(opt.Key, opt.Value)
			if err != nil {
				return nil, fmt.Errorf("[%s] %w", s.Name, err)
			}
			g.Entries = append(g.Entries, ep)
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// assignEntryPoints splits groups into scripts, GUI scripts and the rest,
// marking the fields that receive entries.
func (l *loader) assignEntryPoints(at origin, groups []EntryPointGroup, m *metaValues) {
	for _, g := range groups {
		switch g.Group {
		case "console_scripts":
			m.scripts = append(m.scripts, g.Entries...)
			m.set["scripts"] = at
		case "gui_scripts":
			m.guiScripts = append(m.guiScripts, g.Entries...)
			m.set["gui-scripts"] = at
		default:
			m.entryPoints = append(m.entryPoints, g)
			m.set["entry-points"] = at
		}
	}
}

// readSetupCfgMetadata reads [metadata]; attr: directives look modules up
// through packageDir.
func (l *loader) readSetupCfgMetadata(cfg *SetupCfg, m *metaValues, packageDir map[string]string) {
	s := cfg.Section("metadata")
	if s == nil {
		return
	}
	aliases := map[string]string{
		"home_page": "url", "summary": "description", "classifier": "classifiers", "platform": "platforms",
	}
	first := map[string]CfgOption{}
	var people [4]string
	var peopleAt [2]origin
	for _, opt := range s.Options {
		key := opt.Key
		if a, ok := aliases[key]; ok {
			key = a
		}
		at := cfgAt("metadata", opt)
		if prev, dup := first[key]; dup {
			at.warnf(l.d, "ignored: %s is already set by %q (line %d)", key, prev.Key, prev.Line)
			continue
		}
		first[key] = opt
		v := opt.Value
		switch key {
		case "name":
			if _, err := pkgname.Parse(v); err != nil {
				at.wrap(l.d, err, "%q is not a valid project name", v)
				continue
			}
			m.name = v
			m.set["name"] = at
		case "version":
			if ver, ok := l.cfgVersion(at, v, packageDir); ok {
				m.version = ver
				m.set["version"] = at
			}
		case "description":
			text := v
			if strings.HasPrefix(v, "file:") {
				text = l.readFileDirective(at, v)
			}
			m.summary = singleLine(l.d, at, text)
			m.set["description"] = at
		case "long_description":
			text := v
			if strings.HasPrefix(v, "file:") {
				text = l.readFileDirective(at, v)
			}
			if m.readme == nil {
				m.readme = &Readme{}
			}
			m.readme.Text = text
			m.set["readme"] = at
		case "long_description_content_type":
			warns, err := parseContentType(v)
			if err != nil {
				at.wrap(l.d, err, "%v", err)
				continue
			}
			for _, w := range warns {
				at.warnf(l.d, "%s", w)
			}
			if m.readme == nil {
				m.readme = &Readme{}
			}
			m.readme.ContentType = v
		case "keywords":
			m.keywords = parseList(v, ",")
			m.set["keywords"] = at
		case "classifiers":
			text := v
			if strings.HasPrefix(v, "file:") {
				text = l.readFileDirective(at, v)
			}
			m.classifiers = parseList(text, ",")
			m.set["classifiers"] = at
		case "platforms":
			m.platforms, m.hasPlatforms = parseList(v, ","), true
		case "provides":
			m.provides, m.hasProvides = parseList(v, ","), true
		case "requires":
			m.requires, m.hasRequires = parseList(v, ","), true
			at.warnf(l.d, "deprecated: use install_requires for runtime dependencies")
		case "obsoletes":
			m.obsoletes, m.hasObsoletes = parseList(v, ","), true
		case "license":
			if strings.HasPrefix(v, "file:") {
				at.errorf(l.d, "only text is accepted; list the file in license_files")
				continue
			}
			if m.license == nil {
				m.license = &License{}
			}
			m.license.Text = v
			m.set["license"] = at
		case "license_expression":
			expr, err := NormalizeLicenseExpression(v)
			if err != nil {
				at.wrap(l.d, err, "%v", err)
				continue
			}
			if m.license == nil {
				m.license = &License{}
			}
			m.license.Expression = expr
			m.set["license"] = at
		case "license_file", "license_files":
			if strings.HasPrefix(v, "file:") {
				at.errorf(l.d, "only file names are accepted")
				continue
			}
			if key == "license_file" {
				at.warnf(l.d, "deprecated: use license_files")
			}
			for _, g := range parseList(v, ",") {
				if err := checkLicenseGlob(g); err != nil {
					at.wrap(l.d, err, "%v", err)
					continue
				}
				m.licenseFiles = append(m.licenseFiles, g)
			}
			m.licenseFilesGiven = true
			m.set["license-files"] = at
		case "project_urls":
			order, urls, err := parseDict(v)
			if err != nil {
				at.wrap(l.d, err, "%v", err)
				continue
			}
			for _, label := range order {
				m.urls = append(m.urls, ProjectURL{Label: label, URL: urls[label]})
			}
			m.set["urls"] = at
		case "url":
			m.homePage = v
			m.set["urls"] = at
		case "download_url":
			m.downloadURL = v
			m.set["urls"] = at
		case "author":
			people[0], peopleAt[0] = v, at
			m.set["authors"] = at
		case "author_email":
			people[1], peopleAt[0] = v, at
			m.set["authors"] = at
		case "maintainer":
			people[2], peopleAt[1] = v, at
			m.set["maintainers"] = at
		case "maintainer_email":
			people[3], peopleAt[1] = v, at
			m.set["maintainers"] = at
		default:
			at.warnf(l.d, "unknown key, ignored")
		}
	}
	m.author, m.authorEmail, m.maintainer, m.maintainerEmail = people[0], people[1], people[2], people[3]
	if m.license != nil && m.license.Expression != "" && m.license.Text != "" {
		m.set["license"].warnf(l.d, "both license and license_expression are given; the expression wins")
		m.license.Text = ""
	}
}

// cfgVersion reads [metadata] version: file: (stripped, must be PEP 440),
// attr: (read statically), or a literal version.
func (l *loader) cfgVersion(at origin, v string, packageDir map[string]string) (pep440.Version, bool) {
	var text string
	switch {
	case strings.HasPrefix(v, "file:"):
		text = pyStrip(l.readFileDirective(at, v))
	case strings.HasPrefix(v, "attr:"):
		s, err := l.readAttrVersion(strings.TrimPrefix(v, "attr:"), packageDir)
		if err != nil {
			at.wrap(l.d, err, "%v", err)
			return pep440.Version{}, false
		}
		text = s
	default:
		text = v
	}
	ver, err := pep440.Parse(text)
	if err != nil {
		at.wrap(l.d, err, "%q is not a valid version (PEP 440)", text)
		return pep440.Version{}, false
	}
	return ver, true
}

// singleLine keeps the first line of a multi-line summary, with a warning,
// as setuptools does when it writes Summary.
func singleLine(d *diag, at origin, s string) string {
	t := pyStrip(s)
	if i := strings.IndexAny(t, "\r\n"); i >= 0 {
		at.warnf(d, "a summary must be one line; only the first line is kept")
		return pyStrip(t[:i])
	}
	return s
}
