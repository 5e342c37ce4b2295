package fetch

import (
	"slices"
	"sync"
)

// hostHealth notices a host that has stopped answering: after downAfter
// attempts in a row end with no response at all, the host is down and
// stays down for the rest of the fetcher's life, so a scan stops
// hammering a dead target and reports itself incomplete instead of
// recording hundreds of refused connections as if they were findings.
type hostHealth struct {
	downAfter int
	onDown    func(host string)
	mu        sync.Mutex
	failing   map[string]int
	isDownSet map[string]bool
}

func newHostHealth(downAfter int, onDown func(string)) *hostHealth {
	return &hostHealth{downAfter: downAfter, onDown: onDown, failing: map[string]int{}, isDownSet: map[string]bool{}}
}

func (h *hostHealth) observe(host string, answered bool) {
	if h.downAfter < 0 {
		return
	}
	h.mu.Lock()
	if answered {
		h.failing[host] = 0
		h.mu.Unlock()
		return
	}
	h.failing[host]++
	wentDown := h.failing[host] >= h.downAfter && !h.isDownSet[host]
	if wentDown {
		h.isDownSet[host] = true
	}
	h.mu.Unlock()
	if wentDown && h.onDown != nil {
		h.onDown(host)
	}
}

func (h *hostHealth) isDown(host string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.isDownSet[host]
}

func (h *hostHealth) down() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for host := range h.isDownSet {
		out = append(out, host)
	}
	slices.Sort(out)
	return out
}
