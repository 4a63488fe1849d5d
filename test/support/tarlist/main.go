// Lists tar archives as the container runtime reads them: Go's archive/tar (what Docker and
// containerd use) and the entry types containerd's apply extracts. A test tool: bulkhead's
// differential tests compare their tar reader with it. Reads archive paths, one per line, on
// stdin; writes one JSON line per archive.
package main

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
)

type entry struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Linkname string `json:"linkname"`
}

type listing struct {
	File    string  `json:"file"`
	Entries []entry `json:"entries"`
	Error   string  `json:"error,omitempty"`
}

func list(path string) listing {
	out := listing{File: path, Entries: []entry{}}
	f, err := os.Open(path)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			out.Error = err.Error()
			return out
		}
		switch hdr.Typeflag {
		case tar.TypeXGlobalHeader:
			continue // containerd: "PAX Global Extended Headers found and ignored"
		case tar.TypeReg, tar.TypeDir, tar.TypeSymlink, tar.TypeLink, tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		default:
			out.Error = "unhandled tar header type " + string(rune(hdr.Typeflag))
			return out
		}
		size := hdr.Size
		if hdr.Typeflag != tar.TypeReg {
			size = 0
		}
		out.Entries = append(out.Entries, entry{Name: hdr.Name, Type: string(rune(hdr.Typeflag)), Size: size, Linkname: hdr.Linkname})
		if _, err := io.Copy(io.Discard, tr); err != nil {
			out.Error = err.Error()
			return out
		}
	}
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	encoder := json.NewEncoder(os.Stdout)
	for scanner.Scan() {
		if err := encoder.Encode(list(scanner.Text())); err != nil {
			os.Exit(1)
		}
	}
}
