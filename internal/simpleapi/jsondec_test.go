package simpleapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// referenceDecode is the meaning decodeProjectJSON must have, written with
// encoding/json's generic decoding: exact keys, last duplicate wins, null
// as absent, wrong types rejected.
func referenceDecode(data []byte) (jsonProject, error) {
	var jp jsonProject
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return jp, err
	}
	if len(bytes.Trim(data[dec.InputOffset():], " \t\r\n")) > 0 {
		return jp, errors.New("data after the top-level value")
	}
	m, ok := top.(map[string]any)
	if !ok {
		return jp, errors.New("not an object")
	}
	bad := errors.New("wrong type")
	str := func(v any, dst *string) error {
		switch v := v.(type) {
		case nil:
			*dst = ""
		case string:
			*dst = v
		default:
			return bad
		}
		return nil
	}
	strPtr := func(v any, dst **string) error {
		switch v := v.(type) {
		case nil:
			*dst = nil
		case string:
			*dst = &v
		default:
			return bad
		}
		return nil
	}
	var loose func(v any) (any, error)
	loose = func(v any) (any, error) {
		switch v := v.(type) {
		case json.Number:
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil {
				return nil, err
			}
			return f, nil
		case map[string]any:
			out := map[string]any{}
			for k, e := range v {
				le, err := loose(e)
				if err != nil {
					return nil, err
				}
				out[k] = le
			}
			return out, nil
		case []any:
			out := []any{}
			for _, e := range v {
				le, err := loose(e)
				if err != nil {
					return nil, err
				}
				out = append(out, le)
			}
			return out, nil
		}
		return v, nil
	}
	if v, ok := m["meta"]; ok && v != nil {
		mm, ok := v.(map[string]any)
		if !ok {
			return jp, bad
		}
		if err := str(mm["api-version"], &jp.Meta.APIVersion); err != nil {
			return jp, err
		}
	}
	if err := str(m["name"], &jp.Name); err != nil {
		return jp, err
	}
	if v, ok := m["versions"]; ok && v != nil {
		a, ok := v.([]any)
		if !ok {
			return jp, bad
		}
		jp.Versions = []string{}
		for _, e := range a {
			var s string
			if err := str(e, &s); err != nil {
				return jp, err
			}
			jp.Versions = append(jp.Versions, s)
		}
	}
	if v, ok := m["files"]; ok && v != nil {
		a, ok := v.([]any)
		if !ok {
			return jp, bad
		}
		jp.Files = []jsonFile{}
		for _, e := range a {
			var f jsonFile
			if e != nil {
				fm, ok := e.(map[string]any)
				if !ok {
					return jp, bad
				}
				if err := errors.Join(str(fm["filename"], &f.Filename), str(fm["url"], &f.URL),
					strPtr(fm["requires-python"], &f.RequiresPython), strPtr(fm["upload-time"], &f.UploadTime)); err != nil {
					return jp, err
				}
				if h, ok := fm["hashes"]; ok && h != nil {
					hm, ok := h.(map[string]any)
					if !ok {
						return jp, bad
					}
					f.Hashes = map[string]string{}
					for k, hv := range hm {
						var s string
						if err := str(hv, &s); err != nil {
							return jp, err
						}
						f.Hashes[k] = s
					}
				}
				if sz, ok := fm["size"]; ok && sz != nil {
					num, ok := sz.(json.Number)
					if !ok {
						return jp, bad
					}
					n, err := strconv.ParseInt(string(num), 10, 64)
					if err != nil {
						return jp, err
					}
					f.Size = &n
				}
				for key, dst := range map[string]*any{"core-metadata": &f.CoreMetadata, "dist-info-metadata": &f.DistInfoMetadata, "yanked": &f.Yanked} {
					lv, err := loose(fm[key])
					if err != nil {
						return jp, err
					}
					*dst = lv
				}
			}
			jp.Files = append(jp.Files, f)
		}
	}
	return jp, nil
}

func FuzzDecodeProjectJSON(f *testing.F) {
	var buf bytes.Buffer
	WriteJSON(&buf, sampleProject())
	f.Add(buf.Bytes())
	for _, s := range []string{
		`{}`, `{"meta":null,"files":null}`, `{"files":[null,{"filename":"a\u00e9\ud83d\ude00\ud800x","size":12}]}`,
		`{"name":"a","name":null}`, `{"files":[{"hashes":{"a":"1"},"hashes":{"b":"2"}}]}`,
		`{"files":[{"yanked":"why","core-metadata":{"sha256":"ab","n":[1,2.5e3,true,null]}}]}`,
		`{"x":[{"y":-0.5e-3}],"meta":{"api-version":"1.1","z":{}}}`, `{"files":[{"size":1e3}]}`,
		`{"files":[{"size":-0}]} `, `[]`, `{"a":01}`, "{\"a\":\"\x01\"}", `{"a":"\x"}`, "{\"a\":\"\xff\"}",
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001), `{"x":` + strings.Repeat("[", 9998) + strings.Repeat("]", 9998) + `}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got jsonProject
		gotErr := decodeProjectJSON(data, &got)
		want, wantErr := referenceDecode(data)
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("%q: decode error %v, reference error %v", data, gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q: decode differs from the reference (-want +got):\n%s", data, diff)
		}
	})
}
