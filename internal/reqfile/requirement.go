package reqfile

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"ferry/internal/pep508"
	"ferry/internal/pkgname"
)

// requirement interprets the requirement part of a line as pip's
// install_req_from_line does, without looking at the file system: a URL;
// a local archive (by its file name) or a path to a directory (a name
// containing '/' or starting with '.'); else a PEP 508 requirement.
func (p *parser) requirement(text string, pos Pos) (Requirement, error) {
	r := Requirement{Pos: pos, Text: text}
	fail := func(err error, format string, args ...any) (Requirement, error) {
		return Requirement{}, &ParseError{File: pos.File, Line: pos.Line, Msg: fmt.Sprintf(format, args...), Err: err}
	}

	// The marker goes first: after "; " for a URL, after ";" otherwise.
	sep := ";"
	if isURL(text) {
		sep = "; "
	}
	body, markerText, hasMarker := strings.Cut(text, sep)
	body = pyStrip(body)
	var marker pep508.Marker
	if hasMarker {
		if markerText = pyStrip(markerText); markerText != "" {
			m, err := pep508.ParseMarker(markerText)
			if err != nil {
				return fail(err, "invalid marker in %q: %v", text, err)
			}
			marker = m
		}
	}

	if isURL(body) {
		if strings.ContainsFunc(body, pyIsSpace) {
			return fail(nil, "invalid URL %q: it contains whitespace (a marker after a URL needs \"; \")", body)
		}
		if err := p.setLocation(&r, body, body, false); err != nil {
			return fail(err, "%v", err)
		}
		r.Req.Marker = marker
		return r, nil
	}

	loc, extras := stripExtras(body)
	local := false
	switch {
	case isArchive(loc) || looksLikePath(body):
		local = true
		if at := strings.IndexByte(body, '@'); at >= 0 && !looksLikePath(body[:at]) {
			local = false // "name @ url" with a '/' in the URL
		}
	}
	if local {
		if err := p.setLocation(&r, loc, loc, false); err != nil {
			return fail(err, "%v", err)
		}
		if extras != "" {
			if err := setExtras(&r.Req, extras); err != nil {
				return fail(err, "invalid extras in %q: %v", text, err)
			}
		}
		r.Req.Marker = marker
		return r, nil
	}

	req, err := pep508.Parse(body)
	if err != nil {
		msg := fmt.Sprintf("invalid requirement %q: %v", body, err)
		if strings.Contains(body, "=") && !strings.ContainsAny(body, "<>!~") && !strings.Contains(body, "==") {
			msg += "\nhint: = is not a valid operator; did you mean == ?"
		}
		return fail(err, "%s", msg)
	}
	if hasMarker {
		req.Marker = marker
	}
	r.Kind = Named
	r.Req = req
	return r, nil
}

// editable interprets the value of -e as pip's parse_editable does, with
// two additions from uv: a marker after whitespace and ';', and whitespace
// inside the extras brackets. The value is a local project directory (a
// path or file: URL, with optional [extras]) or a version-control URL.
func (p *parser) editable(text string, pos Pos) (Requirement, error) {
	r := Requirement{Pos: pos, Text: text, Editable: true}
	fail := func(err error, format string, args ...any) (Requirement, error) {
		return Requirement{}, &ParseError{File: pos.File, Line: pos.Line, Msg: fmt.Sprintf(format, args...), Err: err}
	}

	head, markerText := text, ""
	if strings.HasPrefix(text, `"`) || strings.HasPrefix(text, `'`) {
		word, n, err := shellWord(text)
		if err != nil {
			return fail(err, "invalid editable %q: %v", text, err)
		}
		head, markerText = word, strings.TrimLeftFunc(text[n:], pyIsSpace)
		if markerText != "" && !strings.HasPrefix(markerText, ";") {
			return fail(nil, "invalid editable %q: expected ';' and a marker after the quoted location", text)
		}
		markerText = strings.TrimPrefix(markerText, ";")
	} else {
		for i := 1; i < len(text); i++ {
			if prev, _ := utf8.DecodeLastRuneInString(text[:i]); text[i] == ';' && pyIsSpace(prev) {
				head, markerText = text[:i], text[i+1:]
				break
			}
		}
	}
	var marker pep508.Marker
	if markerText = pyStrip(markerText); markerText != "" {
		m, err := pep508.ParseMarker(markerText)
		if err != nil {
			return fail(err, "invalid marker in editable %q: %v", text, err)
		}
		marker = m
	}
	head = pyStrip(head)
	loc, extras := stripExtras(head)
	loc = pyStrip(loc)
	if loc == "" {
		return fail(nil, "invalid editable %q: no path or URL", text)
	}

	if isURL(loc) || hasVCSPrefix(loc) {
		u := loc
		for _, vcs := range [...]string{"git", "hg", "svn", "bzr"} {
			if scheme(u) == vcs {
				u = vcs + "+" + u
				break
			}
		}
		if scheme(u) != "file" && !isVCSScheme(scheme(u)) {
			return fail(nil, "%s is not a valid editable requirement: it should be a path to a local project or a version-control URL (git+https://..., hg+https://..., svn+https://..., bzr+https://...)", loc)
		}
		if strings.ContainsFunc(u, pyIsSpace) {
			return fail(nil, "invalid editable URL %q: it contains whitespace", loc)
		}
		if err := p.setLocation(&r, u, loc, true); err != nil {
			return fail(err, "%v", err)
		}
	} else {
		// A ';' or '#' glued to a local path is a marker or comment that is
		// missing its leading whitespace; pip would look for a directory
		// with that name, uv refuses, and so does ferry.
		if strings.ContainsRune(loc, ';') {
			return fail(nil, "invalid editable %q: a marker must be separated from the path by whitespace before ';'", text)
		}
		if strings.ContainsRune(loc, '#') {
			return fail(nil, "invalid editable %q: a comment must be preceded by whitespace before '#'", text)
		}
		if err := p.setLocation(&r, loc, loc, true); err != nil {
			return fail(err, "%v", err)
		}
		if r.Kind != Path {
			return fail(nil, "%s is not a valid editable requirement: a relative path in a remote requirements file", loc)
		}
	}
	if extras != "" {
		if err := setExtras(&r.Req, extras); err != nil {
			return fail(err, "invalid extras in editable %q: %v", text, err)
		}
	}
	r.Req.Marker = marker
	return r, nil
}

