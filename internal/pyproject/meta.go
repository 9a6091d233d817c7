package pyproject

import (
	"ferry/internal/pep440"
	"ferry/internal/pep508"
)

// metaValues is core metadata as one source (pyproject [project], the
// dynamic table, setup.cfg) gives it. set maps the [project] field names
// the source provides to where it provides them.
type metaValues struct {
	set map[string]origin

	name                             string
	version                          pep440.Version
	summary                          string
	readme                           *Readme
	requiresPython                   pep440.Specifiers
	license                          *License
	licenseFiles                     []string
	author, authorEmail              string
	maintainer, maintainerEmail      string
	keywords                         []string
	classifiers                      []string
	homePage, downloadURL            string
	urls                             []ProjectURL
	scripts, guiScripts              []EntryPoint
	entryPoints                      []EntryPointGroup
	dependencies                     []pep508.Requirement
	extras                           []Extra
	importNames, importNamespaces    []string
	platforms, provides, requires    []string
	obsoletes                        []string
	hasImportNames, hasImportSpaces  bool
	hasPlatforms, hasProvides        bool
	hasRequires, hasObsoletes        bool
	licenseFilesGiven, versionIsFile bool
}

func newMeta() *metaValues { return &metaValues{set: map[string]origin{}} }

func (m *metaValues) has(field string) bool {
	if m == nil {
		return false
	}
	_, ok := m.set[field]
	return ok
}

// copyField copies one [project] field (with everything it covers) from
// src to m.
func (m *metaValues) copyField(src *metaValues, field string) {
	m.set[field] = src.set[field]
	switch field {
	case "name":
		m.name = src.name
	case "version":
		m.version = src.version
	case "description":
		m.summary = src.summary
	case "readme":
		m.readme = src.readme
	case "requires-python":
		m.requiresPython = src.requiresPython
	case "license":
		m.license = src.license
	case "license-files":
		m.licenseFiles, m.licenseFilesGiven = src.licenseFiles, src.licenseFilesGiven
	case "authors":
		m.author, m.authorEmail = src.author, src.authorEmail
	case "maintainers":
		m.maintainer, m.maintainerEmail = src.maintainer, src.maintainerEmail
	case "keywords":
		m.keywords = src.keywords
	case "classifiers":
		m.classifiers = src.classifiers
	case "urls":
		m.homePage, m.downloadURL, m.urls = src.homePage, src.downloadURL, src.urls
	case "scripts":
		m.scripts = src.scripts
	case "gui-scripts":
		m.guiScripts = src.guiScripts
	case "entry-points":
		m.entryPoints = src.entryPoints
	case "dependencies":
		m.dependencies = src.dependencies
	case "optional-dependencies":
		m.extras = src.extras
	case "import-names":
		m.importNames, m.hasImportNames = src.importNames, src.hasImportNames
	case "import-namespaces":
		m.importNamespaces, m.hasImportSpaces = src.importNamespaces, src.hasImportSpaces
	}
}
