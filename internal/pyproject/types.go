package pyproject

import (
	"strings"

	"ferry/internal/pep440"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// ProjectFields returns the keys of the [project] table (PEP 621 as
// amended by PEP 639 and PEP 794), in the specification's order. Every one
// but "name" (and "dynamic" itself) may be listed in dynamic.
func ProjectFields() []string {
	return []string{
		"name", "version", "description", "readme", "requires-python", "license",
		"license-files", "authors", "maintainers", "keywords", "classifiers", "urls",
		"scripts", "gui-scripts", "entry-points", "dependencies",
		"optional-dependencies", "import-names", "import-namespaces", "dynamic",
	}
}

// BuildSystem is the [build-system] table (PEP 518, PEP 517).
type BuildSystem struct {
	// Requires are the requirements to install before building.
	Requires []pep508.Requirement
	// Backend is the build-backend object reference ("module" or
	// "module:object"), or "" when the table does not name one.
	Backend string
	// BackendPath are the in-tree directories prepended to sys.path to
	// import the backend; each is relative and inside the project.
	BackendPath []string
	// Declared reports whether pyproject.toml has a [build-system] table.
	Declared bool
}

// DefaultBuildSystem is what a frontend assumes without a [build-system]
// table, as pip does: setuptools' legacy backend.
func DefaultBuildSystem() BuildSystem {
	return BuildSystem{
		Requires: []pep508.Requirement{pep508.MustParse("setuptools>=40.8.0")},
		Backend:  "setuptools.build_meta:__legacy__",
	}
}

// Readme is the [project] readme: a file or inline text, with its content type.
type Readme struct {
	// File is the path of the readme, relative to the project, or "" for
	// inline text.
	File string
	// Text is the inline text ([project] readme = {text = ...}); after Load
	// it is the file's content as well.
	Text string
	// ContentType is the Description-Content-Type ("text/markdown",
	// "text/x-rst", "text/plain", possibly with parameters).
	ContentType string
}

// License is the [project] license: an SPDX expression (PEP 639) or the
// legacy table with a file or a text.
type License struct {
	// Expression is the normalized SPDX license expression, or "".
	Expression string
	// File is the legacy {file = ...} path, or "".
	File string
	// Text is the legacy {text = ...}; after Load, the file's content for
	// the {file = ...} form.
	Text string
}

// Person is an entry of [project] authors or maintainers.
type Person struct {
	Name  string
	Email string
}

// ProjectURL is a [project.urls] entry, written as the Project-URL
// "label, url".
type ProjectURL struct {
	Label string
	URL   string
}

// EntryPoint is one entry point: a name and an object reference
// "module:object [extras]".
type EntryPoint struct {
	Name string
	// Value is the reference as given, with whitespace normalized:
	// "pkg.cli:main", "pkg.mod", "pkg:main [extra1,extra2]".
	Value string
	// Module and Object are Value's parts ("pkg.cli", "main"); Object is ""
	// when the reference names a module.
	Module string
	Object string
	// Extras are the deprecated bracketed extras, in order.
	Extras []string
}

// EntryPointGroup is a group of entry points ("console_scripts",
// "gui_scripts", a plugin group).
type EntryPointGroup struct {
	Group   string
	Entries []EntryPoint
}

// Extra is an optional-dependencies entry.
type Extra struct {
	// Name is the extra as written; Normalized its PEP 685 form.
	Name       string
	Normalized pkgname.Name
	// Requirements are the extra's requirements, as written (without the
	// extra marker).
	Requirements []pep508.Requirement
}

// DependencyGroup is a [dependency-groups] entry (PEP 735), with
// include-group entries expanded.
type DependencyGroup struct {
	// Name is the group as written; Normalized its PEP 503 form.
	Name       string
	Normalized pkgname.Name
	// Requirements are the group's requirements with include-group entries
	// replaced by the included group's requirements, in order.
	Requirements []pep508.Requirement
	// Includes are the groups this one includes directly, in order.
	Includes []pkgname.Name
}

// DataFiles is one data-files entry: files installed into a directory
// relative to the installation prefix (the wheel's .data/data/).
type DataFiles struct {
	Dir   string
	Files []string
}

// SdistOptions are [tool.ferry.sdist]: adjustments to the sdist file set.
type SdistOptions struct {
	// Include and Exclude are globs (manifest rules) applied after the
	// default file set and MANIFEST.in.
	Include []string
	Exclude []string
	// UseGit asks for the files git tracks to be added, as setuptools-scm's
	// file finder does.
	UseGit bool
}

// ProjectTable is the [project] table as written (PEP 621), validated but
// not resolved: the readme and license files are not read, license-files
// globs not matched.
type ProjectTable struct {
	Name                 string
	Normalized           pkgname.Name
	Version              pep440.Version // zero when absent
	Description          string
	Readme               *Readme
	RequiresPython       pep440.Specifiers
	License              *License
	LicenseFiles         []string // globs; see HasLicenseFiles for an empty list
	HasLicenseFiles      bool
	Authors              []Person
	Maintainers          []Person
	Keywords             []string
	Classifiers          []string
	URLs                 []ProjectURL
	Scripts              []EntryPoint
	GUIScripts           []EntryPoint
	EntryPoints          []EntryPointGroup
	Dependencies         []pep508.Requirement
	OptionalDependencies []Extra
	ImportNames          []string
	ImportNamespaces     []string
	// Dynamic is the dynamic list as written.
	Dynamic []string

	given map[string]bool
}

// Has reports whether field (a [project] key) is given statically.
func (t *ProjectTable) Has(field string) bool { return t.given[field] }

// IsDynamic reports whether field is listed in dynamic.
func (t *ProjectTable) IsDynamic(field string) bool { return contains(t.Dynamic, field) }

// SetupPyKind classifies a project's setup.py.
type SetupPyKind int

const (
	// SetupPyAbsent: there is no setup.py.
	SetupPyAbsent SetupPyKind = iota
	// SetupPyTrivial: setup.py only imports setuptools and calls setup()
	// without arguments; the configuration files say everything.
	SetupPyTrivial
	// SetupPyCustom: setup.py does anything else; only running it gives
	// the full configuration.
	SetupPyCustom
)

// String names the kind: "absent", "trivial" or "custom".
func (k SetupPyKind) String() string {
	switch k {
	case SetupPyAbsent:
		return "absent"
	case SetupPyTrivial:
		return "trivial"
	}
	return "custom"
}

// joinPeople formats people for core metadata: names without an email go
// to the name field, the others to the email field as "Name <email>" (the
// name quoted when it holds RFC 5322 specials, as Python's
// email.headerregistry.Address prints it), each list joined by ", ".
func joinPeople(people []Person) (names, emails string) {
	var ns, es []string
	for _, p := range people {
		switch {
		case p.Email == "":
			ns = append(ns, p.Name)
		case p.Name == "":
			es = append(es, p.Email)
		default:
			es = append(es, quoteDisplayName(p.Name)+" <"+p.Email+">")
		}
	}
	return strings.Join(ns, ", "), strings.Join(es, ", ")
}

func quoteDisplayName(name string) string {
	if !strings.ContainsAny(name, `()<>@,:;."[]`) {
		return name
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(name) + `"`
}
