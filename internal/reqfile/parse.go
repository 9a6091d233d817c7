package reqfile

import (
	"context"
	"fmt"
	"path"
	"strings"
)

// Parse reads the requirements file at name through opener and everything
// it includes, as pip reads it (see the package documentation).
//
// References are resolved by Parse before the Opener sees them: in a file
// whose location is an http, https or file URL, relative references are
// joined to that URL; otherwise a reference that is not a URL is a path
// joined to the directory of the including file. A relative top-level name
// gives relative locations (relative to the same directory as name).
//
// Errors are *ParseError, naming the file and line.
func Parse(ctx context.Context, name string, opener Opener, opts *Options) (*File, error) {
	if opts == nil {
		opts = &Options{}
	}
	if !isFileLocationURL(name) {
		name = path.Clean(name)
	}
	p := &parser{ctx: ctx, opener: opener, opts: opts, f: &File{Name: name}}
	p.max = opts.MaxFiles
	if p.max <= 0 {
		p.max = 1000
	}
	if err := p.parseFile(name, opts.Constraint, nil, Pos{}); err != nil {
		return nil, err
	}
	return p.f, nil
}

type parser struct {
	ctx    context.Context
	opener Opener
	opts   *Options
	f      *File
	files  int
	max    int
}

func (p *parser) warn(pos Pos, format string, args ...any) {
	p.f.Warnings = append(p.f.Warnings, Warning{pos, fmt.Sprintf(format, args...)})
}

// parseFile reads one file. chain holds the files that include it, from
// the top; at is the -r/-c line that named it (zero for the top file).
func (p *parser) parseFile(loc string, constraint bool, chain []string, at Pos) error {
	atErr := func(msg string, err error) error {
		if at.File == "" {
			return &ParseError{File: loc, Msg: msg, Err: err}
		}
		return &ParseError{File: at.File, Line: at.Line, Msg: msg, Err: err}
	}
	if err := p.ctx.Err(); err != nil {
		return atErr(fmt.Sprintf("reading %s: %v", loc, err), err)
	}
	p.files++
	if p.files > p.max {
		return atErr(fmt.Sprintf("more than %d requirements files read (includes counted each time)", p.max), nil)
	}
	data, err := p.opener.Open(p.ctx, loc)
	if err != nil {
		kind := "requirements"
		if constraint {
			kind = "constraints"
		}
		return atErr(fmt.Sprintf("could not open %s file %s: %v", kind, loc, err), err)
	}
	text, warning, err := decode(data, p.opts.FallbackEncoding)
	if err != nil {
		line := 0
		if de, ok := err.(*decodeError); ok {
			line = de.line
		}
		return &ParseError{File: loc, Line: line, Msg: err.Error(), Err: err}
	}
	if warning != nil {
		p.warn(Pos{loc, warning.line}, "%s", warning.msg)
	}
	chain = append(chain[:len(chain):len(chain)], loc)
	for _, l := range logicalLines(text, p.opts.Getenv) {
		if err := p.parseLine(loc, l, constraint, chain); err != nil {
			return err
		}
	}
	return nil
}

// parseLine handles one logical line of the file at loc.
func (p *parser) parseLine(loc string, l line, constraint bool, chain []string) error {
	pos := Pos{loc, l.num}
	fail := func(format string, args ...any) error {
		return &ParseError{File: loc, Line: l.num, Msg: fmt.Sprintf(format, args...)}
	}
	args, optText := splitArgsOptions(l.text)

	var (
		edText string // the editable text, when the line starts with -e
		words  []string
		err    error
	)
	if args == "" {
		var ok bool
		edText, optText, ok = cutEditable(optText)
		if ok && edText == "" {
			return fail("invalid option line %q: -e option requires 1 argument", l.text)
		}
	}
	if words, err = shellSplit(optText); err != nil {
		return fail("invalid option line %q: could not split options: %v", l.text, err)
	}
	vals, rest, err := parseOptionWords(words)
	if err != nil {
		return fail("invalid option line %q: %v", l.text, err)
	}
	lo, err := applyOptions(vals, &p.f.Global.FormatControl)
	if err != nil {
		return fail("invalid option line %q: %v", l.text, err)
	}
	if len(rest) > 0 {
		p.warn(pos, "ignoring %q: not an option (pip ignores it too)", strings.Join(rest, " "))
	}

	switch {
	case args != "" || edText != "" || len(lo.editables) > 0:
		editable := args == ""
		text := args
		if editable {
			text = edText
			if text == "" {
				text = lo.editables[0]
				lo.editables = lo.editables[1:]
			}
		}
		var r Requirement
		if editable {
			r, err = p.editable(text, pos)
		} else {
			r, err = p.requirement(text, pos)
		}
		if err != nil {
			return err
		}
		r.ConfigSettings = lo.configSettings
		if editable {
			if len(lo.hashes) > 0 {
				p.warn(pos, "--hash is ignored on an editable requirement")
			}
		} else {
			r.Hashes = lo.hashes
		}
		if lo.hasGlobal(true) {
			p.warn(pos, "only --hash and --config-settings apply on a requirement line; the other options are ignored")
		}
		if constraint {
			p.f.Constraints = append(p.f.Constraints, r)
		} else {
			p.f.Requirements = append(p.f.Requirements, r)
		}
		return nil

	case len(lo.requirements) > 0 || len(lo.constraints) > 0:
		ref, nested := "", false
		if len(lo.requirements) > 0 {
			ref = lo.requirements[0]
		} else {
			ref, nested = lo.constraints[0], true
		}
		if len(lo.requirements)+len(lo.constraints) > 1 || lo.hasGlobal(false) {
			p.warn(pos, "a line with -r or -c includes only its first file; its other options are ignored")
		}
		target := resolve(loc, ref)
		for i, c := range chain {
			if c == target {
				cycle := append(append([]string(nil), chain[i:]...), target)
				return fail("%s recursively references itself: %s", target, strings.Join(cycle, " -> "))
			}
		}
		return p.parseFile(target, nested, chain, pos)
	}

	if len(lo.hashes) > 0 {
		p.warn(pos, "--hash without a requirement is ignored")
	}
	if len(lo.configSettings) > 0 {
		p.warn(pos, "--config-settings without a requirement is ignored")
	}
	p.global(loc, pos, lo)
	return nil
}

