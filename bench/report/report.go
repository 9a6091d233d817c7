package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// Row is one benchmark: several tools measured on the same work.
type Row struct {
	Name    string   `json:"name"`
	Title   string   `json:"title"`
	Tools   []Tool   `json:"tools"`
	NotYet  []string `json:"not_yet,omitempty"`
	Note    string   `json:"note,omitempty"`
	Missing bool     `json:"missing,omitempty"` // the row did not run at all
}

// Tool is one tool's timings in seconds.
type Tool struct {
	Name   string    `json:"name"`
	Median float64   `json:"median"`
	Mean   float64   `json:"mean"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	Runs   int       `json:"runs"`
	Failed bool      `json:"failed,omitempty"`
	Size   int64     `json:"size_bytes,omitempty"`
	Times  []float64 `json:"-"`
}

// Report is everything BENCHMARKS.md shows.
type Report struct {
	Date     string            `json:"date"`
	Machine  map[string]string `json:"machine"`
	Versions []string          `json:"versions"`
	Rows     []Row             `json:"rows"`
}

// rowOrder fixes the order and titles of the rows; a row absent from the
// results is still listed, as "not run".
var rowOrder = [][2]string{
	{"install-trio-warm", "install trio.txt (38 pins), warm cache, fresh venv"},
	{"install-trio-warm-floor", "floor: hard-link the finished trio site-packages (cp -al)"},
	{"install-trio-cold", "install trio.txt, cold cache, fresh venv"},
	{"install-black-warm", "install black.txt (8 pins), warm cache, fresh venv"},
	{"install-black-warm-floor", "floor: hard-link the finished black site-packages (cp -al)"},
	{"install-black-cold", "install black.txt, cold cache, fresh venv"},
	{"resolve-trio-warm", "resolve trio.in, warm cache (exclude-newer 2024-03-01)"},
	{"resolve-trio-cold", "resolve trio.in, cold cache (exclude-newer 2024-03-01)"},
	{"venv", "create a virtual environment"},
	{"build", "build sdist + wheel of a 300-module pure-Python project"},
	{"bundle", "bundle an application with flask and requests"},
	{"bundle-startup", "start-up time of the bundled application"},
}

type hyperfineFile struct {
	Results []struct {
		Command   string    `json:"command"`
		Mean      float64   `json:"mean"`
		Median    float64   `json:"median"`
		Min       float64   `json:"min"`
		Max       float64   `json:"max"`
		Times     []float64 `json:"times"`
		ExitCodes []*int    `json:"exit_codes"`
	} `json:"results"`
}

// Load reads a results directory.
func Load(dir, notesDir string) (*Report, error) {
	rep := &Report{}
	sizes := readSizes(filepath.Join(dir, "bundle-sizes.txt"))
	for _, ro := range rowOrder {
		row := Row{Name: ro[0], Title: ro[1]}
		data, err := os.ReadFile(filepath.Join(dir, ro[0]+".json"))
		switch {
		case err == nil:
			var hf hyperfineFile
			if err := json.Unmarshal(data, &hf); err != nil {
				return nil, fmt.Errorf("reading %s.json: %w", ro[0], err)
			}
			for _, r := range hf.Results {
				t := Tool{Name: r.Command, Median: r.Median, Mean: r.Mean, Min: r.Min, Max: r.Max, Runs: len(r.Times), Times: r.Times}
				for _, c := range r.ExitCodes {
					if c != nil && *c != 0 {
						t.Failed = true
					}
				}
				if ro[0] == "bundle" {
					t.Size = sizes[t.Name]
				}
				row.Tools = append(row.Tools, t)
			}
		case os.IsNotExist(err):
			row.Missing = true
		default:
			return nil, err
		}
		if ny, err := os.ReadFile(filepath.Join(dir, ro[0]+".notyet")); err == nil {
			row.NotYet = strings.Fields(string(ny))
		}
		if note, err := os.ReadFile(filepath.Join(notesDir, ro[0]+".md")); err == nil {
			row.Note = strings.TrimSpace(string(note))
		}
		rep.Rows = append(rep.Rows, row)
	}
	if v, err := os.ReadFile(filepath.Join(dir, "versions.txt")); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(v)), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				rep.Versions = append(rep.Versions, l)
			}
		}
	}
	return rep, nil
}

func readSizes(path string) map[string]int64 {
	m := map[string]int64{}
	f, err := os.Open(path)
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var name string
		var n int64
		if _, err := fmt.Sscanf(sc.Text(), "%s %d", &name, &n); err == nil {
			m[name] = n
		}
	}
	return m
}

// ReadMachine describes the machine: cores, memory, CPU, filesystem of dir.
func ReadMachine(dir string) map[string]string {
	m := map[string]string{"cores": fmt.Sprint(runtime.NumCPU()), "os": runtime.GOOS + "/" + runtime.GOARCH}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				var kb int64
				fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "MemTotal:")), "%d", &kb)
				m["memory"] = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "model name") {
				if _, v, ok := strings.Cut(l, ":"); ok {
					m["cpu"] = strings.TrimSpace(v)
				}
				break
			}
		}
	}
	if out, err := exec.Command("stat", "-f", "-c", "%T", dir).Output(); err == nil {
		m["filesystem"] = strings.TrimSpace(string(out))
	}
	return m
}

// WriteJSON writes the summary.
func (r *Report) WriteJSON(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func (r *Row) tool(name string) (Tool, bool) {
	for _, t := range r.Tools {
		if t.Name == name {
			return t, true
		}
	}
	return Tool{}, false
}

// fastestPeer returns the fastest tool other than ferry.
func (r *Row) fastestPeer() (Tool, bool) {
	var best Tool
	found := false
	for _, t := range r.Tools {
		if t.Name == "ferry" || t.Failed {
			continue
		}
		if !found || t.Median < best.Median {
			best, found = t, true
		}
	}
	return best, found
}

// WriteMarkdown writes BENCHMARKS.md.
func (r *Report) WriteMarkdown(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "# Benchmarks\n\n")
	fmt.Fprintf(b, "Generated by `bench/run` on %s. Every row runs all tools in one hyperfine session\n", r.Date)
	fmt.Fprintf(b, "(3 warm-up runs, 10 counted unless stated); times are wall-clock seconds. The ratio is\n")
	fmt.Fprintf(b, "ferry's median divided by the peer's: below 1.0 ferry is faster.\n\n")
	fmt.Fprintf(b, "## Machine\n\n")
	keys := make([]string, 0, len(r.Machine))
	for k := range r.Machine {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "- %s: %s\n", k, r.Machine[k])
	}
	fmt.Fprintf(b, "\n## Tools\n\n")
	for _, v := range r.Versions {
		fmt.Fprintf(b, "- %s\n", v)
	}
	fmt.Fprintf(b, "\n## Summary\n\n| row | ferry | fastest peer | ratio |\n| --- | --- | --- | --- |\n")
	for _, row := range r.Rows {
		ferry, hasFerry := row.tool("ferry")
		peer, hasPeer := row.fastestPeer()
		switch {
		case row.Missing && len(row.NotYet) == 0:
			fmt.Fprintf(b, "| %s | not run | | |\n", row.Name)
		case !hasFerry && strings.HasSuffix(row.Name, "-floor"):
			fmt.Fprintf(b, "| %s | (floor) %s | | |\n", row.Name, secs(row.Tools))
		case !hasFerry:
			fmt.Fprintf(b, "| %s | not yet | %s %s | |\n", row.Name, peerName(peer, hasPeer), peerTime(peer, hasPeer))
		case ferry.Failed:
			fmt.Fprintf(b, "| %s | failed | %s %s | |\n", row.Name, peerName(peer, hasPeer), peerTime(peer, hasPeer))
		case hasPeer:
			fmt.Fprintf(b, "| %s | %.3f s | %s %.3f s | %.2f |\n", row.Name, ferry.Median, peer.Name, peer.Median, ferry.Median/peer.Median)
		default:
			fmt.Fprintf(b, "| %s | %.3f s | | |\n", row.Name, ferry.Median)
		}
	}
	for _, row := range r.Rows {
		fmt.Fprintf(b, "\n## %s\n\n%s.\n\n", row.Name, row.Title)
		if row.Missing && len(row.NotYet) == 0 {
			b.WriteString("Not run in this session.\n")
			continue
		}
		ferry, hasFerry := row.tool("ferry")
		sizeCol := row.Name == "bundle"
		if sizeCol {
			b.WriteString("| tool | median | min | max | runs | size | ferry/tool |\n| --- | --- | --- | --- | --- | --- | --- |\n")
		} else {
			b.WriteString("| tool | median | min | max | runs | ferry/tool |\n| --- | --- | --- | --- | --- | --- |\n")
		}
		for _, name := range row.NotYet {
			if sizeCol {
				fmt.Fprintf(b, "| %s | not yet | | | | | |\n", name)
			} else {
				fmt.Fprintf(b, "| %s | not yet | | | | |\n", name)
			}
		}
		for _, t := range row.Tools {
			ratio := ""
			if hasFerry && !ferry.Failed && !t.Failed && t.Median > 0 {
				ratio = fmt.Sprintf("%.2f", ferry.Median/t.Median)
			}
			med := fmt.Sprintf("%.3f s", t.Median)
			if t.Failed {
				med = "failed"
			}
			if sizeCol {
				size := ""
				if t.Size > 0 {
					size = fmt.Sprintf("%.1f MiB", float64(t.Size)/(1<<20))
				}
				fmt.Fprintf(b, "| %s | %s | %.3f s | %.3f s | %d | %s | %s |\n", t.Name, med, t.Min, t.Max, t.Runs, size, ratio)
			} else {
				fmt.Fprintf(b, "| %s | %s | %.3f s | %.3f s | %d | %s |\n", t.Name, med, t.Min, t.Max, t.Runs, ratio)
			}
		}
		if row.Note != "" {
			fmt.Fprintf(b, "\n%s\n", row.Note)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func peerName(t Tool, ok bool) string {
	if !ok {
		return ""
	}
	return t.Name
}

func peerTime(t Tool, ok bool) string {
	if !ok {
		return ""
	}
	return fmt.Sprintf("%.3f s", t.Median)
}

func secs(ts []Tool) string {
	if len(ts) == 0 {
		return ""
	}
	return fmt.Sprintf("%.3f s", ts[0].Median)
}