// hasVCSPrefix reports whether s starts with a bare VCS name and ':'
// ("git://host/repo"), which pip turns into "git+git://host/repo".
func hasVCSPrefix(s string) bool {
	switch scheme(s) {
	case "git", "hg", "svn", "bzr":
		return true
	}
	return false
}

// setLocation fills the location fields of r from loc (a URL or path as
// written, without extras): its kind, resolved URL and path, and the
// project name an "#egg=" fragment or a wheel file name gives.
func (p *parser) setLocation(r *Requirement, loc, given string, editable bool) error {
	r.Location = given
	var target string
	if isURL(loc) {
		target = loc
	} else {
		target = resolve(r.Pos.File, loc)
	}
	if isURL(target) {
		if fp, ok := fileURLPath(target); ok {
			r.Kind, r.Path, r.Req.URL = Path, fp, target
			if !strings.HasPrefix(fp, "/") {
				// "file:../x": relative to the including file.
				r.Path = resolve(r.Pos.File, fp)
				r.Req.URL = pathURL(r.Path)
			}
		} else {
			r.Kind, r.Req.URL = URL, target
		}
	} else {
		r.Kind, r.Path, r.Req.URL = Path, target, pathURL(target)
	}

	name, err := eggName(loc)
	if err != nil {
		return err
	}
	if name == "" && !editable && strings.HasSuffix(strings.ToLower(locationBase(loc)), ".whl") {
		if name, err = wheelName(locationBase(loc)); err != nil {
			return err
		}
	}
	if name != "" {
		r.Req.Name = name
		r.Req.Normalized = pkgname.Name(pkgname.Normalize(name))
	}
	return nil
}

// eggName returns the project name of an "#egg=NAME" fragment (the
// fragment may hold other '&'-separated parts), or "".
func eggName(loc string) (string, error) {
	_, frag, ok := strings.Cut(loc, "#")
	if !ok {
		return "", nil
	}
	for _, part := range strings.Split(frag, "&") {
		v, ok := strings.CutPrefix(part, "egg=")
		if !ok {
			continue
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		if err := pkgname.Validate(v); err != nil {
			return "", fmt.Errorf("invalid #egg= fragment in %s: %w", loc, err)
		}
		return v, nil
	}
	return "", nil
}

// wheelName returns the project name of a wheel file name
// (name-version[-build]-python-abi-platform.whl).
func wheelName(file string) (string, error) {
	stem := file[:len(file)-len(".whl")]
	parts := strings.Split(stem, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return "", fmt.Errorf("%s is not a valid wheel file name", file)
	}
	if err := pkgname.Validate(parts[0]); err != nil {
		return "", fmt.Errorf("%s is not a valid wheel file name: %w", file, err)
	}
	return parts[0], nil
}

// stripExtras splits "path[extra,...]" into the path and the text between
// the brackets, as pip does for paths (the last '[' with no ']' after it,
// the text ending in ']').
func stripExtras(s string) (loc, extras string) {
	if !strings.HasSuffix(s, "]") {
		return s, ""
	}
	i := strings.LastIndexByte(s, '[')
	if i <= 0 || strings.IndexByte(s[i+1:len(s)-1], ']') >= 0 || i+1 == len(s)-1 {
		return s, ""
	}
	return s[:i], s[i+1 : len(s)-1]
}

// setExtras validates extras ("a, b") as PEP 508 extras and sets them on req.
func setExtras(req *pep508.Requirement, extras string) error {
	tmp, err := pep508.Parse("placeholder[" + extras + "]")
	if err != nil {
		var pe *pep508.ParseError
		if errors.As(err, &pe) {
			return errors.New(pe.Msg)
		}
		return err
	}
	req.Extras, req.RawExtras = tmp.Extras, tmp.RawExtras
	return nil
}

// shellWord reads the first shell word of s (see shellSplit) and returns
// it with the number of bytes it took.
func shellWord(s string) (string, int, error) {
	end := 0
	inQuote := byte(0)
	for end < len(s) {
		c := s[end]
		if inQuote != 0 {
			if c == inQuote {
				inQuote = 0
			} else if c == '\\' && inQuote == '"' && end+1 < len(s) {
				end++
			}
			end++
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			break
		}
		switch c {
		case '\'', '"':
			inQuote = c
		case '\\':
			end++
		}
		end++
	}
	if end > len(s) {
		end = len(s)
	}
	words, err := shellSplit(s[:end])
	if err != nil {
		return "", 0, err
	}
	if len(words) != 1 {
		return "", 0, errors.New("expected one word")
	}
	return words[0], end, nil
}
