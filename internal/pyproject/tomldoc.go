package pyproject

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// tomlPath addresses a value in a TOML document: each element is "k"+key or
// "i"+index.
type tomlPath []string

func (p tomlPath) key(k string) tomlPath {
	q := make(tomlPath, len(p), len(p)+1)
	copy(q, p)
	return append(q, "k"+k)
}

func (p tomlPath) idx(i int) tomlPath {
	q := make(tomlPath, len(p), len(p)+1)
	copy(q, p)
	return append(q, "i"+strconv.Itoa(i))
}

func (p tomlPath) id() string { return strings.Join(p, "\x00") }

// display renders p the way errors name keys: the table header in brackets,
// then the dotted rest with array indices: "[project] optional-dependencies.dev[2]".
func (p tomlPath) display() string {
	if len(p) == 0 {
		return ""
	}
	head := 1
	if p[0] == "ktool" && len(p) >= 2 && p[1][0] == 'k' {
		head = 2
	}
	var hb []string
	for _, e := range p[:head] {
		hb = append(hb, bareKey(e[1:]))
	}
	var b strings.Builder
	b.WriteString("[" + strings.Join(hb, ".") + "]")
	first := true
	for _, e := range p[head:] {
		if e[0] == 'i' {
			b.WriteString("[" + e[1:] + "]")
			continue
		}
		if first {
			b.WriteByte(' ')
			first = false
		} else {
			b.WriteByte('.')
		}
		b.WriteString(bareKey(e[1:]))
	}
	return b.String()
}

// bareKey quotes k unless it is a TOML bare key.
func bareKey(k string) string {
	if k == "" {
		return `""`
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return strconv.Quote(k)
		}
	}
	return k
}

type tomlPos struct{ line, offset int }

// tomlDoc is a decoded TOML document with the source position of every key
// and array element (the first place it appears).
type tomlDoc struct {
	file string
	root map[string]any
	pos  map[string]tomlPos
}

// parseTOML decodes data. A syntax error becomes an *Error with the line,
// column and text of the offending line.
func parseTOML(file string, data []byte) (*tomlDoc, error) {
	var root map[string]any
	if err := toml.Unmarshal(data, &root); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			msg := strings.TrimPrefix(de.Error(), "toml: ")
			if text := sourceLine(data, row); text != "" {
				msg += fmt.Sprintf("; the line reads %s", strconv.Quote(text))
			}
			return nil, &Error{File: file, Line: row, Column: col, Msg: "invalid TOML: " + msg, Err: err}
		}
		return nil, &Error{File: file, Msg: "invalid TOML: " + strings.TrimPrefix(err.Error(), "toml: "), Err: err}
	}
	if root == nil {
		root = map[string]any{}
	}
	doc := &tomlDoc{file: file, root: root, pos: map[string]tomlPos{}}
	doc.index(data)
	return doc, nil
}

func sourceLine(data []byte, row int) string {
	if row < 1 {
		return ""
	}
	lines := strings.Split(string(data), "\n")
	if row > len(lines) {
		return ""
	}
	s := strings.TrimRight(lines[row-1], "\r")
	s = strings.TrimSpace(s)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// index records positions by walking the AST of a document that already
// decoded without error.
func (d *tomlDoc) index(data []byte) {
	var p unstable.Parser
	p.Reset(data)
	arrays := map[string]int{} // array-table path -> elements so far
	var cur tomlPath
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			var keys []*unstable.Node
			it := e.Key()
			for it.Next() {
				keys = append(keys, it.Node())
			}
			var res tomlPath
			for i, k := range keys {
				res = res.key(string(k.Data))
				d.record(&p, res, k)
				if i < len(keys)-1 {
					if n, ok := arrays[res.id()]; ok && n > 0 {
						res = res.idx(n - 1)
					}
				}
			}
			if e.Kind == unstable.ArrayTable && len(keys) > 0 {
				n := arrays[res.id()]
				arrays[res.id()] = n + 1
				res = res.idx(n)
				d.record(&p, res, keys[len(keys)-1])
			}
			cur = res
		case unstable.KeyValue:
			d.indexKV(&p, cur, e)
		}
	}
}

func (d *tomlDoc) indexKV(p *unstable.Parser, base tomlPath, kv *unstable.Node) {
	res := base
	var last *unstable.Node
	it := kv.Key()
	for it.Next() {
		k := it.Node()
		res = res.key(string(k.Data))
		d.record(p, res, k)
		last = k
	}
	if last == nil {
		return
	}
	d.indexValue(p, res, kv.Value(), last)
}

func (d *tomlDoc) indexValue(p *unstable.Parser, at tomlPath, v *unstable.Node, fallback *unstable.Node) {
	switch v.Kind {
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				d.indexKV(p, at, c)
			}
		}
	case unstable.Array:
		i := 0
		it := v.Children()
		for it.Next() {
			c := it.Node()
			ep := at.idx(i)
			if c.Raw.Length > 0 {
				d.record(p, ep, c)
			} else {
				d.record(p, ep, fallback)
			}
			d.indexValue(p, ep, c, fallback)
			i++
		}
	}
}

func (d *tomlDoc) record(p *unstable.Parser, at tomlPath, n *unstable.Node) {
	id := at.id()
	if _, ok := d.pos[id]; ok || n == nil || n.Raw.Length == 0 {
		return
	}
	sh := p.Shape(n.Raw)
	d.pos[id] = tomlPos{line: sh.Start.Line, offset: sh.Start.Offset}
}

