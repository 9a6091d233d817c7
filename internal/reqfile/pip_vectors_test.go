package reqfile

import (
	"context"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"ferry/internal/testkit"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type pipVectors struct {
	Groups map[string]struct {
		Semantics string           `json:"semantics"`
		Cases     []json2PipVector `json:"cases"`
	} `json:"groups"`
}

type json2PipVector struct {
	SourceTest     string            `json:"source_test"`
	Stage          string            `json:"stage"`
	Content        string            `json:"content"`
	Line           string            `json:"line"`
	Filename       string            `json:"filename"`
	LineNumber     int               `json:"line_number"`
	Files          map[string]string `json:"files"`
	Env            map[string]string `json:"env"`
	Parse          string            `json:"parse"`
	BytesHex       string            `json:"bytes_hex"`
	LocaleEncoding string            `json:"locale_encoding"`
	Expected       any               `json:"expected"`
	Expect         any               `json:"expect"`
	ExpectOptions  map[string]any    `json:"expect_options"`
	Error          bool              `json:"error"`
	ErrorContains  string            `json:"error_contains"`
	ErrorText      string            `json:"error_text"`
	Warning        bool              `json:"warning"`
}

// root is where the "files" cases are laid out (pip's tmpdir, <ROOT>).
const root = "/ROOT"

func mapFS(files map[string]string, prefix string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[strings.TrimPrefix(prefix+"/"+name, "/")] = &fstest.MapFile{Data: []byte(content)}
	}
	return fsys
}

func TestPipVectors(t *testing.T) {
	var v pipVectors
	testkit.LoadJSON(t, "requirements_txt_pip.json", &v)
	tally := testkit.NewTally(t, "requirements_txt_pip.json")
	for _, group := range []string{"logical_lines", "single_line", "split_args_options", "files", "encoding"} {
		g, ok := v.Groups[group]
		if !ok {
			t.Fatalf("group %s missing", group)
		}
		for _, c := range g.Cases {
			t.Run(group+"/"+c.SourceTest, func(t *testing.T) {
				var problem string
				switch group {
				case "logical_lines":
					problem = checkLogicalLines(c)
				case "split_args_options":
					args, opts := splitArgsOptions(c.Line)
					if d := cmp.Diff(c.Expected, []any{args, opts}); d != "" {
						problem = "(-want +got)\n" + d
					}
				case "single_line":
					name := c.Filename
					if name == "" {
						name = "file"
					}
					n := max(c.LineNumber, 1)
					content := strings.Repeat("\n", n-1) + c.Line + "\n"
					problem = checkParse(c, map[string]string{name: content}, name, "")
					if problem == "" && c.ErrorText != "" {
						problem = checkPipErrorText(c, name, n)
					}
				case "files":
					problem = checkParse(c, c.Files, c.Parse, root)
				case "encoding":
					data, err := hex.DecodeString(c.BytesHex)
					if err != nil {
						t.Fatal(err)
					}
					problem = checkParse(c, map[string]string{"req.txt": string(data)}, "req.txt", "")
				}
				if !tally.Check(problem == "") {
					t.Errorf("input %q%q%v%s:\n%s", c.Content, c.Line, c.Files, c.BytesHex, problem)
				}
			})
		}
	}
}

func checkLogicalLines(c json2PipVector) string {
	var got []line
	if c.Stage == "join_lines" {
		got = joinLines(c.Content)
	} else {
		got = logicalLines(c.Content, nil)
	}
	gotAny := []any{}
	for _, l := range got {
		gotAny = append(gotAny, []any{float64(l.num), l.text})
	}
	if d := cmp.Diff(c.Expected, gotAny); d != "" {
		return "(-want +got)\n" + d
	}
	return ""
}

// checkPipErrorText checks the parts of pip's message that ferry keeps:
// the offending requirement, the file and line, and pip's hint.
func checkPipErrorText(c json2PipVector, name string, n int) string {
	_, err := Parse(context.Background(), name, FSOpener{mapFS(map[string]string{name: strings.Repeat("\n", n-1) + c.Line}, "")}, nil)
	msg := err.Error()
	for _, want := range []string{name + ":" + itoa(n) + ":", c.Line, "did you mean == ?"} {
		if !strings.Contains(msg, want) {
			return "error " + msg + " lacks " + want
		}
	}
	return ""
}

func itoa(n int) string {
	return strconv.Itoa(n)
}

