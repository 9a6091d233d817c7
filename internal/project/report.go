package project

import (
	"context"
	"strings"

	"ferry/internal/coremeta"
	"ferry/internal/httpx"
	"ferry/internal/index"
)

// InstallReport is pip's installation report (pip install --report),
// version 1: https://pip.pypa.io/en/stable/reference/installation-report/.
type InstallReport struct {
	Version     string            `json:"version"`
	PipVersion  string            `json:"pip_version"`
	Install     []ReportItem      `json:"install"`
	Environment map[string]string `json:"environment"`
}

// ReportItem is one package the resolution chose.
type ReportItem struct {
	DownloadInfo    DownloadInfo   `json:"download_info"`
	IsDirect        bool           `json:"is_direct"`
	IsYanked        bool           `json:"is_yanked"`
	Requested       bool           `json:"requested"`
	RequestedExtras []string       `json:"requested_extras,omitempty"`
	Metadata        map[string]any `json:"metadata"`
}

// DownloadInfo is the PEP 610 record of where a package comes from.
type DownloadInfo struct {
	URL         string         `json:"url"`
	ArchiveInfo *ArchiveInfo   `json:"archive_info,omitempty"`
	DirInfo     map[string]any `json:"dir_info,omitempty"`
}

// ArchiveInfo holds the hashes of an archive.
type ArchiveInfo struct {
	Hash   string            `json:"hash,omitempty"`
	Hashes map[string]string `json:"hashes,omitempty"`
}

// Report builds the installation report of every item of the plan (pip
// lists what it would install; ferry lists what the resolution chose and
// marks nothing as already installed, as pip does with --ignore-installed).
func (s *Session) Report(ctx context.Context, plan *Plan, installer string, changesOnly bool) (*InstallReport, error) {
	rep := &InstallReport{Version: "1", PipVersion: installer, Install: []ReportItem{}, Environment: plan.Target.Markers}
	items := plan.Items
	if changesOnly {
		items = plan.Changes()
	}
	prov := NewProvider(ProviderOptions{Index: s.Index, Metadata: s.Metadata, Fetcher: s.Fetcher, Target: plan.Target, Builder: s.Builder})
	defer prov.Close()
	for _, it := range items {
		ch := it.Choice
		md, err := prov.Metadata(ctx, ch)
		if err != nil {
			return nil, err
		}
		ri := ReportItem{IsDirect: ch.Direct, Requested: it.Requested, Metadata: MetadataJSON(md)}
		if ch.SourceDir != "" {
			ri.DownloadInfo = DownloadInfo{URL: index.FileURL(ch.SourceDir), DirInfo: map[string]any{}}
			if it.Editable {
				ri.DownloadInfo.DirInfo["editable"] = true
			}
		} else {
			ri.DownloadInfo = DownloadInfo{URL: httpx.Redact(ch.File.URL), ArchiveInfo: &ArchiveInfo{}}
			if sha := ch.File.SHA256(); sha != "" {
				ri.DownloadInfo.ArchiveInfo.Hash = "sha256=" + sha
				ri.DownloadInfo.ArchiveInfo.Hashes = map[string]string{"sha256": sha}
			}
			ri.IsYanked = ch.File.Yanked
		}
		if it.Requested {
			for _, e := range it.Extras {
				ri.RequestedExtras = append(ri.RequestedExtras, string(e))
			}
		}
		rep.Install = append(rep.Install, ri)
	}
	return rep, nil
}

// MetadataJSON converts core metadata to its JSON form (PEP 566): keys
// lower-cased with "_", multiple-use fields as lists, keywords split.
func MetadataJSON(m *coremeta.Metadata) map[string]any {
	out := map[string]any{}
	str := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	list := func(k string, v []string) {
		if len(v) > 0 {
			out[k] = v
		}
	}
	str("metadata_version", m.MetadataVersion)
	str("name", m.Name)
	str("version", m.Version)
	list("dynamic", m.Dynamic)
	list("platform", m.Platforms)
	list("supported_platform", m.SupportedPlatforms)
	str("summary", m.Summary)
	str("description", m.Description)
	str("description_content_type", m.DescriptionContentType)
	if m.Keywords != "" {
		var kws []string
		sep := ","
		if !strings.Contains(m.Keywords, ",") {
			sep = " "
		}
		for _, k := range strings.Split(m.Keywords, sep) {
			if k = strings.TrimSpace(k); k != "" {
				kws = append(kws, k)
			}
		}
		list("keywords", kws)
	}
	str("home_page", m.HomePage)
	str("download_url", m.DownloadURL)
	str("author", m.Author)
	str("author_email", m.AuthorEmail)
	str("maintainer", m.Maintainer)
	str("maintainer_email", m.MaintainerEmail)
	str("license", m.License)
	str("license_expression", m.LicenseExpression)
	list("license_file", m.LicenseFiles)
	list("classifier", m.Classifiers)
	list("requires_dist", m.RequiresDist)
	str("requires_python", m.RequiresPython)
	list("requires_external", m.RequiresExternal)
	list("project_url", m.ProjectURLs)
	list("provides_extra", m.ProvidesExtra)
	list("provides_dist", m.ProvidesDist)
	list("obsoletes_dist", m.ObsoletesDist)
	return out
}
