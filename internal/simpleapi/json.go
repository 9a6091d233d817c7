package simpleapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

type jsonMeta struct {
	APIVersion string `json:"api-version"`
}

type jsonProject struct {
	Meta     jsonMeta    `json:"meta"`
	Name     string      `json:"name"`
	Files    []jsonFile  `json:"files"`
	Versions []string    `json:"versions,omitempty"`
	Projects []jsonEntry `json:"projects,omitempty"`
}

type jsonEntry struct {
	Name string `json:"name"`
}

type jsonFile struct {
	Filename       string            `json:"filename"`
	URL            string            `json:"url"`
	Hashes         map[string]string `json:"hashes"`
	RequiresPython *string           `json:"requires-python,omitempty"`
	// Decoded as any (bool, string or object) in the one pass over the
	// page, then checked: a RawMessage decoded again costs a second scan
	// per file.
	CoreMetadata     any     `json:"core-metadata,omitempty"`
	DistInfoMetadata any     `json:"dist-info-metadata,omitempty"`
	Yanked           any     `json:"yanked,omitempty"`
	Size             *int64  `json:"size,omitempty"`
	UploadTime       *string `json:"upload-time,omitempty"`
}

// ParseJSON reads a PEP 691 project page.
func ParseJSON(data []byte, pageURL *url.URL) (*Project, error) {
	var jp jsonProject
	if err := decodeProjectJSON(data, &jp); err != nil {
		return nil, fmt.Errorf("parsing simple API JSON: %w", err)
	}
	if jp.Meta.APIVersion == "" {
		return nil, fmt.Errorf("parsing simple API JSON: no meta.api-version")
	}
	if err := checkAPIVersion(jp.Meta.APIVersion); err != nil {
		return nil, err
	}
	p := &Project{Name: jp.Name, Versions: jp.Versions, APIVersion: jp.Meta.APIVersion}
	for i, jf := range jp.Files {
		if jf.Filename == "" || jf.URL == "" {
			return nil, fmt.Errorf("parsing simple API JSON: file %d has no filename or url", i)
		}
		abs, frag, err := resolve(pageURL, jf.URL)
		if err != nil {
			return nil, fmt.Errorf("parsing simple API JSON: file %s: bad url: %w", jf.Filename, err)
		}
		f := File{Filename: jf.Filename, URL: abs, Size: -1}
		if len(jf.Hashes) > 0 {
			f.Hashes = make(map[string]string, len(jf.Hashes))
			for k, v := range jf.Hashes {
				f.Hashes[strings.ToLower(k)] = strings.ToLower(v)
			}
		} else if algo, digest, ok := hashFromFragment(frag); ok {
			f.Hashes = map[string]string{algo: digest}
		}
		if jf.RequiresPython != nil {
			f.RequiresPython = *jf.RequiresPython
		}
		meta := jf.CoreMetadata
		if meta == nil {
			meta = jf.DistInfoMetadata
		}
		if f.CoreMetadata, err = parseJSONMetadata(meta); err != nil {
			return nil, fmt.Errorf("parsing simple API JSON: file %s: %w", jf.Filename, err)
		}
		if f.Yanked, f.YankedReason, err = parseJSONYanked(jf.Yanked); err != nil {
			return nil, fmt.Errorf("parsing simple API JSON: file %s: %w", jf.Filename, err)
		}
		if jf.Size != nil {
			if *jf.Size < 0 {
				return nil, fmt.Errorf("parsing simple API JSON: file %s: negative size", jf.Filename)
			}
			f.Size = *jf.Size
		}
		if jf.UploadTime != nil {
			t, err := time.Parse(time.RFC3339Nano, *jf.UploadTime)
			if err != nil {
				return nil, fmt.Errorf("parsing simple API JSON: file %s: upload-time: %w", jf.Filename, err)
			}
			f.UploadTime = t
		}
		p.Files = append(p.Files, f)
	}
	return p, nil
}

func parseJSONMetadata(raw any) (CoreMetadata, error) {
	switch v := raw.(type) {
	case nil:
		return CoreMetadata{}, nil
	case bool:
		return CoreMetadata{Available: v}, nil
	case map[string]any:
		m := CoreMetadata{Available: true}
		for k, h := range v {
			hs, ok := h.(string)
			if !ok {
				return CoreMetadata{}, fmt.Errorf("core-metadata hash %q is not a string", k)
			}
			if m.Hashes == nil {
				m.Hashes = make(map[string]string, len(v))
			}
			m.Hashes[strings.ToLower(k)] = strings.ToLower(hs)
		}
		return m, nil
	}
	return CoreMetadata{}, fmt.Errorf("core-metadata must be a boolean or a hash table")
}

func parseJSONYanked(raw any) (bool, string, error) {
	switch v := raw.(type) {
	case nil:
		return false, "", nil
	case bool:
		return v, "", nil
	case string:
		return true, v, nil
	}
	return false, "", fmt.Errorf("yanked must be a boolean or a string")
}

// ParseRootJSON reads the PEP 691 root page: the list of project names.
func ParseRootJSON(data []byte) ([]string, error) {
	var jp jsonProject
	if err := json.Unmarshal(data, &jp); err != nil {
		return nil, fmt.Errorf("parsing simple API JSON: %w", err)
	}
	if err := checkAPIVersion(jp.Meta.APIVersion); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(jp.Projects))
	for _, e := range jp.Projects {
		names = append(names, e.Name)
	}
	return names, nil
}

// WriteJSON writes p as a PEP 691 project page (API 1.1, with PEP 700 fields).
func WriteJSON(w io.Writer, p *Project) error {
	out := struct {
		Meta     jsonMeta   `json:"meta"`
		Name     string     `json:"name"`
		Files    []jsonFile `json:"files"`
		Versions []string   `json:"versions"`
	}{Meta: jsonMeta{APIVersion: APIVersion}, Name: p.Name, Files: []jsonFile{}, Versions: p.Versions}
	if out.Versions == nil {
		out.Versions = []string{}
	}
	for _, f := range p.Files {
		jf := jsonFile{Filename: f.Filename, URL: f.URL, Hashes: f.Hashes}
		if jf.Hashes == nil {
			jf.Hashes = map[string]string{}
		}
		if f.RequiresPython != "" {
			rp := f.RequiresPython
			jf.RequiresPython = &rp
		}
		if f.CoreMetadata.Available {
			var meta any = true
			if len(f.CoreMetadata.Hashes) > 0 {
				meta = f.CoreMetadata.Hashes
			}
			jf.CoreMetadata = meta
			jf.DistInfoMetadata = meta
		}
		if f.Yanked {
			if f.YankedReason != "" {
				jf.Yanked = f.YankedReason
			} else {
				jf.Yanked = true
			}
		}
		if f.Size >= 0 {
			s := f.Size
			jf.Size = &s
		}
		if !f.UploadTime.IsZero() {
			t := f.UploadTime.UTC().Format("2006-01-02T15:04:05.000000Z")
			jf.UploadTime = &t
		}
		out.Files = append(out.Files, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}

// WriteRootJSON writes the PEP 691 root page.
func WriteRootJSON(w io.Writer, names []string) error {
	out := struct {
		Meta     jsonMeta    `json:"meta"`
		Projects []jsonEntry `json:"projects"`
	}{Meta: jsonMeta{APIVersion: APIVersion}, Projects: []jsonEntry{}}
	for _, n := range names {
		out.Projects = append(out.Projects, jsonEntry{Name: n})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}
