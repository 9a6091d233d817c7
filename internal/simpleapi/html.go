package simpleapi

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
)

// ParseHTML reads a PEP 503 project page (or a find-links page, which has
// the same shape). pageURL resolves relative links; it may be nil when every
// link is absolute.
func ParseHTML(data []byte, pageURL *url.URL) (*Project, error) {
	if err := checkText(data); err != nil {
		return nil, err
	}
	p := &Project{}
	base := pageURL
	z := xhtml.NewTokenizer(bytes.NewReader(data))
	var cur *File
	var text strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			if z.Err() == io.EOF {
				return p, nil
			}
			return nil, fmt.Errorf("parsing HTML: %w", z.Err())
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			present := map[string]bool{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
				present[string(k)] = true
			}
			switch string(name) {
			case "base":
				if h, ok := attrs["href"]; ok {
					if u, err := url.Parse(h); err == nil {
						if base != nil {
							u = base.ResolveReference(u)
						}
						base = u
					}
				}
			case "meta":
				if attrs["name"] == "pypi:repository-version" {
					p.APIVersion = attrs["content"]
					if err := checkAPIVersion(p.APIVersion); err != nil {
						return nil, err
					}
				}
			case "a":
				href, ok := attrs["href"]
				if !ok {
					continue
				}
				f, err := fileFromAnchor(base, href, attrs, present)
				if err != nil {
					continue // an unusable link is skipped, as pip does
				}
				p.Files = append(p.Files, f)
				cur = &p.Files[len(p.Files)-1]
				text.Reset()
				if tt == xhtml.SelfClosingTagToken {
					cur = nil
				}
			}
		case xhtml.TextToken:
			if cur != nil {
				text.Write(z.Text())
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			if string(name) == "a" && cur != nil {
				// The file name is the link text when the URL path does not
				// end in one (some indexes link to opaque download URLs).
				if t := strings.TrimSpace(text.String()); t != "" && cur.Filename == "" && !strings.ContainsFunc(t, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
					cur.Filename = t
				}
				cur = nil
			}
		}
	}
}

func fileFromAnchor(base *url.URL, href string, attrs map[string]string, present map[string]bool) (File, error) {
	abs, frag, err := resolve(base, href)
	if err != nil {
		return File{}, err
	}
	f := File{URL: abs, Size: -1}
	if u, err := url.Parse(abs); err == nil {
		seg := u.Path[strings.LastIndexByte(u.Path, '/')+1:]
		if name, err := url.PathUnescape(seg); err == nil {
			if strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				return File{}, fmt.Errorf("file name %q contains control characters", name)
			}
			f.Filename = name
		}
	}
	if algo, digest, ok := hashFromFragment(frag); ok {
		f.Hashes = map[string]string{algo: digest}
	}
	f.RequiresPython = html.UnescapeString(attrs["data-requires-python"])
	if present["data-yanked"] {
		f.Yanked = true
		f.YankedReason = attrs["data-yanked"]
	}
	for _, k := range []string{"data-core-metadata", "data-dist-info-metadata"} {
		if v, ok := attrs[k]; ok {
			if v == "" || strings.EqualFold(v, "true") {
				f.CoreMetadata.Available = true
			} else if h := parseHashValue(v); h != nil {
				f.CoreMetadata = CoreMetadata{Available: true, Hashes: h}
			}
			break
		}
	}
	return f, nil
}

// ParseRootHTML reads the root page of an index: the list of project names.
func ParseRootHTML(data []byte) ([]string, error) {
	if err := checkText(data); err != nil {
		return nil, err
	}
	var names []string
	z := xhtml.NewTokenizer(bytes.NewReader(data))
	inA := false
	var text strings.Builder
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			if z.Err() == io.EOF {
				return names, nil
			}
			return nil, fmt.Errorf("parsing HTML: %w", z.Err())
		case xhtml.StartTagToken:
			if n, _ := z.TagName(); string(n) == "a" {
				inA = true
				text.Reset()
			}
		case xhtml.TextToken:
			if inA {
				text.Write(z.Text())
			}
		case xhtml.EndTagToken:
			if n, _ := z.TagName(); string(n) == "a" && inA {
				inA = false
				if t := strings.TrimSpace(text.String()); t != "" {
					names = append(names, t)
				}
			}
		}
	}
}

// checkText refuses bodies that are not text at all, so a binary or
// truncated-garbage answer is an error rather than an empty project.
func checkText(data []byte) error {
	if bytes.IndexByte(data, 0) >= 0 {
		return fmt.Errorf("not an HTML page: contains NUL bytes")
	}
	if !utf8.Valid(data) {
		// Latin-1 pages exist in the wild; only refuse when most bytes are
		// not printable.
		bad := 0
		for _, b := range data {
			if b < 0x09 || (b > 0x0d && b < 0x20) {
				bad++
			}
		}
		if bad*10 > len(data) {
			return fmt.Errorf("not an HTML page: binary content")
		}
	}
	return nil
}

// WriteHTML writes p as a PEP 503 project page (API 1.1).
func WriteHTML(w io.Writer, p *Project) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n  <head>\n")
	fmt.Fprintf(&b, "    <meta name=\"pypi:repository-version\" content=\"%s\">\n", APIVersion)
	fmt.Fprintf(&b, "    <title>Links for %s</title>\n  </head>\n  <body>\n", html.EscapeString(p.Name))
	fmt.Fprintf(&b, "    <h1>Links for %s</h1>\n", html.EscapeString(p.Name))
	for _, f := range p.Files {
		href := f.URL
		if h := preferredHash(f.Hashes); h != "" {
			href += "#" + h
		}
		fmt.Fprintf(&b, "    <a href=\"%s\"", html.EscapeString(href))
		if f.RequiresPython != "" {
			fmt.Fprintf(&b, " data-requires-python=\"%s\"", html.EscapeString(f.RequiresPython))
		}
		if f.Yanked {
			fmt.Fprintf(&b, " data-yanked=\"%s\"", html.EscapeString(f.YankedReason))
		}
		if f.CoreMetadata.Available {
			v := "true"
			if h := preferredHash(f.CoreMetadata.Hashes); h != "" {
				v = h
			}
			fmt.Fprintf(&b, " data-core-metadata=\"%s\" data-dist-info-metadata=\"%s\"", v, v)
		}
		fmt.Fprintf(&b, ">%s</a><br>\n", html.EscapeString(f.Filename))
	}
	b.WriteString("  </body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteRootHTML writes the root page listing projects; names are written in
// the order given, each linking to its normalized page.
func WriteRootHTML(w io.Writer, names []string, normalize func(string) string) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n  <head>\n")
	fmt.Fprintf(&b, "    <meta name=\"pypi:repository-version\" content=\"%s\">\n", APIVersion)
	b.WriteString("    <title>Simple index</title>\n  </head>\n  <body>\n")
	for _, n := range names {
		fmt.Fprintf(&b, "    <a href=\"%s/\">%s</a><br>\n", html.EscapeString(url.PathEscape(normalize(n))), html.EscapeString(n))
	}
	b.WriteString("  </body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
