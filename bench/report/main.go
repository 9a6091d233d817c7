// Command report turns the hyperfine results written by bench/run into
// BENCHMARKS.md and one JSON summary: median, min and max per tool, the
// ratio ferry/peer per row, the machine, the tool versions and the date.
//
// Usage: go run ./bench/report -results bench/out/results -o BENCHMARKS.md -json bench/out/results.json
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	results := flag.String("results", "bench/out/results", "directory of hyperfine JSON files")
	out := flag.String("o", "BENCHMARKS.md", "markdown file to write")
	jsonOut := flag.String("json", "", "JSON summary to write (optional)")
	notes := flag.String("notes", "bench/notes", "directory of per-row notes (ROW.md)")
	flag.Parse()
	if err := run(*results, *out, *jsonOut, *notes, time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(resultsDir, out, jsonOut, notesDir string, now time.Time) error {
	rep, err := Load(resultsDir, notesDir)
	if err != nil {
		return err
	}
	rep.Machine = ReadMachine(filepath.Dir(resultsDir))
	rep.Date = now.UTC().Format("2006-01-02")
	if jsonOut != "" {
		if err := rep.WriteJSON(jsonOut); err != nil {
			return err
		}
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	return rep.WriteMarkdown(f)
}