// hasGlobal reports whether the line set any option other than --hash and
// --config-settings (format control excepted, which always applies), -r and
// -c only counted when countIncludes is set.
func (lo *lineOpts) hasGlobal(countIncludes bool) bool {
	if countIncludes && len(lo.constraints)+len(lo.requirements) > 0 {
		return true
	}
	return lo.indexURL != nil || len(lo.extraIndexURLs) > 0 || lo.noIndex || len(lo.editables) > 0 ||
		len(lo.findLinks) > 0 || lo.preferBinary || lo.requireHashes || lo.pre ||
		len(lo.trustedHosts) > 0 || len(lo.features) > 0
}

// global applies an option line to the accumulated global options.
func (p *parser) global(loc string, pos Pos, lo *lineOpts) {
	g := &p.f.Global
	if lo.requireHashes {
		g.RequireHashes = true
	}
	for _, f := range lo.features {
		if !contains(g.Features, f) {
			g.Features = append(g.Features, f)
		}
	}
	if lo.noIndex {
		g.NoIndex = true
		g.IndexURLs = nil
	}
	if lo.indexURL != nil {
		g.IndexURL = *lo.indexURL
		if !g.NoIndex {
			g.IndexURLs = []string{*lo.indexURL}
			g.indexReplaced = true
		}
	}
	g.ExtraIndexURLs = append(g.ExtraIndexURLs, lo.extraIndexURLs...)
	if !g.NoIndex {
		g.IndexURLs = append(g.IndexURLs, lo.extraIndexURLs...)
	}
	if len(lo.findLinks) > 0 {
		if len(lo.findLinks) > 1 {
			p.warn(pos, "only the first --find-links of a line is used")
		}
		v := lo.findLinks[0]
		if !isURL(v) {
			v = resolve(loc, v)
		}
		g.FindLinks = append(g.FindLinks, v)
	}
	if lo.pre {
		g.Pre = true
	}
	if lo.preferBinary {
		g.PreferBinary = true
	}
	g.TrustedHosts = append(g.TrustedHosts, lo.trustedHosts...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cutEditable splits an option text that starts with -e / --editable into
// the raw editable text and the options after it. The editable text runs
// to the first space-separated piece starting with '-', like the
// requirement part of a line, so that it keeps its spaces and quotes (a
// marker needs them). ok is false when the text does not start with -e.
func cutEditable(opt string) (ed, rest string, ok bool) {
	var after string
	switch {
	case strings.HasPrefix(opt, "--"):
		name, val, hasEq := strings.Cut(opt, "=")
		if i := strings.IndexAny(name, " \t"); i >= 0 {
			name, val, hasEq = name[:i], opt[i:], false
		}
		spec, err := matchLong(name)
		if err != nil || spec.long != "--editable" {
			return "", opt, false
		}
		if hasEq {
			after = val
		} else {
			after = strings.TrimLeft(val, " \t")
		}
	case strings.HasPrefix(opt, "-e"):
		after = strings.TrimLeft(opt[2:], " \t")
	default:
		return "", opt, false
	}
	ed, rest = splitArgsOptions(after)
	return strings.TrimRight(ed, " \t"), rest, true
}