func checkParse(c json2PipVector, files map[string]string, name, prefix string) string {
	opts := &Options{FallbackEncoding: c.LocaleEncoding}
	if c.Env != nil {
		opts.Getenv = func(k string) (string, bool) { v, ok := c.Env[k]; return v, ok }
	}
	loc := name
	if prefix != "" {
		loc = prefix + "/" + name
	}
	f, err := Parse(context.Background(), loc, FSOpener{mapFS(files, prefix)}, opts)
	if c.Error {
		if err == nil {
			return "parse succeeded, want an error"
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File == "" {
			return "error is not a *ParseError with a file: " + err.Error()
		}
		if c.ErrorContains != "" && !strings.Contains(err.Error(), c.ErrorContains) {
			return "error " + err.Error() + " lacks " + c.ErrorContains
		}
		return ""
	}
	if err != nil {
		return "unexpected error: " + err.Error()
	}
	if c.Warning != (len(f.Warnings) > 0) {
		return "warnings: " + strings.Join(warningStrings(f.Warnings), "; ")
	}
	if c.Expect != nil {
		if p := checkExpect(c.Expect, f, prefix); p != "" {
			return p
		}
	}
	if c.ExpectOptions != nil {
		if p := checkExpectOptions(c.ExpectOptions, &f.Global, prefix); p != "" {
			return p
		}
	}
	return ""
}

func warningStrings(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

// reqFields projects a requirement onto the fields the pip vectors use.
func reqFields(r *Requirement, constraint bool, want map[string]any) map[string]any {
	got := map[string]any{}
	for k := range want {
		switch k {
		case "name":
			got[k] = r.Req.Name
		case "specifier":
			got[k] = r.Req.Specifiers.String()
		case "url":
			got[k] = r.Req.URL
		case "editable":
			got[k] = r.Editable
		case "constraint":
			got[k] = constraint
		case "requirement":
			got[k] = r.Text
		case "hashes":
			h := map[string]any{}
			for _, x := range r.Hashes {
				l, _ := h[x.Alg].([]any)
				h[x.Alg] = append(l, x.Digest)
			}
			got[k] = h
		case "config_settings":
			m := map[string]any{}
			for _, s := range r.ConfigSettings {
				m[s.Key] = s.Value
			}
			got[k] = m
		default:
			got[k] = "unknown field " + k
		}
	}
	return got
}

func checkExpect(expect any, f *File, prefix string) string {
	var wants []map[string]any
	switch e := expect.(type) {
	case map[string]any:
		wants = []map[string]any{e}
	case []any:
		for _, x := range e {
			wants = append(wants, x.(map[string]any))
		}
	}
	if len(wants) != len(f.Requirements)+len(f.Constraints) {
		return "got " + itoa(len(f.Requirements)+len(f.Constraints)) + " requirements"
	}
	ri, ci := 0, 0
	var wantAll, gotAll []map[string]any
	for _, w := range wants {
		if w["constraint"] == true {
			gotAll = append(gotAll, reqFields(&f.Constraints[ci], true, w))
			ci++
		} else {
			if ri >= len(f.Requirements) {
				return "constraint/requirement split differs"
			}
			gotAll = append(gotAll, reqFields(&f.Requirements[ri], false, w))
			ri++
		}
		wantAll = append(wantAll, w)
	}
	if d := cmp.Diff(wantAll, gotAll); d != "" {
		return "(-want +got)\n" + d
	}
	return ""
}

func checkExpectOptions(want map[string]any, g *Global, prefix string) string {
	got := map[string]any{}
	strs := func(l []string) []any {
		out := []any{}
		for _, s := range l {
			out = append(out, strings.ReplaceAll(s, root, "<ROOT>"))
		}
		return out
	}
	for k := range want {
		switch k {
		case "index_urls":
			got[k] = strs(g.EffectiveIndexURLs(nil))
		case "find_links":
			got[k] = strs(g.FindLinks)
		case "trusted_hosts":
			got[k] = strs(g.TrustedHosts)
		case "pre":
			got[k] = g.Pre
		case "no_binary":
			got[k] = strs(g.FormatControl.NoBinary)
		case "only_binary":
			got[k] = strs(g.FormatControl.OnlyBinary)
		default:
			got[k] = "unknown option " + k
		}
	}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		return "(-want +got)\n" + d
	}
	return ""
}
