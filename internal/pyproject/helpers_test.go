package pyproject

import (
	"io/fs"
	"testing/fstest"
)

// files makes a MapFS of empty files.
func files(names ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for _, n := range names {
		m[n] = &fstest.MapFile{Data: []byte("")}
	}
	return m
}

// withFile adds a file with content to m and returns m.
func withFile(m fstest.MapFS, name, content string) fstest.MapFS {
	m[name] = &fstest.MapFile{Data: []byte(content)}
	return m
}

// tree makes a MapFS from names and contents.
func tree(kv map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range kv {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func reqStrings[T interface{ String() string }](reqs []T) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.String())
	}
	return out
}

// fsWalk lists the regular files of fsys.
func fsWalk(fsys fs.FS, out *[]string) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			*out = append(*out, p)
		}
		return nil
	})
}