// line returns the line of at, or of its nearest ancestor with a known
// position, or 0.
func (d *tomlDoc) line(at tomlPath) int {
	for n := len(at); n > 0; n-- {
		if ps, ok := d.pos[at[:n].id()]; ok {
			return ps.line
		}
	}
	return 0
}

// keys returns m's keys in document order (keys without a recorded position
// last, by name).
func (d *tomlDoc) keys(at tomlPath, m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	off := func(k string) int {
		if ps, ok := d.pos[at.key(k).id()]; ok {
			return ps.offset
		}
		return int(^uint(0) >> 1)
	}
	sort.Slice(ks, func(i, j int) bool {
		oi, oj := off(ks[i]), off(ks[j])
		if oi != oj {
			return oi < oj
		}
		return ks[i] < ks[j]
	})
	return ks
}

// typeName describes a decoded TOML value for error messages.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64, int, uint64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case time.Time, toml.LocalDate, toml.LocalDateTime, toml.LocalTime:
		return "a date or time"
	}
	return fmt.Sprintf("a %T", v)
}

// treader reads typed values out of a tomlDoc, reporting problems to a diag.
type treader struct {
	doc *tomlDoc
	d   *diag
}

func (r *treader) line(p tomlPath) int { return r.doc.line(p) }

func (r *treader) errorf(p tomlPath, format string, args ...any) {
	r.d.errorf(r.doc.file, r.line(p), p.display(), format, args...)
}

// errorAt reports on the line of at under the name of key (an array
// element's line, its array's name).
func (r *treader) errorAt(at, key tomlPath, format string, args ...any) {
	r.d.errorf(r.doc.file, r.line(at), key.display(), format, args...)
}

func (r *treader) wrap(p tomlPath, err error, format string, args ...any) {
	r.d.wrap(r.doc.file, r.line(p), p.display(), err, format, args...)
}

func (r *treader) typef(p tomlPath, format string, args ...any) {
	r.d.typef(r.doc.file, r.line(p), p.display(), format, args...)
}

func (r *treader) warnf(p tomlPath, format string, args ...any) {
	r.d.warnf(r.doc.file, r.line(p), p.display(), format, args...)
}

func (r *treader) str(p tomlPath, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		r.typef(p, "must be a string, got %s", typeName(v))
	}
	return s, ok
}

func (r *treader) boolean(p tomlPath, v any) (bool, bool) {
	b, ok := v.(bool)
	if !ok {
		r.typef(p, "must be a boolean, got %s", typeName(v))
	}
	return b, ok
}

func (r *treader) table(p tomlPath, v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		r.typef(p, "must be a table, got %s", typeName(v))
	}
	return m, ok
}

// strArray reads an array of strings. The whole value must be an array;
// each element that is not a string is reported on its own.
func (r *treader) strArray(p tomlPath, v any) ([]string, bool) {
	arr, ok := v.([]any)
	if !ok {
		r.typef(p, "must be an array of strings, got %s", typeName(v))
		return nil, false
	}
	out := make([]string, 0, len(arr))
	good := true
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			r.typef(p.idx(i), "must be a string, got %s", typeName(e))
			good = false
			continue
		}
		out = append(out, s)
	}
	return out, good
}

// strOrStrArray reads a string or an array of strings (setuptools' "where"
// and "file" values).
func (r *treader) strOrStrArray(p tomlPath, v any) ([]string, bool) {
	if s, ok := v.(string); ok {
		return []string{s}, true
	}
	if _, ok := v.([]any); !ok {
		r.typef(p, "must be a string or an array of strings, got %s", typeName(v))
		return nil, false
	}
	return r.strArray(p, v)
}

// strMap reads a table of strings, in document order.
func (r *treader) strMap(p tomlPath, v any) ([]string, map[string]string, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		r.typef(p, "must be a table of strings, got %s", typeName(v))
		return nil, nil, false
	}
	keys := r.doc.keys(p, m)
	out := make(map[string]string, len(m))
	var order []string
	good := true
	for _, k := range keys {
		s, ok := m[k].(string)
		if !ok {
			r.typef(p.key(k), "must be a string, got %s", typeName(m[k]))
			good = false
			continue
		}
		out[k] = s
		order = append(order, k)
	}
	return order, out, good
}

// unknownKeys reports every key of m not in known, suggesting the closest.
func (r *treader) unknownKeys(p tomlPath, m map[string]any, known []string, warn bool) {
	for _, k := range r.doc.keys(p, m) {
		if contains(known, k) {
			continue
		}
		msg := "unknown key"
		if s := suggest(k, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		if warn {
			r.warnf(p.key(k), "%s", msg)
		} else {
			r.errorf(p.key(k), "%s", msg)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest returns the entry of known closest to k, or "" when none is
// close: the same name with '_' for '-' (or the reverse) or a different
// case, or within an edit distance of about a third of its length.
func suggest(k string, known []string) string {
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "-")) }
	for _, c := range known {
		if norm(c) == norm(k) {
			return c
		}
	}
	best, bestD := "", -1
	for _, c := range known {
		d := editDistance(norm(k), norm(c))
		limit := len(c) / 3
		if limit < 2 {
			limit = 2
		}
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
