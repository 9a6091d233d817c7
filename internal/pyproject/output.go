package pyproject

import (
	"fmt"
	"sort"
	"strings"

	"ferry/internal/coremeta"
	"ferry/internal/manifest"
	"ferry/internal/pep440"
)

// Metadata returns the project's core metadata (PKG-INFO / METADATA). The
// Metadata-Version is the lowest that holds every field used: 2.1, 2.2
// with Dynamic, 2.4 with License-Expression or License-File, 2.5 with
// Import-Name or Import-Namespace. Name is as written, Version normalized,
// Keywords joined with ",", Project-URL entries "label, url". The version
// is not tagged; see TaggedVersion.
func (p *Project) Metadata() coremeta.Metadata {
	m := coremeta.Metadata{
		MetadataVersion:        "2.1",
		Name:                   p.Name,
		Version:                p.Version.String(),
		Summary:                p.Summary,
		Description:            p.Description,
		DescriptionContentType: p.DescriptionContentType,
		Keywords:               strings.Join(p.Keywords, ","),
		HomePage:               p.HomePage,
		DownloadURL:            p.DownloadURL,
		Author:                 p.Author,
		AuthorEmail:            p.AuthorEmail,
		Maintainer:             p.Maintainer,
		MaintainerEmail:        p.MaintainerEmail,
		License:                p.License,
		LicenseExpression:      p.LicenseExpression,
		LicenseFiles:           append([]string(nil), p.LicenseFiles...),
		Classifiers:            append([]string(nil), p.Classifiers...),
		Platforms:              append([]string(nil), p.Platforms...),
		Provides:               append([]string(nil), p.Provides...),
		Requires:               append([]string(nil), p.Requires...),
		Obsoletes:              append([]string(nil), p.Obsoletes...),
		ImportNames:            append([]string(nil), p.ImportNames...),
		ImportNamespaces:       append([]string(nil), p.ImportNamespaces...),
	}
	if len(p.RequiresPython) > 0 {
		m.RequiresPython = p.RequiresPython.String()
	}
	for _, r := range p.RequiresDist {
		m.RequiresDist = append(m.RequiresDist, r.String())
	}
	for _, e := range p.ProvidesExtra {
		m.ProvidesExtra = append(m.ProvidesExtra, string(e))
	}
	for _, u := range p.ProjectURLs {
		m.ProjectURLs = append(m.ProjectURLs, u.Label+", "+u.URL)
	}
	switch {
	case p.ImportNames != nil || p.ImportNamespaces != nil:
		m.MetadataVersion = "2.5"
	case m.LicenseExpression != "" || len(m.LicenseFiles) > 0:
		m.MetadataVersion = "2.4"
	case len(m.Dynamic) > 0:
		m.MetadataVersion = "2.2"
	}
	return m
}

// TaggedVersion returns the version with the egg_info tags appended, as
// setuptools does: Version + TagBuild, then date (the build date as
// YYYYMMDD, which the caller supplies; ignored unless TagDate), normalized
// as a PEP 440 version.
func (p *Project) TaggedVersion(date string) (pep440.Version, error) {
	s := p.Version.String() + p.TagBuild
	if p.TagDate {
		s += date
	}
	if s == p.Version.String() {
		return p.Version, nil
	}
	v, err := pep440.Parse(s)
	if err != nil {
		return pep440.Version{}, fmt.Errorf("tagged version %q: %w", s, err)
	}
	return v, nil
}

// ManifestProject returns the sdist file-set input for the manifest
// package. EggInfo, Generated, Tracked, PreviousManifest, Template and
// Prune are left for the caller (they depend on the build, not the
// configuration); license files are passed as the matched paths.
func (p *Project) ManifestProject() manifest.Project {
	mp := manifest.Project{
		Packages:           append([]string(nil), p.Packages...),
		PyModules:          append([]string(nil), p.PyModules...),
		PackageDir:         copyStringMap(p.PackageDir),
		PackageData:        copyListMap(p.PackageData),
		ExcludePackageData: copyListMap(p.ExcludePackageData),
		Scripts:            append([]string(nil), p.ScriptFiles...),
		LicenseFiles:       append([]string{}, p.LicenseFiles...),
		ReferencedFiles:    append([]string(nil), p.ReferencedFiles...),
	}
	for _, df := range p.DataFiles {
		mp.DataFiles = append(mp.DataFiles, df.Files...)
	}
	sort.Strings(mp.DataFiles)
	return mp
}

func copyStringMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func copyListMap(m map[string][]string) map[string][]string {
	if m == nil {
		return nil
	}
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// Group returns the entries of an entry point group, or nil.
func (p *Project) Group(name string) []EntryPoint {
	for _, g := range p.EntryPoints {
		if g.Group == name {
			return g.Entries
		}
	}
	return nil
}
